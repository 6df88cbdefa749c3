"""The register's optional `public` column: yes/no in every format, a clear error otherwise, kept
through export and the template, and registers without it still import."""

import json
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook, load_workbook

from perfbot.cli import main
from perfbot.register_export import export_register, write_template
from perfbot.register_import import RegisterImportError, load_register

HEADER = "measure_id,title,theme,service,owner_email,head_of_service_email,unit,target"
ROW = "{id},Calls answered,Efficient,Customer,a@c.gov.uk,h@c.gov.uk,percent,80"


def _csv(tmp_path: Path, publics: list[str], *, column: bool = True) -> Path:
    path = tmp_path / "register.csv"
    lines = [HEADER + (",public" if column else "")]
    lines += [ROW.format(id=f"M{i}") + (f",{p}" if column else "") for i, p in enumerate(publics, start=1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_yes_no_are_read_tolerantly_and_blank_is_no(tmp_path):
    words = ["yes", "Yes", "Y", "TRUE", "1", "no", "N", "false", "0", ""]
    parsed = load_register(_csv(tmp_path, words))
    assert [m.public for m in parsed.measures] == [True] * 5 + [False] * 5


def test_a_register_without_the_column_is_all_private(tmp_path):
    parsed = load_register(_csv(tmp_path, ["", ""], column=False))
    assert [m.public for m in parsed.measures] == [False, False]


def test_anything_else_is_refused_with_its_row_and_column(tmp_path):
    with pytest.raises(RegisterImportError) as caught:
        load_register(_csv(tmp_path, ["yes", "maybe", "2"]))
    assert caught.value.errors == ["row 3, column public: 'maybe' is not yes or no",
                                   "row 4, column public: '2' is not yes or no"]  # fmt: skip


def test_spreadsheet_and_yaml_booleans(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "measures"
    sheet.append([*HEADER.split(","), "public"])
    sheet.append([*ROW.format(id="M1").split(","), True])
    sheet.append([*ROW.format(id="M2").split(","), 1])
    sheet.append([*ROW.format(id="M3").split(","), False])
    workbook.save(tmp_path / "r.xlsx")
    assert [m.public for m in load_register(tmp_path / "r.xlsx").measures] == [True, True, False]
    doc = {"measures": [dict(zip([*HEADER.split(","), "public"], [*ROW.format(id=f"M{i}").split(","), v],
                                 strict=True)) for i, v in ((1, True), (2, False))]}  # fmt: skip
    (tmp_path / "r.yaml").write_text(yaml.safe_dump(doc).replace("true", "yes"), encoding="utf-8")
    assert [m.public for m in load_register(tmp_path / "r.yaml").measures] == [True, False]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".yaml"])
def test_export_keeps_it_and_imports_back_unchanged(tmp_path, store, suffix):
    store.register.apply(load_register(_csv(tmp_path, ["yes", ""])).measures, [], actor="test")
    path = tmp_path / f"out{suffix}"
    export_register(path, measures=store.register.measures(), targets=[], starts={})
    again = load_register(path)
    assert [m.public for m in again.measures] == [True, False]
    changes = store.register.apply(again.measures, again.targets, actor="test")
    assert changes.unchanged == ("M1", "M2") and not changes.updated


def test_a_measure_stored_before_the_column_existed_is_unchanged_until_made_public(tmp_path, store):
    store.register.apply(load_register(_csv(tmp_path, ["", ""], column=False)).measures, [], actor="t")
    table = store.files.core.table("measures")
    with store.files.core.transaction():
        for doc in table.all():  # as an older perfbot stored it
            table.update({k: v for k, v in doc.items() if k != "public"} | {"public": None}, doc_ids=[doc.doc_id])
    assert store.register.apply(load_register(_csv(tmp_path, ["", ""], column=False)).measures, [],
                                actor="t").unchanged == ("M1", "M2")  # fmt: skip
    changes = store.register.apply(load_register(_csv(tmp_path, ["yes", "no"])).measures, [], actor="t")
    assert changes.updated == ("M1",) and store.register.measure("M1").public
    changes = store.register.apply(load_register(_csv(tmp_path, ["no", "no"])).measures, [], actor="t")
    assert changes.updated == ("M1",) and not store.register.measure("M1").public


def test_the_template_explains_the_column_with_a_drop_down(tmp_path):
    path = tmp_path / "template.xlsx"
    write_template(path)
    sheet = load_workbook(path)["measures"]
    header = [c.value for c in sheet[1]]
    column = header.index("public")
    assert "public performance page" in sheet[2][column].value
    assert sheet[3][column].value == "yes"
    letter = sheet[1][column].column_letter
    assert any('"yes,no"' in v.formula1 and letter in str(v.sqref) for v in sheet.data_validations.dataValidation)
    assert load_register(path).measures[0].public is True


def test_register_show_says_which_are_public(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PERFBOT_DATA", str(tmp_path / "data"))
    assert main(["init"]) == 0
    assert main(["register", "import", str(_csv(tmp_path, ["Y", ""]))]) == 0
    capsys.readouterr()
    assert main(["register", "show", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith(",public,benchmark_metric")
    assert lines[1].endswith(",yes,") and lines[2].endswith(",no,")
    assert main(["register", "show", "--format", "json"]) == 0
    assert [m["public"] for m in json.loads(capsys.readouterr().out)] == [True, False]
    assert main(["register", "import", str(_csv(tmp_path, ["perhaps", ""]))]) == 2
    assert "row 2, column public: 'perhaps' is not yes or no" in capsys.readouterr().err
