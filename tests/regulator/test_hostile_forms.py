"""Every form of the web UI, filled with oversized and out-of-range values, answers without a server error.

The test signs in as each role, opens every page that takes a POST (ids taken from a small world of one of
each object), reads the page's form fields and sends them back with hostile values: text far longer than
any column, numbers beyond 64 bits, dates at the edge of the calendar. PostgreSQL refuses what does not
fit a column (SQLite keeps it), so these are the requests that turned into 500s; a form must refuse them
as field errors instead. What a form then accepted must also fit the database, so the test ends with the
data still readable.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from flask import url_for
from sqlalchemy import select

from models import (
    ApiToken,
    Campaign,
    CampaignStatus,
    CreditRepair,
    EntityEvent,
    InspectionTask,
    MarketEntity,
    MatchReview,
    Objection,
    Referral,
    RiskCluster,
    Role,
    SourceRecord,
    User,
)
from regulator.extensions import db

LONG_TEXT = "长" * 6000
HUGE_NUMBER = "9" * 40
ARGUMENT_MODELS = {"token_id": ApiToken, "user_id": User, "campaign_id": Campaign, "cluster_id": RiskCluster,
                   "entity_id": MarketEntity, "event_id": EntityEvent, "objection_id": Objection,
                   "source_id": SourceRecord, "referral_id": Referral, "repair_id": CreditRepair,
                   "review_id": MatchReview, "task_id": InspectionTask}
#: a campaign's steps, in their order
STEPS = ("commit", "draw", "plan", "publish")
#: steps and uploads that other tests cover; logging out would end the round
SKIPPED = re.compile(r"^/(api|static)/|/logout$|/imports$")


class _Fields(HTMLParser):
    """The named fields of the page's forms with hostile values (selects keep their first option).

    ``edge``: values at the limits the page itself states (``maxlength``, ``max``), which the form accepts,
    so what the database then refuses shows; otherwise values beyond any limit, which the form must refuse.
    """

    def __init__(self, edge: bool, day: str) -> None:
        super().__init__()
        self.edge, self.day = edge, day
        self.fields: dict[str, str] = {}
        self._select: str | None = None

    def _text(self, a: dict[str, str | None]) -> str:
        limit = a.get("maxlength")
        return "长" * int(limit) if self.edge and limit else LONG_TEXT

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and self._select not in self.fields:
            self.fields[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self.fields[name] = self._text(a)
        elif tag == "input" and name and name != "csrf_token":
            kind = (a.get("type") or "text").lower()
            if kind in ("number", "range") or name.startswith("capacity-"):
                self.fields[name] = (a.get("max") or "1") if self.edge else HUGE_NUMBER
            elif kind == "date":
                self.fields[name] = self.day
            elif kind in ("checkbox", "radio"):
                self.fields.setdefault(name, a.get("value") or "y")
            elif kind == "email":
                self.fields[name] = "a@" + "b" * 300 + ".cn"
            elif "amount" in name:
                self.fields[name] = "99999999999999.99" if self.edge else "NaN"
            elif kind in ("text", "search", "password", "tel", "url"):
                self.fields[name] = self._text(a)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def _world(make) -> None:  # noqa: ANN001
    from regulator.services import objections

    samr = make.agency("SAMR")
    make.agency("MEE")
    entity = make.entity("深圳市表单测试贸易有限公司")
    violation = make.violation(entity, samr)
    make.enforcement(entity, samr)
    make.user("root", Role.ADMIN)
    make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    inspector = make.user("insp", Role.INSPECTOR, agency_id=samr.id)
    owner = make.user("owner", Role.ENTERPRISE, entity_id=entity.id)
    task = make.task(entity, [samr], [inspector])
    task.campaign.status = CampaignStatus.PUBLISHED
    objections.submit(owner, "violation", violation.id, "原因", "")
    db.session.commit()


def _urls(app, method: str = "POST") -> list[str]:  # noqa: ANN001
    """A URL of every ``method`` route whose arguments the world has an object for (the newest one)."""
    ids = {arg: db.session.scalar(select(model.id).order_by(model.id.desc()).limit(1)) or 1
           for arg, model in ARGUMENT_MODELS.items()}
    ids.update(kind="violation", record_id=db.session.scalar(select(Objection.record_id)) or 1,
               target_type="enforcement_action", target_id=1, version="v1")
    urls = []
    for rule in app.url_map.iter_rules():
        if method not in rule.methods or SKIPPED.search(rule.rule) or not rule.arguments <= set(ids) | {"step"}:
            continue
        with app.test_request_context():
            for step in STEPS if "step" in rule.arguments else (None,):
                args = {a: step if a == "step" else ids[a] for a in rule.arguments}
                urls.append(url_for(rule.endpoint, **args))
    return list(dict.fromkeys(urls))


def test_every_form_refuses_oversized_values_without_a_server_error(app, make, client, auth) -> None:  # noqa: ANN001
    _world(make)
    posted = set()
    # values the forms accept, with dates at either end of the calendar; then values they must refuse
    modes = ((True, "9999-12-31"), (True, "0001-01-01"), (False, "0001-01-01"))
    rounds = [(user, edge, day) for edge, day in modes for user in ("insp", "root", "coord", "owner")]
    for username, edge, day in rounds:  # a referral first, the objection withdrawn last
        auth.login(username)
        for url in _urls(app):
            page = client.get(url)
            if page.status_code == 405:  # a form posted from the page above it (a task's result form)
                page = client.get(url.rsplit("/", 1)[0])
            parser = _Fields(edge, day)
            if page.status_code == 200:
                parser.feed(page.get_data(as_text=True))
            response = client.post(url, data=parser.fields or {"reason": LONG_TEXT})
            assert response.status_code < 500, (username, url, response.status_code)
            if parser.fields:
                posted.add(url)
        auth.logout()
    assert len(posted) >= 8, posted
    for username in ("insp", "root", "coord", "owner"):  # what was accepted shows on every page
        auth.login(username)
        for url in _urls(app, "GET"):
            assert client.get(url).status_code < 500, (username, url)
        auth.logout()
