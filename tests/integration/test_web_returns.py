"""The returns form over HTTP: signed links, validation, drafts, idempotency, escaping."""

from __future__ import annotations

from datetime import timedelta

from perfbot.model import RoundState
from tests.e2e.council import OFFICER, OTHER_OWNER, OWNER, PERIOD
from tests.e2e.web_client import client_for, csrf_of, post_form, sign_in


def test_the_request_carries_a_link_to_the_owners_measures_with_definition_target_and_history(council, client) -> None:  # noqa: E501
    link = council.path(council.returns_link(OWNER))
    tasks = client.get(link)
    assert tasks.status_code == 200
    assert "Homelessness decisions within 56 days" in tasks.text
    assert "Average days in bed and breakfast" not in tasks.text  # another owner's measure
    form = client.get(f"{link}/measures/HO04")
    assert "Share of decisions made in time" in form.text and "Housing case system" in form.text
    assert "90% (Higher is better)" in form.text
    for quarter, figure in (("2024/25 Q3", "91%"), ("2025/26 Q2", "93%")):
        assert quarter in form.text and figure in form.text
    assert "2024/25 Q2" not in form.text  # four quarters, not five


def test_errors_come_back_by_field_with_a_summary_then_the_correction_is_stored(council, client) -> None:
    link = council.path(council.returns_link(OWNER))
    wrong = post_form(client, f"{link}/measures/HO04", {"value": "lots", "intent": "submit"})
    assert wrong.status_code == 400
    assert 'class="govuk-error-summary' in wrong.text and 'href="#value"' in wrong.text
    assert 'id="value-error"' in wrong.text and "Enter a number" in wrong.text
    assert council.app.store.returns.get("HO04", PERIOD) is None
    red = post_form(client, f"{link}/measures/HO04", {"value": "70", "intent": "submit"})
    assert red.status_code == 400
    assert 'id="commentary-error"' in red.text and 'id="action-error"' in red.text
    right = post_form(client, f"{link}/measures/HO04", {
        "value": "70", "commentary": "Two caseworkers off sick.", "action": "Agency cover from May.",
        "intent": "submit"})  # fmt: skip
    assert right.status_code == 303 and right.headers["location"].endswith("/measures/HO04/received")
    received = client.get(right.headers["location"])
    assert "■ Red" in received.text
    stored = council.app.store.returns.get("HO04", PERIOD)
    assert (stored.value, stored.channel, stored.submitted_by) == (70.0, "web", OWNER)


def test_the_same_form_sent_twice_is_stored_once(council, client) -> None:
    link = council.path(council.returns_link(OWNER))
    page = client.get(f"{link}/measures/HO04")
    data = {"csrf_token": csrf_of(page.text), "form_key": page.text.split('name="form_key" value="')[1][:32],
            "value": "95", "intent": "submit"}  # fmt: skip
    assert client.post(f"{link}/measures/HO04", data=data).status_code == 303
    data["value"] = "96"  # a replayed delivery of the same form must not become a new revision
    assert client.post(f"{link}/measures/HO04", data=data).status_code == 303
    versions = council.app.store.returns.versions("HO04", PERIOD)
    assert [v.value for v in versions] == [95.0]


def test_a_draft_is_kept_for_the_owner_until_the_return_is_sent(council, client) -> None:
    link = council.path(council.returns_link(OWNER))
    saved = post_form(client, f"{link}/measures/HO02", {"value": "47", "commentary": "Half written",
                                                        "intent": "save"})  # fmt: skip
    assert saved.status_code == 303
    assert "Draft saved" in client.get(saved.headers["location"]).text
    again = client_for(council).get(f"{link}/measures/HO02")  # another browser, same link
    assert 'value="47"' in again.text and "Half written" in again.text
    assert council.app.store.returns.get("HO02", PERIOD) is None
    post_form(client, f"{link}/measures/HO02", {"value": "44", "intent": "submit"})
    assert 'value="44"' in client.get(f"{link}/measures/HO02").text  # the sent figure, draft gone


def test_unusual_figure_needs_confirming(council, client) -> None:
    link = council.path(council.returns_link(OWNER))
    zero = post_form(client, f"{link}/measures/HO04", {"value": "0", "intent": "submit"})
    assert zero.status_code == 400 and 'name="confirmed"' in zero.text


def test_forged_expired_and_closed_links_are_refused_with_a_reason(council, client) -> None:
    link = council.path(council.returns_link(OWNER))
    forged = client.get(link[:-3] + "abc")
    assert forged.status_code == 403 and "not valid" in forged.text
    assert client.get("/returns/not-a-token").status_code == 403
    other = client.get(f"{link}/measures/HO03")  # someone else's measure through my link
    assert other.status_code == 404
    council.app.store.rounds.set_state(PERIOD, RoundState.CLOSED, actor=OFFICER)
    closed = client.get(link)
    assert closed.status_code == 410 and "ask the performance officer to reopen" in closed.text
    council.app.store.rounds.set_state(PERIOD, RoundState.OPEN, actor=OFFICER)
    council.clock.advance(timedelta(days=200))
    expired = client.get(link)
    assert expired.status_code == 410 and "expired" in expired.text


def test_script_in_commentary_is_shown_as_text_everywhere(council, client) -> None:
    link = council.path(council.returns_link(OTHER_OWNER))
    attack = "<script>alert('x')</script>"
    sent = post_form(client, f"{link}/measures/HO03", {"value": "60", "commentary": attack,
                                                       "action": attack, "intent": "submit"})  # fmt: skip
    assert sent.status_code == 303
    cmt = client_for(council)
    sign_in(cmt, council, "chief.exec@larkfield.gov.uk")
    for page in (cmt.get("/dashboard"), cmt.get("/dashboard/measures/HO03"), client.get(f"{link}/measures/HO03")):
        assert page.status_code == 200
        assert attack not in page.text
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page.text
