"""Inbound Slack requests built and signed exactly as Slack sends them.

Every builder returns a :class:`SignedRequest` — ``(body bytes, headers)`` — ready to be posted to
``/slack/events`` (or handed to ``slack_bolt.BoltRequest``). Payload shapes follow Slack's
documented examples: slash commands are form bodies; ``block_actions``, ``view_submission``,
shortcuts and message actions are form-encoded ``payload=<JSON>``; ``url_verification`` and
``event_callback`` are JSON. Signatures are ``v0=`` + HMAC-SHA256 of ``v0:{timestamp}:{body}``.

The workspace identity below is shared with :mod:`tests.fakes.slack_api`, so ids in inbound
payloads match what the fake Web API answers to ``auth.test``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlencode

TEAM_ID = "T01PERFBOT"
TEAM_DOMAIN = "perfbot-council"
API_APP_ID = "A01PERFBOT"
BOT_USER_ID = "U01PERFBOT"
BOT_ID = "B01PERFBOT"
VERIFICATION_TOKEN = "vErIfIcAtIoNtOkEn0123456"  # deprecated, but still sent in every payload
USER_ID = "U01JOBLOGS"
USER_NAME = "jo.bloggs"
CHANNEL_ID = "C01PERFORM"
CHANNEL_NAME = "performance"
RESPONSE_URL = "https://hooks.slack.com/commands/T01PERFBOT/1234567890123/abcdefghijklmnopqrstuvwx"

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"


class SignedRequest(NamedTuple):
    """A request as Slack would POST it: raw body and headers (signature included)."""

    body: bytes
    headers: dict[str, str]

    def payload(self) -> dict[str, Any]:
        """The decoded payload (JSON body, ``payload=`` form field, or plain form fields)."""
        if self.headers["Content-Type"] == JSON:
            return json.loads(self.body)
        fields = dict(parse_qsl(self.body.decode(), keep_blank_values=True))
        return json.loads(fields["payload"]) if "payload" in fields else fields


# ---------------------------------------------------------------------------------------------
# Signing
# ---------------------------------------------------------------------------------------------


def signature(signing_secret: str, body: bytes, timestamp: int) -> str:
    """``v0=`` + hex HMAC-SHA256 of ``v0:{timestamp}:{body}``."""
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


def sign(signing_secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The two headers Slack adds to every request: signature and request timestamp."""
    ts = int(time.time()) if timestamp is None else timestamp
    return {
        "X-Slack-Signature": signature(signing_secret, body, ts),
        "X-Slack-Request-Timestamp": str(ts),
    }


def _signed(
    signing_secret: str,
    body: bytes,
    content_type: str,
    timestamp: int | None,
    extra: Mapping[str, str] | None = None,
) -> SignedRequest:
    headers = {"Content-Type": content_type, "User-Agent": USER_AGENT, "Accept": "*/*"}
    headers.update(sign(signing_secret, body, timestamp))
    headers.update(extra or {})
    return SignedRequest(body, headers)


def _form(signing_secret: str, fields: Mapping[str, str], timestamp: int | None) -> SignedRequest:
    return _signed(signing_secret, urlencode(fields).encode(), FORM, timestamp)


def _payload_form(
    signing_secret: str, payload: Mapping[str, Any], timestamp: int | None
) -> SignedRequest:
    return _form(signing_secret, {"payload": json.dumps(payload)}, timestamp)


# ---------------------------------------------------------------------------------------------
# Ids and small shapes
# ---------------------------------------------------------------------------------------------


def new_trigger_id() -> str:
    """A trigger id in Slack's format, e.g. ``13345224609.738474920.8088930838d88f008e0``."""
    first = 10**10 + secrets.randbelow(9 * 10**10)
    second = 10**8 + secrets.randbelow(9 * 10**8)
    return f"{first}.{second}.{secrets.token_hex(16)}"


def new_ts(at: float | None = None) -> str:
    """A message timestamp like ``1700000000.000100``."""
    now = time.time() if at is None else at
    return f"{now:.6f}"


