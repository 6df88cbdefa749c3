"""What a request from Slack must look like before bolt sees it.

bolt, and perfbot's listeners after it, index into payloads trusting that Slack sent them; a
malformed one (a broken client, a proxy that mangles bodies, someone with the signing secret
probing) would raise deep inside bolt and answer 500. So each signed request is parsed the way
bolt parses it and checked against the shapes of the requests perfbot handles; anything else is
refused with 400 and a reason, and logged as a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from bot.http_body import BodyRefused, TooDeep, loads_bounded

MAX_BODY_BYTES = 2 * 1024 * 1024  # Slack's biggest payloads (a full modal's state) are far smaller
NOT_TEXT = "the request body is not valid JSON or form data"


@dataclass(frozen=True, slots=True)
class Refused:
    """A request perfbot will not pass to bolt: the HTTP status and why, for the log and the caller."""

    status: int
    reason: str


@dataclass(frozen=True, slots=True)
class Opt:
    """A field that may be absent (or null, if `nullable`); when present it must match `spec`."""

    spec: Any
    nullable: bool = True


@dataclass(frozen=True, slots=True)
class Either:
    """A value matching any one of `specs`."""

    specs: tuple[Any, ...]


_ID = {"id": str}
_OWNER = Either((str, {"id": Opt(str)}))  # team / enterprise / channel: an id, or an object with one
_AUTHORIZATION = {"team_id": Opt(str), "enterprise_id": Opt(str), "user_id": Opt(str)}
_ENVELOPE = {
    "type": Opt(str), "token": Opt(str), "api_app_id": Opt(str), "team": Opt(_OWNER),
    "enterprise": Opt(_OWNER), "channel": Opt(_OWNER), "user": Opt(Either((str, {"id": Opt(str)}))),
    "team_id": Opt(str), "user_id": Opt(str), "channel_id": Opt(str), "enterprise_id": Opt(str),
    "trigger_id": Opt(str), "response_url": Opt(str), "thread_ts": Opt(str),
    "authorizations": Opt([_AUTHORIZATION]), "is_enterprise_install": Opt(Either((bool, str))),
    "container": Opt(dict), "message": Opt(dict), "view": Opt(dict), "event": Opt(dict),
    "response_urls": Opt(list, nullable=False), "previous_message": Opt(dict), "item": Opt(dict),
}  # fmt: skip
_CONTAINER = {"type": str, "channel_id": Opt(str), "message_ts": Opt(str), "view_id": Opt(str)}
_ACTION = {"action_id": str, "type": str, "block_id": Opt(str), "value": Opt(str), "action_ts": Opt(str)}
_VIEW = {"id": str, "type": str, "callback_id": str, "private_metadata": Opt(str), "hash": Opt(str),
         "app_installed_team_id": Opt(str), "team_id": Opt(str)}  # fmt: skip
_OPTION = {"value": str}
_INPUT = {"type": Opt(str), "value": Opt(str), "selected_option": Opt(_OPTION),
          "selected_options": Opt(list)}  # fmt: skip
_PAYLOADS: dict[str, dict[str, Any]] = {
    "block_actions": {"user": _ID, "actions": [_ACTION], "trigger_id": str, "container": Opt(_CONTAINER),
                      "message": Opt({"ts": str}), "view": Opt(_VIEW)},
    "view_submission": {"user": _ID, "view": {**_VIEW, "state": {"values": dict}}},
    "view_closed": {"user": _ID, "view": _VIEW},
    "shortcut": {"user": _ID, "callback_id": str, "trigger_id": str},
    "message_action": {"user": _ID, "callback_id": str, "trigger_id": str,
                       "message": {"ts": str, "text": Opt(str)}, "channel": _ID},
}  # fmt: skip
_EVENT = {"type": str, "user": Opt(Either((str, dict))), "channel": Opt(Either((str, dict))),
          "ts": Opt(str), "thread_ts": Opt(str), "event_ts": Opt(str), "text": Opt(str),
          "subtype": Opt(str), "bot_id": Opt(str), "channel_type": Opt(str), "tab": Opt(str),
          "team": Opt(str), "user_team": Opt(str)}  # fmt: skip
_EVENTS: dict[str, dict[str, Any]] = {
    "message": {"channel": str, "ts": str},  # and, from a person, `user`
    "app_home_opened": {"user": str},
}
_COMMAND = {"command": str, "user_id": str, "trigger_id": str, "response_url": str, "text": Opt(str)}


def accepted(body: bytes, content_type: str | None) -> dict[str, Any] | Refused:
    """The payload, if it may reach bolt; else why not."""
    payload = parse(body, content_type)
    if isinstance(payload, Refused):
        return payload
    found = problem(payload)
    return payload if found is None else Refused(400, found)


def parse(body: bytes, content_type: str | None) -> dict[str, Any] | Refused:
    """The request's payload as bolt will read it (bolt's `parse_body`: by its `Content-Type`),
    or why it cannot be; JSON nested deeper than `bot.http_body.MAX_JSON_DEPTH` is refused."""
    if len(body) > MAX_BODY_BYTES:
        return Refused(413, f"the request is larger than {MAX_BODY_BYTES // (1024 * 1024)} MB")
    try:
        text = body.decode("utf-8")
        payload = _parse_body(text, (content_type or "").split(";")[0] or None)
    except TooDeep as refused:
        return Refused(refused.status, refused.reason)
    except (UnicodeDecodeError, BodyRefused):
        return Refused(400, NOT_TEXT)
    if not isinstance(payload, dict):
        return Refused(400, "the request body must be a JSON object")
    return payload


def _parse_body(text: str, content_type: str | None) -> Any:
    """`slack_bolt.request.internals.parse_body`, with the JSON read by `loads_bounded`."""
    if not text:
        return {}
    if content_type == "application/json" or text.startswith("{"):
        return loads_bounded(text)
    if "payload" not in text:
        return dict(form_fields(text))
    payload = dict(form_fields(text)).get("payload")
    return {} if payload is None else loads_bounded(payload)


_NOT_AN_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def form_fields(text: str) -> list[tuple[str, str]]:
    """`parse_qsl(text, keep_blank_values=True)`, a few times quicker on what Slack sends.

    A returns form's payload is some 10 KB with thousands of `%XX` escapes, which `unquote`
    decodes one by one in Python. Text that is ASCII with only well-formed escapes and no
    backslash (all of Slack's) is decoded by the C codecs instead: each escape becomes `\\xXX`
    for `unicode_escape`, and the bytes that gives are read as UTF-8 as `unquote` reads them.
    Anything else goes to `parse_qsl` itself."""
    if not text.isascii() or "\\" in text or _NOT_AN_ESCAPE.search(text):
        return parse_qsl(text, keep_blank_values=True)
    return [(_unquote(name), _unquote(value))
            for name, _, value in (pair.partition("=") for pair in text.split("&") if pair)]  # fmt: skip


def _unquote(part: str) -> str:
    part = part.replace("+", " ")
    if "%" not in part:
        return part
    escaped = part.replace("%", "\\x").encode("ascii").decode("unicode_escape")
    return escaped.encode("latin-1").decode("utf-8", "replace")


def problem(payload: dict[str, Any]) -> str | None:
    """Why perfbot cannot handle this payload (None: it can)."""
    found = _mismatch(payload, _ENVELOPE, "request")
    if found:
        return found
    if not str(payload.get("response_url") or "https://").startswith(("https://", "http://")):
        return "request.response_url must be a web address"
    kind = payload.get("type")
    if kind == "view_submission":
        return _mismatch(payload, _PAYLOADS[kind], kind) or _state_problem(payload["view"]["state"]["values"])
    if kind in _PAYLOADS:
        return _mismatch(payload, _PAYLOADS[kind], kind)
    if kind == "event_callback":
        return _event_problem(payload)
    if kind == "url_verification":
        return _mismatch(payload, {"challenge": str}, kind)
    if kind is None and "command" in payload:
        return _mismatch(payload, _COMMAND, "command")
    if kind is None and payload.get("ssl_check") == "1":
        return None
    if kind is None:
        return "the request is not a Slack event, interaction or slash command"
    return f"perfbot does not handle Slack requests of type {str(kind)[:40]!r}"


def _event_problem(payload: dict[str, Any]) -> str | None:
    found = _mismatch(payload, {"event_id": str, "event": _EVENT}, "event_callback")
    if found:
        return found
    event = payload["event"]
    required = dict(_EVENTS.get(event["type"], {}))
    if event["type"] == "message" and not (event.get("subtype") or event.get("bot_id")):
        required["user"] = str
    return _mismatch(event, required, "event")


def _mismatch(value: Any, spec: Any, where: str) -> str | None:
    """How `value` differs from `spec` (a type, a dict of field specs, a one-item list), or None."""
    if isinstance(spec, Opt):
        if value is None:
            return None if spec.nullable else f"{where} must not be null"
        return _mismatch(value, spec.spec, where)
    if isinstance(spec, Either):
        found = [_mismatch(value, s, where) for s in spec.specs]
        return None if None in found else found[-1]
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            return f"{where} must be an object"
        for key, field_spec in spec.items():
            if key not in value and isinstance(field_spec, Opt):
                continue
            if value.get(key) is None and not isinstance(field_spec, Opt):
                return f"{where}.{key} is missing"
            found = _mismatch(value.get(key), field_spec, f"{where}.{key}")
            if found:
                return found
        return None
    if isinstance(spec, list):
        if not isinstance(value, list) or not value:
            return f"{where} must be a non-empty list"
        return next((f for i, v in enumerate(value) if (f := _mismatch(v, spec[0], f"{where}[{i}]"))), None)
    if not isinstance(value, spec):
        return f"{where} must be {'text' if spec is str else 'an object' if spec is dict else spec.__name__}"
    return None


def _state_problem(values: dict[str, Any]) -> str | None:
    """A view's `state.values`: {block_id: {action_id: input}}, each input as Slack sends it."""
    for block_id, inputs in values.items():
        if not isinstance(inputs, dict):
            return f"view.state.values.{block_id} must be an object"
        for action_id, answer in inputs.items():
            found = _mismatch(answer, _INPUT, f"view.state.values.{block_id}.{action_id}")
            if found:
                return found
    return None
