"""E-mail HTML and Markdown: user text never becomes markup; RAG never by colour alone."""

from __future__ import annotations

import re
from datetime import datetime
from html.parser import HTMLParser

import pytest

from perfbot.clock import LONDON
from perfbot.config import Config
from reports.analysis import analyse
from reports.digest import build_digest
from reports.render_html import render_html
from reports.render_markdown import md, render_markdown
from tests.unit.test_reports_sample import NASTY_COMMENTARY, NASTY_TITLE, Q3, add_nasty, fill


class Page(HTMLParser):
    """Every start tag with its attributes, and the text between tags (entities decoded)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]

    @property
    def all_text(self) -> str:
        return "".join(self.text)


def assert_no_active_content(page: Page) -> None:
    assert page.named("script") == [] and page.named("iframe") == [] and page.named("object") == []
    for tag, attrs in page.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name in ("src", "href"):
            assert not (attrs.get(name) or "").lower().startswith(("javascript:", "http:")), (tag, attrs)


@pytest.fixture
def digest(store):
    fill(store)
    add_nasty(store)
    return build_digest(analyse(store, Config(), Q3), council='Council <b>"X"</b>',
                        now=datetime(2026, 1, 22, 9, 30, tzinfo=LONDON))  # fmt: skip


def test_email_html_escapes_every_piece_of_user_text(digest):
    html = render_html(digest)
    page = Page(html)
    assert_no_active_content(page)
    assert page.named("img") == [] and page.named("b") == []  # the <b> and <img> in user text stay text
    assert NASTY_TITLE in page.all_text and NASTY_COMMENTARY in page.all_text
    assert '<script>alert("title")' not in html and "onerror=alert(1)>" not in html
    assert "&lt;script&gt;" in html


def test_email_html_is_email_safe_and_accessible(digest):
    html = render_html(digest)
    page = Page(html)
    assert page.named("style") == [] and page.named("link") == []  # inline styles only
    assert all("scope" in attrs for attrs in page.named("th"))
    assert page.named("html")[0]["lang"] == "en-GB"
    text = page.all_text
    assert "Prepared 22 January 2026." in text
    assert "■ Red" in text and "● Green" in text and "? Missing" in text  # words and shapes


def test_markdown_escapes_user_text(digest):
    text = render_markdown(digest)
    assert re.search(r"(?<!\\)[<>]", text) is None  # every < and > is backslash-escaped
    assert md(NASTY_TITLE) in text
    assert md("a | b [x](http://e) *y*") == r"a \| b \[x\](http://e) \*y\*"
    assert md("line one\nline two") == "line one line two"
    assert "| Theme | ● Green | ▲ Amber | ■ Red | ○ Not rated | ? Missing |" in text
