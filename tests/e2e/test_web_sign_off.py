"""The sign-off page in Chromium, with axe-core on every state: the head's figures and decision
form, the error summary when sending back without a reason, and the page once approved."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from perfbot.sign_off import SignOffState
from tests.e2e.conftest import Server
from tests.e2e.council import HEAD, PERIOD, small_council
from tests.fakes.server import free_port
from tests.integration.test_sign_off_flow import SERVICE, SIGN_OFF_ON, all_in


@pytest.fixture
def signing_off(tmp_path: Path) -> Iterator[Server]:
    port = free_port()
    council = small_council(tmp_path, public_url=f"http://127.0.0.1:{port}", extra_toml=SIGN_OFF_ON)
    all_in(council)
    council.app.tick()
    with Server(council, port) as running:
        yield running


def test_the_head_sends_back_without_a_reason_is_told_then_approves(signing_off: Server, visitor) -> None:  # noqa: ANN001
    link = next(re.search(r"(http://\S+/signoff/\S+)", t)[1] for to, t in signing_off.council.messages
                if to == HEAD and "/signoff/" in t)  # fmt: skip
    head = visitor("head")
    page = head.page
    page.goto(link)
    head.check("sign-off", "h1:has-text('Housing Options')")
    page.get_by_label("Send back").check()
    page.get_by_role("button", name="Send decision").click()
    assert "Say why the figures are sent back" in page.locator(".govuk-error-summary").inner_text()
    head.check("sign-off-error", ".govuk-error-summary")
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Send decision").click()
    assert "Approved" in page.locator(".govuk-panel").inner_text()
    head.check("sign-off-approved", ".govuk-panel")
    head.done()
    assert signing_off.council.app.store.sign_offs.get(PERIOD, SERVICE).state is SignOffState.APPROVED
