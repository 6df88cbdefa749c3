"""Figures a council can publish (issue 13): dated targets, spreadsheets read as typed, one-pass
register errors, a register that round-trips, and zeros caught with little history."""

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from perfbot.config import Config
from perfbot.model import Return
from perfbot.periods import Period
from perfbot.rag import RagPolicy, ZeroReferences, probable_missing_zero
from perfbot.rating import rate_in_context
from perfbot.register_export import export_register, write_template
from perfbot.register_import import RegisterImportError, load_register
from tests.conftest import make_measure

COLUMNS = ["measure_id", "title", "theme", "service", "owner_email", "head_of_service_email",
           "unit", "polarity", "target", "tolerance"]  # fmt: skip
ROW = ["CS01", "Calls answered", "Efficient", "Customer", "a@c.gov.uk", "h@c.gov.uk", "percent",
       "higher"]  # fmt: skip


def _workbook(tmp_path: Path, rows: list[list], formats: dict[str, str] | None = None,
              columns: list[str] = COLUMNS) -> Path:  # fmt: skip
    book = Workbook()
    sheet = book.active
    sheet.title = "measures"
    sheet.append(columns)
    for row in rows:
        sheet.append(row)
    for cell, number_format in (formats or {}).items():
        sheet[cell].number_format = number_format
    path = tmp_path / "register.xlsx"
    book.save(path)
    return path


def test_percent_formatted_cells_read_as_typed(tmp_path):
    path = _workbook(tmp_path, [[*ROW, 0.85, 0.05]], {"I2": "0%", "J2": "0.0%"})
    measure = load_register(path).measures[0]
    assert measure.target == 85 and str(measure.tolerance) == "5%"


def test_a_percentage_for_a_measure_counted_in_numbers_is_refused_with_its_cell(tmp_path):
    row = ["CS02", "Calls", "Efficient", "Customer", "a@c.gov.uk", "h@c.gov.uk", "number", "higher", 0.85, ""]
    with pytest.raises(RegisterImportError) as caught:
        load_register(_workbook(tmp_path, [row], {"I2": "0%"}))
    assert caught.value.errors == ["row 2, column target: '85%' is a percentage but the unit is number: "
                                   "set unit to percent, or give the number itself"]  # fmt: skip


def test_every_problem_of_a_row_is_reported_in_one_pass(tmp_path):
    rows = [[*ROW, 80, ""], ["CS01", "Again", "Efficient", "Customer", "", "h@c.gov.uk", "percent", "upwards", 80, ""]]
    with pytest.raises(RegisterImportError) as caught:
        load_register(_workbook(tmp_path, rows))
    errors = caught.value.errors
    assert any("row 3, column measure_id: 'CS01' appears again" in e for e in errors)
    assert any(e.startswith("row 3, column owner_email: is required") for e in errors)
    assert any(e.startswith("row 3, column polarity:") for e in errors)


def test_plausible_bounds_widen_a_percentage(tmp_path):
    columns = [*COLUMNS, "plausible_min"]
    row = ["RD01", "Reduction in waste", "Green", "Waste", "a@c.gov.uk", "h@c.gov.uk", "percent", "higher", -5, "", -50]
    assert load_register(_workbook(tmp_path, [row], columns=columns)).measures[0].target == -5


def test_a_changed_target_applies_from_its_quarter_and_earlier_quarters_keep_theirs(store):
    store.register.apply([make_measure("CS01", target=80.0)], [], actor="officer")
    changes = store.register.apply([make_measure("CS01", target=85.0)], [], actor="officer",
                                   starts={"CS01": Period(2025, 3)})  # fmt: skip
    assert changes.terms_changed == ("CS01 target 80 → 85 from 2025/26 Q3; earlier quarters keep 80",)
    measure = store.register.measure("CS01")
    policy = Config().rag
    for period in (Period(2025, 2), Period(2025, 3)):
        store.returns.save(Return("CS01", period, 82.0, submitted_by="o"))
    assert rate_in_context(store, policy, measure, Period(2025, 2), 82.0).rag.value == "green"
    assert rate_in_context(store, policy, measure, Period(2025, 3), 82.0).rag.value == "amber"


def test_without_target_from_a_change_starts_in_q1_of_the_current_year(store):
    store.register.apply([make_measure("CS01", target=80.0)], [], actor="officer")
    changes = store.register.apply([make_measure("CS01", target=85.0)], [], actor="officer")
    assert "from 2025/26 Q1" in changes.terms_changed[0]  # the clock is in January 2026


