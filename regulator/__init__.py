"""Regulator: risk-based, multi-agency market supervision (the Flask application)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from models import Role

from .config import Config, config_from_env

PROJECT_ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger(__name__)


def create_app(config: type[Config] | Mapping[str, Any] | None = None) -> Flask:
    """Build the application from a config class or mapping (default: the environment's class)."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    if config is None or isinstance(config, type):
        app.config.from_object(config or config_from_env())
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_object(config_from_env())
        app.config.from_mapping(config)
    _finish_config(app)
    if app.config.get("PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=int(app.config["PROXY_COUNT"]))  # type: ignore[method-assign]

    from . import (
        access,
        auth_setup,
        caching,
        cli,
        db_setup,
        errors,
        i18n,
        observability,
        request_guards,
        security_headers,
        templating,
        views,
    )

    observability.init_app(app)
    caching.init_app(app)
    request_guards.init_app(app)
    security_headers.init_app(app)
    db_setup.init_app(app)
    i18n.init_app(app)
    templating.init_app(app)
    auth_setup.init_app(app)
    access.init_app(app)
    errors.init_app(app)
    views.init_app(app)
    cli.init_app(app)
    return app


def _finish_config(app: Flask) -> None:
    """Fill defaults that depend on the instance folder; refuse unsafe production settings."""
    instance = Path(app.instance_path)
    production = app.config.get("ENV_NAME") == "production"
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        if production:
            raise RuntimeError("DATABASE_URL must be set in production")
        instance.mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'regulator.db'}"
    roles = [r.value for r in Role]
    unknown = sorted(set(app.config.get("TWO_STEP_ROLES") or ()) - set(roles))
    if unknown:
        raise RuntimeError(f"TWO_STEP_ROLES names no such role: {', '.join(unknown)} (roles: {', '.join(roles)})")
    for key in ("SECRET_KEY", "PII_HASH_KEY"):
        value = app.config.get(key)
        if production and (not value or len(value) < 32):
            raise RuntimeError(f"{key} must be set to a random value of at least 32 characters in production")
        if not value:
            app.config[key] = _instance_secret(instance, key.lower())


def _instance_secret(instance: Path, name: str) -> str:
    """A random secret kept in the instance folder so that sessions survive restarts in development."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()
