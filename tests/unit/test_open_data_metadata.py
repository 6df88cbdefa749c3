"""The open-data CSV's CSV on the Web metadata, as `perfbot report` and the report writers write
it: the vocabulary's required keys, columns matching the header in order, every cell of its
type, the licence, publisher and date (channel: the report files and the CLI)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from perfbot.cli import main
from perfbot.config import Config
from reports.open_data import COLUMNS
from reports.open_data_metadata import OGL
from reports.publish import write_annual, write_quarterly
from tests.csvw_check import assert_valid_csvw
from tests.unit.test_reports_sample import Q3, add_nasty, fill

PREPARED = date(2026, 1, 22)


def _pair(paths: list[Path]) -> tuple[Path, Path]:
    data = next(p for p in paths if p.name.endswith("-open-data.csv"))
    return data, next(p for p in paths if p.name == f"{data.name}-metadata.json")


def test_the_quarterly_report_describes_its_open_data(store, tmp_path):
    fill(store)
    add_nasty(store)  # formula-like text, a negative figure, markup in titles
    data, meta = _pair(write_quarterly(store, Config(), Q3, tmp_path / "out", prepared=PREPARED, papers=False))
    rows = assert_valid_csvw(data, meta)
    doc = json.loads(meta.read_text(encoding="utf-8"))
    assert doc["dc:license"] == {"@id": OGL} and doc["dc:publisher"] == Config().council_name
    assert doc["dc:modified"]["@value"] == "2026-01-22"
    assert doc["dc:title"].endswith("quarterly performance report, 2025/26 Q3, open data")
    assert doc["tableSchema"]["primaryKey"] == ["measure_id", "period"]
    types = {c["name"]: c["datatype"] for c in doc["tableSchema"]["columns"]}
    assert (types["value"], types["period_start"], types["submitted_at"]) == ("number", "date", "datetime")
    grn = next(r for r in rows if (r["measure_id"], r["period"]) == ("GRN", "2025/26 Q3"))
    assert grn["value"] == 92.0 and grn["period_end"].date() == date(2025, 12, 31)
    html = next(p for p in data.parent.iterdir() if p.suffix == ".html").read_text(encoding="utf-8")
    assert f'href="{meta.name}"' in html and OGL in html


def test_a_cell_of_the_wrong_type_fails_the_check(store, tmp_path):
    fill(store)
    data, meta = _pair(write_quarterly(store, Config(), Q3, tmp_path / "out", prepared=PREPARED, papers=False))
    text = data.read_bytes().decode("utf-8-sig")
    data.write_bytes(text.replace(",92,", ",ninety-two,").encode("utf-8-sig"))
    try:
        assert_valid_csvw(data, meta)
    except (AssertionError, ValueError):
        return
    raise AssertionError("a word in a number column passed the check")


def test_a_text_measure_makes_the_value_column_text(store, tmp_path):
    from perfbot.model import Return, Unit
    from tests.conftest import make_measure

    fill(store)
    measures = [*store.register.measures(), make_measure("WORDS", unit=Unit.TEXT, target=None)]
    store.register.apply(measures, [], actor="test")
    store.returns.save(Return("WORDS", Q3, "Consultation closed", submitted_by="test"))
    data, meta = _pair(write_quarterly(store, Config(), Q3, tmp_path / "out", prepared=PREPARED, papers=False))
    rows = assert_valid_csvw(data, meta)
    assert next(r["value"] for r in rows if r["measure_id"] == "WORDS") == "Consultation closed"


def test_perfbot_report_writes_it_for_a_quarter_and_a_year(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PERFBOT_DATA", str(tmp_path / "data"))
    register = tmp_path / "register.csv"
    register.write_text("measure_id,title,theme,service,owner_email,head_of_service_email,unit,target,public\n"
                        "CS01,Calls answered,Well-run,Customers,jo@c.gov.uk,hd@c.gov.uk,percent,80,yes\n",
                        encoding="utf-8")  # fmt: skip
    for command in (["init"], ["register", "import", str(register)], ["round", "open", "2025/26 Q3"],
                    ["submit", "CS01", "2025/26 Q3", "82", "--commentary", "Two new advisers"]):  # fmt: skip
        assert main(command) == 0
    assert main(["report", "2025/26 Q3", "--out", str(tmp_path / "q"), "--no-papers"]) == 0
    assert "performance-2025-26-Q3-open-data.csv-metadata.json" in capsys.readouterr().out
    data, meta = _pair(sorted((tmp_path / "q").iterdir()))
    [row] = assert_valid_csvw(data, meta)
    assert (row["measure_id"], row["value"], row["rag_status"]) == ("CS01", 82.0, "Green")
    assert [c["name"] for c in json.loads(meta.read_text(encoding="utf-8"))["tableSchema"]["columns"]] == COLUMNS
    assert main(["report", "2025/26", "--annual", "--out", str(tmp_path / "y"), "--no-papers"]) == 0
    assert_valid_csvw(*_pair(sorted((tmp_path / "y").iterdir())))


def test_the_annual_report_writes_it_too(store, tmp_path):
    fill(store)
    data, meta = _pair(write_annual(store, Config(), 2025, tmp_path / "y", prepared=PREPARED, papers=False))
    assert {r["period"] for r in assert_valid_csvw(data, meta)} == {"2025/26 Q1", "2025/26 Q2", "2025/26 Q3"}
