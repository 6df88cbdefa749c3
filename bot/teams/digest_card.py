"""The digest as a Teams Adaptive Card (schema version 1.5).

User text (titles, services, commentary, actions) goes in `RichTextBlock` text runs, which Teams
shows literally: no Markdown, so it can never become a link or formatting. RAG is a word and a
shape as well as a colour. Teams refuses messages over about 28 KB, so exceptions are added while
the card stays under `MAX_CARD_BYTES`; the rest are counted with a pointer to the full report.
"""

from __future__ import annotations

import json
from typing import Any

from perfbot.digest import RAG_ORDER, Digest, ExceptionItem
from perfbot.formatting import rag_label
from reports.wording import (
    figures,
    heading,
    long_date,
    provisional_line,
    returns_line,
    service_shown,
    travel,
)

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
MAX_CARD_BYTES = 24_000
RAG_COLOURS = {"green": "Good", "amber": "Warning", "red": "Attention"}  # colour only backs words

Element = dict[str, Any]


def plain(text: str, **style: Any) -> Element:
    """A RichTextBlock with one literal text run (no Markdown is interpreted)."""
    return {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": text, **style}]}


def _heading(text: str, size: str = "Medium") -> Element:
    return {"type": "TextBlock", "text": text, "size": size, "weight": "Bolder", "wrap": True,
            "style": "heading"}  # fmt: skip


def render_adaptive(digest: Digest, *, max_bytes: int = MAX_CARD_BYTES) -> dict[str, Any]:
    """The card (the `content` of a Teams attachment of type application/vnd.microsoft.card.adaptive)."""
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "fallbackText": f"{digest.council}: performance digest, {digest.period}. "
        + returns_line(returned=digest.returned, expected=digest.expected, on_time=digest.on_time),
        "body": _summary(digest),
    }
    items = list(digest.exceptions)
    used = _size(card)
    for count, item in enumerate(items):
        element = exception_element(item, digest.provisional)
        if used + _size(element) + 400 > max_bytes:  # 400: room for the "more" note
            remaining = len(items) - count
            card["body"].append(plain(f"…and {remaining} more exception{'s' if remaining != 1 else ''}: "
                                      f"see the full digest or the quarterly report.", italic=True))  # fmt: skip
            break
        card["body"].append(element)
        used += _size(element) + 1
    return card


def _size(element: Any) -> int:
    return len(json.dumps(element, ensure_ascii=False).encode("utf-8"))


def _summary(digest: Digest) -> list[Element]:
    totals = digest.rag_totals
    return [
        _heading(f"Performance digest, {digest.period}", "Large"),
        plain(digest.council, weight="Bolder"),
        plain(f"Prepared {long_date(digest.generated_at)}. "
              + returns_line(returned=digest.returned, expected=digest.expected, on_time=digest.on_time)),
        {"type": "FactSet", "facts": [
            {"title": rag_label(rag), "value": str(totals.get(rag, 0))} for rag in RAG_ORDER
        ]},
        *([plain(provisional_line(digest.provisional), weight="Bolder")] if digest.provisional else []),
        _heading("RAG by theme"),
        _theme_table(digest),
        _heading(f"Exceptions ({len(digest.exceptions)})"),
        *([plain("None this quarter.")] if not digest.exceptions else []),
    ]  # fmt: skip


def _cell(text: str, **style: Any) -> Element:
    return {"type": "TableCell", "items": [plain(text, **style)]}


def _theme_table(digest: Digest) -> Element:
    header = {"type": "TableRow", "cells": [_cell("Theme", weight="Bolder")]
              + [_cell(rag_label(r), weight="Bolder") for r in RAG_ORDER]}  # fmt: skip
    rows = [
        {"type": "TableRow", "cells": [_cell(theme)] + [_cell(str(counts.get(r, 0))) for r in RAG_ORDER]}
        for theme, counts in sorted(digest.rag_by_theme.items())
    ]
    return {
        "type": "Table",
        "firstRowAsHeader": True,
        "columns": [{"width": 3}] + [{"width": 1} for _ in RAG_ORDER],
        "rows": [header, *rows],
    }


def exception_element(item: ExceptionItem, provisional: tuple[str, ...] = ()) -> Element:
    """One exception as a Container: heading, figures, direction of travel, reasons, words."""
    colour = RAG_COLOURS.get(item.rag)
    items: list[Element] = [
        plain(heading(item), weight="Bolder", **({"color": colour} if colour else {})),
        plain(f"{service_shown(item.service, provisional)} · {figures(item)}", isSubtle=True),
    ]
    moved = travel(item.dot_previous, item.dot_last_year)
    if moved:
        items.append(plain(f"Direction of travel: {moved}"))
    items += [plain(f"• {reason}") for reason in item.reasons]
    if item.commentary:
        items.append({"type": "RichTextBlock", "inlines": [
            {"type": "TextRun", "text": "Commentary: ", "weight": "Bolder"},
            {"type": "TextRun", "text": item.commentary}]})  # fmt: skip
    if item.action:
        items.append({"type": "RichTextBlock", "inlines": [
            {"type": "TextRun", "text": "Action: ", "weight": "Bolder"},
            {"type": "TextRun", "text": item.action}]})  # fmt: skip
    return {"type": "Container", "separator": True, "spacing": "Medium", "items": items}


def teams_message(card: dict[str, Any]) -> dict[str, Any]:
    """The card wrapped as a message (what a Workflows webhook or the bot posts)."""
    return {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}]}  # fmt: skip




def render_json(digest: Digest) -> str:
    """The digest's Adaptive Card as JSON (`perfbot digest --format teams`)."""
    return json.dumps(render_adaptive(digest), indent=2, ensure_ascii=False)
