"""The digest as plain text (terminal, e-mail fallback)."""

from __future__ import annotations

from perfbot.digest import RAG_ORDER, Digest
from perfbot.formatting import RAG_WORDS, rag_label
from reports.wording import figures, provisional_line, service_shown

__all__ = ["figures", "render_text"]


def render_text(digest: Digest) -> str:
    lines = [
        f"{digest.council} — performance digest, {digest.period}",
        f"Returns received: {digest.returned} of {digest.expected} "
        f"({digest.on_time} on time)",
        *([provisional_line(digest.provisional)] if digest.provisional else []),
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
        lines.append(f"  [{rag_label(item.rag)}] {item.measure_id} {item.title} — "
                     f"{service_shown(item.service, digest.provisional)}")
        lines.append(f"      {figures(item)}")
        lines.extend(f"      - {reason}" for reason in item.reasons)
        if item.commentary:
            lines.append(f"      commentary: {item.commentary}")
        if item.action:
            lines.append(f"      action: {item.action}")
    return "\n".join(lines)
