"""The due-soon threshold of every legal duration (app.domain.monitoring.due_soon_threshold)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from app.domain.durations import Duration, DurationKind
from app.domain.monitoring import DUE_SOON, _hours, due_soon_threshold


@given(kind=st.sampled_from(list(DurationKind)), quarters=st.integers(min_value=1, max_value=4 * 90))
def test_every_duration_has_a_threshold_the_sweep_can_count(kind, quarters):
    try:
        duration = Duration.of(kind, Decimal(quarters) / 4)
    except ValueError:
        return  # not a duration the catalogue accepts
    threshold = due_soon_threshold(duration)
    assert timedelta(minutes=30) <= threshold <= DUE_SOON
    assert threshold.total_seconds() % (15 * 60) == 0
    _hours(threshold)  # a whole number of working minutes: the limit instant can be computed


def test_the_threshold_is_a_third_of_the_duration_at_most_two_days():
    assert due_soon_threshold(Duration.of("working_days", 15)) == DUE_SOON
    assert due_soon_threshold(Duration.of("working_days", 3)) == timedelta(hours=8)
    assert due_soon_threshold(Duration.of("working_days", Decimal("0.5"))) == timedelta(minutes=75)
    assert due_soon_threshold(Duration.of("same_day", None)) == timedelta(hours=1)
