"""Schemathesis against the served OpenAPI document: no server error, no response outside the spec.

Every operation of ``/api/v1/openapi.json`` gets a bounded number of generated requests, sent as a
coordinator's API token into a small world (entities, records, objections), and each response is checked
for a 5xx, an undocumented status, a wrong content type and a body that breaks its schema.
"""

from __future__ import annotations

import shutil

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from models import Role
from regulator import create_app
from regulator.extensions import db
from regulator.services import objections
from regulator.services.tokens import issue_token

from ..conftest import _config
from ..factories import Factory

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MAX_EXAMPLES = 30


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory, sqlite_template):  # noqa: ANN001, ANN201
    """The app on its own SQLite copy with a small world and a coordinator token (module-wide, for speed)."""
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    shutil.copyfile(sqlite_template, path)
    application = create_app(_config(f"sqlite:///{path}"))
    with application.app_context():
        make = Factory()
        samr, mee = make.agency("SAMR"), make.agency("MEE")
        for i in range(1, 6):
            entity = make.entity(f"深圳市测试{i}号贸易有限公司")
            user = make.user(f"ent{i}", Role.ENTERPRISE, entity_id=entity.id)
            inspection = make.inspection(entity, samr if i % 2 else mee)
            make.violation(entity, samr)
            objections.submit(user, "inspection", inspection.id, "<script>alert(1)</script>", None)
        clear, _token = issue_token(samr, "fuzzer")
        db.session.commit()
        application.config["FUZZ_TOKEN"] = clear
        yield application
        db.session.remove()
        db.engine.dispose()


def _fuzz(operation, mode: GenerationMode, token: str) -> None:  # noqa: ANN001
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case) -> None:  # noqa: ANN001
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

    run()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_conforms_to_its_spec(fuzz_app, mode: GenerationMode) -> None:  # noqa: ANN001
    """Generated requests (valid, then invalid) as a coordinator token: never a 5xx, always as documented."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_app)
    failures, tried = [], []
    for result in schema.get_all_operations():
        operation = result.ok()
        tried.append(operation.label)
        try:
            _fuzz(operation, mode, fuzz_app.config["FUZZ_TOKEN"])
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure, then report all
            failures.append(f"{operation.label}: {type(exc).__name__}: {str(exc)[:1500]}")
    assert len(tried) >= 8, tried
    assert not failures, "\n\n".join(failures)
