"""A source row as shown on its page: ID numbers masked for everyone (the platform keeps only their keyed hash
and masked form, and shows no one more), names and phones of persons masked for those who may not see them
(an inspector whose agency merely holds a record of the entity). The mapped values name the personal fields;
the raw columns holding the same values are masked with them, whatever the file called them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..privacy import mask_id_number, mask_name, mask_phone, normalise_id_number, normalise_phone

ID_FIELDS = ("legal_rep_id", "person_id")
NAME_FIELDS = ("legal_rep", "person_name")
PHONE_FIELDS = ("phone",)


def _maskers(canonical: dict[str, Any], personal: bool) -> list[tuple[Callable[[str], str], Callable[[str], str],
                                                                       set[str]]]:
    """(normalise, mask, normalised values to mask) per kind of personal field."""
    kinds = [(ID_FIELDS, normalise_id_number, mask_id_number)]
    if not personal:
        kinds += [(NAME_FIELDS, str.strip, mask_name), (PHONE_FIELDS, normalise_phone, mask_phone)]
    out = []
    for fields, normalise, mask in kinds:
        values = {normalise(str(canonical[f])) for f in fields if canonical.get(f)}
        if values - {""}:
            out.append((normalise, mask, values - {""}))
    return out


def _masked(value: Any, maskers: list) -> Any:  # noqa: ANN401 - a raw cell's value
    if value is None or isinstance(value, bool | dict | list):
        return value
    text = str(value)
    for normalise, mask, values in maskers:
        if text.strip() and normalise(text) in values:
            return mask(text)
    return value


def shown_source(raw: dict[str, Any] | None, canonical: dict[str, Any] | None,
                 personal: bool) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The raw row and the mapped values with personal data masked (``personal``: names and phones shown)."""
    canonical = dict(canonical or {}) or None
    maskers = _maskers(canonical or {}, personal)
    if not maskers:
        return dict(raw or {}), canonical
    shown_raw = {key: _masked(value, maskers) for key, value in (raw or {}).items()}
    masked_fields = [(ID_FIELDS, mask_id_number)] + ([] if personal else [(NAME_FIELDS, mask_name),
                                                                          (PHONE_FIELDS, mask_phone)])
    for fields, mask in masked_fields:
        for name in fields:
            if canonical and canonical.get(name):
                canonical[name] = mask(str(canonical[name]))
    return shown_raw, canonical
