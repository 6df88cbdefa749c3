"""Block Kit built by the Slack channel stays inside Slack's limits and says what it should."""

from __future__ import annotations

import json
from datetime import datetime

from bot.slack.blocks import notice_message
from bot.slack.home import HomeData, home_view
from bot.slack.modals import (
    ModalLine,
    case_study_modal,
    info_modal,
    read_case_study,
    read_returns,
    returns_modal,
)  # fmt: skip
from bot.slack.returns import Recorded
from perfbot.clock import LONDON
from perfbot.notices import SIGN_OFF_KINDS, MeasureLine, NoticeKind, PersonNotice
from tests.fakes import slack_signing as signing
from tests.fakes.slack_api import validate_blocks, validate_view

DEADLINE = datetime(2026, 1, 26, 17, 0, tzinfo=LONDON)
NASTY = "Calls <answered> & <!channel> " + "very " * 60 + "long"


def _lines(count: int, title: str = "Calls answered") -> tuple[MeasureLine, ...]:
    return tuple(MeasureLine(f"M{n:03d}", f"{title} {n}", "percent", 90.0, 88.0, "jo@council.example")
                 for n in range(count))  # fmt: skip


def _notice(count: int, kind: NoticeKind = NoticeKind.REQUEST, title: str = "Calls answered") -> PersonNotice:
    return PersonNotice(kind, "2025/26 Q3", "jo@council.example", DEADLINE, _lines(count, title),
                        form_url="https://perfbot.example/returns/abc", note="Ring me if stuck")  # fmt: skip


def test_a_request_lists_each_measure_with_its_buttons() -> None:
    text, blocks = notice_message(_notice(2), {})
    assert validate_blocks(blocks) == []
    shown = json.dumps(blocks, ensure_ascii=False)
    assert "*M000* Calls answered 0\\nTarget 90% · last quarter 88%\\n_Outstanding_" in shown
    assert "Ring me if stuck" in shown and "Monday 26 January 2026" in text
    ids = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert ids == ["open_returns", "open_web_form"]


def test_recorded_returns_show_their_value_and_rag_in_words() -> None:
    done = {"M000": Recorded("92%", "green", 1), "M001": Recorded("70%", "red", 2)}
    _, blocks = notice_message(_notice(2), done)
    shown = json.dumps(blocks, ensure_ascii=False)
    assert "*Recorded:* 92% — ● Green (revision 1)" in shown and "70% — ■ Red (revision 2)" in shown
    assert "Revise returns" in shown and "All returned" in shown


def test_a_closed_round_offers_no_buttons() -> None:
    _, blocks = notice_message(_notice(1), {}, round_open=False)
    assert not [b for b in blocks if b["type"] == "actions"] and "closed" in json.dumps(blocks)


def test_many_measures_and_long_hostile_titles_stay_within_limits() -> None:
    for kind in NoticeKind:
        if kind in (NoticeKind.DIGEST, NoticeKind.ALERT) or kind in SIGN_OFF_KINDS:  # own blocks
            continue
        text, blocks = notice_message(_notice(80, kind, NASTY), {})
        assert validate_blocks(blocks) == [] and len(text) <= 3000
        assert "<!channel>" not in json.dumps(blocks) and "&lt;!channel&gt;" in json.dumps(blocks)
        assert "and 40 more" in json.dumps(blocks)


def _modal_items(count: int) -> list[ModalLine]:
    return [ModalLine(line, value="88", commentary="x" * 3000, recorded=Recorded("88%", "amber", 1))
            for line in _lines(count, NASTY)]  # fmt: skip


def test_the_returns_modal_stays_within_slacks_view_limits() -> None:
    for count in (1, 19, 30):
        view = returns_modal("2025/26 Q3", _modal_items(count), metadata={"p": "2025/26 Q3"})
        assert validate_view(view) == []
    meta = json.loads(view["private_metadata"])
    assert len(meta["m"]) == 19 and "11 more" in json.dumps(view)


def test_the_returns_modal_is_read_back_by_measure_and_field() -> None:
    view = returns_modal("2025/26 Q3", _modal_items(2), metadata={})
    values = signing.state_values(view, {"value:M000": {"input": "91"},
                                         "commentary:M001": {"input": "Busy"}})  # fmt: skip
    found = read_returns(values)
    assert found["M000"]["value"] == "91" and found["M001"]["commentary"] == "Busy"
    assert found["M001"]["value"] == ""  # (the builder leaves untouched inputs empty)


def test_the_case_study_modal_is_valid_and_read_back() -> None:
    view = case_study_modal(themes=[f"Theme {n}" for n in range(120)], services=["Waste", "Parks"],
                            what_happened="From a message", service="Waste")  # fmt: skip
    assert validate_view(view) == []
    service = next(b for b in view["blocks"] if b["block_id"] == "service")["element"]
    assert service["initial_option"]["value"] == "Waste"
    what = next(b for b in view["blocks"] if b["block_id"] == "what_happened")["element"]
    assert what["initial_value"] == "From a message"
    values = signing.state_values(view, {"title": {"input": " Bins "}, "theme": {"input": "Theme 3"},
                                         "service": {"input": "Parks"}, "consent": {"input": ["yes"]}})  # fmt: skip
    found = read_case_study(values)
    assert (found["title"], found["theme"], found["service"], found["consent"]) == (
        "Bins", "Theme 3", "Parks", True)  # fmt: skip


def test_home_and_info_views_are_valid() -> None:
    services = tuple({"service": f"Service {n}", "expected": 4, "returned": n % 5,
                      "completion_pct": 25.0 * (n % 5)} for n in range(80))  # fmt: skip
    data = HomeData(period="2025/26 Q3", deadline="Monday 26 January 2026", lines=_lines(60, NASTY),
                    done={"M001": Recorded("92%", "green", 1)}, services=services, note="Chased")  # fmt: skip
    view = home_view(data)
    assert validate_view(view) == []
    assert "Still to submit (59)" in json.dumps(view) and "Submitted (1)" in json.dumps(view)
    assert validate_view(home_view(HomeData())) == []
    assert validate_view(info_modal("Returns", "No round <is> open")) == []


def test_a_home_with_many_sign_offs_awaiting_stays_valid() -> None:
    from perfbot.services.round_status import SignOffStanding

    sign_offs = tuple(SignOffStanding(f"{NASTY} {n}", "awaiting approval", to_decide=True,
                                      link=f"https://perf.example/signoff/t{n}") for n in range(40))  # fmt: skip
    data = HomeData(period="2025/26 Q3", deadline="Monday 26 January 2026", lines=_lines(3, "Rent"),
                    sign_offs=sign_offs)  # fmt: skip
    view = home_view(data)
    assert validate_view(view) == []
    ids = [b["block_id"] for b in view["blocks"] if b["type"] == "actions" and "block_id" in b]
    assert len(ids) == len(set(ids)) > 1  # each service's buttons in its own block
    assert "awaiting your decision" in json.dumps(view) and "&lt;!channel&gt;" in json.dumps(view)
