"""The digest as e-mail-safe HTML: inline styles, tables for layout, no scripts, no external
resources; every piece of user text is escaped by the template's autoescaping."""

from __future__ import annotations

from perfbot.digest import RAG_ORDER, Digest
from reports.templating import render
from reports.wording import provisional_line, rag_counts_line, returns_line

# Backgrounds with dark text pass WCAG AA contrast; the words and shapes carry the meaning.
RAG_STYLE = {
    "green": "background:#cce2d8;color:#005a30;",
    "amber": "background:#fff7bf;color:#594d00;",
    "red": "background:#f4cdc6;color:#942514;",
    "n/a": "background:#f3f2f1;color:#0b0c0c;",
    "missing": "background:#e8e1ee;color:#3d2375;",
}


def render_html(digest: Digest) -> str:
    """A whole HTML document, fit to send as the body of an e-mail."""
    return render(
        "digest_email.html.j2",
        digest=digest,
        rag_order=RAG_ORDER,
        rag_style=RAG_STYLE,
        totals_line=rag_counts_line(digest.rag_totals),
        returns=returns_line(returned=digest.returned, expected=digest.expected, on_time=digest.on_time),
        provisional=provisional_line(digest.provisional),
    )
