"""Two-step sign-in: a code from an authenticator app (TOTP, RFC 6238, through pyotp) after the password.

A user turns it on by scanning the key's QR code (segno) and typing one code, and receives ten recovery codes,
shown once and stored as SHA-256 digests, each good for one sign-in without the phone. A code is taken for its
30-second step or the one either side (clocks drift), never twice: the last step taken is stored. Wrong codes
count towards the account's lockout like wrong passwords. An administrator turns it off for a user who lost the
phone; ``TWO_STEP_ROLES`` makes it compulsory for roles (they are sent to set it up until they do).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import unicodedata

import pyotp
import segno
from flask import current_app

from models import Role, User

from . import audit

ISSUER = "Regulator"
RECOVERY_CODES = 10


def new_key() -> str:
    """A fresh TOTP key (160 bits, base32)."""
    return pyotp.random_base32(32)


def qr_data_uri(user: User, key: str) -> str:
    """The key as the QR code authenticator apps scan (an ``otpauth://`` address), as an SVG data URI."""
    uri = pyotp.TOTP(key).provisioning_uri(name=user.username, issuer_name=ISSUER)
    return segno.make(uri, error="m").svg_data_uri(scale=4, border=2)


def _step_of(key: str, code: str, after: int | None) -> int | None:
    """The time step ``code`` is right for (now, or one step either side), if later than ``after``."""
    totp, now = pyotp.TOTP(key), int(time.time()) // 30
    for step in (now, now - 1, now + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _normal(code: str) -> str:
    """Letters and digits as typed, full-width ones (a Chinese input method's) folded to ASCII; nothing else."""
    return "".join(c for c in unicodedata.normalize("NFKC", code or "").lower() if c.isascii() and c.isalnum())


def _recovery_codes() -> tuple[list[str], list[str]]:
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    return [f"{c[:5]}-{c[5:]}" for c in codes], [_digest(c) for c in codes]


def turn_on(user: User, key: str, code: str) -> list[str] | None:
    """Turn two-step sign-in on with the key the user scanned, if ``code`` proves it; returns the recovery codes
    (shown once), or None for a wrong code. The caller commits."""
    step = _step_of(key, _normal(code), None)
    if step is None:
        return None
    shown, stored = _recovery_codes()
    user.totp_secret, user.totp_last_step, user.recovery_codes = key, step, stored
    audit.record("user.two_step_on", object_type="user", object_id=user.id)
    return shown


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes (the old ones stop working). The caller commits."""
    shown, user.recovery_codes = _recovery_codes()
    audit.record("user.recovery_codes", object_type="user", object_id=user.id)
    return shown


def turn_off(user: User, *, by: User | None = None) -> None:
    """Turn two-step sign-in off (the user, or an administrator for a user who lost the phone)."""
    user.totp_secret, user.totp_last_step, user.recovery_codes = None, None, []
    audit.record("user.two_step_off", object_type="user", object_id=user.id, user=by)


def check(user: User, code: str) -> str | None:
    """Take a code from the authenticator app, or an unused recovery code: "code", "recovery", or None for a
    wrong one. The caller commits (the step taken, the recovery code used)."""
    code = _normal(code)
    if not user.totp_secret or not code:
        return None
    if code.isdigit() and len(code) == 6:
        step = _step_of(user.totp_secret, code, user.totp_last_step)
        if step is None:
            return None
        user.totp_last_step = step
        return "code"
    digest = _digest(code)
    if digest in (user.recovery_codes or []):
        user.recovery_codes = [d for d in user.recovery_codes if d != digest]
        audit.record("user.recovery_code_used", object_type="user", object_id=user.id, user=user,
                     left=len(user.recovery_codes))
        return "recovery"
    return None


def compulsory(role: Role) -> bool:
    """Whether users of ``role`` must sign in in two steps (``TWO_STEP_ROLES``)."""
    return any(Role(r) == role for r in current_app.config.get("TWO_STEP_ROLES") or ())


def required(user: User) -> bool:
    """Whether the user's role must sign in in two steps and the user has not set it up yet."""
    return not user.totp_secret and compulsory(user.role)
