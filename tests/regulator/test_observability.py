"""Request ids, readiness, and the self-served API documentation."""

from __future__ import annotations

from sqlalchemy import text

from regulator.extensions import db


def test_every_response_carries_a_request_id(sqlite_app) -> None:  # noqa: ANN001
    """A caller's X-Request-ID is echoed; otherwise one is generated."""
    client = sqlite_app.test_client()
    assert client.get("/", headers={"X-Request-ID": "abc-12345678"}).headers["X-Request-ID"] == "abc-12345678"
    generated = client.get("/").headers["X-Request-ID"]
    assert len(generated) == 32 and generated != client.get("/").headers["X-Request-ID"]
    assert client.get("/", headers={"X-Request-ID": "bad id <x>"}).headers["X-Request-ID"] != "bad id <x>"


def test_readiness_follows_the_schema(app, client) -> None:  # noqa: ANN001
    """Ready at the migrations' head; 503 with a JSON reason when the schema is behind."""
    response = client.get("/api/v1/ready")
    assert response.status_code == 200 and response.json["status"] == "ready"
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'old'"))
    response = client.get("/api/v1/ready")
    assert response.status_code == 503 and "schema at ['old']" in response.json["message"]


def test_api_docs_are_served_without_a_cdn(sqlite_app) -> None:  # noqa: ANN001
    """The docs page loads Swagger UI from the app's own static files, and they are there."""
    client = sqlite_app.test_client()
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "/static/vendor/swagger-ui-dist/swagger-ui-bundle.js" in page and "https://" not in page
    response = client.get("/static/vendor/swagger-ui-dist/swagger-ui-bundle.js")
    assert response.status_code == 200
    response.close()
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.") and "agencyToken" in spec["components"]["securitySchemes"]


def test_the_icon_is_served_at_the_root_and_linked_from_every_page(sqlite_app) -> None:  # noqa: ANN001
    """Browsers asked for /favicon.ico on every page and got a 404 (a console error, a line in the log)."""
    client = sqlite_app.test_client()
    assert '<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">' in client.get("/").get_data(
        as_text=True)
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml" and b"<svg" in response.data
    response.close()
