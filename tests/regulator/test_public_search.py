"""Public search: name variants, typos, former names and USCC through the bigram index; the public API."""

from __future__ import annotations

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select, update

from models import EntityName, EntityNameGram, EntityStatus, MarketEntity, NameKind
from regulator.extensions import db
from regulator.public.search import search_entities
from regulator.services import name_index
from regulator.signals import notify_records_changed
from regulator.text import name_core, normalise_name

NAMES = ["深圳市华盛达贸易有限公司", "深圳市宏达贸易有限公司", "腾讯科技（深圳）有限公司", "深圳市南山区益立贸易商行",
         "Shenzhen Bright Star Trading Co., Ltd."]


def _world(make):  # noqa: ANN001, ANN202
    entities = {name: make.entity(name) for name in NAMES}
    for i in range(40):
        make.entity(f"深圳市填充{i}号贸易有限公司")
    renamed = entities["深圳市宏达贸易有限公司"]
    former = "深圳市老宏达五金厂"
    db.session.add(EntityName(entity_id=renamed.id, name=former, name_norm=normalise_name(former),
                              kind=NameKind.FORMER))
    name_index.reindex()
    return entities


def _names(query: str) -> list[str]:
    return [hit.entity.name for hit in search_entities(query).items]


def test_variants_typos_and_former_names(app, make) -> None:  # noqa: ANN001
    """Width, region, legal-form variants and a one-character typo find the entity first; a former name too."""
    entities = _world(make)
    assert _names("华盛达贸易有限责任公司")[0] == "深圳市华盛达贸易有限公司"
    assert _names("华胜达贸易")[0] == "深圳市华盛达贸易有限公司"
    assert _names("腾讯科技(深圳)有限公司")[0] == "腾讯科技（深圳）有限公司"
    assert _names("益立贸易")[0] == "深圳市南山区益立贸易商行"
    assert _names("bright star trading co ltd")[0] == "Shenzhen Bright Star Trading Co., Ltd."
    hit = search_entities("老宏达五金厂").items[0]
    assert hit.entity.id == entities["深圳市宏达贸易有限公司"].id and hit.matched_name == "深圳市老宏达五金厂"
    assert _names("完全无关的名字") == []


def test_uscc_exact_and_prefix(app, make) -> None:  # noqa: ANN001
    """A full code finds its entity (typed in lower case with spaces); a prefix finds those that start with it."""
    entities = _world(make)
    code = entities["深圳市华盛达贸易有限公司"].uscc
    assert _names(" ".join([code[:6].lower(), code[6:]])) == ["深圳市华盛达贸易有限公司"]
    assert len(search_entities(code[:8]).items) == 20 and search_entities(code[:8]).total == 45


def test_new_entities_become_findable_through_records_changed(app, make) -> None:  # noqa: ANN001
    """An entity announced by records_changed is indexed in the same transaction."""
    _world(make)
    fresh = make.entity("深圳市新面孔餐饮管理有限公司")
    indexed = lambda: db.session.query(EntityNameGram).filter_by(entity_id=fresh.id).count()  # noqa: E731
    assert indexed() == 0
    notify_records_changed("ingest", [fresh.id])
    assert indexed() == len(name_index.grams_of(fresh.name)) > 0
    assert _names("新面孔餐厅")[0] == "深圳市新面孔餐饮管理有限公司"


def test_merged_entities_are_not_found(app, make) -> None:  # noqa: ANN001
    """A merged-away entity drops out of the results."""
    entities = _world(make)
    gone = entities["深圳市华盛达贸易有限公司"]
    gone.merged_into_id = entities["深圳市宏达贸易有限公司"].id
    db.session.flush()
    assert "深圳市华盛达贸易有限公司" not in _names("华盛达贸易")


