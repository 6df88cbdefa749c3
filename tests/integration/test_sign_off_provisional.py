"""Until a service's head approves, its figures are marked provisional in the CMT digest (text,
Markdown, HTML, Block Kit, Adaptive Card) and the quarterly report (HTML, Word); approved, the
mark goes; sign-off off, nothing is ever marked."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import docx

from bot.slack.digest_blocks import render_blockkit
from bot.teams.digest_card import render_adaptive
from reports.digest import digest_for
from reports.quarterly import build_quarterly
from reports.render_html import render_html
from reports.render_markdown import render_markdown
from reports.render_text import render_text
from reports.report_docx import write_quarterly_docx
from reports.report_html import quarterly_html
from tests.e2e.council import HEAD, PERIOD, Council, small_council
from tests.integration.test_sign_off_flow import SERVICE, SIGN_OFF_ON, all_in, submit

MARK = "Provisional (not yet signed off by the head of service): Housing Options."


def renderings(council: Council) -> dict[str, str]:
    digest = digest_for(council.app.store, council.app.config, PERIOD)
    return {"text": render_text(digest), "markdown": render_markdown(digest), "html": render_html(digest),
            "slack": json.dumps(render_blockkit(digest).main, ensure_ascii=False),
            "teams": json.dumps(render_adaptive(digest), ensure_ascii=False)}  # fmt: skip


def report_texts(council: Council, tmp_path: Path) -> tuple[str, str]:
    report = build_quarterly(council.app.store, council.app.config, PERIOD, prepared=date(2026, 1, 20))
    path = tmp_path / "q.docx"
    write_quarterly_docx(path, report)
    word = "\n".join(p.text for p in docx.Document(io.BytesIO(path.read_bytes())).paragraphs)
    return quarterly_html(report), word


def test_unapproved_figures_are_provisional_everywhere_until_approved(tmp_path: Path) -> None:
    council = small_council(tmp_path, extra_toml=SIGN_OFF_ON)
    all_in(council)
    for name, shown in renderings(council).items():
        assert "Provisional (not yet signed off by the head of service)" in shown and "Housing Options" in shown, name
    assert MARK in renderings(council)["text"]
    html, word = report_texts(council, tmp_path)
    assert MARK in html and "Housing Options (provisional)" in html
    assert MARK in word and "Housing Options (provisional)" in word
    council.app.sign_off.decide(PERIOD, SERVICE, by=HEAD, approve=True)
    for name, shown in renderings(council).items():
        assert "provisional" not in shown.lower(), name
    html, word = report_texts(council, tmp_path)
    assert "provisional" not in html.lower() and "provisional" not in word.lower()


def test_a_revision_after_approval_makes_the_figures_provisional_again(tmp_path: Path) -> None:
    council = small_council(tmp_path, extra_toml=SIGN_OFF_ON)
    all_in(council)
    council.app.sign_off.decide(PERIOD, SERVICE, by=HEAD, approve=True)
    submit(council, "HO02", 44.0)
    assert MARK in renderings(council)["text"]


def test_with_sign_off_off_nothing_is_marked(tmp_path: Path) -> None:
    council = small_council(tmp_path)
    all_in(council)
    for name, shown in renderings(council).items():
        assert "provisional" not in shown.lower(), name
