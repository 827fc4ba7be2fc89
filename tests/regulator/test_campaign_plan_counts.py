"""The campaign page's plan figures agree with each other and with the tasks written, a relationship cluster
visited as one included: checks (entity, agency) >= tasks (one per entity) >= visits (a cluster is one)."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from models import (
    ClusterMember,
    CreditClass,
    InspectionTask,
    MarketEntity,
    RiskCluster,
    Role,
    SelectionReason,
    TaskAgency,
)
from regulator.extensions import db
from regulator.graph import campaigns as cluster_campaigns
from regulator.services import campaigns as service
from risk.campaign import CLASS_PRIOR


def _planned_with_cluster(make, *, cost_per_visit: float = 0.2, capacities: tuple[int, int] = (6, 4)):  # noqa: ANN001, ANN201
    """SAMR and MEE (``capacities``); a three-entity relationship cluster sent to the campaign by SAMR (one
    visit, fixed)."""
    samr, mee = make.agency("SAMR", domain="market"), make.agency("MEE", domain="environment")
    classes = [CreditClass.D, CreditClass.C, CreditClass.B, CreditClass.D, CreditClass.C, CreditClass.D]
    entities = [make.entity(credit_class=classes[i % len(classes)]) for i in range(18)]
    coordinator = make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    for i in range(3):
        make.user(f"samr{i}", Role.INSPECTOR, agency_id=samr.id)
        make.user(f"mee{i}", Role.INSPECTOR, agency_id=mee.id)
    cluster = RiskCluster(build="test", size=3, score=0.9)
    db.session.add(cluster)
    db.session.flush()
    members = entities[:3]  # classes D, C, B: alone they would be ranked far apart
    db.session.add_all([ClusterMember(cluster_id=cluster.id, entity_id=e.id) for e in members])
    campaign = service.create_campaign("关联企业联合抽查", date(2025, 1, 1), date(2025, 3, 31),
                                       [service.AgencyPart(samr.id, capacities[0]),
                                        service.AgencyPart(mee.id, capacities[1])],
                                       random_share=0.0, class_ratios={"A": 0, "B": 0, "C": 0, "D": 0},
                                       cost_per_visit=cost_per_visit, lead_agency_id=samr.id)
    cluster_campaigns.send_cluster(cluster, campaign, coordinator)
    service.commit_seed(campaign, seed="cluster-counts")
    service.run_draw(campaign)
    service.build_plan(campaign)
    db.session.commit()
    return campaign, cluster, members


def _truth(campaign) -> dict[str, int]:  # noqa: ANN001
    """The counts read off the tasks as written: a visit is a task without cluster, or a cluster's tasks."""
    tasks = db.session.scalars(select(InspectionTask).where(InspectionTask.campaign_id == campaign.id)).all()
    visits: dict[str, list[InspectionTask]] = {}
    for task in tasks:
        visits.setdefault(f"c{task.cluster_id}" if task.cluster_id else f"e{task.entity_id}", []).append(task)
    agencies = {key: {p.agency_id for t in group for p in t.agencies} for key, group in visits.items()}
    checks = len(db.session.scalars(select(TaskAgency).join(InspectionTask)
                                    .where(InspectionTask.campaign_id == campaign.id)).all())
    return {"checks": checks, "tasks": len(tasks), "visits": len(visits),
            "joint": sum(len(a) > 1 for a in agencies.values()),
            "cluster_visits": sum(len(group) > 1 for group in visits.values())}


def _figures(page: str) -> dict[str, int]:
    table = page.split('id="plan-summary"', 1)[1].split("</table>", 1)[0]
    cell = {key: int(re.search(rf'id="{key}">(\d+)<', table).group(1))
            for key in ("plan-checks", "plan-task-count", "plan-visits")}
    saved = re.sub(r"\s+", " ", page.split('id="visits-saved">', 1)[1].split("</p>", 1)[0]).strip()
    head = re.sub(r"<[^>]+>|\s+", " ", page.split('id="plan-tasks-head">', 1)[1].split("<a", 1)[0]).strip()
    return {"checks": cell["plan-checks"], "tasks": cell["plan-task-count"], "visits": cell["plan-visits"],
            "saved": saved, "head": head}


