"""What browsers and proxies may keep of a response.

A response to a signed-in user (a session, a remembered sign-in or an API token) carries what only they may see:
internal profiles with personal data, coordinators' lists. It is marked ``private, no-store``, so it is neither
written to the browser's disk cache (where the next person at a shared computer, or the Back button after signing
out, finds it) nor kept by a proxy. A public page depends on the reader's language, which the browser's
``Accept-Language`` may choose: it says so (``Vary``), so a cache never hands a Chinese page to an English reader.
A view that set its own ``Cache-Control`` (the icon, a document) keeps it, and the static files (the same for
everyone) are cached as usual.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request, session


def _signed_in() -> bool:
    """The request speaks for a user, judged without the database (the response may be the page of its outage)."""
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    return ("_user_id" in session or remember in request.cookies
            or request.headers.get("Authorization", "").strip() != "")


def cache_headers(response: Response) -> Response:
    """after_request: ``private, no-store`` for a signed-in user's responses; ``Vary: Accept-Language``."""
    response.vary.add("Accept-Language")
    if "Cache-Control" not in response.headers and request.endpoint != "static" and _signed_in():
        response.headers["Cache-Control"] = "private, no-store"
    return response


def init_app(app: Flask) -> None:
    """Install the headers on every response."""
    app.after_request(cache_headers)
