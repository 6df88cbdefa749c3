"""Browser tests: the real ASGI app on uvicorn (127.0.0.1, in a thread), driven by Debian's
Chromium through Playwright, with axe-core run on every page and screenshots kept.

Chromium comes from `tests/e2e/install-browser.sh` (run by `make test`; run here too when the
browser is missing and we are root). The browser may fetch nothing but 127.0.0.1.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.council import Council, sample_council
from tests.fakes.server import free_port
from tests.fakes.uvicorn_server import UvicornServer

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]  # fmt: skip
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
INSTALLER = Path(__file__).with_name("install-browser.sh")

try:
    from axe_playwright_python import sync_playwright as axe_module
    from playwright import sync_api
except ImportError:  # the browser tests skip, saying what to install
    sync_api = axe_module = None  # type: ignore[assignment]


def _ensure_chromium() -> None:
    if sync_api is None or axe_module is None:
        pytest.skip("pip install playwright axe-playwright-python (the test extras)")
    if Path(CHROMIUM).exists():
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["bash", str(INSTALLER)], check=False, timeout=600)
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no {CHROMIUM}: run tests/e2e/install-browser.sh")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    _ensure_chromium()
    playwright = sync_api.sync_playwright().start()
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
    try:
        yield launched
    finally:  # stopped per module: Playwright's event loop must not outlive the browser tests
        launched.close()
        playwright.stop()


class Server(UvicornServer):
    """perfbot's ASGI app for one sample council, served on ``port`` of 127.0.0.1 (the port its
    links name)."""

    def __init__(self, council: Council, port: int) -> None:
        from perfbot.server import create_asgi
        from perfbot.settings import Settings

        super().__init__(create_asgi(council.app, Settings(), run_scheduler=False), port=port)
        self.council = council


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    port = free_port()
    council = sample_council(tmp_path, public_url=f"http://127.0.0.1:{port}")
    with Server(council, port) as running:
        yield running


class Visit:
    """One browser context: keeps every page's axe result, console error and outside request."""

    def __init__(self, browser: object, name: str) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")  # type: ignore[attr-defined]
        self.page = self.context.new_page()
        self.name = name
        self.outside: list[str] = []
        self.console_errors: list[str] = []
        self.violations: dict[str, str] = {}
        self.shots = 0
        self.context.route("**/*", self._only_local)
        self.page.on("console", self._console)

    def _console(self, message: object) -> None:
        text = message.text  # type: ignore[attr-defined]
        # A page answered 4xx on purpose (a form with errors, a refused link) is not a fault.
        if message.type == "error" and not re.match(r"Failed to load resource: .* status of 4\d\d", text):  # type: ignore[attr-defined]
            self.console_errors.append(text)

    def _only_local(self, route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith(("http://127.0.0.1", "https://127.0.0.1", "data:")):
            route.continue_()  # type: ignore[attr-defined]
        else:
            self.outside.append(url)
            route.abort()  # type: ignore[attr-defined]

    def check(self, label: str, ready: str) -> None:
        """Once `ready` (a selector only the expected page has) shows, screenshot the page and run
        axe-core on it; violations are kept for the test's end."""
        self.page.locator(ready).first.wait_for(state="visible")
        self.page.wait_for_load_state("load")
        self.shots += 1
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{self.name}-{self.shots:02d}-{label}.png"), full_page=True)
        results = axe_module.Axe().run(self.page)
        if results.violations_count:
            self.violations[f"{label} ({self.page.url})"] = results.generate_report()

    def sign_in(self, url: str) -> None:
        """Open a person's sign-in link and press Sign in."""
        self.page.goto(url)
        self.check("sign-in", "h1:has-text('Sign in')")
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url("**/")

    def done(self) -> None:
        """Every page was accessible, quiet in the console, and nothing left 127.0.0.1."""
        assert not self.outside, f"the browser tried to reach outside 127.0.0.1: {self.outside}"
        assert not self.console_errors, f"errors in the browser console: {self.console_errors}"
        assert not self.violations, "axe-core found violations:\n" + "\n".join(
            f"--- {page}\n{report}" for page, report in self.violations.items())

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visitor(browser: object, request: pytest.FixtureRequest) -> Iterator[object]:
    """`visitor("officer")` opens a fresh browser context (its own cookies) for one person."""
    opened: list[Visit] = []

    def open_visit(who: str) -> Visit:
        opened.append(Visit(browser, f"{request.node.name}-{who}"))
        return opened[-1]

    yield open_visit
    for one in opened:
        one.close()
