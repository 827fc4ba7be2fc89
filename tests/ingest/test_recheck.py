"""Pending match reviews matched again after later imports: the platform confirms what it now knows to be the
same business, rejects what no longer matches, and leaves the rest (and a new best entity) to a coordinator."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from models import (
    Address,
    Agency,
    AuditLog,
    ImportBatch,
    LinkMethod,
    MarketEntity,
    MatchReview,
    ReviewStatus,
    Role,
    SourceRecord,
)
from regulator.coordinator.match_words import review_note
from regulator.extensions import db
from regulator.ingest.demo import ingest_directory, linkage_truth, score_linkage
from regulator.linkage.merge import resolve
from regulator.linkage.recheck import RecheckReport, last_recheck, recheck
from regulator.services.working_days import local_day


@pytest.fixture
def imported(app, agencies, tmp_path: Path):  # noqa: ANN001, ANN201
    """A 300-entity world imported file by file: reviews written while the later files were not yet known."""
    from regulator.demo import generate_world, write_agency_files

    write_agency_files(generate_world(n_entities=300, seed=5), tmp_path)
    batches = ingest_directory(tmp_path)
    db.session.commit()
    return tmp_path, batches


def _true_key(world: Path) -> dict[int, float]:
    """Each source record's true entity key (records that name an entity)."""
    truth = linkage_truth(world)
    truth["name"] = truth["file"].str.split("/").str[-1]
    keys = {(r.name, r.row_number): r.entity_key for r in truth.itertuples() if r.entity_key == r.entity_key}
    files = dict(db.session.execute(select(ImportBatch.id, ImportBatch.filename)).all())
    return {sid: keys[(files[b], n)] for sid, b, n in db.session.execute(
        select(SourceRecord.id, SourceRecord.batch_id, SourceRecord.row_number)) if (files.get(b), n) in keys}


def _majority(key: dict[int, float]) -> dict[int, float]:
    """Each entity's true key: the one most of its records carry."""
    held: dict[int, Counter] = defaultdict(Counter)
    for sid, entity_id in db.session.execute(select(SourceRecord.id, SourceRecord.entity_id)):
        if entity_id is not None and sid in key:
            held[entity_id][key[sid]] += 1
    return {e: c.most_common(1)[0][0] for e, c in held.items()}


def _pending() -> int:
    return db.session.scalar(select(func.count(MatchReview.id)).where(MatchReview.status == ReviewStatus.PENDING))


def test_recheck_confirms_what_later_files_taught_and_each_confirm_is_right(imported) -> None:  # noqa: ANN001
    world, batches = imported
    before, pending = score_linkage(world, batches), _pending()
    entities = db.session.scalar(select(func.count(MarketEntity.id)).where(MarketEntity.merged_into_id.is_(None)))
    assert pending > 5

    dry = recheck(dry_run=True)
    db.session.rollback()
    assert dry.checked == pending and dry.confirmed and _pending() == pending

    report = recheck()
    db.session.commit()
    assert report.confirmed == dry.confirmed and report.checked == pending
    assert _pending() == pending - len(report.confirmed) - len(report.rejected)
    assert len(report.confirmed) >= pending // 2  # this world: most reviews waited on a fact a later file held
    key = _true_key(world)
    majority = _majority(key)
    for review in db.session.scalars(select(MatchReview).where(MatchReview.id.in_(report.confirmed))):
        record = db.session.get(SourceRecord, review.source_record_id)
        assert majority[record.entity_id] == key[record.id]  # confirmed onto the business it is, by the truth
        assert review.status == ReviewStatus.CONFIRMED and review.decided_by_id is None
        assert review.note.startswith("rechecked: match probability now ")
        assert record.link_method == LinkMethod.PROBABILISTIC and record.link_probability >= 0.9
    after = score_linkage(world, batches)
    assert after["precision"] >= before["precision"] - 1e-9 and after["recall"] > before["recall"]
    assert db.session.scalar(select(func.count(MarketEntity.id)).where(MarketEntity.merged_into_id.is_(None))) \
        < entities
    assert db.session.scalar(select(func.count(AuditLog.id)).where(
        AuditLog.action == "match_review.confirm", AuditLog.user_id.is_(None))) == len(report.confirmed)
    # nothing left to learn: a second run decides nothing
    again = recheck()
    assert not again.confirmed and not again.rejected and again.checked == _pending()


