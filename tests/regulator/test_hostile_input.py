"""Hostile and malformed input: names with HTML/script are shown escaped; garbage requests never crash the API.

Hypothesis draws hostile entity names (script tags, attribute breakers, entities, control characters) and
shows them on the public search, the public profile, the internal profile and the enterprise's objection
list; and it sends the API arbitrary query text (NUL bytes, lone surrogates escaped, huge values), bad
tokens, broken bodies and odd request ids. Nothing may render unescaped, no response may be a 5xx, and
every API error keeps the JSON shape.
"""

from __future__ import annotations

import urllib.parse

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from sqlalchemy import select

from models import Role, User
from regulator.extensions import db

PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "</title><svg onload=alert(1)>",
            "'\"><iframe src=javascript:alert(1)>", "{{7*7}}<b>粗体</b>", "&lt;script&gt;", "<a href='x'>链接</a>",
            "<!--", "]]><x>"]
HOSTILE_NAME = st.builds(lambda pre, payload, post: f"深圳市{pre}{payload}{post}有限公司",
                         st.text(alphabet="测试贸易华盛达 ", max_size=4), st.sampled_from(PAYLOADS),
                         st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                                 max_size=6))
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])


def _assert_escaped(html: str, name: str) -> None:
    dangerous = [p for p in PAYLOADS if p in name and "<" in p]
    for payload in dangerous:
        assert payload not in html, f"unescaped {payload!r}"
    assert "<script>alert(1)</script>" not in html and "onerror=alert(1)>" not in html.replace("&gt;", "")


@given(name=HOSTILE_NAME)
@FUZZ
def test_hostile_names_are_escaped_on_every_page(app, make, client, auth, name: str) -> None:  # noqa: ANN001
    """Public search, public profile, internal profile and the objection list show the name escaped."""
    samr = make.agency("SAMR")
    entity = make.entity(name)
    inspection = make.inspection(entity, samr)
    username = f"ent{entity.id}"
    user = make.user(username, Role.ENTERPRISE, entity_id=entity.id)
    from regulator.services import objections

    objections.submit(user, "inspection", inspection.id, name, name)
    db.session.commit()
    client.post("/auth/logout")
    for url in (f"/entity/{entity.id}", "/search?q=" + urllib.parse.quote(name)):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_escaped(response.get_data(as_text=True), name)
    auth.login(username)
    for url in (f"/entities/{entity.id}", "/enterprise/objections", "/enterprise/"):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        _assert_escaped(html, name)
    assert str(escape(name))[:20] in client.get(f"/entities/{entity.id}").get_data(as_text=True)
    auth.logout()


QUERY_TEXT = st.one_of(st.text(max_size=300), st.just("\x00"), st.just("a\x00b"), st.just("%" * 50),
                       st.just("'; DROP TABLE market_entity; --"), st.just("9" * 400), st.just("\ud800"),
                       st.binary(max_size=60).map(lambda b: b.decode("latin-1")))


def test_api_survives_hostile_query_strings(app, make, client) -> None:  # noqa: ANN001
    """Any query text, page or filter value gets a 2xx or a 4xx in the error shape, never a 5xx."""
    entity = make.entity()
    make.user("coord", Role.COORDINATOR, agency_id=make.agency("SAMR").id)
    db.session.commit()
    client.post("/auth/login", data={"username": "coord", "password": "test-password-123"})

    @given(q=QUERY_TEXT, page=st.one_of(st.integers(), st.text(max_size=8)), kind=st.text(max_size=30),
           per_page=st.one_of(st.integers(), st.text(max_size=5)))
    @FUZZ
    def check(q: str, page, kind: str, per_page) -> None:  # noqa: ANN001
        encoded = {k: str(v).encode("utf-8", "surrogatepass") for k, v in
                   {"q": q, "page": page, "per_page": per_page, "kind": kind, "status": kind}.items()}
        query = urllib.parse.urlencode(encoded)
        for path in ("/api/v1/public/entities", f"/api/v1/entities/{entity.id}/records", "/api/v1/objections",
                     "/search", f"/entity/{entity.id}"):
            response = client.get(f"{path}?{query}")
            assert response.status_code < 500, (path, query)
            if path.startswith("/api/") and response.status_code >= 400:
                assert set(response.json) >= {"code", "message", "request_id"}

    check()


