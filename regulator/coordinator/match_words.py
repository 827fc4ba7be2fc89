"""The evidence of a suggested match in plain words: comparison names, level labels and strengths translated."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..linkage.explain import evidence

COMPARISONS = {
    "name": _l("Company name"),
    "name_city": _l("Region in the name"),
    "place": _l("Address and location"),
    "legal_rep": _l("Legal representative"),
    "phone": _l("Phone"),
    "period": _l("Date of the record within the licence or registration period"),
    "terminal": _l("Airport terminal"),
}
#: the company profile's level labels (regulator/linkage/profiles.py) in words
LEVELS = {
    "Same name": _l("the same name (variant wordings of the legal form, brackets and punctuation aside)"),
    "Same trade name, legal suffix differs": _l("the same trade name, with a different legal form"),
    "name similar (bigram overlap >= 0.8)": _l("very similar names"),
    "One trade name begins with the other": _l("one trade name beginning with the other"),
    "Trade names begin with the same eight characters": _l("trade names beginning with the same eight characters"),
    "name similar (bigram overlap >= 0.6)": _l("similar names"),
    "name similar (bigram overlap >= 0.4)": _l("somewhat similar names"),
    "Exact match on name_city": _l("the same region in the name"),
    "Place unknown": _l("no address or location on one of the two records"),
    "Same address": _l("the same address"),
    "Same premises, unit given once": _l("the same premises (a unit given on one side only)"),
    "Same premises, different unit": _l("the same building, a different unit"),
    "Same street, house numbers overlap": _l("the same street, overlapping house numbers"),
    "addr similar (bigram overlap >= 0.7)": _l("similar addresses"),
    "Within 30 m": _l("places within 30 metres"),
    "Within 200 m": _l("places within 200 metres"),
    "Same district": _l("the same district"),
    "Different place": _l("different places"),
    "Exact match on rep_norm": _l("the same legal representative"),
    "rep similar (bigram overlap >= 0.5)": _l("similar legal representatives"),
    "Exact match on phone_norm": _l("the same phone number"),
    "Exact match on terminal": _l("the same terminal"),
    "No date or no period": _l("no date or no period to compare"),
    "Dated within the period": _l("a record dated within the period"),
    "Dated within 183 days of the period": _l("a record dated within half a year of the period"),
    "Dated outside the period": _l("a record dated outside the period"),
    "All other comparisons": _l("no agreement"),
}
#: comparisons that apply to few records (airport terminals): listed only when both records give a value
ONLY_WHEN_GIVEN = {"terminal"}
STRENGTHS = {
    "strong_for": _l("strong evidence of the same entity"),
    "for": _l("evidence of the same entity"),
    "neutral": _l("hardly evidence either way"),
    "against": _l("evidence against"),
    "strong_against": _l("strong evidence against"),
}


#: Splink's label of a comparison's null level ("phone_norm is NULL"): one of the records lacks the value
NULL_LEVEL = re.compile(r"^\w+ is NULL$")
#: a weight this close to 0 changes the odds by less than 4 %
NO_WEIGHT = 0.05


def _finding(level: str | None) -> str:
    if level and NULL_LEVEL.match(level):
        return _("not given on one of the two records")
    return str(LEVELS.get(level, level or ""))


def in_words(match_weights: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Each comparison as {field, finding, strength, sentence, weight, kind} for the review page."""
    out = []
    for item in evidence(match_weights):
        if item["comparison"] in ONLY_WHEN_GIVEN and item["level"] and NULL_LEVEL.match(item["level"]):
            continue
        field = str(COMPARISONS.get(item["comparison"], item["comparison"]))
        finding = _finding(item["level"])
        if abs(item["weight"]) < NO_WEIGHT:
            sentence = _("%(field)s: %(finding)s, which tells nothing either way.", field=field, finding=finding)
        elif item["weight"] >= 0:
            sentence = _("%(field)s: %(finding)s makes a match %(factor)s times more likely.", field=field,
                         finding=finding, factor=_times(item["factor"]))
        else:
            sentence = _("%(field)s: %(finding)s makes a match %(factor)s times less likely.", field=field,
                         finding=finding, factor=_times(item["factor"]))
        out.append({**item, "field": field, "finding": finding, "strength_text": str(STRENGTHS[item["strength"]]),
                    "sentence": sentence})
    return out


def _times(factor: float) -> str:
    """A likelihood factor as a reader takes it in: whole and grouped from 10 on (19,756), one decimal below."""
    return format_decimal(factor, format="#,##0" if factor >= 10 else "#,##0.0")


#: notes the platform itself writes on a decided review (``linkage.review.confirm``, ``linkage.merge``)
_NOTES = (
    (re.compile(r"match review (?P<review>\d+) confirmed instead\Z"),
     lambda review: _("Match review %(review)s was confirmed instead.", review=review)),
    (re.compile(r"settled by the merge of entity (?P<source>\d+) into entity (?P<target>\d+)\Z"),
     lambda source, target: _("Settled by the merge of entity %(source)s into entity %(target)s.", source=source,
                              target=target)),
    (re.compile(r"record replaced by source row (?P<row>\d+)\Z"),
     lambda row: _("Closed: the record was replaced by source row %(row)s, sent again under its key.", row=row)),
    (re.compile(r"rechecked: match probability now (?P<now>\d+)%\Z"),
     lambda now: _("Decided by the platform when the record was matched again against what it knew later: match "
                   "probability %(now)s%%.", now=now)),
)


def review_note(note: str | None) -> str | None:
    """A decided review's note in the reader's language when the platform wrote it; a person's note as written."""
    for pattern, words in _NOTES:
        if note and (match := pattern.match(note)):
            return words(**match.groupdict())
    return note


#: reasons the platform itself writes on an entity change (``linkage.review``): the person's note kept as written
_REASONS = (
    (re.compile(r"match review (?P<review>\d+) confirmed: (?P<note>.*)\Z", re.S),
     lambda review, note: _("Match review %(review)s confirmed: %(note)s", review=review, note=review_note(note))),
    (re.compile(r"match review (?P<review>\d+) confirmed\Z"),
     lambda review: _("Match review %(review)s confirmed.", review=review)),
    (re.compile(r"match review (?P<review>\d+) rejected\Z"),
     lambda review: _("Match review %(review)s rejected.", review=review)),
)


def event_reason(reason: str | None) -> str | None:
    """An entity change's reason in the reader's language when the platform wrote it; a person's as written."""
    for pattern, words in _REASONS:
        if reason and (match := pattern.match(reason)):
            return words(**match.groupdict())
    return reason
