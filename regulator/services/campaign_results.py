"""How a campaign's checks have turned out so far: progress per agency, and findings by why each check was chosen.

The random draw is the unbiased baseline, once weighted: its strata are drawn at different rates (more often
where the credit class is worse), so its raw share of checks with findings overstates the share among all
entities. Weighting each done check by the inverse of its selection probability (the Horvitz-Thompson
estimator) estimates that share across the draw's population; a risk ranking earns its place by finding more
than that among the checks it chose, and the risk model's own expectation (the mean probability it gave the
checks done) says whether it is calibrated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select

from models import (
    Agency,
    Campaign,
    Inspection,
    InspectionTask,
    MarketEntity,
    RecordStatus,
    SelectionReason,
    TaskAgency,
    TaskStatus,
)

from ..extensions import db
from ..i18n import agency_name_column


@dataclass
class Tally:
    """Checks of one group (an agency, or a reason for choosing): planned, done, and what the done ones found."""

    key: Any
    planned: int = 0
    #: checks taken back before their result (the agency withdrawn, or the visit cancelled): not in ``planned``
    withdrawn: int = 0
    done: int = 0
    with_violations: int = 0
    serious: int = 0
    expected_sum: float = 0.0
    expected_n: int = 0
    #: sums of 1/selection probability over the done checks drawn at random: all, with violations, serious
    weight: float = 0.0
    weight_found: float = 0.0
    weight_serious: float = 0.0

    def add(self, probability: float | None, inspection_id: int | None, violations: int | None,
            serious: bool | None, drawn_with: float | None = None, withdrawn: bool = False) -> None:
        """Count one check (done when its inspection is recorded); ``drawn_with``: its selection probability,
        for a check of the random draw."""
        if withdrawn:
            self.withdrawn += 1
            return
        self.planned += 1
        if inspection_id is None:
            return
        self.done += 1
        found, grave = (violations or 0) > 0, bool(serious)
        self.with_violations += int(found)
        self.serious += int(grave)
        if probability is not None:
            self.expected_sum += probability
            self.expected_n += 1
        if drawn_with:
            weight = 1.0 / drawn_with
            self.weight += weight
            self.weight_found += weight * found
            self.weight_serious += weight * grave

    @property
    def violation_rate(self) -> float | None:
        """Share of the done checks that found a violation."""
        return self.with_violations / self.done if self.done else None

    @property
    def serious_rate(self) -> float | None:
        """Share of the done checks that found a serious or critical violation."""
        return self.serious / self.done if self.done else None

    @property
    def estimated_violation_rate(self) -> float | None:
        """For the random draw: the share of the draw's whole population with a violation, estimated by
        weighting each done check by the inverse of its selection probability."""
        return self.weight_found / self.weight if self.weight else None

    @property
    def estimated_serious_rate(self) -> float | None:
        """For the random draw: the estimated share of its population with a serious or critical finding."""
        return self.weight_serious / self.weight if self.weight else None

    @property
    def expected(self) -> float | None:
        """The risk model's mean probability of a serious finding for the done checks it scored."""
        return self.expected_sum / self.expected_n if self.expected_n else None


def results(campaign: Campaign, published_only: bool = False) -> tuple[list[Tally], list[Tally]]:
    """Tallies per agency (by code) and per reason for choosing, in one statement over the campaign's checks.

    ``published_only``: what the public may see, a check counting as done once its result is released (and not
    withdrawn since: an objection upheld).
    """
    by_agency: dict[str, Tally] = {}
    by_reason: dict[Any, Tally] = {}
    joined = Inspection.id == TaskAgency.inspection_id
    if published_only:
        joined &= Inspection.published.is_(True) & (Inspection.status != RecordStatus.WITHDRAWN)
    for code, reason, probability, drawn_with, status, inspection_id, violations, serious in db.session.execute(
            select(Agency.code, TaskAgency.selection_reason, TaskAgency.risk_probability,
                   TaskAgency.selection_probability, TaskAgency.status, Inspection.id, Inspection.violation_count,
                   Inspection.serious_violation)
            .join(InspectionTask, InspectionTask.id == TaskAgency.task_id)
            .join(Agency, Agency.id == TaskAgency.agency_id)
            .outerjoin(Inspection, joined)
            .where(InspectionTask.campaign_id == campaign.id)):
        withdrawn = status == TaskStatus.CANCELLED
        by_agency.setdefault(code, Tally(code)).add(probability, inspection_id, violations, serious,
                                                    withdrawn=withdrawn)
        random = reason == SelectionReason.RANDOM_DRAW and drawn_with is not None and 0 < drawn_with <= 1
        by_reason.setdefault(reason, Tally(reason)).add(probability, inspection_id, violations, serious,
                                                        drawn_with if random else None, withdrawn=withdrawn)
    return sorted(by_agency.values(), key=lambda t: t.key), sorted(by_reason.values(), key=lambda t: str(t.key))


def payload(tally: Tally, with_model: bool = True) -> dict[str, Any]:
    """A tally as JSON (the model's expectation only for the agencies taking part)."""
    out = {"key": str(tally.key), "planned": tally.planned, "withdrawn": tally.withdrawn, "done": tally.done,
           "with_violations": tally.with_violations, "serious": tally.serious,
           "violation_rate": tally.violation_rate, "serious_rate": tally.serious_rate,
           "estimated_violation_rate": tally.estimated_violation_rate,
           "estimated_serious_rate": tally.estimated_serious_rate}
    if with_model:
        out["model_expected"] = tally.expected
    return out


def published(campaign_id: int) -> Select:
    """The campaign's released results as the public sees them, latest visit first: rows of (inspection,
    entity name, entity code, agency code, agency name in the reader's language). The public page, its download and
    the API read it. A result withdrawn since (an objection upheld) is no longer public."""
    return (select(Inspection, MarketEntity.name, MarketEntity.uscc, Agency.code, agency_name_column())
            .join(InspectionTask, InspectionTask.id == Inspection.task_id)
            .join(MarketEntity, MarketEntity.id == Inspection.entity_id)
            .join(Agency, Agency.id == Inspection.agency_id)
            .where(InspectionTask.campaign_id == campaign_id, Inspection.published.is_(True),
                   Inspection.status != RecordStatus.WITHDRAWN)
            .order_by(Inspection.inspection_date.desc(), Inspection.id.desc()))
