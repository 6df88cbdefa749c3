"""Adaptive Cards (schema 1.5) for Teams: the return card, its summary, notices, case studies.

User text goes in RichTextBlock text runs, which Teams shows literally (no Markdown). RAG is
always a word and a shape; colour only backs it up. Each input's error sits right below it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.teams import messages as say
from bot.teams.digest_card import RAG_COLOURS, plain
from perfbot.formatting import format_value, rag_label
from perfbot.notices import Alert, MeasureLine

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
VERSION = "1.5"
RETURN_ACTION = "return"
CASE_STUDY_ACTION = "casestudy"
MAX_INPUT = 3000  # the most a text box takes (as collectors.validation.MAX_TEXT)
Card = dict[str, Any]
Element = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ReturnForm:
    """What a return card asks for: the outstanding measures of one round, and by when."""

    period: str
    heading: str
    by_when: str
    measures: tuple[MeasureLine, ...]
    form_url: str = ""


@dataclass(frozen=True, slots=True)
class Accepted:
    """A return stored from the card, for the read-only summary."""

    line: MeasureLine
    value: Any
    rag: str
    status: str  # "received", "revised", "already received"
    commentary: str = ""
    action: str = ""


@dataclass(frozen=True, slots=True)
class FormState:
    """What the person typed, the errors by input id, and who must confirm an odd figure."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    confirm: frozenset[str] = frozenset()


def input_id(measure_id: str, name: str) -> str:
    """The id of one input on the return card, e.g. `CS01.value`."""
    return f"{measure_id}.{name}"


def card(body: list[Element], actions: list[Element] | None = None, *, fallback: str = "") -> Card:
    built: Card = {"type": "AdaptiveCard", "version": VERSION, "body": body}
    if actions:
        built["actions"] = actions
    if fallback:
        built["fallbackText"] = fallback
    return built


def heading(text: str, size: str = "Medium") -> Element:
    return {"type": "RichTextBlock", "inlines": [
        {"type": "TextRun", "text": text, "size": size, "weight": "Bolder"}]}  # fmt: skip


def error(text: str) -> Element:
    """An error message, placed directly below the input it is about."""
    return {**plain(f"⚠ {text}", color="Attention", weight="Bolder"), "spacing": "None"}


def facts(line: MeasureLine) -> str:
    target = "no target" if line.target is None else f"target {format_value(line.target, line.unit)}"
    last = "none" if line.last_value is None else format_value(line.last_value, line.unit)
    return f"{target}; last quarter {last}"


# --- the return card ------------------------------------------------------------------------
def return_card(form: ReturnForm, state: FormState | None = None,
                accepted: tuple[Accepted, ...] = ()) -> Card:  # fmt: skip
    """Inputs for every outstanding measure; accepted returns (if any) shown read-only above."""
    state = state or FormState()
    body: list[Element] = [heading(say.REQUEST_HEADING.format(period=form.period), "Large"),
                           plain(form.heading), plain(form.by_when)]  # fmt: skip
    if accepted:
        body += _accepted(accepted)
        body.append(heading(say.STILL_TO_SUBMIT))
    for line in form.measures:
        body.append(_measure_inputs(line, state))
    data = {"perfbot": RETURN_ACTION, "period": form.period,
            "measures": ",".join(m.measure_id for m in form.measures)}  # fmt: skip
    actions: list[Element] = [{"type": "Action.Submit", "title": say.SUBMIT_TITLE, "data": data}]
    if form.form_url:
        actions.append({"type": "Action.OpenUrl", "title": say.WEB_FORM_TITLE, "url": form.form_url})
    return card(body, actions, fallback=f"{form.heading} {form.by_when}")