def _team(team_id: str) -> dict[str, Any]:
    return {"id": team_id, "domain": TEAM_DOMAIN}


def _user(user_id: str, user_name: str, team_id: str) -> dict[str, Any]:
    return {"id": user_id, "username": user_name, "name": user_name, "team_id": team_id}


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def _interaction(kind: str, *, user_id: str, user_name: str, team_id: str) -> dict[str, Any]:
    """Fields every interactive payload carries."""
    return {
        "type": kind,
        "team": _team(team_id),
        "user": _user(user_id, user_name, team_id),
        "api_app_id": API_APP_ID,
        "token": VERIFICATION_TOKEN,
        "enterprise": None,
        "is_enterprise_install": False,
    }


# ---------------------------------------------------------------------------------------------
# Slash commands, shortcuts
# ---------------------------------------------------------------------------------------------


def slash_command(
    *,
    signing_secret: str,
    command: str = "/perf",
    text: str = "",
    user_id: str = USER_ID,
    user_name: str = USER_NAME,
    team_id: str = TEAM_ID,
    channel_id: str = CHANNEL_ID,
    channel_name: str = CHANNEL_NAME,
    trigger_id: str | None = None,
    response_url: str = RESPONSE_URL,
    timestamp: int | None = None,
) -> SignedRequest:
    """A slash command invocation (form body, fields in Slack's order)."""
    fields = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": API_APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id or new_trigger_id(),
    }
    return _form(signing_secret, fields, timestamp)


def shortcut(
    *,
    signing_secret: str,
    callback_id: str,
    user_id: str = USER_ID,
    user_name: str = USER_NAME,
    team_id: str = TEAM_ID,
    trigger_id: str | None = None,
    timestamp: int | None = None,
) -> SignedRequest:
    """A global shortcut (from the lightning-bolt menu or search)."""
    payload = _interaction("shortcut", user_id=user_id, user_name=user_name, team_id=team_id)
    payload.update(
        callback_id=callback_id, trigger_id=trigger_id or new_trigger_id(), action_ts=new_ts()
    )
    return _payload_form(signing_secret, payload, timestamp)


def message_action(
    *,
    signing_secret: str,
    callback_id: str,
    message: Mapping[str, Any],
    channel_id: str = CHANNEL_ID,
    channel_name: str = CHANNEL_NAME,
    user_id: str = USER_ID,
    user_name: str = USER_NAME,
    team_id: str = TEAM_ID,
    trigger_id: str | None = None,
    response_url: str = RESPONSE_URL,
    timestamp: int | None = None,
) -> SignedRequest:
    """A message shortcut invoked on ``message`` (a message dict with at least ``ts``)."""
    payload = _interaction("message_action", user_id=user_id, user_name=user_name, team_id=team_id)
    payload.update(
        callback_id=callback_id,
        trigger_id=trigger_id or new_trigger_id(),
        action_ts=new_ts(),
        message_ts=message["ts"],
        message={"type": "message", **message},
        channel={"id": channel_id, "name": channel_name},
        response_url=response_url,
    )
    return _payload_form(signing_secret, payload, timestamp)


# ---------------------------------------------------------------------------------------------
# Block actions and view submissions
# ---------------------------------------------------------------------------------------------


def _walk_elements(blocks: Sequence[Mapping[str, Any]]):
    """Yield ``(block_id, element)`` for every interactive element in ``blocks``."""
    for block in blocks:
        block_id = block.get("block_id")
        for key in ("element", "accessory"):
            if isinstance(block.get(key), Mapping):
                yield block_id, block[key]
        for element in block.get("elements") or ():
            if isinstance(element, Mapping) and "action_id" in element:
                yield block_id, element


def find_element(
    blocks: Sequence[Mapping[str, Any]], *, action_id: str, block_id: str | None = None
) -> tuple[str | None, Mapping[str, Any]]:
    """The ``(block_id, element)`` with ``action_id`` (and ``block_id`` if given)."""
    for found_block_id, element in _walk_elements(blocks):
        if element.get("action_id") == action_id and block_id in (None, found_block_id):
            return found_block_id, element
    raise LookupError(f"no element with action_id={action_id!r} block_id={block_id!r}")


