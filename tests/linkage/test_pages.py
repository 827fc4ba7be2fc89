"""Coordinator pages of entity resolution: the queue, a review side by side, merge, split, history and undo."""

from __future__ import annotations

from sqlalchemy import select

from models import (
    Address,
    AddressKind,
    EntityAddress,
    EntityEvent,
    EntityName,
    MarketEntity,
    MatchReview,
    Role,
    SourceRecord,
)
from models.enums import ReviewStatus
from regulator.extensions import db
from regulator.services import name_index

WEIGHTS = {"prior": -13.0, "name": {"level": "Same name", "weight": 9.5},
           "place": {"level": "Different place", "weight": -1.5},
           "phone": {"level": "phone_norm is NULL", "weight": 0.0},
           "terminal": {"level": "terminal is NULL", "weight": 0.0}}


def _world(make):  # noqa: ANN001, ANN202
    samr, mee = make.agency("SAMR"), make.agency("MEE", domain="environment")
    make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    make.user("coord-mee", Role.COORDINATOR, agency_id=mee.id)
    candidate = make.entity("深圳市华盛达贸易有限公司")
    provisional = make.entity("华盛达商行", uscc=None)
    inspection = make.inspection(provisional, samr)
    source = db.session.get(SourceRecord, inspection.source_record_id)
    source.canonical = {"name": "华盛达商行", "district": "福田区", "legal_rep": "张三明", "phone": "13812345678"}
    review = MatchReview(source_record_id=source.id, candidate_entity_id=candidate.id,
                         provisional_entity_id=provisional.id, probability=0.82, match_weights=WEIGHTS)
    db.session.add(review)
    db.session.commit()
    return {"candidate": candidate.id, "provisional": provisional.id, "review": review.id, "source": source.id}


def test_queue_and_review_show_both_records_and_the_evidence_in_words(client, auth, make) -> None:  # noqa: ANN001
    """The coordinator finds the review in the queue, sees both sides and why, and confirms it."""
    world = _world(make)
    auth.login("coord")
    home = client.get("/coordinator/").get_data(as_text=True)
    assert "Suggested matches to review: 1" in home
    for queue in ("reviews", "objections", "repairs", "referrals"):  # each count leads to its queue
        assert f'href="/coordinator/{queue}"' in home, queue
    queue = client.get("/coordinator/reviews?band=high").get_data(as_text=True)
    assert f'data-id="{world["review"]}"' in queue and "82%" in queue
    assert f'data-id="{world["review"]}"' not in client.get("/coordinator/reviews?band=low").get_data(as_text=True)
    page = client.get(f"/coordinator/reviews/{world['review']}").get_data(as_text=True)
    assert "华盛达商行" in page and "深圳市华盛达贸易有限公司" in page
    assert ("Company name: the same name (variant wordings of the legal form, brackets and punctuation aside) "
            "makes a match 724 times more likely.") in page
    assert "Address and location: different places makes a match 2.8 times less likely." in page
    assert "Phone: not given on one of the two records, which tells nothing either way." in page
    assert "Airport terminal" not in page and "is NULL" not in page  # listed only where both records give one
    now_on = page.split('id="now-on">')[1].split("</p>")[0]
    assert now_on.startswith("Meanwhile the record is on entity <a") and f"#{world['provisional']} " in now_on
    zh = client.get(f"/coordinator/reviews/{world['review']}", headers={"Accept-Language": "zh-CN"})
    assert "电话：其中一条记录没有该项，对判断没有影响。" in zh.get_data(as_text=True)
    assert "该记录目前挂在主体 <a" in zh.get_data(as_text=True) and "</a>。" in zh.get_data(as_text=True)
    response = client.post(f"/coordinator/reviews/{world['review']}", data={"decision": "confirm", "note": "同一家"})
    assert response.status_code == 302
    assert db.session.get(MatchReview, world["review"]).status == ReviewStatus.CONFIRMED
    assert db.session.get(SourceRecord, world["source"]).entity_id == world["candidate"]
    decided = client.get(f"/coordinator/reviews/{world['review']}").get_data(as_text=True)
    assert "同一家" in decided
    # the record's entity after the decision, not the provisional one it waited on (merged away since)
    now_on = decided.split('id="now-on">')[1].split("</p>")[0]
    assert now_on.startswith("The record is now on entity <a") and f"#{world['candidate']} " in now_on