def _suggest_elsewhere() -> tuple[RecheckReport, MatchReview, int]:
    """A dry run's report, and one review it would confirm now pointed at another entity (a suggestion never
    this business); its record's right entity. Not committed."""
    some = db.session.scalars(select(MarketEntity.id).where(MarketEntity.merged_into_id.is_(None))
                              .order_by(MarketEntity.id).limit(2)).all()
    dry = recheck(dry_run=True)
    db.session.rollback()
    review = db.session.get(MatchReview, dry.confirmed[0])
    right = review.candidate_entity_id
    review.candidate_entity_id = next(e for e in some if e != right)
    return dry, review, right


def test_recheck_rejects_a_suggestion_that_no_longer_matches_and_leaves_a_new_best_to_a_person(imported, make) -> None:  # noqa: ANN001, E501
    """A review whose record now matches no entity at all falls below the lower threshold and is rejected (the
    record stays on its own entity), also where its candidate is the entity another record waits on (matched
    against in a pass of its own); one whose record now links with certainty to an entity other than its
    candidate waits for a coordinator."""
    samr = db.session.scalar(select(Agency).where(Agency.code == "SAMR"))
    some = db.session.scalars(select(MarketEntity).where(MarketEntity.merged_into_id.is_(None))
                              .order_by(MarketEntity.id).limit(2)).all()
    dry, elsewhere, right = _suggest_elsewhere()
    own = make.entity("从未登记的奇异名称咨询有限公司", uscc=None)
    lone = make.source_record(samr, canonical={"name": "从未登记的奇异名称咨询有限公司", "address": "不存在路1号"},
                              entity_id=own.id)
    wrong = MatchReview(source_record_id=lone.id, candidate_entity_id=some[0].id, provisional_entity_id=own.id,
                        probability=0.5, match_weights={})
    db.session.add(wrong)
    held = db.session.get(MatchReview, dry.waiting[0]).provisional_entity_id  # still waits after the recheck
    other = make.entity("另一个从未登记的名称咨询有限公司", uscc=None)
    unseen = MatchReview(source_record_id=make.source_record(
        samr, canonical={"name": "另一个从未登记的名称咨询有限公司"}, entity_id=other.id).id,
        candidate_entity_id=held, provisional_entity_id=other.id, probability=0.5, match_weights={})
    db.session.add(unseen)
    db.session.commit()

    report = recheck()
    db.session.commit()
    assert wrong.id in report.rejected and elsewhere.id in report.elsewhere and unseen.id in report.rejected
    assert db.session.get(MatchReview, unseen.id).status == ReviewStatus.REJECTED
    assert db.session.get(MatchReview, wrong.id).status == ReviewStatus.REJECTED
    assert db.session.get(SourceRecord, lone.id).entity_id == own.id  # stays on its own entity
    still = db.session.get(MatchReview, elsewhere.id)
    assert still.status == ReviewStatus.PENDING
    assert db.session.get(SourceRecord, still.source_record_id).entity_id != right


def test_a_review_suggesting_the_entity_another_review_waits_on_is_matched_against_it(imported, make) -> None:  # noqa: ANN001, E501
    """A later row of a business matched, between the thresholds, the entity made for its first row, whose own
    review still waits. Matched without that entity (left out as every waiting record's), the row finds none; the
    recheck matches it again with that entity put back for it alone (its own entity, of the very same identity,
    still left out) and confirms it there. The first row's review, whose record matches nothing now, is rejected
    and its record stays where it is."""
    from regulator.text import normalise_address

    samr = db.session.scalar(select(Agency).where(Agency.code == "SAMR"))
    unrelated = db.session.scalars(select(MarketEntity.id).where(MarketEntity.merged_into_id.is_(None))
                                   .order_by(MarketEntity.id)).first()
    name, street = "深圳市前海独一味私房菜馆有限公司", "深圳市南山区前海湾路8888号"
    address = Address(text=street, text_norm=normalise_address(street))
    db.session.add(address)
    db.session.flush()
    canonical = {"name": name, "address": street}

    def waiting(candidate: int) -> tuple[MarketEntity, SourceRecord, MatchReview]:
        entity = make.entity(name, uscc=None, address_id=address.id)
        record = make.source_record(samr, canonical=canonical, entity_id=entity.id)
        review = MatchReview(source_record_id=record.id, candidate_entity_id=candidate,
                             provisional_entity_id=entity.id, probability=0.5, match_weights={})
        db.session.add(review)
        db.session.flush()
        return entity, record, review

    first_entity, first_record, first = waiting(unrelated)
    own, later, chained = waiting(first_entity.id)
    db.session.commit()

    report = recheck()
    db.session.commit()
    assert chained.id in report.confirmed and first.id in report.rejected
    assert db.session.get(MatchReview, chained.id).status == ReviewStatus.CONFIRMED
    assert db.session.get(SourceRecord, later.id).entity_id == first_entity.id  # with the first row
    assert db.session.get(SourceRecord, first_record.id).entity_id == first_entity.id
    assert resolve(own.id).id == first_entity.id