def _option(element: Mapping[str, Any], value: str) -> dict[str, Any]:
    """The option of ``element`` whose value is ``value`` (Slack sends the whole option)."""
    options = list(element.get("options") or ())
    for group in element.get("option_groups") or ():
        options.extend(group.get("options") or ())
    for option in options:
        if option.get("value") == value:
            return dict(option)
    return {"text": _plain(value), "value": value}


def _selection(element: Mapping[str, Any], answer: Any) -> dict[str, Any]:
    """The state/action fields Slack reports for ``element`` holding ``answer``."""
    kind = element.get("type", "plain_text_input")
    empty = answer is None
    if kind in ("static_select", "external_select", "radio_buttons"):
        return {"selected_option": None if empty else _option(element, answer)}
    if kind in ("multi_static_select", "multi_external_select", "checkboxes"):
        return {"selected_options": [_option(element, v) for v in answer or ()]}
    simple = {
        "users_select": "selected_user",
        "multi_users_select": "selected_users",
        "conversations_select": "selected_conversation",
        "multi_conversations_select": "selected_conversations",
        "channels_select": "selected_channel",
        "multi_channels_select": "selected_channels",
        "datepicker": "selected_date",
        "timepicker": "selected_time",
        "datetimepicker": "selected_date_time",
        "rich_text_input": "rich_text_value",
    }
    if kind in simple:
        multi = kind.startswith("multi_")
        return {simple[kind]: (answer or []) if multi else answer}
    return {"value": None if empty else str(answer)}


def state_values(
    view: Mapping[str, Any], answers: Mapping[str, Mapping[str, Any]] | None = None
) -> dict[str, dict[str, dict[str, Any]]]:
    """``view.state.values`` as Slack sends it: every input block, answered or not.

    ``answers`` is ``{block_id: {action_id: answer}}``; an answer is the raw value (``"42"``,
    an option value, a list for multi-selects) or a ready-made state dict with a ``type``.
    """
    answers = {b: dict(a) for b, a in (answers or {}).items()}
    values: dict[str, dict[str, dict[str, Any]]] = {}
    for block in view.get("blocks") or ():
        element = block.get("element")
        if block.get("type") != "input" or not isinstance(element, Mapping):
            continue
        block_id, action_id = block.get("block_id"), element.get("action_id")
        answer = answers.get(block_id, {}).pop(action_id, None)
        if not (isinstance(answer, Mapping) and "type" in answer):
            answer = {"type": element.get("type"), **_selection(element, answer)}
        values[block_id] = {action_id: dict(answer)}
    for block_id, rest in answers.items():
        for action_id, answer in rest.items():
            if block_id in values or not (isinstance(answer, Mapping) and "type" in answer):
                raise LookupError(f"view has no input {block_id!r}/{action_id!r}")
            values.setdefault(block_id, {})[action_id] = dict(answer)
    return values


def submitted_view(
    view: Mapping[str, Any], answers: Mapping[str, Mapping[str, Any]] | None = None
) -> dict[str, Any]:
    """``view`` (as returned by ``views.open``) completed with the fields Slack adds."""
    view_id = view.get("id") or "V" + secrets.token_hex(5).upper()
    full = {
        "id": view_id,
        "team_id": TEAM_ID,
        "type": "modal",
        "blocks": [],
        "private_metadata": "",
        "callback_id": "",
        "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
        "clear_on_close": False,
        "notify_on_close": False,
        "close": None,
        "submit": None,
        "previous_view_id": None,
        "root_view_id": view_id,
        "app_id": API_APP_ID,
        "external_id": "",
        "app_installed_team_id": TEAM_ID,
        "bot_id": BOT_ID,
    }
    full.update(view)
    full["state"] = {"values": state_values(full, answers)}
    return full