def _measure_inputs(line: MeasureLine, state: FormState) -> Element:
    items: list[Element] = [
        plain(f"{line.measure_id} {line.title}", weight="Bolder"),
        plain(facts(line), isSubtle=True),
    ]
    for name, label, multiline in (("value", say.VALUE_LABEL.format(unit=line.unit), False),
                                   ("commentary", say.COMMENTARY_LABEL, True),
                                   ("action", say.ACTION_LABEL, True)):  # fmt: skip
        ident = input_id(line.measure_id, name)
        typed = state.values.get(ident, "")[:MAX_INPUT]  # as typed, cut to the box's own limit, so
        items.append({"type": "Input.Text", "id": ident, "label": label,  # the card stays under 28 KB
                      "isMultiline": multiline, "maxLength": MAX_INPUT, "value": typed})  # fmt: skip
        if ident in state.errors:
            items.append(error(state.errors[ident]))
    if line.measure_id in state.confirm:
        items.append({"type": "Input.Toggle", "id": input_id(line.measure_id, "confirm"),
                      "title": say.CONFIRM_TITLE, "value": "false"})  # fmt: skip
    return {"type": "Container", "separator": True, "spacing": "Medium", "items": items}


def _accepted(accepted: tuple[Accepted, ...]) -> list[Element]:
    elements = []
    for item in accepted:
        colour = RAG_COLOURS.get(item.rag)
        text = say.ACCEPTED_LINE.format(measure_id=item.line.measure_id, title=item.line.title,
                                        value=format_value(item.value, item.line.unit),
                                        rag=rag_label(item.rag), status=item.status)  # fmt: skip
        lines = [plain(text, weight="Bolder", **({"color": colour} if colour else {}))]
        lines.append(plain(facts(item.line), isSubtle=True))
        for label, words in (("Commentary: ", item.commentary), ("Action: ", item.action)):
            if words:
                lines.append({"type": "RichTextBlock", "inlines": [
                    {"type": "TextRun", "text": label, "weight": "Bolder"},
                    {"type": "TextRun", "text": words}]})  # fmt: skip
        elements.append({"type": "Container", "separator": True, "items": lines})
    return elements


def summary_card(period: str, accepted: tuple[Accepted, ...]) -> Card:
    """The read-only card that replaces the return card once everything is in."""
    title = say.RECEIVED_HEADING.format(period=period)
    return card([heading(title, "Large"), *_accepted(accepted)], fallback=title)


# --- notices, alerts, case studies ----------------------------------------------------------
def notice_card(title: str, lines: list[str], *, form_url: str = "") -> Card:
    """A read-only notice (an escalation to a head of service, say)."""
    actions = [{"type": "Action.OpenUrl", "title": say.WEB_FORM_TITLE, "url": form_url}] if form_url else None
    return card([heading(title), *(plain(t) for t in lines)], actions, fallback=title)


def alert_card(alert: Alert) -> Card:
    title = say.ALERT_HEADING.format(period=alert.period)
    return card([heading(title), *(plain(f"• {item}") for item in alert.items)], fallback=title)


def case_study_card(themes: list[str], services: list[str], state: FormState | None = None) -> Card:
    """Inputs for a case study, with any errors below their inputs."""
    state = state or FormState()
    labels = say.CASE_STUDY_LABELS
    body: list[Element] = [heading(say.CASE_STUDY_HEADING, "Large"), plain(say.CASE_STUDY_INTRO)]
    for name in ("title", "theme", "service", "what_happened", "impact", "consent"):
        body.append(_case_input(name, labels[name], themes, services, state.values.get(name, "")))
        if name in state.errors:
            body.append(error(state.errors[name]))
    action = {"type": "Action.Submit", "title": say.CASE_STUDY_SUBMIT, "data": {"perfbot": CASE_STUDY_ACTION}}
    return card(body, [action], fallback=say.CASE_STUDY_HEADING)


def _case_input(name: str, label: str, themes: list[str], services: list[str], value: str) -> Element:
    options = {"theme": themes, "service": services, "consent": ["yes", "no"]}
    if name in options:
        titles = {"yes": "Yes", "no": "No"}
        choices = [{"title": titles.get(o, o), "value": o} for o in options[name]]
        style = "expanded" if name == "consent" else "compact"
        return {"type": "Input.ChoiceSet", "id": name, "label": label, "choices": choices,
                "style": style, "value": value}  # fmt: skip
    multiline = name in ("what_happened", "impact")
    return {"type": "Input.Text", "id": name, "label": label, "isMultiline": multiline,
            "maxLength": 120 if name == "title" else 3000, "value": value}  # fmt: skip


def attachment(content: Card) -> dict[str, Any]:
    """A card as a message attachment."""
    return {"contentType": ADAPTIVE_CARD, "content": content}
