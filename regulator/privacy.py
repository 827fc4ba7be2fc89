"""Personal data: keyed hashing of ID numbers and the masked forms shown to those who may not see them."""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

_DIGITS = re.compile(r"\D+")


def normalise_id_number(raw: str) -> str:
    """Fold full-width characters, spaces and a lower-case x."""
    if raw.isascii() and raw.isalnum():  # the usual case, and NFKC leaves ASCII as it is
        return raw.upper()
    return "".join(c for c in unicodedata.normalize("NFKC", raw).upper() if c.isalnum())


def hash_id_number(raw: str, key: str) -> str:
    """HMAC-SHA256 of the normalised ID: equal IDs join, the number cannot be read back without the key."""
    return hmac.digest(key.encode(), normalise_id_number(raw).encode(), hashlib.sha256).hex()


def mask_id_number(raw: str) -> str:
    """Keep the region (first 6) and the last character: 440305********123X -> 440305***********X."""
    code = normalise_id_number(raw)
    if len(code) < 8:
        return "*" * len(code)
    return code[:6] + "*" * (len(code) - 7) + code[-1]


def normalise_phone(raw: str) -> str:
    """Digits only, with a leading +86 / 0086 country code removed."""
    raw = raw or ""
    digits = _DIGITS.sub("", raw if raw.isascii() else unicodedata.normalize("NFKC", raw))
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            return digits[len(prefix):]
    return digits


def mask_phone(raw: str) -> str:
    """138****5678 for mobiles; keep only the last four digits otherwise."""
    digits = normalise_phone(raw)
    if len(digits) == 11:
        return digits[:3] + "****" + digits[-4:]
    if len(digits) <= 4:
        return "*" * len(digits)
    return "*" * (len(digits) - 4) + digits[-4:]


def mask_name(name: str | None) -> str:
    """张*明 / 欧阳** / J*** S****: the first character of each part stays, as on China's credit portals."""
    if not name:
        return ""
    name = name.strip()
    if " " in name:
        return " ".join(part[:1] + "*" * (len(part) - 1) for part in name.split())
    if len(name) == 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


#: an 18-character resident ID number (six digits of region, a birth date from 1800, three digits, a check digit)
#: or a 15-digit one of the first generation (two-digit year), standing alone
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(?:\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
                         r"|\d{8}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3})(?![0-9A-Za-z])")
#: a mainland mobile number (with or without +86, spaces or hyphens inside) or a landline with its area code
_PHONE_IN_TEXT = re.compile(r"(?<![\d+])(?:(?:\+|00)?86[- ]?)?(?:1[3-9]\d[- ]?\d{4}[- ]?\d{4}|0\d{2,3}[- ]\d{7,8})"
                            r"(?!\d)")


def _fold(text: str) -> str:
    """Full-width digits and letters as ASCII, character for character (so positions stay those of ``text``)."""
    out = []
    for c in text:
        folded = unicodedata.normalize("NFKC", c)
        out.append(folded if len(folded) == 1 else c)
    return "".join(out)


def mask_personal_text(text: str | None) -> str:
    """Free text (a penalty's facts, a listing's reason) with the ID numbers and phone numbers in it masked, as the
    public may see it: agencies' files sometimes name the person punished with their ID number and phone."""
    if not text:
        return text or ""
    from .identifiers import check_uscc

    folded = _fold(text)
    spans: list[tuple[int, int, str]] = []
    for found in _ID_IN_TEXT.finditer(folded):
        if len(found.group()) == 18 and check_uscc(found.group()).valid:  # an entity's code, public
            continue
        spans.append((found.start(), found.end(), mask_id_number(found.group())))
    for found in _PHONE_IN_TEXT.finditer(folded):
        if not any(start < found.end() and found.start() < end for start, end, _ in spans):
            spans.append((found.start(), found.end(), mask_phone(found.group())))
    for start, end, masked in sorted(spans, reverse=True):
        text = text[:start] + masked + text[end:]
    return text
