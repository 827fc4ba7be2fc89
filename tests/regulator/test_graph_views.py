"""The relationship view's JSON (with masking), the profile panel, and the coordinator's risk clusters."""

from __future__ import annotations

import re
from datetime import date

from models import (
    Address,
    AddressKind,
    Campaign,
    CampaignSelection,
    CampaignStatus,
    CreditClass,
    EntityAddress,
    EntityRole,
    Person,
    PersonRole,
    Role,
    SelectionReason,
)
from regulator.extensions import db
from regulator.graph import service

from .graph_world import add, related_world


def _login(client, make, username: str, role: Role, **kw) -> None:  # noqa: ANN001, ANN003
    make.user(username, role, **kw)
    db.session.commit()
    assert client.post("/auth/login", data={"username": username, "password": "test-password-123"}).status_code == 302


def _labels(data: dict) -> dict[str, str]:
    return {n["data"]["id"]: n["data"]["label"] for n in data["nodes"]}


def test_graph_json_two_hops_for_a_coordinator(app, client, make) -> None:  # noqa: ANN001
    """Around e4: its shareholder 李四 and investee e5 (hop 1), e3 and e5's phone (hop 2), all in clear."""
    w = related_world(make)
    _login(client, make, "coord", Role.COORDINATOR, agency_id=make.agency().id)
    data = client.get(f"/entities/{w['e4'].id}/graph.json").get_json()
    labels = _labels(data)
    hops = {n["data"]["id"]: n["data"]["hop"] for n in data["nodes"]}
    assert hops[f"entity:{w['e4'].id}"] == 0
    assert hops[f"person:{w['li'].id}"] == 1 and hops[f"entity:{w['e5'].id}"] == 1
    assert hops[f"entity:{w['e3'].id}"] == 2 and hops[f"phone:{w['phone'].id}"] == 2
    assert labels[f"person:{w['li'].id}"] == "李四" and labels[f"phone:{w['phone'].id}"] == "13812345678"
    relations = {(e["data"]["source"], e["data"]["target"], e["data"]["relation"]) for e in data["edges"]}
    assert (f"entity:{w['e4'].id}", f"entity:{w['e5'].id}", "investment") in relations
    assert any(e["data"]["label"].startswith("Shareholder") for e in data["edges"])
    e3 = next(n["data"] for n in data["nodes"] if n["data"]["id"] == f"entity:{w['e3'].id}")
    assert e3["url"] == f"/entities/{w['e3'].id}"


def test_a_shared_address_with_more_tenants_than_drawn_says_so(app, client, make) -> None:  # noqa: ANN001
    """A business centre's address with 25 other tenants: 20 are drawn and the view says it is not all of
    them (it passed 20 for the whole address); an address with 3 other tenants is drawn whole, unflagged."""
    _login(client, make, "coord", Role.COORDINATOR, agency_id=make.agency().id)
    centres = {}
    for name, tenants in (("centre", 25), ("shop", 3)):
        address = add(Address(text=f"{name} 1号", text_norm=f"{name} 1号"))
        entities = [make.entity() for _ in range(tenants + 1)]
        for entity in entities:
            add(EntityAddress(entity_id=entity.id, address_id=address.id, kind=AddressKind.REGISTERED))
        centres[name] = entities[0]
    db.session.commit()
    big = client.get(f"/entities/{centres['centre'].id}/graph.json").get_json()
    assert sum(n["data"]["kind"] == "entity" for n in big["nodes"]) == 21 and big["truncated"] is True
    small = client.get(f"/entities/{centres['shop'].id}/graph.json").get_json()
    assert sum(n["data"]["kind"] == "entity" for n in small["nodes"]) == 4 and small["truncated"] is False


def test_a_persons_ended_roles_do_not_crowd_out_the_current_one(app, client, make) -> None:  # noqa: ANN001
    """A nominee director of 25 companies in the past and one today: the view draws today's company."""
    _login(client, make, "coord", Role.COORDINATOR, agency_id=make.agency().id)
    person = add(Person(name="赵六", name_norm="赵六"))
    centre, *past = [make.entity() for _ in range(26)]
    current = make.entity()
    for entity in (centre, *past):
        add(EntityRole(entity_id=entity.id, person_id=person.id, role=PersonRole.DIRECTOR,
                       end_date=None if entity is centre else date(2020, 1, 1)))
    add(EntityRole(entity_id=current.id, person_id=person.id, role=PersonRole.DIRECTOR))
    db.session.commit()
    data = client.get(f"/entities/{centre.id}/graph.json").get_json()
    assert {n["data"]["id"] for n in data["nodes"] if n["data"]["kind"] == "entity"} == {
        f"entity:{centre.id}", f"entity:{current.id}"}
    assert data["truncated"] is False


