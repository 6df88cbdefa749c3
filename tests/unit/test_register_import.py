"""Register import: CSV, XLSX and YAML, all-or-nothing with row-and-column errors."""

from pathlib import Path

import pytest
from openpyxl import Workbook

from perfbot.periods import Period
from perfbot.register_import import RegisterImportError, load_register

HEADER = "measure_id,title,theme,service,owner_email,head_of_service_email,unit,polarity,target,tolerance\n"
GOOD = "M1,Calls answered,Efficient,Customer,a@c.gov.uk,h@c.gov.uk,percent,higher,80,5%\n"


def _csv(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "register.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_csv_register_is_read_with_types(tmp_path):
    parsed = load_register(_csv(tmp_path, GOOD + "M2,Days to pay,Efficient,Customer,a@c.gov.uk,h@c.gov.uk,days,lower,,3\n"))
    first, second = parsed.measures
    assert first.target == 80.0 and str(first.tolerance) == "5%" and first.unit.value == "percent"
    assert second.target is None and second.tolerance.kind == "absolute"


def test_every_error_names_its_row_and_column(tmp_path):
    body = GOOD + (
        "M2,Bad target,Efficient,Customer,a@c.gov.uk,h@c.gov.uk,number,higher,abc,\n"
        "M1,Duplicate,Efficient,Customer,a@c.gov.uk,h@c.gov.uk,number,higher,1,\n"
        "M3,Bad polarity,Efficient,Customer,not-an-email,h@c.gov.uk,number,upwards,1,\n"
    )
    with pytest.raises(RegisterImportError) as caught:
        load_register(_csv(tmp_path, body))
    errors = caught.value.errors
    assert "row 3, column target: 'abc' is not a number" in errors
    assert "row 4, column measure_id: 'M1' appears again (first at row 2)" in errors
    assert any(e.startswith("row 5, column owner_email:") for e in errors)
    assert any(e.startswith("row 5, column polarity: 'upwards' is not one of") for e in errors)


def test_a_bad_file_writes_nothing(tmp_path, store):
    store.register.apply(load_register(_csv(tmp_path, GOOD)).measures, [], actor="x")
    with pytest.raises(RegisterImportError):
        load_register(_csv(tmp_path, GOOD + "M2,x,Efficient,Customer,a@c.gov.uk,h@c.gov.uk,percent,higher,120,\n"))
    assert [m.measure_id for m in store.register.measures()] == ["M1"]


def test_service_areas_sit_under_one_theme(tmp_path):
    body = GOOD + "M2,x,Another theme,Customer,a@c.gov.uk,h@c.gov.uk,number,higher,1,\n"
    with pytest.raises(RegisterImportError, match="row 3, column theme"):
        load_register(_csv(tmp_path, body))


def test_xlsx_with_measures_and_targets_sheets(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "measures"
    sheet.append(HEADER.strip().split(","))
    sheet.append(["M1", "Calls", "Efficient", "Customer", "a@c.gov.uk", "h@c.gov.uk", "percent", "higher", 80, "5%"])
    targets = workbook.create_sheet("targets")
    targets.append(["measure_id", "period", "target"])
    targets.append(["M1", "2025/26 Q3", 82])
    targets.append(["M9", "2025/26 Q3", "high"])
    path = tmp_path / "register.xlsx"
    workbook.save(path)
    with pytest.raises(RegisterImportError) as caught:
        load_register(path)
    assert "targets row 3, column measure_id: 'M9' is not a measure in the register" in caught.value.errors
    assert "targets row 3, column target: 'high' is not a number" in caught.value.errors
    targets.delete_rows(3)
    workbook.save(path)
    parsed = load_register(path)
    assert parsed.targets[0].period == Period(2025, 3) and parsed.targets[0].target == 82


def test_yaml_register_and_sample_register_load():
    sample = Path(__file__).resolve().parents[2] / "perfbot" / "sample" / "register.yaml"
    parsed = load_register(sample)
    assert len(parsed.measures) >= 40
    assert len({m.service for m in parsed.measures}) >= 8
    assert len({m.theme for m in parsed.measures}) >= 4


def test_reimport_updates_by_id_and_keeps_target_history(tmp_path, store):
    store.register.apply(load_register(_csv(tmp_path, GOOD)).measures, [], actor="x")
    changed = load_register(_csv(tmp_path, GOOD.replace(",80,", ",85,"))).measures
    changes = store.register.apply(changed, [], actor="y")
    assert changes.updated == ("M1",)
    timeline = store.register.timeline(store.register.measure("M1"))
    assert [(e.terms.target, e.by) for e in timeline.entries] == [(80.0, "x"), (85.0, "y")]
    assert changes.terms_changed[0].startswith("M1 target 80 → 85 from ")


def test_benchmark_metric_is_read_exported_and_shown(tmp_path, monkeypatch, capsys):
    from perfbot.cli import main

    path = tmp_path / "register.csv"
    path.write_text(HEADER.rstrip("\n") + ",benchmark_metric\n" + GOOD.rstrip("\n") + ",1589\n"
                    + "M2,Days to pay,Efficient,Customer,a@c.gov.uk,h@c.gov.uk,days,lower,,3,\n"
                    + "M3,Bad,Efficient,Customer,a@c.gov.uk,h@c.gov.uk,days,lower,,3," + "x" * 61 + "\n",
                    encoding="utf-8")  # fmt: skip
    with pytest.raises(RegisterImportError, match="row 4, column benchmark_metric: is 61 characters long"):
        load_register(path)
    path.write_text("\n".join(path.read_text().splitlines()[:3]) + "\n", encoding="utf-8")
    first, second = load_register(path).measures
    assert first.benchmark_metric == "1589" and second.benchmark_metric == ""
    monkeypatch.setenv("PERFBOT_DATA", str(tmp_path / "data"))
    assert main(["init"]) == 0 and main(["register", "import", str(path)]) == 0
    for name in ("out.csv", "out.xlsx", "out.yaml"):  # every format round-trips it
        assert main(["register", "export", str(tmp_path / name)]) == 0
        assert [m.benchmark_metric for m in load_register(tmp_path / name).measures] == ["1589", ""]
    capsys.readouterr()
    assert main(["register", "show", "--format", "csv"]) == 0
    shown = capsys.readouterr().out.splitlines()
    assert shown[0].endswith(",benchmark_metric") and shown[1].endswith(",1589")
    assert main(["register", "template", str(tmp_path / "blank.xlsx")]) == 0
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "blank.xlsx")["measures"]
    header = [c.value for c in sheet[1]]
    assert "benchmark_metric" in header
    assert "LG Inform" in sheet.cell(row=2, column=header.index("benchmark_metric") + 1).value