def test_search_page_and_api(app, make, client) -> None:  # noqa: ANN001
    """The page lists the hit with its matched former name; the API returns JSON; no query: 422 naming q."""
    _world(make)
    db.session.commit()
    page = client.get("/search?q=老宏达五金厂").get_data(as_text=True)
    assert "深圳市宏达贸易有限公司" in page and "matched-name" in page
    body = client.get("/api/v1/public/entities?q=华盛达").get_json()
    assert body["items"][0]["name"] == "深圳市华盛达贸易有限公司" and "credit_class" not in body["items"][0]
    missing = client.get("/api/v1/public/entities")
    assert missing.status_code == 422 and "q" in missing.json["errors"]
    assert db.session.query(MarketEntity).count() == 45


def test_gram_counts_are_remembered_until_this_process_writes(app, make) -> None:  # noqa: ANN001
    """Counting a gram's postings is done once per process; records_changed makes it count afresh."""
    _world(make)
    assert _names("华盛达")[0] == "深圳市华盛达贸易有限公司"
    counts = app.extensions["search_stats"]["counts"]
    assert counts["华盛"] == 1 and counts["盛达"] == 1
    twin = make.entity("深圳市华盛达五金有限公司")
    notify_records_changed("ingest", [twin.id])
    assert set(_names("华盛达")[:2]) == {"深圳市华盛达贸易有限公司", "深圳市华盛达五金有限公司"}
    assert app.extensions["search_stats"]["counts"]["华盛"] == 2


def test_full_reindex_writes_every_gram_and_keeps_the_index_and_foreign_key(app, make) -> None:  # noqa: ANN001
    """A full rebuild gives each name's grams: into an empty table (COPY on PostgreSQL, index and foreign
    key rebuilt after it) and over a live index (COPY, both kept)."""
    entities = _world(make)
    wanted = {(gram, e.id) for e in db.session.query(MarketEntity) for gram in name_index.grams_of(e.name)}
    wanted |= {(gram, n.entity_id) for n in db.session.query(EntityName) for gram in name_index.grams_of(n.name)}
    db.session.query(EntityNameGram).delete()
    for _build in ("first", "over a live index"):
        assert name_index.reindex() == len(wanted)
        assert {(g.gram, g.entity_id) for g in db.session.query(EntityNameGram)} == wanted
    if db.engine.dialect.name == "postgresql":
        inspector = sa_inspect(db.session.connection())
        assert [ix["name"] for ix in inspector.get_indexes("entity_name_gram")] == ["ix_entity_name_gram_entity_id"]
        assert [fk["referred_table"] for fk in inspector.get_foreign_keys("entity_name_gram")] == ["market_entity"]
    assert _names("华盛达")[0] == entities["深圳市华盛达贸易有限公司"].name


def test_among_equal_cores_the_whole_name_typed_comes_first(app, make) -> None:  # noqa: ANN001
    """The same shop name in several districts: the exact name first, then the one in the district typed,
    ahead of shorter names with the same core."""
    for name in ("陈记水果店", "深圳市福田区陈记水果店", "深圳市龙岗区陈记水果店",
                 "深圳市罗湖区陈记水果店（个体工商户）"):
        make.entity(name)
    name_index.reindex()
    assert _names("龙岗区陈记水果店")[0] == "深圳市龙岗区陈记水果店"
    assert _names("深圳市福田区陈记水果店")[0] == "深圳市福田区陈记水果店"
    assert _names("罗湖区陈记水果店(个体工商户)")[0] == "深圳市罗湖区陈记水果店（个体工商户）"
    assert _names("陈记水果店")[0] == "陈记水果店"


def test_grams_with_more_postings_than_the_cap_are_skipped_while_rarer_remain(app, make, monkeypatch) -> None:  # noqa: ANN001
    """Whatever the registry's size, a gram shared by more names than MAX_COMMON_POSTINGS is not read when
    the query has rarer grams: the 40 fillers share only 贸易 with the query and are no candidates."""
    from regulator.public import search

    entities = _world(make)
    fillers = {e.id for e in db.session.query(MarketEntity).filter(MarketEntity.name.like("%填充%"))}
    grams = name_index.grams_of("华盛达贸易")
    assert fillers & {row[0] for row in search._candidate_names(grams)}  # under the 2 % rule, 贸易 is read
    app.extensions.pop("search_stats")
    monkeypatch.setattr(search, "MAX_COMMON_POSTINGS", 10)
    candidates = {row[0] for row in search._candidate_names(grams)}
    assert entities["深圳市华盛达贸易有限公司"].id in candidates and not candidates & fillers
    assert _names("华盛达贸易")[0] == "深圳市华盛达贸易有限公司"
    assert _names("填充")  # a query with nothing rarer still reads its common grams


