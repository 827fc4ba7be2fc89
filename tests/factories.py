"""Factories for tests: each builds a valid row with sensible defaults, applies overrides, and flushes."""

from __future__ import annotations

import hashlib
import itertools
import json
from datetime import date
from typing import Any

from werkzeug.security import generate_password_hash

from models import (
    Agency,
    Complaint,
    EnforcementAction,
    Inspection,
    InspectionResult,
    InspectionTask,
    Licence,
    ListEntry,
    ListType,
    MarketEntity,
    PenaltyType,
    RecordType,
    Role,
    SelectionReason,
    Severity,
    SourceRecord,
    SourceStatus,
    TaskAgency,
    TaskInspector,
    User,
    Violation,
)
from regulator.extensions import db
from regulator.identifiers import make_uscc
from regulator.text import normalise_name

PASSWORD = "test-password-123"
_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")  # fast in tests only
_seq = itertools.count(1)


class Factory:
    """``make.entity(name=...)`` and friends."""

    def _add(self, obj: Any) -> Any:
        db.session.add(obj)
        db.session.flush()
        return obj

    def agency(self, code: str = "SAMR", **kw: Any) -> Agency:
        existing = db.session.query(Agency).filter_by(code=code).one_or_none()
        if existing is not None:
            return existing
        kw.setdefault("name", f"{code} 局")
        kw.setdefault("domain", "market")
        return self._add(Agency(code=code, **kw))

    def entity(self, name: str | None = None, **kw: Any) -> MarketEntity:
        n = next(_seq)
        name = name or f"深圳市测试{n}号贸易有限公司"
        kw.setdefault("uscc", make_uscc("9", "1", "440300", f"{n:08d}"))
        kw.setdefault("district", "福田区")
        return self._add(MarketEntity(name=name, name_norm=normalise_name(name), **kw))

    def user(self, username: str, role: Role | str, **kw: Any) -> User:
        kw.setdefault("display_name", username)
        return self._add(User(username=username, role=Role(role), password_hash=_HASH, **kw))

    def source_record(self, agency: Agency, record_type: RecordType = RecordType.INSPECTION,
                      **kw: Any) -> SourceRecord:
        raw = kw.pop("raw", {"row": next(_seq)})
        digest = hashlib.sha256(json.dumps(raw, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        kw.setdefault("status", SourceStatus.ACCEPTED)
        return self._add(SourceRecord(agency_id=agency.id, record_type=record_type, raw=raw,
                                      content_hash=digest, **kw))

    def _fact(self, model: type, agency: Agency, entity: MarketEntity | None, record_type: RecordType,
              **kw: Any) -> Any:
        source = self.source_record(agency, record_type, entity_id=entity.id if entity else None)
        return self._add(model(agency_id=agency.id, entity_id=entity.id if entity else None,
                               source_record_id=source.id, **kw))

    def inspection(self, entity: MarketEntity, agency: Agency, **kw: Any) -> Inspection:
        kw.setdefault("inspection_date", date(2024, 5, 1))
        kw.setdefault("result", InspectionResult.PASS)
        kw.setdefault("selection_reason", SelectionReason.RANDOM_DRAW)
        return self._fact(Inspection, agency, entity, RecordType.INSPECTION, **kw)

    def violation(self, entity: MarketEntity, agency: Agency, **kw: Any) -> Violation:
        kw.setdefault("found_date", date(2024, 5, 1))
        kw.setdefault("severity", Severity.SERIOUS)
        return self._fact(Violation, agency, entity, RecordType.VIOLATION, **kw)

    def enforcement(self, entity: MarketEntity, agency: Agency, **kw: Any) -> EnforcementAction:
        kw.setdefault("decision_date", date(2024, 6, 1))
        kw.setdefault("penalty_type", PenaltyType.FINE)
        return self._fact(EnforcementAction, agency, entity, RecordType.ENFORCEMENT, **kw)

    def list_entry(self, entity: MarketEntity, agency: Agency, **kw: Any) -> ListEntry:
        kw.setdefault("added_date", date(2024, 7, 1))
        kw.setdefault("list_type", ListType.ABNORMAL_OPERATIONS)
        return self._fact(ListEntry, agency, entity, RecordType.LIST_ENTRY, **kw)

    def licence(self, entity: MarketEntity, agency: Agency, **kw: Any) -> Licence:
        return self._fact(Licence, agency, entity, RecordType.LICENCE, **kw)

    def complaint(self, entity: MarketEntity | None, agency: Agency, **kw: Any) -> Complaint:
        kw.setdefault("received_date", date(2024, 3, 1))
        return self._fact(Complaint, agency, entity, RecordType.COMPLAINT, **kw)

    def task(self, entity: MarketEntity, agencies: list[Agency], inspectors: list[User] = (),
             campaign: Any = None, **kw: Any) -> InspectionTask:
        from models import Campaign

        campaign = campaign or self._add(Campaign(name="测试抽查", period_start=date(2025, 1, 1),
                                                  period_end=date(2025, 3, 31)))
        kw.setdefault("window_start", campaign.period_start)
        kw.setdefault("window_end", campaign.period_end)
        task = self._add(InspectionTask(campaign_id=campaign.id, entity_id=entity.id, **kw))
        for agency in agencies:
            self._add(TaskAgency(task_id=task.id, agency_id=agency.id,
                                 selection_reason=SelectionReason.RANDOM_DRAW))
        for user in inspectors:
            self._add(TaskInspector(task_id=task.id, user_id=user.id, agency_id=user.agency_id))
        return task
