"""Remedial actions through the CLI (issue 19, point 2): a red return's action is tracked, shows
as an exception once overdue, and is updated with who, when and why."""

import json

import docx
import pytest

from perfbot.cli import main
from perfbot.store import Store

HEADER = "measure_id,title,theme,service,owner_email,head_of_service_email,unit,polarity,target,tolerance\n"
ROWS = ("CS01,Calls answered in 60s,Well-run,Customer Services,jo@council.gov.uk,hd@council.gov.uk,percent,higher,80,5%\n"
        "CS02,Complaints answered in 10 days,Well-run,Customer Services,jo@council.gov.uk,hd@council.gov.uk,percent,higher,90,5%\n")  # fmt: skip


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.setenv("PERFBOT_DATA", str(tmp_path / "data"))
    assert main(["init"]) == 0
    register = tmp_path / "register.csv"
    register.write_text(HEADER + ROWS, encoding="utf-8")
    assert main(["register", "import", str(register)]) == 0
    return tmp_path


def _json(capsys, *argv):
    capsys.readouterr()
    assert main([*argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def _exceptions(capsys, period, measure):
    rows = {r["measure_id"]: r for r in _json(capsys, "analyse", period)}
    return rows[measure]["exceptions"]


def test_a_red_returns_action_is_tracked_to_done(data, capsys):
    assert main(["round", "open", "2025/26 Q3"]) == 0
    assert main(["submit", "CS01", "2025/26 Q3", "60", "--as", "jo@council.gov.uk", "--commentary",
                 "Two vacancies", "--action", "Temporary staff from the corporate pool"]) == 0  # fmt: skip
    assert main(["submit", "CS02", "2025/26 Q3", "95", "--as", "jo@council.gov.uk",
                 "--action", "Keep it up"]) == 0  # green: nothing to track  # fmt: skip

    [action] = _json(capsys, "actions", "list")
    assert action["action"] == "CS01-2025-26-Q3" and action["status"] == "open"
    assert action["due"] == "end of 2025/26 Q4" and action["owner"] == "jo@council.gov.uk"
    assert action["text"] == "Temporary staff from the corporate pool"

    # a revision while it is open rewords it; the id stays
    assert main(["submit", "CS01", "2025/26 Q3", "61", "--as", "jo@council.gov.uk", "--commentary",
                 "Two vacancies", "--action", "Agency staff for six weeks"]) == 0  # fmt: skip
    [action] = _json(capsys, "actions", "list")
    assert action["text"] == "Agency staff for six weeks"

    # by the end of Q4 it is overdue: an exception in Q4 (not in Q3, the quarter that raised it)
    q4 = _exceptions(capsys, "2025/26 Q4", "CS01")
    assert any(e.startswith("action overdue (due end of 2025/26 Q4, raised 2025/26 Q3): Agency staff") for e in q4)
    assert not any("action overdue" in e for e in _exceptions(capsys, "2025/26 Q3", "CS01"))
    assert [a["action"] for a in _json(capsys, "actions", "list", "--overdue")] == ["CS01-2025-26-Q3"]
    capsys.readouterr()
    assert main(["digest", "2025/26 Q4"]) == 0
    assert "action overdue" in capsys.readouterr().out

    # the quarter's report lists it, overdue, in HTML and in Word
    out = data / "report"
    assert main(["report", "2025/26 Q4", "--out", str(out)]) == 0
    html = (out / "performance-2025-26-Q4.html").read_text(encoding="utf-8")
    section = html[html.index('id="actions"'):html.index('id="measures"')]
    assert "Remedial actions (1)" in section and "Agency staff for six weeks" in section
    assert "<strong>Overdue</strong>" in section and "CS01 Calls answered in 60s" in section
    word = docx.Document(str(out / "performance-2025-26-Q4.docx"))
    assert "Remedial actions (1)" in [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert any(row.cells[0].text == "Agency staff for six weeks" and row.cells[4].text == "Overdue"
               for t in word.tables for row in t.rows)

    # dropping needs a reason; moving the due date clears the overdue exception
    assert main(["actions", "update", "CS01-2025-26-Q3", "--status", "dropped"]) == 2
    assert "say why the action is dropped" in capsys.readouterr().err
    assert main(["actions", "update", "CS01-2025-26-Q3", "--due", "2030/31 Q2", "--note",
                 "recruitment moved to the summer", "--actor", "hd@council.gov.uk"]) == 0  # fmt: skip
    assert not any("action overdue" in e for e in _exceptions(capsys, "2025/26 Q4", "CS01"))
    assert main(["actions", "update", "CS01-2025-26-Q3", "--status", "done", "--note", "two posts filled"]) == 0
    assert _json(capsys, "actions", "list") == []
    [done] = _json(capsys, "actions", "list", "--status", "all")
    assert done["status"] == "done" and "performance officer: done — two posts filled" in done["last_change"]

    trail = Store.open(data / "data").audit.about("action CS01-2025-26-Q3")
    assert [(r.action, r.actor) for r in trail] == [
        ("action.raised", "jo@council.gov.uk"), ("action.reworded", "jo@council.gov.uk"),
        ("action.changed", "hd@council.gov.uk"), ("action.changed", "performance officer"),
    ]
    assert trail[2].after["due"] == "2030/31 Q2" and trail[2].after["note"] == "recruitment moved to the summer"


def test_history_raises_no_action_and_bad_ids_are_refused(data, capsys):
    assert main(["submit", "CS01", "2024/25 Q1", "50", "--action", "Old plan", "--reason", "history"]) == 0
    assert _json(capsys, "actions", "list", "--status", "all") == []
    capsys.readouterr()
    assert main(["actions", "update", "CS01-2025-26-Q3", "--status", "done"]) == 2
    assert "there is no action 'CS01-2025-26-Q3'" in capsys.readouterr().err


def test_a_bulk_import_of_a_red_return_raises_its_action(data, capsys):
    assert main(["round", "open", "2025/26 Q3"]) == 0
    returns = data / "returns.csv"
    returns.write_text("measure_id,period,value,commentary,action\n"
                       "CS01,2025/26 Q3,55,Phones down for a week,New telephony contract\n", encoding="utf-8")  # fmt: skip
    assert main(["returns", "import", str(returns)]) == 0
    [action] = _json(capsys, "actions", "list")
    assert action["action"] == "CS01-2025-26-Q3" and action["text"] == "New telephony contract"


def test_the_next_request_asks_whether_the_action_is_done(data, capsys):
    assert main(["round", "open", "2025/26 Q3"]) == 0
    assert main(["submit", "CS01", "2025/26 Q3", "60", "--as", "jo@council.gov.uk", "--commentary",
                 "Two vacancies", "--action", "Agency staff for six weeks"]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["round", "open", "2025/26 Q4"]) == 0
    sent = capsys.readouterr().out
    to_jo = sent[sent.index("jo@council.gov.uk"):]
    assert "Last quarter you said you would:" in to_jo
    assert "CS01 (2025/26 Q3): Agency staff for six weeks — due end of 2025/26 Q4. Done?" in to_jo
    assert "Say whether each is done, still open or dropped: http" in to_jo and "/actions" in to_jo
