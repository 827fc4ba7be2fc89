"""Security headers: the CSP, framing, sniffing and referrer headers on pages, API answers and errors; HSTS in
production; and templates that keep to the CSP (no inline scripts, event handlers or style attributes)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from regulator import create_app
from regulator.security_headers import HSTS

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.mark.parametrize("path", ["/", "/auth/login", "/api/v1/health", "/no-such-page", "/admin/"])
def test_every_answer_carries_the_security_headers(app, client, path: str) -> None:  # noqa: ANN001
    """Pages, JSON, a 404 and a refusal all forbid framing, sniffing, others' scripts and full referrers."""
    headers = client.get(path).headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "unsafe-inline" not in policy
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # not in development or tests: HTTP only there


def test_production_adds_hsts(monkeypatch, tmp_path: Path) -> None:  # noqa: ANN001
    """In production browsers are told to keep to HTTPS."""
    from regulator.config import ProductionConfig

    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "x" * 40)
    monkeypatch.setattr(ProductionConfig, "PII_HASH_KEY", "y" * 40)
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path / 'p.db'}")
    production = create_app(ProductionConfig)
    assert production.test_client().get("/favicon.ico").headers["Strict-Transport-Security"] == HSTS


def _template_files() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*.html") if p.parts[-2:] != ("risk", "report_file.html"))


def test_templates_keep_to_the_content_security_policy() -> None:
    """No served template has an inline script, an on... handler or a style attribute, which the CSP blocks
    (the risk report written to a file, never served, aside)."""
    offences = []
    for path in _template_files():
        text = path.read_text(encoding="utf-8")
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\son[a-z]+\s*=", r"\sstyle\s*=", r"<style"):
            offences += [f"{path.relative_to(TEMPLATES)}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert not offences, offences


def test_what_a_signed_in_user_is_shown_is_not_cached(app, make, client, auth) -> None:  # noqa: ANN001
    """Pages and downloads for a signed-in user are ``no-store``; the public's pages and static files keep
    their caching."""
    from models import Role
    from regulator.extensions import db

    entity = make.entity()
    make.user("c.cache", Role.COORDINATOR, agency_id=make.agency().id)
    db.session.commit()
    assert "no-store" not in client.get(f"/entity/{entity.id}").headers.get("Cache-Control", "")
    auth.login("c.cache")
    for path in (f"/entities/{entity.id}", "/coordinator/", f"/api/v1/entities/{entity.id}"):
        assert client.get(path).headers["Cache-Control"] == "private, no-store", path
    assert client.get("/favicon.ico").headers["Cache-Control"] == "public, max-age=86400"
    static = client.get("/static/css/regulator.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")
    static.close()
