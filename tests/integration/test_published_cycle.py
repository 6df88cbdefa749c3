"""A whole cycle as a council runs it (issue 13): a target changes between two financial years,
a round closes and is published, a correction is made with a reason, and the closed quarter's
published figure and RAG stay as published while the revision is shown beside them."""

import json

import pytest

from perfbot.cli import main
from perfbot.periods import Period

HEADER = "measure_id,title,theme,service,owner_email,head_of_service_email,unit,polarity,target,tolerance,target_from\n"
ROW = "CS01,Calls answered in 60s,Well-run,Customer Services,jo@council.gov.uk,hd@council.gov.uk,percent,higher,{target},5%,{start}\n"


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.setenv("PERFBOT_DATA", str(tmp_path / "data"))
    assert main(["init"]) == 0
    return tmp_path


def _register(tmp_path, target, start=""):
    path = tmp_path / "register.csv"
    path.write_text(HEADER + ROW.format(target=target, start=start), encoding="utf-8")
    return str(path)


def _analyse(capsys, period):
    capsys.readouterr()
    assert main(["analyse", period, "--format", "json"]) == 0
    return {r["measure_id"]: r for r in json.loads(capsys.readouterr().out)}


def test_targets_in_force_publication_and_a_correction(data, capsys):
    assert main(["register", "import", _register(data, 80)]) == 0
    assert main(["round", "open", "2025/26 Q4"]) == 0
    assert main(["submit", "CS01", "2025/26 Q4", "82", "--as", "jo@council.gov.uk"]) == 0
    assert main(["round", "close", "2025/26 Q4"]) == 0

    capsys.readouterr()
    assert main(["register", "import", _register(data, 85, "2026/27 Q1")]) == 0
    assert "CS01 target 80 → 85 from 2026/27 Q1; earlier quarters keep 80" in capsys.readouterr().out
    assert main(["register", "history", "CS01"]) == 0
    timeline = capsys.readouterr().out
    assert "first quarter" in timeline and "2026/27 Q1" in timeline

    published = _analyse(capsys, "2025/26 Q4")["CS01"]
    assert (published["value"], published["target"], published["rag"]) == (82, 80, "green")
    assert published["published"] is True and published["revision"] is None

    # the next year is rated against the new target: 82 is now amber
    assert main(["round", "open", "2026/27 Q1"]) == 0
    assert main(["submit", "CS01", "2026/27 Q1", "82", "--commentary", "Two vacancies"]) == 0
    assert _analyse(capsys, "2026/27 Q1")["CS01"]["rag"] == "amber"

    # a closed quarter is corrected only with a reason, and stays as published
    assert main(["submit", "CS01", "2025/26 Q4", "70"]) == 2
    assert "give a reason" in capsys.readouterr().err
    assert main(["submit", "CS01", "2025/26 Q4", "70", "--reason", "telephony report was wrong"]) == 0
    after = _analyse(capsys, "2025/26 Q4")["CS01"]
    assert (after["value"], after["target"], after["rag"]) == (82, 80, "green")
    assert "revised after publication" in after["revision"] and "telephony report was wrong" in after["revision"]
    assert after["revision"] in after["exceptions"]

    # reopening needs a reason; closing again publishes a new edition with the corrected figure
    assert main(["round", "reopen", "2025/26 Q4", "--reason", "auditor asked for the correction"]) == 0
    assert main(["round", "close", "2025/26 Q4"]) == 0
    republished = _analyse(capsys, "2025/26 Q4")["CS01"]
    assert (republished["value"], republished["rag"]) == (70, "red") and republished["revision"] is None


def test_withdrawing_a_stray_return_keeps_its_versions(data, capsys):
    assert main(["register", "import", _register(data, 80)]) == 0
    assert main(["submit", "CS01", "2024/25 Q1", "91", "--reason", "typed into the wrong year"]) == 0
    assert main(["returns", "withdraw", "CS01", "2024/25 Q1", "--reason", "wrong year"]) == 0
    assert _analyse(capsys, "2024/25 Q1")["CS01"]["value"] is None
    assert main(["returns", "withdraw", "CS01", "2024/25 Q1", "--reason", "again"]) == 2


