"""The risk model's reasons in the reader's language.

``risk.explain`` writes English templates with placeholders; this module lists the same templates as
messages, so the catalogues hold them, and fills them in through gettext.
"""

from __future__ import annotations

from flask import g, has_app_context
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from models import MarketEntity
from risk.explain import ONE, number_form

from .i18n import _english, label
from .templating import in_brackets

#: the plural template of each count-of-one form
PLURAL = {one: plural for (plural, _counts), one in ONE.items()}
#: every template risk.explain uses: TEMPLATES, MISSING, ZERO and the generic ones
#: (tests/regulator/test_risk_registry.py checks they agree)
MESSAGES = (
    _l('%(feature)s is %(v)s'),
    _l('%(n)s companies two steps away in the relationship graph'),
    _l('%(n)s companies two steps away through a shared address had violations or penalties in the last 12 months'),
    _l('%(n)s companies two steps away through a shared address had violations or penalties in the last 3 years'),
    _l('%(n)s companies two steps away through a shared person (legal representative, shareholder or manager) had violations or penalties in the last 12 months'),  # noqa: E501
    _l('%(n)s companies two steps away through a shared person (legal representative, shareholder or manager) had violations or penalties in the last 3 years'),  # noqa: E501
    _l('%(n)s companies two steps away through a shared person, address or phone had violations or penalties in the last 12 months'),  # noqa: E501
    _l('%(n)s companies two steps away through a shared person, address or phone had violations or penalties in the last 3 years'),  # noqa: E501
    _l('%(n)s complaints about its address in the last 12 months'),
    _l('%(n)s complaints in the last 12 months'),
    _l('%(n)s complaints nearby in the last 90 days'),
    _l('%(n)s critical violations on record'),
    _l('%(n)s days since the last inspection'),
    _l('%(n)s failed inspections'),
    _l('%(n)s follow-up inspections in the last 12 months'),
    _l('%(n)s follow-up inspections on record'),
    _l('%(n)s inspections after complaints in the last 12 months'),
    _l('%(n)s inspections after complaints on record'),
    _l('%(n)s inspections in the last 3 years'),
    _l('%(n)s inspections on record'),
    _l('%(n)s inspections that found a serious violation'),
    _l('%(n)s licence inspections in the last 12 months'),
    _l('%(n)s licence inspections on record'),
    _l('%(n)s licences in force'),
    _l('%(n)s licences on record'),
    _l('%(n)s penalties in the last 3 years'),
    _l('%(n)s penalties on record'),
    _l('%(n)s related companies through a shared address had violations or penalties in the last 12 months'),
    _l('%(n)s related companies through a shared address had violations or penalties in the last 3 years'),
    _l('%(n)s related companies through a shared person (legal representative, shareholder or manager) had violations or penalties in the last 12 months'),  # noqa: E501
    _l('%(n)s related companies through a shared person (legal representative, shareholder or manager) had violations or penalties in the last 3 years'),  # noqa: E501
    _l('%(n)s related companies through a shared person, address or phone'),
    _l('%(n)s related companies through a shared person, address or phone had violations or penalties in the last 12 months'),  # noqa: E501
    _l('%(n)s related companies through a shared person, address or phone had violations or penalties in the last 3 years'),  # noqa: E501
    _l('%(n)s serious or critical violations in the last 12 months'),
    _l('%(n)s suspensions or revocations on record'),
    _l('%(n)s violations at its last inspection'),
    _l('%(n)s violations found by %(agencies)s agencies in the last 12 months'),
    _l('%(n)s violations on record'),
    _l('a serious or critical violation on record'),
    _l('closely connected to companies with serious violations in the relationship graph'),
    _l('conditions before the inspection (%(feature)s %(v)s)'),
    _l('entity type %(v)s'),
    _l('failed its last inspection'),
    _l('fines totalling %(n)s'),
    _l('industry %(v)s'),
    _l('inspected by %(n)s agencies in the last 3 years'),
    _l('its last inspection found a serious violation'),
    _l('last penalty %(n)s days ago'),
    _l('last violation found %(n)s days ago'),
    _l('licensed for %(n)s days'),
    _l('located in %(v)s'),
    _l('on the abnormal operations list'),
    _l('on the serious illegal and dishonest list'),
    _l('part of a group of %(n)s related companies'),
    _l('registered %(n)s days ago'),
    _l('violations found at %(pct)s%% of past inspections'),
    # the same for a count of one (risk.explain.ONE)
    _l("%(n)s violation found by %(agencies)s agency in the last 12 months"),
    _l("%(n)s violations found by %(agencies)s agency in the last 12 months"),
    _l("%(n)s serious or critical violation in the last 12 months"),
    _l("%(n)s violation on record"),
    _l("%(n)s critical violation on record"),
    _l("last violation found %(n)s day ago"),
    _l("%(n)s inspection on record"),
    _l("%(n)s inspection in the last 3 years"),
    _l("%(n)s day since the last inspection"),
    _l("%(n)s failed inspection"),
    _l("%(n)s inspection that found a serious violation"),
    _l("%(n)s violation at its last inspection"),
    _l("%(n)s inspection after a complaint in the last 12 months"),
    _l("%(n)s inspection after a complaint on record"),
    _l("%(n)s follow-up inspection in the last 12 months"),
    _l("%(n)s follow-up inspection on record"),
    _l("%(n)s licence inspection in the last 12 months"),
    _l("%(n)s licence inspection on record"),
    _l("inspected by %(n)s agency in the last 3 years"),
    _l("%(n)s penalty on record"),
    _l("%(n)s penalty in the last 3 years"),
    _l("%(n)s suspension or revocation on record"),
    _l("last penalty %(n)s day ago"),
    _l("%(n)s complaint in the last 12 months"),
    _l("%(n)s complaint about its address in the last 12 months"),
    _l("%(n)s complaint nearby in the last 90 days"),
    _l("%(n)s licence on record"),
    _l("%(n)s licence in force"),
    _l("licensed for %(n)s day"),
    _l("registered %(n)s day ago"),
    _l("%(n)s related company through a shared person, address or phone"),
    _l("%(n)s company two steps away in the relationship graph"),
    _l("%(n)s related company through a shared person (legal representative, shareholder or manager) had violations or penalties in the last 12 months"),  # noqa: E501
    _l("%(n)s related company through a shared person (legal representative, shareholder or manager) had violations or penalties in the last 3 years"),  # noqa: E501
    _l("%(n)s company two steps away through a shared person (legal representative, shareholder or manager) had violations or penalties in the last 12 months"),  # noqa: E501
    _l("%(n)s company two steps away through a shared person (legal representative, shareholder or manager) had violations or penalties in the last 3 years"),  # noqa: E501
    _l("%(n)s related company through a shared address had violations or penalties in the last 12 months"),
    _l("%(n)s related company through a shared address had violations or penalties in the last 3 years"),
    _l("%(n)s company two steps away through a shared address had violations or penalties in the last 12 months"),
    _l("%(n)s company two steps away through a shared address had violations or penalties in the last 3 years"),
    _l("%(n)s related company through a shared person, address or phone had violations or penalties in the last 12 months"),  # noqa: E501
    _l("%(n)s related company through a shared person, address or phone had violations or penalties in the last 3 years"),  # noqa: E501
    _l("%(n)s company two steps away through a shared person, address or phone had violations or penalties in the last 12 months"),  # noqa: E501
    _l("%(n)s company two steps away through a shared person, address or phone had violations or penalties in the last 3 years"),  # noqa: E501
    # where the value is missing or zero (risk.explain.MISSING, ZERO, NOT_ON_RECORD)
    _l('registration date not on record'),
    _l('no licence on record'),
    _l('never inspected'),
    _l('no inspection result on record'),
    _l('no violation on record'),
    _l('no penalty on record'),
    _l('district not on record'),
    _l('industry not on record'),
    _l('no related companies through a shared person, address or phone'),
    _l('no companies two steps away in the relationship graph'),
    _l('no inspections on record'),
    _l('no inspections in the last 3 years'),
    _l('no licences on record'),
    _l('no licence in force'),
    _l('no penalties on record'),
    _l('%(feature)s: not on record'),
    _l('a district where inspections find more than in most: %(v)s'),
    _l('an industry where inspections find more than in most: %(v)s'),
    _l('a type of entity where inspections find more than in most: %(v)s'),
)


