"""Browser fixtures: the app served on a free localhost port, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from regulator import create_app
from regulator.extensions import db

from ..conftest import _config
from ..factories import Factory

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@dataclass
class LiveServer:
    """A running app: its base URL, the app (for setting up data) and a factory."""

    url: str
    app: object
    make: Factory

    def commit(self) -> None:
        db.session.commit()


def _buffered(app):  # noqa: ANN001, ANN202
    """Read each response whole and close it before sending a byte.

    The browser drops connections mid-response (a page navigates away while a static file is still being sent);
    the threaded dev server then leaves the file of a streamed response unclosed, which pytest reports as an
    unraisable ResourceWarning in a random later test. Buffering closes every file before the socket is touched.
    """

    def wsgi(environ, start_response):  # noqa: ANN001, ANN202
        started: list = []
        iterable = app(environ, lambda status, headers, exc_info=None: started.append((status, headers, exc_info)))
        try:
            body = b"".join(iterable)
        finally:
            if hasattr(iterable, "close"):
                iterable.close()
        start_response(*started[-1])
        return [body]

    return wsgi


@pytest.fixture
def live_server(tmp_path: Path, sqlite_template: Path) -> Iterator[LiveServer]:
    """The app on a SQLite copy, with CSRF on as in production, served by a background thread."""
    path = tmp_path / "live.db"
    shutil.copyfile(sqlite_template, path)
    app = create_app(_config(f"sqlite:///{path}", WTF_CSRF_ENABLED=True))
    server = make_server("127.0.0.1", 0, _buffered(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with app.app_context():
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app, Factory())
        db.session.remove()
        server.shutdown()
        thread.join(timeout=5)
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser(chromium_path: str):  # noqa: ANN201
    """One headless Chromium for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):  # noqa: ANN001, ANN201
    """A fresh browser context (no cookies) and page, in English."""
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(15000)
    yield context.new_page()
    context.close()


def sign_in(page, server: LiveServer, username: str, password: str = "test-password-123") -> None:  # noqa: ANN001
    """Fill the sign-in form as a user would."""
    page.goto(server.url + "/auth/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#submit")


def sign_out(page) -> None:  # noqa: ANN001
    """Open the user's menu in the bar and sign out, as a user would."""
    page.click("#user-menu")
    page.click("#logout")
