"""Publication periods as data: how long a penalty or a list entry stays public, and when repair may end it.

A penalty is public from its decision until its publication period ends, or until credit repair is
granted; afterwards it leaves the public profile and stays in the internal one. A list entry is public
while the entity is on the list. The periods follow the State's two-tier rule for administrative
penalties (general dishonesty: at least three months, at most one year; serious dishonesty: at least one
year, at most three years) as the market-supervision rules apply it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pandas as pd

PENALTY_BASIS = ("《市场监督管理行政处罚信息公示规定》；"
                 "《失信行为纠正后的信用信息修复管理办法（试行）》")
REPAIR_BASIS = "《市场监督管理信用修复管理办法》"
ABNORMAL_BASIS = "《企业信息公示暂行条例》；《企业经营异常名录管理暂行办法》"
SERIOUS_BASIS = "《市场监督管理严重违法失信名单管理办法》"
#: a fine of this amount or more counts as a heavier penalty (a longer publication period)
HEAVY_FINE = Decimal("100000")


@dataclass(frozen=True)
class PublicationPeriod:
    """How long one kind of penalty is published: repair may end it after ``min_months``."""

    penalty_type: str
    tier: str  #: "general" or "serious"
    min_months: int
    max_months: int
    basis: str
    #: the rule applies to amounts at or above this (None: any amount)
    min_amount: Decimal | None = None


#: first matching row wins: a type's amount-specific rows come before its catch-all row
PUBLICATION_PERIODS: tuple[PublicationPeriod, ...] = (
    PublicationPeriod("warning", "general", 3, 12, PENALTY_BASIS),
    PublicationPeriod("fine", "serious", 12, 36, PENALTY_BASIS, min_amount=HEAVY_FINE),
    PublicationPeriod("fine", "general", 3, 12, PENALTY_BASIS),
    PublicationPeriod("confiscation", "serious", 12, 36, PENALTY_BASIS, min_amount=HEAVY_FINE),
    PublicationPeriod("confiscation", "general", 3, 12, PENALTY_BASIS),
    PublicationPeriod("suspension", "serious", 12, 36, PENALTY_BASIS),
    PublicationPeriod("licence_revocation", "serious", 12, 36, PENALTY_BASIS),
    PublicationPeriod("detention", "serious", 12, 36, PENALTY_BASIS),
    PublicationPeriod("other", "general", 3, 12, PENALTY_BASIS),
)


@dataclass(frozen=True)
class ListRepairRule:
    """When an entity may apply to leave a list early, and on what basis."""

    list_type: str
    min_months: int
    basis: str


LIST_REPAIR_RULES: dict[str, ListRepairRule] = {
    # leaving the abnormal-operations list: as soon as the cause is corrected (report filed, address fixed)
    "abnormal_operations": ListRepairRule("abnormal_operations", 0, ABNORMAL_BASIS + "；" + REPAIR_BASIS),
    # the serious illegal and dishonest list: early removal after a year on it, once corrected
    "serious_illegal": ListRepairRule("serious_illegal", 12, SERIOUS_BASIS + "；" + REPAIR_BASIS),
}


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (clamped to the month's end, as pandas does)."""
    return (pd.Timestamp(day) + pd.DateOffset(months=months)).date()


def period_for(penalty_type: str, amount: Decimal | float | None = None) -> PublicationPeriod:
    """The publication period that applies to a penalty of this type and amount."""
    value = Decimal(str(amount)) if amount is not None else None
    if value is not None and value.is_nan():
        value = None
    kind = str(getattr(penalty_type, "value", penalty_type))
    for period in PUBLICATION_PERIODS:
        if period.penalty_type != kind:
            continue
        if period.min_amount is None or (value is not None and value >= period.min_amount):
            return period
    return PUBLICATION_PERIODS[-1]


def default_publication_end(decision_date: date, penalty_type: str, amount: Decimal | float | None) -> date:
    """The day publication ends when the agency did not state it: the decision plus the longest period."""
    return add_months(decision_date, period_for(penalty_type, amount).max_months)


def repair_opens_on(decision_date: date, penalty_type: str, amount: Decimal | float | None) -> date:
    """The first day credit repair may end the publication of this penalty."""
    return add_months(decision_date, period_for(penalty_type, amount).min_months)


def penalty_public_until(decision_date: date, penalty_type: str, amount: Decimal | float | None,
                         publication_end: date | None = None, repaired_on: date | None = None) -> date:
    """The first day the penalty is no longer public (end of period, or the day repair was granted)."""
    end = publication_end or default_publication_end(decision_date, penalty_type, amount)
    return min(end, repaired_on) if repaired_on else end


def is_penalty_public(decision_date: date, penalty_type: str, amount: Decimal | float | None, as_of: date,
                      publication_end: date | None = None, repaired_on: date | None = None) -> bool:
    """True while the penalty is inside its publication period and not ended by credit repair."""
    return decision_date <= as_of < penalty_public_until(decision_date, penalty_type, amount,
                                                         publication_end, repaired_on)


def is_list_entry_public(added_date: date, removed_date: date | None, as_of: date) -> bool:
    """A list entry is public while the entity is on the list."""
    return added_date <= as_of and (removed_date is None or removed_date > as_of)


def list_repair_opens_on(list_type: str, added_date: date) -> date | None:
    """The first day the entity may apply to leave the list early (None: no early removal)."""
    rule = LIST_REPAIR_RULES.get(str(getattr(list_type, "value", list_type)))
    return add_months(added_date, rule.min_months) if rule else None


def publication_ends(frame: pd.DataFrame) -> pd.Series:
    """Vectorised ``default_publication_end`` for columns decision_date, penalty_type, amount."""
    ends = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    decided = pd.to_datetime(frame["decision_date"])
    amount = pd.to_numeric(frame["amount"], errors="coerce").astype(float)
    assigned = pd.Series(False, index=frame.index)
    kinds = frame["penalty_type"].astype(str)
    for period in PUBLICATION_PERIODS:
        hit = ~assigned & kinds.eq(period.penalty_type)
        if period.min_amount is not None:
            hit &= amount.ge(float(period.min_amount)).fillna(False).astype(bool)
        ends[hit] = decided[hit] + pd.DateOffset(months=period.max_months)
        assigned |= hit
    fallback = ~assigned
    ends[fallback] = decided[fallback] + pd.DateOffset(months=PUBLICATION_PERIODS[-1].max_months)
    return ends.dt.date
