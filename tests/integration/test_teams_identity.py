"""msal against the fake identity platform (HTTPS, test CA): one long-lived client per resource,
its cache, secret and certificate credentials, and refusals that say what to fix. The identity
belongs to the running app (its Teams platform), not to the process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.teams.channel import TeamsChannel
from bot.teams.conversations import ConversationRef
from bot.teams.identity import BOT_RESOURCE, Identity
from bot.teams.refs import conversations_of
from perfbot import app as app_module
from perfbot.channel import TransportError
from perfbot.notices import PersonNotice
from perfbot.periods import Period
from perfbot.server import create_asgi
from tests.fakes.identity import make_client_certificate
from tests.integration.test_teams_support import (
    ALICE,
    BOB,
    BOT_SECRET,
    OLIVE,
    PERIOD,
    Conversation,
    M365World,
    register,
    world,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def w(tmp_path_factory: pytest.TempPathFactory) -> Iterator[M365World]:
    with world(tmp_path_factory.mktemp("identity")) as made:
        yield made


def identity(w: M365World, **env: str) -> Identity:
    settings = w.settings(**env).m365
    assert settings is not None
    return Identity(settings, http_client=w.ca.requests_session())


def test_a_second_send_makes_no_second_token_request(w: M365World) -> None:
    app = w.app()
    period = Period.parse(PERIOD)
    app.cycle.open_round(period, actor="test")  # Alice has no Teams chat yet: the local channel
    request = next(m for m in app.store.outbox.for_period(period) if m.recipient == ALICE)
    chat = w.personal_chat(ALICE)
    conversations_of(app.store).remember(ConversationRef(chat, w.connector.service_url,
                                                         w.identity.tenant_id, "personal", email=ALICE))  # fmt: skip
    channel = TeamsChannel.from_settings(w.m365, store=app.store, config=app.config, identity=identity(w))
    before = w.identity.token_requests
    address = channel.resolve_person(ALICE)
    assert address == chat
    notice = PersonNotice.from_content(request.content)
    first, second = channel.send_request(address, notice), channel.send_reminder(address, notice)
    assert first != second and len(w.connector.sent_to(chat)) == 2
    assert w.identity.token_requests == before + 1  # the second send used msal's cache


def test_one_running_app_asks_for_one_bot_token_whoever_sends(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with world(tmp_path) as w:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(w.ca.cert_path))  # the app's msal trusts the test CA
        settings = w.settings(SHAREPOINT_SITE_URL="")
        app = w.app(settings)
        teams = Conversation(create_asgi(app, settings, run_scheduler=False))
        try:
            for person in (ALICE, BOB):
                assert teams.post(w.install(person), w.token()).status_code == 200
            _, report = app.cycle.open_round(Period.parse(PERIOD), actor=OLIVE)  # the channel sends
            for _ in range(2):  # the bot answers
                assert teams.post(w.say(ALICE, "help"), w.token()).status_code == 200
            sent = w.connector.sent_to(w.personal_chat(ALICE)) + w.connector.sent_to(w.personal_chat(BOB))
        finally:
            teams.close()
    assert len(report.delivery.sent) == 2 and len(sent) >= 4
    assert w.identity.token_requests == 1  # the channel and the bot share one msal cache


def test_two_apps_in_one_process_share_no_token_cache(tmp_path: Path) -> None:
    with world(tmp_path) as w:
        settings = w.settings(SHAREPOINT_SITE_URL="")
        chat = w.personal_chat(ALICE)
        sent_by = []
        for name in ("first", "second"):  # the same settings, as two tests or two councils would have
            data = tmp_path / name
            data.mkdir()
            (data / "perfbot.toml").write_text((w.data / "perfbot.toml").read_text())
            app = app_module.build(data, clock=w.clock, settings=settings)
            app.store.register.apply(register(), [], actor="test")
            conversations_of(app.store).remember(ConversationRef(chat, w.connector.service_url,
                                                                 w.identity.tenant_id, "personal", email=ALICE))  # fmt: skip
            before, cards = w.identity.token_requests, len(w.connector.sent_to(chat))
            with pytest.MonkeyPatch.context() as env:
                env.setenv("REQUESTS_CA_BUNDLE", str(w.ca.cert_path))
                app.cycle.open_round(Period.parse(PERIOD), actor=OLIVE)
            assert len(w.connector.sent_to(chat)) == cards + 1  # Alice's request card
            sent_by.append(w.identity.token_requests - before)
    assert sent_by == [1, 1]  # each app asked Entra ID for its own token


def test_the_bot_uses_the_certificate_when_given_else_the_secret(w: M365World) -> None:
    by_cert = identity(w).for_resource(BOT_RESOURCE).token()
    by_secret = identity(w, M365_CERT_PATH="", M365_CERT_THUMBPRINT="", SHAREPOINT_SITE_URL="",
                         M365_CLIENT_SECRET=BOT_SECRET).for_resource(BOT_RESOURCE).token()  # fmt: skip
    claims = [w.identity.verify_access_token(t, audience=BOT_RESOURCE) for t in (by_cert, by_secret)]
    assert [c["appidacr"] for c in claims] == ["2", "1"]  # certificate, then secret


def test_sharepoint_gets_its_own_client_with_the_certificate(w: M365World) -> None:
    shared = identity(w)
    sharepoint = shared.for_resource(w.sharepoint.url)
    assert sharepoint is shared.for_resource(w.sharepoint.url + "/")  # one per resource, kept
    assert sharepoint.client is not shared.for_resource(BOT_RESOURCE).client
    claims = w.identity.verify_access_token(sharepoint.token(), audience=w.sharepoint.url)
    assert claims["appidacr"] == "2"


def test_a_wrong_secret_is_a_permanent_error_that_names_the_setting(w: M365World) -> None:
    source = identity(w, M365_CERT_PATH="", M365_CERT_THUMBPRINT="", SHAREPOINT_SITE_URL="",
                      M365_CLIENT_SECRET="not-the-secret").for_resource(BOT_RESOURCE)  # fmt: skip
    with pytest.raises(TransportError) as caught:
        source.token()
    assert caught.value.permanent
    assert "AADSTS7000215" in str(caught.value) and "M365_CLIENT_SECRET" in str(caught.value)


def test_an_unregistered_certificate_is_refused(w: M365World, tmp_path: Path) -> None:
    stranger = make_client_certificate("stranger")
    pem = tmp_path / "stranger.pem"
    pem.write_text(stranger.private_key_pem + stranger.certificate_pem)
    source = identity(w, M365_CERT_PATH=str(pem), M365_CERT_THUMBPRINT=stranger.thumbprint)
    with pytest.raises(TransportError) as caught:
        source.for_resource(BOT_RESOURCE).token()
    assert caught.value.permanent and "AADSTS700027" in str(caught.value)


def test_a_throttled_token_endpoint_is_retried_later_not_hammered(w: M365World) -> None:
    source = identity(w).for_resource(BOT_RESOURCE)
    w.identity.fail_next("token", status=429, retry_after=30)
    before = w.identity.token_requests
    for _ in range(2):
        with pytest.raises(TransportError) as caught:
            source.token()
        assert not caught.value.permanent
    assert w.identity.token_requests == before + 1  # msal answered the second from its throttle cache


def test_an_unreachable_authority_does_not_stop_perfbot_starting(w: M365World) -> None:
    settings = w.settings(M365_AUTHORITY_HOST="https://127.0.0.1:9").m365
    assert settings is not None
    source = Identity(settings, http_client=w.ca.requests_session()).for_resource(BOT_RESOURCE)  # made lazily
    with pytest.raises(TransportError) as caught:
        source.token()
    assert not caught.value.permanent and "M365_AUTHORITY_HOST" in str(caught.value)
