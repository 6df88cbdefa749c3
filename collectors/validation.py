"""Check a submitted figure against its measure; errors are keyed by the field to fix."""

from __future__ import annotations

import re

from perfbot.model import Measure, Rag, Unit, Value
from perfbot.plausible import implausible
from perfbot.rag import RagResult
from perfbot.submission import FieldErrors
from perfbot.values import InvalidValue, PercentCell, parse_number

MAX_TEXT = 3000  # Slack's and Teams' input limits; long enough for a paragraph of commentary
MAX_VALUE_TEXT = 500
# Refused in typed text, as in the register: control characters (not tab or line breaks), which
# spreadsheets cannot hold; text-direction overrides, which make text read differently from what
# is stored; and lone surrogates, which are not text at all.
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def parse_value(measure: Measure, raw: object, *, history: bool = False) -> tuple[Value, str | None]:
    """The value in the measure's unit, or an error message fit to show the owner.

    In `history` (a figure for a quarter with no open round, entered by an officer) a value
    outside the plausible range is kept: the analysis shows it as a data-quality exception.
    """
    text = "" if raw is None else str(raw).strip()
    if text == "":
        return None, "Enter a value"
    if measure.unit is Unit.TEXT:
        if len(text) > MAX_VALUE_TEXT:
            return None, f"Keep the value to {MAX_VALUE_TEXT} characters"
        if _UNSAFE.search(text):
            return None, unsafe_text("value")
        return text, None
    if isinstance(raw, PercentCell) and measure.unit is not Unit.PERCENT:
        return None, (f"The cell is formatted as a percentage ({raw}) but {measure.measure_id} "
                      f"is measured in {measure.unit.value}: give the number itself")  # fmt: skip
    try:
        number = parse_number(raw)
    except InvalidValue:
        return None, f"Enter a number for {measure.title} (you entered '{_shorten(text)}')"
    return number, None if history else implausible(measure, number)


def check_text(commentary: str, action: str, rag: RagResult | None, *, history: bool = False) -> FieldErrors:
    """Commentary is required off target; a remedial action when red (not in `history`)."""
    errors: dict[str, str] = {}
    if len(commentary) > MAX_TEXT:
        errors["commentary"] = f"Keep the commentary to {MAX_TEXT} characters"
    elif _UNSAFE.search(commentary):
        errors["commentary"] = unsafe_text("commentary")
    if len(action) > MAX_TEXT:
        errors["action"] = f"Keep the remedial action to {MAX_TEXT} characters"
    elif _UNSAFE.search(action):
        errors["action"] = unsafe_text("remedial action")
    if rag is None or history:  # history is recorded as it was, not a return being made
        return FieldErrors(errors)
    if rag.rag in (Rag.AMBER, Rag.RED) and not commentary.strip():
        errors.setdefault("commentary", f"This is off target ({rag.rag.value}): explain why")
    if rag.rag is Rag.RED and not action.strip():
        errors.setdefault("action", "This is red: say what is being done to recover it")
    return FieldErrors(errors)


def unsafe_text(what: str) -> str:
    return f"The {what} contains control or text-direction characters (often pasted in with it): retype it"


def check_unusual(rag: RagResult | None, *, confirmed: bool) -> FieldErrors:
    """A value that looks like missing data (a 0 far outside history) needs confirming."""
    if rag is None or rag.rag is not Rag.MISSING or not rag.flags or confirmed:
        return FieldErrors()
    return FieldErrors({"value": f"Check this figure — {rag.flags[0]}. If it is right, confirm it"})


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
