"""The Jinja environment for every HTML output: autoescaped, strict about missing names."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from perfbot.digest import RAG_ORDER
from perfbot.formatting import RAG_SYMBOLS, RAG_WORDS, format_value, rag_label
from perfbot.periods import Period
from reports import wording


def months(period: Period) -> str:
    """'October to December 2025'."""
    start, end = period.start, period.end
    first = f"{start:%B}" if start.year == end.year else f"{start:%B %Y}"
    return f"{first} to {end:%B %Y}"


def rag_class(status: str) -> str:
    """A CSS class name for a RAG status ("n/a" → "na")."""
    return "".join(ch for ch in str(status) if ch.isalnum())


def css_string(text: str) -> Markup:
    """`text` as a quoted CSS string for a <style> element (e.g. a page footer's `content`):
    every character but letters, digits and spaces escaped, so nothing can end the string or
    the element."""
    escaped = "".join(ch if ch.isalnum() or ch == " " else f"\\{ord(ch):x} " for ch in str(text))
    return Markup(f'"{escaped}"')


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=True,  # every {{ }} is HTML-escaped; nothing is marked safe but our own markup
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(
        rag_label=rag_label, value=format_value, long_date=wording.long_date,
        percent=wording.percent, arrow=wording.arrow, figures=wording.figures,
        travel=wording.travel, months=months, rag_class=rag_class, rag_order=RAG_ORDER, css_string=css_string,
        rag_symbol=lambda status: RAG_SYMBOLS.get(status, ""),
        rag_word=lambda status: RAG_WORDS.get(status, status),
        provisional_line=wording.provisional_line, service_shown=wording.service_shown,
    )  # fmt: skip
    return env


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)
