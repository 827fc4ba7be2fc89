"""Display labels of the graph's vocabulary: why a cluster hangs together, what an edge means."""

from __future__ import annotations

from flask_babel import lazy_gettext as _

from ..i18n import label

GRAPH_LABELS = {
    "shared_person": _("Shared person"), "shared_address": _("Shared address"), "shared_phone": _("Shared phone"),
    "investment": _("Investment"), "branch": _("Branch of"), "registered_address": _("Registered address"),
    "operating_address": _("Operating address"), "phone": _("Phone"),
    "entity": _("Entity"), "person": _("Person"), "address": _("Address"),
}


def graph_label(value: object) -> str:
    """The translated label of a graph term, else the platform's label for it."""
    key = getattr(value, "value", value)
    text = GRAPH_LABELS.get(key)  # type: ignore[arg-type]
    return str(text) if text is not None else label(value)