def reason_text(reason: dict) -> str:
    """One stored reason as a sentence in the current language (the stored English text if unknown), begun
    with a capital like the credit rules' reasons shown beside it."""
    template, params = reason.get("template"), reason.get("params") or {}
    if not template:
        return _sentence(str(reason.get("text", "")))
    label = VALUE_LABELS.get(reason.get("feature", ""))
    if label and params.get("v") not in (None, "", "-"):
        params = dict(params, v=label(str(params["v"])))
    plural = PLURAL.get(template, template)
    one = number_form(plural, params)  # earlier versions stored the plural: "1 violations"
    text = gettext(one)
    if one != plural and text == one and not _english():
        text = gettext(plural)  # a language without the count-of-one form yet: its plural one, not English
    try:
        return _sentence(text % params)
    except (KeyError, TypeError, ValueError):
        return _sentence(str(reason.get("text", template)))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def industry_label(code: str) -> str:
    """An industry code with its name as the register gives it (``name (code)``); the name is read once an
    application context (a request)."""
    names = g.setdefault("industry_names", {}) if has_app_context() else {}
    if code not in names:
        from .extensions import db

        name = db.session.scalar(select(MarketEntity.industry).where(
            MarketEntity.industry_code == code, MarketEntity.industry.is_not(None)).limit(1))
        names[code] = name
    return f"{names[code]}{in_brackets(code)}" if names[code] else code


#: categorical features whose stored value is a code: how to say it
#: (label() reads a stored value by itself, and gives back one it has no word for)
VALUE_LABELS = {"entity_type": label, "industry": industry_label}
