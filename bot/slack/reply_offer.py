"""What perfbot answers to a reply it read: the figure shown back with "Save it", or why the
form is needed; and what the message says once saved. Pure: no Slack calls, no storing."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.slack import messages as say
from bot.slack.blocks import OPEN_RETURNS, Block, actions, button, escape, returns_value, section
from collectors.reply_parser import Reading
from perfbot.formatting import format_value
from perfbot.model import Measure
from perfbot.periods import Period
from perfbot.rag import RagResult
from perfbot.submission import FieldErrors, SubmissionResult

CONFIRM_REPLY = "confirm_reply"
MAX_VALUE = 1900  # a button's value holds 2,000 characters


@dataclass(frozen=True, slots=True)
class Offer:
    text: str
    form: str  # the "Submit returns" button's value ("" for none)
    confirm: tuple[str, str] | None = None  # (label, value) of the "Save it" button


def _shown(measure: Measure, value: object, rag: RagResult | None) -> dict[str, str]:
    return {"measure": f"{escape(measure.measure_id)} {escape(measure.title)}",
            "value": escape(format_value(value, measure.unit.value)),  # type: ignore[arg-type]
            "rag": say.rag_suffix(rag.rag.value if rag else None)}  # fmt: skip


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def offer_for(
    measure: Measure, period: Period, ids: list[str], reading: Reading, *,
    errors: FieldErrors, rag: RagResult | None, key: str, user_id: str,
) -> Offer:  # fmt: skip
    """The answer to a reply read as `reading` (checked: `errors`, `rag`)."""
    shown = _shown(measure, reading.value, rag)
    unusual = set(errors.errors) == {"value"} and rag is not None and bool(rag.flags)
    draft = {measure.measure_id: {"v": reading.written, "c": reading.commentary}}
    form = returns_value(str(period), ids, draft)
    wanted = {"p": str(period), "m": measure.measure_id, "v": reading.value, "c": reading.commentary,
              "k": key, "u": user_id, "x": int(unusual)}  # fmt: skip
    value = json.dumps(wanted, separators=(",", ":"))
    if errors and not unusual:
        problem = escape(_lower_first(next(iter(errors.errors.values()))))
        return Offer(say.NEEDS_FORM.format(problem=problem, **shown), form)
    if len(form) > MAX_VALUE or len(value) > MAX_VALUE:
        return Offer(say.NEEDS_FORM.format(problem=say.TOO_LONG, **shown), returns_value(str(period), ids))
    if unusual:
        text = say.READ_AS_UNUSUAL.format(flag=escape(rag.flags[0]), **shown)  # type: ignore[union-attr]
        return Offer(text, form, (say.SAVE_ANYWAY_BUTTON, value))
    said = f", commentary “{escape(reading.commentary)}”" if reading.commentary else ", no commentary"
    return Offer(say.READ_AS.format(commentary=said, **shown), form, (say.SAVE_BUTTON, value))


def offer_blocks(offer: Offer) -> list[Block]:
    buttons = []
    if offer.confirm:
        buttons.append(button(offer.confirm[0], CONFIRM_REPLY, value=offer.confirm[1], primary=True))
    if offer.form:
        label = say.FORM_BUTTON if offer.confirm else say.SUBMIT_BUTTON
        buttons.append(button(label, OPEN_RETURNS, value=offer.form))
    return [section(offer.text)] + ([actions(*buttons)] if buttons else [])


def saved_message(
    measure: Measure | None, wanted: dict[str, Any], result: SubmissionResult
) -> tuple[str, list[Block]]:
    """The confirmation message once "Save it" was pressed: saved (with RAG), or why not."""
    if result.outcome is None:
        text = say.NOT_SAVED.format(problem=escape("; ".join(result.errors.values())))
        again = returns_value(wanted["p"], [wanted["m"]])
        return text, [section(text), actions(button(say.SUBMIT_BUTTON, OPEN_RETURNS, value=again))]
    current = result.outcome.current
    name = f"{escape(wanted['m'])} {escape(measure.title if measure else '')}".strip()
    unit = measure.unit.value if measure else "number"
    text = say.SAVED.format(measure=name, revision=current.revision,
                            value=escape(format_value(current.value, unit)),
                            rag=say.rag_suffix(result.rag.rag.value if result.rag else None))  # fmt: skip
    return text, [section(text)]