def test_dry_run_shows_each_recipient_their_measures_and_channel(data, capsys):
    assert main(["register", "import", _register(data, 80)]) == 0
    capsys.readouterr()
    assert main(["round", "open", "2025/26 Q4", "--dry-run", "--deadline", "2099-01-30"]) == 0
    out = capsys.readouterr().out
    assert "returns due by Friday 30 January 2099" in out and "Nothing is sent" in out
    assert "jo@council.gov.uk by local: CS01" in out
    assert main(["round", "status", "2025/26 Q4", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["state"] == "not opened"
    assert main(["round", "open", "2030/31 Q1", "--dry-run"]) == 2  # the same refusal as a real run


def test_history_keeps_when_figures_were_made_and_unknown_times_count_neither_way(data, capsys):
    from perfbot.app import build
    from reports.analysis import analyse

    assert main(["register", "import", _register(data, 80)]) == 0
    history = data / "history.csv"
    history.write_text("measure_id,period,value,submitted_at\nCS01,2024/25 Q3,70,2025-01-20 10:15\n"
                       "CS01,2024/25 Q4,-3,\n", encoding="utf-8")  # fmt: skip
    assert main(["returns", "import", str(history)]) == 0  # red without commentary, and below 0: history
    app = build(data / "data")
    made = app.store.returns.get("CS01", Period(2024, 3))
    assert made.submitted_at.isoformat().startswith("2025-01-20T10:15") and not made.unknown_time
    q4 = analyse(app.store, app.config, Period(2024, 4))
    row = q4.records()[0]
    assert row["on_time"] is None and any("outside 0–100" in e for e in row["exceptions"])
    assert q4.completeness()["pct_on_time"].isna().all()


def test_a_zero_that_looks_like_missing_data_is_confirmed_on_the_cli(data, capsys):
    assert main(["register", "import", _register(data, 80)]) == 0
    assert main(["round", "open", "2025/26 Q3"]) == 0
    assert main(["submit", "CS01", "2025/26 Q2", "99", "--reason", "history"]) == 0
    capsys.readouterr()
    assert main(["submit", "CS01", "2025/26 Q3", "0", "--commentary", "Phones down"]) == 2
    assert "confirm" in capsys.readouterr().err
    assert main(["submit", "CS01", "2025/26 Q3", "0", "--commentary", "Phones down", "--confirm"]) == 0
    row = _analyse(capsys, "2025/26 Q3")["CS01"]
    assert row["rag"] == "missing" and any("confirmed by the submitter" in e for e in row["exceptions"])


def test_a_correction_can_publish_the_closed_quarter_again_in_one_step(data, capsys):
    assert main(["register", "import", _register(data, 80)]) == 0
    assert main(["round", "open", "2025/26 Q4"]) == 0
    assert main(["submit", "CS01", "2025/26 Q4", "82"]) == 0
    assert main(["round", "close", "2025/26 Q4"]) == 0
    assert main(["submit", "CS01", "2025/26 Q4", "70", "--republish"]) == 2  # a correction: a reason first
    capsys.readouterr()
    assert main(["submit", "CS01", "2025/26 Q4", "70", "--reason", "auditor's figure", "--republish"]) == 0
    out = capsys.readouterr().out
    assert "Revised: CS01 2025/26 Q4 = 70%" in out and "Published 2025/26 Q4 again (edition 2)" in out
    republished = _analyse(capsys, "2025/26 Q4")["CS01"]
    assert (republished["value"], republished["rag"], republished["revision"]) == (70, "red", None)
    assert main(["submit", "CS01", "2025/26 Q4", "71", "--reason", "one more"]) == 0
    assert "shown beside its published figure" in capsys.readouterr().out
