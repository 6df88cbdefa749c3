"""Slack Block Kit: within Slack's limits however long the digest, user text never active."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from bot.slack.digest_blocks import (
    MAX_BLOCKS,
    MAX_HEADER_TEXT,
    MAX_SECTION_TEXT,
    render_blockkit,
)
from perfbot.clock import LONDON
from perfbot.digest import Digest, ExceptionItem

LONG = "Demand rose sharply after the storm & the flooding. " * 200  # ~10,000 characters


def digest_with(count: int, *, commentary: str = "Explained.", council: str = "Test DC") -> Digest:
    items = tuple(
        ExceptionItem(
            measure_id=f"M{n:03d}", title=f"Measure {n} <@U123> <!channel>", theme="Theme A",
            service="Service A", owner="o@council.gov.uk", rag=["red", "missing", "amber"][n % 3],
            value=80.0 + n % 7, target=90.0, reasons=("red: off target", "late: returned after the deadline"),
            commentary=commentary, action="Recovery plan & weekly checks.", unit="percent",
            dot_previous="worsening", dot_last_year="improving",
        )  # fmt: skip
        for n in range(count)
    )
    themes = {f"Theme {n} & more": {"green": n, "red": 1} for n in range(12)}
    return Digest(council, "2025/26 Q3", datetime(2026, 1, 29, tzinfo=LONDON), 130, 120, 110,
                  themes, items, {"Service A": (120, 130)})  # fmt: skip


def _check_limits(message: dict) -> None:
    blocks = message["blocks"]
    assert 1 <= len(blocks) <= MAX_BLOCKS
    assert message["text"] and len(message["text"]) <= 40_000
    for block in blocks:
        if block["type"] == "header":
            assert block["text"]["type"] == "plain_text" and len(block["text"]["text"]) <= MAX_HEADER_TEXT
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= MAX_SECTION_TEXT
        if block["type"] == "context":
            assert all(len(e["text"]) <= MAX_SECTION_TEXT for e in block["elements"])
            assert len(block["elements"]) <= 10


def _all_text(message: dict) -> str:
    return json.dumps(message, ensure_ascii=False)


@pytest.mark.parametrize("count", [0, 3, 10, 11, 120])
def test_every_message_is_within_slack_limits(count):
    slack = render_blockkit(digest_with(count))
    for message in [slack.main, *slack.thread]:
        _check_limits(message)


def test_120_exceptions_go_to_thread_replies_and_none_is_lost():
    slack = render_blockkit(digest_with(120))
    in_main = [b for b in slack.main["blocks"] if b["type"] == "section" and "M0" in b["text"]["text"]]
    assert len(in_main) == 10
    assert "110 more exceptions in the thread below." in _all_text(slack.main)
    assert len(slack.thread) == 6  # 110 exceptions, 20 a reply
    shown = [b["text"]["text"] for m in [slack.main, *slack.thread] for b in m["blocks"]
             if b["type"] == "section" and b["text"]["text"].startswith("*")]  # fmt: skip
    ids = {f"M{n:03d}" for n in range(120)}
    assert all(any(i in text for text in shown) for i in ids)
    assert slack.thread[0]["blocks"][0]["elements"][0]["text"] == "Exceptions 11–30 of 120, 2025/26 Q3"


def test_long_commentary_and_header_are_clipped_to_the_limits():
    slack = render_blockkit(digest_with(2, commentary=LONG, council="A very long council name " * 10))
    _check_limits(slack.main)
    header = slack.main["blocks"][0]["text"]["text"]
    assert header.endswith("…") and len(header) <= MAX_HEADER_TEXT


def test_user_text_cannot_mention_or_link():
    slack = render_blockkit(digest_with(3))
    text = _all_text(slack.main)
    assert "<!channel>" not in text and "<@U123>" not in text
    assert "&lt;!channel&gt;" in text and "&amp; weekly checks" in text


def test_rag_is_in_words_and_shapes():
    section = render_blockkit(digest_with(1)).main["blocks"]
    text = _all_text({"blocks": section})
    assert "■ Red — M000" in text and "*All measures:*" in text


def test_a_summary_only_main_message_puts_every_exception_in_the_thread():
    slack = render_blockkit(digest_with(45), main_exceptions=0)
    assert not any(b["type"] == "section" and "M000" in b["text"]["text"] for b in slack.main["blocks"])
    assert "45 more exceptions in the thread below." in _all_text(slack.main)
    assert [len(m["blocks"]) - 1 for m in slack.thread] == [20, 20, 5]
    for message in [slack.main, *slack.thread]:
        _check_limits(message)
