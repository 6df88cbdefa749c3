"""Who may write which quarter: the one rule every channel, the CLI and the console call.

Owners, deputies and heads of service write only quarters whose round is open, whatever period
a payload claims. Officers (the CLI, the console) may also correct a closed quarter or a history
quarter (one with no round), always with a reason that is kept in the audit trail.
"""

from __future__ import annotations

from datetime import date

from perfbot.model import Round, RoundState
from perfbot.periods import Period


def round_is_open(found: Round | None) -> bool:
    return found is not None and found.state is RoundState.OPEN


def write_refusal(
    period: Period, found: Round | None, *, today: date, officer: bool, reason: str = ""
) -> str | None:
    """Why this write of `period` is refused (a message fit to show the person), or None.

    `found` is the quarter's round, if it has one.
    """
    if period.end >= today:
        return f"{period} has not ended yet"
    if round_is_open(found):
        return None
    if not officer:
        if found is None:
            return (f"{period} has no open round: only the performance officer can enter or "
                    "correct its figures")  # fmt: skip
        return f"The round for {period} is closed; ask the performance officer to correct it"
    if not reason.strip():
        what = "closed" if found is not None else "not an open round (history)"
        return f"{period} is {what}: give a reason for the correction"
    return None
