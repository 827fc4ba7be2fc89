"""Why a row was rejected, in the reader's language.

Rows are checked while a file is read, often in a worker process that has no request and no locale, and
each reason is stored with the row in English (the quarantine, the batch report and the API keep that text).
Pages translate a stored reason when they show it: each message the ingest writes has a pattern here that
takes its values back out, and the translation is filled in with them. A message without a pattern (a
mapping's own text) is shown as stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .mapping import DIRECTIVES

#: strftime's directives as people write a date's shape (the mapping files keep Python's)
_WORDS = {**{directive: word for directive, (_digits, word) in DIRECTIVES.items()}, "%%": "%"}
_DIRECTIVE = re.compile("|".join(map(re.escape, _WORDS)))


def readable_formats(formats: str) -> str:
    """``%Y-%m-%d, %Y年%m月%d日`` as ``YYYY-MM-DD, YYYY年MM月DD日`` (``ISO``: ``YYYY-MM-DD``)."""
    if formats.strip() == "ISO":
        return "YYYY-MM-DD"
    return _DIRECTIVE.sub(lambda m: _WORDS[m.group(0)], formats)


def _pattern(regex: str, message: Callable[..., str]) -> tuple[re.Pattern[str], Callable[..., str]]:
    return re.compile(regex + r"\Z", re.S), message


# each message is a function of the pattern's named groups, so that Babel's extractor sees every msgid whole
_MESSAGES = [
    _pattern(r"is required but empty", lambda: _("is required but empty")),
    _pattern(r"not a date in the expected format \((?P<formats>[^)]*)\)(?:: (?P<value>.*))?",
             lambda formats, value: _("not a date in the expected format (%(formats)s)",
                                      formats=readable_formats(formats))
             + _shown(value)),
    _pattern(r"not a day of the calendar(?:: (?P<value>.*))?",
             lambda value: _("not a day of the calendar") + _shown(value)),
    _pattern(r"unknown value (?P<value>.*) \(expected one of (?P<choices>.*)\)",
             lambda value, choices: _("unknown value %(value)s (expected one of %(choices)s)", value=_quoted(value),
                                      choices=choices)),
    _pattern(r"unknown value", lambda: _("unknown value")),
    _pattern(r"not a whole number(?:: (?P<value>.*))?",
             lambda value: _("not a whole number") + _shown(value)),
    _pattern(r"not a number(?:: (?P<value>.*))?",
             lambda value: _("not a number") + _shown(value)),
    _pattern(r"not a single value \(a JSON list or object\)",
             lambda: _("not a single value (a JSON list or object)")),
    _pattern(r"out of range: from (?P<low>\S+) to (?P<high>\S+)",
             lambda low, high: _("out of range: from %(low)s to %(high)s", low=low, high=high)),
    _pattern(r"out of range(?:: (?P<value>.*))?",
             lambda value: _("out of range") + _shown(value)),
    _pattern(r"not a yes/no value(?:: (?P<value>.*))?",
             lambda value: _("not a yes/no value") + _shown(value)),
    _pattern(r"too long: (?P<n>\d+) characters, at most (?P<limit>\d+)",
             lambda n, limit: _("too long: %(n)s characters, at most %(limit)s", n=n, limit=limit)),
    _pattern(r"too long", lambda: _("too long")),
    _pattern(r"row has (?P<n>\d+) fields, the header has (?P<header>\d+)",
             lambda n, header: _("the row has %(n)s fields, the header has %(header)s", n=n, header=header)),
    _pattern(r"row has", lambda: _("the row has a different number of fields than the header")),
    _pattern(r"names no entity: neither a name nor a valid credit code",
             lambda: _("names no entity: neither a name nor a valid credit code")),
    _pattern(r"names no entity and no place", lambda: _("names no entity and no place")),
    _pattern(r"names no entity", lambda: _("names no entity")),
    _pattern(r"refers to an inspection not imported \(or rejected\)",
             lambda: _("refers to an inspection not imported (or rejected)")),
    _pattern(r"refers to an entity not imported", lambda: _("refers to an entity not imported")),
    _pattern(r"not valid JSON: (?P<detail>.*)", lambda detail: _("not valid JSON: %(detail)s", detail=detail)),
    _pattern(r"not valid JSON", lambda: _("not valid JSON")),
    _pattern(r"not a JSON object", lambda: _("not a JSON object")),
]

#: the column of a reason that concerns the row as a whole
ROW = _l("row")


def _shown(value: str | None) -> str:
    """The offending value after a colon, in the reader's quotation marks: stored as Python wrote it ('三个')."""
    if not value:
        return ""
    return f"{_colon()}{_quoted(value)}"


