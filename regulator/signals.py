"""Domain events, so that what reacts to a change lives apart from what made it.

``records_changed`` is sent (after flush, before commit) whenever facts about entities are added,
corrected, withdrawn or moved: by ingest, by recorded inspection results, by objections and credit
repair, by merges and splits. Subscribers (credit classes, the relationship graph) update what
depends on those entities. Receivers run in the sender's transaction and must not commit.
"""

from __future__ import annotations

from collections.abc import Iterable

from blinker import Namespace

_signals = Namespace()

#: sender: a short string naming the trigger ("ingest", "result", "objection" ...);
#: kwargs: entity_ids (a set of int)
records_changed = _signals.signal("records-changed")


def notify_records_changed(trigger: str, entity_ids: Iterable[int | None]) -> None:
    """Tell subscribers that facts about these entities changed."""
    ids = {int(i) for i in entity_ids if i is not None}
    if ids:
        records_changed.send(trigger, entity_ids=ids)
