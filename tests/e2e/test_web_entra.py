"""End to end in headless Chromium: "Sign in with Microsoft" against the fake identity platform.

The fake serves HTTPS with a throwaway CA. Chromium is told to accept the fake's server key only
(`--ignore-certificate-errors-spki-list` with the SHA-256 of its public key), not every
certificate; perfbot's own client trusts the CA through `REQUESTS_CA_BUNDLE`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import (
    CHROMIUM,
    FLAGS,
    Server,
    Visit,
    _ensure_chromium,
    sync_api,
)
from tests.e2e.council import OFFICER, sample_council
from tests.fakes.entra_council import build, directory, trust
from tests.fakes.identity import FakeIdentity
from tests.fakes.server import free_port
from tests.fakes.tls import LocalCA


@pytest.fixture(scope="module")
def ca() -> Iterator[LocalCA]:
    authority = LocalCA()
    yield authority
    authority.close()


@pytest.fixture(scope="module")
def entra_browser(ca: LocalCA) -> Iterator[object]:
    _ensure_chromium()
    playwright = sync_api.sync_playwright().start()
    args = [*FLAGS, f"--ignore-certificate-errors-spki-list={ca.server_spki_sha256()}"]
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=args, headless=True)
    try:
        yield launched
    finally:
        launched.close()
        playwright.stop()


@pytest.fixture
def site(tmp_path: Path, ca: LocalCA, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Server, FakeIdentity]]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with FakeIdentity(ca=ca) as identity:
        directory(identity, public_url=url)
        trust(monkeypatch, identity)
        council = build(tmp_path, identity, sample_council, public_url=url)
        with Server(council, port) as running:
            yield running, identity


def test_an_officer_signs_in_with_microsoft_uses_the_pages_and_signs_out(site, entra_browser) -> None:  # noqa: ANN001
    server, identity = site
    visit = Visit(entra_browser, "entra-officer")
    page = visit.page
    try:
        page.goto(server.url)
        visit.check("start", "a:has-text('Sign in with Microsoft')")
        page.get_by_role("button", name="Sign in with Microsoft").click()
        page.wait_for_url(f"{identity.url}/**")
        page.get_by_role("heading", name="Pick an account").wait_for()
        page.get_by_role("button", name=f"Pat Officer ({OFFICER})").click()
        page.wait_for_url(f"{server.url}/")
        visit.check("signed-in", "text=You are signed in as")
        assert f"You are signed in as {OFFICER} (performance officer)" in page.inner_text("main")
        assert [c.kind for c in identity.calls if c.kind in ("authorize", "token")] == ["authorize", "authorize", "token"]

        page.get_by_role("link", name="Rounds", exact=True).click()
        visit.check("rounds", "h1")
        assert page.url == f"{server.url}/officer"
        page.get_by_role("link", name="Dashboard", exact=True).click()
        visit.check("dashboard", "h1")
        assert "/dashboard" in page.url

        sessions = server.council.app.store.web_sessions
        assert [(s.email, s.how) for s in sessions.active()] == [(OFFICER, "entra")]
        page.get_by_role("button", name="Sign out").click()
        visit.check("signed-out", "h1:has-text('You have signed out')")
        logout = page.get_by_role("link", name="sign out of your Microsoft account too")
        assert logout.get_attribute("href") == f"{identity.authority}/oauth2/v2.0/logout"
        assert sessions.active() == []
        page.goto(f"{server.url}/officer")
        visit.check("sign-in-first", "h1:has-text('Sign in first')")
        assert "Sign in with your council Microsoft account below" in page.inner_text("main")
        back = page.get_by_role("button", name="Sign in with Microsoft")
        assert back.get_attribute("href") == "/entra/sign-in?next=%2Fofficer"  # back to the page asked for
        logout_page = page.goto(f"{identity.authority}/oauth2/v2.0/logout")
        assert logout_page is not None and logout_page.status == 200
        visit.done()
    finally:
        visit.close()
