"""The CLI contract: exit codes, one-line errors, formats — against a temporary data dir."""

import json
from pathlib import Path

import pytest

from perfbot.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "perfbot" / "sample" / "register.yaml"


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.setenv("PERFBOT_DATA", str(tmp_path / "data"))
    assert main(["init"]) == 0
    assert main(["register", "import", str(SAMPLE)]) == 0
    return tmp_path / "data"


def test_register_show_formats(data, capsys):
    capsys.readouterr()
    assert main(["register", "show", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 43 and rows[0]["measure_id"] == "CS01"
    assert main(["register", "show", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("measure_id,title")


def test_bad_register_exits_2_naming_row_and_column(data, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("measure_id,title,theme,service,owner_email,head_of_service_email,target\n"
                   "X1,t,th,s,a@b.gov.uk,h@b.gov.uk,abc\n")  # fmt: skip
    assert main(["register", "import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "row 2, column target: 'abc' is not a number" in err and "Traceback" not in err


def test_bad_period_and_missing_data_dir_exit_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PERFBOT_DATA", str(tmp_path / "none"))
    assert main(["analyse", "2025/26 Q3"]) == 2
    assert "run 'perfbot init' first" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        main(["analyse", "Q7 2025"])
    assert caught.value.code == 2 and "not a financial quarter" in capsys.readouterr().err


def test_submit_round_and_analyse(data, capsys, tmp_path):
    returns = tmp_path / "returns.csv"
    returns.write_text("measure_id,value,commentary\nCS01,85,\nCS03,97,\n")
    assert main(["returns", "import", str(returns), "--period", "2025/26 Q2"]) == 0
    assert main(["round", "open", "2025/26 Q3"]) == 0
    out = capsys.readouterr().out
    assert "Opened 2025/26 Q3" in out and "to zoe.turner@larkfield.gov.uk" in out
    assert main(["round", "open", "2025/26 Q3"]) == 0
    assert "Sent 0 messages" in capsys.readouterr().out  # a second run sends nothing twice
    assert main(["submit", "CS01", "2025/26 Q3", "70"]) == 2
    assert "commentary" in capsys.readouterr().err
    assert main(["submit", "CS01", "2025/26 Q3", "82", "--as", "zoe.turner@larkfield.gov.uk"]) == 0
    assert "Created: CS01 2025/26 Q3 = 82%" in capsys.readouterr().out
    assert main(["analyse", "2025/26 Q3", "--format", "json"]) == 0
    rows = {r["measure_id"]: r for r in json.loads(capsys.readouterr().out)}
    assert set(rows["CS01"]) == {"measure_id", "period", "value", "target", "rag", "dot_previous",
                                 "dot_last_year", "exceptions", "published", "revision"}  # fmt: skip
    assert rows["CS01"]["rag"] == "green" and rows["CS01"]["dot_previous"] == "worsening"
    assert rows["CS03"]["rag"] == "missing"
    assert main(["round", "status", "2025/26 Q3", "--format", "json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["state"] == "open" and any(o["returned"] == 1 for o in status["owners"])
    assert main(["digest", "2025/26 Q3"]) == 0
    assert "Returns received: 1 of 41" in capsys.readouterr().out


def test_demo_runs_a_whole_quarter(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "Round 2025/26 Q3 opened" in out
    assert "rejected" in out and "reminder" in out and "escalation" in out
    assert "Returns received: 38 of 41" in out
    # remedial actions: raised by red returns, asked about in the next request, answered under the rules
    assert "Red returns in 2025/26 Q3 raised 7 tracked remedial actions" in out
    assert "CS01 (2025/26 Q3): Temporary staff brought in from the corporate pool" in out
    assert "CS04-2025-26-Q3 still open — refused: it was due by end of 2025/26 Q4: give a new due date" in out
    assert "CS04-2025-26-Q3 still open, now due by the end of 2026/27 Q1" in out
    assert "HO02-2025-26-Q3 dropped — refused: say why the action is dropped" in out
    assert "CS01-2025-26-Q3  done" in out and "HO05-2025-26-Q3  open     end of 2025/26 Q4  yes" in out
    assert "The 2025/26 Q4 digest for CMT lists 4 overdue actions among its exceptions:" in out
    assert "Exceptions (" in out
    # sign-off: approved, sent back and revised, reminded, escalated, approved on the head's behalf
    assert "helen.marsh@larkfield.gov.uk approves the figures for Housing Options" in out
    assert "sends the figures for Waste & Recycling back: WR02" in out and "revises WR02" in out
    assert "Reminder: sign off Revenues & Benefits" in out and "on james.corrigan@larkfield.gov.uk's behalf" in out
    assert "Provisional (not yet signed off by the head of service): Economic Development, Leisure & Culture." in out
    assert "You are deputy for tom.brennan@larkfield.gov.uk" in out  # absence and delegation
    assert "The performance officer chases Economic Development: 1 chase sent." in out
    assert "Scheduler: 1 message sent (alert)" in out
    assert "The register marks 8 measures public (CS01, ED01, HO01, HO02, PL01, RB03, WR01, WR03)" in out
    assert "http://127.0.0.1:8000/public" in out
    assert "and 2025/26 Q2 republished: /public marks it revised." in out
    report = out.split("Quarterly report for Cabinet and Scrutiny: ")[1].splitlines()[0].split(", ")
    assert all(Path(path).stat().st_size > 0 for path in report) and report[0].endswith(".html")
    assert "Read 128 peer values from peers.csv (4 metrics" in out  # peers beside the figures
    html = Path(report[0]).read_text(encoding="utf-8")
    assert "Compared with peers" in html and "of 16" in html and "peers: 2024/25, figure: 2025/26 Q3" in html
    emails = Path(out.split(".eml files in ")[1].split(" ")[0])
    assert len(list(emails.glob("*.eml"))) > 16 and "(saved as emails/001-" in out


def test_digest_post_sends_now_and_not_twice_within_the_minute(data, capsys):
    assert main(["digest", "2025/26 Q3", "--post"]) == 2
    assert "has not been opened" in capsys.readouterr().err
    assert main(["round", "open", "2025/26 Q3"]) == 0
    capsys.readouterr()
    assert main(["digest", "2025/26 Q3", "--post"]) == 0
    out = capsys.readouterr().out
    assert "to cmt (local channel)" in out and "Posted the 2025/26 Q3 digest: 1 sent, 0 failed." in out


def test_a_repost_in_the_same_minute_sends_nothing_twice(data):
    from datetime import datetime, timedelta

    from perfbot.app import build
    from perfbot.clock import LONDON, ManualClock
    from perfbot.periods import Period

    clock = ManualClock(datetime(2026, 2, 2, 10, 0, tzinfo=LONDON))
    app = build(data, clock=clock, show=lambda to, text: None)  # as the CLI: a terminal shows it
    app.cycle.open_round(Period(2025, 3), actor="officer")
    assert len(app.cycle.post_digest(Period(2025, 3), actor="officer").sent) == 1
    assert app.cycle.post_digest(Period(2025, 3), actor="officer").sent == []
    clock.advance(timedelta(hours=2))  # after late returns, a re-post goes out
    assert len(app.cycle.post_digest(Period(2025, 3), actor="officer").sent) == 1


def test_casestudy_add_list_and_approve(data, capsys):
    args = ["casestudy", "add", "--title", "Pop-up recycling days", "--theme", "A Greener District",
            "--service", "Waste & Recycling", "--what-happened", "Crews ran six pop-up days.",
            "--impact", "Eleven tonnes diverted from landfill.", "--consent", "yes",
            "--as", "kevin.walsh@larkfield.gov.uk"]  # fmt: skip
    assert main(args) == 0 and "Received: case study" in capsys.readouterr().out
    assert main(args) == 0 and "Already received" in capsys.readouterr().out  # no duplicate
    bad = args.copy()
    bad[bad.index("Waste & Recycling")] = "Parking"
    assert main(bad) == 2 and "service" in capsys.readouterr().err
    assert main(["casestudy", "list", "--format", "json"]) == 0
    studies = json.loads(capsys.readouterr().out)
    assert len(studies) == 1 and studies[0]["status"] == "submitted"
    assert main(["casestudy", "approve", studies[0]["case_id"], "--annual-report"]) == 0
    capsys.readouterr()
    assert main(["casestudy", "list", "--status", "approved", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["for_annual_report"] is True
