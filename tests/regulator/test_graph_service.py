"""The graph in the database: bulk loading, the feature frame, stored clusters, incremental updates, CLI."""

from __future__ import annotations

from datetime import date

import pandas as pd

from models import (
    Address,
    AddressKind,
    Campaign,
    CampaignSelection,
    ClusterMember,
    CreditClass,
    EntityAddress,
    ModelVersion,
    RiskCluster,
    RiskScore,
    SelectionReason,
)
from regulator.extensions import db
from regulator.graph import frames, service
from regulator.signals import notify_records_changed
from risk.graph import feature_names

from .graph_world import add, related_world

JUNE = date(2024, 6, 1)


def _ids(w, names):  # noqa: ANN001, ANN202
    return [w[n].id for n in names]


def test_edges_and_events_load_in_bulk(app, make) -> None:  # noqa: ANN001
    """Every relation becomes one edge; serious = the suspension and the critical violation."""
    w = related_world(make)
    edges = frames.load_edges()
    assert len(edges) == 11
    assert set(edges["relation"]) == {"legal_representative", "shareholder", "director", "registered_address",
                                      "phone", "investment"}
    events = frames.load_events().sort_values("date")
    assert events["entity_id"].tolist() == _ids(w, ["e4", "e3", "e6"])
    assert events["serious"].tolist() == [True, False, True]


def test_feature_frame_is_point_in_time(app, make) -> None:  # noqa: ANN001
    """The frame the risk model joins: the hand-checked counts in June 2024 and in January 2023."""
    w = related_world(make)
    june = service.graph_feature_frame(JUNE)
    assert list(june.columns) == feature_names()
    order = _ids(w, ["e1", "e2", "e3", "e4", "e5", "e6", "e7"])
    assert june.loc[order, "related_entities"].tolist() == [1, 2, 2, 2, 2, 1, 0]
    assert june.loc[order, "flagged_any_hop1_36m"].tolist() == [0, 1, 1, 1, 2, 0, 0]
    assert june.loc[order, "cluster_size"].tolist() == [6, 6, 6, 6, 6, 6, 1]
    early = service.graph_feature_frame("2023-01-01")
    assert early.loc[order, "cluster_size"].tolist() == [4, 4, 4, 2, 2, 1, 4]


def test_clusters_are_stored_with_masked_reasons(app, make) -> None:  # noqa: ANN001
    """One cluster of six, scored, explained by shared persons (masked), address, phone, investment."""
    w = related_world(make)
    build, count = service.rebuild_clusters(JUNE)
    assert count == 1
    cluster = service.riskiest(build=build)[0]
    members = {m.entity_id for m in cluster.members}
    assert members == set(_ids(w, ["e1", "e2", "e3", "e4", "e5", "e6"]))
    labels = {(r["kind"], r["label"]) for r in cluster.reasons}
    assert ("shared_person", "张*丰") in labels and ("shared_person", "李*") in labels
    assert ("shared_address", "深圳市福田区福华路1号") in labels and ("shared_phone", "138****5678") in labels
    assert all("张三丰" not in r["label"] for r in cluster.reasons)
    assert cluster.score > 0 and cluster.stats["high_risk"] == 0


def test_a_class_d_nest_outranks_a_class_a_group_the_model_scores_a_little_higher(app, make) -> None:  # noqa: ANN001
    """The credit class carries the listings the probability of a serious finding leaves out: three class-D
    companies at one address (probability 1 %) are a riskier cluster than three class-A ones (probability 20 %)."""
    model = add(ModelVersion(version="m1", kind="risk", active=True))
    groups = {}
    for name, credit_class, probability in (("nest", CreditClass.D, 0.01), ("shops", CreditClass.A, 0.2)):
        address = add(Address(text=f"{name} 1号", text_norm=f"{name} 1号"))
        groups[name] = set()
        for _ in range(3):
            entity = make.entity(credit_class=credit_class)
            add(EntityAddress(entity_id=entity.id, address_id=address.id, kind=AddressKind.REGISTERED))
            add(RiskScore(entity_id=entity.id, model_version_id=model.id, as_of=JUNE, probability=probability,
                          risk_class=credit_class))
            groups[name].add(entity.id)
    build, _count = service.rebuild_clusters(JUNE)
    first, second = service.riskiest(build=build)
    assert {m.entity_id for m in first.members} == groups["nest"]
    assert first.stats["mean_risk"] == 0.8 and first.stats["high_risk"] == 3
    assert second.stats["mean_risk"] == 0.2


def test_records_changed_reclusters_the_touched_component(app, make) -> None:  # noqa: ANN001
    """A new entity at the shared address joins the cluster in the same build; the old row goes."""
    w = related_world(make)
    build, _ = service.rebuild_clusters(JUNE)
    newcomer = make.entity()
    add(EntityAddress(entity_id=newcomer.id, address_id=w["address"].id, kind=AddressKind.OPERATING))
    notify_records_changed("ingest", [newcomer.id])
    clusters = service.riskiest(build=build)
    assert len(clusters) == 1 and clusters[0].size == 7
    assert db.session.query(RiskCluster).count() == 1
    assert db.session.query(ClusterMember).count() == 7


