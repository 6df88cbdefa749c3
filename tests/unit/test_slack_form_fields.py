"""A Slack form body is read exactly as `parse_qsl` reads it, on the quick path and off it."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlencode

from hypothesis import given
from hypothesis import strategies as st

from bot.slack.inbound import form_fields

# The characters that matter to the decoding, plus some that do not.
_PIECES = st.sampled_from(["a", "Z", "0", "=", "&", "+", "%", "%2", "%41", "%e2%82%ac", "%C3", "%zz",
                           "%5C", "\\", "\\x41", "é", "€", " ", "payload", "%25", "%2B", "%26"])  # fmt: skip


@given(st.lists(_PIECES, max_size=30).map("".join))
def test_any_text_reads_as_parse_qsl_reads_it(text):
    assert form_fields(text) == parse_qsl(text, keep_blank_values=True)


@given(st.dictionaries(st.text(max_size=8), st.text(max_size=40), max_size=4))
def test_an_encoded_form_reads_back_as_it_was_sent(fields):
    body = urlencode(fields)
    assert form_fields(body) == list(fields.items()) == parse_qsl(body, keep_blank_values=True)


def test_a_returns_form_payload_with_every_kind_of_character():
    payload = json.dumps({"type": "view_submission", "text": "95% on time \\ + & = é € 👍 \"quoted\""})
    body = urlencode({"payload": payload})
    assert dict(form_fields(body)) == {"payload": payload}
