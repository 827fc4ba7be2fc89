"""The API's shared machinery: pagination envelope and links, filters, the error shape for every status, scopes."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime

import pytest

from models import ApiToken, Objection, ObjectionStatus, Role
from regulator import create_app
from regulator.access import public
from regulator.extensions import db
from regulator.services.tokens import issue_token

from ..conftest import _config


def _objections(make, entity, agency, user, n: int) -> None:  # noqa: ANN001
    for i in range(n):
        inspection = make.inspection(entity, agency)
        db.session.add(Objection(entity_id=entity.id, agency_id=agency.id, record_type="inspection",
                                 record_id=inspection.id, submitted_by_id=user.id, reason=f"wrong {i}",
                                 status=ObjectionStatus.REJECTED if i % 3 == 0 else ObjectionStatus.SUBMITTED))
    db.session.flush()


def _bearer(make, role: Role = Role.COORDINATOR, scopes: list[str] | None = None) -> dict[str, str]:  # noqa: ANN001
    clear, _token = issue_token(make.agency("SAMR"), f"sys-{role}-{scopes}", role, scopes)
    db.session.commit()
    return {"Authorization": f"Bearer {clear}"}


def test_pages_carry_totals_and_links(app, make, client, auth) -> None:  # noqa: ANN001
    """45 objections in pages of 20: totals, pages, next/prev links that work, a short last page."""
    samr, entity = make.agency("SAMR"), make.entity()
    user = make.user("ent", Role.ENTERPRISE, entity_id=entity.id)
    _objections(make, entity, samr, user, 45)
    db.session.commit()
    auth.login("ent")
    first = client.get("/api/v1/objections?per_page=20").json
    assert (first["total"], first["page"], first["per_page"], first["pages"], len(first["items"])) == (45, 1, 20, 3, 20)
    assert "prev" not in first["links"] and "page=3" in first["links"]["last"]
    second = client.get(first["links"]["next"]).json
    assert second["page"] == 2 and "prev" in second["links"] and "next" in second["links"]
    last = client.get(second["links"]["next"]).json
    assert len(last["items"]) == 5 and "next" not in last["links"]
    ids = [o["id"] for page in (first, second, last) for o in page["items"]]
    assert len(set(ids)) == 45 and ids == sorted(ids, reverse=True)
    beyond = client.get("/api/v1/objections?page=9").json
    assert beyond["items"] == [] and beyond["total"] == 45


def test_filters_narrow_and_keep_themselves_in_links(app, make, client, auth) -> None:  # noqa: ANN001
    """``status`` filters; the links repeat the filter; a value outside the vocabulary is a 422 naming the field."""
    samr, entity = make.agency("SAMR"), make.entity()
    user = make.user("ent", Role.ENTERPRISE, entity_id=entity.id)
    _objections(make, entity, samr, user, 9)
    db.session.commit()
    auth.login("ent")
    body = client.get("/api/v1/objections?status=rejected&per_page=2").json
    assert body["total"] == 3 and all(o["status"] == "rejected" for o in body["items"])
    assert "status=rejected" in body["links"]["next"]
    bad = client.get("/api/v1/objections?status=maybe&per_page=0")
    assert bad.status_code == 422
    assert bad.json["code"] == "unprocessable_entity" and set(bad.json["errors"]) == {"status", "per_page"}


def test_objection_states_are_own_only(app, make, client, auth) -> None:  # noqa: ANN001
    """An enterprise sees its own objections and their steps; another entity's objection is a 404."""
    samr, own, other = make.agency("SAMR"), make.entity(), make.entity()
    me = make.user("ent", Role.ENTERPRISE, entity_id=own.id)
    them = make.user("them", Role.ENTERPRISE, entity_id=other.id)
    from regulator.services import objections as service

    mine = service.submit(me, "inspection", make.inspection(own, samr).id, "not us", None)
    theirs = service.submit(them, "inspection", make.inspection(other, samr).id, "not us either", None)
    db.session.commit()
    auth.login("ent")
    listed = client.get("/api/v1/objections").json
    assert [o["id"] for o in listed["items"]] == [mine.id]
    detail = client.get(f"/api/v1/objections/{mine.id}").json
    assert detail["status"] == "submitted" and [s["status"] for s in detail["steps"]] == ["submitted"]
    assert client.get(f"/api/v1/objections/{theirs.id}").status_code == 404
    assert client.get(f"/api/v1/objections?entity_id={other.id}").json["total"] == 0