def test_ended_roles_are_not_drawn(app, client, make) -> None:  # noqa: ANN001
    """王五's directorships ended in 2023: e7 has no neighbours today."""
    w = related_world(make)
    _login(client, make, "coord", Role.COORDINATOR, agency_id=make.agency().id)
    data = client.get(f"/entities/{w['e7'].id}/graph.json").get_json()
    assert [n["data"]["id"] for n in data["nodes"]] == [f"entity:{w['e7'].id}"] and data["edges"] == []


def test_personal_nodes_are_masked_beyond_what_the_viewer_may_see(app, client, make) -> None:  # noqa: ANN001
    """The enterprise of e4 sees its own shareholder in clear, but e5's phone masked; other entities link
    to their public profile."""
    w = related_world(make)
    _login(client, make, "ent4", Role.ENTERPRISE, entity_id=w["e4"].id)
    data = client.get(f"/entities/{w['e4'].id}/graph.json").get_json()
    labels = _labels(data)
    assert labels[f"person:{w['li'].id}"] == "李四"
    assert labels[f"phone:{w['phone'].id}"] == "138****5678"
    assert "13812345678" not in str(data)
    e5 = next(n["data"] for n in data["nodes"] if n["data"]["id"] == f"entity:{w['e5'].id}")
    assert e5["url"] == f"/entity/{w['e5'].id}"
    assert client.get(f"/entities/{w['e5'].id}/graph.json").status_code == 403


def test_an_enterprise_sees_no_other_entitys_credit_class(app, client, make) -> None:  # noqa: ANN001
    """A credit class is internal: the enterprise of e4 sees its own in the graph, not its neighbours'; a
    coordinator sees every one."""
    w = related_world(make)
    for entity, credit in ((w["e4"], CreditClass.B), (w["e5"], CreditClass.D), (w["e3"], CreditClass.C)):
        entity.credit_class = credit
    db.session.commit()
    _login(client, make, "ent4c", Role.ENTERPRISE, entity_id=w["e4"].id)
    classes = {n["data"]["id"]: n["data"].get("credit_class") for n in client.get(
        f"/entities/{w['e4'].id}/graph.json").get_json()["nodes"] if n["data"]["kind"] == "entity"}
    assert classes == {f"entity:{w['e4'].id}": "B", f"entity:{w['e5'].id}": "", f"entity:{w['e3'].id}": ""}
    client.post("/auth/logout")
    _login(client, make, "coordc", Role.COORDINATOR, agency_id=make.agency().id)
    classes = {n["data"]["id"]: n["data"].get("credit_class") for n in client.get(
        f"/entities/{w['e4'].id}/graph.json").get_json()["nodes"] if n["data"]["kind"] == "entity"}
    assert classes[f"entity:{w['e5'].id}"] == "D" and classes[f"entity:{w['e3'].id}"] == "C"


def test_profile_shows_the_relationship_panel(app, client, make) -> None:  # noqa: ANN001
    """The internal profile carries the view, its data URL and the vendored Cytoscape.js (no CDN)."""
    w = related_world(make)
    _login(client, make, "coord", Role.COORDINATOR, agency_id=make.agency().id)
    page = client.get(f"/entities/{w['e2'].id}").get_data(as_text=True)
    assert 'id="relationship-graph"' in page and f"/entities/{w['e2'].id}/graph.json" in page
    assert "/static/vendor/cytoscape/cytoscape.min.js" in page and "cdn" not in page.lower()
    static = client.get("/static/vendor/cytoscape/cytoscape.min.js")
    assert static.status_code == 200
    static.close()


def test_a_coordinator_goes_from_the_profile_to_its_risk_cluster(app, client, make) -> None:  # noqa: ANN001
    """The relationship panel names the entity's cluster of the latest build and links to its page (where the
    cluster goes to a campaign); an inspector, who cannot act on clusters, gets no link."""
    w = related_world(make)
    service.rebuild_clusters(date(2024, 6, 1))
    build, _count = service.rebuild_clusters(date(2024, 6, 1))  # the latest build's cluster, not the first's
    cluster = service.riskiest(build=build)[0]
    samr = make.agency()
    make.user("insp", Role.INSPECTOR, agency_id=samr.id)
    _login(client, make, "coord", Role.COORDINATOR, agency_id=samr.id)
    page = client.get(f"/entities/{w['e4'].id}?lang=en").get_data(as_text=True)
    link = page.split('id="risk-cluster-link">')[1].split("</p>")[0]
    assert f'href="/coordinator/clusters/{cluster.id}">Risk cluster #{cluster.id}</a>' in link
    assert f"{cluster.size} members, score {cluster.score:.2f}: send the whole cluster to a campaign" in link
    assert 'id="risk-cluster-link"' not in client.get(f"/entities/{w['e7'].id}").get_data(as_text=True)  # none
    client.post("/auth/logout")
    assert client.post("/auth/login", data={"username": "insp", "password": "test-password-123"}).status_code == 302
    inspector_page = client.get(f"/entities/{w['e4'].id}").get_data(as_text=True)
    assert 'id="relationship-graph"' in inspector_page and 'id="risk-cluster-link"' not in inspector_page


