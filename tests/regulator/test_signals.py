"""``records_changed`` held back in a batch: one notice per trigger at the end, none after an error."""

from __future__ import annotations

import pytest

from regulator.signals import batched_notices, notify_records_changed, records_changed


@pytest.fixture
def heard():  # noqa: ANN201
    got: list[tuple[str, set[int]]] = []

    def receiver(sender: str, entity_ids: set[int]) -> None:
        got.append((sender, set(entity_ids)))

    records_changed.connect(receiver)
    yield got
    records_changed.disconnect(receiver)


def test_notices_are_sent_at_once_outside_a_batch(heard) -> None:  # noqa: ANN001
    notify_records_changed("review", [1, None, 2])
    notify_records_changed("review", [None])
    assert heard == [("review", {1, 2})]


def test_a_batch_sends_one_notice_per_trigger_when_it_ends(heard) -> None:  # noqa: ANN001
    with batched_notices():
        notify_records_changed("review", [1, 2])
        notify_records_changed("merge", [3])
        notify_records_changed("review", [2, 4])
        assert heard == []
    assert sorted(heard) == [("merge", {3}), ("review", {1, 2, 4})]
    notify_records_changed("review", [5])  # the batch is over
    assert heard[-1] == ("review", {5})


def test_a_batch_that_fails_sends_nothing(heard) -> None:  # noqa: ANN001
    with pytest.raises(RuntimeError), batched_notices():
        notify_records_changed("review", [1])
        raise RuntimeError("rolled back")
    assert heard == []
