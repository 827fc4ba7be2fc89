"""An administrator cannot leave the platform without one: neither their own account nor the last active
administrator can be deactivated."""

from __future__ import annotations

import pytest

from models import Role, User
from regulator.extensions import db
from regulator.services import users as user_service


def test_an_administrator_cannot_deactivate_their_own_account(app, make, client, auth) -> None:  # noqa: ANN001
    me = make.user("admin", Role.ADMIN)
    db.session.commit()
    auth.login("admin")
    page = client.post(f"/admin/users/{me.id}?lang=en", data={"display_name": "Admin"})
    assert page.status_code == 200
    assert "You cannot deactivate your own account: another administrator must." in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, me.id).active
    assert client.get("/admin/").status_code == 200  # still signed in


def test_another_administrator_can_be_deactivated_but_not_the_last(app, make, client, auth) -> None:  # noqa: ANN001
    make.user("admin", Role.ADMIN)
    other = make.user("admin2", Role.ADMIN)
    db.session.commit()
    auth.login("admin")
    assert client.post(f"/admin/users/{other.id}", data={"display_name": "Two"}).status_code == 302
    db.session.expire_all()
    assert not db.session.get(User, other.id).active


def test_the_last_active_administrator_is_refused_whoever_asks(app, make) -> None:  # noqa: ANN001
    """Two administrators deactivating each other at once: the second finds the first's change and is refused."""
    first = make.user("admin", Role.ADMIN)
    second = make.user("admin2", Role.ADMIN, active=False)  # deactivated by the first a moment ago
    db.session.commit()
    with pytest.raises(user_service.UserError, match="last active administrator") as refused:
        user_service.may_deactivate(first, second)
    assert refused.value.field == "active"
    coordinator = make.user("coord", Role.COORDINATOR, agency_id=make.agency().id)
    user_service.may_deactivate(coordinator, first)  # any other account may go
