"""Signing in and out: hashing, lockout, rate limit, safe redirects, CSRF, cookies, production guard."""

from __future__ import annotations

import pytest

from models import AuditLog, Role, User
from regulator import create_app
from regulator.extensions import db
from regulator.services.users import UserError, authenticate, create_user


def test_login_redirects_each_role_home(app, make, client) -> None:  # noqa: ANN001
    """Each role lands on its own area."""
    agency = make.agency()
    entity = make.entity()
    make.user("a", Role.ADMIN)
    make.user("c", Role.COORDINATOR, agency_id=agency.id)
    make.user("i", Role.INSPECTOR, agency_id=agency.id)
    make.user("e", Role.ENTERPRISE, entity_id=entity.id)
    db.session.commit()
    for username, home in [("a", "/admin/"), ("c", "/coordinator/"), ("i", "/inspector/"), ("e", "/enterprise/")]:
        c = app.test_client()
        response = c.post("/auth/login", data={"username": username, "password": "test-password-123"})
        assert response.status_code == 302 and response.headers["Location"] == home
        assert c.get(home).status_code == 200


def test_passwords_are_hashed_strongly(app) -> None:  # noqa: ANN001
    """Created users get a scrypt hash, never the clear password."""
    make_agency = __import__("tests.factories", fromlist=["Factory"]).Factory().agency
    make_agency()
    user = create_user("alice", "correct-horse-9", Role.COORDINATOR, agency_code="SAMR")
    assert user.password_hash.startswith("scrypt:")
    assert "correct-horse-9" not in user.password_hash


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"role": Role.INSPECTOR}, "must belong to an agency"),
    ({"role": Role.ENTERPRISE}, "bound to an existing market entity"),
    ({"role": Role.ADMIN, "agency_code": "SAMR"}, "does not belong to an agency"),
    ({"role": Role.ADMIN, "password": "short"}, "at least 10"),
])
def test_user_binding_rules(app, make, kwargs, message) -> None:  # noqa: ANN001
    """Staff need an agency, enterprise users an entity, nobody a weak password."""
    make.agency()
    kwargs = dict(kwargs)
    password = kwargs.pop("password", "long-enough-1")
    with pytest.raises(UserError, match=message):
        create_user("bob", password, **kwargs)


def test_wrong_password_is_refused_and_audited(app, make, client) -> None:  # noqa: ANN001
    """A failed sign-in answers 401, says nothing about which part was wrong, and is logged."""
    make.user("a", Role.ADMIN)
    db.session.commit()
    response = client.post("/auth/login", data={"username": "a", "password": "nope-nope-nope"})
    assert response.status_code == 401
    assert b"Unknown username or wrong password" in response.data
    assert db.session.query(AuditLog).filter_by(action="login.failed").count() == 1


def test_lockout_after_repeated_failures(app, make) -> None:  # noqa: ANN001
    """Five failures lock the account; the right password is then refused too."""
    make.user("a", Role.ADMIN)
    db.session.commit()
    for _ in range(5):
        assert authenticate("a", "wrong-password-1") == (None, "invalid")
    assert authenticate("a", "test-password-123") == (None, "locked")


def test_deactivated_account_cannot_sign_in(app, make) -> None:  # noqa: ANN001
    """An inactive account is refused."""
    make.user("a", Role.ADMIN, active=False)
    assert authenticate("a", "test-password-123") == (None, "inactive")


def test_login_is_rate_limited(database_url: str) -> None:
    """The eleventh POST within a minute from one address gets 429."""
    from tests.conftest import _config

    app = create_app(_config(database_url, RATELIMIT_ENABLED=True))
    client = app.test_client()
    codes = [client.post("/auth/login", data={"username": "x", "password": "y"}).status_code for _ in range(11)]
    assert codes[:10] == [401] * 10 and codes[10] == 429
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("path", ["/auth/reset", "/auth/register"])
def test_password_links_and_registration_are_rate_limited_like_signing_in(database_url: str, path: str) -> None:
    """Guessing ID numbers on the registration form, or mailing links at someone, is as slow as guessing passwords."""
    from tests.conftest import _config

    app = create_app(_config(database_url, RATELIMIT_ENABLED=True, MAIL_SERVER="127.0.0.1", BASE_URL="http://x"))
    client = app.test_client()
    codes = [client.post(path, data={}).status_code for _ in range(11)]
    assert 429 not in codes[:10] and codes[10] == 429
    with app.app_context():
        db.engine.dispose()


