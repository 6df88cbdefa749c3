"""The sign-off page over HTTP: the signed link in the head's request, approve or send back with
a reason, clear 4xx refusals (no reason, not theirs, forged link), and officers on behalf."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from perfbot.sign_off import SignOffState
from tests.e2e.council import HEAD, OFFICER, OTHER_OWNER, OWNER, PERIOD, Council, small_council
from tests.e2e.web_client import client_for, post_form
from tests.integration.test_sign_off_flow import SERVICE, SIGN_OFF_ON, all_in


def sign_off_link(council: Council, person: str) -> str:
    for recipient, text in reversed(council.messages):
        found = re.search(r"(https?://\S+/signoff/\S+)", text)
        if recipient == person and found:
            return council.path(found[1])
    raise AssertionError(f"no sign-off link reached {person}")


@pytest.fixture
def council(tmp_path: Path) -> Council:
    council = small_council(tmp_path, extra_toml=SIGN_OFF_ON)
    all_in(council)
    council.app.tick()  # delivers the head's request (local channel)
    return council


@pytest.fixture
def client(council: Council) -> TestClient:
    return client_for(council)


def test_the_head_sees_the_figures_and_approves(council: Council, client: TestClient) -> None:
    link = sign_off_link(council, HEAD)
    shown = client.get(link)
    assert shown.status_code == 200 and "Housing Options" in shown.text
    assert "Average days in bed and breakfast" in shown.text and "awaiting approval" in shown.text
    done = post_form(client, link, {"decision": "approve"})
    assert done.status_code == 303 and done.headers["location"].endswith("?done=approve")
    after = client.get(done.headers["location"])
    assert "Approved" in after.text and 'name="decision"' not in after.text  # nothing left to decide
    kept = council.app.store.sign_offs.get(PERIOD, SERVICE)
    assert kept.state is SignOffState.APPROVED and kept.last_decision.by == HEAD


def test_sending_back_needs_a_reason_said_by_field_then_the_owners_hear_it(council: Council, client: TestClient) -> None:
    link = sign_off_link(council, HEAD)
    nothing = post_form(client, link, {})
    assert nothing.status_code == 400 and 'href="#decision"' in nothing.text
    bare = post_form(client, link, {"decision": "send-back", "reason": "   "})
    assert bare.status_code == 400 and 'id="reason-error"' in bare.text and "Say why" in bare.text
    assert council.app.store.sign_offs.get(PERIOD, SERVICE).state is SignOffState.AWAITING
    sent = post_form(client, link, {"decision": "send-back", "reason": "HO03 <b>cannot</b> be 30 days"})
    assert sent.status_code == 303
    told = [t for to, t in council.messages if to in (OWNER, OTHER_OWNER) and "sent back" in t]
    assert len(told) == 2 and all("Why: HO03 <b>cannot</b> be 30 days" in t for t in told)
    page = client.get(link).text
    assert "&lt;b&gt;cannot&lt;/b&gt;" in page and "<b>cannot</b>" not in page  # escaped on the page


def test_an_officer_decides_on_behalf_only_with_a_reason(council: Council, client: TestClient) -> None:
    link = council.path(council.app.sign_off.link_for(OFFICER, PERIOD, SERVICE))
    assert "on behalf of the head of service" in client.get(link).text
    refused = post_form(client, link, {"decision": "approve"})
    assert refused.status_code == 400 and "on the head of service&#39;s behalf" in refused.text
    assert post_form(client, link, {"decision": "approve", "reason": "Head on leave"}).status_code == 303
    last = council.app.store.sign_offs.get(PERIOD, SERVICE).last_decision
    assert (last.by, last.on_behalf_of, last.reason) == (OFFICER, HEAD, "Head on leave")


def test_links_for_someone_else_or_forged_are_refused_with_a_reason(council: Council, client: TestClient) -> None:
    owner_link = council.path(council.app.sign_off.link_for(OWNER, PERIOD, SERVICE))
    refused = client.get(owner_link)
    assert refused.status_code == 403 and "may not sign off Housing Options" in refused.text
    forged = sign_off_link(council, HEAD)[:-3] + "abc"
    assert client.get(forged).status_code == 403
    good = sign_off_link(council, HEAD)
    assert post_form(client, good, {"decision": "approve"}, to=forged).status_code == 403
    assert council.app.store.sign_offs.get(PERIOD, SERVICE).state is SignOffState.AWAITING


def test_the_console_shows_each_services_sign_off_and_links_the_officer_to_decide(council: Council) -> None:
    from tests.integration.conftest import signed_in

    officer = signed_in(council, OFFICER)
    page = officer.get(f"/officer/rounds/{PERIOD.key}")
    assert page.status_code == 200 and "Sign-off" in page.text and "awaiting approval" in page.text
    path = re.search(r'href="(/signoff/[^"]+)"', page.text)[1]
    assert post_form(officer, path, {"decision": "send-back", "reason": "HO03 needs a source"}).status_code == 303
    assert "sent back" in officer.get(f"/officer/rounds/{PERIOD.key}").text
    last = council.app.store.sign_offs.get(PERIOD, SERVICE).last_decision
    assert (last.by, last.on_behalf_of) == (OFFICER, HEAD)
