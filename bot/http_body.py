"""Reading an unauthenticated request body with bounds: size while reading, JSON nesting before parsing.

The chat endpoints (`/slack/events`, `/api/messages`) must read the body before they can check who
sent it (Slack signs the body; Teams' token names the body's `serviceUrl`). So the body is read
with a limit: a `Content-Length` over it is refused at once, and the stream is counted as it
arrives, so a client that lies about (or leaves out) the length is cut off at the limit too. No
more than `limit` bytes of any request are ever held.

JSON is checked for depth before `json.loads` sees it: the standard decoder recurses once per
level, and a body of 100 000 `[` raises `RecursionError` deep inside it.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

from starlette.requests import Request

MB = 1024 * 1024
MAX_JSON_DEPTH = 64  # Slack's and Bot Framework's payloads nest about 10 deep
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class BodyRefused(Exception):
    """A body refused before it was parsed: the HTTP status and a reason for the caller."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"{status}: {reason}")
        self.status = status
        self.reason = reason


class TooDeep(BodyRefused):
    """JSON nested deeper than allowed (400)."""


def too_large(limit: int) -> BodyRefused:
    size = f"{limit // MB} MB" if limit % MB == 0 else f"{limit // 1024} KB"
    return BodyRefused(413, f"the request body is larger than {size}")


async def read_bounded(request: Request, *, limit: int) -> bytes:
    """The whole body, or `BodyRefused` (413) as soon as it is known to exceed `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isascii() or not declared.isdigit():
            raise BodyRefused(400, "the Content-Length header is not a number")
        if int(declared) > limit:
            raise too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def json_depth(text: str) -> int:
    """How deeply the arrays and objects in a JSON text nest (brackets inside strings ignored).

    Linear in the text, in C for all but the final count: escaped backslashes and quotes are
    removed first, so every quote left opens or closes a string, and the parts outside strings
    are every other piece between quotes."""
    plain = text.replace("\\\\", "").replace('\\"', "")
    outside = "".join(plain.split('"')[::2])
    brackets = _NOT_BRACKET.sub("", outside)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def loads_bounded(text: str | bytes, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """`json.loads`, refusing (400) text that is not JSON or nests deeper than `max_depth`."""
    try:
        decoded = text.decode("utf-8") if isinstance(text, bytes) else text
    except UnicodeDecodeError:
        raise BodyRefused(400, "the request body is not UTF-8") from None
    if json_depth(decoded) > max_depth:
        raise TooDeep(400, f"the JSON nests more than {max_depth} levels deep")
    try:
        return json.loads(decoded)
    except (ValueError, RecursionError):
        raise BodyRefused(400, "the request body is not valid JSON") from None