HEADER_TEXT = st.text(st.characters(blacklist_characters="\r\n\x00", blacklist_categories=("Cs",)), max_size=300)


@given(auth_header=st.one_of(HEADER_TEXT, st.just("Bearer "), st.just("Bearer rgt_"),
                             st.builds(lambda t: "Bearer rgt_" + t, HEADER_TEXT)),
       request_id=HEADER_TEXT, body=st.binary(max_size=500),
       content_type=st.sampled_from(["application/json", "text/csv", "application/x-www-form-urlencoded",
                                     "multipart/form-data; boundary=x", "application/json; charset=gbk"]))
@FUZZ
def test_api_survives_bad_tokens_ids_and_bodies(app, client, auth_header: str, request_id: str, body: bytes,
                                                content_type: str) -> None:  # noqa: ANN001
    """Garbage credentials are a 401, garbage request ids are replaced, garbage bodies are refused: no 5xx."""
    headers = {"Authorization": auth_header.encode("utf-8", "surrogatepass").decode("latin-1"),
               "X-Request-ID": request_id.encode("utf-8", "surrogatepass").decode("latin-1"),
               "Content-Type": content_type}
    for method, path in (("GET", "/api/v1/me"), ("POST", "/api/v1/objections"), ("GET", "/api/v1/objections"),
                         ("PUT", "/api/v1/health"), ("POST", "/api/v1/public/entities")):
        response = client.open(path, method=method, headers=headers, data=body)
        assert response.status_code < 500 and response.is_json, (method, path, response.status_code)
        returned = response.headers["X-Request-ID"]
        assert returned == request_id or (returned.isalnum() and len(returned) == 32)
        assert "\n" not in returned and "\r" not in returned


HUGE_PAGES = ("99999999999999999999999999999999", str(2**63), "-7", "0", "x", "²")


def test_every_page_survives_huge_and_negative_page_numbers(app, make, client, auth) -> None:  # noqa: ANN001
    """Every GET page and endpoint of the app, asked for ``?page=`` far past 64 bits (or below 1, or not a
    number), answers without a server error; lists that take a page show one instead of overflowing the
    OFFSET (SQLite's OverflowError, PostgreSQL's out-of-range bigint, which also aborted the transaction)."""
    samr = make.agency("SAMR")
    entity = make.entity()
    make.inspection(entity, samr)
    make.user("root", Role.ADMIN)
    db.session.commit()
    auth.login("root")
    paged = {"/search", f"/entity/{entity.id}", f"/entities/{entity.id}", "/admin/users", "/admin/tokens",
             "/admin/audit", "/coordinator/clusters", "/coordinator/reviews", "/coordinator/imports"}
    seen = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments - {"entity_id"} or rule.endpoint in ("static", "auth.logout"):
            continue
        if "export" in rule.rule or rule.rule.startswith("/static"):
            continue
        path = rule.rule.replace("<int:entity_id>", str(entity.id))
        seen.add(path)
        for page in HUGE_PAGES:
            response = client.get(f"{path}?q=a&page={page}&agency={page}&other={page}&entity_id={page}")
            assert response.status_code < 500, (path, page, response.status_code)
            if path in paged:
                assert response.status_code == 200, (path, page, response.status_code)
    assert paged <= seen, paged - seen
    assert client.get(f"/api/v1/public/entities?q=a&page={HUGE_PAGES[0]}").status_code == 422
    merge = client.post(f"/coordinator/entities/{entity.id}/merge", data={"other": HUGE_PAGES[0], "reason": "x"})
    assert merge.status_code == 200
    created = client.post("/admin/users/new", data={"username": "e1", "role": "enterprise", "agency": "",
                                                   "entity": str(2**63), "password": "long-enough-pw"})
    assert created.status_code == 200
    assert db.session.scalar(select(User).where(User.username == "e1")) is None
    assert client.get(f"/entities/{entity.id}?page={HUGE_PAGES[0]}").status_code == 200