def test_a_cluster_sent_to_a_campaign_is_kept(app, make) -> None:  # noqa: ANN001
    """Re-clustering keeps a cluster a campaign refers to, moved out of the build."""
    w = related_world(make)
    build, _ = service.rebuild_clusters(JUNE)
    cluster = service.riskiest(build=build)[0]
    campaign = add(Campaign(name="c", period_start=JUNE, period_end=JUNE))
    add(CampaignSelection(campaign_id=campaign.id, entity_id=w["e1"].id, agency_id=make.agency().id,
                          reason=SelectionReason.CLUSTER, cluster_id=cluster.id))
    service.update_clusters([w["e2"].id])
    kept = db.session.get(RiskCluster, cluster.id)
    assert kept is not None and kept.build == build + service.KEPT_SUFFIX and len(kept.members) == 6
    assert service.latest_build() == build
    assert len(service.riskiest(build=build)) == 1


def test_nothing_to_update_before_the_first_build(app, make) -> None:  # noqa: ANN001
    """Without a build, records_changed leaves clusters alone."""
    w = related_world(make)
    assert service.update_clusters([w["e1"].id]) == 0
    assert db.session.query(RiskCluster).count() == 0


def test_empty_database(app) -> None:  # noqa: ANN001
    """No entities: an empty frame and no clusters, no error."""
    assert service.graph_feature_frame(JUNE).empty
    assert service.rebuild_clusters(JUNE)[1] == 0


def test_cli_build_and_clusters(app, make, runner, tmp_path) -> None:  # noqa: ANN001
    """`graph build` writes the feature frame; `graph clusters` stores and prints the riskiest."""
    related_world(make)
    db.session.commit()
    out = tmp_path / "features.parquet"
    result = runner.invoke(args=["graph", "build", "--as-of", "2024-06-01", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "entities 7" in result.output
    frame = pd.read_parquet(out)
    assert len(frame) == 7 and "ppr_serious" in frame
    result = runner.invoke(args=["graph", "clusters", "--as-of", "2024-06-01"])
    assert result.exit_code == 0, result.output
    assert "1 clusters" in result.output and "size 6" in result.output


def test_a_sent_cluster_survives_the_draw_and_is_planned_as_one_visit(app, make) -> None:  # noqa: ANN001
    """Send the cluster to a draft, commit, draw, plan: all six members are kept and share one visit."""
    from models import InspectionTask, Role, TaskAgency
    from regulator.graph import campaigns as cluster_campaigns
    from regulator.services import campaigns

    w = related_world(make)
    samr = make.agency()
    coordinator = make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    service.rebuild_clusters(JUNE)
    cluster = service.riskiest()[0]
    campaign = campaigns.create_campaign("关联企业专项", JUNE, date(2024, 8, 31),
                                         [campaigns.AgencyPart(samr.id, 2)], lead_agency_id=samr.id)
    sent = cluster_campaigns.send_cluster(cluster, campaign, coordinator)
    assert sent.added == 6 and campaign.agencies[0].capacity == 8
    campaigns.commit_seed(campaign, seed="graph-seed")
    campaigns.run_draw(campaign)
    kept = db.session.query(CampaignSelection).filter_by(campaign_id=campaign.id, reason=SelectionReason.CLUSTER)
    assert kept.count() == 6
    campaigns.build_plan(campaign, staff=False)
    tasks = db.session.query(InspectionTask).filter_by(campaign_id=campaign.id, cluster_id=cluster.id).all()
    assert {t.entity_id for t in tasks} == set(_ids(w, ["e1", "e2", "e3", "e4", "e5", "e6"]))
    reasons = {a.selection_reason for t in tasks for a in db.session.query(TaskAgency).filter_by(task_id=t.id)}
    assert reasons == {SelectionReason.CLUSTER}


def test_demo_stages(app, make, tmp_path) -> None:  # noqa: ANN001
    """The demo's graph stage writes the feature frame; its clusters stage stores the clusters."""
    from types import SimpleNamespace

    from regulator.services.demo import stage_clusters, stage_graph

    related_world(make)
    said: list[str] = []
    run = SimpleNamespace(world=SimpleNamespace(end=JUNE), echo=said.append, out_dir=tmp_path, graph=None)
    stage_graph(run)
    frame = pd.read_parquet(tmp_path / "graph-features-2024-06-01.parquet")
    assert len(frame) == 7 and (frame["as_of"] == pd.Timestamp(JUNE)).all()
    stage_clusters(run)
    assert "6 entities related to another" in said[0] and "1 risk clusters" in said[1]
    assert db.session.query(RiskCluster).count() == 1
