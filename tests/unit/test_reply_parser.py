"""Plain-words replies read as one return: which measure, which figure, what commentary."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collectors.reply_parser import Candidate, NotRead, Reading, read_reply, title_words

CALLS = Candidate("CS01", "Calls answered within 60 seconds", "percent")
BINS = Candidate("WS02", "Missed bin collections per 100,000", "number")
SPEND = Candidate("FN03", "Savings delivered", "currency")
SICK = Candidate("HR04", "Average sickness absence", "days")
NOTE = Candidate("CP05", "Progress on the local plan", "text")
MINE = [CALLS, BINS, SPEND, SICK]


def read(text: str, candidates: list[Candidate] | None = None, **kwargs: object) -> Reading:
    result = read_reply(text, MINE if candidates is None else candidates, **kwargs)  # type: ignore[arg-type]
    assert isinstance(result, Reading), result
    return result


def not_read(text: str, candidates: list[Candidate] | None = None, **kwargs: object) -> str:
    result = read_reply(text, MINE if candidates is None else candidates, **kwargs)  # type: ignore[arg-type]
    assert isinstance(result, NotRead), result
    return result.reason


# -- the example ------------------------------------------------------------------------


def test_the_only_outstanding_measure_takes_the_figure_and_the_rest_is_commentary() -> None:
    only = [CALLS, Candidate("WS02", BINS.title, "number", outstanding=False)]
    reading = read("Q3 was 87.5%, down because of staff sickness", only, quarter=3)
    assert reading == Reading("CS01", 87.5, "87.5%", "Down because of staff sickness")


def test_a_single_measure_is_the_one_even_when_already_returned() -> None:
    revised = Candidate("CS01", CALLS.title, "percent", outstanding=False)
    assert read("88%", [revised]).measure_id == "CS01"


# -- naming the measure -------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["CS01 87.5% - staff sickness", "cs01: 87.5%, staff sickness",
                                  "87.5% for CS01, staff sickness", "(CS01) 87.5% staff sickness"])
def test_the_measure_is_named_by_its_id_anywhere(text: str) -> None:
    reading = read(text)
    assert (reading.measure_id, reading.value) == ("CS01", 87.5)
    assert reading.commentary.lower().endswith("staff sickness")
    assert "CS01" not in reading.commentary.upper()


def test_the_id_digits_are_never_taken_for_the_figure() -> None:
    assert read("WS02 14").value == 14
    assert "could not find a figure for WS02" in not_read("WS02 no change")


def test_the_measure_is_named_by_the_words_of_its_title() -> None:
    reading = read("Missed bins were 120 because two rounds were re-routed")
    assert (reading.measure_id, reading.value) == ("WS02", 120)
    assert reading.commentary == "Because two rounds were re-routed"


def test_a_title_word_in_the_commentary_alone_does_not_pick_a_measure() -> None:
    reason = not_read("42, more sickness than usual")  # "sickness" is one word of HR04's title
    assert "Which measure" in reason and "CS01" in reason


def test_two_titles_equally_named_are_not_guessed() -> None:
    a = Candidate("A1", "Housing repairs completed on time")
    b = Candidate("B1", "Housing repairs completed right first time")
    assert "Which measure" in not_read("housing repairs completed: 40", [a, b])


def test_two_ids_in_one_reply_are_refused() -> None:
    assert "more than one measure (CS01, WS02)" in not_read("CS01 87% and WS02 14")


def test_an_id_inside_a_word_is_not_a_mention() -> None:
    assert "Which measure" in not_read("XCS01Y 87%")


def test_no_candidates_means_nothing_to_submit() -> None:
    assert "no returns" in not_read("87%", [])


# -- the figure ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "written"),
    [
        ("CS01 87.5%", 87.5, "87.5%"),
        ("CS01 87.5 per cent", 87.5, "87.5 per cent"),
        ("CS01 87 percent", 87.0, "87 percent"),
        ("FN03 £1,250 saved", 1250.0, "£1,250"),
        ("FN03 £1.2m", 1_200_000.0, "£1.2m"),
        ("FN03 £ 300k", 300_000.0, "£ 300k"),
        ("HR04 6.4 days", 6.4, "6.4"),
        ("WS02 0", 0.0, "0"),
        ("WS02 1,204.5", 1204.5, "1,204.5"),
    ],
)
def test_figures_are_read_as_people_write_them(text: str, value: float, written: str) -> None:
    reading = read(text)
    assert (reading.value, reading.written) == (value, written)


def test_a_comparison_figure_is_not_the_value() -> None:
    assert read("CS01 was 87.5%, down from 90% last quarter").value == 87.5
    assert read("CS01: against a target of 90% we reached 87.5%").value == 87.5
    assert read("CS01 target 90%, actual 86%").value == 86


def test_a_percent_measure_prefers_the_percentage() -> None:
    reading = read("CS01: 870 of 1,000 calls, so 87%")
    assert reading.value == 87
    assert "870 of 1,000 calls" in reading.commentary


def test_numbers_in_the_title_are_not_the_figure() -> None:
    assert read("Missed bin collections per 100,000: 45").value == 45
    assert read("calls answered within 60 seconds 91%").value == 91


@pytest.mark.parametrize("text", ["WS02 was up on 3 December", "WS02 see 2025/26", "WS02 at 10:30",
                                  "WS02 12m", "WS02 60s", "WS02 Q3"])
def test_dates_times_periods_and_unclear_units_are_not_figures(text: str) -> None:
    assert "could not find a figure" in not_read(text)


def test_a_year_is_only_taken_when_nothing_else_is_there() -> None:
    assert read("WS02 in 2025 it was 14").value == 14


def test_the_first_of_equally_likely_figures_is_taken() -> None:
    assert read("WS02 14, 15 last time").value == 14


def test_text_measures_go_to_the_form() -> None:
    assert "written answer" in not_read("CP05 good progress, 3 sites agreed", [NOTE, CALLS])


# -- the quarter --------------------------------------------------------------------------------


def test_a_reply_about_another_quarter_is_refused() -> None:
    reason = not_read("CS01 Q2 was 87%", quarter=3)
    assert "Q3 round" in reason and "mentions Q2" in reason


def test_naming_the_right_quarter_beside_another_is_fine() -> None:
    reading = read("CS01 Q3 was 87.5%, up from 85% in Q2", quarter=3)
    assert reading.value == 87.5 and reading.commentary == "Up from 85% in Q2"


def test_quarter_words_are_understood() -> None:
    assert "mentions Q4" in not_read("CS01 quarter 4 was 80%", quarter=3)


# -- the commentary -----------------------------------------------------------------------------


def test_commentary_before_and_after_the_figure_is_kept() -> None:
    reading = read("Staff sickness hit us hard, CS01 was 84% but recovering in January")
    assert reading.commentary == "Staff sickness hit us hard but recovering in January"


def test_a_bare_figure_has_no_commentary() -> None:
    assert read("CS01 87.5%").commentary == ""
    assert read("CS01 for Q3 was 87.5%.", quarter=3).commentary == ""


def test_whitespace_is_normalised() -> None:
    reading = read("  CS01\n\n87.5%\t  fewer  staff ")
    assert reading.commentary == "Fewer staff"


def test_empty_replies_are_not_read() -> None:
    assert "empty" in not_read("   ")


def test_title_words_leave_out_filler() -> None:
    assert title_words("Number of missed bin collections per 100,000") == {"missed", "bin", "collection"}


@given(st.text(max_size=200))
def test_any_text_gives_a_reading_or_a_reason(text: str) -> None:
    result = read_reply(text, MINE, quarter=3)
    if isinstance(result, Reading):
        assert result.measure_id in {c.measure_id for c in MINE}
        assert result.written and result.value >= 0
    else:
        assert result.reason.strip()


@given(st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda v: round(v, 2)))
def test_any_percentage_written_plainly_is_read_back(value: float) -> None:
    assert read(f"CS01 {value:g}%, on track").value == pytest.approx(value)
