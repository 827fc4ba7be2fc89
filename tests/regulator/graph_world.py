"""A small related world in the database, the same shape as tests/risk/test_graph.py's hand-built graph.

Entities e1-e7: person 张三丰 represents e1 and e2; one address hosts e2 and e3; person 李四 holds
shares in e3 (from 2024-01-01) and e4; e4 invests in e5; e5 and e6 share a phone; person 王五 directed
e1 and e7 until 2023-06-30; e6 was registered on 2023-06-01. Events: a minor violation of e3
(2024-03-01), a suspension of e4 (2022-01-15), a critical violation of e6 (2024-05-01).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from models import (
    Address,
    AddressKind,
    EntityAddress,
    EntityPhone,
    EntityRole,
    Investment,
    PenaltyType,
    Person,
    PersonRole,
    Phone,
    Severity,
)
from regulator.extensions import db


def add(obj: Any) -> Any:
    db.session.add(obj)
    db.session.flush()
    return obj


def related_world(make) -> dict[str, Any]:  # noqa: ANN001
    """Create the world; returns the rows by name (e1..e7, zhang, li, wang, address, phone)."""
    w: dict[str, Any] = {}
    for i in range(1, 8):
        w[f"e{i}"] = make.entity(registration_date=date(2023, 6, 1) if i == 6 else date(2015, 1, 1))
    w["zhang"] = add(Person(name="张三丰", name_norm="张三丰", id_masked="440305********123X"))
    w["li"] = add(Person(name="李四", name_norm="李四"))
    w["wang"] = add(Person(name="王五", name_norm="王五"))
    w["address"] = add(Address(text="深圳市福田区福华路1号", text_norm="深圳市福田区福华路1号"))
    w["phone"] = add(Phone(number="13812345678", masked="138****5678"))
    roles = [("e1", "zhang", PersonRole.LEGAL_REPRESENTATIVE, None, None, None),
             ("e2", "zhang", PersonRole.LEGAL_REPRESENTATIVE, None, None, None),
             ("e3", "li", PersonRole.SHAREHOLDER, 0.4, date(2024, 1, 1), None),
             ("e4", "li", PersonRole.SHAREHOLDER, 0.6, None, None),
             ("e1", "wang", PersonRole.DIRECTOR, None, None, date(2023, 6, 30)),
             ("e7", "wang", PersonRole.DIRECTOR, None, None, date(2023, 6, 30))]
    for entity, person, role, share, start, end in roles:
        add(EntityRole(entity_id=w[entity].id, person_id=w[person].id, role=role, share=share,
                       start_date=start, end_date=end))
    for entity in ("e2", "e3"):
        add(EntityAddress(entity_id=w[entity].id, address_id=w["address"].id, kind=AddressKind.REGISTERED))
    for entity in ("e5", "e6"):
        add(EntityPhone(entity_id=w[entity].id, phone_id=w["phone"].id))
    add(Investment(investor_id=w["e4"].id, investee_id=w["e5"].id, share=0.3))
    samr = make.agency()
    make.violation(w["e3"], samr, severity=Severity.MINOR, found_date=date(2024, 3, 1))
    make.enforcement(w["e4"], samr, penalty_type=PenaltyType.SUSPENSION, decision_date=date(2022, 1, 15))
    make.violation(w["e6"], samr, severity=Severity.CRITICAL, found_date=date(2024, 5, 1))
    return w
