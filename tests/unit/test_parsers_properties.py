"""Property-based tests for the parsers people feed: periods, values, tolerances."""

import contextlib
import math

from hypothesis import given
from hypothesis import strategies as st

from perfbot.periods import Period, PeriodError
from perfbot.values import InvalidValue, Tolerance, parse_number

periods = st.builds(Period, st.integers(1990, 2200), st.integers(1, 4))


@given(periods)
def test_every_period_round_trips_through_each_written_form(period):
    y1, y2 = period.year, (period.year + 1) % 100
    for text in (str(period), f"{y1}-{y2:02d} Q{period.quarter}", f"Q{period.quarter} {y1}/{y2:02d}"):
        assert Period.parse(text) == period


@given(periods)
def test_quarters_tile_the_calendar(period):
    assert (period.next().start - period.end).days == 1
    assert Period.containing(period.start) == period == Period.containing(period.end)
    assert period.previous().next() == period
    assert period.same_quarter_last_year().same_quarter_last_year() == Period(period.year - 2, period.quarter)


@given(st.text(max_size=40))
def test_period_parsing_never_fails_with_anything_but_a_period_error(text):
    with contextlib.suppress(PeriodError):  # any other exception fails the test
        Period.parse(text)


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_numbers_round_trip_in_the_forms_people_type(number):
    assert parse_number(repr(number)) == number
    assert parse_number(f"{number}%") == number
    if number >= 0:
        assert math.isclose(parse_number(f"£{number:,.2f}"), round(number, 2), rel_tol=1e-9, abs_tol=1e-9)


@given(st.text(max_size=30))
def test_value_parsing_gives_a_finite_number_or_a_clear_error(text):
    try:
        number = parse_number(text)
    except InvalidValue as error:
        assert str(error)  # a message the person can act on
    else:
        assert math.isfinite(number)


@given(st.floats(min_value=0, max_value=1e6, allow_nan=False), st.booleans())
def test_tolerances_round_trip_and_allow_a_non_negative_gap(amount, percent):
    text = f"{amount}%" if percent else str(amount)
    tolerance = Tolerance.parse(text)
    assert Tolerance.parse(str(tolerance)).kind == tolerance.kind
    assert tolerance.allowance(90.0) >= 0


@given(st.text(max_size=20))
def test_tolerance_parsing_never_crashes(text):
    with contextlib.suppress(InvalidValue):
        Tolerance.parse(text)
