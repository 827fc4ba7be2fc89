"""Browser walk: the relationship view draws an entity's neighbourhood, and clicking a neighbour opens it;
a coordinator sends a risk cluster to a new draft campaign."""

from __future__ import annotations

from datetime import date

import pytest

from models import Role
from regulator.graph import service

from ..regulator.graph_world import related_world
from .conftest import sign_in

pytestmark = pytest.mark.browser


def _node_point(page, node_id: str) -> tuple[float, float]:  # noqa: ANN001
    """Where Cytoscape drew a node on the page."""
    page.locator("#relationship-graph").scroll_into_view_if_needed()
    # Web fonts and the scroll move the canvas after Cytoscape cached its offset; let both settle first.
    page.evaluate("() => document.fonts.ready.then(() => new Promise(r => requestAnimationFrame(() => "
                  "requestAnimationFrame(r))))")
    page.wait_for_load_state("networkidle")
    pos = page.evaluate("id => window.relationshipGraph.getElementById(id).renderedPosition()", node_id)
    box = page.locator("#relationship-graph").bounding_box()
    return box["x"] + pos["x"], box["y"] + pos["y"]


def test_relationship_view_clicks_through_to_a_neighbour(live_server, page) -> None:  # noqa: ANN001
    """e4's view shows its shareholder, investee and the entities two hops away; clicking e5 opens e5."""
    make = live_server.make
    w = related_world(make)
    make.user("coord", Role.COORDINATOR, agency_id=make.agency().id)
    live_server.commit()

    sign_in(page, live_server, "coord")
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}") if m.type in ("warning", "error") else None)
    page.goto(f"{live_server.url}/entities/{w['e4'].id}")
    page.wait_for_selector("#relationship-graph[data-ready='1']")
    ids = page.evaluate("window.relationshipGraph.nodes().map(n => n.id())")
    assert {f"entity:{w['e5'].id}", f"entity:{w['e3'].id}", f"person:{w['li'].id}"} <= set(ids)
    # the same as text, for keyboards and screen readers
    page.click("#relationship-list summary")
    items = {page.locator(f"#relationship-list li:has(a[href='/entities/{w[e].id}'])").inner_text().split(" · ")[1]
             for e in ("e3", "e5")}
    assert any("李四" in item for item in items) and any(w["e4"].name in item for item in items), items
    assert console == []  # Cytoscape warned of a style it lacks (cursor) and of a custom wheel sensitivity
    x, y = _node_point(page, f"entity:{w['e5'].id}")
    page.mouse.move(x, y)
    assert page.eval_on_selector("#relationship-graph", "box => box.style.cursor") == "pointer"
    page.mouse.click(x, y)
    page.wait_for_url(f"{live_server.url}/entities/{w['e5'].id}")
    assert w["e5"].name in page.inner_text("h1")
    page.wait_for_selector("#relationship-graph[data-ready='1']")


def test_coordinator_sends_a_cluster_to_a_campaign(live_server, page) -> None:  # noqa: ANN001
    """From the risk-cluster list to the cluster, then to a new draft campaign."""
    make = live_server.make
    related_world(make)
    service.rebuild_clusters(date(2024, 6, 1))
    make.user("coord", Role.COORDINATOR, agency_id=make.agency().id)
    live_server.commit()

    sign_in(page, live_server, "coord")
    page.goto(live_server.url + "/coordinator/clusters")
    assert "Shared person" in page.inner_text("#clusters")
    page.locator("#clusters a.cluster-link").first.click()
    page.fill("#name", "关联企业联合检查")
    page.locator("#send-cluster button[type=submit]").click()
    page.wait_for_selector(".alert-success")
    assert "6 entities added" in page.inner_text(".alert-success")