def _expected_words(t: dict[str, int]) -> tuple[str, str]:
    by_agencies, by_clusters = t["checks"] - t["tasks"], t["tasks"] - t["visits"]
    return (f"{t['checks']} checks in {t['visits']} visits: {t['checks'] - t['visits']} fewer than one visit per "
            f"check, {by_agencies} because agencies check an entity together and {by_clusters} because the "
            f"entities of a relationship cluster are visited together. Visits with several agencies: {t['joint']}; "
            f"visits to several entities of a relationship cluster: {t['cluster_visits']};",
            f"{t['tasks']} tasks for {t['visits']} visits (a relationship cluster visited as one has a task for "
            "each of its entities)")


def test_cluster_visit_figures_agree_with_the_tasks(app, make, client, auth) -> None:  # noqa: ANN001
    """A cluster of three entities is one visit of three tasks: the page says 'N tasks for N-2 visits', the
    visits saved are put down to the cluster (not to agencies going together) and the tasks share a window."""
    campaign, cluster, members = _planned_with_cluster(make)
    truth = _truth(campaign)
    assert truth["cluster_visits"] == 1 and truth["tasks"] - truth["visits"] == 2
    summary = campaign.plan_summary
    assert (summary["pairs"], summary["tasks"], summary["visits"]) == (truth["checks"], truth["tasks"],
                                                                       truth["visits"])
    assert summary["joint_visits"] == truth["joint"] and summary["cluster_visits"] == 1
    assert summary["saved_by_clusters"] == 2 and summary["saved_by_agencies"] == truth["checks"] - truth["tasks"]
    assert summary["visits_saved"] == summary["saved_by_agencies"] + summary["saved_by_clusters"]
    # one visit: the cluster's tasks share its window (each task had its own, by its own expected findings)
    windows = {(t.window_start, t.window_end) for t in db.session.scalars(
        select(InspectionTask).where(InspectionTask.campaign_id == campaign.id,
                                     InspectionTask.cluster_id == cluster.id))}
    assert len(windows) == 1

    auth.login("coord")
    page = client.get(f"/coordinator/campaigns/{campaign.id}?lang=en").get_data(as_text=True)
    shown = _figures(page)
    assert (shown["checks"], shown["tasks"], shown["visits"]) == (truth["checks"], truth["tasks"], truth["visits"])
    saved, head = _expected_words(truth)
    assert shown["saved"].startswith(saved), shown["saved"]
    assert shown["head"] == head
    assert page.count(f'class="plan-cluster" href="/coordinator/clusters/{cluster.id}"') == len(members)


def test_plan_stored_before_tasks_were_counted_shows_the_same(app, make, client, auth) -> None:  # noqa: ANN001
    """A plan summary written before the task counts existed gets them from its tasks, with the same words."""
    campaign, _cluster, _members = _planned_with_cluster(make)
    truth = _truth(campaign)
    campaign.plan_summary = {k: v for k, v in campaign.plan_summary.items()
                             if k not in {"tasks", "cluster_visits", "saved_by_agencies", "saved_by_clusters"}}
    db.session.commit()
    auth.login("coord")
    shown = _figures(client.get(f"/coordinator/campaigns/{campaign.id}?lang=en").get_data(as_text=True))
    assert (shown["checks"], shown["tasks"], shown["visits"]) == (truth["checks"], truth["tasks"], truth["visits"])
    saved, head = _expected_words(truth)
    assert shown["saved"].startswith(saved) and shown["head"] == head



def _alone_note(page: str) -> str:
    return re.sub(r"\s+", " ", page.split('id="plan-alone-note">', 1)[1].split("</p>", 1)[0]).strip()


def _agency_rows(page: str) -> dict[str, tuple[int, int]]:
    """Checks by agency as the summary table shows them: (joint plan, each agency alone)."""
    table = page.split('id="plan-summary"', 1)[1].split("</table>", 1)[0]
    return {code: (int(joint), int(alone)) for code, joint, alone in re.findall(
        r'<tr class="plan-agency" data-agency="(\w+)">.*?<td>(\d+)</td><td>(\d+)</td></tr>', table)}


