"""The risk models' and the risk clusters' tables read on a phone: each row stacks as lines naming their columns,
as the other phone tables do; at 390 pixels both scrolled inside themselves, the models' Activate and
Evaluation report buttons and the clusters' member entities out of sight."""

from __future__ import annotations

from datetime import date

import pytest

from models import ClusterMember, CreditClass, ModelVersion, RiskCluster, Role
from regulator.extensions import db

from .conftest import sign_in

pytestmark = pytest.mark.browser

WIDTH = 390


def _fits(page, selector: str) -> None:  # noqa: ANN001
    for cell in page.locator(f"{selector} tbody td").all():
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, selector
    assert page.locator(selector).evaluate("t => t.scrollWidth <= t.clientWidth"), f"{selector} scrolls inside itself"


def test_the_models_and_clusters_tables_fit_a_phone(live_server, browser) -> None:  # noqa: ANN001
    make = live_server.make
    samr = make.agency("SAMR")
    make.user("admin1", Role.ADMIN)
    make.user("coord1", Role.COORDINATOR, agency_id=samr.id)
    metrics = {"n_test": 1234, "auc": 0.731, "random_draw_auc": 0.702}
    db.session.add_all([
        ModelVersion(version="risk-2026-03-01-a1b2c3", train_start=date(2023, 1, 1), train_end=date(2025, 12, 31),
                     features=[f"f{i}" for i in range(40)], metrics=metrics, data_fingerprint="9f" * 32,
                     active=True),
        ModelVersion(version="risk-2026-04-01-d4e5f6", train_start=date(2023, 2, 1), train_end=date(2026, 1, 31),
                     features=[f"f{i}" for i in range(42)], metrics=metrics, data_fingerprint="7e" * 32)])
    cluster = RiskCluster(build="2026-04-01-test", size=3, score=0.87, stats={"high_risk": 2}, reasons=[
        {"kind": "shared_person", "ref": 1, "label": "张*", "count": 3, "relations": []},
        {"kind": "shared_address", "ref": 2, "label": "深圳市南山区科技园某某大厦十二层", "count": 2, "relations": []}])
    db.session.add(cluster)
    db.session.flush()
    for name in ("深圳市手机阅读关联测试科技有限公司", "深圳市手机阅读关联测试贸易有限公司",
                 "深圳市手机阅读关联测试餐饮管理有限公司"):
        entity = make.entity(name, credit_class=CreditClass.C)
        db.session.add(ClusterMember(cluster_id=cluster.id, entity_id=entity.id))
    live_server.commit()
    context = browser.new_context(viewport={"width": WIDTH, "height": 800}, locale="en-GB")
    context.set_default_timeout(15000)
    page = context.new_page()
    sign_in(page, live_server, "admin1")
    page.goto(f"{live_server.url}/admin/models?lang=en")
    _fits(page, "#risk-models")
    buttons = (page.get_by_role("button", name="Activate"), page.get_by_role("link", name="Evaluation report").last)
    for button in buttons:
        box = button.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH
    features = page.locator("#risk-models tbody td[data-label]").nth(4)
    assert "Features" in features.evaluate("c => getComputedStyle(c, '::before').content")
    page.context.clear_cookies()
    sign_in(page, live_server, "coord1")
    page.goto(f"{live_server.url}/coordinator/clusters?lang=en")
    _fits(page, "#clusters")
    entities = page.locator("#clusters tbody td").last
    assert "Entities" in entities.evaluate("c => getComputedStyle(c, '::before').content")
    context.close()
