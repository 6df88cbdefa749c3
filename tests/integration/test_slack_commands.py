"""`/perf` (status, chase, submit, casestudy, help) and the case-study shortcuts."""

from __future__ import annotations

from typing import Any

import pytest

from perfbot.model import CaseStudyStatus
from perfbot.submission import Submission
from tests.fakes import slack_signing as signing
from tests.integration.test_slack_support import (
    CMT,
    JO,
    JO_DM,
    JO_ID,
    OFFICER_ID,
    PERIOD,
    SAM_DM,
    SECRET,
    SlackWorld,
    opened_view,
    replies,
    settle,
    wait_until,
)  # fmt: skip


def _chases(world: SlackWorld) -> list[str]:
    return sorted(m.recipient for m in world.store.outbox.for_period(PERIOD) if m.kind == "chase")


@pytest.mark.parametrize("text", ["", "help", "HELP"])
def test_help_lists_every_command(world: SlackWorld, text: str) -> None:
    response, _ = world.command(text, user_id=JO_ID)
    shown = response.json()
    assert shown["response_type"] == "ephemeral"
    for command in ("status", "submit", "casestudy", "chase", "help"):
        assert f"/perf {command}" in shown["text"]


def test_an_unknown_command_says_so_and_helps(world: SlackWorld) -> None:
    response, _ = world.command("frobnicate now", user_id=JO_ID)
    assert response.json()["text"].startswith("I don't know `/perf frobnicate`")


def test_status_shows_an_owner_their_returns(world: SlackWorld) -> None:
    world.open_round()
    world.app.collector.submit(Submission("CS01", PERIOD, "92", submitted_by=JO))
    for text in ("status", "status 2025/26 Q3", "status Q3 2025/26"):
        _, url = world.command(text, user_id=JO_ID)
        answer = world.answered(url)[0]["text"]
        assert "Your returns: 1 of 2 in." in answer and "CS02 Complaints answered within 10 days: outstanding" in answer
        assert "By service" not in answer
    _, url = world.command("status next year", user_id=JO_ID)
    assert "is not a quarter" in world.answered(url)[0]["text"]


def test_status_shows_an_officer_every_service(world: SlackWorld) -> None:
    world.open_round()
    world.app.collector.submit(Submission("CS01", PERIOD, "92", submitted_by=JO))
    _, url = world.command("status", user_id=OFFICER_ID)
    answer = world.answered(url)[0]["text"]
    assert "round open, returns due Monday 26 January 2026" in answer
    assert "Customer Services: 1 of 2 (50%)" in answer and "Waste: 0 of 1 (0%)" in answer
    assert "sign-off" not in answer.lower()  # [cycle] sign_off is off: no sign-off states


def test_only_performance_officers_can_chase(world: SlackWorld) -> None:
    world.open_round()
    response, url = world.command("chase", user_id=JO_ID)
    assert "Only performance officers can chase" in response.json()["text"]
    assert _chases(world) == [] and world.fake.response_url_posts(url) == []


def test_chase_a_service(world: SlackWorld) -> None:
    world.open_round()
    _, url = world.command("chase waste", user_id=OFFICER_ID)
    assert world.answered(url)[0]["text"] == "Chased 1 person for 2025/26 Q3: sam@council.example."
    assert _chases(world) == ["sam@council.example"]
    assert "chasing" in wait_until(lambda: replies(world.fake, SAM_DM, world.request_dm(SAM_DM)))[0]["text"]


def test_chase_a_person_by_mention(world: SlackWorld) -> None:
    world.open_round()
    _, url = world.command(f"chase <@{JO_ID}|jo>", user_id=OFFICER_ID)
    assert world.answered(url)[0]["text"] == "Chased 1 person for 2025/26 Q3: jo@council.example."
    _, url = world.command(f"chase <@{JO_ID}|jo>", user_id=OFFICER_ID)
    assert "was chased at 10:00 on 12 Jan, so not again until 10:00 on 13 Jan" in world.answered(url)[0]["text"]
    assert _chases(world) == [JO]