@pytest.mark.parametrize(("method", "path", "status", "code"), [
    ("GET", "/api/v1/me", 401, "unauthorized"),
    ("GET", "/api/v1/public/entities?q=a%00b", 400, "bad_request"),
    ("GET", "/api/v1/nowhere", 404, "not_found"),
    ("GET", "/api/v1/public/entities/99999999999999999999", 404, "not_found"),
    ("POST", "/api/v1/health", 405, "method_not_allowed"),
    ("GET", "/api/v1/public/entities?per_page=abc", 422, "unprocessable_entity"),
])
def test_error_shape(app, client, method: str, path: str, status: int, code: str) -> None:  # noqa: ANN001
    """Each error is JSON with code, message and the request id (and the header the status calls for)."""
    response = client.open(path, method=method, headers={"X-Request-ID": "req-12345678"})
    assert response.status_code == status and response.is_json
    assert response.json["code"] == code and response.json["message"]
    assert response.json["request_id"] == "req-12345678"
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    if status == 405:
        assert "GET" in response.headers["Allow"]


def test_forbidden_and_conflict_shapes(app, make, client, auth) -> None:  # noqa: ANN001
    """403 for a role the endpoint refuses; a write colliding with a unique key is a 409, not a crash."""
    make.user("insp", Role.INSPECTOR, agency_id=make.agency("SAMR").id)
    db.session.commit()

    @app.route("/api/v1/test-conflict", methods=["POST"])
    @public
    def conflict():  # noqa: ANN202
        for _ in range(2):
            db.session.add(ApiToken(agency_id=make.agency("SAMR").id, name="x", prefix="p", token_hash="0" * 64,
                                    role=Role.COORDINATOR, scopes=[]))
        db.session.flush()
        return {}

    auth.login("insp")
    forbidden = client.get("/api/v1/objections")
    assert forbidden.status_code == 403 and forbidden.json["code"] == "forbidden"
    clash = client.post("/api/v1/test-conflict")
    assert clash.status_code == 409 and clash.json["code"] == "conflict"


