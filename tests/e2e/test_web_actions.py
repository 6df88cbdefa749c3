"""A remedial action answered in the browser from the request's link: the page, its error and
its confirmation pass axe-core, and the stored action changes (issue 19 point 2)."""

from __future__ import annotations

from perfbot.actions import ActionStatus
from perfbot.submission import Submission
from tests.e2e.council import OTHER_OWNER as OWNER  # owns HO04 in the sample register
from tests.e2e.council import PERIOD


def test_an_owner_drops_an_action_giving_the_reason_the_form_asks_for(server, visitor) -> None:
    app = server.council.app
    result = app.collector.submit(Submission("HO04", PERIOD, 60, commentary="Staff off sick.",  # target 90%
                                             action="Agency cover from May.", submitted_by=OWNER))  # fmt: skip
    assert result.accepted and result.rag.rag.value == "red", (result.errors, result.rag)
    key = f"HO04-{PERIOD.key}"
    owner = visitor("owner")
    page = owner.page
    page.goto(server.council.returns_link(OWNER))
    page.get_by_role("link", name="Say whether each is done, still open or dropped").click()
    owner.check("actions", "h1:has-text('Your remedial actions')")
    page.get_by_label("Dropped").check()
    page.get_by_role("button", name=f"Update {key}").click()
    assert "Say why the action is dropped" in page.locator(".govuk-error-summary").inner_text()
    owner.check("actions-error", ".govuk-error-summary")
    page.get_by_label("Note").fill("The service was redesigned.")
    page.get_by_label("Dropped").check()
    page.get_by_role("button", name=f"Update {key}").click()
    assert f"{key} is now dropped." in page.locator(".govuk-notification-banner").inner_text()
    owner.check("actions-updated", ".govuk-notification-banner")
    assert app.store.actions.get(key).status is ActionStatus.DROPPED
    owner.done()
