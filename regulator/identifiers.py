"""Chinese identifiers: unified social credit codes and resident ID numbers.

Written by hand because python-stdnum's ``cn.uscc`` rejects real codes whose
registering department is a letter (A, N, Y) and skips the organisation-code
check; GB 32100-2015 and GB 11643-1999 are short enough to implement exactly.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
_RID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
_RID_CHECK = "10X98765432"


def uscc_check_char(first17: str) -> str:
    """Return the GB 32100-2015 check character for the first 17 characters."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """Return the GB 11714 organisation-code check character for its first 8 characters."""
    total = sum(int(c, 36) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    r = 11 - total % 11
    return "X" if r == 10 else "0" if r == 11 else str(r)


def normalise_uscc(raw: object) -> str:
    """Fold a code as agencies type it: full-width characters, spaces, dashes, lower case."""
    if raw is None:
        return ""
    text = unicodedata.normalize("NFKC", str(raw)).upper()
    return "".join(c for c in text if c.isalnum())


@dataclass(frozen=True)
class UsccCheck:
    """Result of validating a unified social credit code."""

    code: str
    valid: bool
    problem: str | None = None


def check_uscc(raw: object) -> UsccCheck:
    """Normalise and validate a code; ``problem`` names the first rule it breaks."""
    if isinstance(raw, str):
        return _check_text(raw)  # an import sees each entity's code in many rows
    return _check(raw)


@lru_cache(maxsize=1 << 18)
def _check_text(raw: str) -> UsccCheck:
    return _check(raw)


def _check(raw: object) -> UsccCheck:
    code = normalise_uscc(raw)
    if not code:
        return UsccCheck(code, False, "missing")
    if len(code) != 18:
        return UsccCheck(code, False, "length")
    bad = [c for c in code if c not in USCC_ALPHABET]
    if bad:
        return UsccCheck(code, False, "charset")
    if uscc_check_char(code[:17]) != code[17]:
        return UsccCheck(code, False, "check_character")
    body = code[8:17]
    if body.isalnum() and all(c.isdigit() or c.isupper() for c in body):
        if org_code_check_char(body[:8]) != body[8]:
            return UsccCheck(code, False, "organisation_code")
    return UsccCheck(code, True)


def is_valid_uscc(raw: object) -> bool:
    """True when ``raw`` normalises to a code that passes every GB 32100 check."""
    return check_uscc(raw).valid


def make_uscc(department: str, entity_type: str, region: str, org8: str) -> str:
    """Build a valid code from its parts (used by the demo generator and tests)."""
    body = org8 + org_code_check_char(org8)
    first17 = department + entity_type + region + body
    return first17 + uscc_check_char(first17)


def resident_id_check_char(first17: str) -> str:
    """Return the GB 11643-1999 check character of an 18-digit resident ID number."""
    return _RID_CHECK[sum(int(c) * w for c, w in zip(first17, _RID_WEIGHTS, strict=True)) % 11]


def is_valid_resident_id(raw: object) -> bool:
    """True for an 18-character resident ID number whose check character matches."""
    code = normalise_uscc(raw)
    return (
        len(code) == 18
        and code[:17].isdigit()
        and resident_id_check_char(code[:17]) == code[17]
    )
