"""Round open, seen from SharePoint: one "Performance Returns" row per measure for its owner.

The rows are a request like any other: when a round opens the cycle records one request for the
list (`SharePointChannel`, recipient `LIST`) in the outbox, and delivering it adds the round's
missing rows (rows already in the list are kept, so a retry after a crash half-way repairs it).
`perfbot sharepoint rows PERIOD` adds missing rows by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from bot.sharepoint import messages as say
from bot.sharepoint.client import SharePointClient, odata_text
from bot.sharepoint.schema import RETURNS
from perfbot.formatting import format_value
from perfbot.notices import MeasureLine
from perfbot.periods import Period
from perfbot.services import Services
from perfbot.store.interfaces import PlatformState
from schedules.notices import measure_lines


def marks_of(app: Services) -> PlatformState:
    """SharePoint's bookmarks (how far each list was read)."""
    return app.store.platform_state("sharepoint")


def open_rows(app: Services, client: SharePointClient, period: Period) -> int:
    """Add the round's missing rows (measure, period, owner, target, last value, due date)."""
    found = app.store.rounds.get(period)
    if found is None:
        raise ValueError(f"the {period} round is not open")
    due = [m for m in app.store.register.measures() if m.due_in(period)]
    return add_rows(client, str(period), found.deadline, measure_lines(app.store, due, period))


def add_rows(client: SharePointClient, period: str, deadline: datetime, lines: Sequence[MeasureLine]) -> int:
    """Add a row for each measure not in the list yet for `period`; how many were added."""
    where = f"Period eq {odata_text(period)}"
    existing = {row["Measure ID"] for row in client.items(RETURNS.title, where=where)}
    missing = [line for line in lines if line.measure_id not in existing]
    for line in missing:
        client.add_item(RETURNS.title, {
            "Title": f"{line.measure_id} {line.title}", "Measure ID": line.measure_id,
            "Period": period, "Owner": line.owner,
            "Target": "" if line.target is None else format_value(line.target, line.unit),
            "Last value": "" if line.last_value is None else format_value(line.last_value, line.unit),
            "Due": deadline.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "Status": say.AWAITING,
        })  # fmt: skip
    return len(missing)
