"""A strict fake of the Slack Web API, for integration tests with the real ``slack_sdk`` client.

A real HTTP server (:class:`tests.fakes.server.LocalServer`) on 127.0.0.1, a free port. It
answers the methods perfbot uses the way Slack does: bearer tokens and scopes, JSON and form
bodies, Block Kit and view limits (``invalid_blocks`` / ``invalid_arguments`` with
``response_metadata.messages``), 429 with ``Retry-After``, per-method rate tiers. Everything it
receives is recorded::

    with FakeSlackAPI() as fake:
        fake.add_user("jo@council.example", "U0JO", "Jo Bloggs")
        client = WebClient(token=fake.token, base_url=fake.base_url)

Special tokens (as in bolt-python's own mock server): ``xoxb-<digits>`` always answers that HTTP
status (``xoxb-429`` → 429 + ``Retry-After``); ``xoxb-invalid`` or any unknown token →
``invalid_auth``; a revoked token → ``token_revoked``; no token → ``not_authed``.

Where the fake is stricter than Slack it says so in the docstring (``thread_not_found``,
``msg_too_long`` on ``chat.postMessage``).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import math
import random
import secrets
import threading
import time
import traceback
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block

from .server import LocalServer, Reply, Request
from .slack_signing import API_APP_ID, BOT_ID, BOT_USER_ID, TEAM_DOMAIN, TEAM_ID, dm_channel_id

DEFAULT_TOKEN = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"
DEFAULT_SCOPES = (
    "chat:write",
    "commands",
    "users:read",
    "users:read.email",
    "im:write",
    "im:read",
    "channels:read",
    "groups:read",
)
MESSAGE_MAX_BLOCKS = 50
VIEW_MAX_BLOCKS = 100
POST_TEXT_MAX = 40_000  # Slack truncates beyond this; the fake refuses (msg_too_long)
UPDATE_TEXT_MAX = 4_000  # chat.update: documented msg_too_long
RESPONSE_URL_USES = 5

JSONDict = dict[str, Any]


# =============================================================================================
# Errors, records, tiers
# =============================================================================================


class SlackError(Exception):
    """An error answer: ``{"ok": false, "error": ...}`` plus Slack's detail fields."""

    def __init__(
        self,
        error: str,
        *,
        status: int = 200,
        messages: Sequence[str] = (),
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(error)
        self.error, self.status, self.messages = error, status, list(messages)
        self.headers, self.extra = dict(headers or {}), extra

    def body(self) -> JSONDict:
        """The JSON body Slack would send."""
        body: JSONDict = {"ok": False, "error": self.error, **self.extra}
        if self.messages:
            body["response_metadata"] = {"messages": [f"[ERROR] {m}" for m in self.messages]}
        return body


def _invalid_arguments(*problems: str) -> SlackError:
    return SlackError("invalid_arguments", messages=problems)


def _rate_limited(retry_after: int, status: int = 429) -> SlackError:
    return SlackError("ratelimited", status=status, headers={"Retry-After": str(retry_after)})


class Call(NamedTuple):
    """One request the fake received: parsed body and lower-cased headers."""

    body: JSONDict
    headers: dict[str, str]


class Response(NamedTuple):
    """What the fake answered to one call."""

    status: int
    body: JSONDict


@dataclass(frozen=True)
class Tier:
    """At most ``limit`` calls per ``seconds``, per method (and per channel if ``per_channel``)."""

    limit: int
    seconds: float = 60.0
    per_channel: bool = False


TIER_2, TIER_3, TIER_4 = Tier(20), Tier(50), Tier(100)
TIERS: dict[str, Tier] = {
    "chat.postMessage": Tier(1, 1.0, per_channel=True),  # "special": 1/s per channel
    "chat.update": TIER_3,
    "chat.postEphemeral": TIER_4,
    "conversations.open": TIER_3,
    "conversations.list": TIER_2,
    "conversations.info": TIER_3,
    "users.lookupByEmail": TIER_3,  # docs.slack.dev: Tier 3
    "users.info": TIER_4,
    "views.open": TIER_4,
    "views.update": TIER_4,
    "views.push": TIER_4,
    "views.publish": TIER_4,
}


class _RateLimiter:
    """Sliding-window call logs; a minute lasts ``60 * time_scale`` real seconds."""

    def __init__(self, tiers: Mapping[str, Tier], time_scale: float) -> None:
        self.tiers, self.time_scale = dict(tiers), time_scale
        self._logs: dict[tuple[str, str | None], deque[float]] = defaultdict(deque)

    def check(self, method: str, channel: str | None) -> None:
        """Count this call, or raise 429 with the seconds until a slot frees up."""
        tier = self.tiers.get(method)
        if tier is None:
            return
        window, now = tier.seconds * self.time_scale, time.perf_counter()
        log = self._logs[(method, channel if tier.per_channel else None)]
        while log and log[0] <= now - window:
            log.popleft()
        if len(log) >= tier.limit:  # Retry-After in Slack's seconds, as the window's are scaled
            raise _rate_limited(max(1, math.ceil((log[0] + window - now) / self.time_scale)))
        log.append(now)


@dataclass
class _Fault:
    status: int
    retry_after: int | None
    error: str | None

    def raise_(self) -> None:
        if self.status == 429:
            raise _rate_limited(self.retry_after or 0)
        default = {500: "fatal_error", 503: "service_unavailable"}.get(
            self.status, "internal_error"
        )
        headers = {"Retry-After": str(self.retry_after)} if self.retry_after else {}
        raise SlackError(self.error or default, status=self.status, headers=headers)


@dataclass
class _Chaos:
    rate_429: float
    rate_500: float
    retry_after: int
    methods: frozenset[str] | None
    rng: random.Random = field(default_factory=random.Random)

    def maybe_fail(self, method: str) -> None:
        if self.methods is not None and method not in self.methods:
            return
        roll = self.rng.random()
        if roll < self.rate_429:
            _Fault(429, self.retry_after, None).raise_()
        if roll < self.rate_429 + self.rate_500:
            _Fault(500, None, None).raise_()


# =============================================================================================
# Block Kit validation
# =============================================================================================

KNOWN_BLOCKS = frozenset(
    {
        "actions", "alert", "call", "card", "carousel", "container", "context", "context_actions",
        "divider", "file", "header", "image", "input", "markdown", "plan", "rich_text", "section",
        "table", "task_card", "video",
    }
)  # fmt: skip
_SELECTS = frozenset(
    {"static_select", "external_select", "users_select", "conversations_select", "channels_select"}
)
_MULTI_SELECTS = frozenset("multi_" + s for s in _SELECTS)
_PICKERS = frozenset({"datepicker", "timepicker", "datetimepicker"})
_CHOICES = frozenset({"checkboxes", "radio_buttons"})
_TEXT_INPUTS = frozenset(
    {
        "plain_text_input",
        "number_input",
        "email_input",
        "url_input",
        "rich_text_input",
        "file_input",
    }
)
_CLICKABLES = frozenset({"button", "overflow", "workflow_button", "icon_button"})
_MENUS = _SELECTS | _MULTI_SELECTS | _PICKERS | _CHOICES
INPUT_ELEMENTS = _MENUS | _TEXT_INPUTS
ACTIONS_ELEMENTS = (
    _MENUS | _CLICKABLES | {"plain_text_input", "rich_text_input", "feedback_buttons"}
)
ACCESSORY_ELEMENTS = _MENUS | _CLICKABLES | {"image"}
_TEXT_KEYS = frozenset({"type", "text", "emoji", "verbatim"})


class _Checker:
    """Collects problems worded like Slack's: ``msg [json-pointer:/blocks/0/text/text]``."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, message: str, pointer: str) -> None:
        self.problems.append(f"{message} [json-pointer:{pointer}]")

    def length(self, value: Any, limit: int, pointer: str) -> None:
        if value is None:
            return
        if not isinstance(value, str):
            self.fail("must be a string", pointer)
        elif len(value) > limit:
            self.fail(f"must be less than {limit + 1} characters", pointer)

    def items(self, value: Any, limit: int, pointer: str, *, minimum: int = 0) -> list[Any]:
        if not isinstance(value, list):
            self.fail("must be an array", pointer)
            return []
        if len(value) > limit:
            self.fail(f"no more than {limit} items allowed", pointer)
        elif len(value) < minimum:
            self.fail(f"must provide at least {minimum} items", pointer)
        return value

    def keys(self, obj: Mapping[str, Any], allowed: Iterable[str], pointer: str) -> None:
        for key in sorted(set(obj) - set(allowed)):
            self.fail(f"invalid additional property: {key}", pointer)

    def field(self, parent: Mapping[str, Any], key: str, pointer: str, *, required: bool) -> Any:
        if parent.get(key) is None and required:
            self.fail(f"missing required field: {key}", pointer)
        return parent.get(key)

    def text(self, obj: Any, pointer: str, *, limit: int, plain: bool = False) -> None:
        kinds = ("plain_text",) if plain else ("plain_text", "mrkdwn")
        if not isinstance(obj, dict) or obj.get("type") not in kinds:
            self.fail("failed to match all allowed schemas", pointer)
            if isinstance(obj, dict) and obj.get("type") == "mrkdwn":
                self.fail("must be one of the following: plain_text", f"{pointer}/type")
            return
        self.keys(obj, _TEXT_KEYS, pointer)
        text = obj.get("text")
        if not isinstance(text, str):
            self.fail("missing required field: text", pointer)
        elif not text:
            self.fail("must be more than 0 characters", f"{pointer}/text")
        else:
            self.length(text, limit, f"{pointer}/text")

    def text_field(
        self,
        parent: Mapping[str, Any],
        key: str,
        pointer: str,
        *,
        limit: int,
        plain: bool = False,
        required: bool = True,
    ) -> None:
        obj = self.field(parent, key, pointer, required=required)
        if obj is not None:
            self.text(obj, f"{pointer}/{key}", limit=limit, plain=plain)

    def boolean(self, parent: Mapping[str, Any], key: str, pointer: str) -> None:
        if key in parent and not isinstance(parent[key], bool):
            self.fail("must be a boolean", f"{pointer}/{key}")


def validate_blocks(
    blocks: Any, *, max_blocks: int = MESSAGE_MAX_BLOCKS, pointer: str = "/blocks"
) -> list[str]:
    """Problems Slack would report for ``blocks`` (empty list: valid)."""
    checker = _Checker()
    _check_blocks(checker, blocks, pointer, max_blocks)
    return checker.problems


def validate_view(view: Any, *, pointer: str = "/view") -> list[str]:
    """Problems Slack would report for a modal or Home ``view`` (empty list: valid)."""
    c = _Checker()
    if not isinstance(view, dict):
        c.fail("must be an object", pointer)
        return c.problems
    kind = c.field(view, "type", pointer, required=True)
    if kind is not None and kind not in ("modal", "home"):
        c.fail("must be one of the following: modal, home", f"{pointer}/type")
    c.text_field(view, "title", pointer, limit=24, plain=True, required=kind == "modal")
    for key in ("submit", "close"):
        c.text_field(view, key, pointer, limit=24, plain=True, required=False)
        if kind == "home" and key in view:
            c.fail(f"{key} is not allowed in a home view", f"{pointer}/{key}")
    c.length(view.get("private_metadata"), 3000, f"{pointer}/private_metadata")
    c.length(view.get("callback_id"), 255, f"{pointer}/callback_id")
    c.length(view.get("external_id"), 255, f"{pointer}/external_id")
    for flag in ("clear_on_close", "notify_on_close"):
        c.boolean(view, flag, pointer)
    blocks = c.field(view, "blocks", pointer, required=True)
    if blocks is not None:
        _check_blocks(c, blocks, f"{pointer}/blocks", VIEW_MAX_BLOCKS)
    if kind == "modal" and view.get("submit") is None and _has_input(blocks):
        c.fail("submit is required when an input block is within the blocks array", pointer)
    return c.problems


def _has_input(blocks: Any) -> bool:
    return isinstance(blocks, list) and any(
        isinstance(b, dict) and b.get("type") == "input" for b in blocks
    )


def _check_blocks(c: _Checker, blocks: Any, pointer: str, max_blocks: int) -> None:
    seen: set[str] = set()
    for i, block in enumerate(c.items(blocks, max_blocks, pointer)):
        _check_block(c, block, f"{pointer}/{i}", seen)


def _check_block(c: _Checker, block: Any, pointer: str, seen_ids: set[str]) -> None:
    if not isinstance(block, dict):
        c.fail("must be an object", pointer)
        return
    kind = c.field(block, "type", pointer, required=True)
    if kind is None:
        return
    if kind not in KNOWN_BLOCKS:
        c.fail(f"unsupported block type: {kind}", f"{pointer}/type")
        return
    block_id = block.get("block_id")
    c.length(block_id, 255, f"{pointer}/block_id")
    if isinstance(block_id, str):
        if block_id in seen_ids:
            c.fail(f"duplicate block_id: {block_id}", f"{pointer}/block_id")
        seen_ids.add(block_id)
    before = len(c.problems)
    check = _BLOCK_CHECKS.get(kind)
    if check is not None:
        check(c, block, pointer)
    if len(c.problems) == before:
        c.problems.extend(_sdk_problems(block, pointer))


def _sdk_problems(block: Mapping[str, Any], pointer: str) -> list[str]:
    """slack_sdk's own limits (it checks on ``to_dict``), for what the checks above skip."""
    try:
        parsed = Block.parse(json.loads(json.dumps(block)))
        if parsed is not None:
            parsed.to_dict()
    except SlackObjectFormationError as exc:
        return [f"{exc} [json-pointer:{pointer}]"]
    except Exception:  # slack_sdk's model is not the authority; the checks above are
        return []
    return []


def _section(c: _Checker, b: Mapping[str, Any], p: str) -> None:
    c.keys(b, {"type", "block_id", "text", "fields", "accessory", "expand"}, p)
    if b.get("text") is None and b.get("fields") is None:
        c.fail("must provide either text or fields", p)
    c.text_field(b, "text", p, limit=3000, required=False)
    if b.get("fields") is not None:
        for i, item in enumerate(c.items(b["fields"], 10, f"{p}/fields")):
            c.text(item, f"{p}/fields/{i}", limit=2000)
    if b.get("accessory") is not None:
        _element(c, b["accessory"], f"{p}/accessory", ACCESSORY_ELEMENTS, set())


def _header(c: _Checker, b: Mapping[str, Any], p: str) -> None:
    c.keys(b, {"type", "block_id", "text", "level"}, p)
    c.text_field(b, "text", p, limit=150, plain=True)


def _divider(c: _Checker, b: Mapping[str, Any], p: str) -> None:
    c.keys(b, {"type", "block_id"}, p)


def _image_source(c: _Checker, obj: Mapping[str, Any], p: str) -> None:
    if obj.get("image_url") is None and obj.get("slack_file") is None:
        c.fail("missing required field: image_url", p)
    c.length(obj.get("image_url"), 3000, f"{p}/image_url")
    c.length(c.field(obj, "alt_text", p, required=True), 2000, f"{p}/alt_text")


def _image(c: _Checker, b: Mapping[str, Any], p: str) -> None:
    c.keys(b, {"type", "block_id", "image_url", "slack_file", "alt_text", "title"}, p)
    _image_source(c, b, p)
    c.text_field(b, "title", p, limit=2000, plain=True, required=False)


def _actions(c: _Checker, b: Mapping[str, Any], p: str) -> None:
    c.keys(b, {"type", "block_id", "elements"}, p)
    elements = c.field(b, "elements", p, required=True)
    if elements is not None:
        action_ids: set[str] = set()
        for i, el in enumerate(c.items(elements, 25, f"{p}/elements", minimum=1)):
            _element(c, el, f"{p}/elements/{i}", ACTIONS_ELEMENTS, action_ids)


def _context(c: _Checker, b: Mapping[str, Any], p: str) -> None:
    c.keys(b, {"type", "block_id", "elements"}, p)
    elements = c.field(b, "elements", p, required=True)
    for i, el in enumerate(c.items(elements, 10, f"{p}/elements", minimum=1) if elements else []):
        if isinstance(el, dict) and el.get("type") == "image":
            _element(c, el, f"{p}/elements/{i}", {"image"}, set())
        else:
            c.text(el, f"{p}/elements/{i}", limit=3000)


def _input(c: _Checker, b: Mapping[str, Any], p: str) -> None:
    allowed = {"type", "block_id", "label", "element", "hint", "optional", "dispatch_action"}
    c.keys(b, allowed, p)
    c.text_field(b, "label", p, limit=2000, plain=True)
    c.text_field(b, "hint", p, limit=2000, plain=True, required=False)
    c.boolean(b, "optional", p)
    c.boolean(b, "dispatch_action", p)
    element = c.field(b, "element", p, required=True)
    if element is not None:
        _element(c, element, f"{p}/element", INPUT_ELEMENTS, set())


_BLOCK_CHECKS: dict[str, Callable[[_Checker, Mapping[str, Any], str], None]] = {
    "section": _section,
    "header": _header,
    "divider": _divider,
    "image": _image,
    "actions": _actions,
    "context": _context,
    "input": _input,
}


def _element(c: _Checker, el: Any, p: str, allowed: Iterable[str], action_ids: set[str]) -> None:
    """One interactive element; ``action_ids`` collects ids already used in the same block."""
    if not isinstance(el, dict):
        c.fail("must be an object", p)
        return
    kind = el.get("type")
    if kind not in allowed:
        c.fail(f"element type {kind!r} is not allowed here", f"{p}/type")
        return
    action_id = el.get("action_id")
    c.length(action_id, 255, f"{p}/action_id")
    if isinstance(action_id, str):
        if action_id in action_ids:
            c.fail(f"duplicate action_id: {action_id}", f"{p}/action_id")
        action_ids.add(action_id)
    c.text_field(el, "placeholder", p, limit=150, plain=True, required=False)
    check = _ELEMENT_CHECKS.get(kind)
    if check is not None:
        check(c, el, p)


def _button(c: _Checker, el: Mapping[str, Any], p: str) -> None:
    c.text_field(el, "text", p, limit=75, plain=True)
    c.length(el.get("value"), 2000, f"{p}/value")
    c.length(el.get("url"), 3000, f"{p}/url")
    if el.get("style") not in (None, "primary", "danger"):
        c.fail("must be one of the following: primary, danger", f"{p}/style")


def _option(c: _Checker, opt: Any, p: str, *, plain: bool) -> None:
    if not isinstance(opt, dict):
        c.fail("must be an object", p)
        return
    c.keys(opt, {"text", "value", "description", "url"}, p)
    c.text_field(opt, "text", p, limit=75, plain=plain)
    c.length(c.field(opt, "value", p, required=True), 150, f"{p}/value")
    c.text_field(opt, "description", p, limit=75, plain=plain, required=False)


def _options(
    limit: int, *, required: bool = True, plain: bool = True, minimum: int = 0
) -> Callable[[_Checker, Mapping[str, Any], str], None]:
    """A check for an element's ``options`` (or ``option_groups``)."""

    def check(c: _Checker, el: Mapping[str, Any], p: str) -> None:
        options, groups = el.get("options"), el.get("option_groups")
        if options is None and groups is None:
            if required:
                c.fail("missing required field: options", p)
            return
        if options is not None:
            for i, opt in enumerate(c.items(options, limit, f"{p}/options", minimum=minimum)):
                _option(c, opt, f"{p}/options/{i}", plain=plain)
        for g, group in enumerate(c.items(groups, 100, f"{p}/option_groups") if groups else []):
            gp = f"{p}/option_groups/{g}"
            c.text_field(group, "label", gp, limit=75, plain=True)
            for i, opt in enumerate(c.items(group.get("options"), 100, f"{gp}/options")):
                _option(c, opt, f"{gp}/options/{i}", plain=plain)

    return check


def _text_input(c: _Checker, el: Mapping[str, Any], p: str) -> None:
    bounds = {}
    for key in ("min_length", "max_length"):
        value = el.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3000:
            c.fail("must be an integer between 0 and 3000", f"{p}/{key}")
        else:
            bounds[key] = value
    if bounds.get("min_length", 0) > bounds.get("max_length", 3000):
        c.fail("min_length must not exceed max_length", p)
    c.length(el.get("initial_value"), bounds.get("max_length", 3000), f"{p}/initial_value")


def _number_input(c: _Checker, el: Mapping[str, Any], p: str) -> None:
    if not isinstance(c.field(el, "is_decimal_allowed", p, required=True), bool | None):
        c.fail("must be a boolean", f"{p}/is_decimal_allowed")


def _image_element(c: _Checker, el: Mapping[str, Any], p: str) -> None:
    _image_source(c, el, p)


_ELEMENT_CHECKS: dict[str, Callable[[_Checker, Mapping[str, Any], str], None]] = {
    "button": _button,
    "static_select": _options(100),
    "multi_static_select": _options(100),
    "external_select": _options(100, required=False),
    "overflow": _options(5, minimum=1),
    "checkboxes": _options(10, plain=False),
    "radio_buttons": _options(10, plain=False),
    "plain_text_input": _text_input,
    "number_input": _number_input,
    "image": _image_element,
}


# =============================================================================================
# Request parsing
# =============================================================================================

# Read methods do not take JSON bodies: Slack ignores JSON arguments there.
_FORM_ONLY = frozenset(
    {"auth.test", "users.info", "users.lookupByEmail", "conversations.list", "conversations.info"}
)


def _parse_body(content_type: str, body: bytes, query: str) -> tuple[JSONDict, list[str]]:
    """Arguments from the query string and body, plus Slack's charset warnings."""
    args: JSONDict = dict(parse_qsl(query, keep_blank_values=True))
    mime = content_type.split(";")[0].strip().lower()
    has_charset = "charset" in content_type.lower()
    if not body:
        return args, []
    if mime == "application/json":
        try:
            parsed = json.loads(body)
        except ValueError as exc:
            raise SlackError("invalid_json") from exc
        if not isinstance(parsed, dict):
            raise SlackError("invalid_json")
        return {**args, **parsed}, ([] if has_charset else ["missing_charset"])
    if mime == "application/x-www-form-urlencoded":
        try:
            args.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError as exc:
            raise SlackError("invalid_form_data") from exc
        return args, (["superfluous_charset"] if has_charset else [])
    if mime == "multipart/form-data":
        return {**args, **_parse_multipart(content_type, body)}, []
    raise SlackError("invalid_post_type")


def _parse_multipart(content_type: str, body: bytes) -> JSONDict:
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    fields: JSONDict = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        fields[str(name)] = payload if part.get_filename() else payload.decode("utf-8", "replace")
    return fields


def _json_arg(args: Mapping[str, Any], key: str) -> Any:
    """A JSON-valued argument (a string in form bodies, already decoded in JSON bodies)."""
    value = args.get(key)
    if isinstance(value, str):
        return json.loads(value)
    return value


def _flag(args: Mapping[str, Any], key: str) -> bool:
    value = args.get(key)
    return value is True or str(value).lower() in ("1", "true")


def _copy(obj: Any) -> Any:
    return json.loads(json.dumps(obj))


def _short_id() -> str:
    """The kind of id Slack invents for blocks and elements sent without one."""
    return secrets.token_urlsafe(3)


def _assign_ids(blocks: list[JSONDict]) -> list[JSONDict]:
    """Give every block (and interactive element) an id, as Slack does when storing them."""
    for block in blocks:
        block.setdefault("block_id", _short_id())
        elements = [block.get("element"), block.get("accessory"), *(block.get("elements") or [])]
        for el in elements:
            if isinstance(el, dict) and el.get("type") in INPUT_ELEMENTS | _CLICKABLES:
                el.setdefault("action_id", _short_id())
    return blocks


# =============================================================================================
# The workspace: state and method handlers (no HTTP here)
# =============================================================================================


class _Workspace:
    """Users, channels, messages and views, and the Web API methods that act on them."""

    def __init__(self, scopes: Iterable[str]) -> None:
        self.scopes = frozenset(scopes)
        self.users: dict[str, JSONDict] = {}
        self.emails: dict[str, str] = {}
        self.channels: dict[str, JSONDict] = {}
        self.members: dict[str, set[str] | None] = {}
        self.messages: list[JSONDict] = []
        self.ephemerals: list[JSONDict] = []
        self.views: dict[str, JSONDict] = {}
        self.homes: dict[str, str] = {}
        self.modal_stack: list[str] = []
        self.used_triggers: set[str] = set()
        self.expired_triggers: set[str] = set()
        self._last_ts = 0
        self._ids = itertools.count(1)

    # -- ids -----------------------------------------------------------------------------------

    def next_ts(self) -> str:
        """A unique, increasing message ts (``seconds.micros``)."""
        self._last_ts = max(int(time.time() * 1_000_000), self._last_ts + 1)
        return f"{self._last_ts // 1_000_000}.{self._last_ts % 1_000_000:06d}"

    def next_id(self, prefix: str) -> str:
        return f"{prefix}0{next(self._ids):08d}"

    # -- set-up --------------------------------------------------------------------------------

    def add_user(self, user: JSONDict) -> None:
        self.users[user["id"]] = user
        self.emails[user["profile"]["email"].casefold()] = user["id"]

    def add_channel(self, channel: JSONDict, members: Iterable[str] | None) -> None:
        self.channels[channel["id"]] = channel
        self.members[channel["id"]] = None if members is None else set(members)

    # -- lookups -------------------------------------------------------------------------------

    def user(self, user_id: Any) -> JSONDict:
        if user_id not in self.users:
            raise SlackError("user_not_found")
        return self.users[user_id]

    def open_dm(self, user_id: str) -> tuple[JSONDict, bool]:
        """The app's DM with ``user_id``; second item: it already existed."""
        user = self.user(user_id)
        if user["deleted"]:
            raise SlackError("user_disabled")
        dm_id = dm_channel_id(user_id)
        existed = dm_id in self.channels
        if not existed:
            self.add_channel(_dm(dm_id, user_id), members=[user_id])
        return self.channels[dm_id], existed

    def visible_channel(self, channel_id: Any) -> JSONDict:
        """A channel the bot can see (private channels only when it is a member)."""
        channel = self.channels.get(channel_id) or self._by_name(channel_id)
        if channel is None or (channel["is_private"] and not channel["is_member"]):
            raise SlackError("channel_not_found")
        return channel

    def _by_name(self, name: Any) -> JSONDict | None:
        wanted = str(name or "").lstrip("#")
        return next((c for c in self.channels.values() if c.get("name") == wanted), None)

    def postable_channel(self, channel_id: Any) -> JSONDict:
        """Where ``chat.postMessage`` may post: user ids mean the app's DM with them."""
        if isinstance(channel_id, str) and channel_id[:1] in ("U", "W"):
            try:
                return self.open_dm(channel_id)[0]
            except SlackError as exc:
                raise SlackError("channel_not_found") from exc
        channel = self.visible_channel(channel_id)
        if channel["is_archived"]:
            raise SlackError("is_archived")
        if not channel["is_member"] and "chat:write.public" not in self.scopes:
            raise SlackError("not_in_channel")
        return channel

    def message(self, channel_id: str, ts: Any) -> JSONDict | None:
        return next(
            (m for m in self.messages if m["channel"] == channel_id and m["ts"] == ts), None
        )

    # -- methods -------------------------------------------------------------------------------

    def auth_test(self, args: JSONDict) -> JSONDict:
        return {
            "url": f"https://{TEAM_DOMAIN}.slack.com/",
            "team": "Perfbot Council",
            "user": "perfbot",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def users_lookup_by_email(self, args: JSONDict) -> JSONDict:
        email = args.get("email")
        if not email:
            raise _invalid_arguments("missing required field: email")
        user_id = self.emails.get(str(email).casefold())
        if user_id is None:
            raise SlackError("users_not_found")
        return {"user": _copy(self.users[user_id])}

    def users_info(self, args: JSONDict) -> JSONDict:
        return {"user": _copy(self.user(args.get("user")))}

    def conversations_open(self, args: JSONDict) -> JSONDict:
        if args.get("channel"):
            channel = self.channels.get(args["channel"])
            if channel is None or not (channel["is_im"] or channel["is_mpim"]):
                raise SlackError("channel_not_found")
            return {"no_op": True, "already_open": True, "channel": {"id": channel["id"]}}
        users = [u.strip() for u in str(args.get("users") or "").split(",") if u.strip()]
        if not users:
            raise SlackError("users_list_not_supplied")
        if len(users) > 8:
            raise SlackError("too_many_users")
        channel, existed = self.open_dm(users[0]) if len(users) == 1 else self._open_mpim(users)
        return {"no_op": existed, "already_open": existed, "channel": {"id": channel["id"]}}

    def _open_mpim(self, users: list[str]) -> tuple[JSONDict, bool]:
        for user_id in users:
            if self.user(user_id)["deleted"]:
                raise SlackError("user_disabled")
        mpim_id = "G" + hashlib.sha1(",".join(sorted(users)).encode()).hexdigest()[:10].upper()
        existed = mpim_id in self.channels
        if not existed:
            channel = {
                **_channel(mpim_id, "mpdm-" + "--".join(users), private=True),
                "is_mpim": True,
            }
            self.add_channel(channel, members=users)
        return self.channels[mpim_id], existed

    def conversations_info(self, args: JSONDict) -> JSONDict:
        return {"channel": _copy(self.visible_channel(args.get("channel")))}

    def conversations_list(self, args: JSONDict) -> JSONDict:
        types = set(str(args.get("types") or "public_channel").split(","))
        wanted = [c for c in self.channels.values() if _channel_type(c) in types]
        if _flag(args, "exclude_archived"):
            wanted = [c for c in wanted if not c["is_archived"]]
        wanted = [c for c in wanted if not (c["is_private"] and not c["is_member"])]
        start, limit = _page(args)
        page, rest = wanted[start : start + limit], wanted[start + limit :]
        cursor = base64.b64encode(str(start + limit).encode()).decode() if rest else ""
        return {"channels": _copy(page), "response_metadata": {"next_cursor": cursor}}

    def chat_post_message(self, args: JSONDict) -> JSONDict:
        channel = self.postable_channel(args.get("channel"))
        content = _message_content(args, text_limit=POST_TEXT_MAX)
        thread_ts = args.get("thread_ts") or None
        if thread_ts is not None:
            self._thread_parent(channel["id"], thread_ts)
        message = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": API_APP_ID,
            "team": TEAM_ID,
            "ts": self.next_ts(),
            **content,
        }
        if thread_ts is not None:
            message["thread_ts"] = thread_ts
        self.messages.append({"channel": channel["id"], **message})
        return {"channel": channel["id"], "ts": message["ts"], "message": _copy(message)}

    def _thread_parent(self, channel_id: str, thread_ts: str) -> JSONDict:
        """The message a reply threads under (stricter than Slack, which would post unthreaded)."""
        parent = self.message(channel_id, thread_ts)
        if parent is None:
            raise SlackError("thread_not_found")
        parent.setdefault("thread_ts", parent["ts"])
        parent["reply_count"] = parent.get("reply_count", 0) + 1
        return parent

    def chat_update(self, args: JSONDict) -> JSONDict:
        channel = self.visible_channel(args.get("channel"))
        message = self.message(channel["id"], args.get("ts"))
        if message is None:
            raise SlackError("message_not_found")
        if message.get("bot_id") != BOT_ID:
            raise SlackError("cant_update_message")
        content = _message_content(args, text_limit=UPDATE_TEXT_MAX)
        if "blocks" not in content and args.get("text") is not None:
            message.pop("blocks", None)
            message["edited"] = {"user": BOT_USER_ID, "ts": self.next_ts()}
        message.update(content)
        reply = {k: v for k, v in message.items() if k != "channel"}
        return {"channel": channel["id"], "ts": message["ts"], "text": message.get("text", ""),
                "message": _copy(reply)}  # fmt: skip

    def chat_post_ephemeral(self, args: JSONDict) -> JSONDict:
        channel = self.postable_channel(args.get("channel"))
        user = self.user(args.get("user"))
        members = self.members.get(channel["id"])
        if members is not None and user["id"] not in members:
            raise SlackError("user_not_in_channel")
        content = _message_content(args, text_limit=POST_TEXT_MAX)
        ts = self.next_ts()
        self.ephemerals.append({"channel": channel["id"], "user": user["id"], "ts": ts, **content})
        return {"message_ts": ts}

    def views_open(self, args: JSONDict) -> JSONDict:
        view = _view_arg(args, kinds=("modal",))
        trigger = self._trigger(args)
        record = self._store_view(view)
        self.used_triggers.add(trigger)
        self.modal_stack = [record["id"]]
        return {"view": _copy(record)}

    def views_push(self, args: JSONDict) -> JSONDict:
        view = _view_arg(args, kinds=("modal",))
        trigger = self._trigger(args)
        if not self.modal_stack:
            raise SlackError("not_found")
        if len(self.modal_stack) >= 3:
            raise SlackError("push_limit_reached")
        record = self._store_view(view, previous=self.modal_stack[-1], root=self.modal_stack[0])
        self.used_triggers.add(trigger)
        self.modal_stack.append(record["id"])
        return {"view": _copy(record)}

    def views_update(self, args: JSONDict) -> JSONDict:
        current = self._existing_view(args)
        view = _view_arg(args, kinds=(current["type"],))
        self._check_hash(current, args.get("hash"))
        record = self._store_view(view, replaces=current)
        return {"view": _copy(record)}

    def views_publish(self, args: JSONDict) -> JSONDict:
        user = self.user(args.get("user_id"))
        view = _view_arg(args, kinds=("home",))
        current = self.views.get(self.homes.get(user["id"], ""))
        if current is not None:
            self._check_hash(current, args.get("hash"))
        record = self._store_view(view, replaces=current)
        self.homes[user["id"]] = record["id"]
        return {"view": _copy(record)}

    # -- views helpers -------------------------------------------------------------------------

    def _trigger(self, args: JSONDict) -> str:
        trigger = args.get("trigger_id") or args.get("interactivity_pointer")
        if not trigger:
            raise _invalid_arguments("missing required field: trigger_id")
        parts = str(trigger).split(".")
        if len(parts) != 3 or not (parts[0].isdigit() and parts[1].isdigit()):
            raise SlackError("invalid_trigger_id")
        if trigger in self.expired_triggers:
            raise SlackError("expired_trigger_id")
        if trigger in self.used_triggers:
            raise SlackError("exchanged_trigger_id")
        return str(trigger)

    def _existing_view(self, args: JSONDict) -> JSONDict:
        view_id, external_id = args.get("view_id"), args.get("external_id")
        if not (view_id or external_id):
            raise _invalid_arguments("missing required field: view_id")
        for record in self.views.values():
            if record["id"] == view_id or (external_id and record["external_id"] == external_id):
                return record
        raise SlackError("not_found")

    @staticmethod
    def _check_hash(current: JSONDict, given: Any) -> None:
        if given is not None and given != current["hash"]:
            raise SlackError("hash_conflict")

    def _store_view(
        self,
        view: JSONDict,
        *,
        previous: str | None = None,
        root: str | None = None,
        replaces: JSONDict | None = None,
    ) -> JSONDict:
        external_id = view.get("external_id") or ""
        for other in self.views.values():
            if external_id and other["external_id"] == external_id and other is not replaces:
                raise SlackError("duplicate_external_id")
        view_id = replaces["id"] if replaces else self.next_id("V")
        record = {
            "id": view_id,
            "team_id": TEAM_ID,
            "type": view["type"],
            "blocks": _assign_ids(_copy(view["blocks"])),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "title": view.get("title"),
            "clear_on_close": view.get("clear_on_close", False),
            "notify_on_close": view.get("notify_on_close", False),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "previous_view_id": replaces["previous_view_id"] if replaces else previous,
            "root_view_id": replaces["root_view_id"] if replaces else (root or view_id),
            "app_id": API_APP_ID,
            "external_id": external_id,
            "app_installed_team_id": TEAM_ID,
            "bot_id": BOT_ID,
        }
        self.views[view_id] = record
        return record


def _channel(channel_id: str, name: str, *, private: bool = False) -> JSONDict:
    return {
        "id": channel_id,
        "name": name,
        "name_normalized": name,
        "is_channel": not private,
        "is_group": False,
        "is_im": False,
        "is_mpim": False,
        "is_private": private,
        "is_archived": False,
        "is_general": False,
        "is_member": True,
        "created": int(time.time()),
        "creator": "",
        "topic": {"value": "", "creator": "", "last_set": 0},
        "purpose": {"value": "", "creator": "", "last_set": 0},
    }


def _dm(channel_id: str, user_id: str) -> JSONDict:
    return {
        "id": channel_id,
        "is_im": True,
        "is_mpim": False,
        "is_private": True,
        "is_archived": False,
        "is_member": True,
        "user": user_id,
        "created": int(time.time()),
        "is_user_deleted": False,
    }


def _channel_type(channel: Mapping[str, Any]) -> str:
    if channel.get("is_im"):
        return "im"
    if channel.get("is_mpim"):
        return "mpim"
    return "private_channel" if channel["is_private"] else "public_channel"


def _page(args: JSONDict) -> tuple[int, int]:
    """``(offset, limit)`` from Slack's opaque ``cursor`` and ``limit`` arguments."""
    try:
        start = int(base64.b64decode(args["cursor"]).decode()) if args.get("cursor") else 0
    except ValueError as exc:
        raise SlackError("invalid_cursor") from exc
    try:
        limit = int(args.get("limit") or 100)
    except ValueError as exc:
        raise SlackError("invalid_limit") from exc
    return start, min(max(limit, 1), 1000)


def _message_content(args: JSONDict, *, text_limit: int) -> JSONDict:
    """``text``/``blocks``/``attachments``/``metadata`` of a message, validated like Slack."""
    content: JSONDict = {}
    text = args.get("text")
    if text is not None:
        if len(str(text)) > text_limit:
            raise SlackError("msg_too_long")
        content["text"] = str(text)
    for key, error in (("blocks", "invalid_blocks_format"), ("attachments", "invalid_attachments")):
        if args.get(key) is None:
            continue
        try:
            value = _json_arg(args, key)
        except ValueError as exc:
            raise SlackError(error) from exc
        if not isinstance(value, list):
            raise SlackError(error)
        content[key] = value
    if "blocks" in content:
        _raise_block_problems(content["blocks"])
        content["blocks"] = _assign_ids(_copy(content["blocks"]))
    if len(content.get("attachments", [])) > 100:
        raise SlackError("too_many_attachments")
    if not (content.get("text") or content.get("blocks") or content.get("attachments")):
        raise SlackError("no_text")
    if args.get("metadata") is not None:
        content["metadata"] = _json_arg(args, "metadata")
    return content


def _raise_block_problems(blocks: list[Any]) -> None:
    problems = validate_blocks(blocks)
    if problems:
        raise SlackError("invalid_blocks", messages=problems, errors=problems)


def _view_arg(args: JSONDict, *, kinds: Sequence[str]) -> JSONDict:
    """The ``view`` argument, decoded and validated (``invalid_arguments`` otherwise)."""
    if args.get("view") is None:
        raise _invalid_arguments("missing required field: view")
    try:
        view = _json_arg(args, "view")
    except ValueError as exc:
        raise _invalid_arguments(
            "failed to parse view: not valid JSON [json-pointer:/view]"
        ) from exc
    problems = validate_view(view)
    if not problems and view["type"] not in kinds:
        problems = [f"must be one of the following: {', '.join(kinds)} [json-pointer:/view/type]"]
    if problems:
        raise _invalid_arguments(*problems)
    return view


# =============================================================================================
# The server
# =============================================================================================

_METHOD_SCOPES: dict[str, tuple[str, ...]] = {
    "users.lookupByEmail": ("users:read.email",),
    "users.info": ("users:read",),
    "conversations.open": ("im:write", "mpim:write", "channels:manage", "groups:write"),
    "conversations.list": ("channels:read", "groups:read", "im:read", "mpim:read"),
    "conversations.info": ("channels:read", "groups:read", "im:read", "mpim:read"),
    "chat.postMessage": ("chat:write",),
    "chat.update": ("chat:write",),
    "chat.postEphemeral": ("chat:write",),
}


class FakeSlackAPI(LocalServer):
    """A strict, recording fake of ``https://slack.com/api/`` on 127.0.0.1.

    ``token`` is the bot token it accepts (``tokens`` adds more); ``scopes`` are the scopes
    those tokens carry (a method needing a missing scope answers ``missing_scope``).
    """

    methods = ("GET", "POST")

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        tokens: Iterable[str] = (),
        scopes: Iterable[str] = DEFAULT_SCOPES,
    ) -> None:
        super().__init__()
        self.token = token
        self._tokens = {token, *tokens}
        self._revoked: set[str] = set()
        self._lock = threading.Condition(threading.RLock())
        self._workspace = _Workspace(scopes)
        self._calls: list[tuple[str, Call, Response]] = []
        self._faults: dict[str, deque[_Fault]] = defaultdict(deque)
        self._chaos: _Chaos | None = None
        self._limiter: _RateLimiter | None = None
        self._response_urls: dict[str, int] = {}
        self._response_url_posts: list[JSONDict] = []
        self.crashes: list[str] = []
        self._handlers: dict[str, Callable[[JSONDict], JSONDict]] = {
            "auth.test": self._workspace.auth_test,
            "users.lookupByEmail": self._workspace.users_lookup_by_email,
            "users.info": self._workspace.users_info,
            "conversations.open": self._workspace.conversations_open,
            "conversations.info": self._workspace.conversations_info,
            "conversations.list": self._workspace.conversations_list,
            "chat.postMessage": self._workspace.chat_post_message,
            "chat.update": self._workspace.chat_update,
            "chat.postEphemeral": self._workspace.chat_post_ephemeral,
            "views.open": self._workspace.views_open,
            "views.push": self._workspace.views_push,
            "views.update": self._workspace.views_update,
            "views.publish": self._workspace.views_publish,
        }

    # -- serving -------------------------------------------------------------------------------

    def respond(self, request: Request) -> Reply:
        """One HTTP request, answered by :meth:`_dispatch` (runs in a server thread)."""
        status, payload, extra = self._dispatch(request.target, dict(request.headers), request.body)
        return Reply(status, payload, extra, content_type=None)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/`` — give it to ``WebClient(base_url=...)``."""
        return f"http://127.0.0.1:{self.port}/"

    @property
    def api_url(self) -> str:
        """``http://127.0.0.1:PORT/api/`` — the same API under Slack's own path."""
        return self.base_url + "api/"

    def client(self, **kwargs: Any) -> WebClient:
        """A real ``slack_sdk.WebClient`` pointed at this fake."""
        kwargs.setdefault("token", self.token)
        return WebClient(base_url=self.base_url, **kwargs)

    # -- workspace set-up ----------------------------------------------------------------------

    def add_user(
        self,
        email: str,
        user_id: str,
        name: str,
        *,
        deleted: bool = False,
        is_bot: bool = False,
        tz: str = "Europe/London",
    ) -> JSONDict:
        """Register a person ``users.lookupByEmail``/``users.info`` can find."""
        user = _user(email, user_id, name, deleted=deleted, is_bot=is_bot, tz=tz)
        with self._lock:
            self._workspace.add_user(user)
        return _copy(user)

    def add_channel(
        self,
        channel_id: str,
        name: str,
        *,
        is_member: bool = True,
        is_private: bool = False,
        is_archived: bool = False,
        members: Iterable[str] | None = None,
    ) -> JSONDict:
        """Register a channel; ``is_member=False`` makes posts answer ``not_in_channel``.

        ``members`` (user ids) limits who can get ephemeral messages there (default: anyone).
        """
        channel = _channel(channel_id, name, private=is_private)
        channel.update(is_member=is_member, is_archived=is_archived)
        with self._lock:
            self._workspace.add_channel(channel, members)
        return _copy(channel)

    def add_message(
        self,
        channel: str,
        *,
        text: str,
        user: str,
        ts: str | None = None,
        thread_ts: str | None = None,
    ) -> JSONDict:
        """Seed a person's message (e.g. the parent a bot replies under); returns it."""
        with self._lock:
            message = {"type": "message", "channel": channel, "user": user, "text": text,
                       "ts": ts or self._workspace.next_ts()}  # fmt: skip
            if thread_ts is not None:
                message["thread_ts"] = thread_ts
            self._workspace.messages.append(message)
            return _copy(message)

    def revoke(self, token: str) -> None:
        """From now on ``token`` answers ``token_revoked``."""
        with self._lock:
            self._revoked.add(token)

    def expire_trigger(self, trigger_id: str) -> None:
        """From now on ``trigger_id`` answers ``expired_trigger_id`` (Slack's are good for 3 s)."""
        with self._lock:
            self._workspace.expired_triggers.add(trigger_id)

    def response_url(self, kind: str = "commands") -> str:
        """A ``response_url`` served by this fake (usable 5 times, like Slack's)."""
        path = f"/hooks/{kind}/{TEAM_ID}/{secrets.randbelow(10**12)}/{secrets.token_urlsafe(18)}"
        with self._lock:
            self._response_urls[path] = 0
        return f"http://127.0.0.1:{self.port}{path}"

    # -- fault injection -----------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        count: int = 1,
        error: str | None = None,
    ) -> None:
        """Answer the next ``count`` calls of ``method`` (``"*"``: any) with ``status``.

        429 carries ``Retry-After: retry_after`` and ``ratelimited``; 5xx carry ``fatal_error`` /
        ``service_unavailable``; status 200 with ``error`` gives a plain ``ok: false`` answer.
        """
        with self._lock:
            self._faults[method].extend(_Fault(status, retry_after, error) for _ in range(count))

    def chaos(
        self,
        *,
        rate_429: float = 0.0,
        rate_500: float = 0.0,
        seed: int | None = None,
        retry_after: int = 1,
        methods: Iterable[str] | None = None,
    ) -> None:
        """Fail calls at random (reproducibly with ``seed``); all rates 0 turns chaos off."""
        with self._lock:
            if rate_429 <= 0 and rate_500 <= 0:
                self._chaos = None
                return
            wanted = None if methods is None else frozenset(methods)
            self._chaos = _Chaos(rate_429, rate_500, retry_after, wanted, random.Random(seed))

    def enforce_tiers(
        self,
        enabled: bool = True,
        *,
        time_scale: float = 1.0,
        tiers: Mapping[str, Tier] | None = None,
    ) -> None:
        """Apply Slack's per-method rate tiers; ``time_scale=0.01`` makes a minute 0.6 s."""
        with self._lock:
            self._limiter = _RateLimiter(tiers or TIERS, time_scale) if enabled else None

    def reset(self) -> None:
        """Forget recorded calls, injected faults, chaos and rate windows (workspace stays)."""
        with self._lock:
            self._calls.clear()
            self._faults.clear()
            self._chaos = None
            if self._limiter is not None:
                self._limiter = _RateLimiter(self._limiter.tiers, self._limiter.time_scale)

    # -- observations --------------------------------------------------------------------------

    def calls(self, method: str) -> list[Call]:
        """Every request for ``method`` in arrival order, answered or refused."""
        with self._lock:
            return [call for name, call, _ in self._calls if name == method]

    def responses(self, method: str) -> list[Response]:
        """What the fake answered to each call of ``method``."""
        with self._lock:
            return [resp for name, _, resp in self._calls if name == method]

    def count(self, method: str) -> int:
        """How many requests ``method`` received."""
        return len(self.calls(method))

    def counts(self) -> dict[str, int]:
        """Requests received per method."""
        with self._lock:
            counts: dict[str, int] = defaultdict(int)
            for name, _, _ in self._calls:
                counts[name] += 1
            return dict(counts)

    def log(self) -> list[str]:
        """Method names in the order the requests arrived."""
        with self._lock:
            return [name for name, _, _ in self._calls]

    def wait_for(self, method: str, count: int = 1, timeout: float = 2.0) -> list[Call]:
        """Block until ``method`` was called ``count`` times (for asynchronous senders)."""
        with self._lock:
            if not self._lock.wait_for(lambda: self.count(method) >= count, timeout):
                raise TimeoutError(f"{method}: {self.count(method)} calls, wanted {count}")
            return self.calls(method)

    def messages(
        self, channel: str | None = None, *, thread_ts: str | None = None
    ) -> list[JSONDict]:
        """Messages in the workspace (posted or seeded), oldest first, optionally filtered."""
        with self._lock:
            found = [
                m
                for m in self._workspace.messages
                if channel in (None, m["channel"]) and thread_ts in (None, m.get("thread_ts"))
            ]
            return _copy(found)

    def ephemerals(self, channel: str | None = None, *, user: str | None = None) -> list[JSONDict]:
        """Ephemeral messages sent, optionally for one channel and/or user."""
        with self._lock:
            found = [
                m
                for m in self._workspace.ephemerals
                if channel in (None, m["channel"]) and user in (None, m["user"])
            ]
            return _copy(found)

    def views(self, kind: str | None = None) -> list[JSONDict]:
        """Every view opened, pushed or published (latest version of each), of ``kind``."""
        with self._lock:
            views = self._workspace.views.values()
            return _copy([v for v in views if kind in (None, v["type"])])

    def view(self, view_id: str) -> JSONDict:
        """One stored view by id."""
        with self._lock:
            return _copy(self._workspace.views[view_id])

    def home(self, user_id: str) -> JSONDict | None:
        """The Home tab last published for ``user_id``."""
        with self._lock:
            view_id = self._workspace.homes.get(user_id)
            return None if view_id is None else _copy(self._workspace.views[view_id])

    def response_url_posts(self, url: str | None = None) -> list[JSONDict]:
        """Payloads POSTed to response URLs minted by :meth:`response_url`."""
        with self._lock:
            posts = self._response_url_posts
            path = None if url is None else urlsplit(url).path
            return _copy([p["payload"] for p in posts if path in (None, p["path"])])

    # -- request handling (server threads) -----------------------------------------------------

    def _dispatch(self, target: str, headers: dict[str, str], body: bytes):
        """Answer one HTTP request: ``(status, JSON dict or bytes, response headers)``."""
        url = urlsplit(target)
        try:
            with self._lock:
                if url.path.startswith("/hooks/"):
                    return self._answer_response_url(url.path, body)
                return self._answer_api(url.path, url.query, headers, body)
        except Exception:  # a crash must reach the test (fake.crashes), not kill the thread
            self.crashes.append(traceback.format_exc())
            return 500, {"ok": False, "error": "fatal_error"}, {}

    def _answer_api(self, path: str, query: str, headers: dict[str, str], body: bytes):
        method = path.removeprefix("/api/").strip("/")
        content_type = headers.get("content-type", "")
        try:
            args, warnings = _parse_body(content_type, body, query)
        except SlackError as exc:
            args, warnings, parse_error = {}, [], exc
        else:
            parse_error = None
        call = Call(dict(args), dict(headers))
        try:
            if parse_error is not None:
                raise parse_error
            if method in _FORM_ONLY and content_type.startswith("application/json"):
                args = dict(parse_qsl(query))
            status, payload = 200, self._run(method, args, headers)
            if warnings:
                payload.update(warning=",".join(warnings))
                payload["response_metadata"] = {"warnings": warnings}
            extra = {"X-OAuth-Scopes": ",".join(sorted(self._workspace.scopes))}
        except SlackError as exc:
            status, payload, extra = exc.status, exc.body(), exc.headers
        self._calls.append((method, call, Response(status, payload)))
        self._lock.notify_all()
        extra = {"Content-Type": "application/json; charset=utf-8", **extra}
        extra["X-Slack-Req-Id"] = secrets.token_hex(16)
        return status, payload, extra

    def _run(self, method: str, args: JSONDict, headers: Mapping[str, str]) -> JSONDict:
        handler = self._handlers.get(method)
        if handler is None:
            raise SlackError("unknown_method", status=404, req_method=method)
        self._authenticate(headers, args)
        self._check_scope(method)
        self._inject_faults(method)
        if self._limiter is not None:
            channel = args.get("channel")
            self._limiter.check(method, None if channel is None else str(channel))
        return {"ok": True, **handler(args)}

    def _authenticate(self, headers: Mapping[str, str], args: Mapping[str, Any]) -> None:
        auth = headers.get("authorization", "")
        token = auth[len("Bearer ") :] if auth.startswith("Bearer ") else args.get("token")
        if not auth and not token:
            raise SlackError("not_authed")
        token = str(token or "")
        prefix, _, rest = token.partition("-")
        if prefix in ("xoxb", "xoxp") and rest.isdigit():
            status = int(rest)
            if status == 429:
                raise _rate_limited(1)
            raise SlackError("fatal_error", status=status)
        if token in self._revoked:
            raise SlackError("token_revoked")
        if token not in self._tokens:
            raise SlackError("invalid_auth")

    def _check_scope(self, method: str) -> None:
        needed = _METHOD_SCOPES.get(method, ())
        if needed and not self._workspace.scopes.intersection(needed):
            provided = ",".join(sorted(self._workspace.scopes))
            raise SlackError("missing_scope", needed=",".join(needed), provided=provided)

    def _inject_faults(self, method: str) -> None:
        for key in (method, "*"):
            if self._faults.get(key):
                self._faults[key].popleft().raise_()
        if self._chaos is not None:
            self._chaos.maybe_fail(method)

    def _answer_response_url(self, path: str, body: bytes):
        """``response_url`` POSTs: plain-text answers, at most 5 uses, message-like payloads."""
        text = {"Content-Type": "text/html"}
        if path not in self._response_urls:
            return 404, b"no_service", text
        if self._response_urls[path] >= RESPONSE_URL_USES:
            return 404, b"used_url", text
        try:
            payload = json.loads(body or b"null")
            if not isinstance(payload, dict):
                raise ValueError("not an object")
            if payload.get("delete_original") is not True:
                _message_content(payload, text_limit=POST_TEXT_MAX)
        except (ValueError, SlackError) as exc:
            reason = exc.error if isinstance(exc, SlackError) else "invalid_payload"
            return 400, reason.encode(), text
        self._response_urls[path] += 1
        self._response_url_posts.append({"path": path, "payload": payload})
        self._lock.notify_all()
        return 200, b"ok", text


def _user(email: str, user_id: str, name: str, *, deleted: bool, is_bot: bool, tz: str) -> JSONDict:
    """A user object shaped like ``users.info`` returns it."""
    handle = email.split("@")[0]
    return {
        "id": user_id,
        "team_id": TEAM_ID,
        "name": handle,
        "deleted": deleted,
        "real_name": name,
        "tz": tz,
        "tz_label": "Greenwich Mean Time",
        "tz_offset": 0,
        "is_admin": False,
        "is_owner": False,
        "is_bot": is_bot,
        "is_app_user": False,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "updated": int(time.time()),
        "profile": {
            "real_name": name,
            "real_name_normalized": name,
            "display_name": handle,
            "display_name_normalized": handle,
            "email": email,
            "team": TEAM_ID,
        },
    }


def serve_fake_slack(**kwargs: Any) -> Iterator[FakeSlackAPI]:
    """Generator for pytest fixtures: ``yield from serve_fake_slack()``."""
    with FakeSlackAPI(**kwargs) as fake:
        yield fake
