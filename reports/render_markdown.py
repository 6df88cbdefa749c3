"""The digest as Markdown (GitHub-flavoured): for wikis, tickets and e-mail clients that take it.

Every piece of user text (titles, names, commentary) is escaped so it can never become a link,
HTML, emphasis or a broken table: whitespace is collapsed to one line and Markdown's active
characters are backslash-escaped.
"""

from __future__ import annotations

import re

from perfbot.digest import RAG_ORDER, Digest, ExceptionItem
from perfbot.formatting import rag_label
from reports.wording import (
    figures,
    long_date,
    percent,
    provisional_line,
    rag_counts_line,
    returns_line,
    service_shown,
    travel,
)  # fmt: skip

_ACTIVE = re.compile(r"([\\`*_\[\]<>&|~#!])")


def md(text: object) -> str:
    """User text made inert: one line, Markdown punctuation escaped."""
    return _ACTIVE.sub(r"\\\1", " ".join(str(text).split()))


def render_markdown(digest: Digest) -> str:
    lines = [
        f"# {md(digest.council)}: performance digest, {md(digest.period)}",
        "",
        f"Prepared {long_date(digest.generated_at)}. "
        + returns_line(returned=digest.returned, expected=digest.expected, on_time=digest.on_time),
        "",
        f"**All measures:** {rag_counts_line(digest.rag_totals)}",
        "",
        *([f"**{md(provisional_line(digest.provisional))}**", ""] if digest.provisional else []),
        "## RAG by theme",
        "",
        *_rag_table(digest),
        "",
        f"## Exceptions ({len(digest.exceptions)})",
        "",
    ]
    if not digest.exceptions:
        lines.append("None this quarter.")
    for item in digest.exceptions:
        lines += _exception(item, digest.provisional)
    if digest.completeness_by_service:
        lines += ["", "## Returns by service", "", *_completeness(digest)]
    return "\n".join(lines).rstrip() + "\n"


def _rag_table(digest: Digest) -> list[str]:
    header = "| Theme | " + " | ".join(rag_label(r) for r in RAG_ORDER) + " |"
    rule = "| --- |" + " ---: |" * len(RAG_ORDER)
    rows = [
        f"| {md(theme)} | " + " | ".join(str(counts.get(r, 0)) for r in RAG_ORDER) + " |"
        for theme, counts in sorted(digest.rag_by_theme.items())
    ]
    totals = digest.rag_totals
    rows.append("| **All themes** | " + " | ".join(f"**{totals[r]}**" for r in RAG_ORDER) + " |")
    return [header, rule, *rows]


def _exception(item: ExceptionItem, provisional: tuple[str, ...] = ()) -> list[str]:
    lines = [
        f"### {rag_label(item.rag)} — {md(item.measure_id)} {md(item.title)}",
        "",
        f"{md(service_shown(item.service, provisional))}, {md(item.theme)}. {md(figures(item))}.",
    ]
    moved = travel(item.dot_previous, item.dot_last_year)
    if moved:
        lines[-1] += f" Direction of travel: {moved}."
    lines += ["", *(f"- {md(reason)}" for reason in item.reasons), ""]
    if item.commentary:
        lines += [f"**Commentary:** {md(item.commentary)}", ""]
    if item.action:
        lines += [f"**Action:** {md(item.action)}", ""]
    return lines


def _completeness(digest: Digest) -> list[str]:
    rows = ["| Service | Returned | On time |", "| --- | ---: | ---: |"]
    for service, (returned, expected) in sorted(digest.completeness_by_service.items()):
        on_time = digest.on_time_by_service.get(service)
        shown = "—" if on_time is None else f"{on_time} of {expected} ({percent(on_time, expected)})"
        rows.append(f"| {md(service)} | {returned} of {expected} ({percent(returned, expected)}) | {shown} |")
    return rows


__all__ = ["md", "render_markdown"]
