"""Quarters in URLs ("2025-26-Q3") and the owner's returns link."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.web.errors import WebError
from perfbot.links import FormLinks
from perfbot.model import Round
from perfbot.periods import Period, PeriodError

_KEY = re.compile(r"^(\d{4})-(\d{2})-Q([1-4])$")
LINK_DAYS_AFTER_DEADLINE = 60  # as the requests' links (schedules/notices.py)


def period_from_key(key: str) -> Period:
    """The quarter a URL names, or a 404 page."""
    match = _KEY.match(key or "")
    try:
        if match and int(match[2]) == (int(match[1]) + 1) % 100:
            return Period(int(match[1]), int(match[3]))
    except PeriodError:
        pass
    raise WebError(404, "Page not found", f"'{key[:20]}' is not a quarter. Quarters look like 2025-26-Q3.")


def returns_url(links: FormLinks, *, owner: str, round_: Round) -> str:
    """The signed returns link for one owner and round, valid as long as the requests' links."""
    expires = round_.deadline + timedelta(days=LINK_DAYS_AFTER_DEADLINE)
    return links.url(owner=owner, period=str(round_.period), expires=expires)
