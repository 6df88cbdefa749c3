"""The e-mail channel through Microsoft Graph: the real msal (app-only token from the fake
identity platform over TLS) and requests against a fake Graph `sendMail` that checks the token,
the mailbox and the message, and throttles with 429 + Retry-After."""

from __future__ import annotations

from contextlib import ExitStack
from datetime import datetime

import pytest

from bot.email.channel import EmailChannel, make_transport, sender_for
from bot.email.graph import GraphTransport, graph_resource
from bot.teams.identity import Identity
from perfbot.channel import OUTBOX_KEY, TransportError
from perfbot.clock import LONDON
from perfbot.config import Config
from perfbot.notices import MeasureLine, NoticeKind, PersonNotice
from perfbot.settings import Settings
from tests.fakes.graph_mail import FakeGraphMail
from tests.fakes.identity import FakeIdentity
from tests.fakes.tls import LocalCA

CLIENT, SECRET = "00000000-0000-0000-0000-0000000000e1", "mail-secret"
SENDER, ALICE = "performance@council.gov.uk", "alice@council.gov.uk"


class GraphWorld:
    def __init__(self, stack: ExitStack, *, roles: tuple[str, ...] = ("Mail.Send",)) -> None:
        self.ca = LocalCA()
        stack.callback(self.ca.close)
        self.identity = stack.enter_context(FakeIdentity(ca=self.ca))
        self.identity.register_app(CLIENT, secret=SECRET, roles=roles)
        self.graph = stack.enter_context(FakeGraphMail(ca=self.ca, identity=self.identity, mailboxes=(SENDER,)))

    def settings(self) -> Settings:
        return Settings.from_env({"M365_TENANT_ID": self.identity.tenant_id, "M365_CLIENT_ID": CLIENT,
                                  "M365_CLIENT_SECRET": SECRET, "M365_AUTHORITY_HOST": self.identity.url,
                                  "GRAPH_MAIL_SENDER": SENDER, "GRAPH_API_URL": self.graph.api_url})  # fmt: skip

    def channel(self) -> EmailChannel:
        settings = self.settings()
        assert settings.email is not None and settings.m365 is not None
        session = self.ca.requests_session()
        identity = Identity(settings.m365, http_client=session)  # msal trusts the test CA
        tokens = identity.for_resource(graph_resource(settings.email.graph.api_url))
        transport = GraphTransport(api_url=settings.email.graph.api_url, sender=SENDER, tokens=tokens, session=session)
        config = Config(council_name="Testshire District Council", performance_officers=("olive@council.gov.uk",))
        return EmailChannel(transport, sender=sender_for(settings.email, config))


@pytest.fixture
def world():
    with ExitStack() as stack:
        yield GraphWorld(stack)


def notice() -> PersonNotice:
    return PersonNotice(NoticeKind.REQUEST, "2025/26 Q3", ALICE, datetime(2026, 1, 22, 23, 59, tzinfo=LONDON),
                        (MeasureLine("M1", "Repairs on time", "percent", 90.0, 88.5),),
                        form_url="https://perfbot.council.gov.uk/returns/t")  # fmt: skip


def send(channel: EmailChannel) -> str:
    token = OUTBOX_KEY.set(f"2025/26 Q3|request|{ALICE}")
    try:
        return channel.send_request(ALICE, notice())
    finally:
        OUTBOX_KEY.reset(token)


def test_settings_choose_graph_and_from_defaults_to_the_sender_mailbox(world):
    settings = world.settings()
    assert settings.email.transport == "graph" and settings.email.mail_from == SENDER
    assert type(make_transport(settings.email, m365=settings.m365)).__name__ == "GraphTransport"


def test_a_request_is_sent_as_mime_with_an_app_only_token_for_graph(world):
    ref = send(world.channel())
    [call] = world.graph.calls_of("sendMail")
    assert call.status == 202 and call.path == f"/v1.0/users/{SENDER}/sendMail"
    claims = world.identity.verify_access_token(call.request.bearer(), audience=world.graph.url)
    assert claims["appid"] == CLIENT and "Mail.Send" in claims["roles"]
    [sent] = world.graph.sent
    assert sent["Message-ID"] == ref and sent["To"] == ALICE
    assert sent["Subject"] == "Performance returns for 2025/26 Q3: 1 due by Thursday 22 January"
    assert {p.get_content_type() for p in sent.iter_parts()} == {"text/plain", "text/html"}
    send(world.channel())  # a second message: msal's cache, no second token request
    assert world.identity.token_requests == 2  # one per Identity (each channel() builds its own)


def test_throttling_is_retried_after_retry_after(world):
    world.graph.fail_next("sendMail", status=429, retry_after=17)
    channel = world.channel()
    with pytest.raises(TransportError) as throttled:
        send(channel)
    assert not throttled.value.permanent and throttled.value.retry_after == 17.0
    world.graph.fail_next("sendMail", status=503, retry_after=5)
    with pytest.raises(TransportError) as busy:
        send(channel)
    assert not busy.value.permanent and busy.value.retry_after == 5.0
    send(channel)
    assert len(world.graph.sent) == 1


def test_an_unknown_recipient_is_undeliverable_not_retried(world):
    world.graph.refuse(ALICE)
    with pytest.raises(TransportError) as refused:
        send(world.channel())
    assert refused.value.permanent and "ErrorInvalidRecipients" in str(refused.value)


def test_an_app_without_mail_send_is_told_what_to_fix():
    with ExitStack() as stack:
        world = GraphWorld(stack, roles=())
        with pytest.raises(TransportError) as denied:
            send(world.channel())
    assert "Mail.Send" in str(denied.value) and "application access policy" in str(denied.value)
