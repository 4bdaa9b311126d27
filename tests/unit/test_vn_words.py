from datetime import date, datetime, timezone

import pytest

from app.domain.vn_words import form_instant, instant_in_words, money, place_and_date, short_instant

UTC = timezone.utc


@pytest.mark.parametrize(
    ("instant", "words"),
    [
        (datetime(2026, 2, 25, 10, 30, tzinfo=UTC), "17 giờ 30 phút, thứ Tư, ngày 25/02/2026"),
        (datetime(2026, 11, 28, 17, 0, tzinfo=UTC), "00 giờ 00 phút, Chủ nhật, ngày 29/11/2026"),  # next day in VN
        (datetime(2026, 11, 23, 0, 30, tzinfo=UTC), "07 giờ 30 phút, thứ Hai, ngày 23/11/2026"),
    ],
)
def test_instant_in_words_speaks_vietnam_time(instant, words):
    assert instant_in_words(instant) == words


def test_form_wording():
    instant = datetime(2026, 11, 25, 2, 5, tzinfo=UTC)
    assert form_instant(instant) == "09 giờ 05 phút, ngày 25 tháng 11 năm 2026"
    assert short_instant(instant) == "09:05 25/11/2026"
    assert place_and_date("An Bình", date(2026, 1, 5)) == "An Bình, ngày 05 tháng 01 năm 2026"


def test_naive_instants_are_refused():
    with pytest.raises(ValueError):
        instant_in_words(datetime(2026, 1, 1, 8, 0))


@pytest.mark.parametrize(("amount", "text"), [(0, "Không thu"), (8000, "8.000 đồng"), (1250000, "1.250.000 đồng")])
def test_money_uses_vietnamese_grouping(amount, text):
    assert money(amount) == text


def test_working_spans_count_eight_hour_days():
    from datetime import timedelta

    from app.domain.vn_words import time_left, working_span

    assert working_span(timedelta(hours=10, minutes=30)) == "1 ngày 2 giờ 30 phút"
    assert working_span(timedelta(hours=8)) == "1 ngày"
    assert working_span(timedelta(seconds=20)) == "0 phút"
    assert time_left(timedelta(minutes=45)) == "còn 45 phút"
    assert time_left(-timedelta(hours=3)) == "quá hạn 3 giờ"