def test_language_chosen_before_signing_in_stays_and_is_remembered(app, make) -> None:  # noqa: ANN001
    """Choosing 中文 on the sign-in page keeps Chinese after signing in (the session is renewed then), and
    the account remembers it for the next sign-in from another browser."""
    make.user("c", Role.COORDINATOR, agency_id=make.agency().id)
    db.session.commit()
    browser = app.test_client()
    browser.get("/auth/lang/zh_Hans_CN")
    browser.post("/auth/login", data={"username": "c", "password": "test-password-123"})
    english = {"Accept-Language": "en"}
    assert "协调" in browser.get("/coordinator/", headers=english).get_data(as_text=True)
    assert db.session.get(User, db.session.scalar(db.select(User.id).where(User.username == "c"))).locale \
        == "zh_Hans_CN"
    other = app.test_client()
    other.post("/auth/login", data={"username": "c", "password": "test-password-123"})
    assert "协调" in other.get("/coordinator/", headers=english).get_data(as_text=True)
    other.get("/auth/lang/en")
    assert "Coordination" in other.get("/coordinator/", headers=english).get_data(as_text=True)
    account = db.session.scalar(db.select(User).where(User.username == "c"))
    db.session.refresh(account)
    assert account.locale == "zh_Hans_CN"  # a link (or another site's image) changes no account
    page = other.get("/coordinator/").get_data(as_text=True)
    assert 'method="post" action="/auth/lang/zh_Hans_CN"' in page  # the bar's switch is a form
    assert other.post("/auth/lang/zh_Hans_CN", data={"next": "/coordinator/"}).headers["Location"] == "/coordinator/"
    db.session.refresh(account)
    assert account.locale == "zh_Hans_CN" and "协调" in other.get("/coordinator/").get_data(as_text=True)
    other.post("/auth/lang/en", data={"next": "https://evil.example/"})
    db.session.refresh(account)
    assert account.locale == "en"


def test_the_language_switch_posts_with_csrf(app, make, client, auth) -> None:  # noqa: ANN001
    """With CSRF on, a signed-in user's switch is refused without the form's token and taken with it."""
    make.user("c2", Role.COORDINATOR, agency_id=make.agency().id)
    db.session.commit()
    auth.login("c2")
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/auth/lang/zh_Hans_CN").status_code == 400
    page = client.get("/auth/account").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post("/auth/lang/zh_Hans_CN", data={"csrf_token": token}).status_code == 302
    assert db.session.scalar(db.select(User.locale).where(User.username == "c2")) == "zh_Hans_CN"


def test_next_parameter_cannot_redirect_off_site(app, make, client) -> None:  # noqa: ANN001
    """?next= only accepts same-site paths."""
    make.user("a", Role.ADMIN)
    db.session.commit()
    response = client.post("/auth/login?next=https://evil.example/", data={"username": "a",
                                                                            "password": "test-password-123"})
    assert response.headers["Location"] == "/admin/"
    client.post("/auth/logout")
    response = client.post("/auth/login?next=/admin/audit", data={"username": "a",
                                                                   "password": "test-password-123"})
    assert response.headers["Location"] == "/admin/audit"


def test_csrf_is_required_on_forms(database_url: str) -> None:
    """With CSRF on (as in production), a POST without the token is refused."""
    from tests.conftest import _config

    app = create_app(_config(database_url, WTF_CSRF_ENABLED=True))
    response = app.test_client().post("/auth/login", data={"username": "a", "password": "b"})
    assert response.status_code == 400
    with app.app_context():
        db.engine.dispose()


