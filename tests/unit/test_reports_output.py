"""`perfbot report`: the HTML, XLSX and open-data CSV for a quarter and for a year."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from perfbot.cli import main
from perfbot.config import Config
from perfbot.safe_cells import csv_cell
from reports.open_data import COLUMNS, DICTIONARY
from reports.publish import write_annual, write_quarterly
from tests.unit.test_render_html import Page, assert_no_active_content
from tests.unit.test_reports_sample import (
    FORMULA,
    NASTY_COMMENTARY,
    NASTY_TITLE,
    Q3,
    add_case_studies,
    add_nasty,
    fill,
)

PREPARED = date(2026, 1, 22)


@pytest.fixture
def written(store, tmp_path):
    fill(store)
    add_nasty(store)
    paths = write_quarterly(store, Config(), Q3, tmp_path / "out", prepared=PREPARED)
    return {p.suffix if "dictionary" not in p.name else ".dict": p for p in paths}


def test_seven_files_are_written(written):
    assert sorted(p.name for p in written.values()) == [
        "performance-2025-26-Q3-open-data-dictionary.csv", "performance-2025-26-Q3-open-data.csv",
        "performance-2025-26-Q3-open-data.csv-metadata.json", "performance-2025-26-Q3.docx",
        "performance-2025-26-Q3.html", "performance-2025-26-Q3.pdf", "performance-2025-26-Q3.xlsx"]  # fmt: skip


def test_html_is_accessible_and_self_contained(written):
    html = written[".html"].read_text(encoding="utf-8")
    page = Page(html)
    assert_no_active_content(page)
    assert page.named("html")[0]["lang"] == "en-GB"
    headings = [tag for tag, _ in page.tags if tag in ("h1", "h2", "h3", "h4")]
    assert headings.count("h1") == 1 and headings[0] == "h1"
    assert all(attrs.get("scope") in ("col", "row") for attrs in page.named("th"))
    assert len(page.named("caption")) >= 4
    images = page.named("img")
    assert len(images) == 2 + 6  # a chart per theme; a trend for each measure with two figures or more
    assert page.all_text.count("No trend yet: 1 of 8 quarters reported.") == 6  # PCT, RATIO, …
    assert all((img.get("alt") or "").strip() for img in images)
    assert all(img["src"].startswith("data:image/svg+xml;base64,") for img in images)  # nothing external
    assert "@media print" in html and "<link" not in html
    text = page.all_text
    assert "Quarterly performance report, 2025/26 Q3" in text and "October to December 2025" in text
    assert "Prepared 22 January 2026." in text


def test_html_says_what_each_chart_shows(written):
    page = Page(written[".html"].read_text(encoding="utf-8"))
    alts = [img["alt"] for img in page.named("img")]
    assert "Bar chart of RAG status by service for Theme A. Service A: 2 Green, 1 Amber, 3 Red." in alts
    assert any(a.startswith("Trend of GRN over 8 quarters, 2023/24 Q4 to 2025/26 Q3: no return") and
               a.endswith("88%, 92%. Target for 2025/26 Q3: 90%.") for a in alts)  # fmt: skip
    assert any(a.startswith("Trend of CUM year to date over 8 quarters") for a in alts)


def test_html_never_shows_user_text_as_markup_and_rag_has_words(written):
    html = written[".html"].read_text(encoding="utf-8")
    page = Page(html)
    assert page.named("b") == [] and page.named("script") == []
    assert NASTY_TITLE in page.all_text and NASTY_COMMENTARY in page.all_text and FORMULA in page.all_text
    rag_spans = [a for a in page.named("span") if "rag" in (a.get("class") or "").split()]
    assert rag_spans
    for word in ("Green", "Amber", "Red", "Missing", "Not rated"):
        assert f" {word}" in page.all_text
    assert "Exceptions (" in page.all_text and "Recovery plan." in page.all_text  # actions shown
    assert "last year's profile: 75% of last year's total was in by Q3" in page.all_text


def test_workbook_has_summary_measures_with_rag_formatting_and_data(written):
    book = load_workbook(written[".xlsx"])
    assert book.sheetnames == ["Summary", "Measures", "Data"]
    summary = [[c for c in row if c is not None] for row in book["Summary"].iter_rows(values_only=True)]
    assert ["Measures due", 13] in summary and ["Exceptions for attention"] != []
    measures = book["Measures"]
    header = [c.value for c in measures[1]]
    assert header[:4] == ["Measure ID", "Measure", "Theme", "Service"] and header[8] == "RAG status"
    rows = {r[0]: r for r in measures.iter_rows(min_row=2, values_only=True)}
    assert rows["FLIP"][8] == "■ Red" and rows["GRN"][8] == "● Green" and rows["GONE"][8] == "? Missing"
    assert rows["GRN"][5] == 92.0 and rows["CUM"][6] == 70.0  # numbers stay numbers
    rules = [r for rng in measures.conditional_formatting for r in rng.rules]
    assert {r.formula[0] for r in rules} >= {'ISNUMBER(SEARCH("Red",I2))', 'ISNUMBER(SEARCH("Green",I2))'}
    data = book["Data"]
    assert [c.value for c in data[1]] == COLUMNS
    assert data.max_row - 1 == sum(1 for _ in csv.reader(io.StringIO(_csv_text(written[".csv"])))) - 1


def test_workbook_keeps_formula_like_text_as_text(written):
    book = load_workbook(written[".xlsx"])
    cells = {row[0].value: row for row in book["Measures"].iter_rows(min_row=2)}
    action = cells["EVIL"][16]
    assert action.value == FORMULA and action.data_type == "s" and action.quotePrefix
    assert cells["NEG"][5].value == -1500.0 and cells["NEG"][5].data_type == "n"


def test_workbook_numbers_carry_their_units_format_and_dates_read_as_in_the_csv(written):
    book = load_workbook(written[".xlsx"])
    cells = {row[0].value: row for row in book["Measures"].iter_rows(min_row=2)}
    for measure_id, unit_format in [("GRN", '0.0"%"'), ("NEG", '"£"#,##0.00'), ("CUM", "#,##0.##")]:
        value = cells[measure_id][5]  # "This quarter"
        assert value.data_type == "n" and isinstance(value.value, int | float) and value.number_format == unit_format
    assert cells["GRN"][5].value == 92.0 and cells["GRN"][7].number_format == '0.0"%"'  # the target too
    measures, data = book["Measures"], book["Data"]
    assert (measures.freeze_panes, data.freeze_panes) == ("C2", "A2")
    assert measures.auto_filter.ref == f"A1:R{measures.max_row}" and data.auto_filter.ref == f"A1:S{data.max_row}"
    assert measures.column_dimensions["B"].width == 40 and data.column_dimensions["Q"].width == 50
    assert measures["A1"].font.b and measures["A1"].fill.fgColor.rgb.endswith("F3F2F1")
    column = {name: index for index, name in enumerate(COLUMNS)}
    csv_rows = list(csv.DictReader(io.StringIO(_csv_text(written[".csv"]))))
    grn = next(r for r in data.iter_rows(min_row=2) if r[column["measure_id"]].value == "GRN"
               and r[column["period"]].value == "2025/26 Q3")  # fmt: skip
    in_csv = next(r for r in csv_rows if r["measure_id"] == "GRN" and r["period"] == "2025/26 Q3")
    assert grn[column["value"]].value == float(in_csv["value"]) == 92.0
    assert grn[column["value"]].number_format == '0.0"%"' and grn[column["value"]].data_type == "n"
    for name in ("period_start", "period_end", "submitted_at"):  # ISO 8601 text, as in the open data
        assert grn[column[name]].value == in_csv[name] and grn[column[name]].data_type == "s"
    assert grn[column["period_start"]].value == "2025-10-01"


def _csv_text(path) -> str:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark, for Excel
    return raw.decode("utf-8-sig")


def test_open_data_csv_is_one_row_per_measure_per_quarter(written):
    rows = list(csv.DictReader(io.StringIO(_csv_text(written[".csv"]))))
    assert list(rows[0]) == COLUMNS
    pairs = [(r["measure_id"], r["period"]) for r in rows]
    assert len(pairs) == len(set(pairs)) <= 13 * 8  # 13 quarterly measures × the 8 quarters shown …
    first = {}
    for r in rows:  # … from each measure's first figure: earlier quarters are not "Missing"
        first.setdefault(r["measure_id"], r)
    assert all(r["value"] != "" for r in first.values())
    grn = {r["period"]: r for r in rows if r["measure_id"] == "GRN"}
    assert grn["2025/26 Q3"]["value"] == "92" and grn["2025/26 Q3"]["rag_status"] == "Green"
    assert grn["2025/26 Q3"]["period_start"] == "2025-10-01" and grn["2025/26 Q1"]["value"] == ""
    assert grn["2025/26 Q1"]["rag_status"] == "Missing"


def test_open_data_csv_is_safe_against_formula_injection(written):
    rows = {(r["measure_id"], r["period"]): r
            for r in csv.DictReader(io.StringIO(_csv_text(written[".csv"])))}  # fmt: skip
    evil, negative = rows[("EVIL", "2025/26 Q3")], rows[("NEG", "2025/26 Q3")]
    assert evil["remedial_action"] == "'" + FORMULA
    assert evil["measure"] == NASTY_TITLE  # starts with <, harmless in a spreadsheet
    assert negative["value"] == "-1500"  # a negative number stays a number
    assert negative["commentary"] == "'-10% on plan" and negative["remedial_action"] == "'@SUM(A1)"


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"), ("+44 20 7946 0000", "'+44 20 7946 0000"), ("-x", "'-x"), ("@A1", "'@A1"),
    ("\tcmd", "'\tcmd"), ("\rcmd", "'\rcmd"), ("-12", "-12"), ("-3.5e2", "-3.5e2"), (-3.5, "-3.5"),
    (1500.0, "1500"), ("plain", "plain"), (None, ""), ("a=b", "a=b"),
])  # fmt: skip
def test_csv_cell_rules(value, expected):
    assert csv_cell(value) == expected


def test_data_dictionary_documents_every_column(written):
    rows = list(csv.reader(io.StringIO(_csv_text(written[".dict"]))))
    assert rows[0] == ["column", "type", "description"]
    assert [r[0] for r in rows[1:]] == COLUMNS == [name for name, _, _ in DICTIONARY]
    assert all(r[2] for r in rows[1:])


def test_the_same_data_gives_the_same_report(store, tmp_path):
    fill(store)
    first = write_quarterly(store, Config(), Q3, tmp_path / "a", prepared=PREPARED)
    second = write_quarterly(store, Config(), Q3, tmp_path / "b", prepared=PREPARED)
    for one, two in zip(first, second, strict=True):
        if one.suffix not in (".xlsx", ".docx"):  # their zip entries carry the time they were written
            assert one.read_bytes() == two.read_bytes(), one.name


def test_annual_report_outturn_trends_and_case_studies_by_theme(store, tmp_path):
    fill(store)
    add_case_studies(store)
    paths = write_annual(store, Config(), 2025, tmp_path / "year", prepared=PREPARED)
    html = next(p for p in paths if p.suffix == ".html").read_text(encoding="utf-8")
    page = Page(html)
    assert_no_active_content(page)
    text = page.all_text
    assert "Annual performance report, 2025/26" in text
    assert "Provisional:" in text and "position at 2025/26 Q3" in text  # the year is not over yet
    assert "Library hubs" in text and "Warm spaces <script>" in text  # approved, consent given
    assert "No consent" not in text and "Still pending" not in text and "Last year's" not in text
    assert "1 approved case study is left out because consent to publish was not given." in text
    headings = [a for a in page.named("h2")]
    assert len(headings) >= 4
    assert all((img.get("alt") or "").strip() for img in page.named("img"))
    assert ("Trend of CUM year to date over 3 quarters, 2025/26 Q1 to 2025/26 Q3: 25, 50, 70. "
            "Target for 2025/26 Q3: 75 year to date.") in [
        img["alt"] for img in page.named("img")]  # fmt: skip
    open_data = next(p for p in paths if p.name.endswith("open-data.csv"))
    rows = list(csv.DictReader(io.StringIO(_csv_text(open_data))))
    assert {r["period"] for r in rows} == {"2025/26 Q1", "2025/26 Q2", "2025/26 Q3"}
    assert load_workbook(next(p for p in paths if p.suffix == ".xlsx")).sheetnames == ["Summary", "Measures", "Data"]


def test_annual_report_for_a_complete_year_shows_the_outturn(store, tmp_path):
    fill(store)
    paths = write_annual(store, Config(), 2024, tmp_path / "year", prepared=PREPARED)
    text = Page(next(p for p in paths if p.suffix == ".html").read_text(encoding="utf-8")).all_text
    assert "Provisional" not in text and "Total for the year" in text
    book = load_workbook(next(p for p in paths if p.suffix == ".xlsx"))
    cum = next(r for r in book["Measures"].iter_rows(min_row=2, values_only=True) if r[0] == "CUM")
    assert cum[6] == 100.0 and cum[7] == 100.0  # 20 + 30 + 25 + 25 against the annual target of 100


@pytest.fixture
def data_dir(tmp_path, monkeypatch, clock):
    monkeypatch.setenv("PERFBOT_DATA", str(tmp_path / "data"))
    assert main(["init"]) == 0
    from perfbot.store import Store

    fill(Store.open(tmp_path / "data", clock=clock))
    return tmp_path / "data"


def test_cli_report_and_digest(data_dir, tmp_path, capsys):
    capsys.readouterr()
    assert main(["report", "2025/26 Q3", "--out", str(tmp_path / "r")]) == 0
    assert "performance-2025-26-Q3.html" in capsys.readouterr().out
    assert main(["report", "2024/25", "--annual", "--out", str(tmp_path / "r")]) == 0
    assert (tmp_path / "r" / "performance-2024-25-annual.html").exists()
    for fmt, marker in [("markdown", "# "), ("html", "<!DOCTYPE html>"), ("slack", '"blocks"'),
                        ("teams", '"AdaptiveCard"'), ("text", "Returns received")]:  # fmt: skip
        assert main(["digest", "2025/26 Q3", "--format", fmt]) == 0
        assert marker in capsys.readouterr().out


def test_cli_bad_input_exits_2_with_one_line(data_dir, tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    capsys.readouterr()
    assert main(["report", "2025/26 Q3", "--out", str(blocker)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "exists and is not a directory" in err
    assert main(["report", "2025/26 Q3", "--out", str(blocker / "sub")]) == 2
    assert "cannot write there" in capsys.readouterr().err
    assert main(["report", "2025/26", "--out", str(tmp_path / "r")]) == 2
    assert "not a financial quarter" in capsys.readouterr().err
    assert main(["report", "2025/26 Q3", "--annual", "--out", str(tmp_path / "r")]) == 2
    assert "not a financial year" in capsys.readouterr().err
    assert main(["report", "2031/32", "--annual", "--out", str(tmp_path / "r")]) == 2
    assert "there are no returns for 2031/32 yet" in capsys.readouterr().err
    assert main(["digest", "2025/26 Q3", "--format", "pdf"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "digest format 'pdf' is unknown; use one of text, markdown" in err
