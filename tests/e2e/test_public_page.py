"""The public performance page in headless Chromium: axe-core clean, no cookie in the browser,
usable on a phone (nothing scrolls sideways) and printable (no navigation, links spelled out,
the licence on the paper)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.e2e.conftest import ARTIFACTS, Server
from tests.e2e.council import public_council
from tests.e2e.test_web_phone import PHONE, _fits
from tests.fakes.server import free_port


@pytest.fixture
def public_server(tmp_path: Path) -> Iterator[Server]:
    port = free_port()
    with Server(public_council(tmp_path, public_url=f"http://127.0.0.1:{port}"), port) as running:
        yield running


def test_the_public_pages_are_accessible_and_set_no_cookie(public_server, visitor) -> None:
    reader = visitor("public")
    page = reader.page
    page.goto(f"{public_server.url}/public")
    reader.check("public-index", "h1:has-text('How we are performing')")
    assert "figures as published on 26 January 2026" in page.locator("#quarter").inner_text()
    page.get_by_role("link", name="2025/26 Q2").click()
    reader.check("public-q2", "#quarter:has-text('2025/26 Q2')")
    page.get_by_role("link", name=re.compile(r"^Trend and figures for every quarter ?: Households in temporary")).click()
    reader.check("public-measure", "h1:has-text('Households in temporary accommodation')")
    assert page.get_by_role("img", name="Households in temporary accommodation: published figures, 2 quarters").is_visible()
    assert page.get_by_role("table").get_by_role("row").count() == 3
    page.goto(f"{public_server.url}/public/measures/HO03")
    reader.check("public-not-found", "h1:has-text('Page not found')")
    assert reader.context.cookies() == []
    reader.done()


def test_the_public_page_fits_a_phone(public_server, visitor) -> None:
    reader = visitor("public-phone")
    reader.page.set_viewport_size(PHONE)
    reader.page.goto(f"{public_server.url}/public")
    _fits(reader, "phone-public", "h1")
    reader.page.goto(f"{public_server.url}/public/measures/HO04")
    _fits(reader, "phone-public-measure", "h1")
    reader.done()


def test_the_public_page_prints(public_server, browser) -> None:
    context = browser.new_context(locale="en-GB")  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{public_server.url}/public")
    page.emulate_media(media="print")
    assert not page.locator(".govuk-service-navigation").is_visible()
    assert not page.get_by_role("navigation", name="Other quarters").is_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "public-print.png"), full_page=True)
    pdf = page.pdf(format="A4")
    (ARTIFACTS / "public-printed.pdf").write_bytes(pdf)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Households in temporary accommodation" in text and "Open Government Licence v3.0" in text
    assert "/public/open-data.csv" in text  # a printed link says where it goes
    assert f"Printed from {public_server.url}/public" in text
    context.close()
