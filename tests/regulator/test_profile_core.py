"""The internal profile: audited views, panels contributed by capabilities, signals."""

from __future__ import annotations

from sqlalchemy import select

from models import AuditLog, Role
from regulator.access import EntityAccess
from regulator.extensions import db
from regulator.panels import Panel, _panels, panels_for, register_panel
from regulator.signals import notify_records_changed, records_changed


def test_internal_profile_views_are_audited(app, make, client, auth) -> None:  # noqa: ANN001
    """Opening a non-public profile writes who, which entity and which role to the audit log."""
    entity = make.entity()
    make.user("coord", Role.COORDINATOR, agency_id=make.agency().id)
    db.session.commit()
    auth.login("coord")
    assert client.get(f"/entities/{entity.id}").status_code == 200
    row = db.session.query(AuditLog).filter_by(action="profile.view").one()
    assert (row.username, row.role, row.entity_id) == ("coord", "coordinator", entity.id)


def test_every_profile_page_served_has_its_audit_row_committed(app, make, client, auth) -> None:  # noqa: ANN001
    """The view is committed before the page is returned (after rendering it): no page without its row."""
    entities = [make.entity() for _ in range(3)]
    make.user("coord", Role.COORDINATOR, agency_id=make.agency().id)
    db.session.commit()
    auth.login("coord")
    for page, entity in enumerate(entities, start=1):
        assert client.get(f"/entities/{entity.id}?page={page}").status_code == 200
    with db.engine.connect() as other:  # a second connection sees committed rows only
        rows = other.execute(select(AuditLog.entity_id, AuditLog.details).where(AuditLog.action == "profile.view")
                             .order_by(AuditLog.id)).all()
    assert [r.entity_id for r in rows] == [e.id for e in entities]
    assert [r.details["page"] for r in rows] == [1, 2, 3]


def test_panels_respect_access_and_context(app, make) -> None:  # noqa: ANN001
    """A panel shows only at its minimum access level and when its context function returns a mapping."""
    entity = make.entity()
    register_panel(Panel("t_full", "errors/error.html", lambda e, a: {"id": e.id}, min_access=EntityAccess.FULL))
    register_panel(Panel("t_hidden", "errors/error.html", lambda e, a: None))
    try:
        with app.test_request_context():  # panels are built while a profile page renders (they link with url_for)
            names = [p.name for p, _ in panels_for(entity, EntityAccess.FULL)]
            assert "t_full" in names and "t_hidden" not in names
            assert "t_full" not in [p.name for p, _ in panels_for(entity, EntityAccess.AGENCY)]
    finally:
        _panels.pop("t_full")
        _panels.pop("t_hidden")


def test_records_changed_reaches_subscribers_with_entity_ids() -> None:
    """Subscribers get the trigger and the set of entity ids; empty changes are not sent."""
    seen = []

    def receiver(sender, entity_ids):  # noqa: ANN001, ANN202
        seen.append((sender, entity_ids))

    records_changed.connect(receiver)
    try:
        notify_records_changed("test", [3, None, 3, 5])
        notify_records_changed("test", [None])
    finally:
        records_changed.disconnect(receiver)
    assert seen == [("test", {3, 5})]
