"""Show values the way a council report does: 87.5%, £1,250, 12 days."""

from __future__ import annotations

from perfbot.model import Value


def format_value(value: Value, unit: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    if unit == "percent":
        return f"{text}%"
    if unit == "currency":
        return f"£{text}"
    if unit == "days":
        return f"{text} day" + ("" if value == 1 else "s")
    return text


RAG_WORDS = {"green": "Green", "amber": "Amber", "red": "Red", "n/a": "Not rated", "missing": "Missing"}
RAG_SYMBOLS = {"green": "●", "amber": "▲", "red": "■", "n/a": "○", "missing": "?"}


def rag_label(rag: str) -> str:
    """RAG as words and a shape, never by colour alone."""
    return f"{RAG_SYMBOLS.get(rag, '')} {RAG_WORDS.get(rag, rag)}".strip()
