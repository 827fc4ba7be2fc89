"""An administrator cannot leave the platform without one: neither their own account nor the last active
administrator can be deactivated."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from models import AuditLog, Role, User
from regulator.extensions import db
from regulator.services import users as user_service

from ..conftest import AuthActions


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


def test_a_role_or_agency_change_reaches_the_open_session(app, make, client, auth) -> None:  # noqa: ANN001
    """An inspector signed in elsewhere is made a coordinator of another agency: their next page has the new
    rights, not the old; the change is in the audit log with what it was before."""
    samr, mee = make.agency("SAMR"), make.agency("MEE")
    make.user("admin", Role.ADMIN)
    moved = make.user("insp", Role.INSPECTOR, agency_id=samr.id)
    db.session.commit()
    other = app.test_client()
    AuthActions(other).login("insp")
    assert other.get("/inspector/").status_code == 200
    auth.login("admin")
    page = client.get(f"/admin/users/{moved.id}?lang=en").get_data(as_text=True)
    assert '<option selected value="inspector">' in page and '<option selected value="SAMR">' in page
    assert 'value="enterprise"' not in page  # a staff account does not become an enterprise's
    response = client.post(f"/admin/users/{moved.id}", data={"display_name": "insp", "active": "y",
                                                             "role": "coordinator", "agency_code": "MEE"})
    assert response.status_code == 302
    assert other.get("/inspector/").status_code == 403
    assert other.get("/coordinator/").status_code == 200
    db.session.expire_all()
    user = db.session.get(User, moved.id)
    assert (user.role, user.agency_id) == (Role.COORDINATOR, mee.id)
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "user.role"))
    assert (row.username, row.object_id) == ("admin", moved.id)
    assert {k: row.details[k] for k in ("role_from", "agency_from", "role", "agency")} == {
        "role_from": "inspector", "agency_from": "SAMR", "role": "coordinator", "agency": "MEE"}


def test_role_changes_that_are_refused(app, make, client, auth) -> None:  # noqa: ANN001
    """Taking the administrator's role from oneself, a coordinator without agency, an administrator with one."""
    me = make.user("admin", Role.ADMIN)
    inspector = make.user("insp", Role.INSPECTOR, agency_id=make.agency("SAMR").id)
    db.session.commit()
    auth.login("admin")
    for user, form, message in (
            (me, {"role": "inspector", "agency_code": ""},
             "You cannot take the administrator&#39;s role from your own account: another administrator must."),
            (inspector, {"role": "coordinator", "agency_code": ""},
             "An account with the role “Agency coordinator” must belong to an agency: choose one."),
            (inspector, {"role": "admin", "agency_code": "SAMR"},
             "An account with the role “Administrator” does not belong to an agency: leave the agency empty.")):
        page = client.post(f"/admin/users/{user.id}?lang=en", data={"display_name": user.username, "active": "y",
                                                                   **form}).get_data(as_text=True)
        assert message in page.split('<div class="invalid-feedback d-block">', 1)[1], page  # said at its field
    db.session.expire_all()
    assert db.session.get(User, me.id).role == Role.ADMIN
    assert db.session.get(User, inspector.id).role == Role.INSPECTOR
    with pytest.raises(user_service.UserError, match="last active administrator"):
        user_service.change_role(me, Role.INSPECTOR, "SAMR")  # from the server: still not the last one


def test_a_save_from_a_page_older_than_another_administrators_change_undoes_nothing(app, make, client,
                                                                                      auth) -> None:  # noqa: ANN001
    """Two administrators on one account's page: the second save, from a page opened before the first, would put
    back the role (and the Active box) it showed; it is refused and the page shows the account as it is now."""
    samr, mee = make.agency("SAMR"), make.agency("MEE")
    make.user("admin", Role.ADMIN)
    user = make.user("insp", Role.INSPECTOR, agency_id=samr.id)
    db.session.commit()
    auth.login("admin")
    page = client.get(f"/admin/users/{user.id}?lang=en").get_data(as_text=True)
    seen = re.search(r'name="seen" type="hidden" value="(\w+)"', page).group(1)
    stale = {"seen": seen, "display_name": "insp", "active": "y", "role": "inspector", "agency_code": "SAMR",
             "email": "insp@example.org"}
    user.agency_id = mee.id  # the other administrator's save
    db.session.commit()
    response = client.post(f"/admin/users/{user.id}?lang=en", data=stale)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "Another administrator changed this account after you opened" in text
    assert '<option selected value="MEE">' in text
    db.session.expire_all()
    assert (db.session.get(User, user.id).agency_id, db.session.get(User, user.id).email) == (mee.id, None)
    fresh = re.search(r'name="seen" type="hidden" value="(\w+)"', text).group(1)
    assert client.post(f"/admin/users/{user.id}", data={**stale, "seen": fresh,
                                                        "agency_code": "MEE"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "insp@example.org"
