"""Remedial actions on the web (issue 19 point 2): the owner updates an action from the request's
link or signed in; the rules and errors are the core service's; every change is audited."""

from __future__ import annotations

from perfbot.actions import ActionStatus
from perfbot.submission import Submission
from tests.e2e.council import HEAD, OFFICER, OTHER_OWNER, OWNER, PERIOD, Council
from tests.e2e.web_client import post_form, sign_in
from tests.integration.conftest import signed_in

KEY = "HO04-2025-26-Q3"


def _raise_action(council: Council) -> None:
    result = council.app.collector.submit(Submission(
        "HO04", PERIOD, 70, commentary="Two caseworkers off sick.", action="Agency cover from May.",
        submitted_by=OWNER, channel="web"))  # fmt: skip
    assert result.accepted, result.errors


def _changes(council: Council) -> list[tuple[str, str, str]]:
    return [(r.actor, r.after["status"], r.after["via"]) for r in council.app.store.audit.about(f"action {KEY}")
            if r.action == "action.changed"]  # fmt: skip


def test_the_owner_marks_an_action_done_from_the_requests_link(council, client) -> None:
    _raise_action(council)
    link = council.path(council.returns_link(OWNER))
    tasks = client.get(link)
    assert "You have 1 open remedial action" in tasks.text and f'href="{link}/actions"' in tasks.text
    page = client.get(f"{link}/actions")
    assert page.status_code == 200 and "You said: Agency cover from May." in page.text
    done = post_form(client, f"{link}/actions", {"status": "done", "note": "Two agency caseworkers started"},
                     to=f"{link}/actions/{KEY}")  # fmt: skip
    assert done.status_code == 303 and done.headers["location"] == f"{link}/actions?updated={KEY}"
    assert f"{KEY} is now done." in client.get(done.headers["location"]).text
    action = council.app.store.actions.get(KEY)
    assert action.status is ActionStatus.DONE and action.changes[-1].note == "Two agency caseworkers started"
    assert _changes(council) == [(OWNER, "done", "web")]


def test_errors_come_back_under_the_field_and_nothing_changes(council, client) -> None:
    _raise_action(council)
    link = council.path(council.returns_link(OWNER))
    dropped = post_form(client, f"{link}/actions", {"status": "dropped"}, to=f"{link}/actions/{KEY}")
    assert dropped.status_code == 400
    assert f'href="#{KEY}-note"' in dropped.text and "Say why the action is dropped" in dropped.text
    no_choice = post_form(client, f"{link}/actions", {"note": "hm"}, to=f"{link}/actions/{KEY}")
    assert no_choice.status_code == 400 and "Choose done, still open or dropped" in no_choice.text
    bad_due = post_form(client, f"{link}/actions", {"status": "open", "due": "soon"}, to=f"{link}/actions/{KEY}")
    assert bad_due.status_code == 400 and 'value="soon"' in bad_due.text and f'id="{KEY}-due-error"' in bad_due.text
    assert 'value="open" checked' in bad_due.text  # the choice is kept too
    forged = client.post(f"{link}/actions/{KEY}", data={"status": "done"})  # no CSRF token: not our form
    assert forged.status_code in (400, 403)
    assert council.app.store.actions.get(KEY).changes == () and _changes(council) == []


def test_someone_elses_link_cannot_update_the_action(council, client) -> None:
    _raise_action(council)
    link = council.path(council.returns_link(OTHER_OWNER))
    assert KEY not in client.get(f"{link}/actions").text
    refused = post_form(client, f"{link}/measures/HO03", {"status": "done"}, to=f"{link}/actions/{KEY}")
    assert refused.status_code == 403 and "the head of service or a performance officer may update" in refused.text
    missing = post_form(client, f"{link}/measures/HO03", {"status": "done"}, to=f"{link}/actions/HO03-2025-26-Q3")
    assert missing.status_code == 404 and "There is no action" in missing.text
    assert council.app.store.actions.get(KEY).status is ActionStatus.OPEN


def test_the_head_of_service_signed_in_moves_the_due_date_and_an_officer_drops_it(council, client) -> None:
    _raise_action(council)
    sign_in(client, council, HEAD)
    assert "/actions" in client.get("/").text
    moved = post_form(client, "/actions", {"status": "open", "note": "Recruiting", "due": "2026/27 Q1"},
                      to=f"/actions/{KEY}")  # fmt: skip
    assert moved.status_code == 303
    assert str(council.app.store.actions.get(KEY).due) == "end of 2026/27 Q1"
    browser = signed_in(council, OFFICER)
    assert f"{OWNER} said: Agency cover from May." in browser.get("/actions").text
    dropped = post_form(browser, "/actions", {"status": "dropped", "note": "Service redesigned"}, to=f"/actions/{KEY}")
    assert dropped.status_code == 303
    assert council.app.store.actions.get(KEY).status is ActionStatus.DROPPED
    assert _changes(council) == [(HEAD, "open", "web"), (OFFICER, "dropped", "web")]
    assert "You have no open remedial actions." in browser.get("/actions").text