def test_each_agency_alone_is_said_to_count_other_checks(app, make, client, auth) -> None:  # noqa: ANN001
    """The "Each agency alone" column counts each agency's own plan: the fixed checks and only the others worth a
    visit of their own, fewer than the joint plan's. The page gives both columns' checks by agency (they add up
    to the two totals) and says what the alone column counts, with the numbers read off the plan."""
    cost = 0.5  # alone only class D (prior 0.65) is worth a visit; together a class C entity of two agencies is
    campaign, cluster, members = _planned_with_cluster(make, cost_per_visit=cost, capacities=(12, 12))
    rows = db.session.execute(select(TaskAgency.agency_id, TaskAgency.selection_reason, TaskAgency.task_id)
                              .join(InspectionTask).where(InspectionTask.campaign_id == campaign.id)).all()
    codes = {part.agency_id: part.agency.code for part in campaign.agencies}
    joint = {code: sum(codes[r.agency_id] == code for r in rows) for code in codes.values()}
    fixed = sum(r.selection_reason == SelectionReason.CLUSTER for r in rows)
    assert fixed == len(members)  # the joint plan makes every check the cluster fixed
    # alone, by hand: SAMR its three cluster checks and the other class D entities, MEE all class D entities
    worth = {e.id for e in db.session.scalars(select(MarketEntity)) if CLASS_PRIOR[e.credit_class.value] > cost}
    alone = {"SAMR": len(members) + len(worth - {m.id for m in members}), "MEE": len(worth)}
    assert all(n <= 12 for n in alone.values())
    assert sum(alone.values()) < sum(joint.values())  # the two columns are not the same checks

    auth.login("coord")
    page = client.get(f"/coordinator/campaigns/{campaign.id}?lang=en").get_data(as_text=True)
    table = page.split('id="plan-summary"', 1)[1].split("</table>", 1)[0]
    total_alone = int(re.search(r'id="plan-alone-checks">(\d+)<', table).group(1))
    assert _figures(page)["checks"] == sum(joint.values()) and total_alone == sum(alone.values())
    assert _agency_rows(page) == {code: (joint[code], alone[code]) for code in ("MEE", "SAMR")}
    assert _alone_note(page) == (
        "The two columns count different checks. Each agency alone makes the checks fixed before planning "
        f"(random draw, relationship clusters sent to the campaign): {fixed}; and, up to its capacity, only other "
        f"checks whose expected findings exceed the cost of their own visit ({cost:.2f}): {total_alone - fixed}. "
        f"That is {total_alone} checks, each one task and one visit. The joint plan makes the same fixed checks and, "
        "as agencies and a cluster’s entities share visits, can also make checks worth less than a visit of their "
        f"own: {sum(joint.values())} checks in all.")

    # a summary stored before alone_fixed was kept gets it from the tasks: the same words
    campaign.plan_summary = {k: v for k, v in campaign.plan_summary.items() if k != "alone_fixed"}
    db.session.commit()
    again = client.get(f"/coordinator/campaigns/{campaign.id}?lang=en").get_data(as_text=True)
    assert _alone_note(again) == _alone_note(page)


def test_tasks_are_labelled_tasks_and_a_shared_visit_names_its_tasks(app, make, client, auth) -> None:  # noqa: ANN001
    """The task list calls a task "Task #id" (not "Visit #id": a cluster visit has several tasks), and each task
    of a cluster visited as one names the tasks of that one visit; a task visited alone names none."""
    campaign, cluster, members = _planned_with_cluster(make)
    tasks = db.session.scalars(select(InspectionTask).where(InspectionTask.campaign_id == campaign.id)).all()
    together = sorted(t.id for t in tasks if t.cluster_id == cluster.id)
    assert len(together) == len(members) == 3

    auth.login("coord")
    page = client.get(f"/coordinator/campaigns/{campaign.id}?lang=en").get_data(as_text=True)
    listing = page.split('id="plan-tasks"', 1)[1].split("</table>", 1)[0]
    labels = {int(i): re.sub(r"<[^>]+>", "", html) for i, html in re.findall(
        r'<tr data-id="(\d+)">.*?<div class="small">(.*?)</div>', listing)}
    assert set(labels) == {t.id for t in tasks}
    shared = ", ".join(f"#{i}" for i in together)
    for task in tasks:
        if task.id in together:
            expected = f"Task #{task.id} · one visit with tasks {shared} · Relationship cluster #{cluster.id}"
        else:
            expected = f"Task #{task.id}"
        assert labels[task.id] == expected
    assert "Visit #" not in listing
    # the head's count agrees: three tasks of one visit are one visit
    assert _figures(page)["head"].startswith(f"{len(tasks)} tasks for {len(tasks) - 2} visits")
    task_page = client.get(f"/coordinator/tasks/{together[0]}?lang=en").get_data(as_text=True)
    assert f"<title>Task #{together[0]} ·" in task_page and "Visit #" not in task_page
