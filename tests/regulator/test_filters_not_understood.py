"""A list's filter that is not understood (an entity or agency that is no number, a date that is no date, a kind
that is none) is not silently dropped: the page says which filter it does not apply and why."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from models import AuditLog, MatchReview, Role
from regulator.extensions import db


def _notes(page: str) -> str:
    return page.split('class="alert alert-warning small filter-notes"')[1].split("</div></div>")[0]


def _reason(page: str) -> str:
    return page.split('<p class="error-reason">')[1].split("</p>")[0]


def test_an_error_page_says_the_reason_the_app_gave_and_no_other(app, client) -> None:  # noqa: ANN001
    """``abort(code, description=...)``: the page says the description, escaped; werkzeug's default description
    and a library's own exception (English, for developers) are not said."""
    from flask import abort
    from werkzeug.exceptions import BadRequest

    from regulator.access import public

    class LibraryError(BadRequest):
        description = "library default"

    @app.route("/_test/refused/<kind>")
    @public
    def _refused(kind: str):  # noqa: ANN202
        if kind == "reason":
            abort(400, description="<i>why</i> it was refused")
        if kind == "library":
            raise LibraryError("The CSRF token is missing.")
        abort(404)

    page = client.get("/_test/refused/reason?lang=en").get_data(as_text=True)
    assert "The request could not be handled." in page and _reason(page) == "&lt;i&gt;why&lt;/i&gt; it was refused"
    library = client.get("/_test/refused/library?lang=en")
    assert library.status_code == 400 and "error-reason" not in library.get_data(as_text=True)
    missing = client.get("/_test/refused/nothing?lang=en").get_data(as_text=True)
    assert "There is nothing here." in missing and "error-reason" not in missing
    nul = client.get("/search?q=a%00b&lang=en")
    assert nul.status_code == 400 and _reason(nul.get_data(as_text=True)) == "Text must not contain NUL characters."


def test_the_audit_log_says_which_filter_it_did_not_understand(app, make, client, auth) -> None:  # noqa: ANN001
    entity = make.entity()
    make.user("admin", Role.ADMIN)
    db.session.add_all([AuditLog(username="a", action="profile.view", entity_id=entity.id),
                        AuditLog(username="b", action="profile.view")])
    db.session.commit()
    auth.login("admin")
    page = client.get("/admin/audit?entity_id=abc&username=a&lang=en").get_data(as_text=True)
    assert ("The list is not filtered by “Entity”: “abc” is not a number from 1 to 2147483647."
            in _notes(page))
    assert 'name="entity_id" value="abc" aria-invalid="true"' in page
    assert page.count('<a href="/admin/audit?username=a">a</a>') == 1 and ">b</a>" not in page  # the others apply
    assert 'href="/admin/audit/export.csv?username=a&amp;lang=en"' in page  # the export link as the page filters
    dates = client.get("/admin/audit?since=2024-02-30&until=tomorrow&lang=en").get_data(as_text=True)
    assert "“From date”: “2024-02-30” is not a date (year-month-day, such as 2024-03-31)." in _notes(dates)
    assert "“Until”: “tomorrow” is not a date" in _notes(dates)
    zh = client.get("/admin/audit?entity_id=2147483648", headers={"Accept-Language": "zh-CN"})
    assert "2147483648" in _notes(zh.get_data(as_text=True))
    refused = client.get("/admin/audit/export.csv?entity_id=abc&lang=en")
    assert refused.status_code == 400
    assert _reason(refused.get_data(as_text=True)) == (
        "The audit log was not exported: a filter in the link is not understood. The list is not filtered by "
        "“Entity”: “abc” is not a number from 1 to 2147483647.")
    zh = client.get("/admin/audit/export.csv?entity_id=<b>abc</b>", headers={"Accept-Language": "zh-CN"})
    assert zh.status_code == 400
    said = _reason(zh.get_data(as_text=True))
    assert "列表未按“主体”筛选：“&lt;b&gt;abc&lt;/b&gt;”不是 1 至 2147483647 之间的数字。" in said
    assert db.session.query(AuditLog).filter_by(action="audit.export").count() == 0
    good = client.get(f"/admin/audit?entity_id={entity.id}&since=2000-01-01").get_data(as_text=True)
    assert "filter-notes" not in good and "aria-invalid" not in good


def test_the_review_queue_says_an_agency_that_is_no_number_is_not_applied(app, make, client, auth) -> None:  # noqa: ANN001
    samr = make.agency("SAMR")
    make.user("root", Role.ADMIN)
    candidate, provisional = make.entity("深圳市甲贸易有限公司"), make.entity("甲商行", uscc=None)
    inspection = make.inspection(provisional, samr)
    db.session.add(MatchReview(source_record_id=inspection.source_record_id, candidate_entity_id=candidate.id,
                               provisional_entity_id=provisional.id, probability=0.8, match_weights={}))
    db.session.commit()
    auth.login("root")
    page = client.get("/coordinator/reviews?agency=SAMR&lang=en").get_data(as_text=True)
    assert "“Agency of the record”: “SAMR” is not a number" in _notes(page)
    assert "filter-notes" not in client.get(f"/coordinator/reviews?agency={samr.id}").get_data(as_text=True)