def _quoted(value: str) -> str:
    """A value stored as Python wrote it ('三个') in the reader's quotation marks (“三个”)."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return f"“{value[1:-1]}”"
    return value


def _colon() -> str:
    from ..templating import colon

    return colon()


def _translated(stored: str | None, patterns: list[tuple[re.Pattern[str], Callable[..., str]]]) -> str:
    """``stored`` said by the first pattern that recognises it (as stored when none does)."""
    if not stored:
        return ""
    for pattern, translate in patterns:
        found = pattern.match(stored)
        if found:
            return translate(**found.groupdict())
    return stored


def message(stored: str | None) -> str:
    """A stored rejection message in the reader's language (as stored when no pattern knows it)."""
    return _translated(stored, _MESSAGES)


def reason(key: str) -> str:
    """A key of a batch report's ``rejected_by_reason`` (``column: message``) in the reader's language."""
    column, sep, text = key.partition(": ")
    if not sep:
        return message(key)
    return f"{ROW if column == 'row' else column}{_colon()}{message(text)}"


def error(err: dict) -> str:
    """One stored row error (``RowError.as_dict``): its column and message, translated."""
    column = err.get("column") or ROW
    return f"{column}{_colon()}{message(err.get('message'))}"


_FINDINGS = {
    "uscc_normalised": _l("credit code written in a non-standard form (normalised)"),
    "tax_number": _l("an old tax registration number instead of a credit code"),
    "uscc_missing": _l("credit code missing"),
    "uscc_length": _l("credit code of the wrong length"),
    "uscc_charset": _l("credit code with characters a code cannot hold"),
    "uscc_check_character": _l("credit code that fails its check character"),
    "uscc_organisation_code": _l("credit code whose organisation code fails its check"),
}


def finding_kind(kind: str) -> str:
    """A kind of data-quality finding (a batch report's key) in the reader's language."""
    return str(_FINDINGS.get(kind, kind))


def finding(item: dict | str) -> str:
    """One finding kept on a row: its kind in words, then the column and the value as written."""
    if not isinstance(item, dict):
        return str(item)
    text = finding_kind(str(item.get("kind", "")))
    where = " · ".join(str(v) for v in (item.get("column"), item.get("value")) if v)
    return f"{text}{_colon()}{where}" if where else text


#: notes the ingest writes on a record (``facts.Writer``), recognised in the stored text
_NOTES = [
    _pattern(r"follow-up of (?P<ref>.+)", lambda ref: _("Follow-up of %(ref)s", ref=ref)),
    _pattern(r"recorded on the platform", lambda: _("Recorded on the platform")),
]

#: the keys of a visit's result recorded on the platform (``services.task_results``: its source row's "raw")
PLATFORM_KEYS = {
    "task": _l("Task"), "agency_id": _l("Agency"), "result": _l("Result"), "inspection_date": _l("Inspection date"),
    "violations": _l("Violations"), "penalty_type": _l("Type of penalty"), "penalty_amount": _l("Amount (yuan)"),
    "decision_no": _l("Decision number"), "notes": _l("Notes"),
    "recorded_by": _l("Recorded by"), "recorded_at": _l("Recorded at"),
}


def platform_key(key: str) -> str:
    """A key of a result recorded on the platform, in words (the key itself when it has none)."""
    words = PLATFORM_KEYS.get(key)
    return str(words) if words is not None else key


def note(stored: str | None) -> str:
    """A record's note in the reader's language where the platform wrote it; an agency's own note as stored."""
    return _translated(stored, _NOTES)
