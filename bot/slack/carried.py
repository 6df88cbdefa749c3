"""Reading back what perfbot put in a button's value or a modal's metadata.

Slack echoes these strings untouched, but they arrive in a request like any other input: each is
read defensively, and whatever is not what perfbot wrote becomes "out of date", never an error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from perfbot.periods import Period, PeriodError


def read_json(text: object) -> dict[str, Any]:
    """A JSON object perfbot wrote ({} for anything else)."""
    if not isinstance(text, str):
        return {}
    try:
        found = json.loads(text)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def period_in(found: dict[str, Any], key: str = "p") -> Period | None:
    try:
        return Period.parse(found[key]) if isinstance(found.get(key), str) else None
    except PeriodError:
        return None


def texts_in(found: dict[str, Any], key: str) -> list[str]:
    """A list of strings (measure ids), dropping anything else."""
    items = found.get(key)
    return [i for i in items if isinstance(i, str)] if isinstance(items, list) else []


@dataclass(frozen=True, slots=True)
class ReturnsButton:
    """A "Submit returns" button: the round, the measures, and a draft read from a reply."""

    period: str | None = None
    ids: tuple[str, ...] = ()
    draft: dict[str, dict[str, str]] | None = None

    @classmethod
    def read(cls, text: object) -> ReturnsButton:
        found = read_json(text)
        period = period_in(found)
        draft = {m: {k: v for k, v in typed.items() if isinstance(v, str)}
                 for m, typed in (found.get("d") or {}).items() if isinstance(typed, dict)
                 } if isinstance(found.get("d"), dict) else None  # fmt: skip
        return cls(str(period) if period else None, tuple(texts_in(found, "m")), draft)


@dataclass(frozen=True, slots=True)
class SaveButton:
    """The "Save it" button under a reply perfbot read (see `bot.slack.reply_offer`)."""

    period: Period
    measure_id: str
    value: str | int | float
    commentary: str
    key: str
    user_id: str
    unusual: bool

    @classmethod
    def read(cls, text: object) -> SaveButton | None:
        """The button's contents, or None when they are not what perfbot wrote."""
        found = read_json(text)
        period = period_in(found)
        value = found.get("v")
        strings = [found.get(k) for k in ("m", "k", "u")]
        if period is None or not all(isinstance(s, str) and s for s in strings):
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            return None
        commentary = found.get("c", "")
        return cls(period, str(found["m"]), value, commentary if isinstance(commentary, str) else "",
                   str(found["k"]), str(found["u"]), bool(found.get("x")))  # fmt: skip

    def as_dict(self) -> dict[str, Any]:
        """The fields as `reply_offer.saved_message` reads them."""
        return {"p": str(self.period), "m": self.measure_id, "v": self.value, "c": self.commentary}
