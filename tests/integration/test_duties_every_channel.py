"""One answer to "what do I return?" on every channel, for owners, deputies and heads of service.

Jo owns CS01 and CS02 and names Sam as deputy; Sam owns WS01; the head of service heads every
service (`perfbot.services.duties`). Slack's /perf status, Teams' typed `status`, the web's
returns link (the deputy's own), the web inbox reached from an e-mailed sign-in link (a real SMTP
server on 127.0.0.1) and the CLI's `submit --as` all give the same answer. SharePoint's list rows
follow the same rule (who saves a row sends it):
`test_sharepoint_round.py::test_a_row_is_sent_by_whoever_saves_it_under_the_one_rule`.
Round status (`perfbot.services.round_status`) is the same on Slack and Teams: every service's
completion for an officer, none for an owner.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from bot.teams import commands as teams_commands
from bot.teams.conversations import ConversationRef
from bot.web.urls import returns_url
from perfbot.cli import main
from perfbot.server import create_asgi
from perfbot.settings import Settings
from perfbot.submission import Submission
from tests.e2e.web_client import csrf_of
from tests.fakes.smtp_server import SmtpServer
from tests.integration.test_slack_support import (
    HEAD,
    HEAD_ID,
    JO,
    JO_ID,
    OFFICER,
    OFFICER_ID,
    PERIOD,
    SAM,
    SAM_ID,
    SlackWorld,
    running_world,
)  # fmt: skip

ANSWER = {JO: ["CS01", "CS02"], SAM: ["WS01", "CS01", "CS02"], HEAD: ["CS01", "CS02", "HR01", "WS01"]}
IDS = re.compile(r"\b(?:CS|WS|HR)0\d\b")
SIGN_IN_LINK = re.compile(r"https?://[^/\s]+(/sign-in/\S+)")


@pytest.fixture
def world(tmp_path: Path) -> Iterator[SlackWorld]:
    for built in running_world(tmp_path):
        built.store.people.set(JO, actor="test", deputy=SAM)
        built.open_round()
        yield built


def _ids(text: str) -> list[str]:
    return sorted(set(IDS.findall(text)))


def test_slack_status(world: SlackWorld) -> None:
    for email, user_id in ((JO, JO_ID), (SAM, SAM_ID), (HEAD, HEAD_ID)):
        _, url = world.command("status", user_id=user_id)
        answer = world.answered(url)[0]["text"]
        assert _ids(answer) == sorted(ANSWER[email]), email
        assert f"Your returns: 0 of {len(ANSWER[email])} in." in answer


def test_teams_status(world: SlackWorld) -> None:
    for email in ANSWER:
        where = ConversationRef("a:1", "https://smba.example", "tenant", "personal", email=email)
        answer = teams_commands.handle(world.app, "status", email=email, where=where).text
        assert _ids(answer) == sorted(ANSWER[email]), email


def test_round_status_is_the_same_on_slack_and_teams_and_only_officers_see_every_service(world: SlackWorld) -> None:
    assert world.app.collector.submit(Submission("CS01", PERIOD, 93, submitted_by=SAM, channel="test")).accepted
    completion = re.compile(r"(Customer Services|People|Waste): (\d) of (\d)")
    expected = [(s.service, str(s.returned), str(s.expected)) for s in world.app.status.services(PERIOD)]
    assert ("Customer Services", "1", "2") in expected
    for email, user_id in ((OFFICER, OFFICER_ID), (JO, JO_ID)):
        _, url = world.command("status", user_id=user_id)
        slack = world.answered(url)[0]["text"]
        where = ConversationRef("a:1", "https://smba.example", "tenant", "personal", email=email)
        teams = teams_commands.handle(world.app, "status", email=email, where=where).text
        seen = expected if email == OFFICER else []
        assert completion.findall(slack) == completion.findall(teams) == seen, email


def test_web_returns_link(world: SlackWorld) -> None:
    opened = world.store.rounds.get(PERIOD)
    assert opened is not None
    for email in ANSWER:
        page = world.http.get(urlsplit(returns_url(world.app.links, owner=email, round_=opened)).path)
        assert page.status_code == 200 and _ids(page.text) == sorted(ANSWER[email]), email
    assert [m.measure_id for m in world.app.duties.owed(SAM, PERIOD).measures] == ANSWER[SAM]


def test_email_sign_in_link_leads_to_the_same_answer(world: SlackWorld) -> None:
    with SmtpServer(None) as relay:
        settings = Settings.from_env(relay.relay_env())
        for email in ANSWER:
            with TestClient(create_asgi(world.app, settings, run_scheduler=False), follow_redirects=False) as web:
                form = web.get("/sign-in-by-email")
                assert web.post("/sign-in-by-email", data={"csrf_token": csrf_of(form.text), "email": email}).status_code == 200
                mail = relay.messages[-1]
                assert mail["To"] == email
                link = SIGN_IN_LINK.search(mail.get_body(("plain",)).get_content())[1]
                assert web.post(link, data={"csrf_token": csrf_of(web.get(link).text)}).status_code == 303
                inbox = web.get("/inbox")
                assert inbox.status_code == 200 and _ids(inbox.text) == sorted(ANSWER[email]), email


def test_cli_submit_as_follows_the_same_rule(world: SlackWorld, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("PERFBOT_DATA", str(world.app.data_dir))
    assert main(["submit", "CS01", str(PERIOD), "93", "--as", SAM]) == 0  # the deputy
    assert main(["submit", "WS01", str(PERIOD), "40", "--as", HEAD]) == 0  # the head of service
    assert main(["submit", "WS01", str(PERIOD), "41", "--as", JO]) == 2  # not Jo's
    assert "is not the owner of WS01" in capsys.readouterr().err
    stored = world.store.returns.for_period(PERIOD)
    assert {m: r.submitted_by for m, r in stored.items()} == {"CS01": SAM, "WS01": HEAD}