def test_production_refuses_to_start_without_secrets(monkeypatch) -> None:  # noqa: ANN001
    """No SECRET_KEY (or a short one) in production: the app does not start."""
    from regulator.config import ProductionConfig

    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", None)
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", "sqlite://")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "short")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_cookies_are_secure() -> None:
    """Session cookies are HttpOnly, SameSite and Secure in production."""
    from regulator.config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.SESSION_COOKIE_HTTPONLY
    assert ProductionConfig.SESSION_COOKIE_SAMESITE == "Lax" and ProductionConfig.REMEMBER_COOKIE_SECURE


def test_users_create_command(app, make, runner) -> None:  # noqa: ANN001
    """`flask users create` makes an account bound as asked, and explains a bad binding."""
    make.agency("MEE")
    db.session.commit()
    result = runner.invoke(args=["users", "create", "--username", "li", "--role", "inspector",
                                 "--agency", "MEE", "--password", "pass-word-123"])
    assert result.exit_code == 0, result.output
    assert db.session.query(User).filter_by(username="li").one().agency.code == "MEE"
    result = runner.invoke(args=["users", "create", "--username", "wang", "--role", "inspector",
                                 "--password", "pass-word-123"])
    assert result.exit_code != 0 and "must belong to an agency" in result.output
    entity = make.entity("深圳市命令行绑定有限公司")
    db.session.commit()
    result = runner.invoke(args=["users", "create", "--username", "ent", "--role", "enterprise",
                                 "--entity", entity.uscc, "--password", "pass-word-123"])
    assert result.exit_code == 0, result.output
    assert db.session.query(User).filter_by(username="ent").one().entity_id == entity.id
    result = runner.invoke(args=["users", "create", "--username", "ent2", "--role", "enterprise",
                                 "--entity", "91440300MA5XXXXXX0", "--password", "pass-word-123"])
    assert result.exit_code != 0 and "No market entity has the credit code or id" in result.output


@pytest.mark.parametrize("target", ["/%5Cevil.example/", "/%5C/evil.example/", "/%09/evil.example/",
                                    "/%0D%0A/evil.example/"])
def test_next_parameter_with_a_backslash_or_control_character_stays_on_site(app, make, client,
                                                                            target: str) -> None:  # noqa: ANN001
    """Browsers read ``/\\evil.example`` as ``//evil.example`` (and drop tabs and line breaks): such a next is
    refused after signing in and after switching the language."""
    make.user("a", Role.ADMIN)
    db.session.commit()
    response = client.post(f"/auth/login?next={target}", data={"username": "a", "password": "test-password-123"})
    assert response.headers["Location"] == "/admin/"
    assert client.get(f"/auth/lang/en?next={target}").headers["Location"] == "/admin/"


def test_sign_in_rate_limit_counts_each_caller_behind_the_proxy(database_url: str) -> None:
    """Behind the reverse proxy every request comes from its address: the sign-in limit counts the caller's
    address from X-Forwarded-For, so one caller's failures do not lock everybody else out of signing in."""
    from tests.conftest import _config

    app = create_app(_config(database_url, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute", PROXY_COUNT=1))
    client = app.test_client()

    def attempt(caller: str) -> int:
        return client.post("/auth/login", data={"username": "nobody", "password": "wrong-password-1"},
                           headers={"X-Forwarded-For": caller},
                           environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code

    assert [attempt("203.0.113.7") for _ in range(3)] == [401, 401, 429]
    assert attempt("198.51.100.9") == 401
    with app.app_context():
        db.engine.dispose()


def test_production_trusts_one_proxy() -> None:
    """Production runs behind one proxy (docs/deploy.md) unless told otherwise."""
    from regulator.config import Config, ProductionConfig

    assert ProductionConfig.PROXY_COUNT == 1 and Config.PROXY_COUNT == 0