def test_the_register_round_trips_through_every_format(tmp_path, store):
    store.register.apply(load_register(Path("perfbot/sample/register.yaml")).measures,
                         load_register(Path("perfbot/sample/register.yaml")).targets, actor="o")  # fmt: skip
    changed = [m if m.measure_id != "HO02" else make_measure("HO02", **{
        **{k: getattr(m, k) for k in ("title", "theme", "service", "owner_email", "head_of_service_email",
                                      "unit", "polarity", "tolerance", "aggregation")}, "target": 40.0})
        for m in store.register.measures()]  # fmt: skip
    store.register.apply(changed, store.register.targets(), actor="o", starts={"HO02": Period(2025, 4)})
    for name in ("register.xlsx", "register.csv", "register.yaml"):
        path = tmp_path / name
        register = store.register
        export_register(path, measures=register.measures(), targets=register.targets(), starts=register.starts())
        parsed = load_register(path)
        changes = register.apply(parsed.measures, parsed.targets, actor="o", starts=parsed.starts)
        assert not changes.added and not changes.updated and not changes.retired, name
        assert not changes.terms_changed, (name, changes.terms_changed)
        assert len(changes.unchanged) == len(register.measures())


def test_the_template_has_guidance_drop_downs_and_an_example_that_imports(tmp_path):
    path = tmp_path / "template.xlsx"
    write_template(path)
    sheet = load_workbook(path)["measures"]
    assert sheet["A1"].value == "measure_id" and sheet["A2"].value.startswith("#")
    lists = [v.formula1 for v in sheet.data_validations.dataValidation]
    assert '"number,percent,currency,days,text"' in lists and '"higher,lower,none"' in lists
    assert [m.measure_id for m in load_register(path).measures] == ["EX01"]


@pytest.mark.parametrize(("previous", "last_year", "history", "flagged"), [
    (99.6, None, (99.6,), True),  # one earlier quarter is enough
    (None, 99.6, (), True),  # the same quarter last year alone
    (0.4, None, (0.4,), False),  # near 0 already: a 0 may be real
    (99.6, None, (0.0, 99.6), False),  # it has been 0 before
])  # fmt: skip
def test_a_zero_with_little_history_is_probable_missing_data(previous, last_year, history, flagged):
    references = ZeroReferences(previous, last_year, history)
    assert probable_missing_zero(0, references, RagPolicy(), target=None) is flagged


def test_dates_in_period_columns_mean_their_quarter(tmp_path):
    columns = [*COLUMNS, "target_from"]
    path = _workbook(tmp_path, [[*ROW, 80, "", dt.datetime(2026, 4, 1)]], columns=columns)
    assert load_register(path).starts == {"CS01": Period(2026, 1)}


def test_an_annual_report_without_all_four_quarters_says_so_and_open_data_starts_at_the_first_figure(store):
    from reports.annual import build_annual
    from reports.open_data import published_points

    store.register.apply([make_measure("M1"), make_measure("M2")], [], actor="o")
    for quarter, measures in ((1, ("M1",)), (2, ("M1", "M2")), (4, ("M1", "M2"))):
        for mid in measures:
            store.returns.save(Return(mid, Period(2024, quarter), 95.0, submitted_by="o"))
    report = build_annual(store, Config(), 2024, prepared=dt.date(2026, 1, 12))
    assert not report.final and report.missing_quarters == (Period(2024, 3),)
    rows = [(p.measure.measure_id, str(p.period)) for p in published_points(report.points)]
    assert ("M2", "2024/25 Q1") not in rows and ("M2", "2024/25 Q2") in rows and ("M1", "2024/25 Q1") in rows


def test_the_dashboard_opens_on_the_latest_round_not_a_quarter_with_a_stray_return(store):
    from bot.web.dashboard_data import visible_periods
    from bot.web.views_dashboard import default_period

    store.register.apply([make_measure("M1")], [], actor="o")
    store.rounds.open(Period(2025, 2), deadline=store.clock.now(), actor="o")
    store.returns.save(Return("M1", Period(2025, 2), 95.0, submitted_by="o"))
    store.returns.save(Return("M1", Period(2025, 3), 95.0, submitted_by="stray"))
    choices = visible_periods(store, published_only=False)
    assert choices[0] == Period(2025, 3) and default_period(store, choices) == Period(2025, 2)
