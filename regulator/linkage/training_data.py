"""Training data from the database: entities as registered, and the records their valid codes linked to them.

Those deterministic links label the pairs ``training.train_on_linked`` estimates m probabilities from, so a
model is re-estimated on the platform's own data (``flask linkage train``) without anyone labelling pairs.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from models import Address, EntityPhone, EntityRole, MarketEntity, Person, Phone, SourceRecord
from models.enums import LinkMethod, PersonRole, RecordType

from ..extensions import db

FIELDS = ("name", "address", "district", "legal_rep", "phone")


def linked_by_code(limit: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(register, linked): entities holding a valid code, and other agencies' records linked to them by it."""
    entities = pd.DataFrame(db.session.execute(
        select(MarketEntity.id.label("entity_id"), MarketEntity.name, MarketEntity.district,
               Address.text.label("address"))
        .outerjoin(Address, Address.id == MarketEntity.address_id)
        .where(MarketEntity.uscc.is_not(None), MarketEntity.merged_into_id.is_(None))
        .order_by(MarketEntity.id).limit(limit)).all(), columns=["entity_id", "name", "district", "address"])
    if entities.empty:
        return entities, pd.DataFrame(columns=["entity_id", *FIELDS])
    ids = entities["entity_id"].tolist()
    reps = dict(db.session.execute(select(EntityRole.entity_id, Person.name)
                                   .join(Person, Person.id == EntityRole.person_id)
                                   .where(EntityRole.role == PersonRole.LEGAL_REPRESENTATIVE,
                                          EntityRole.entity_id.in_(ids))).all())
    phones = dict(db.session.execute(select(EntityPhone.entity_id, Phone.number)
                                     .join(Phone, Phone.id == EntityPhone.phone_id)
                                     .where(EntityPhone.entity_id.in_(ids))).all())
    entities["legal_rep"] = entities["entity_id"].map(reps)
    entities["phone"] = entities["entity_id"].map(phones)
    rows = db.session.execute(select(SourceRecord.entity_id, SourceRecord.canonical).where(
        SourceRecord.link_method == LinkMethod.USCC, SourceRecord.uscc_valid.is_(True),
        SourceRecord.record_type != RecordType.REGISTRATION, SourceRecord.entity_id.in_(ids))).all()
    linked = pd.DataFrame([{"entity_id": e, **{f: (c or {}).get(f) for f in FIELDS}} for e, c in rows],
                          columns=["entity_id", *FIELDS])
    return entities, linked[linked["name"].notna()].reset_index(drop=True)
