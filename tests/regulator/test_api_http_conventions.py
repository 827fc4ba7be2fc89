"""HTTP conventions an agency system meets before any resource: the Bearer scheme in any case, timestamps with
their offset whatever the database keeps, rate limits counted per caller."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from models import ApiToken, CreditClass, ModelVersion, RiskScore, Role
from regulator import create_app
from regulator.extensions import db
from regulator.linkage import merge as merging
from regulator.services import credit
from regulator.services.tokens import issue_token, revoke_token

from ..conftest import PASSWORD, _config
from ..factories import Factory


def test_the_bearer_scheme_is_read_in_any_case(app, make, client) -> None:  # noqa: ANN001
    """``bearer`` and ``BEARER`` name the same scheme as ``Bearer`` (RFC 9110: schemes are case-insensitive)."""
    clear, _token = issue_token(make.agency("SAMR"), "samr-system")
    db.session.commit()
    for scheme in ("Bearer", "bearer", "BEARER"):
        response = client.get("/api/v1/me", headers={"Authorization": f"{scheme} {clear}"})
        assert response.status_code == 200 and response.json["username"] == "token:samr-system", scheme
    assert client.get("/api/v1/me", headers={"Authorization": f"Basic {clear}"}).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": f"bearer {clear}x"}).status_code == 401


def test_timestamps_carry_their_offset(app, make, client) -> None:  # noqa: ANN001
    """The risk score's ``computed_at`` and the credit class's ``assessed_at`` say they are UTC, as every other
    timestamp of the API does: a naive time would be read as the caller's local time (8 hours off in China)."""
    samr, entity = make.agency("SAMR"), make.entity()
    model = ModelVersion(version="risk-t", features=["x"], params={}, metrics={}, evaluation={}, active=True)
    db.session.add(model)
    db.session.flush()
    db.session.add(RiskScore(entity_id=entity.id, model_version_id=model.id, as_of=date(2024, 6, 1),
                             probability=0.3, risk_class=CreditClass.B, reasons=[]))
    make.inspection(entity, samr)
    credit.recompute([entity.id])
    clear, _token = issue_token(samr, "samr-system")
    db.session.commit()
    headers = {"Authorization": f"Bearer {clear}"}
    risk = client.get(f"/api/v1/entities/{entity.id}/risk", headers=headers).json
    assert risk["computed_at"].endswith("+00:00"), risk["computed_at"]
    profile = client.get(f"/api/v1/entities/{entity.id}", headers=headers).json
    assert profile["credit"]["assessed_at"].endswith("+00:00"), profile["credit"]


def test_signed_in_people_keep_their_own_rate_limit_whatever_header_they_send(tmp_path, sqlite_template) -> None:  # noqa: ANN001
    """Two signed-in people whose client also sends an ``Authorization: Bearer`` header (a proxy, a stale
    token) are counted each on their own, not in one bucket shared by everyone who does."""
    path = tmp_path / "t.db"
    shutil.copyfile(sqlite_template, path)
    application = create_app(_config(f"sqlite:///{path}", RATELIMIT_ENABLED=True, API_RATE_LIMIT="2 per minute"))
    with application.app_context():
        make = Factory()
        for name in ("ent1", "ent2"):
            make.user(name, Role.ENTERPRISE, entity_id=make.entity().id)
        db.session.commit()
    clients = {name: application.test_client() for name in ("ent1", "ent2")}
    for name, client in clients.items():
        assert client.post("/auth/login", data={"username": name, "password": PASSWORD}).status_code == 302
    stale = {"Authorization": "Bearer rgt_stale"}
    assert [clients["ent1"].get("/api/v1/me", headers=stale).status_code for _ in range(3)] == [200, 200, 429]
    assert clients["ent2"].get("/api/v1/me", headers=stale).status_code == 200
    with application.app_context():
        db.engine.dispose()


def test_a_merged_entity_names_the_entity_it_is_now(app, make, client) -> None:  # noqa: ANN001
    """An id a system kept from before a merge still answers, and says where the records went (through a chain
    of merges); an entity that was never merged says null."""
    samr = make.agency("SAMR")
    first, second, survivor = make.entity(uscc=None), make.entity(uscc=None), make.entity()
    make.inspection(first, samr)
    merging.merge(first.id, second.id)
    merging.merge(second.id, survivor.id)
    clear, _token = issue_token(samr, "samr-system")
    db.session.commit()
    headers = {"Authorization": f"Bearer {clear}"}
    absorbed = client.get(f"/api/v1/entities/{first.id}", headers=headers)
    assert absorbed.status_code == 200 and absorbed.json["merged_into_id"] == survivor.id
    assert client.get(f"/api/v1/entities/{survivor.id}", headers=headers).json["merged_into_id"] is None


def test_a_token_used_only_to_read_shows_its_last_use(app, make, client) -> None:  # noqa: ANN001
    """``last_used_at`` (the administrator's "last use" column) is kept after a read that commits nothing: before,
    a read-only feed looked unused for months and was a candidate for revoking."""
    clear, token = issue_token(make.agency("SAMR"), "samr-feed", scopes=["read"])
    token.last_used_at = datetime(2020, 1, 1, tzinfo=UTC)
    db.session.commit()
    before = datetime.now(UTC) - timedelta(seconds=5)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {clear}"}).status_code == 200
    db.session.rollback()
    used = db.session.scalar(select(ApiToken.last_used_at).where(ApiToken.id == token.id))
    assert (used if used.tzinfo else used.replace(tzinfo=UTC)) >= before


def test_every_resource_reads_its_body_with_the_apis_parser() -> None:
    """A resource made with flask-smorest's own Blueprint would read a text/plain body as no body again."""
    from regulator.api.blueprint import Blueprint
    from regulator.api.v1 import BLUEPRINTS

    assert [bp.name for bp in BLUEPRINTS if not isinstance(bp, Blueprint)] == []


def test_a_token_that_no_longer_works_is_told_why(app, make, client) -> None:  # noqa: ANN001
    """A revoked, an expired and an unknown token each get a 401 saying which (RFC 6750 ``invalid_token``): before,
    all three read "authentication required", as if no token had been sent; no token at all still reads so."""
    samr = make.agency("SAMR")
    revoked, revoked_token = issue_token(samr, "old-feed")
    expired, _token = issue_token(samr, "trial", expires_at=datetime(2024, 1, 1, tzinfo=UTC))
    revoke_token(revoked_token)
    db.session.commit()
    said = {}
    for name, clear in (("revoked", revoked), ("expired", expired), ("unknown", "rgt_" + "x" * 43)):
        response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {clear}"})
        assert response.status_code == 401 and 'error="invalid_token"' in response.headers["WWW-Authenticate"]
        said[name] = response.json["message"]
    assert said["revoked"].startswith("this token was revoked on ")
    assert said["expired"] == "this token expired on 2024-01-01 00:00 UTC"
    assert said["unknown"].startswith("this token is not known")
    anonymous = client.get("/api/v1/me")
    assert anonymous.json["message"] == "authentication required"
    assert "invalid_token" not in anonymous.headers["WWW-Authenticate"]
