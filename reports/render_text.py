"""The digest as plain text (terminal, e-mail fallback)."""

from __future__ import annotations

from perfbot.formatting import RAG_WORDS, format_value, rag_label
from reports.analysis import RAG_ORDER
from reports.digest import Digest, ExceptionItem


def figures(item: ExceptionItem) -> str:
    """ "value 87.5%, target 90%" (cumulative: the quarter, and the year to date against target)."""
    value = format_value(item.value, item.unit)
    target = "no target" if item.target is None else f"target {format_value(item.target, item.unit)}"
    if item.ytd is not None:
        return f"{value} this quarter, {format_value(item.ytd, item.unit)} year to date; {target} year to date"
    return f"value {value}; {target}"


def render_text(digest: Digest) -> str:
    lines = [
        f"{digest.council} — performance digest, {digest.period}",
        f"Returns received: {digest.returned} of {digest.expected} "
        f"({digest.on_time} on time)",
        "",
        "RAG by theme:",
    ]
    header = f"  {'Theme':<36}" + "".join(f"{RAG_WORDS[r]:>11}" for r in RAG_ORDER)
    lines.append(header)
    for theme, counts in sorted(digest.rag_by_theme.items()):
        lines.append(f"  {theme[:36]:<36}" + "".join(f"{counts.get(r, 0):>11}" for r in RAG_ORDER))
    totals = digest.rag_totals
    lines.append(f"  {'All themes':<36}" + "".join(f"{totals[r]:>11}" for r in RAG_ORDER))
    lines += ["", f"Exceptions ({len(digest.exceptions)}):"]
    if not digest.exceptions:
        lines.append("  None this quarter.")
    for item in digest.exceptions:
        lines.append(f"  [{rag_label(item.rag)}] {item.measure_id} {item.title} — {item.service}")
        lines.append(f"      {figures(item)}")
        lines.extend(f"      - {reason}" for reason in item.reasons)
        if item.commentary:
            lines.append(f"      commentary: {item.commentary}")
        if item.action:
            lines.append(f"      action: {item.action}")
    return "\n".join(lines)
