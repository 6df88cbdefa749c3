"""The HTML report printed as a council officer would print it: headless Chromium's print to A4.
The demo council's 43 measures fit a bounded number of pages, no page but the last is nearly
empty, every page carries the council's name and its number, a table carried over to a new
page repeats its header row, and no page ends on a heading."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

from pypdf import PdfReader

from perfbot.periods import Period
from reports.publish import write_quarterly
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.council import sample_council

MAX_PAGES = 10  # 43 measures, all returned: 8 when measured (the demo's Q3 printed to 18 before issue 18)
FOOTER = re.compile(r"Page (\d+) of (\d+)")


def _printed(browser: object, html: Path) -> PdfReader:
    context = browser.new_context(locale="en-GB")  # type: ignore[attr-defined]
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:")) else route.abort())
    page.goto(html.as_uri())
    page.emulate_media(media="print")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-print-first-screen.png"))
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    (ARTIFACTS / "report-printed.pdf").write_bytes(pdf)
    context.close()
    return PdfReader(io.BytesIO(pdf))


def test_quarterly_report_prints_on_few_full_pages(browser, tmp_path):
    council = sample_council(tmp_path, public_url="http://127.0.0.1:1")
    written = write_quarterly(council.app.store, council.app.config, Period(2025, 2), tmp_path / "out",
                              prepared=date(2026, 1, 22))  # fmt: skip
    reader = _printed(browser, next(p for p in written if p.suffix == ".html"))
    texts = [page.extract_text() for page in reader.pages]
    assert 4 <= len(texts) <= MAX_PAGES
    for number, text in enumerate(texts, start=1):
        assert "Larkfield District Council" in text
        assert FOOTER.search(text).groups() == (str(number), str(len(texts)))
    body = [FOOTER.sub("", t).replace("Larkfield District Council", "").strip() for t in texts]
    assert all(len(text) > 400 for text in body[:-1]), [len(t) for t in body]  # no near-empty page
    for text in body:
        lines = [line for line in text.splitlines() if line.strip()]
        # a page that goes on with a measures table starts it with the table's header row
        if lines and re.match(r"^[A-Z]{2}\d\d ", lines[0]):
            raise AssertionError(f"a table carried over without its header: {lines[:2]}")
        assert not lines[-1].endswith("measures for 2025/26 Q2"), lines[-3:]  # no stranded caption
