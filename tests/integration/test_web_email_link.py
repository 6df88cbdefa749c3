"""The sign-in page's "e-mail me a sign-in link" (a real SMTP relay on 127.0.0.1), and the web
inbox a signed-in owner sees."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from perfbot.clock import ManualClock
from perfbot.server import create_asgi
from perfbot.settings import Settings
from tests.e2e.council import OTHER_OWNER, OWNER, PERIOD, _build, _data_dir, small_measures
from tests.e2e.web_client import csrf_of, sign_in
from tests.fakes.smtp_server import SmtpServer

LINK = re.compile(r"(https?://testserver/sign-in/\S+)")


@pytest.fixture
def relay():
    with SmtpServer(None) as smtp:
        yield smtp


@pytest.fixture
def council(tmp_path):
    found = _build(_data_dir(tmp_path, "http://testserver"))
    found.app.store.register.apply(small_measures(), [], actor="test")
    found.app.cycle.open_round(PERIOD, actor="test")
    return found


def browser(council, relay: SmtpServer | None) -> TestClient:
    settings = Settings.from_env(relay.relay_env()) if relay else Settings()
    return TestClient(create_asgi(council.app, settings, run_scheduler=False), base_url="http://testserver",
                      follow_redirects=False)  # fmt: skip


def ask(client: TestClient, email: str):  # noqa: ANN201 - the answer page
    page = client.get("/sign-in-by-email")
    return client.post("/sign-in-by-email", data={"csrf_token": csrf_of(page.text), "email": email})


def test_a_known_person_gets_a_link_that_signs_them_in(council, relay):
    client = browser(council, relay)
    answer = ask(client, OWNER.upper())
    assert answer.status_code == 200 and "Check your e-mail" in answer.text
    [mail] = relay.messages
    assert mail["To"] == OWNER and "sign-in link" in mail["Subject"]
    url = LINK.search(mail.get_body(("plain",)).get_content())[1]
    page = client.get(council.path(url))
    assert page.status_code == 200 and OWNER in page.text


def test_an_unknown_address_gets_the_same_answer_and_no_mail(council, relay):
    client = browser(council, relay)
    known, unknown = ask(client, OWNER), ask(client, "stranger@elsewhere.example")
    same = [re.sub(r"\S+@\S+", "ADDRESS", re.search(r"<main.*</main>", r.text, re.S)[0]) for r in (known, unknown)]
    assert same[0] == same[1] and unknown.status_code == 200
    assert [m["To"] for m in relay.messages] == [OWNER]


def test_requests_are_limited_in_rate(council, relay):
    client = browser(council, relay)
    for _ in range(5):
        assert ask(client, OTHER_OWNER).status_code == 200
    assert len(relay.messages) == 3  # three an hour per address


def test_a_bad_address_is_explained_and_without_email_the_page_says_whom_to_ask(council, relay):
    bad = ask(browser(council, relay), "not an address")
    assert bad.status_code == 400 and "Enter your work e-mail address" in bad.text
    assert relay.messages == []
    page = browser(council, None).get("/sign-in-by-email")
    assert "Ask the performance officer" in page.text and 'name="email"' not in page.text


def test_the_inbox_shows_what_an_owner_owes_and_the_messages_sent_to_them(council):
    client = browser(council, None)
    sign_in(client, council, OWNER)
    page = client.get("/inbox")
    assert page.status_code == 200
    assert "HO04 Homelessness decisions within 56 days" in page.text and "HO03" not in page.text
    assert "Send your figures for 2025/26 Q3" in page.text and "/returns/" in page.text
    assert "Request for returns, 2025/26 Q3" in page.text and "by local" in page.text
    anonymous = browser(council, None).get("/inbox")
    assert anonymous.status_code == 401


def test_officers_see_undelivered_messages_in_the_console_and_owners_in_their_inbox(tmp_path):
    from perfbot import app as app_module
    from tests.e2e.council import NOW, OFFICER, Council

    clock = ManualClock(NOW)
    served = app_module.build(_data_dir(tmp_path, "http://testserver"), clock=clock)  # as `serve`
    served.store.register.apply(small_measures(), [], actor="test")
    served.cycle.open_round(PERIOD, actor="test")
    council = Council(app=served, clock=clock)
    officer = browser(council, None)
    sign_in(officer, council, OFFICER)
    page = officer.get(f"/officer/rounds/{PERIOD.key}")
    assert "Not delivered (2)" in page.text and "no channel can reach" in page.text and OWNER in page.text
    owner = browser(council, None)
    sign_in(owner, council, OWNER)
    assert "not delivered: no channel can reach" in owner.get("/inbox").text