def test_suggestions_put_back_never_put_back_a_records_own_entity() -> None:
    """Rows 0 and 1 of one business wait on entities 10 and 11; row 1 suggests 10, row 2 suggests 11, row 3
    suggests 10 too; row 0 suggests 12, which no waiting row sits on: 12 goes back in the first pass with the
    rows that suggest it, then 10 and 11 each in a pass of its own, never with the row that sits on it."""
    from regulator.linkage.recheck import _Pending, _suggestions_put_back

    sits = [10, 11, 13, 14]
    pending = [_Pending(n, 0, n, e, {}, None) for n, e in enumerate(sits)]
    suggested = {0: 12, 1: 10, 2: 11, 3: 10}
    passes = _suggestions_put_back(pending, {0, 1, 2, 3}, suggested)
    assert passes == [({12}, [0]), ({10}, [1, 3]), ({11}, [2])]
    for back, members in passes:
        assert all(pending[n].entity_id not in back and suggested[n] in back for n in members)


def test_recheck_of_one_agency_and_its_note_in_words(app, agencies, imported) -> None:  # noqa: ANN001
    by_agency = dict(db.session.execute(
        select(SourceRecord.agency_id, func.count(MatchReview.id)).join(
            SourceRecord, SourceRecord.id == MatchReview.source_record_id)
        .where(MatchReview.status == ReviewStatus.PENDING).group_by(SourceRecord.agency_id)).all())
    agency_id = max(by_agency, key=by_agency.get)
    report = recheck(agency_id=agency_id)
    assert report.checked == by_agency[agency_id] < sum(by_agency.values())
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert review_note("rechecked: match probability now 99%") == \
            "平台在后续数据导入后重新比对该记录时作出的决定：匹配概率 99%。"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert review_note("rechecked: match probability now 99%").endswith("match probability 99%.")


