"""When a kept status page stops saying what a new one would (app.domain.citizen.page_changes_at)."""

from datetime import datetime, timedelta

from app.domain.citizen import PAGE_MAX_AGE, page_changes_at
from app.domain.localtime import VN_TZ

NOW = datetime(2026, 12, 1, 10, 0, 30, tzinfo=VN_TZ)


def test_the_next_instant_the_page_compares_with_the_clock():
    soon, later = NOW + timedelta(hours=2), NOW + timedelta(hours=5)
    assert page_changes_at(NOW, [later, None, soon, NOW - timedelta(days=1), NOW], counting=False) == soon


def test_a_page_that_counts_a_delay_changes_at_the_next_minute():
    assert page_changes_at(NOW, [NOW + timedelta(hours=2)], counting=True) == datetime(2026, 12, 1, 10, 1,
                                                                                        tzinfo=VN_TZ)
    assert page_changes_at(NOW, [NOW + timedelta(seconds=10)], counting=True) == NOW + timedelta(seconds=10)


def test_a_page_with_nothing_ahead_is_made_again_within_a_day():
    assert page_changes_at(NOW, [], counting=False) == NOW + PAGE_MAX_AGE
    assert page_changes_at(NOW, [NOW + timedelta(days=3)], counting=False) == NOW + PAGE_MAX_AGE
