"""`flask translate ...`: extract, update and compile the English and Chinese catalogues."""

from __future__ import annotations

import subprocess  # noqa: S404 - runs pybabel, the catalogue tool of our own dependency
import sys

import click

from .. import PROJECT_ROOT
from ..i18n import TRANSLATIONS, compile_catalogues

POT = PROJECT_ROOT / "regulator" / "translations" / "messages.pot"


@click.group()
def translate() -> None:
    """Maintain the translation catalogues."""


@translate.command("update")
def update() -> None:
    """Extract messages from code and templates and merge them into every catalogue."""
    babel = [sys.executable, "-m", "babel.messages.frontend"]
    subprocess.run([*babel, "extract", "-F", str(PROJECT_ROOT / "babel.cfg"), "-k", "_l", "-k",  # noqa: S603
                    "lazy_gettext", "--no-location", "--sort-output", "-o", str(POT), str(PROJECT_ROOT)],
                   check=True, cwd=PROJECT_ROOT)
    subprocess.run([*babel, "update", "-i", str(POT), "-d", str(TRANSLATIONS), "--no-fuzzy-matching",  # noqa: S603
                    "--ignore-obsolete"], check=True, cwd=PROJECT_ROOT)


@translate.command("compile")
def compile_() -> None:
    """Compile the catalogues (.po -> .mo)."""
    for path in compile_catalogues(force=True):
        click.echo(f"compiled {path.relative_to(PROJECT_ROOT)}")