def test_flask_linkage_recheck(app, agencies, imported) -> None:  # noqa: ANN001
    pending = _pending()
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["linkage", "recheck", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert dry.output.startswith(f"would decide: {pending} pending reviews checked: ") and _pending() == pending
    unknown = runner.invoke(args=["linkage", "recheck", "--agency", "NOPE"])
    assert unknown.exit_code != 0 and "unknown agency 'NOPE'" in unknown.output
    done = runner.invoke(args=["linkage", "recheck"])
    assert done.exit_code == 0, done.output
    confirmed = int(done.output.split(" checked: ")[1].split(" confirmed")[0])
    assert confirmed > 0 and _pending() <= pending - confirmed


def test_a_review_decided_by_a_person_while_the_recheck_ran_is_left_as_decided(imported, monkeypatch) -> None:  # noqa: ANN001, E501
    """The index is read and the records matched before anything is decided (minutes at a million entities): a
    coordinator's decision committed meanwhile stands; the recheck does not decide that review again."""
    from regulator.ingest import resolve

    first = recheck(dry_run=True).confirmed[0]
    db.session.rollback()
    load = resolve.EntityIndex.load.__func__

    def load_while_a_coordinator_decides(cls):  # noqa: ANN001, ANN202
        index = load(cls)
        with db.engine.begin() as other:  # another session's request, committed
            other.execute(update(MatchReview).where(MatchReview.id == first).values(
                status=ReviewStatus.REJECTED, note="不是同一家"))
        return index

    monkeypatch.setattr(resolve.EntityIndex, "load", classmethod(load_while_a_coordinator_decides))
    report = recheck()
    db.session.commit()
    assert report.meanwhile == [first] and first not in report.confirmed
    db.session.expire_all()
    kept = db.session.get(MatchReview, first)
    assert kept.status == ReviewStatus.REJECTED and kept.note == "不是同一家"


def test_a_review_left_waiting_keeps_what_the_recheck_found_for_the_page_and_the_api(
        imported, make, client, auth) -> None:  # noqa: ANN001
    """A review the recheck leaves keeps what its record matches best now: the suggested entity at a new
    probability, or another entity; the review page says which (offering to merge the two when the record now
    links with certainty to the other), the queue marks it, the API returns it. A dry run keeps nothing."""
    make.user("admin-r", Role.ADMIN)
    db.session.commit()
    _dry, elsewhere, right = _suggest_elsewhere()
    suggested = elsewhere.candidate_entity_id
    db.session.commit()
    recheck(dry_run=True)
    db.session.rollback()
    assert not any(last_recheck(r) for r in db.session.scalars(select(MatchReview)))

    report = recheck()
    db.session.commit()
    assert elsewhere.id in report.elsewhere
    found = last_recheck(db.session.get(MatchReview, elsewhere.id))
    assert found is not None and found.entity_id == right and found.linked and found.probability >= 0.9
    today = local_day()  # the platform's day, as the recheck dates what it found
    assert found.on == today
    waiting = {r.id: last_recheck(r) for r in db.session.scalars(select(MatchReview).where(
        MatchReview.id.in_(report.waiting)))}
    assert any(waiting.values()) and not any(w.linked for w in waiting.values() if w)
    assert not any(last_recheck(r) for r in db.session.scalars(select(MatchReview).where(
        MatchReview.id.in_(report.confirmed + report.rejected))))  # decided: nothing to show

    auth.login("admin-r")
    page = client.get(f"/coordinator/reviews/{elsewhere.id}?lang=en").get_data(as_text=True)
    note = page.split('id="rechecked">')[1].split("</div>")[0]
    assert f"Matched again on {today.isoformat()} against what the platform knew by then: the record now " \
           f'matches entity <a href="/entities/{right}">#{right} ' in note
    assert f'href="/coordinator/entities/{suggested}/merge?other={right}"' in note
    zh = client.get(f"/coordinator/reviews/{elsewhere.id}?lang=zh_Hans_CN").get_data(as_text=True)
    assert "重新比对" in zh.split('id="rechecked">')[1].split("</div>")[0]
    queue = client.get("/coordinator/reviews?lang=en").get_data(as_text=True)
    row = queue.split(f'data-id="{elsewhere.id}"')[1].split("</tr>")[0]
    assert "matched again: another entity, " in row
    detail = client.get(f"/api/v1/match-reviews/{elsewhere.id}").get_json()
    assert detail["rechecked"] == {"on": today.isoformat(), "entity_id": right, "linked": True,
                                   "probability": found.probability, "probability_at_import": found.at_import}
    same = next(i for i, w in waiting.items() if w and w.entity_id == resolve(
        db.session.get(MatchReview, i).candidate_entity_id).id)
    page = client.get(f"/coordinator/reviews/{same}?lang=en").get_data(as_text=True)
    assert "for the suggested entity." in page.split('id="rechecked">')[1].split("</p>")[0]  # the same percent
    assert client.get(f"/api/v1/match-reviews/{same}").get_json()["rechecked"]["linked"] is False
    odd = db.session.get(MatchReview, same)
    odd.match_weights = {**odd.match_weights, "_rechecked": {  # a note written before the import's was kept
        k: v for k, v in odd.match_weights["_rechecked"].items() if k != "at_import"}}
    db.session.commit()
    page = client.get(f"/coordinator/reviews/{same}?lang=en").get_data(as_text=True)
    assert "for the suggested entity." in page.split('id="rechecked">')[1].split("</p>")[0]
    assert client.get(f"/api/v1/match-reviews/{same}").get_json()["rechecked"]["probability_at_import"] is None
    # a value no recheck wrote: read as nothing found, the page still shows
    for value in ({"on": "yesterday"}, {"on": "2026-12-07", "entity_id": 10**9, "probability": 0.5}, "text"):
        odd.match_weights = {**odd.match_weights, "_rechecked": value}
        db.session.commit()
        assert last_recheck(odd) is None
        assert client.get(f"/coordinator/reviews/{same}").status_code == 200
        assert client.get(f"/api/v1/match-reviews/{same}").get_json()["rechecked"] is None


def _weighed(weights: dict) -> float:
    """The match probability that a review's stored evidence adds up to (prior plus each comparison, log2 odds)."""
    total = sum(v["weight"] if isinstance(v, dict) else v for k, v in weights.items()
                if not k.startswith("_") and (k == "prior" or isinstance(v, dict)))
    return 2 ** total / (1 + 2 ** total)


def test_a_review_still_matching_its_suggestion_takes_the_rechecks_probability_and_evidence(
        imported, make, client, auth) -> None:  # noqa: ANN001
    """Where the recheck's best is still the suggested entity, the review's probability and evidence become the
    recheck's (the note keeps the import's): the queue orders by them, the page says so, a confirm stores them on
    the record, and a second recheck keeps the probability at import of the first."""
    make.user("admin-n", Role.ADMIN)
    db.session.commit()
    pending = db.session.scalars(select(MatchReview).where(MatchReview.status == ReviewStatus.PENDING)).all()
    assert all(abs(_weighed(r.match_weights) - r.probability) < 0.01 for r in pending)  # evidence adds up to it
    dry = recheck(dry_run=True)
    waiting = set(dry.waiting)
    db.session.rollback()
    for review in pending:  # as if imported when the candidate was known less well (this world's later files
        if review.id in waiting:  # changed no waiting review's probability by a whole percent)
            review.probability = 0.4375
            review.match_weights = {"prior": -3.0, "name": {"level": "similar", "weight": 2.19}}
    db.session.commit()
    before = {r.id: (r.probability, dict(r.match_weights)) for r in pending}

    again = recheck(dry_run=True)  # the import's probabilities (as if) kept: a dry run says which would move
    db.session.rollback()
    assert again.reprobed and not dry.reprobed
    report = recheck()
    db.session.commit()
    assert report.reprobed == again.reprobed
    same = {}
    for review_id in report.waiting:
        review = db.session.get(MatchReview, review_id)
        found = last_recheck(review)
        if found is not None and found.entity_id == resolve(review.candidate_entity_id).id:
            same[review_id] = (review, found)
    changed = [i for i, (r, _f) in same.items() if round(r.probability, 2) != round(before[i][0], 2)]
    assert same and changed and sorted(report.reprobed) == sorted(changed)
    assert f"still waiting ({len(changed)} at a new probability)" in report.summary()
    for review_id, (review, found) in same.items():
        assert review.probability == found.probability and found.at_import == before[review_id][0]
        assert abs(_weighed(review.match_weights) - review.probability) < 0.01
    assert all(db.session.get(MatchReview, i).match_weights != before[i][1] for i in changed)

    auth.login("admin-n")
    queue = client.get("/coordinator/reviews?lang=en").get_data(as_text=True)
    shown = [int(part.split('"')[0]) for part in queue.split('<tr data-id="')[1:]]
    rows = db.session.scalars(select(MatchReview).where(MatchReview.status == ReviewStatus.PENDING)).all()
    assert shown == [r.id for r in sorted(rows, key=lambda r: (-r.probability, r.id))][:len(shown)]
    moved = next(i for i in shown if i in changed)
    row = queue.split(f'data-id="{moved}"')[1].split("</tr>")[0]
    assert f"matched again; at import: {round(before[moved][0] * 100)}%" in row
    page = client.get(f"/coordinator/reviews/{moved}?lang=en").get_data(as_text=True)
    note = page.split('id="rechecked">')[1].split("</p>")[0]
    assert "the match probability and the evidence on this page are of that match " \
           f"({round(before[moved][0] * 100)}% when the record was imported)." in note
    assert f'id="review-probability">{round(same[moved][0].probability * 100)}%' in page
    assert client.get(f"/api/v1/match-reviews/{moved}").get_json()["probability"] == same[moved][0].probability

    again = recheck()
    db.session.commit()
    kept = last_recheck(db.session.get(MatchReview, moved))
    assert moved in again.waiting and kept.at_import == before[moved][0]
    from regulator.linkage.review import confirm

    confirm(moved)
    db.session.commit()
    record = db.session.get(SourceRecord, db.session.get(MatchReview, moved).source_record_id)
    assert record.link_probability == db.session.get(MatchReview, moved).probability != before[moved][0]
