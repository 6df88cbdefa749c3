"""The CMT digest to Teams, through a Workflows webhook or through the bot, and what happens when
Teams refuses: throttling is retried after Retry-After, a bad webhook or a removed bot is not
retried on Teams (the next channel takes it)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
import requests

from bot.teams.channel import WEBHOOK, TeamsChannel
from bot.teams.conversations import ConversationRef
from bot.teams.identity import Identity
from bot.teams.refs import conversations_of
from perfbot.app import App
from perfbot.channel import TransportError
from perfbot.config import ConfigError
from perfbot.notices import Alert
from perfbot.periods import Period
from tests.integration.test_teams_support import (
    ALICE,
    CMT_CHANNEL,
    OLIVE,
    PERIOD,
    M365World,
    texts,
    world,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def w(tmp_path_factory: pytest.TempPathFactory) -> Iterator[M365World]:
    with world(tmp_path_factory.mktemp("digest")) as made:
        yield made


def channel(w: M365World, *, via: str | None = None, **env: str) -> tuple[TeamsChannel, App]:
    """The Teams channel as `perfbot` makes it, with msal trusting the test CA."""
    settings = w.settings(**env)
    app = w.app(settings)
    config = replace(app.config, raw={**app.config.raw, "teams": {"digest_via": via}} if via else app.config.raw)
    assert settings.m365 is not None
    made = TeamsChannel.from_settings(settings.m365, store=app.store, config=config,
                                      identity=Identity(settings.m365, http_client=w.ca.requests_session()),
                                      http=requests.Session())  # fmt: skip
    return made, app


def test_the_digest_goes_to_the_workflow_webhook(w: M365World) -> None:
    teams, app = channel(w, TEAMS_WORKFLOW_WEBHOOK_URL=w.webhook.webhook_url)
    assert teams.resolve_person("cmt") == WEBHOOK
    ref = teams.post_digest(WEBHOOK, app.digest(Period.parse(PERIOD)))
    assert ref.startswith("workflow-")
    assert texts(w.webhook.posted[-1])[0] == f"Performance digest, {PERIOD}"
    teams.post_alert(WEBHOOK, Alert(PERIOD, ("M2 Rent collected is red",)))
    assert texts(w.webhook.posted[-1]) == [f"New exceptions in {PERIOD} returns", "• M2 Rent collected is red"]


def test_a_throttled_webhook_is_retried_after_its_retry_after(w: M365World) -> None:
    teams, app = channel(w, TEAMS_WORKFLOW_WEBHOOK_URL=w.webhook.webhook_url)
    w.webhook.fail_next("post", status=429, retry_after=42)
    with pytest.raises(TransportError) as caught:
        teams.post_digest(WEBHOOK, app.digest(Period.parse(PERIOD)))
    assert (caught.value.permanent, caught.value.retry_after) == (False, 42.0)


def test_a_wrong_webhook_url_is_a_permanent_error_naming_the_setting(w: M365World) -> None:
    teams, app = channel(w, TEAMS_WORKFLOW_WEBHOOK_URL=w.webhook.url + "/workflows/nope")
    with pytest.raises(TransportError) as caught:
        teams.post_digest(WEBHOOK, app.digest(Period.parse(PERIOD)))
    assert caught.value.permanent and "TEAMS_WORKFLOW_WEBHOOK_URL" in str(caught.value)


def test_through_the_bot_the_digest_goes_to_the_channel_an_officer_chose(w: M365World) -> None:
    teams, app = channel(w, via="bot", TEAMS_WORKFLOW_WEBHOOK_URL=w.webhook.webhook_url)
    assert teams.resolve_person("cmt") is None  # nobody has typed "digest here" yet
    w.connector.add_conversation(user_aad_object_id="olive", conversation_type="channel",
                                 conversation_id=CMT_CHANNEL)  # fmt: skip
    conversations = conversations_of(app.store)
    conversations.remember(ConversationRef(CMT_CHANNEL, w.connector.service_url, w.identity.tenant_id, "channel"))
    conversations.bind(CMT_CHANNEL, "cmt", actor=OLIVE)
    assert teams.resolve_person("cmt") == CMT_CHANNEL
    teams.post_digest(CMT_CHANNEL, app.digest(Period.parse(PERIOD)))
    assert texts(w.connector.sent_to(CMT_CHANNEL)[-1].cards[0])[0] == f"Performance digest, {PERIOD}"
    [bound] = app.store.audit.about("digest destination cmt")
    assert (bound.actor, bound.action) == (OLIVE, "teams.destination.bound")


def test_webhook_without_its_url_stops_start_up(w: M365World) -> None:
    with pytest.raises(ConfigError, match="TEAMS_WORKFLOW_WEBHOOK_URL"):
        channel(w, via="webhook")
    with pytest.raises(ConfigError, match="digest_via"):
        channel(w, via="email")


def test_a_removed_bot_hands_the_person_to_the_next_channel(w: M365World) -> None:
    teams, app = channel(w)
    chat = w.personal_chat(ALICE)
    conversations_of(app.store).remember(ConversationRef(chat, w.connector.service_url,
                                                         w.identity.tenant_id, "personal", email=ALICE))  # fmt: skip
    w.connector.uninstall(chat)
    with pytest.raises(TransportError) as caught:
        teams.post_alert(teams.resolve_person(ALICE) or "", Alert(PERIOD, ("x",)))
    assert not caught.value.permanent and "add the perfbot app again" in str(caught.value)
    assert teams.resolve_person(ALICE) is None  # the retry goes to the next channel


def test_a_throttled_bot_connector_is_retried_after_its_retry_after(w: M365World) -> None:
    teams, app = channel(w)
    chat = w.connector.add_conversation(user_aad_object_id="bob-2", email="bob2@council.gov.uk")
    conversations_of(app.store).remember(ConversationRef(chat, w.connector.service_url, w.identity.tenant_id,
                                                         "personal", email="bob2@council.gov.uk"))  # fmt: skip
    w.connector.fail_next("send", status=429, retry_after=5)
    with pytest.raises(TransportError) as caught:
        teams.post_alert(chat, Alert(PERIOD, ("x",)))
    assert (caught.value.permanent, caught.value.retry_after) == (False, 5.0)