def test_chase_an_unknown_service_names_the_known_ones(world: SlackWorld) -> None:
    world.open_round()
    _, url = world.command("chase Parks", user_id=OFFICER_ID)
    answer = world.answered(url)[0]["text"]
    assert "no service area 'Parks'" in answer and "Customer Services" in answer


def test_chase_with_no_open_round_says_so(world: SlackWorld) -> None:
    _, url = world.command("chase", user_id=OFFICER_ID)
    assert "no round is open" in world.answered(url)[0]["text"]


def test_submit_opens_the_returns_form(world: SlackWorld) -> None:
    world.open_round()
    response, _ = world.command("submit", user_id=JO_ID)
    assert response.status_code == 200
    view = opened_view(world.fake)
    assert view["callback_id"] == "returns_modal" and view["title"]["text"] == "2025/26 Q3 returns"


def test_submit_with_no_round_says_so_in_a_modal(world: SlackWorld) -> None:
    world.command("submit", user_id=JO_ID)
    assert "no open round" in str(opened_view(world.fake)["blocks"])


def _case_study(world: SlackWorld, view: dict[str, Any], **answers: Any) -> Any:
    typed = {k: {"input": v} for k, v in answers.items()}
    return world.send(signing.view_submission(signing_secret=SECRET, view=view, answers=typed,
                                              user_id=JO_ID))  # fmt: skip


def test_casestudy_opens_the_form_and_a_submission_is_stored_once(world: SlackWorld) -> None:
    world.command("casestudy", user_id=JO_ID)
    view = opened_view(world.fake)
    assert view["callback_id"] == "casestudy_modal"
    answers = {"title": "Same-day bin repairs", "theme": "A well-run council", "service": "Waste",
               "what_happened": "Crews fix bins on the round", "impact": "Fewer complaints",
               "consent": ["yes"]}  # fmt: skip
    for _ in range(2):  # a double click
        assert _case_study(world, view, **answers).status_code == 200
    [study] = world.store.case_studies.list()
    assert (study.title, study.service, study.consent_to_publish, study.submitted_by, study.channel,
            study.status) == ("Same-day bin repairs", "Waste", True, JO, "slack",
                              CaseStudyStatus.SUBMITTED)  # fmt: skip
    assert "sent to the performance team" in wait_until(lambda: world.fake.messages(JO_DM))[0]["text"]
    settle(world.fake)
    assert len(world.fake.messages(JO_DM)) == 1  # one thank-you


def test_a_case_study_missing_its_impact_is_refused_on_that_field(world: SlackWorld) -> None:
    world.command("casestudy", user_id=JO_ID)
    view = opened_view(world.fake)
    refused = _case_study(world, view, title="x", theme="A well-run council", service="Waste",
                          what_happened="y").json()  # fmt: skip
    assert refused == {"response_action": "errors", "errors": {"impact": "Enter the what difference it made"}}
    assert world.store.case_studies.list() == []


def test_the_global_shortcut_opens_the_form_with_the_persons_service(world: SlackWorld) -> None:
    world.open_round()  # Jo is now known by e-mail
    world.send(signing.shortcut(signing_secret=SECRET, callback_id="casestudy_shortcut", user_id=JO_ID))
    service = next(b for b in opened_view(world.fake)["blocks"] if b["block_id"] == "service")
    assert service["element"]["initial_option"]["value"] == "Customer Services"


def test_submit_as_case_study_starts_from_the_message(world: SlackWorld) -> None:
    message = world.fake.add_message(CMT, text="Great work by the contact centre &amp; team", user=JO_ID)
    world.send(signing.message_action(signing_secret=SECRET, callback_id="casestudy_from_message",
                                      message=message, channel_id=CMT, user_id=JO_ID))  # fmt: skip
    what = next(b for b in opened_view(world.fake)["blocks"] if b["block_id"] == "what_happened")
    assert what["element"]["initial_value"] == "Great work by the contact centre & team"
