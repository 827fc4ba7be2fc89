"""Campaign pages through the test client: coordinator steps, inspector list/exports/results, public release."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from datetime import date, timedelta
from pathlib import Path

import numpy
import pandas
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from models import Campaign, CampaignStatus, CreditClass, Inspection, InspectionTask, Referral, Role, TaskInspector
from regulator.coordinator import campaigns as campaign_views
from regulator.exports import neutralise, to_csv
from regulator.extensions import db
from regulator.services import working_days


def setup_world(make):  # noqa: ANN001, ANN201
    samr, mee = make.agency("SAMR", name="市场监督管理局"), make.agency("MEE", name="生态环境局", domain="environment")
    for i in range(60):
        make.entity(f"=HYPERLINK(\"x\")测试{i}号商行" if i == 5 else None,
                    credit_class=[CreditClass.B, CreditClass.C, CreditClass.D][i % 3])
    make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    make.user("mee-coord", Role.COORDINATOR, agency_id=mee.id)
    for i in range(3):
        make.user(f"insp{i}", Role.INSPECTOR, agency_id=samr.id)
        make.user(f"mins{i}", Role.INSPECTOR, agency_id=mee.id)
    db.session.commit()
    return samr, mee


def published_campaign(samr, mee, name: str):  # noqa: ANN001, ANN201
    """A SAMR and MEE campaign of January 2025, drawn with the seed ``<name>-seed``, planned and published."""
    from regulator.services import campaigns

    campaign = campaigns.create_campaign(name, date(2025, 1, 1), date(2025, 2, 1),
                                         [campaigns.AgencyPart(samr.id, 6), campaigns.AgencyPart(mee.id, 3)])
    campaigns.commit_seed(campaign, seed=f"{name}-seed")
    campaigns.run_draw(campaign)
    campaigns.build_plan(campaign)
    campaigns.publish_plan(campaign)
    db.session.commit()
    return campaign


def test_coordinator_to_public(app, client, auth, make, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    samr, mee = setup_world(make)
    auth.login("coord")
    form = client.get("/coordinator/campaigns/new").get_data(as_text=True)  # the coordinator's agency leads
    assert 'id="lead-agency"' in form and form.index('id="capacity-SAMR"') < form.index('id="capacity-MEE"')
    huge = client.post("/coordinator/campaigns/new", data={
        "name": "过大", "period_start": "2025-03-01", "period_end": "2025-05-31", f"capacity-{samr.id}": str(2**63)})
    assert huge.status_code == 200 and "100000" in huge.get_data(as_text=True)
    endless = client.post("/coordinator/campaigns/new", data={
        "name": "过长", "period_start": "2025-03-01", "period_end": "2029-03-01", f"capacity-{samr.id}": "5"})
    assert endless.status_code == 200 and "three years" in endless.get_data(as_text=True)
    assert db.session.scalar(select(Campaign)) is None
    response = client.post("/coordinator/campaigns/new", data={
        "name": "春季联合抽查", "period_start": "2025-03-01", "period_end": "2025-05-31",
        "ratio_A": "0", "ratio_B": "0.05", "ratio_C": "0.1", "ratio_D": "0.3", "random_share": "0.2",
        "cost_per_visit": "0.2", f"capacity-{samr.id}": "20", f"matters-{samr.id}": "价格，食品安全",
        f"capacity-{mee.id}": "8", f"matters-{mee.id}": "排污"})
    assert response.status_code == 302, response.get_data(as_text=True)
    campaign = db.session.scalar(select(Campaign))
    assert {p.agency.code: p.matters for p in campaign.agencies} == {"SAMR": ["价格", "食品安全"], "MEE": ["排污"]}
    for step in ("commit", "draw", "plan", "publish"):
        client.post(f"/coordinator/campaigns/{campaign.id}/{step}")
    db.session.expire_all()
    assert campaign.status == CampaignStatus.PUBLISHED
    page = client.get(f"/coordinator/campaigns/{campaign.id}").get_data(as_text=True)
    assert campaign.seed in page and "plan-summary" in page
    tasks = db.session.scalars(select(InspectionTask).where(InspectionTask.campaign_id == campaign.id)).all()
    assert f"{len(tasks)} tasks" in page and "the 1 with most expected findings" not in page
    monkeypatch.setattr(campaign_views, "TASKS_SHOWN", 1)  # a plan longer than the page lists: the export has it all
    short = client.get(f"/coordinator/campaigns/{campaign.id}").get_data(as_text=True)
    assert "the 1 with most expected findings are listed." in short and short.count('<tr data-id="') == 1
    plan = list(csv.DictReader(io.StringIO(client.get(f"/coordinator/campaigns/{campaign.id}/plan.csv")
                                           .get_data(as_text=True).lstrip("\ufeff"))))
    assert sorted(int(r["Task"]) for r in plan) == sorted(t.id for t in tasks)
    joint = next(r for r in plan if "MEE" in r["Agencies"] and "SAMR" in r["Agencies"])
    assert "(" in joint["Agencies"] and "(SAMR)" in joint["Inspectors"] and joint["Window start"] >= "2025-03-01"
    book = load_workbook(io.BytesIO(client.get(f"/coordinator/campaigns/{campaign.id}/plan.xlsx").data))
    assert book.active.max_row == len(tasks) + 1
    auth.logout()
    auth.login("mee-coord")  # a participating agency sees it but may not take steps
    assert client.get(f"/coordinator/campaigns/{campaign.id}").status_code == 200
    assert client.get(f"/coordinator/campaigns/{campaign.id}/plan.csv").status_code == 200
    assert client.post(f"/coordinator/campaigns/{campaign.id}/release").status_code == 403
    auth.logout()

    task_id = db.session.scalar(select(TaskInspector.task_id).join(InspectionTask).join(
        TaskInspector.user).where(TaskInspector.agency_id == samr.id).limit(1))
    username = db.session.scalar(select(TaskInspector).where(TaskInspector.task_id == task_id,
                                                             TaskInspector.agency_id == samr.id)).user.username
    auth.login(username)
    listing = client.get("/inspector/?sort=class").get_data(as_text=True)
    assert f'data-id="{task_id}"' in listing
    csv_text = client.get("/inspector/tasks.csv").get_data(as_text=True)
    assert csv_text.startswith("\ufeffEntity")
    cells = [cell for row in csv.reader(io.StringIO(csv_text.lstrip("\ufeff"))) for cell in row]
    assert len(cells) > 10 and not any(cell.startswith(("=", "+", "@")) for cell in cells)
    book = load_workbook(io.BytesIO(client.get("/inspector/tasks.xlsx").data))
    assert book.active.max_row >= 2 and book.active["A1"].value == "Entity"
    assert client.get(f"/inspector/tasks/{task_id}/sheet").status_code == 200
    refused = {"inspection_date": ((working_days.local_day() + timedelta(days=1)).isoformat(), "in the future"),
               "penalty_amount": ("NaN", "is not a number")}
    for field, (value, why) in refused.items():
        bad = client.post(f"/inspector/tasks/{task_id}/result", follow_redirects=True, data={
            "result": "fail", "inspection_date": "2025-03-10", "penalty_type": "fine", field: value})
        page = bad.get_data(as_text=True)
        assert bad.status_code == 400, field
        assert f'value="{value}"' in page  # the form comes back as it was filled
        tag = page.split(f'id="{field}"')[0].rsplit("<input", 1)[1]  # the field itself says what is wrong
        assert "is-invalid" in tag and why in page.split(f'id="{field}"')[1][:400], field
    assert db.session.scalar(select(Inspection).where(Inspection.task_id == task_id)) is None
    make.enforcement(make.entity(), samr, decision_no="深市监罚〔2025〕7号")
    db.session.commit()
    taken = client.post(f"/inspector/tasks/{task_id}/result", data={
        "result": "fail", "inspection_date": "2025-03-10", "penalty_type": "fine",
        "decision_no": "深市监罚〔2025〕7号"})
    field = taken.get_data(as_text=True).split('id="decision_no"')
    assert taken.status_code == 400 and "is-invalid" in field[0].rsplit("<input", 1)[1]
    assert "深市监罚〔2025〕7号 is already recorded" in field[1][:600]
    response = client.post(f"/inspector/tasks/{task_id}/result", data={
        "result": "fail", "inspection_date": "2025-03-10", "violations-0-code": "SC-01",
        "violations-0-severity": "serious", "violations-0-description": "无照经营",
        "penalty_type": "warning", "notes": "责令改正"})
    assert response.status_code == 302
    inspection = db.session.scalar(select(Inspection).where(Inspection.task_id == task_id))
    assert inspection is not None and inspection.violation_count == 1
    client.post(f"/inspector/tasks/{task_id}/referral", data={"ref-to_agency": str(mee.id),
                                                                "ref-description": "疑似超标排放"})
    assert db.session.scalar(select(Referral)).to_agency_id == mee.id
    auth.logout()

    before = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Results are published when" in before and "public-results" in before
    auth.login("coord")
    page = client.get(f"/coordinator/campaigns/{campaign.id}?lang=en").get_data(as_text=True)
    from regulator.services.campaign_results import results

    by_agency, by_reason = results(campaign)
    samr_tally = next(t for t in by_agency if t.key == "SAMR")
    assert (samr_tally.done, samr_tally.with_violations, samr_tally.serious) == (1, 1, 1)
    assert samr_tally.planned == sum(1 for t in tasks for p in t.agencies if p.agency_id == samr.id)
    assert sum(t.done for t in by_reason) == 1 and sum(t.planned for t in by_reason) == sum(
        t.planned for t in by_agency)
    assert 'id="results-by-reason"' in page and "Results so far" in page
    row = page.split('id="results-by-agency"')[1].split('data-key="SAMR"')[1].split("</tr>")[0]
    assert f">{samr_tally.planned}</td>" in row and "(100%)" in row
    client.post(f"/coordinator/campaigns/{campaign.id}/release")
    auth.logout()
    public = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert campaign.seed in public and campaign.seed_commitment in public
    assert "Fail" in public
    inputs = client.get(f"/campaigns/{campaign.id}/inputs.json").get_json()
    assert inputs["commitment"] == campaign.seed_commitment and inputs["seed"] == campaign.seed
    _verify_outside_the_platform(client, campaign.id, tmp_path)


def _verify_outside_the_platform(client, campaign_id: int, folder: Path) -> None:  # noqa: ANN001
    """A member of the public downloads the verifier and the inputs and re-runs the draw in a folder of their
    own, with a Python that has NumPy and pandas but not the platform (-I: no site folder, no PYTHONPATH)."""
    assert 'href="/campaigns/verifier.zip"' in client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    with zipfile.ZipFile(io.BytesIO(client.get("/campaigns/verifier.zip").data)) as zf:
        assert sorted(zf.namelist()) == ["README.txt", "regulator_verify/__init__.py", "regulator_verify/__main__.py",
                                         "regulator_verify/draw.py", "regulator_verify/public.py"]
        zf.extractall(folder)
    inputs = folder / "inputs.json"
    inputs.write_bytes(client.get(f"/campaigns/{campaign_id}/inputs.json").data)
    libraries = {Path(numpy.__file__).parent.parent, Path(pandas.__file__).parent.parent}
    run = subprocess.run([sys.executable, "-I", "-c", "import sys; sys.path[:0] = sys.argv[1:-1]; "
                          "from runpy import run_module; sys.argv = ['regulator_verify', sys.argv[-1]]; "
                          "run_module('regulator_verify', run_name='__main__')",
                          str(folder), *map(str, libraries), str(inputs)],
                         cwd=folder, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.strip().endswith("VERIFIED"), run.stdout + run.stderr
    assert "NumPy" not in run.stdout
    document = json.loads(inputs.read_text(encoding="utf-8"))
    assert document["numpy"] == numpy.__version__  # its generator draws the same numbers only within a version
    document["random_selection"] = document["random_selection"][1:]  # one drawn pair left out of the list
    document["numpy"] = "1.0.0"  # and drawn on another NumPy: the check says which to install
    inputs.write_text(json.dumps(document), encoding="utf-8")
    tampered = subprocess.run(run.args, cwd=folder, capture_output=True, text=True, timeout=120)
    assert tampered.returncode == 1 and "NOT VERIFIED" in tampered.stdout
    assert f"the draw ran on NumPy 1.0.0, this check on NumPy {numpy.__version__}" in tampered.stdout
    assert "pip install numpy==1.0.0" in tampered.stdout


def test_seed_hidden_before_draw(app, client, make) -> None:  # noqa: ANN001
    """Before the draw the public sees the commitment, never the seed, and no inputs."""
    samr, _mee = setup_world(make)
    from regulator.services import campaigns

    campaign = campaigns.create_campaign("c", date(2025, 1, 1), date(2025, 2, 1), [campaigns.AgencyPart(samr.id, 3)])
    campaigns.commit_seed(campaign, seed="secret-seed-xyz")
    db.session.commit()
    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert campaign.seed_commitment in page and "secret-seed-xyz" not in page
    assert client.get(f"/campaigns/{campaign.id}/inputs.json").status_code == 404


def test_seed_stays_secret_until_the_visits_are_made_and_released(app, client, make) -> None:  # noqa: ANN001
    """The seed names every entity drawn: public at the draw, it would announce the checks. It is public once
    results are released and no visit is left open, or the period is over; the API and the inputs follow."""
    from models import InspectionResult, InspectionTask, TaskStatus
    from regulator.services import campaigns, task_results
    from regulator.services.working_days import local_day

    samr, mee = setup_world(make)
    today = local_day()
    campaign = campaigns.create_campaign("unannounced", today, today + timedelta(days=60),
                                         [campaigns.AgencyPart(samr.id, 6), campaigns.AgencyPart(mee.id, 3)])
    campaigns.commit_seed(campaign, seed="unannounced-seed")
    for step in (campaigns.run_draw, campaigns.build_plan, campaigns.publish_plan):
        step(campaign)
    tasks = db.session.scalars(select(InspectionTask).where(InspectionTask.campaign_id == campaign.id)).all()
    first = tasks[0]
    for part in first.agencies:
        task_results.record_result(first, part.agency_id, task_results.ResultInput(InspectionResult.PASS, today))
    campaigns.release_results(campaign)
    db.session.commit()

    def seen() -> tuple[bool, bool, bool]:
        page = client.get(f"/campaigns/{campaign.id}?lang=en").get_data(as_text=True)
        api = client.get(f"/api/v1/public/campaigns/{campaign.id}").get_json()
        inputs = client.get(f"/campaigns/{campaign.id}/inputs.json").status_code
        return "unannounced-seed" in page, api["seed"] == "unannounced-seed", inputs == 200

    assert seen() == (False, False, False)  # released, but visits are still to be made
    assert "so that the checks stay unannounced" in client.get(f"/campaigns/{campaign.id}?lang=en").get_data(
        as_text=True)
    for task in tasks[1:]:
        task.status = TaskStatus.CANCELLED
    db.session.commit()
    assert seen() == (True, True, True)
    for task in tasks[1:]:
        task.status = TaskStatus.ASSIGNED
    campaign.period_start, campaign.period_end = today - timedelta(days=60), today - timedelta(days=1)
    db.session.commit()
    assert seen() == (True, True, True)  # the period is over


def test_neutralise() -> None:
    """Formula-looking text gets an apostrophe; numbers and plain text are untouched."""
    assert neutralise("=1+1") == "'=1+1" and neutralise("+86") == "'+86" and neutralise("@x") == "'@x"
    assert neutralise(-3) == -3 and neutralise("深圳") == "深圳"
    assert to_csv(["a"], [["=cmd"]]).decode("utf-8").splitlines()[1] == "'=cmd"


def test_campaign_api(app, client, auth, make) -> None:  # noqa: ANN001
    """Public JSON: commitment always, seed after the draw, results after release; inspectors list their tasks."""
    samr, mee = setup_world(make)
    from models import InspectionResult
    from regulator.services import campaigns, task_results

    campaign = campaigns.create_campaign("api", date(2025, 1, 1), date(2025, 2, 1),
                                         [campaigns.AgencyPart(samr.id, 6), campaigns.AgencyPart(mee.id, 3)])
    campaigns.commit_seed(campaign, seed="api-seed")
    db.session.commit()
    body = client.get(f"/api/v1/public/campaigns/{campaign.id}").get_json()
    assert body["seed"] is None and body["seed_commitment"] == campaign.seed_commitment
    campaigns.run_draw(campaign)
    campaigns.build_plan(campaign)
    campaigns.publish_plan(campaign)
    task = db.session.scalars(select(InspectionTask).where(InspectionTask.campaign_id == campaign.id)).first()
    task_results.record_result(task, task.agencies[0].agency_id, task_results.ResultInput(
        result=InspectionResult.PASS, inspection_date=date(2025, 1, 9)))
    campaigns.release_results(campaign)
    db.session.commit()
    body = client.get(f"/api/v1/public/campaigns/{campaign.id}").get_json()
    assert body["seed"] == "api-seed" and body["results"][0]["result"] == "pass"
    assert client.get("/api/v1/public/campaigns").get_json()["total"] == 1
    # a result recorded after the release counts for the agencies at once, for the public once released
    later = db.session.scalars(select(InspectionTask).where(InspectionTask.campaign_id == campaign.id,
                                                            InspectionTask.id != task.id)).first()
    task_results.record_result(later, later.agencies[0].agency_id, task_results.ResultInput(
        result=InspectionResult.FAIL, inspection_date=date(2025, 1, 10)))
    db.session.commit()
    public = client.get(f"/api/v1/public/campaigns/{campaign.id}").get_json()["summary"]
    planned = sum(len(t.agencies) for t in db.session.scalars(
        select(InspectionTask).where(InspectionTask.campaign_id == campaign.id)))
    assert sum(t["done"] for t in public) == 1 and sum(t["planned"] for t in public) == planned
    assert all("model_expected" not in t for t in public)
    page = client.get(f"/campaigns/{campaign.id}?lang=en").get_data(as_text=True)
    reason = task.agencies[0].selection_reason.value
    row = page.split('id="public-summary"')[1].split(f'data-key="{reason}"')[1].split("</tr>")[0]
    assert "<td class=\"text-end\">1</td>" in row
    auth.login("mee-coord")
    agencies = client.get(f"/api/v1/campaigns/{campaign.id}/results").get_json()
    assert sum(t["done"] for t in agencies["by_reason"]) == 2
    assert sum(t["planned"] for t in agencies["by_agency"]) == planned and "model_expected" in agencies["by_reason"][0]
    auth.logout()
    auth.login(task.inspectors[0].user.username)
    mine = client.get("/api/v1/tasks").get_json()
    assert task.id in {t["id"] for t in mine["items"]}
    # the inspector was told of the visits drawn for them, once for the campaign
    from models import Notification

    notes = db.session.scalars(select(Notification).where(Notification.user_id == task.inspectors[0].user_id)).all()
    assert [(n.kind, n.subject_id, n.details["visits"]) for n in notes] == [
        ("tasks.assigned", campaign.id, sum(1 for t in mine["items"] if t["campaign_id"] == campaign.id))]
    assert "of the campaign “api”" in client.get("/auth/notifications?lang=en").get_data(as_text=True)
    assert client.get(f"/auth/notifications/{notes[0].id}").headers["Location"].endswith("/inspector/")
    auth.logout()
    auth.login("coord")  # the visit's page links each recorded part to its result
    done = task.agencies[0]
    visit = client.get(f"/coordinator/tasks/{task.id}").get_data(as_text=True)
    assert f"/entities/{task.entity_id}/records/inspection/{done.inspection_id}" in visit
    assert all("risk" in t for t in mine["items"])  # the active model's probability, None before scoring


def test_random_draw_results_are_weighted_by_selection_probability(app, client, auth, make) -> None:  # noqa: ANN001
    """The draw checks some strata more often than others: its share with findings, weighted by the inverse of
    each check's selection probability, estimates the share among all the entities it draws from."""
    from models import InspectionResult, SelectionReason, Severity, TaskAgency
    from regulator.services import campaign_results, task_results

    samr, mee = setup_world(make)
    campaign = published_campaign(samr, mee, "weights")
    parts = db.session.scalars(select(TaskAgency).join(InspectionTask, InspectionTask.id == TaskAgency.task_id)
                               .where(InspectionTask.campaign_id == campaign.id,
                                      TaskAgency.selection_reason == SelectionReason.RANDOM_DRAW)).all()
    assert len(parts) >= 2
    found, clean = parts[0], parts[1]
    found.selection_probability, clean.selection_probability = 0.5, 0.1  # the clean one stands for 10 entities
    violation = task_results.FoundViolation(code="X-1", severity=Severity.SERIOUS)
    for part, violations in ((found, [violation]), (clean, [])):
        task_results.record_result(part.task, part.agency_id, task_results.ResultInput(
            result=InspectionResult.FAIL if violations else InspectionResult.PASS, inspection_date=date(2025, 1, 9),
            violations=violations))
    db.session.commit()
    drawn = next(t for t in campaign_results.results(campaign)[1] if t.key == SelectionReason.RANDOM_DRAW)
    assert (drawn.done, drawn.violation_rate) == (2, 0.5)
    assert drawn.estimated_violation_rate == pytest.approx(2 / (2 + 10))
    assert drawn.estimated_serious_rate == pytest.approx(2 / 12)
    assert all(t.estimated_violation_rate is None for t in campaign_results.results(campaign)[0])  # per agency
    auth.login("coord")
    page = client.get(f"/coordinator/campaigns/{campaign.id}?lang=en").get_data(as_text=True)
    row = page.split('id="results-by-reason"')[1].split('data-key="random_draw"')[1].split("</tr>")[0]
    assert "17%" in row.split('class="text-end estimated"')[1]
    body = client.get(f"/api/v1/campaigns/{campaign.id}/results").get_json()
    assert next(t for t in body["by_reason"] if t["key"] == "random_draw")["estimated_violation_rate"] == \
        pytest.approx(1 / 6)
