"""Sign-off by e-mail link: the head's request goes over real SMTP (aiosmtpd, STARTTLS, AUTH);
the signed link in it opens the sign-off page, and sending back reaches the owners by e-mail."""

from __future__ import annotations

import re

import pytest

from bot.email.channel import EmailChannel, sender_for
from bot.email.smtp import SmtpTransport
from perfbot import app as app_module
from perfbot.mail_settings import EmailSettings
from perfbot.sign_off import SignOffState
from tests.e2e.council import HEAD, OTHER_OWNER, OWNER, PERIOD, small_council
from tests.e2e.web_client import client_for, post_form
from tests.fakes.smtp_server import SmtpServer
from tests.fakes.tls import LocalCA
from tests.integration.test_sign_off_flow import SERVICE, SIGN_OFF_ON, all_in


@pytest.fixture
def ca():
    found = LocalCA()
    yield found
    found.close()


def test_the_head_approves_from_the_e_mailed_link_and_a_send_back_e_mails_the_owners(tmp_path, ca) -> None:
    council = small_council(tmp_path, extra_toml=SIGN_OFF_ON)
    with SmtpServer(ca) as smtp:
        settings = EmailSettings.from_env(smtp.env())
        transport = SmtpTransport(settings.smtp, ssl_context=ca.client_context(), timeout=5)
        email = EmailChannel(transport, sender=sender_for(settings, council.app.config), now=council.clock.now)
        council.app = app_module.build(council.app.data_dir, clock=council.clock, channels=[email])  # as under serve
        all_in(council)
        council.app.tick()
        council.app.tick()  # a second tick sends nothing twice
        [request] = [m for m in smtp.messages if m["To"] == HEAD]
        assert request["Subject"] == "Sign-off: Housing Options, 2025/26 Q3 performance figures"
        html = request.get_body(("html",)).get_content()
        assert "Approve or send back" in html and "30 days" in html and "● Green" in html
        link = re.search(r"https?://\S+/signoff/\S+", request.get_body(("plain",)).get_content())[0]
        client = client_for(council)
        path = council.path(link)
        sent = post_form(client, path, {"decision": "send-back", "reason": "HO02 is last quarter's figure"})
        assert sent.status_code == 303
        owners = sorted(m["To"] for m in smtp.messages if m["Subject"].startswith("Sent back:"))
        assert owners == sorted([OWNER, OTHER_OWNER])
        told = next(m for m in smtp.messages if m["To"] == OWNER and m["Subject"].startswith("Sent back:"))
        assert "Why: HO02 is last quarter's figure" in told.get_body(("plain",)).get_content()
        assert "/returns/" in told.get_body(("plain",)).get_content()  # the owner's own form link
    assert council.app.store.sign_offs.get(PERIOD, SERVICE).state is SignOffState.SENT_BACK
