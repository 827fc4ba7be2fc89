"""risk.disclosure: publication periods per penalty type and amount, repair dates, public windows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd

from risk.disclosure import (
    default_publication_end,
    is_list_entry_public,
    is_penalty_public,
    list_repair_opens_on,
    period_for,
    publication_ends,
    repair_opens_on,
)


def test_heavy_fines_have_the_longer_period() -> None:
    """A fine of 100,000 yuan or more is published up to three years; a smaller one up to one year."""
    assert period_for("fine", Decimal("100000")).max_months == 36
    assert period_for("fine", 5000).max_months == 12
    assert period_for("fine", None).max_months == 12
    assert period_for("licence_revocation").min_months == 12
    assert period_for("unknown-type").penalty_type == "other"


def test_publication_window_and_repair() -> None:
    """Public from the decision to its end; repair ends it early; repair opens after the minimum period."""
    decided = date(2024, 1, 31)
    assert default_publication_end(decided, "warning", None) == date(2025, 1, 31)
    assert repair_opens_on(decided, "warning", None) == date(2024, 4, 30)
    assert is_penalty_public(decided, "warning", None, date(2024, 12, 1))
    assert not is_penalty_public(decided, "warning", None, date(2025, 1, 31))
    assert not is_penalty_public(decided, "warning", None, date(2024, 12, 1), repaired_on=date(2024, 6, 1))
    assert not is_penalty_public(decided, "warning", None, date(2024, 1, 30))
    assert is_penalty_public(decided, "warning", None, date(2025, 6, 1), publication_end=date(2025, 12, 31))


def test_list_entries_public_while_on_the_list() -> None:
    """On the list from the day added until the day removed; serious list repair only after a year."""
    assert is_list_entry_public(date(2024, 1, 1), None, date(2025, 1, 1))
    assert not is_list_entry_public(date(2024, 1, 1), date(2024, 6, 1), date(2025, 1, 1))
    assert list_repair_opens_on("abnormal_operations", date(2024, 1, 1)) == date(2024, 1, 1)
    assert list_repair_opens_on("serious_illegal", date(2024, 1, 1)) == date(2025, 1, 1)


def test_vectorised_ends_agree_with_the_scalar_rule() -> None:
    """publication_ends over a frame gives the same days as default_publication_end row by row."""
    frame = pd.DataFrame({"decision_date": [date(2024, 1, 31), date(2023, 5, 5), date(2022, 2, 28)],
                          "penalty_type": ["fine", "suspension", "warning"], "amount": [250000, None, 0]})
    expected = [default_publication_end(r.decision_date, r.penalty_type, r.amount) for r in frame.itertuples()]
    assert publication_ends(frame).tolist() == expected


def test_missing_amount_counts_as_no_amount() -> None:
    """A NaN amount (an empty cell read by pandas) takes the type's catch-all period instead of failing."""
    assert period_for("fine", float("nan")).max_months == 12
