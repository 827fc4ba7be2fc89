"""Configuration from the environment, with an instance-folder override."""

from __future__ import annotations

import os
from datetime import timedelta


class Config:
    """Defaults for every environment; each value can be overridden by an environment variable."""

    ENV_NAME = "development"
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI: str | None = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    #: PostgreSQL settings for every connection the app opens (``name=value`` pairs, comma-separated; not used
    #: on SQLite). deploy/gunicorn.conf.py sets ``max_parallel_workers_per_gather=0`` for the web workers.
    DB_SESSION_SETTINGS: str = os.environ.get("DB_SESSION_SETTINGS", "")
    #: executions of a statement on a connection before psycopg prepares it on the server ("" for psycopg's
    #: default, 5; "off" behind a PgBouncer in transaction mode that does not track prepared statements)
    DB_PREPARE_THRESHOLD: str = os.environ.get("DB_PREPARE_THRESHOLD", "")
    #: keyed hash for ID numbers (salted with this secret so equal IDs still join)
    PII_HASH_KEY: str | None = os.environ.get("PII_HASH_KEY")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=7)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    WTF_CSRF_TIME_LIMIT = None

    BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_Hans_CN", "en")

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute"
    #: per API token / user / address, on every /api/v1 resource (429 with the JSON error shape beyond it)
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "1200 per minute")
    #: roles that must sign in in two steps (a code from an authenticator app), comma-separated: "admin,coordinator"
    TWO_STEP_ROLES = tuple(r.strip() for r in os.environ.get("TWO_STEP_ROLES", "").split(",") if r.strip())
    #: seconds between the password and the code before signing in starts again
    TWO_STEP_TIMEOUT = 300
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCKOUT = timedelta(minutes=15)

    #: the address users reach the platform at (``https://regulator.example.gov``): links in mails start with it
    BASE_URL: str | None = os.environ.get("BASE_URL")
    #: host names the platform answers to (Flask refuses any other ``Host`` with 400): links that pages and
    #: downloads build from a request then cannot point elsewhere; unset, every host is served
    TRUSTED_HOSTS: list[str] | None = [h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",")
                                       if h.strip()] or None
    #: reverse proxies in front that append the caller's address to ``X-Forwarded-For`` (werkzeug's ProxyFix
    #: trusts that many): without it every caller has the proxy's address, so the sign-in rate limit, counted per
    #: address, was one limit for everybody and the audit log recorded the proxy
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    #: the SMTP server that sends mail (none: no mail is sent; notices stay on the platform)
    MAIL_SERVER: str | None = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "").lower() in ("1", "true", "yes")
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "").lower() in ("1", "true", "yes")
    MAIL_USERNAME: str | None = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD: str | None = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER: str | None = os.environ.get("MAIL_DEFAULT_SENDER", "regulator@localhost")
    #: seconds to wait for the mail server
    MAIL_TIMEOUT = int(os.environ.get("MAIL_TIMEOUT", "20"))
    #: notices older than this when a run of ``flask notices mail`` finds them are not mailed (a first run after
    #: mail is set up does not send months of notices)
    MAIL_NOTICE_MAX_AGE = timedelta(days=3)
    #: enterprises may open their own accounts, proven by their legal representative's name and ID number
    ENTERPRISE_REGISTRATION = os.environ.get("ENTERPRISE_REGISTRATION", "1").lower() not in ("0", "false", "no")
    #: failed tries to register for one entity within a day before its registration waits a day
    REGISTRATION_MAX_FAILURES = 5
    #: a campaign's recorded results must be public within this many working days of the visit ("double random,
    #: one public"), on the working-day calendar of this country (ISO code, the ``holidays`` package)
    RESULTS_PUBLICATION_WORKING_DAYS = 20
    WORKING_DAYS_COUNTRY = os.environ.get("WORKING_DAYS_COUNTRY", "CN")
    #: working days from its submission in which an objection, or a credit repair application, is to be decided
    #: (set them to the rules the agencies apply)
    OBJECTION_DECISION_WORKING_DAYS = int(os.environ.get("OBJECTION_DECISION_WORKING_DAYS", "15"))
    REPAIR_DECISION_WORKING_DAYS = int(os.environ.get("REPAIR_DECISION_WORKING_DAYS", "15"))
    #: seconds a link that sets a new password stays valid
    PASSWORD_RESET_MAX_AGE = 3600

    MAX_CONTENT_LENGTH = 512 * 1024 * 1024
    #: the largest JSON body the API parses (a file upload may be larger: it is read as it streams, JSON is not)
    API_JSON_MAX_BYTES = int(os.environ.get("API_JSON_MAX_BYTES", str(64 * 1024 * 1024)))
    PAGE_SIZE = 50
    #: "json" or "text" to configure logging with request ids; unset leaves logging to the host
    LOG_FORMAT: str | None = os.environ.get("LOG_FORMAT")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")


class DevelopmentConfig(Config):
    """Local use and the demo: a SQLite file in the instance folder."""


class TestingConfig(Config):
    """The test suite: CSRF off for the test client (browser tests turn it back on)."""

    ENV_NAME = "testing"
    TESTING = True
    WTF_CSRF_ENABLED = False
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105 - tests only
    PII_HASH_KEY = "test-pii-key"
    RATELIMIT_ENABLED = False
    MAIL_SERVER = None
    BASE_URL = None


class ProductionConfig(Config):
    """Production: PostgreSQL via DATABASE_URL, secrets from the environment, secure cookies."""

    ENV_NAME = "production"
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    #: gunicorn listens on 127.0.0.1 behind one reverse proxy (docs/deploy.md); 0 where nothing is in front
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "1"))
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_pre_ping": True,
        "pool_size": int(os.environ.get("DB_POOL_SIZE", "10")),
        "max_overflow": int(os.environ.get("DB_MAX_OVERFLOW", "20")),
        "pool_recycle": 1800,
    }


CONFIGS = {"development": DevelopmentConfig, "testing": TestingConfig, "production": ProductionConfig}


def config_from_env() -> type[Config]:
    """Pick the configuration class named by REGULATOR_ENV (development by default)."""
    name = os.environ.get("REGULATOR_ENV", "development").lower()
    if name not in CONFIGS:
        raise RuntimeError(f"REGULATOR_ENV={name!r} is not one of {sorted(CONFIGS)}")
    return CONFIGS[name]
