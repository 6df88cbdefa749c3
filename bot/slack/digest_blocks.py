"""The digest as Slack Block Kit: one main message, and thread replies for a long exception list.

Slack's limits are kept by construction: at most 50 blocks a message, 3,000 characters in a
section's text, 150 in a header. User text is escaped (`&`, `<`, `>`), so a title or commentary can
never mention @channel or a person, or become a link.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from perfbot.digest import Digest, ExceptionItem
from perfbot.formatting import rag_label
from reports.wording import (
    figures,
    heading,
    long_date,
    provisional_line,
    rag_counts_line,
    returns_line,
    service_shown,
    travel,
)  # fmt: skip

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_FALLBACK_TEXT = 3000  # the notification text; Slack truncates at 40,000
MAIN_EXCEPTIONS = 10  # the rest go to the thread, so the channel stays readable
THREAD_EXCEPTIONS = 20  # exceptions per thread reply (each a section, + one context block)
USER_TEXT = 900  # commentary and action are shortened to this in Slack (the report has it all)

Block = dict[str, Any]


@dataclass(frozen=True)
class SlackDigest:
    """`main` is posted to the channel; each of `thread` is posted as a reply to it."""

    main: dict[str, Any]
    thread: list[dict[str, Any]] = field(default_factory=list)


def escape(text: object) -> str:
    """Slack's three control characters as entities."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """Shorten escaped text to `limit` characters with an ellipsis, never splitting an entity."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"


def _shorten(text: str, limit: int = USER_TEXT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, MAX_SECTION_TEXT)}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(text, MAX_SECTION_TEXT)}]}


def render_blockkit(digest: Digest, *, main_exceptions: int = MAIN_EXCEPTIONS) -> SlackDigest:
    """The main message (summary, RAG by theme, the first exceptions) and the thread replies."""
    blocks = _summary(digest)
    shown = list(digest.exceptions[: max(0, min(main_exceptions, MAX_BLOCKS - len(blocks) - 2))])
    blocks += [exception_block(item, digest.provisional) for item in shown]
    rest = list(digest.exceptions[len(shown):])
    if rest:
        blocks.append(context(f"{len(rest)} more exception{'s' if len(rest) != 1 else ''} "
                              f"in the thread below."))  # fmt: skip
    thread = _thread(rest, start=len(shown) + 1, total=len(digest.exceptions), period=digest.period,
                     provisional=digest.provisional)
    return SlackDigest(main={"text": _fallback(digest), "blocks": blocks}, thread=thread)


def _fallback(digest: Digest) -> str:
    text = (f"{digest.council}: performance digest, {digest.period}. "
            + returns_line(returned=digest.returned, expected=digest.expected, on_time=digest.on_time)
            + f" {len(digest.exceptions)} exceptions.")  # fmt: skip
    return clip(escape(text), MAX_FALLBACK_TEXT)


def _summary(digest: Digest) -> list[Block]:
    title = f"{digest.council}: performance digest, {digest.period}"
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": _shorten(title, MAX_HEADER_TEXT)}},
        section(escape(returns_line(returned=digest.returned, expected=digest.expected,
                                    on_time=digest.on_time))
                + f"\n*All measures:* {rag_counts_line(digest.rag_totals)}"),
        *([section(f"*{escape(provisional_line(digest.provisional))}*")] if digest.provisional else []),
        *_theme_sections(digest),
        context(f"Prepared {long_date(digest.generated_at)} by perfbot."),
        {"type": "divider"},
        section(f"*Exceptions ({len(digest.exceptions)})*"
                + ("" if digest.exceptions else "\nNone this quarter.")),
    ]  # fmt: skip
    return blocks


def _theme_sections(digest: Digest, *, most: int = 5) -> list[Block]:
    """RAG by theme, as few sections as fit (a long register spills into more, up to `most`)."""
    lines = [f"*{escape(theme)}*: {rag_counts_line(counts)}"
             for theme, counts in sorted(digest.rag_by_theme.items())]  # fmt: skip
    chunks: list[str] = ["*RAG by theme*"]
    for line in lines:
        if len(chunks[-1]) + 1 + len(line) > MAX_SECTION_TEXT:
            chunks.append(line)
        else:
            chunks[-1] += "\n" + line
    if len(chunks) > most:
        chunks = chunks[:most]
        chunks[-1] = clip(chunks[-1], MAX_SECTION_TEXT - 40) + "\n_…more themes in the report_"
    return [section(chunk) for chunk in chunks]


def exception_block(item: ExceptionItem, provisional: tuple[str, ...] = ()) -> Block:
    """One exception as one section: heading, figures, reasons, commentary and action."""
    lines = [f"*{escape(heading(item))}*", f"{escape(service_shown(item.service, provisional))} · {escape(figures(item))}"]
    moved = travel(item.dot_previous, item.dot_last_year)
    if moved:
        lines.append(f"_Direction of travel:_ {moved}")
    lines += [f"• {escape(reason)}" for reason in item.reasons]
    if item.commentary:
        lines.append(f"_Commentary:_ {escape(_shorten(' '.join(item.commentary.split())))}")
    if item.action:
        lines.append(f"_Action:_ {escape(_shorten(' '.join(item.action.split())))}")
    return section("\n".join(lines))


def _thread(rest: list[ExceptionItem], *, start: int, total: int, period: str,
            provisional: tuple[str, ...] = ()) -> list[dict[str, Any]]:  # fmt: skip
    replies = []
    for offset in range(0, len(rest), THREAD_EXCEPTIONS):
        chunk = rest[offset: offset + THREAD_EXCEPTIONS]
        first = start + offset
        label = f"Exceptions {first}–{first + len(chunk) - 1} of {total}, {period}"
        blocks = [context(escape(label)), *(exception_block(item, provisional) for item in chunk)]
        text = clip(escape(f"{label}: " + "; ".join(f"{rag_label(i.rag)} {i.measure_id}" for i in chunk)),
                    MAX_FALLBACK_TEXT)  # fmt: skip
        replies.append({"text": text, "blocks": blocks})
    return replies


def render_json(digest: Digest) -> str:
    """The digest's Block Kit messages as JSON (`perfbot digest --format slack`)."""
    return json.dumps(asdict(render_blockkit(digest)), indent=2, ensure_ascii=False)
