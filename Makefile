# Regulator: `make demo` builds and serves the demo; `make test` runs the whole test suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
ENTITIES ?= 2000

.PHONY: demo test install install-app serve lint translations clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Regulator needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# the app and its server: what `make demo` and `make serve` need
$(VENV)/.installed-app: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[serve]'
	@touch $@

# plus the test extras (pytest, Playwright, and PySpark with a Java runtime for the Spark linkage tests)
$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,serve]'
	@touch $@ $(VENV)/.installed-app

install: $(VENV)/.installed

install-app: $(VENV)/.installed-app

demo: install-app
	$(BIN)/flask --app wsgi demo --reset --entities $(ENTITIES)
	$(BIN)/flask --app wsgi run --host $(HOST) --port $(PORT)

serve: install-app
	$(BIN)/flask --app wsgi run --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check regulator models risk scripts bench tests

translations: install
	$(BIN)/flask --app wsgi translate update
	$(BIN)/python scripts/translations.py check

clean:
	rm -rf $(VENV) instance .pytest_cache .coverage htmlcov
