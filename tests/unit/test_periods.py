from datetime import date

import pytest

from perfbot.periods import Period, PeriodError, parse_financial_year


@pytest.mark.parametrize("text", ["2025/26 Q3", "2025-26 Q3", "Q3 2025/26", "q3 2025-26", " 2025/2026  Q3 "])
def test_parses_the_ways_councils_write_quarters(text):
    assert Period.parse(text) == Period(2025, 3)


@pytest.mark.parametrize("text", ["2025/27 Q3", "2025/26 Q5", "Q3", "", "2025 Q3", "2025/26 Q3 extra"])
def test_rejects_what_is_not_a_quarter(text):
    with pytest.raises(PeriodError):
        Period.parse(text)


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        (Period(2025, 1), date(2025, 4, 1), date(2025, 6, 30)),
        (Period(2025, 2), date(2025, 7, 1), date(2025, 9, 30)),
        (Period(2025, 3), date(2025, 10, 1), date(2025, 12, 31)),
        (Period(2025, 4), date(2026, 1, 1), date(2026, 3, 31)),
    ],
)
def test_quarter_dates_follow_the_uk_financial_year(period, start, end):
    assert (period.start, period.end) == (start, end)


def test_neighbours_and_year_to_date():
    q1 = Period(2025, 1)
    assert q1.previous() == Period(2024, 4)
    assert Period(2024, 4).next() == q1
    assert Period(2025, 3).same_quarter_last_year() == Period(2024, 3)
    assert Period(2025, 3).year_to_date() == [Period(2025, 1), Period(2025, 2), Period(2025, 3)]
    assert Period(2025, 2).back(3) == [Period(2024, 4), Period(2025, 1), Period(2025, 2)]


def test_containing_and_labels():
    assert Period.containing(date(2026, 1, 15)) == Period(2025, 4)
    assert Period.containing(date(2025, 4, 1)) == Period(2025, 1)
    assert str(Period(2025, 3)) == "2025/26 Q3"
    assert Period(1999, 4).financial_year == "1999/00"
    assert Period(2025, 3).key == "2025-26-Q3"
    assert parse_financial_year("2025/26") == 2025