def _cores() -> dict[tuple[str, int], tuple[str, str | None]]:
    """Every name row's (name, stored core), by table and row id."""
    rows = {("market_entity", i): (name, core) for i, name, core in db.session.execute(
        select(MarketEntity.id, MarketEntity.name, MarketEntity.name_core))}
    rows.update({("entity_name", i): (name, core) for i, name, core in db.session.execute(
        select(EntityName.id, EntityName.name, EntityName.name_core))})
    return rows


def test_the_name_index_stores_each_names_core_and_search_ranks_by_it(app, make, monkeypatch) -> None:  # noqa: ANN001
    """A reindex writes every name's core (on PostgreSQL in bulk above COPY_CORES) and no other column; search
    ranks candidates by the stored core, and parses a name only while it has none."""
    monkeypatch.setattr(name_index, "COPY_CORES", 3)
    entities = {name: make.entity(name) for name in NAMES}
    db.session.add(EntityName(entity_id=entities["深圳市宏达贸易有限公司"].id, name="深圳市老宏达五金厂",
                              name_norm=normalise_name("深圳市老宏达五金厂"), kind=NameKind.FORMER))
    db.session.flush()
    assert {core for _name, core in _cores().values()} == {None}
    updated = dict(db.session.execute(select(MarketEntity.id, MarketEntity.updated_at)).all())
    name_index.reindex()
    db.session.expire_all()
    assert all(core == name_core(name) and core for name, core in _cores().values())
    assert _cores()[("entity_name", db.session.scalar(select(EntityName.id).where(
        EntityName.name == "深圳市老宏达五金厂")))][1] == "老宏达五金厂"
    assert dict(db.session.execute(select(MarketEntity.id, MarketEntity.updated_at)).all()) == updated

    target = entities["深圳市华盛达贸易有限公司"].id
    set_core = lambda core: db.session.execute(  # noqa: E731
        update(MarketEntity).where(MarketEntity.id == target).values(name_core=core))
    set_core("无关")
    assert "深圳市华盛达贸易有限公司" not in _names("华盛达贸易")  # still a candidate, but ranked by its stored core
    set_core(None)
    assert _names("华盛达贸易")[0] == "深圳市华盛达贸易有限公司"  # no stored core: the name is parsed
    set_core("无关")
    notify_records_changed("ingest", [target])  # an incremental reindex mends a stale core
    assert db.session.scalar(select(MarketEntity.name_core).where(MarketEntity.id == target)) == "华盛达贸易"


