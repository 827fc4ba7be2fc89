"""Per-agency API tokens: issued once in clear, stored as SHA-256, revocable, scoped by role."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from models import Agency, ApiToken, Role

from ..extensions import db
from . import audit

TOKEN_PREFIX = "rgt_"  # noqa: S105 - a prefix, not a secret
#: ``read``: GET/HEAD/OPTIONS; ``write``: every other method (within what the token's role may do)
SCOPES = ("read", "write")
TOKEN_ROLES = (Role.COORDINATOR, Role.INSPECTOR)
#: how stale a token's ``last_used_at`` may grow before a call writes it again
LAST_USE_PRECISION = timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class TokenPrincipal:
    """The caller behind an API token: acts with the token's role on behalf of its agency."""

    token_id: int
    name: str
    role: Role
    agency_id: int
    scopes: list[str] = field(default_factory=list)
    id: None = None
    entity_id: None = None
    locale: None = None
    is_authenticated: bool = True
    is_active: bool = True
    is_anonymous: bool = False

    @property
    def username(self) -> str:
        return f"token:{self.name}"

    def get_id(self) -> None:
        return None

    def may(self, scope: str) -> bool:
        """True when the token was granted ``scope`` (tokens issued without scopes hold both)."""
        return not self.scopes or scope in self.scopes


def scope_for(method: str) -> str:
    """The scope an HTTP method needs."""
    return "read" if method in ("GET", "HEAD", "OPTIONS") else "write"


def issue_token(agency: Agency, name: str, role: Role | str = Role.COORDINATOR,
                scopes: list[str] | None = None, created_by_id: int | None = None,
                expires_at: datetime | None = None) -> tuple[str, ApiToken]:
    """Create a token; the clear text is returned once and never stored."""
    role = Role(role)
    if role not in TOKEN_ROLES:
        raise ValueError("agency tokens act as coordinators or inspectors only")
    scopes = list(scopes) if scopes else list(SCOPES)
    if not scopes or set(scopes) - set(SCOPES):
        raise ValueError(f"scopes must be among {list(SCOPES)}")
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(agency_id=agency.id, name=name, prefix=clear[:10], token_hash=_digest(clear), role=role,
                     scopes=scopes, created_by_id=created_by_id, expires_at=expires_at)
    db.session.add(token)
    db.session.flush()
    audit.record("token.issue", object_type="api_token", object_id=token.id, agency=agency.code, name=name,
                 role=str(role), scopes=scopes)
    return clear, token


def revoke_token(token: ApiToken) -> None:
    """Revoke a token from now on (revoking twice keeps the first time)."""
    if token.revoked_at is not None:
        return
    token.revoked_at = datetime.now(UTC)
    audit.record("token.revoke", object_type="api_token", object_id=token.id)


def bearer(header: str) -> str | None:
    """The token of an ``Authorization: Bearer ...`` header, or None; the scheme's name is case-insensitive
    (RFC 9110), so ``bearer`` and ``BEARER`` work as well."""
    scheme, _, credentials = header.strip().partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" else None


def principal_for(clear: str) -> TokenPrincipal | None:
    """The principal for a presented token, or None when unknown, revoked or expired."""
    if not clear.startswith(TOKEN_PREFIX) or len(clear) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(clear)))
    now = datetime.now(UTC)
    if token is None or token.revoked_at is not None:
        return None
    if expired(token, now):
        return None
    principal = TokenPrincipal(token.id, token.name, token.role, token.agency_id, list(token.scopes or []))
    # kept for the administrator's "last use", to the minute: a read alone never commits the request's session
    if token.last_used_at is None or _aware(token.last_used_at) <= now - LAST_USE_PRECISION:
        token.last_used_at = now
        db.session.commit()
    return principal


def refusal(clear: str) -> str:
    """Why a presented token that ``principal_for`` refused does not work, for the caller's 401."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(clear))) \
        if clear.startswith(TOKEN_PREFIX) and len(clear) <= 200 else None
    if token is None:
        return "this token is not known: check that it was copied whole"
    if token.revoked_at is not None:
        return f"this token was revoked on {_aware(token.revoked_at):%Y-%m-%d %H:%M} UTC"
    return f"this token expired on {_aware(token.expires_at):%Y-%m-%d %H:%M} UTC"


def expired(token: ApiToken, now: datetime | None = None) -> bool:
    """Whether the token's expiry has passed (stored times compared as UTC, whatever zone the database gives)."""
    return token.expires_at is not None and _aware(token.expires_at) <= (now or datetime.now(UTC))


def _aware(moment: datetime) -> datetime:
    """A stored timestamp as UTC (SQLite gives it back without its zone)."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
