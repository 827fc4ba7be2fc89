"""Security headers on every response: a Content-Security-Policy that admits only the site's own scripts and
styles, no framing by other sites, no MIME sniffing, no full addresses (a password link's token) in the
``Referer`` sent elsewhere, and HSTS in production (what may be cached: ``regulator.caching``)."""

from __future__ import annotations

from flask import Flask, Response, request

#: the one <style> element cytoscape.js inserts (``.__________cytoscape_container { position: relative; }``)
_CYTOSCAPE_STYLE = "'sha256-pgvDUBa4IjFA2yuSJ2cqcyxmNYJMborsd0ORcRv9vw8='"
POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' " + _CYTOSCAPE_STYLE + "; "
          "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
          "form-action 'self'; frame-ancestors 'none'")
#: Swagger UI's page (flask-smorest's template) starts the viewer with an inline script and styles
DOCS_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
               "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
               "frame-ancestors 'none'")
DOCS_ENDPOINT = "api-docs.openapi_swagger_ui"
HSTS = "max-age=31536000; includeSubDomains"


def _add_headers(response: Response, production: bool) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", DOCS_POLICY if request.endpoint == DOCS_ENDPOINT else POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    if production:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    """Add the headers to every response of ``app``."""
    production = app.config.get("ENV_NAME") == "production"
    app.after_request(lambda response: _add_headers(response, production))