def test_clusters_page_lists_the_riskiest_with_why(app, client, make) -> None:  # noqa: ANN001
    """The coordinator's list shows the cluster, its score and the shared person (masked)."""
    related_world(make)
    service.rebuild_clusters(date(2024, 6, 1))
    _login(client, make, "coord", Role.COORDINATOR, agency_id=make.agency().id)
    page = client.get("/coordinator/clusters").get_data(as_text=True)
    assert "Shared person: 张*丰" in page and "Shared address" in page
    cluster = service.riskiest()[0]
    detail = client.get(f"/coordinator/clusters/{cluster.id}").get_data(as_text=True)
    assert "Send cluster" in detail and "Investment" in detail
    zh = client.get(f"/coordinator/clusters/{cluster.id}", headers={"Accept-Language": "zh-CN"}).get_data(
        as_text=True)
    assert re.search(r"（[^（）()]+）</li>", zh) and not re.search(r" \([^()]+\)</li>", zh)  # Chinese brackets


def test_send_cluster_to_a_new_draft_campaign(app, client, make) -> None:  # noqa: ANN001
    """All six members are selected for the coordinator's agency, tied by the cluster, as one joint target."""
    related_world(make)
    service.rebuild_clusters(date(2024, 6, 1))
    samr = make.agency()
    _login(client, make, "coord", Role.COORDINATOR, agency_id=samr.id)
    cluster = service.riskiest()[0]
    response = client.post(f"/coordinator/clusters/{cluster.id}/campaign", data={"campaign_id": "new",
                                                                                 "name": "关联企业专项"})
    assert response.status_code == 302
    campaign = db.session.query(Campaign).one()
    assert (campaign.name, campaign.status, campaign.lead_agency_id) == ("关联企业专项", CampaignStatus.DRAFT, samr.id)
    selections = db.session.query(CampaignSelection).all()
    assert len(selections) == 6
    assert {(s.reason, s.cluster_id, s.agency_id) for s in selections} == {(SelectionReason.CLUSTER, cluster.id,
                                                                            samr.id)}
    assert campaign.plan_summary["joint_targets"][0]["cluster_id"] == cluster.id
    again = client.post(f"/coordinator/clusters/{cluster.id}/campaign", data={"campaign_id": str(campaign.id)},
                        follow_redirects=True)
    assert "0 entities added" in again.get_data(as_text=True)
    assert db.session.query(CampaignSelection).count() == 6


def test_another_agencys_or_a_drawn_campaign_is_refused(app, client, make) -> None:  # noqa: ANN001
    """A coordinator cannot add to another agency's campaign (403) nor to one past the draft (message)."""
    related_world(make)
    service.rebuild_clusters(date(2024, 6, 1))
    samr, mee = make.agency(), make.agency("MEE")
    _login(client, make, "coord", Role.COORDINATOR, agency_id=samr.id)
    cluster = service.riskiest()[0]
    theirs = add(Campaign(name="MEE", period_start=date(2025, 1, 1), period_end=date(2025, 3, 1),
                          lead_agency_id=mee.id))
    drawn = add(Campaign(name="drawn", period_start=date(2025, 1, 1), period_end=date(2025, 3, 1),
                         lead_agency_id=samr.id, status=CampaignStatus.DRAWN))
    db.session.commit()
    url = f"/coordinator/clusters/{cluster.id}/campaign"
    assert client.post(url, data={"campaign_id": str(theirs.id)}).status_code == 403
    for odd in ("²", str(2**63), "-1"):
        assert client.post(url, data={"campaign_id": odd}).status_code == 400
    page = client.post(url, data={"campaign_id": str(drawn.id)}, follow_redirects=True).get_data(as_text=True)
    assert "only a draft campaign" in page
    assert db.session.query(CampaignSelection).count() == 0


def test_inspector_sees_own_agency_entities_inside_and_others_public(app, client, make) -> None:  # noqa: ANN001
    """A SAMR inspector (SAMR holds records on e3, e4, e6) on e4, with no visit drawn to it: its shareholder's
    name and the phone of e5/e6 masked (personal data is for full access); e3 links to its internal profile,
    e5 (no SAMR record) to its public one."""
    w = related_world(make)
    _login(client, make, "insp", Role.INSPECTOR, agency_id=make.agency().id)
    data = client.get(f"/entities/{w['e4'].id}/graph.json").get_json()
    labels = _labels(data)
    assert labels[f"person:{w['li'].id}"] == "李*" and labels[f"phone:{w['phone'].id}"] == "138****5678"
    urls = {n["data"]["id"]: n["data"].get("url") for n in data["nodes"]}
    assert urls[f"entity:{w['e3'].id}"] == f"/entities/{w['e3'].id}"
    assert urls[f"entity:{w['e5'].id}"] == f"/entity/{w['e5'].id}"
