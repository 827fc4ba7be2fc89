"""Pending match reviews decided again against what the platform knows now.

A record waits for review when its best candidate matched between the two thresholds on the day it was
imported. Files imported after it teach the platform more about the candidate: an operating address, a
phone, another spelling. Matched again, many such records now clear the upper threshold (in the demo, 62
of 77 pending reviews, every one of them right by the generator's hidden truth), or fall below the lower
one. ``recheck`` confirms or rejects those reviews in the platform's name, as ingest would have decided had
it known then what it knows now; the others stay for a coordinator. It reads every entity's identity rows
(``EntityIndex.load``), so it is a batch step to run after a run of imports (``flask linkage recheck``),
not a page's request.

A review left waiting whose record still matches its suggested entity best takes the probability and the
evidence of this match in place of those of the import (the probability at import stays in the note): the
queue orders and bands reviews by what the platform knows now, and the coordinator weighs today's evidence.
One whose record now matches another entity best keeps its evidence and notes which entity (both in
``explain.RECHECKED``); the review page offers to merge the two entities.

A record matches its own provisional entity (made from that very record) perfectly, so the provisional
entities of every pending review, and the entities the waiting records sit on, are left out of the rows the
records are matched against. A review may suggest such an entity itself (a later row of a business that
waits for its first review matched the entity made for that first row). Where its record, so matched, finds
no entity at all, it is matched again in a pass of its own, with its suggestion put back and its own entity
still left out (``_suggestions_put_back``); where it finds one, that decides, as for any other record (the
suggestion put back would tie with the entity that its own review suggests, most often the same business).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from models import LinkMethod, MatchReview, ReviewStatus, SourceRecord

from ..extensions import db
from ..services.working_days import local_day
from ..signals import batched_notices
from .explain import RECHECKED
from .merge import EntityChangeError, resolve
from .review import confirm, reject

#: the note a review decided here carries (``coordinator.match_words`` says it in the reader's language)
NOTE = "rechecked: match probability now {:.0%}"


@dataclass
class RecheckReport:
    """What a recheck found: per outcome, the ids of the reviews."""

    checked: int = 0
    confirmed: list[int] = field(default_factory=list)
    rejected: list[int] = field(default_factory=list)
    #: now linked with certainty to an entity other than the suggested one: left for a coordinator (the review
    #: keeps which, ``explain.RECHECKED``)
    elsewhere: list[int] = field(default_factory=list)
    #: still between the thresholds (or suggesting an entity of no identity rows, not matched against)
    waiting: list[int] = field(default_factory=list)
    #: decided by a person while the recheck read the index and matched: left as they decided
    meanwhile: list[int] = field(default_factory=list)
    #: of the waiting ones, those whose record still matches the suggested entity best at another whole percent:
    #: their probability and evidence are now this match's
    reprobed: list[int] = field(default_factory=list)

    def summary(self) -> str:
        """One line of counts (the command, the demo and the benchmark print it)."""
        return (f"{self.checked} pending reviews checked: {len(self.confirmed)} confirmed, {len(self.rejected)} "
                f"rejected, {len(self.elsewhere)} now match another entity (left for a coordinator), "
                f"{len(self.waiting)} still waiting"
                + (f" ({len(self.reprobed)} at a new probability)" if self.reprobed else "")
                + (f", {len(self.meanwhile)} decided by a coordinator meanwhile" if self.meanwhile else ""))


def recheck(*, agency_id: int | None = None, settings: Any = None, dry_run: bool = False) -> RecheckReport:
    """Match every pending review's record again (of one agency, if given); confirm those now linked to
    their suggested entity, reject those now below the lower threshold. Flushes, never commits; the objects it
    loads are let go (``_let_go``), those the caller holds stay in the session."""
    from ..ingest.resolve import EntityIndex, probabilistic

    stmt = (select(MatchReview.id, MatchReview.candidate_entity_id, SourceRecord.id, SourceRecord.entity_id,
                   SourceRecord.canonical, SourceRecord.uscc_raw)
            .join(SourceRecord, SourceRecord.id == MatchReview.source_record_id)
            .where(MatchReview.status == ReviewStatus.PENDING).order_by(MatchReview.id))
    if agency_id is not None:
        stmt = stmt.where(SourceRecord.agency_id == agency_id)
    pending = [_Pending(*row) for row in db.session.execute(stmt)]
    report = RecheckReport(checked=len(pending))
    if not pending:
        return report
    waiting_on = set(db.session.scalars(select(MatchReview.provisional_entity_id).where(
        MatchReview.status == ReviewStatus.PENDING, MatchReview.provisional_entity_id.is_not(None))))
    waiting_on |= {p.entity_id for p in pending if p.entity_id is not None}
    index = EntityIndex.load()
    suggested = {n: resolve(p.candidate_entity_id).id for n, p in enumerate(pending)}
    chained = {n for n, c in suggested.items() if c in waiting_on and c != pending[n].entity_id}
    held = index.rows.of({suggested[n] for n in chained})
    index.rows.replace(waiting_on, [])
    decisions = probabilistic([(n, p.canonical or {}, p.uscc_raw) for n, p in enumerate(pending)], index, settings)
    # matched well elsewhere without its suggestion: decided on that (a suggestion whose own review is confirmed
    # now resolves to that review's entity; put back, it would tie with it); matched nowhere: matched again
    chained = {n for n in chained if n in decisions and decisions[n].method == LinkMethod.NEW}
    unseen: set[int] = set()  # reviews whose suggestion was not matched against (an entity without identity rows)
    for back, members in _suggestions_put_back(pending, chained, suggested):
        rows = [r for c in back for r in held.get(c, [])]
        unseen |= {pending[n].review_id for n in members if not held.get(suggested[n])}
        index.rows.replace(set(), rows)
        decisions.update(probabilistic([(n, pending[n].canonical or {}, pending[n].uscc_raw) for n in members],
                                       index, settings))
        index.rows.replace(back, [])
    del index
    # a coordinator may have decided some while the index was read and the records matched (minutes at scale)
    still = _still_pending([p.review_id for p in pending])
    kept = set(db.session.identity_map.keys())
    with batched_notices():
        for n, p in enumerate(pending):
            if p.review_id not in still:
                report.meanwhile.append(p.review_id)
                continue
            _decide(report, p, decisions.get(n), p.review_id not in unseen, dry_run)
            _let_go(kept)
    db.session.flush()
    return report


@dataclass(frozen=True)
class _Pending:
    review_id: int
    candidate_entity_id: int
    record_id: int
    entity_id: int | None
    canonical: dict[str, Any] | None
    uscc_raw: str | None


def _suggestions_put_back(pending: list[_Pending], chained: set[int],
                          suggested: dict[int, int]) -> list[tuple[set[int], list[int]]]:
    """Passes that match again the records whose suggestion was left out: per pass, the suggested entities put
    back and the records (positions in ``pending``) matched. A record is never matched with its own entity put
    back: one pass puts back every suggestion that is no such record's own entity, then one pass per remaining
    suggestion (one business's later rows suggesting the entity of its first row, which itself suggests another)."""
    own = {pending[n].entity_id for n in chained}
    first = {suggested[n] for n in chained} - own
    passes = [(first, [n for n in sorted(chained) if suggested[n] in first])] if first else []
    for c in sorted({suggested[n] for n in chained} - first):
        passes.append(({c}, [n for n in sorted(chained) if suggested[n] == c]))
    return passes


def _let_go(held: set[Any]) -> None:
    """Flush, and forget the objects the last decision loaded (those the caller held stay).

    Each merge expires every object in the session (``merge._move_all``) so that later reads see its
    UPDATEs: with every decision's reviews, records, entities and events kept, that walk grew with each
    confirm, and took half of a recheck's time (1,210 confirms at 300k records).
    """
    db.session.flush()
    for key in [k for k in db.session.identity_map.keys() if k not in held]:
        obj = db.session.identity_map.get(key)
        if obj is not None:
            db.session.expunge(obj)


def _still_pending(ids: list[int]) -> set[int]:
    """Which of ``ids`` are pending in the database now (read afresh, not from the session's objects)."""
    found: set[int] = set()
    for start in range(0, len(ids), 500):
        found.update(db.session.scalars(select(MatchReview.id).where(
            MatchReview.id.in_(ids[start:start + 500]), MatchReview.status == ReviewStatus.PENDING)))
    return found


def _decide(report: RecheckReport, p: _Pending, decision: Any, seen: bool, dry_run: bool) -> None:
    """``seen``: whether the suggested entity was among the rows the record was matched against."""
    if db.session.get(MatchReview, p.review_id).status != ReviewStatus.PENDING:
        return  # its record's other review was confirmed just now
    candidate = resolve(p.candidate_entity_id).id
    if decision is None or decision.method not in (LinkMethod.PROBABILISTIC, LinkMethod.NEW) or (
            decision.method == LinkMethod.NEW and not seen):
        report.waiting.append(p.review_id)
        if decision is not None and decision.method == LinkMethod.REVIEW:
            if decision.candidate_id is not None and resolve(decision.candidate_id).id == candidate:
                if _take_evidence(p.review_id, decision, dry_run):
                    report.reprobed.append(p.review_id)
            elif not dry_run:
                _remember(p.review_id, decision.candidate_id, decision.probability, linked=False)
    elif decision.method == LinkMethod.NEW:
        report.rejected.append(p.review_id)
        if not dry_run:
            reject(p.review_id, note=NOTE.format(decision.probability or 0.0))
    elif resolve(decision.entity_id).id != candidate:  # (merged meanwhile: a suggestion confirmed just now)
        report.elsewhere.append(p.review_id)
        if not dry_run:
            _remember(p.review_id, decision.entity_id, decision.probability, linked=True)
    else:
        report.confirmed.append(p.review_id)
        if not dry_run:
            confirm(p.review_id, note=NOTE.format(decision.probability))
            record = db.session.get(SourceRecord, p.record_id)
            record.link_method, record.link_probability = LinkMethod.PROBABILISTIC, decision.probability


def _remember(review_id: int, entity_id: int | None, probability: float | None, *, linked: bool) -> None:
    """Keep on a review left waiting what its record matches best now (the review page and the API show it)."""
    if entity_id is None or probability is None:
        return
    review = db.session.get(MatchReview, review_id)
    review.match_weights = {**(review.match_weights or {}), RECHECKED: _note(review, entity_id, probability, linked)}


def _moved(before: float, after: float) -> bool:
    return round(before * 100) != round(after * 100)


def _take_evidence(review_id: int, decision: Any, dry_run: bool) -> bool:
    """A review whose record still matches its suggested entity best: this match's probability and evidence
    replace the import's (the queue's order and bands follow); the note keeps the probability at import.
    Returns whether the probability moved by a whole percent (a dry run only says so)."""
    from ..ingest.pipeline import stored_weights

    review = db.session.get(MatchReview, review_id)
    moved = _moved(review.probability, decision.probability)
    if dry_run:
        return moved
    note = _note(review, review.candidate_entity_id, decision.probability, False)
    review.probability = round(float(decision.probability), 4)
    review.match_weights = {**stored_weights(decision.match_weights), RECHECKED: note}
    return moved


def _note(review: MatchReview, entity_id: int, probability: float, linked: bool) -> dict[str, Any]:
    """The ``explain.RECHECKED`` note: today, the best entity and its probability, and the review's probability
    when its record was imported (kept from an earlier note: the probability column may hold a recheck's)."""
    earlier = (review.match_weights or {}).get(RECHECKED)
    at_import = earlier.get("at_import") if isinstance(earlier, dict) else None
    return {"on": local_day().isoformat(), "probability": round(float(probability), 4), "entity_id": int(entity_id),
            "linked": linked, "at_import": at_import if isinstance(at_import, (int, float)) else review.probability}


@dataclass(frozen=True)
class Rechecked:
    """What a pending review's record matched best when it was last matched again."""

    on: date
    #: the best entity then, resolved to the entity it is now (merged since: its survivor)
    entity_id: int
    probability: float
    #: at or above the upper threshold: ingest would have linked the record to that entity
    linked: bool
    #: the review's probability when its record was imported (None in notes written before it was kept)
    at_import: float | None = None

    def is_evidence_of(self, review: MatchReview) -> bool:
        """Whether ``review``'s probability and evidence are this recheck's (``_take_evidence``), not the import's;
        a note written before the probability at import was kept says nothing of it."""
        return self.at_import is not None and round(review.probability, 4) == self.probability

    @property
    def moved(self) -> bool:
        """The probability now and at import differ by a whole percent (what the page and the queue point out)."""
        return self.at_import is not None and _moved(self.at_import, self.probability)


def last_recheck(review: MatchReview) -> Rechecked | None:
    """What the last recheck found for a pending review; None for a decided one or one never matched again."""
    found = (review.match_weights or {}).get(RECHECKED)
    if review.status != ReviewStatus.PENDING or not isinstance(found, dict):
        return None
    try:
        at_import = found.get("at_import")
        return Rechecked(date.fromisoformat(found["on"]), resolve(int(found["entity_id"])).id,
                         float(found["probability"]), bool(found.get("linked")),
                         None if at_import is None else float(at_import))
    except (KeyError, TypeError, ValueError, EntityChangeError):  # not written by ``_remember``; an entity gone
        return None
