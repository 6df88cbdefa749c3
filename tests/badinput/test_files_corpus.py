"""Every malformed register or returns file in the corpus gets a clear error and writes nothing."""

import json
from pathlib import Path

import pytest

from perfbot.cli import main

CORPUS = Path(__file__).resolve().parent
SAMPLE = CORPUS.parents[1] / "perfbot" / "sample" / "register.yaml"


def _data_files(data: Path) -> dict[str, bytes]:
    return {str(p.relative_to(data)): p.read_bytes() for p in sorted(data.rglob("*")) if p.is_file()
            and p.name not in ("perfbot.log", ".lock")}  # fmt: skip


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.setenv("PERFBOT_DATA", str(tmp_path / "data"))
    assert main(["init"]) == 0 and main(["register", "import", str(SAMPLE)]) == 0
    return tmp_path / "data"


def _assert_clean_refusal(capsys, before, data, code):
    out = capsys.readouterr()
    assert code == 2, out.out
    lines = [line for line in out.err.splitlines() if line]
    assert lines and all(line.startswith("perfbot: error: ") for line in lines), out.err[:500]
    assert "Traceback" not in out.err and len(out.err) < 20000
    assert _data_files(data) == before  # nothing half-written


@pytest.mark.parametrize("path", sorted((CORPUS / "registers").iterdir()), ids=lambda p: p.name)
def test_bad_register_files(path, data, capsys):
    before = _data_files(data)
    capsys.readouterr()
    _assert_clean_refusal(capsys, before, data, main(["register", "import", str(path)]))


@pytest.mark.parametrize("path", sorted((CORPUS / "returns").iterdir()), ids=lambda p: p.name)
def test_bad_returns_files(path, data, capsys):
    if path.name in RETURNS_BEING_MADE:  # refused in an open round; history takes them as they were
        assert main(["round", "open", "2025/26 Q2"]) == 0
    before = _data_files(data)
    capsys.readouterr()
    _assert_clean_refusal(capsys, before, data, main(["returns", "import", str(path)]))


RETURNS_BEING_MADE = ("off-target-no-commentary.csv", "percent-over-100.csv")


@pytest.mark.parametrize("name", RETURNS_BEING_MADE)
def test_history_is_imported_as_it_was_and_flagged(name, data, capsys):
    assert main(["returns", "import", str(CORPUS / "returns" / name)]) == 0
    capsys.readouterr()
    assert main(["analyse", "2025/26 Q2", "--format", "json"]) == 0
    rows = {r["measure_id"]: r for r in json.loads(capsys.readouterr().out)}
    assert any(r["value"] is not None for r in rows.values())


def test_one_bad_row_names_its_row_and_column(data, capsys):
    capsys.readouterr()
    main(["returns", "import", str(CORPUS / "returns" / "one-bad-row-among-good.csv")])
    assert "perfbot: error: row 4, column value: Enter a number" in capsys.readouterr().err
