"""Enterprises open their own accounts with the credit code and their legal representative's name and ID number
as the register holds them; wrong details are refused without saying which, counted per entity, and stop
registration for the entity for a day after five; the entity's existing users hear of each new account."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from models import AuditLog, EntityRole, Notification, Person, PersonRole, Role, User
from regulator.extensions import db
from regulator.identifiers import resident_id_check_char
from regulator.privacy import hash_id_number
from regulator.text import normalise_person_name

ID17 = "44030519800101123"
ID_NUMBER = ID17 + resident_id_check_char(ID17)


def _entity_with_representative(app, make, name="张伟", id_number=ID_NUMBER, **role):  # noqa: ANN001, ANN202
    entity = make.entity("深圳市自助注册测试有限公司")
    person = Person(name=name, name_norm=normalise_person_name(name),
                    id_hash=hash_id_number(id_number, app.config["PII_HASH_KEY"]), id_masked="440305**********")
    db.session.add(person)
    db.session.flush()
    db.session.add(EntityRole(entity_id=entity.id, person_id=person.id, role=PersonRole.LEGAL_REPRESENTATIVE, **role))
    db.session.commit()
    return entity


def _form(entity, **over):  # noqa: ANN001, ANN202
    form = {"code": entity.uscc, "representative": "张伟", "id_number": ID_NUMBER, "username": "zhangwei",
            "display_name": "张伟", "email": "zw@example.com", "password": "own-account-123",
            "confirm": "own-account-123"}
    return {**form, **over}


def test_an_enterprise_opens_its_own_account_with_its_representatives_details(app, make, client) -> None:  # noqa: ANN001
    entity = _entity_with_representative(app, make)
    make.user("existing", Role.ENTERPRISE, entity_id=entity.id)
    db.session.commit()
    assert 'href="/auth/register"' in client.get("/auth/login?lang=en").get_data(as_text=True)
    typed = " ".join(entity.uscc[i:i + 4] for i in range(0, 18, 4)).lower()  # as people type it
    response = client.post("/auth/register", data=_form(entity, code=typed, id_number=ID_NUMBER.lower(),
                                                         representative=" 张伟 "))
    assert response.status_code == 302 and response.headers["Location"].endswith("/enterprise/")
    user = db.session.scalar(select(User).where(User.username == "zhangwei"))
    assert (user.role, user.entity_id, user.email) == (Role.ENTERPRISE, entity.id, "zw@example.com")
    assert "深圳市自助注册测试有限公司" in client.get("/enterprise/").get_data(as_text=True)  # signed in, own entity
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "enterprise.register")).entity_id == entity.id
    existing = db.session.scalar(select(User.id).where(User.username == "existing"))
    told = db.session.scalar(select(Notification).where(Notification.user_id == existing))
    assert told.kind == "account.registered" and told.details == {"username": "zhangwei"}
    assert client.get("/auth/register").status_code == 302  # signed in already


def test_wrong_details_are_refused_counted_and_stop_the_entity_for_a_day(app, make, client) -> None:  # noqa: ANN001
    entity = _entity_with_representative(app, make)
    wrong_id = ID17[:-1] + "9" + "1"
    said = "do not match the register"
    for form in (_form(entity, id_number=wrong_id), _form(entity, representative="李伟"),
                 _form(entity, id_number=wrong_id), _form(entity, id_number=wrong_id),
                 _form(entity, id_number=wrong_id)):
        response = client.post("/auth/register?lang=en", data=form)
        assert response.status_code == 400 and said in response.get_data(as_text=True)
    failed = db.session.scalars(select(AuditLog).where(AuditLog.action == "enterprise.register_failed")).all()
    assert len(failed) == 5 and all(f.entity_id == entity.id for f in failed)
    assert all(wrong_id not in str(f.details) and "李伟" not in str(f.details) for f in failed)  # no PII kept
    # the sixth try, right this time, waits a day: guessing is bounded per entity, whoever guesses
    blocked = client.post("/auth/register?lang=en", data=_form(entity))
    assert "Too many failed tries" in blocked.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.username == "zhangwei")) is None


def test_a_former_representative_or_an_entity_without_an_id_on_record_cannot(app, make, client) -> None:  # noqa: ANN001
    entity = _entity_with_representative(app, make, end_date=date.today() - timedelta(days=30))
    former = client.post("/auth/register?lang=en", data=_form(entity)).get_data(as_text=True)
    assert "holds no ID number of this entity" in former
    bare = make.entity()
    db.session.commit()
    assert "ask an administrator" in client.post("/auth/register?lang=en", data=_form(bare)).get_data(as_text=True)
    unknown = client.post("/auth/register?lang=en", data=_form(entity, code="91440300MA5DXXXXXX"))
    assert "not a valid unified social credit code" in unknown.get_data(as_text=True)
    assert db.session.scalar(select(User)) is None


def test_the_account_part_of_the_form_is_checked_like_any_account(app, make, client) -> None:  # noqa: ANN001
    entity = _entity_with_representative(app, make)
    make.user("zhangwei", Role.INSPECTOR, agency_id=make.agency().id)
    db.session.commit()
    taken = client.post("/auth/register?lang=en", data=_form(entity)).get_data(as_text=True)
    assert "The username “zhangwei” is taken" in taken
    weak = client.post("/auth/register?lang=en", data=_form(entity, username="zw2", password="aaaaaaaaaaaa",
                                                              confirm="aaaaaaaaaaaa")).get_data(as_text=True)
    assert "must mix letters with digits or symbols" in weak
    assert db.session.scalar(select(User).where(User.role == Role.ENTERPRISE)) is None
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "enterprise.register_failed")) is None


def test_a_platform_may_turn_registration_off(app, make, client) -> None:  # noqa: ANN001
    entity = _entity_with_representative(app, make)
    app.config["ENTERPRISE_REGISTRATION"] = False
    assert client.get("/auth/register").status_code == 404
    assert client.post("/auth/register", data=_form(entity)).status_code == 404
    assert 'href="/auth/register"' not in client.get("/auth/login").get_data(as_text=True)


def test_an_enterprise_sees_every_account_of_its_entity_and_no_other(app, make, client, auth) -> None:  # noqa: ANN001
    entity = _entity_with_representative(app, make)
    make.user("existing", Role.ENTERPRISE, entity_id=entity.id, display_name="老账号")
    make.user("elsewhere", Role.ENTERPRISE, entity_id=make.entity().id)
    make.user("gone", Role.ENTERPRISE, entity_id=entity.id, active=False)
    db.session.commit()
    client.post("/auth/register", data=_form(entity))
    page = client.get("/auth/account?lang=en").get_data(as_text=True)
    listed = page.split('id="colleagues"', 1)[1].split("</table>", 1)[0]
    assert "zhangwei" in listed and "existing" in listed and "老账号" in listed
    assert "elsewhere" not in listed and "gone" not in listed and "zw@example.com" not in listed
    auth.logout()
    make.user("coord", Role.COORDINATOR, agency_id=make.agency().id)
    db.session.commit()
    auth.login("coord")
    assert 'id="colleagues"' not in client.get("/auth/account").get_data(as_text=True)