def test_an_ambiguous_match_names_the_other_entity_and_offers_the_merge(client, auth, make) -> None:  # noqa: ANN001
    """A strong match sent to review because another entity matched as well says which, and why it matters."""
    world = _world(make)
    twin = make.entity("华盛达贸易有限公司", uscc=None)
    review = db.session.get(MatchReview, world["review"])
    review.probability = 0.9999
    review.match_weights = {**WEIGHTS, "_runner_up": {"entity_id": twin.id, "weight": 9.4, "best_weight": 9.5}}
    db.session.commit()
    auth.login("coord")
    queue = client.get("/coordinator/reviews?lang=en").get_data(as_text=True)
    assert queue.count('class="small text-body-secondary runner-up">another entity matches as well</div>') == 1
    page = client.get(f"/coordinator/reviews/{world['review']}?lang=en").get_data(as_text=True)
    note = page.split('id="runner-up"')[1].split("</div>")[0]
    assert "another entity matches this record almost as well (match weight 9.4 against 9.5" in note
    assert f'href="/entities/{twin.id}">#{twin.id} 华盛达贸易有限公司</a>' in note
    assert f'href="/coordinator/entities/{world["candidate"]}/merge?other={twin.id}"' in note
    assert "_runner_up" not in page and page.count("match weight") == 4  # the note, and three comparisons (no terminal)
    zh = client.get(f"/coordinator/reviews/{world['review']}?lang=zh_Hans_CN").get_data(as_text=True)
    assert "另一主体与该记录的匹配程度几乎相同" in zh
    # the other entity is the suggested one itself (or was merged into it since): nothing to say
    review.match_weights = {**WEIGHTS, "_runner_up": {"entity_id": world["candidate"], "weight": 9.4,
                                                      "best_weight": 9.5}}
    db.session.commit()
    assert 'id="runner-up"' not in client.get(f"/coordinator/reviews/{world['review']}").get_data(as_text=True)
    # once decided, the offer to merge is no longer made
    review.match_weights = {**WEIGHTS, "_runner_up": {"entity_id": twin.id, "weight": 9.4, "best_weight": 9.5}}
    review.decide(ReviewStatus.REJECTED, None, None)
    db.session.commit()
    assert 'id="runner-up"' not in client.get(f"/coordinator/reviews/{world['review']}").get_data(as_text=True)


def test_the_suggested_entity_shows_its_other_premises_and_names(client, auth, make) -> None:  # noqa: ANN001
    """The record may have matched a shop of the entity, not its registered address: both are shown."""
    world = _world(make)
    candidate = db.session.get(MarketEntity, world["candidate"])
    home = make._add(Address(text="深圳市福田区福华路1号", text_norm="深圳市福田区福华路1号"))
    candidate.address_id = home.id
    for text in ("福田区福华路1号", "深圳市南山区桃园路113号119号铺", "南山区桃园路113号119号铺"):
        address = make._add(Address(text=text, text_norm=text))
        make._add(EntityAddress(entity_id=candidate.id, address_id=address.id, kind=AddressKind.OPERATING))
    make._add(EntityName(entity_id=candidate.id, name=candidate.name, name_norm=candidate.name, kind="registered"))
    make._add(EntityName(entity_id=candidate.id, name="华盛达商行", name_norm="华盛达商行", kind="variant"))
    source = db.session.get(SourceRecord, world["source"])
    source.canonical = {**source.canonical, "address": "深圳市南山区桃园路113号119号铺"}
    db.session.commit()
    auth.login("coord")
    page = client.get(f"/coordinator/reviews/{world['review']}?lang=en").get_data(as_text=True)
    other = page.split('id="other-addresses"')[1].split("</tr>")[0]
    assert '<div class="bg-success-subtle">深圳市南山区桃园路113号119号铺</div>' in other  # the one the record gives
    assert "福华路" not in other and other.count("<div") == 1  # spellings of one place, once
    names = page.split("<th>Other names</th>")[1].split("</tr>")[0]
    assert "华盛达商行" in names and "深圳市华盛达贸易有限公司" not in names