def block_actions(
    *,
    signing_secret: str,
    action_id: str,
    block_id: str | None = None,
    value: Any = None,
    message: Mapping[str, Any] | None = None,
    view: Mapping[str, Any] | None = None,
    answers: Mapping[str, Mapping[str, Any]] | None = None,
    channel_id: str | None = None,
    channel_name: str = CHANNEL_NAME,
    user_id: str = USER_ID,
    user_name: str = USER_NAME,
    team_id: str = TEAM_ID,
    trigger_id: str | None = None,
    response_url: str = RESPONSE_URL,
    timestamp: int | None = None,
    ephemeral: bool = False,
) -> SignedRequest:
    """A click/selection on an element of ``message`` (a message) or ``view`` (modal/App Home).
    ``ephemeral``: the message was visible only to the clicker (a slash command's answer), so,
    as Slack does, the payload says so and carries no ``message`` object.

    The element is looked up by ``action_id`` in the container's blocks so the action carries
    its real type, text and option; without a container a button is assumed. The channel
    defaults to the message's own ``channel`` (as the fake Web API records it).
    """
    blocks = (message or view or {}).get("blocks") or []
    try:
        block_id, element = find_element(blocks, action_id=action_id, block_id=block_id)
    except LookupError:
        if blocks:
            raise
        element = {"type": "button", "action_id": action_id, "text": _plain("Button")}
    payload = _interaction("block_actions", user_id=user_id, user_name=user_name, team_id=team_id)
    payload.update(
        trigger_id=trigger_id or new_trigger_id(), actions=[_action(element, block_id, value)]
    )
    channel_id = channel_id or (message or {}).get("channel") or CHANNEL_ID
    payload.update(_container(message, view, channel_id, channel_name, response_url, answers))
    if ephemeral and view is None:
        payload["container"]["is_ephemeral"] = True
        del payload["message"]
    return _payload_form(signing_secret, payload, timestamp)


def _action(element: Mapping[str, Any], block_id: str | None, value: Any) -> dict[str, Any]:
    """One entry of ``actions`` for ``element`` with ``value``."""
    action: dict[str, Any] = {
        "type": element.get("type", "button"),
        "action_id": element.get("action_id"),
        "block_id": block_id,
        "action_ts": new_ts(),
    }
    if action["type"] == "button":
        action["text"] = element.get("text") or _plain("Button")
        action["value"] = element.get("value") if value is None else value
    else:
        action.update(_selection(element, value))
    return action


def _container(
    message: Mapping[str, Any] | None,
    view: Mapping[str, Any] | None,
    channel_id: str,
    channel_name: str,
    response_url: str,
    answers: Mapping[str, Mapping[str, Any]] | None,
) -> dict[str, Any]:
    """The ``container`` and the fields that come with it (message vs view)."""
    if view is not None:
        full = submitted_view(view, answers)
        return {"container": {"type": "view", "view_id": full["id"]}, "view": full}
    msg = dict(message or {"type": "message", "text": "", "ts": new_ts()})
    msg.setdefault("type", "message")
    msg.pop("channel", None)  # not part of the message object Slack sends
    return {
        "state": {"values": {}},
        "container": {
            "type": "message",
            "message_ts": msg["ts"],
            "channel_id": channel_id,
            "is_ephemeral": False,
        },
        "channel": {"id": channel_id, "name": channel_name},
        "message": msg,
        "response_url": response_url,
    }


def view_submission(
    *,
    signing_secret: str,
    view: Mapping[str, Any],
    answers: Mapping[str, Mapping[str, Any]] | None = None,
    user_id: str = USER_ID,
    user_name: str = USER_NAME,
    team_id: str = TEAM_ID,
    trigger_id: str | None = None,
    timestamp: int | None = None,
) -> SignedRequest:
    """The user pressed Submit on ``view`` having typed/selected ``answers``."""
    payload = _interaction("view_submission", user_id=user_id, user_name=user_name, team_id=team_id)
    payload.update(
        trigger_id=trigger_id or new_trigger_id(),
        view=submitted_view(view, answers),
        response_urls=[],
    )
    return _payload_form(signing_secret, payload, timestamp)