def test_names_are_scanned_only_when_the_grams_offer_no_candidate(app, make) -> None:  # noqa: ANN001
    """A one-character query is answered by a scan of the names; a query whose grams offer candidates, none
    of them similar enough, returns nothing without scanning every name."""
    from sqlalchemy import event

    _world(make)
    scans = []

    def count(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        if "LIKE" in statement.upper():
            scans.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert _names("华")[0] == "深圳市华盛达贸易有限公司" and len(scans) == 1
        assert name_index.grams_of("华盛某某某某某某") & name_index.grams_of("深圳市华盛达贸易有限公司")
        assert _names("华盛某某某某某某") == [] and len(scans) == 1
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_similarities_score_every_core_as_one_ratio_each_would() -> None:
    """The batched scores equal one ``fuzz.ratio`` per core to the last bit (a single-precision batch would not),
    with the exact core at 1, an empty core at 0 and a query inside a longer core at least 0.75."""
    from rapidfuzz import fuzz

    from regulator.public.search import _similarities

    query = "华盛达餐饮"
    cores = ["华盛达餐饮", "", "华胜达餐饮", "北京华盛达餐饮管理", "完全不同的名字", "华盛达", "Golden Dragon 餐饮"]
    scores = _similarities(query, cores)
    assert scores[0] == 1.0
    assert scores[1] == 0.0
    assert scores[2] == fuzz.ratio(query, cores[2]) / 100
    assert scores[3] == max(fuzz.ratio(query, cores[3]) / 100, 0.75 + 0.2 * len(query) / len(cores[3]))
    assert scores[3] > scores[2] > scores[4]
    for core, score in zip(cores[4:], scores[4:], strict=True):
        assert score == fuzz.ratio(query, core) / 100
    assert _similarities(query, []) == []
    assert _similarities("华", ["华盛达"]) == [fuzz.ratio("华", "华盛达") / 100]  # one character earns no part bonus


def test_a_place_alone_finds_nothing_and_says_why(app, make, client) -> None:  # noqa: ANN001
    """深圳市 is what every name here loses when normalised: searched alone it finds no core, and the page
    says to add the business's own name instead of only "no entity matches"; a place that is part of a
    name, or a name, gets no such note."""
    from regulator.text import names_only_a_place

    _world(make)
    db.session.commit()
    for place in ("深圳", "深圳市", "广东省深圳市", "深圳市南山区", "南山区", " 深圳 市 "):
        assert names_only_a_place(place), place
        result = search_entities(place)
        assert result.total == 0 and result.place_only, place
    for name in ("华盛达", "深圳市华盛达", "贸易", "Shenzhen", "超市", "深圳市南山区益立贸易商行", ""):
        assert not names_only_a_place(name), name
    assert not search_entities("深圳市华盛达").place_only
    client.get("/auth/lang/zh_Hans_CN")
    page = client.get("/search?q=深圳市").get_data(as_text=True)
    assert 'id="place-only"' in page and "“深圳市”只是地名" in page
    assert 'id="place-only"' not in client.get("/search?q=华盛达").get_data(as_text=True)


def test_counts_agree_with_their_number(app, make, client) -> None:  # noqa: ANN001
    """One result, two results; Chinese has one form for both."""
    first = make.entity("深圳市独家酒楼有限公司")
    make.entity("深圳市华丰五金有限公司")
    make.entity("华丰五金（深圳）有限公司")
    twice = make.entity("深圳市华丰五金有限公司", uscc=None)  # the same business, merged: not counted again
    twice.merged_into_id, twice.status = first.id + 1, EntityStatus.MERGED
    name_index.reindex()
    db.session.commit()
    client.get("/auth/lang/en")
    assert "1 result<" in client.get("/search?q=独家酒楼").get_data(as_text=True)
    two = client.get("/search?q=华丰五金").get_data(as_text=True)
    assert "2 results<" in two, two.split('<p class="text-muted">', 1)[1][:80]
    assert "3 market entities on record." in client.get("/").get_data(as_text=True)
    client.get("/auth/lang/zh_Hans_CN")
    assert "共 1 条结果" in client.get("/search?q=独家酒楼").get_data(as_text=True)


def test_robots_txt_keeps_crawlers_to_the_public_pages(app, client) -> None:  # noqa: ANN001
    """/robots.txt answered 404: crawlers were told nothing and walked the sign-in, staff areas, API and endless
    search URLs; it now rules those out and leaves profiles and campaigns open."""
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    rules = response.get_data(as_text=True).splitlines()
    assert rules[0] == "User-agent: *"
    disallowed = [line.split(": ", 1)[1] for line in rules if line.startswith("Disallow: ")]
    for path in ("/auth/", "/admin/", "/coordinator/", "/inspector/", "/enterprise/", "/entities/", "/api/",
                 "/search"):
        assert path in disallowed
    assert not any(p.startswith(("/entity/", "/campaigns")) or p == "/" for p in disallowed)
