"""Caching headers: a signed-in user's pages and API answers are never stored; public pages say they depend on
the reader's language."""

from __future__ import annotations

from models import Role
from regulator.extensions import db
from regulator.services.tokens import issue_token


def test_a_signed_in_user_s_pages_are_not_stored_public_ones_vary_by_language(app, make, client, auth) -> None:  # noqa: ANN001
    """An internal profile (unmasked personal data) or a coordinator's list came with no Cache-Control, so the
    browser could keep it on disk and show it again after signing out; a public page chosen by Accept-Language
    did not say it varies with it."""
    samr = make.agency("SAMR")
    entity = make.entity()
    make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    clear, _token = issue_token(samr, "samr-system")
    db.session.commit()
    public = client.get(f"/entity/{entity.id}", headers={"Accept-Language": "zh-CN"})
    assert public.status_code == 200 and "no-store" not in public.headers.get("Cache-Control", "")
    assert "Accept-Language" in public.headers["Vary"]
    assert client.get("/favicon.ico").headers["Cache-Control"] == "public, max-age=86400"
    auth.login("coord")
    for url in (f"/entities/{entity.id}", "/coordinator/", f"/entity/{entity.id}", "/api/v1/me"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "private, no-store", url
    auth.logout()
    api = client.get("/api/v1/me", headers={"Authorization": f"Bearer {clear}"})
    assert api.status_code == 200 and api.headers["Cache-Control"] == "private, no-store"
    assert "no-store" not in client.get("/api/v1/public/campaigns").headers.get("Cache-Control", "")
