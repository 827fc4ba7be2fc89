"""Every route x role x (own / other object) gets exactly the access its matrix declares.

Each area lists its routes in a ``matrix_*.py`` module next to this file. A route the app serves that
no matrix lists fails ``test_every_route_is_in_the_matrix``, so no route can be added without deciding
who may reach it.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

from . import world as world_module
from .rules import Route

PACKAGE = Path(__file__).parent


def _matrix() -> dict[str, Route]:
    rules: dict[str, Route] = {}
    for info in pkgutil.iter_modules([str(PACKAGE)]):
        if info.name.startswith("matrix_"):
            module = importlib.import_module(f"{__package__}.{info.name}")
            duplicated = set(rules) & set(module.RULES)
            assert not duplicated, f"{info.name} repeats {duplicated}"
            rules.update(module.RULES)
    return rules


MATRIX = _matrix()
CASES = [
    (endpoint, role, ownership)
    for endpoint, route in sorted(MATRIX.items())
    for role in world_module.ROLES
    for ownership in (("own", "other") if "{" in route.path else ("own",))
]


def test_every_route_is_in_the_matrix(sqlite_app) -> None:  # noqa: ANN001
    """The matrix names exactly the endpoints the app serves (static files aside)."""
    served = {rule.endpoint for rule in sqlite_app.url_map.iter_rules()
              if rule.endpoint != "static" and not rule.endpoint.endswith(".static")}
    missing = served - set(MATRIX)
    stale = set(MATRIX) - served
    assert not missing, f"routes without an access rule in tests/access/matrix_*.py: {sorted(missing)}"
    assert not stale, f"matrix entries for routes that no longer exist: {sorted(stale)}"


def _fill(path: str, objects: dict[str, object]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(objects[m.group(1)]), path)


@pytest.mark.parametrize(("endpoint", "role", "ownership"), CASES)
def test_access(app, make, endpoint: str, role: str, ownership: str) -> None:  # noqa: ANN001 - fixtures
    """The role reaches the route exactly when the matrix says so."""
    route = MATRIX[endpoint]
    world = world_module.build_world(make)
    from regulator.extensions import db

    db.session.commit()
    client = app.test_client()
    if role != "anonymous":
        response = client.post("/auth/login", data={"username": world.users[role],
                                                    "password": "test-password-123"})
        assert response.status_code == 302, f"could not sign in as {role}"
    url = _fill(route.path, world.own if ownership == "own" else world.other)
    headers = {"Accept": "application/json"} if route.json else {}
    response = client.open(url, method=route.method, data=route.data or None, headers=headers)
    allowed = route.allow[role] == "both" or (route.allow[role] == "own" and ownership == "own")
    login_redirect = response.status_code == 302 and "/auth/login" in response.headers.get("Location", "")
    refused = response.status_code in (401, 403, 404) or login_redirect
    if allowed:
        assert not refused, f"{role} should reach {route.method} {url} but got {response.status_code}"
        assert response.status_code < 500
    else:
        assert refused, f"{role} should be refused {route.method} {url} but got {response.status_code}"
        if role == "anonymous":
            assert response.status_code == 401 or login_redirect


def _posted_too() -> list[tuple[str, str, str]]:
    """Refused cases of the routes the matrix calls with GET that take a POST as well (their forms)."""
    from regulator import create_app
    from tests.conftest import _config

    app = create_app(_config("sqlite://"))
    posting = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())}
    return [(endpoint, role, ownership) for endpoint, role, ownership in CASES
            if MATRIX[endpoint].method == "GET" and endpoint in posting
            and not (MATRIX[endpoint].allow[role] == "both"
                     or (MATRIX[endpoint].allow[role] == "own" and ownership == "own"))]


@pytest.mark.parametrize(("endpoint", "role", "ownership"), _posted_too())
def test_refused_form_posts(app, make, endpoint: str, role: str, ownership: str) -> None:  # noqa: ANN001
    """A role refused a page is refused its form's POST as well (the same object, nothing changed)."""
    route = MATRIX[endpoint]
    world = world_module.build_world(make)
    from regulator.extensions import db

    db.session.commit()
    client = app.test_client()
    if role != "anonymous":
        assert client.post("/auth/login", data={"username": world.users[role],
                                                "password": "test-password-123"}).status_code == 302
    url = _fill(route.path, world.own if ownership == "own" else world.other)
    response = client.post(url, data={"reason": "测试", "decision": "rejected", "note": "测试", "name": "x"})
    login_redirect = response.status_code == 302 and "/auth/login" in response.headers.get("Location", "")
    assert response.status_code in (401, 403, 404) or login_redirect, \
        f"{role} should be refused POST {url} but got {response.status_code}"