def test_the_profile_timeline_says_a_kind_or_agency_it_does_not_know(app, make, client, auth) -> None:  # noqa: ANN001
    samr = make.agency("SAMR")
    entity = make.entity()
    for n in range(3):
        make.inspection(entity, samr, inspection_date=date(2024, 1, 1) + timedelta(days=n))
    make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    db.session.commit()
    auth.login("coord")
    page = client.get(f"/entities/{entity.id}?kind=inspections&agency=市场局&lang=en").get_data(as_text=True)
    notes = _notes(page)
    assert "“Kind of record”: “inspections” is not one of its choices." in notes
    assert "“Agency”: “市场局” is not a number" in notes
    assert page.count('class="timeline-row') == 3
    fine = client.get(f"/entities/{entity.id}?kind=inspection&agency={samr.id}").get_data(as_text=True)
    assert "filter-notes" not in fine and fine.count('class="timeline-row') == 3


def test_choice_filters_say_when_a_choice_is_none_of_theirs(app, make, client, auth) -> None:  # noqa: ANN001
    """A state, band, role or agency that the list does not offer: the list shows its default (or everything)
    and says which filter it did not apply; a choice it offers applies without a note."""
    samr = make.agency("SAMR")
    make.user("admin", Role.ADMIN)
    make.user("coord", Role.COORDINATOR, agency_id=samr.id)
    make.user("ent", Role.ENTERPRISE, entity_id=make.entity().id)
    db.session.commit()
    auth.login("admin")
    users = client.get("/admin/users?role=boss&state=asleep&agency=XYZ&lang=en").get_data(as_text=True)
    for label, value in (("Role", "boss"), ("Active", "asleep"), ("Agency", "XYZ")):
        assert f"The list is not filtered by “{label}”: “{value}” is not one of its choices." in _notes(users)
    assert all(name in users for name in (">admin<", ">coord<", ">ent<"))
    only = client.get("/admin/users?role=enterprise&agency=SAMR&lang=en").get_data(as_text=True)
    assert "filter-notes" not in only and ">ent<" not in only  # both applied: no enterprise user of SAMR
    reviews = client.get("/coordinator/reviews?state=maybe&band=hot&lang=en").get_data(as_text=True)
    assert "“State”: “maybe” is not one of its choices." in _notes(reviews)
    assert "“Match probability”: “hot” is not one of its choices." in _notes(reviews)
    assert '<option value="pending" selected>' in reviews  # the default it shows instead
    for queue in ("objections", "repairs"):
        page = client.get(f"/coordinator/{queue}?state=later&lang=en").get_data(as_text=True)
        assert "“State”: “later” is not one of its choices." in _notes(page), queue
        assert "filter-notes" not in client.get(f"/coordinator/{queue}?state=all").get_data(as_text=True)


def test_the_inspectors_list_says_which_filter_it_did_not_apply(app, make, client, auth) -> None:  # noqa: ANN001
    """An unknown class, agency code, order or 'done' value: a note, and the list as it would be without it;
    an agency code typed in small letters is the agency's."""
    samr = make.agency("SAMR")
    make.user("insp", Role.INSPECTOR, agency_id=samr.id)
    db.session.commit()
    auth.login("insp")
    page = client.get("/inspector/?credit_class=Z&agency=QQ&sort=bogus&done=maybe&lang=en").get_data(as_text=True)
    for label, value in (("Class", "Z"), ("Agency code", "QQ"), ("Order", "bogus"), ("Done too", "maybe")):
        assert f"The list is not filtered by “{label}”: “{value}” is not one of its choices." in _notes(page), label
    fine = client.get("/inspector/?credit_class=A&agency=samr&sort=window&lang=en").get_data(as_text=True)
    assert "filter-notes" not in fine and 'name="agency" value="SAMR"' in fine


def test_the_audit_log_says_so_of_an_unknown_role_and_of_dates_the_wrong_way_round(app, make, client,
                                                                                   auth) -> None:  # noqa: ANN001
    make.user("admin", Role.ADMIN)
    db.session.add_all([AuditLog(username="early", action="x.test", at=datetime(2024, 1, 5)),
                        AuditLog(username="late", action="x.test", at=datetime(2024, 3, 5))])
    db.session.commit()
    auth.login("admin")
    page = client.get("/admin/audit?role=boss&lang=en").get_data(as_text=True)
    assert "The list is not filtered by “Role”: “boss” is not one of its choices." in _notes(page)
    assert ">early</a>" in page and ">late</a>" in page
    dates = client.get("/admin/audit?since=2024-02-01&until=2024-01-01&lang=en").get_data(as_text=True)
    assert "“Until”: 2024-01-01 is before the “From date”, 2024-02-01" in _notes(dates)
    assert ">late</a>" in dates and ">early</a>" not in dates  # from the date on
    assert 'export.csv?since=2024-02-01&amp;lang=en"' in dates
