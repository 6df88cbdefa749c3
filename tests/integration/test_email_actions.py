"""The e-mail request asks about remedial actions (issue 19 point 2), over SMTP to a real server:
each action, and a link to the page where the person answers (`/returns/{token}/actions`, the web
test `test_web_actions.py` shows that page updating the action)."""

from __future__ import annotations

from dataclasses import replace

from perfbot.notices import ActionAsk
from tests.integration.test_email_smtp import KEY, ca, channel, notice, send, smtp  # noqa: F401 - fixtures

ASK = ActionAsk("M1-2025-26-Q2", "M1", "Agency <staff> & overtime", "end of 2025/26 Q3", "2025/26 Q2")


def test_the_request_asks_about_each_action_with_a_link_to_answer(smtp, ca):  # noqa: F811
    send(channel(smtp, ca), KEY, replace(notice(), actions=(ASK,)))
    [got] = smtp.messages
    text, html = got.get_body(("plain",)).get_content(), got.get_body(("html",)).get_content()
    link = "https://perfbot.council.gov.uk/returns/signed-token/actions"
    assert "Last quarter you said you would:" in text
    assert "M1 (2025/26 Q2): Agency <staff> & overtime — due end of 2025/26 Q3. Done?" in text
    assert f"Say whether each is done, still open or dropped: {link}" in text
    assert f'<a href="{link}"' in html and "Agency &lt;staff&gt; &amp; overtime" in html