def view_closed(
    *,
    signing_secret: str,
    view: Mapping[str, Any],
    user_id: str = USER_ID,
    user_name: str = USER_NAME,
    team_id: str = TEAM_ID,
    timestamp: int | None = None,
) -> SignedRequest:
    """The user closed ``view`` (sent only when it had ``notify_on_close``)."""
    payload = _interaction("view_closed", user_id=user_id, user_name=user_name, team_id=team_id)
    payload.update(view=submitted_view(view), is_cleared=False)
    return _payload_form(signing_secret, payload, timestamp)


# ---------------------------------------------------------------------------------------------
# Events API
# ---------------------------------------------------------------------------------------------


def url_verification(
    *, signing_secret: str, challenge: str | None = None, timestamp: int | None = None
) -> SignedRequest:
    """The handshake Slack sends when the Request URL is saved."""
    payload = {
        "token": VERIFICATION_TOKEN,
        "challenge": challenge or secrets.token_urlsafe(36),
        "type": "url_verification",
    }
    return _signed(signing_secret, json.dumps(payload).encode(), JSON, timestamp)


def event_callback(
    *,
    signing_secret: str,
    event: Mapping[str, Any],
    team_id: str = TEAM_ID,
    event_id: str | None = None,
    event_time: int | None = None,
    retry_num: int | None = None,
    retry_reason: str = "http_timeout",
    timestamp: int | None = None,
) -> SignedRequest:
    """An Events API delivery wrapping ``event``; ``retry_num`` makes it one of Slack's retries."""
    payload = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": None,
        "api_app_id": API_APP_ID,
        "event": dict(event),
        "type": "event_callback",
        "event_id": event_id or "Ev" + secrets.token_hex(5).upper(),
        "event_time": int(time.time()) if event_time is None else event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": "4-" + secrets.token_urlsafe(48),
    }
    retry = None
    if retry_num is not None:
        retry = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
    return _signed(signing_secret, json.dumps(payload).encode(), JSON, timestamp, retry)


def dm_channel_id(user_id: str) -> str:
    """The app's DM channel with ``user_id`` (the same id the fake Web API hands out)."""
    return "D" + user_id[1:]


def app_home_opened(
    *,
    signing_secret: str,
    user_id: str = USER_ID,
    tab: str = "home",
    view: Mapping[str, Any] | None = None,
    **delivery: Any,
) -> SignedRequest:
    """``app_home_opened``; ``view`` is the published Home view (absent on a first visit)."""
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": user_id,
        "channel": dm_channel_id(user_id),
        "tab": tab,
        "event_ts": new_ts(),
    }
    if view is not None:
        event["view"] = submitted_view({"type": "home", **view})
    return event_callback(signing_secret=signing_secret, event=event, **delivery)


def message_event(
    *,
    signing_secret: str,
    text: str,
    user_id: str = USER_ID,
    channel_id: str | None = None,
    channel_type: str = "im",
    thread_ts: str | None = None,
    ts: str | None = None,
    team_id: str = TEAM_ID,
    **delivery: Any,
) -> SignedRequest:
    """A person's message (a DM by default; a thread reply when ``thread_ts`` is given)."""
    ts = ts or new_ts()
    event: dict[str, Any] = {
        "client_msg_id": str(uuid.uuid4()),
        "type": "message",
        "text": text,
        "user": user_id,
        "ts": ts,
        "blocks": [_rich_text(text)],
        "team": team_id,
        "channel": channel_id or dm_channel_id(user_id),
        "event_ts": ts,
        "channel_type": channel_type,
    }
    if thread_ts is not None:
        event.update(thread_ts=thread_ts, parent_user_id=BOT_USER_ID)
    return event_callback(signing_secret=signing_secret, event=event, team_id=team_id, **delivery)


def _rich_text(text: str) -> dict[str, Any]:
    """The ``rich_text`` block Slack clients attach to a typed message."""
    return {
        "type": "rich_text",
        "block_id": secrets.token_urlsafe(3),
        "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
    }
