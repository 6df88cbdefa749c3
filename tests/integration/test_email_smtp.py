"""The e-mail channel over SMTP: smtplib against a real aiosmtpd server on 127.0.0.1 that
requires STARTTLS (a trustme certificate) and AUTH, as Exchange Online's SMTP AUTH does."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.email.channel import EmailChannel
from bot.email.compose import Sender, message_id
from bot.email.smtp import SmtpTransport
from perfbot.channel import OUTBOX_KEY, TransportError
from perfbot.clock import LONDON
from perfbot.mail_settings import SmtpSettings
from perfbot.notices import MeasureLine, NoticeKind, PersonNotice
from tests.fakes.smtp_server import PASSWORD, USER, SmtpServer
from tests.fakes.tls import LocalCA

ALICE = "alice@council.gov.uk"
KEY = f"2025/26 Q3|request|{ALICE}"


@pytest.fixture
def ca():
    found = LocalCA()
    yield found
    found.close()


@pytest.fixture
def smtp(ca):
    with SmtpServer(ca) as server:
        yield server


def channel(smtp: SmtpServer, ca: LocalCA, *, password: str = PASSWORD) -> EmailChannel:
    settings = SmtpSettings("127.0.0.1", smtp.port, "starttls", USER, password)
    sender = Sender("performance@council.gov.uk", ("olive@council.gov.uk",), "Testshire <Council>")
    return EmailChannel(SmtpTransport(settings, ssl_context=ca.client_context(), timeout=5), sender=sender,
                        now=lambda: datetime(2026, 1, 8, 9, 30, tzinfo=LONDON))  # fmt: skip


def notice(kind: NoticeKind = NoticeKind.REQUEST, *, title: str = "Repairs on time") -> PersonNotice:
    lines = (MeasureLine("M1", title, "percent", 90.0, 88.5), MeasureLine("M2", "Rent collected", "percent", 97.0),
             MeasureLine("M3", "Voids relet", "days", 20.0, 23))  # fmt: skip
    return PersonNotice(kind, "2025/26 Q3", ALICE, datetime(2026, 1, 22, 23, 59, tzinfo=LONDON), lines,
                        form_url="https://perfbot.council.gov.uk/returns/signed-token")  # fmt: skip


def send(ch: EmailChannel, key: str, item: PersonNotice) -> str:
    token = OUTBOX_KEY.set(key)
    try:
        return ch.send_request(ALICE, item) if item.kind is NoticeKind.REQUEST else ch.send_reminder(ALICE, item)
    finally:
        OUTBOX_KEY.reset(token)


def test_a_request_goes_over_starttls_with_auth_as_text_and_html(smtp, ca):
    ref = send(channel(smtp, ca), KEY, notice())
    [got] = smtp.messages
    assert got["X-Authenticated-As"] == USER and got["X-Envelope-To"] == ALICE
    assert got["Subject"] == "Performance returns for 2025/26 Q3: 3 due by Thursday 22 January"
    assert got["Reply-To"] == "olive@council.gov.uk" and got["From"].addresses[0].addr_spec == "performance@council.gov.uk"
    assert got["Message-ID"] == ref == message_id(KEY, domain="council.gov.uk")
    assert got.get_content_type() == "multipart/alternative"
    text = got.get_body(("plain",)).get_content()
    html = got.get_body(("html",)).get_content()
    for part in (text, html):
        assert "https://perfbot.council.gov.uk/returns/signed-token" in part
        assert "Thursday 22 January 2026" in part and "Repairs on time" in part and "88.5%" in part
    assert 'href="https://perfbot.council.gov.uk/returns/signed-token"' in html and "style=" in html


def test_user_text_is_escaped_in_the_html_part(smtp, ca):
    send(channel(smtp, ca), KEY, notice(title='<script>alert("x")</script> & <b>bold</b>'))
    html = smtp.messages[0].get_body(("html",)).get_content()
    assert "<script>" not in html and "<b>bold" not in html
    assert "&lt;script&gt;" in html and "&amp; &lt;b&gt;bold" in html
    assert "Testshire &lt;Council&gt;" in html  # the council's name too


def test_a_reminder_threads_under_the_request_and_a_resend_keeps_its_message_id(smtp, ca):
    ch = channel(smtp, ca)
    request_id = send(ch, KEY, notice())
    reminder_key = f"2025/26 Q3|reminder#2026-01-15|{ALICE}"
    first = send(ch, reminder_key, notice(NoticeKind.REMINDER))
    again = send(ch, reminder_key, notice(NoticeKind.REMINDER))
    reminder = smtp.messages[1]
    assert reminder["In-Reply-To"] == request_id and reminder["References"] == request_id
    assert first == again == smtp.messages[2]["Message-ID"] != request_id
    assert reminder["Subject"].startswith("Reminder: performance returns for 2025/26 Q3")


def test_a_refused_mailbox_is_permanent_and_a_deferral_is_retried(smtp, ca):
    ch = channel(smtp, ca)
    smtp.refuse(ALICE)
    with pytest.raises(TransportError) as refused:
        send(ch, KEY, notice())
    assert refused.value.permanent and "550" in str(refused.value) and ALICE in str(refused.value)
    smtp.handler.refused.clear()
    smtp.defer_next()
    with pytest.raises(TransportError) as deferred:
        send(ch, KEY, notice())
    assert not deferred.value.permanent and "451" in str(deferred.value)
    send(ch, KEY, notice())
    assert len(smtp.messages) == 1


def test_a_wrong_password_names_the_settings_and_is_retried(smtp, ca):
    with pytest.raises(TransportError) as wrong:
        send(channel(smtp, ca, password="not-it"), KEY, notice())
    assert "SMTP_USERNAME/SMTP_PASSWORD" in str(wrong.value) and not wrong.value.permanent
    assert smtp.messages == []


def test_an_untrusted_certificate_is_not_accepted(smtp):
    other = LocalCA()
    try:
        settings = SmtpSettings("127.0.0.1", smtp.port, "starttls", USER, PASSWORD)
        transport = SmtpTransport(settings, ssl_context=other.client_context(), timeout=5)
        with pytest.raises(TransportError) as untrusted:
            EmailChannel(transport, sender=Sender("performance@council.gov.uk")).send_request(ALICE, notice())
        assert "could not reach the SMTP server" in str(untrusted.value)
    finally:
        other.close()
    assert smtp.messages == []