def test_too_many_requests_and_server_error(tmp_path, sqlite_template) -> None:  # noqa: ANN001
    """Beyond the API rate limit: 429 in the error shape; an unexpected exception: 500 in the same shape."""
    path = tmp_path / "t.db"
    shutil.copyfile(sqlite_template, path)
    application = create_app(_config(f"sqlite:///{path}", TESTING=False, RATELIMIT_ENABLED=True,
                                     API_RATE_LIMIT="2 per minute"))

    @application.route("/api/v1/test-crash")
    @public
    def crash():  # noqa: ANN202
        raise RuntimeError("boom")

    client = application.test_client()
    statuses = [client.get("/api/v1/health").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    limited = client.get("/api/v1/health")
    assert limited.json["code"] == "too_many_requests" and "Retry-After" in limited.headers
    crashed = client.get("/api/v1/test-crash")
    assert crashed.status_code == 500
    assert crashed.json["code"] == "internal_server_error" and "boom" not in crashed.get_data(as_text=True)
    with application.app_context():
        db.engine.dispose()


def test_token_scopes_and_reach(app, make, client) -> None:  # noqa: ANN001
    """A read-only token reads but cannot write; no token opens a web page, only the API."""
    entity = make.entity()
    read_only = _bearer(make, scopes=["read"])
    writer = _bearer(make, role=Role.INSPECTOR)
    assert client.get("/api/v1/me", headers=read_only).json["role"] == "coordinator"
    refused = client.post("/api/v1/me", headers=read_only)
    assert refused.status_code == 403 and "write" in refused.json["message"]
    assert client.post("/api/v1/me", headers=writer).status_code == 405
    page = client.get(f"/entities/{entity.id}", headers=writer)
    assert page.status_code == 302 and "/auth/login" in page.headers["Location"]
    with pytest.raises(ValueError, match="scopes"):
        issue_token(make.agency("SAMR"), "bad", Role.COORDINATOR, ["delete"])


def test_admin_issues_lists_and_revokes_tokens(app, make, client, auth) -> None:  # noqa: ANN001
    """The admin page shows a new token once, stores only its hash, lists it and revokes it."""
    samr = make.agency("SAMR")
    make.user("root", Role.ADMIN)
    db.session.commit()
    auth.login("root")
    page = client.post("/admin/tokens/new", data={"agency": str(samr.id), "name": "pollution-feed",
                                                  "role": "inspector", "days": "30"})
    text = page.get_data(as_text=True)
    clear = text.split('id="clear-token" class="border p-2">')[1].split("<")[0]
    token = db.session.query(ApiToken).filter_by(name="pollution-feed").one()
    assert clear.startswith("rgt_") and clear not in (token.token_hash, token.prefix)
    assert token.scopes == ["read"] and token.role == Role.INSPECTOR and token.expires_at is not None
    system = app.test_client()
    assert system.get("/api/v1/me", headers={"Authorization": f"Bearer {clear}"}).status_code == 200
    listing = client.get("/admin/tokens").get_data(as_text=True)
    assert "pollution-feed" in listing and clear not in listing
    client.post(f"/admin/tokens/{token.id}/revoke")
    assert system.get("/api/v1/me", headers={"Authorization": f"Bearer {clear}"}).status_code == 401
    assert "revoked" in client.get("/admin/tokens").get_data(as_text=True)


def test_the_token_list_pages_with_revoked_tokens_last(app, make, client, auth) -> None:  # noqa: ANN001
    samr = make.agency("SAMR")
    make.user("root", Role.ADMIN)
    tokens = [issue_token(samr, f"feed-{n:02d}", Role.INSPECTOR)[1] for n in range(53)]
    tokens[0].revoked_at = datetime.now(UTC)
    db.session.commit()
    auth.login("root")
    first = client.get("/admin/tokens?lang=en").get_data(as_text=True)
    second = client.get("/admin/tokens?page=2&lang=en").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Page 2 of 2" in second and 'page=2">Next<' in first
    assert first.count("<tr><td>SAMR</td>") == 50 and second.count("<tr><td>SAMR</td>") == 3
    assert "feed-52" in first and "feed-00" in second  # newest first, the revoked one on the last page
    assert "feed-00" not in first


def test_database_down_is_503_with_retry_after(tmp_path) -> None:  # noqa: ANN001
    """An unreachable database (restart, failover) gives 503 + Retry-After in the error shape, and not-ready."""
    application = create_app(_config("postgresql+psycopg://postgres@127.0.0.1:1/nowhere",
                                     SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}}))
    client = application.test_client()
    response = client.get("/api/v1/public/entities?q=test")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert response.json["code"] == "service_unavailable"
    assert client.get("/api/v1/ready").status_code == 503
    assert client.get("/search?q=test").status_code == 503
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer rgt_abc"}).status_code == 503


def test_a_session_caller_proves_same_origin_whatever_headers_it_sends(app, make, client, auth) -> None:  # noqa: ANN001
    """With CSRF on, a signed-in browser's write to the API needs the CSRF token, with or without an
    ``Authorization`` header (the session signs it in, not the header); a token caller needs none."""
    make.user("ent", Role.ENTERPRISE, entity_id=make.entity().id)
    token = _bearer(make)
    auth.login("ent")
    app.config["WTF_CSRF_ENABLED"] = True
    for headers in ({}, {"Authorization": "x"}, {"Authorization": "Basic Zm9vOmJhcg=="}, token):
        refused = client.post("/api/v1/notifications/read", headers=headers, json={})
        assert refused.status_code == 400 and "CSRF" in refused.json["message"], headers
    page = client.get("/auth/account").get_data(as_text=True)
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post("/api/v1/notifications/read", headers={"X-CSRFToken": csrf}, json={}).status_code == 200
    auth.logout()
    assert app.test_client().post("/api/v1/me", headers=token).status_code == 405  # past the CSRF check


def test_the_token_list_says_each_tokens_scopes_in_words(app, make, client, auth) -> None:  # noqa: ANN001
    """Scopes are said as the reader's words, not as the codes the API checks ("read, write")."""
    samr = make.agency("SAMR")
    make.user("root", Role.ADMIN)
    for name, scopes in (("both", ["read", "write"]), ("reader", ["read"]), ("writer", ["write"])):
        issue_token(samr, name, Role.INSPECTOR, scopes)
    db.session.commit()
    auth.login("root")
    page = client.get("/admin/tokens?lang=en").get_data(as_text=True)
    said = dict(re.findall(r'<td>(both|reader|writer)</td>.*?<td class="scopes">([^<]*)</td>', page, re.S))
    assert said == {"both": "read and write", "reader": "read only", "writer": "write only"}
    zh = client.get("/admin/tokens", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "read, write" not in zh and "<td>read</td>" not in zh
