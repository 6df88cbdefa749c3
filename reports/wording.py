"""Plain-English phrases shared by every rendering of the digest and the reports."""

from __future__ import annotations

from datetime import date, datetime

from perfbot.digest import ExceptionItem
from perfbot.formatting import format_value, rag_label

SEVERITY_ORDER = ["red", "missing", "amber", "green", "n/a"]  # how summaries list RAG counts
TRAVEL = {"improving": "improving", "worsening": "worsening", "same": "no change"}


def long_date(day: date | datetime) -> str:
    """22 January 2026."""
    return f"{day.day} {day:%B %Y}"


def percent(part: int, whole: int) -> str:
    return "—" if whole == 0 else f"{100 * part / whole:.0f}%"


def returns_line(*, returned: int, expected: int, on_time: int) -> str:
    """'38 of 41 returns received (93%); 35 on time (85%).'"""
    return (f"{returned} of {expected} returns received ({percent(returned, expected)}); "
            f"{on_time} on time ({percent(on_time, expected)}).")  # fmt: skip


def rag_counts_line(counts: dict[str, int], *, separator: str = " · ") -> str:
    """'■ Red 5 · ? Missing 3 · ▲ Amber 8 · ● Green 20 · ○ Not rated 3' (words and shapes)."""
    return separator.join(f"{rag_label(r)} {counts.get(r, 0)}" for r in SEVERITY_ORDER)


def figures(item: ExceptionItem) -> str:
    """'value 87.5%; target 90%' (cumulative: the quarter, and the year to date against target)."""
    value = format_value(item.value, item.unit)
    target = "no target" if item.target is None else f"target {format_value(item.target, item.unit)}"
    if item.ytd is not None:
        return f"{value} this quarter, {format_value(item.ytd, item.unit)} year to date; {target} year to date"
    return f"value {value}; {target}"


def travel(dot_previous: str, dot_last_year: str) -> str:
    """'worsening since last quarter; improving on the same quarter last year' ('' if unknown)."""
    parts = []
    if dot_previous in TRAVEL:
        parts.append(f"{TRAVEL[dot_previous]} since last quarter")
    if dot_last_year in TRAVEL:
        parts.append(f"{TRAVEL[dot_last_year]} on the same quarter last year")
    return "; ".join(parts)


def arrow(dot: str) -> str:
    """Direction of travel as a word with an arrow (never the arrow alone)."""
    return {"improving": "↑ Improving", "worsening": "↓ Worsening", "same": "→ No change"}.get(
        dot, "Not comparable"
    )


def heading(item: ExceptionItem) -> str:
    """'■ Red — CS01 Calls answered within 60 seconds'."""
    return f"{rag_label(item.rag)} — {item.measure_id} {item.title}"




PROVISIONAL = "provisional"


def provisional_line(services: tuple[str, ...]) -> str:
    """'Provisional (not yet signed off by the head of service): Housing, Waste.' or ''."""
    if not services:
        return ""
    return f"Provisional (not yet signed off by the head of service): {', '.join(services)}."


def service_shown(service: str, provisional: tuple[str, ...]) -> str:
    """A service's name, marked when its figures are provisional."""
    return f"{service} ({PROVISIONAL})" if service in provisional else service
