"""Keep link tokens out of every log: perfbot's own and uvicorn's access log.

A returns link (`/returns/<token>`) or a sign-in link (`/sign-in/<token>`) is a password for as
long as it works, and so is an OpenID Connect `code` or `state` in a query string. Anyone who can
read a log must not be able to use them, so each record's message and arguments are rewritten
before any handler formats them; the path stays readable (`/returns/[redacted]/measures/HO04`).
"""

from __future__ import annotations

import logging
import re
from typing import Any

REDACTED = "[redacted]"
_PATH_TOKEN = re.compile(r"(/(?:returns|sign-in)/)[^/\s?#\"'<>]+")
_QUERY_TOKEN = re.compile(
    r"([?&](?:token|code|state|session_state|id_token|access_token|refresh_token|client_secret|key|sig)=)"
    r"[^&\s#\"'<>]+",
    re.IGNORECASE,
)
# Where the filter goes: uvicorn's loggers keep their own handlers and do not propagate.
UVICORN_LOGGERS = ("uvicorn.access", "uvicorn.error")


def redact(text: str) -> str:
    """`text` with every link token replaced by `[redacted]`."""
    if "/" not in text and "=" not in text:
        return text
    return _QUERY_TOKEN.sub(rf"\g<1>{REDACTED}", _PATH_TOKEN.sub(rf"\g<1>{REDACTED}", text))


def _redacted(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


class RedactTokens(logging.Filter):
    """A filter for handlers and loggers: rewrites the record's message and string arguments
    (uvicorn's access formatter unpacks its arguments, so their shape is kept)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _redacted(v) for k, v in record.args.items()}
        return True


class RedactingFormatter(logging.Formatter):
    """A formatter whose whole output is redacted: tracebacks and exception messages included."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def install(handler: logging.Handler | None = None) -> RedactTokens:
    """Redact on `handler` (records from any logger) and on uvicorn's own loggers."""
    found = RedactTokens()
    if handler is not None:
        handler.addFilter(found)
    for name in UVICORN_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(found)
    return found
