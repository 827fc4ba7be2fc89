"""A corrected penalty's "public until": an end computed from the periods table is computed again from the
corrected decision (a fine's amount decides its period); an end the agency stated, or a correction stated, stays."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from models import EnforcementAction, Role
from regulator.extensions import db
from regulator.record_kinds import KINDS
from regulator.services.corrections import change_record
from regulator.services.disclosure import fill_publication_ends


def _penalty(make, **kw):  # noqa: ANN001, ANN003, ANN202
    """A 5,000 yuan fine of 10 January 2025 (a general fine: public for 12 months) and a coordinator."""
    samr = make.agency("SAMR")
    user = make.user("samr.coord", Role.COORDINATOR, agency_id=samr.id)
    penalty = make.enforcement(make.entity("深圳市公示期更正贸易有限公司"), samr, decision_date=date(2025, 1, 10),
                               amount=Decimal("5000"), **kw)
    fill_publication_ends([penalty.entity_id])
    db.session.commit()
    db.session.refresh(penalty)
    return penalty, user


def _correct(penalty: EnforcementAction, user, **changes) -> EnforcementAction:  # noqa: ANN001, ANN003
    change_record(KINDS["enforcement"], penalty, changes=changes, status=None, reason="核实更正", user=user,
                  origin="objection")
    db.session.commit()
    return db.session.get(EnforcementAction, penalty.id)


def test_a_computed_end_follows_the_corrected_decision(app, make) -> None:  # noqa: ANN001
    penalty, user = _penalty(make)
    assert (penalty.publication_end, penalty.publication_end_computed) == (date(2026, 1, 10), True)
    penalty = _correct(penalty, user, amount=Decimal("150000"))  # a heavy fine: 36 months
    assert (penalty.publication_end, penalty.publication_end_computed) == (date(2028, 1, 10), True)
    penalty = _correct(penalty, user, decision_date=date(2025, 3, 1))
    assert penalty.publication_end == date(2028, 3, 1)


def test_an_end_the_agency_stated_stays(app, make) -> None:  # noqa: ANN001
    penalty, user = _penalty(make, publication_end=date(2025, 7, 10))  # stated in the agency's own file
    assert penalty.publication_end_computed is False
    penalty = _correct(penalty, user, amount=Decimal("150000"))
    assert (penalty.publication_end, penalty.publication_end_computed) == (date(2025, 7, 10), False)


def test_a_correction_may_state_the_end(app, make) -> None:  # noqa: ANN001
    penalty, user = _penalty(make)
    penalty = _correct(penalty, user, publication_end=date(2025, 9, 30))
    assert (penalty.publication_end, penalty.publication_end_computed) == (date(2025, 9, 30), False)
    penalty = _correct(penalty, user, amount=Decimal("200000"))
    assert penalty.publication_end == date(2025, 9, 30)
