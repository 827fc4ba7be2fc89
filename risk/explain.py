"""Top reasons behind a score, in plain words with the entity's own numbers.

Each reason is ``{"feature", "contribution", "template", "params", "text"}``: ``template`` is an English
message with ``%(name)s`` placeholders (the web layer translates it through its catalogue and fills in
``params``), ``text`` is the English sentence, kept for exports and logs. Only features that raise the
risk are reasons; their order is by contribution to the log-odds (LightGBM ``pred_contrib``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: feature -> (English template, {placeholder: feature whose value fills it}); the feature's own value is "n"
TEMPLATES: dict[str, tuple[str, dict[str, str]]] = {
    "viol_12m": ("%(n)s violations found by %(agencies)s agencies in the last 12 months",
                 {"agencies": "viol_agencies_12m"}),
    "viol_agencies_12m": ("%(n)s violations found by %(agencies)s agencies in the last 12 months",
                          {"agencies": "viol_agencies_12m"}),
    "viol_serious_12m": ("%(n)s serious or critical violations in the last 12 months", {}),
    "viol_count": ("%(n)s violations on record", {}),
    "viol_critical": ("%(n)s critical violations on record", {}),
    "viol_max_severity": ("a serious or critical violation on record", {}),
    "viol_days_since": ("last violation found %(n)s days ago", {}),
    "insp_count": ("%(n)s inspections on record", {}),
    "insp_3y": ("%(n)s inspections in the last 3 years", {}),
    "insp_days_since": ("%(n)s days since the last inspection", {}),
    "insp_failed": ("%(n)s failed inspections", {}),
    "insp_serious": ("%(n)s inspections that found a serious violation", {}),
    "insp_share_violations": ("violations found at %(pct)s%% of past inspections", {}),
    "insp_last_failed": ("failed its last inspection", {}),
    "insp_last_serious": ("its last inspection found a serious violation", {}),
    "insp_last_violations": ("%(n)s violations at its last inspection", {}),
    "insp_complaint_12m": ("%(n)s inspections after complaints in the last 12 months", {}),
    "insp_complaint": ("%(n)s inspections after complaints on record", {}),
    "insp_follow_up_12m": ("%(n)s follow-up inspections in the last 12 months", {}),
    "insp_follow_up": ("%(n)s follow-up inspections on record", {}),
    "insp_licence_12m": ("%(n)s licence inspections in the last 12 months", {}),
    "insp_licence": ("%(n)s licence inspections on record", {}),
    "insp_agencies_3y": ("inspected by %(n)s agencies in the last 3 years", {}),
    "enf_count": ("%(n)s penalties on record", {}),
    "enf_3y": ("%(n)s penalties in the last 3 years", {}),
    "enf_severe": ("%(n)s suspensions or revocations on record", {}),
    "enf_amount": ("fines totalling %(n)s", {}),
    "enf_days_since": ("last penalty %(n)s days ago", {}),
    "list_abnormal": ("on the abnormal operations list", {}),
    "list_serious": ("on the serious illegal and dishonest list", {}),
    "complaints_12m": ("%(n)s complaints in the last 12 months", {}),
    "complaints_address_12m": ("%(n)s complaints about its address in the last 12 months", {}),
    "complaints_nearby_90d": ("%(n)s complaints nearby in the last 90 days", {}),
    "licence_count": ("%(n)s licences on record", {}),
    "licence_in_force": ("%(n)s licences in force", {}),
    "licence_age_days": ("licensed for %(n)s days", {}),
    "entity_age_days": ("registered %(n)s days ago", {}),
    # a category is a reason only where it raises the risk: say so, not just name it
    "district": ("a district where inspections find more than in most: %(v)s", {}),
    "industry": ("an industry where inspections find more than in most: %(v)s", {}),
    "entity_type": ("a type of entity where inspections find more than in most: %(v)s", {}),
    # relationship graph (risk.graph.feature_names)
    "flagged_person_hop1_12m": ("%(n)s related companies through a shared person (legal representative, shareholder or manager) had violations or penalties in the last 12 months", {}),  # noqa: E501
    "flagged_person_hop1_36m": ("%(n)s related companies through a shared person (legal representative, shareholder or manager) had violations or penalties in the last 3 years", {}),  # noqa: E501
    "flagged_person_hop2_12m": ("%(n)s companies two steps away through a shared person (legal representative, shareholder or manager) had violations or penalties in the last 12 months", {}),  # noqa: E501
    "flagged_person_hop2_36m": ("%(n)s companies two steps away through a shared person (legal representative, shareholder or manager) had violations or penalties in the last 3 years", {}),  # noqa: E501
    "flagged_address_hop1_12m": ("%(n)s related companies through a shared address had violations or penalties in the last 12 months", {}),  # noqa: E501
    "flagged_address_hop1_36m": ("%(n)s related companies through a shared address had violations or penalties in the last 3 years", {}),  # noqa: E501
    "flagged_address_hop2_12m": ("%(n)s companies two steps away through a shared address had violations or penalties in the last 12 months", {}),  # noqa: E501
    "flagged_address_hop2_36m": ("%(n)s companies two steps away through a shared address had violations or penalties in the last 3 years", {}),  # noqa: E501
    "flagged_any_hop1_12m": ("%(n)s related companies through a shared person, address or phone had violations or penalties in the last 12 months", {}),  # noqa: E501
    "flagged_any_hop1_36m": ("%(n)s related companies through a shared person, address or phone had violations or penalties in the last 3 years", {}),  # noqa: E501
    "flagged_any_hop2_12m": ("%(n)s companies two steps away through a shared person, address or phone had violations or penalties in the last 12 months", {}),  # noqa: E501
    "flagged_any_hop2_36m": ("%(n)s companies two steps away through a shared person, address or phone had violations or penalties in the last 3 years", {}),  # noqa: E501
    "related_entities": ("%(n)s related companies through a shared person, address or phone", {}),
    "related_entities_hop2": ("%(n)s companies two steps away in the relationship graph", {}),
    "ppr_serious": ("closely connected to companies with serious violations in the relationship graph", {}),
    "cluster_size": ("part of a group of %(n)s related companies", {}),
}
_N = frozenset({"n"})
#: the forms of TEMPLATES for a count of one ("1 violation", "1 agency"), by template and the counts that are 1
ONE: dict[tuple[str, frozenset[str]], str] = {
    ("%(n)s violations found by %(agencies)s agencies in the last 12 months", frozenset({"n", "agencies"})):
        "%(n)s violation found by %(agencies)s agency in the last 12 months",
    ("%(n)s violations found by %(agencies)s agencies in the last 12 months", frozenset({"agencies"})):
        "%(n)s violations found by %(agencies)s agency in the last 12 months",
    ("%(n)s serious or critical violations in the last 12 months", _N): "%(n)s serious or critical violation in the last 12 months",  # noqa: E501
    ("%(n)s violations on record", _N): "%(n)s violation on record",
    ("%(n)s critical violations on record", _N): "%(n)s critical violation on record",
    ("last violation found %(n)s days ago", _N): "last violation found %(n)s day ago",
    ("%(n)s inspections on record", _N): "%(n)s inspection on record",
    ("%(n)s inspections in the last 3 years", _N): "%(n)s inspection in the last 3 years",
    ("%(n)s days since the last inspection", _N): "%(n)s day since the last inspection",
    ("%(n)s failed inspections", _N): "%(n)s failed inspection",
    ("%(n)s inspections that found a serious violation", _N): "%(n)s inspection that found a serious violation",
    ("%(n)s violations at its last inspection", _N): "%(n)s violation at its last inspection",
    ("%(n)s inspections after complaints in the last 12 months", _N): "%(n)s inspection after a complaint in the last 12 months",  # noqa: E501
    ("%(n)s inspections after complaints on record", _N): "%(n)s inspection after a complaint on record",
    ("%(n)s follow-up inspections in the last 12 months", _N): "%(n)s follow-up inspection in the last 12 months",
    ("%(n)s follow-up inspections on record", _N): "%(n)s follow-up inspection on record",
    ("%(n)s licence inspections in the last 12 months", _N): "%(n)s licence inspection in the last 12 months",
    ("%(n)s licence inspections on record", _N): "%(n)s licence inspection on record",
    ("inspected by %(n)s agencies in the last 3 years", _N): "inspected by %(n)s agency in the last 3 years",
    ("%(n)s penalties on record", _N): "%(n)s penalty on record",
    ("%(n)s penalties in the last 3 years", _N): "%(n)s penalty in the last 3 years",
    ("%(n)s suspensions or revocations on record", _N): "%(n)s suspension or revocation on record",
    ("last penalty %(n)s days ago", _N): "last penalty %(n)s day ago",
    ("%(n)s complaints in the last 12 months", _N): "%(n)s complaint in the last 12 months",
    ("%(n)s complaints about its address in the last 12 months", _N): "%(n)s complaint about its address in the last 12 months",  # noqa: E501
    ("%(n)s complaints nearby in the last 90 days", _N): "%(n)s complaint nearby in the last 90 days",
    ("%(n)s licences on record", _N): "%(n)s licence on record",
    ("%(n)s licences in force", _N): "%(n)s licence in force",
    ("licensed for %(n)s days", _N): "licensed for %(n)s day",
    ("registered %(n)s days ago", _N): "registered %(n)s day ago",
    ("%(n)s related companies through a shared person, address or phone", _N): "%(n)s related company through a shared person, address or phone",  # noqa: E501
    ("%(n)s companies two steps away in the relationship graph", _N): "%(n)s company two steps away in the relationship graph",  # noqa: E501
    ("%(n)s related companies through a shared person (legal representative, shareholder or manager) had violations or penalties in the last 12 months", _N): "%(n)s related company through a shared person (legal representative, shareholder or manager) had violations or penalties in the last 12 months",  # noqa: E501
    ("%(n)s related companies through a shared person (legal representative, shareholder or manager) had violations or penalties in the last 3 years", _N): "%(n)s related company through a shared person (legal representative, shareholder or manager) had violations or penalties in the last 3 years",  # noqa: E501
    ("%(n)s companies two steps away through a shared person (legal representative, shareholder or manager) had violations or penalties in the last 12 months", _N): "%(n)s company two steps away through a shared person (legal representative, shareholder or manager) had violations or penalties in the last 12 months",  # noqa: E501
    ("%(n)s companies two steps away through a shared person (legal representative, shareholder or manager) had violations or penalties in the last 3 years", _N): "%(n)s company two steps away through a shared person (legal representative, shareholder or manager) had violations or penalties in the last 3 years",  # noqa: E501
    ("%(n)s related companies through a shared address had violations or penalties in the last 12 months", _N): "%(n)s related company through a shared address had violations or penalties in the last 12 months",  # noqa: E501
    ("%(n)s related companies through a shared address had violations or penalties in the last 3 years", _N): "%(n)s related company through a shared address had violations or penalties in the last 3 years",  # noqa: E501
    ("%(n)s companies two steps away through a shared address had violations or penalties in the last 12 months", _N): "%(n)s company two steps away through a shared address had violations or penalties in the last 12 months",  # noqa: E501
    ("%(n)s companies two steps away through a shared address had violations or penalties in the last 3 years", _N): "%(n)s company two steps away through a shared address had violations or penalties in the last 3 years",  # noqa: E501
    ("%(n)s related companies through a shared person, address or phone had violations or penalties in the last 12 months", _N): "%(n)s related company through a shared person, address or phone had violations or penalties in the last 12 months",  # noqa: E501
    ("%(n)s related companies through a shared person, address or phone had violations or penalties in the last 3 years", _N): "%(n)s related company through a shared person, address or phone had violations or penalties in the last 3 years",  # noqa: E501
    ("%(n)s companies two steps away through a shared person, address or phone had violations or penalties in the last 12 months", _N): "%(n)s company two steps away through a shared person, address or phone had violations or penalties in the last 12 months",  # noqa: E501
    ("%(n)s companies two steps away through a shared person, address or phone had violations or penalties in the last 3 years", _N): "%(n)s company two steps away through a shared person, address or phone had violations or penalties in the last 3 years",  # noqa: E501
}
#: where the absence of a value is what raised the risk (LightGBM gives missing values a branch of their own):
#: what it means, instead of the template with a dash for the number
MISSING: dict[str, str] = {
    "entity_age_days": "registration date not on record",
    "licence_age_days": "no licence on record",
    "insp_days_since": "never inspected",
    "insp_share_violations": "never inspected",
    "insp_last_failed": "never inspected",
    "insp_last_serious": "never inspected",
    "insp_last_violations": "never inspected",
    "viol_days_since": "no violation on record",
    "enf_days_since": "no penalty on record",
    "district": "district not on record",
    "industry": "industry not on record",
}
#: counts whose zero raised the risk, said as such ("0 related companies" read as a typo)
ZERO: dict[str, str] = {
    "related_entities": "no related companies through a shared person, address or phone",
    "related_entities_hop2": "no companies two steps away in the relationship graph",
    "insp_count": "no inspections on record",
    "insp_3y": "no inspections in the last 3 years",
    "insp_agencies_3y": "no inspections in the last 3 years",
    "licence_count": "no licences on record",
    "licence_in_force": "no licence in force",
    "enf_count": "no penalties on record",
}
#: templates of earlier versions, still in stored scores until they are scored again
FORMER = ("located in %(v)s", "industry %(v)s", "entity type %(v)s")
#: features not listed above: the generic sentence
GENERIC = "%(feature)s is %(v)s"
#: ... and for a missing value not listed in MISSING
NOT_ON_RECORD = "%(feature)s: not on record"
#: context (weather ...) is a reason about the day, not the entity
CONTEXT = "conditions before the inspection (%(feature)s %(v)s)"
#: an outcome feature of an entity whose visits were logged without results: inspected, outcome unknown
NO_RESULT = "no inspection result on record"
OUTCOME_FEATURES = frozenset({"insp_share_violations", "insp_last_failed", "insp_last_serious",
                              "insp_last_violations"})


def _number(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "-"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return f"{int(round(float(value))):,}" if float(value).is_integer() or abs(float(value)) >= 10 \
            else f"{float(value):.2f}"
    return str(value)


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, (float, np.floating)) and np.isnan(value))


def reason(feature: str, row: pd.Series | dict, contribution: float) -> dict:
    """One reason for one feature of one row (``row``: feature name -> value)."""
    value = row.get(feature)
    template, extra = TEMPLATES.get(feature, (CONTEXT if feature.startswith("ctx_") else GENERIC, {}))
    if _missing(value) and feature in OUTCOME_FEATURES and (row.get("insp_count") or 0) > 0:
        template, extra = NO_RESULT, {}
    elif _missing(value) and not feature.startswith("ctx_"):
        template, extra = MISSING.get(feature, NOT_ON_RECORD), {}
    elif feature in ZERO and isinstance(value, (int, float, np.integer, np.floating)) and float(value) == 0:
        template, extra = ZERO[feature], {}
    if feature == "viol_agencies_12m":
        value = row.get("viol_12m")
    params = {"n": _number(value), "v": _number(value), "feature": feature}
    if feature == "insp_share_violations":
        params["pct"] = "-" if value is None or pd.isna(value) else str(int(round(100 * float(value))))
    for name, source in extra.items():
        params[name] = _number(row.get(source))
    template = number_form(template, params)
    return {"feature": feature, "contribution": round(float(contribution), 4), "template": template,
            "params": params, "text": template % params}


def number_form(template: str, params: dict) -> str:
    """The template in the number of its counts: "1 violation", "1 agency" (it read "1 violations")."""
    ones = frozenset(name for name in ("n", "agencies") if params.get(name) == "1")
    return ONE.get((template, ones), template) if ones else template


def top_reasons(contributions: pd.DataFrame, features: pd.DataFrame, top: int = 3,
                skip: frozenset[str] | set[str] = frozenset()) -> list[list[dict]]:
    """For each row, the ``top`` features that raise its risk most, as reasons (largest first), leaving out
    the features in ``skip``.

    A template shared by two features (violations and agencies) appears once.
    """
    values = contributions.drop(columns=["_base", *skip], errors="ignore")
    names = np.asarray(values.columns)
    matrix = values.to_numpy(float)
    order = np.argsort(-matrix, axis=1)[:, :top * 2]
    out: list[list[dict]] = []
    columns = {c: features[c].to_numpy() for c in features.columns}
    for i in range(len(matrix)):
        row = _LazyRow(columns, i)
        picked: list[dict] = []
        seen: set[str] = set()
        for j in order[i]:
            if matrix[i, j] <= 0 or len(picked) == top:
                break
            item = reason(str(names[j]), row, matrix[i, j])
            if item["template"] in seen:
                continue
            seen.add(item["template"])
            picked.append(item)
        out.append(picked)
    return out


class _LazyRow:
    """One row of a column dict, read only where a reason needs a value (no per-row Series)."""

    __slots__ = ("columns", "i")

    def __init__(self, columns: dict[str, np.ndarray], i: int):
        self.columns, self.i = columns, i

    def get(self, name: str, default: object = None) -> object:
        column = self.columns.get(name)
        return default if column is None else column[self.i]