def test_review_page_in_chinese(client, auth, make) -> None:  # noqa: ANN001
    """The evidence reads in Chinese for a Chinese browser."""
    world = _world(make)
    auth.login("coord")
    page = client.get(f"/coordinator/reviews/{world['review']}", headers={"Accept-Language": "zh-CN"})
    text = page.get_data(as_text=True)
    assert "企业名称" in text and "名称相同" in text


def test_other_agency_coordinator_cannot_see_or_decide(client, auth, make) -> None:  # noqa: ANN001
    """A coordinator of another agency gets 404 for the review and finds nothing in the queue."""
    world = _world(make)
    auth.login("coord-mee")
    assert "Suggested matches to review: 0" in client.get("/coordinator/").get_data(as_text=True)
    assert client.get(f"/coordinator/reviews/{world['review']}").status_code == 404
    assert client.post(f"/coordinator/reviews/{world['review']}", data={"decision": "reject"}).status_code == 404
    assert f'data-id="{world["review"]}"' not in client.get("/coordinator/reviews").get_data(as_text=True)
    assert db.session.get(MatchReview, world["review"]).status == ReviewStatus.PENDING


def test_merge_split_history_and_undo_pages(client, auth, make) -> None:  # noqa: ANN001
    """Merge from the page, see it in the history, undo it; split a record off to a new entity."""
    world = _world(make)
    samr = make.agency("SAMR")
    keep, dup = world["candidate"], world["provisional"]
    db.session.commit()
    auth.login("coord")
    preview = client.get(f"/coordinator/entities/{keep}/merge?other={dup}").get_data(as_text=True)
    assert "华盛达商行" in preview
    make.entity("深圳市华盛达物流有限公司")
    name_index.reindex()
    db.session.commit()
    found = client.get(f"/coordinator/entities/{keep}/merge?q=华盛达商行").get_data(as_text=True)
    assert f'name="other" required type="number" value="{dup}"' in found  # one other entity by that name: taken
    choices = client.get(f"/coordinator/entities/{keep}/merge?q=华盛达").get_data(as_text=True)
    assert f"other={dup}" in choices and "深圳市华盛达物流有限公司" in choices and f"other={keep}" not in choices
    assert "No other entity matches" in client.get(f"/coordinator/entities/{keep}/merge?q=无此企业").get_data(
        as_text=True)
    response = client.post(f"/coordinator/entities/{keep}/merge",
                           data={"other": dup, "direction": "into_this", "reason": "同一企业"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/entities/{keep}/history")
    assert db.session.get(MarketEntity, dup).merged_into_id == keep
    history = client.get(f"/coordinator/entities/{keep}/history?lang=en").get_data(as_text=True)
    event = db.session.scalars(select(EntityEvent)).one()
    assert f'data-id="{event.id}"' in history and "同一企业" in history
    # the record waiting on the merged entity for this one: its review answered by the merge
    assert "1 match review waiting on these entities was confirmed by the merge." in history
    assert db.session.get(MatchReview, world["review"]).status == ReviewStatus.CONFIRMED
    settled = f"Settled by the merge of entity {dup} into entity {keep}."
    assert settled in client.get(f"/coordinator/reviews/{world['review']}").get_data(as_text=True)
    zh = client.get(f"/coordinator/reviews/{world['review']}?lang=zh_Hans_CN").get_data(as_text=True)
    assert f"因主体 {dup} 并入主体 {keep} 而确认。" in zh
    client.get("/?lang=en")
    refused = client.post(f"/coordinator/entities/{keep}/merge",
                          data={"other": keep, "direction": "into_this", "reason": "x"})
    assert "into itself" in refused.get_data(as_text=True)
    assert client.post(f"/coordinator/events/{event.id}/undo", data={"reason": "误合并"}).status_code == 302
    assert db.session.get(MarketEntity, dup).merged_into_id is None
    assert "undone" in client.get(f"/coordinator/entities/{keep}/history").get_data(as_text=True)
    assert db.session.get(MatchReview, world["review"]).status == ReviewStatus.PENDING  # open again
    make.inspection(db.session.get(MarketEntity, keep), samr)
    extra = make.inspection(db.session.get(MarketEntity, keep), samr)
    db.session.commit()
    only = client.post(f"/coordinator/entities/{dup}/split", data={"records": [], "reason": "x"})
    assert "at least one" in only.get_data(as_text=True)
    entities = db.session.query(MarketEntity).count()
    odd = client.post(f"/coordinator/entities/{dup}/split", data={"records": ["²", str(2**63)], "reason": "x"})
    assert odd.status_code == 200 and db.session.query(MarketEntity).count() == entities
    split_page = client.get(f"/coordinator/entities/{keep}/split").get_data(as_text=True)
    assert f'value="{extra.source_record_id}"' in split_page
    response = client.post(f"/coordinator/entities/{keep}/split",
                           data={"records": [str(extra.source_record_id)], "name": "华盛达餐饮", "reason": "另一家"})
    assert response.status_code == 302
    moved = db.session.get(SourceRecord, extra.source_record_id)
    assert db.session.get(MarketEntity, moved.entity_id).name == "华盛达餐饮"


def test_profile_panel_links_to_entity_resolution(client, auth, make) -> None:  # noqa: ANN001
    """Coordinators see merge, split and history links on the internal profile, with pending reviews."""
    world = _world(make)
    auth.login("coord")
    page = client.get(f"/entities/{world['candidate']}").get_data(as_text=True)
    assert f"/coordinator/entities/{world['candidate']}/merge" in page
    assert "1 match review pending" in page


def test_every_level_of_the_company_model_has_words(app) -> None:  # noqa: ANN001
    """Each comparison level of the trained company model reads as words on the review page, in both languages
    (a level added to the profile without words would show Splink's English label)."""
    from regulator.coordinator.match_words import COMPARISONS, LEVELS, NULL_LEVEL
    from regulator.linkage.model import load_model

    comparisons = load_model("company").splink["comparisons"]
    labels = [(c["output_column_name"], level["label_for_charts"]) for c in comparisons
              for level in c["comparison_levels"]]
    assert len(labels) > 30
    assert [name for name in {n for n, _ in labels} if name not in COMPARISONS] == []
    assert [label for _, label in labels if label not in LEVELS and not NULL_LEVEL.match(label)] == []
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert str(LEVELS["Place unknown"]) == "其中一方没有地址或位置"


def test_notes_the_platform_writes_read_in_the_readers_language(app) -> None:  # noqa: ANN001
    from regulator.coordinator.match_words import review_note

    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert review_note("match review 12 confirmed instead") == "已改为确认匹配审核 12。"
        assert review_note("settled by the merge of entity 5 into entity 3") == "因主体 5 并入主体 3 而确认。"
        assert review_note("同一家，电话相同") == "同一家，电话相同" and review_note(None) is None


def test_evidence_factors_read_as_numbers_and_terminals_show_where_given(app) -> None:  # noqa: ANN001
    """Large factors are whole and grouped (the page said '19756.0 times'), small ones keep a decimal; the airport
    terminal comparison is listed where both records name a terminal, not on every review."""
    from regulator.coordinator.match_words import in_words

    weights = {"prior": -13.0, "name": {"level": "Same name", "weight": 14.27},
               "phone": {"level": "Exact match on phone_norm", "weight": 1.3},
               "terminal": {"level": "Exact match on terminal", "weight": 2.0}}
    with app.test_request_context(headers={"Accept-Language": "en"}):
        sentences = [w["sentence"] for w in in_words(weights)]
    assert any("makes a match 19,756 times more likely" in s for s in sentences), sentences
    assert "Phone: the same phone number makes a match 2.5 times more likely." in sentences
    assert "Airport terminal: the same terminal makes a match 4.0 times more likely." in sentences
