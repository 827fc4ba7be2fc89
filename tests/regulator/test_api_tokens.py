"""Agency API tokens: hashed at rest, accepted as Bearer, refused once revoked."""

from models import ApiToken
from regulator.extensions import db
from regulator.services.tokens import issue_token, revoke_token


def test_token_lifecycle(app, make, client) -> None:  # noqa: ANN001
    """A token authenticates API calls as its agency until it is revoked."""
    agency = make.agency("MEE")
    clear, token = issue_token(agency, "pollution-system")
    db.session.commit()
    assert clear not in (token.token_hash, token.prefix) and len(token.token_hash) == 64
    assert client.get("/api/v1/me").status_code == 401
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {clear}"})
    assert response.status_code == 200
    assert response.json == {"username": "token:pollution-system", "role": "coordinator",
                             "agency_id": agency.id, "entity_id": None}
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer rgt_wrong"}).status_code == 401
    revoke_token(db.session.get(ApiToken, token.id))
    db.session.commit()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {clear}"}).status_code == 401


def test_api_errors_are_json(app, client) -> None:  # noqa: ANN001
    """API callers get JSON errors with a stable shape, never an HTML page."""
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json["code"] == "not_found" and "message" in response.json
