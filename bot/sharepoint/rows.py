"""Round open, seen from SharePoint: one "Performance Returns" row per measure for its owner.

This runs as an observer of the store, not as a channel: a list form must have every measure's
row whichever channel tells the owner about the round (the dispatcher sends each message through
one channel only). `ensure_rows` finds open rounds whose rows were not made yet, makes the
missing ones (rows already in the list are kept, so a crash half-way is repaired on the next
pass) and records that in the store. It runs at every poll, so within a tick of round open.
"""

from __future__ import annotations

from datetime import UTC
from typing import TYPE_CHECKING

from bot.sharepoint import messages as say
from bot.sharepoint.client import SharePointClient, odata_text
from bot.sharepoint.schema import RETURNS
from perfbot.formatting import format_value
from perfbot.model import RoundState
from perfbot.periods import Period
from perfbot.store.interfaces import PlatformState
from schedules.notices import measure_lines
from schedules.planner import expects_return

if TYPE_CHECKING:
    from perfbot.app import App


def marks_of(app: App) -> PlatformState:
    """SharePoint's bookmarks (rows made per round, how far each list was read)."""
    return app.store.platform_state("sharepoint")


def ensure_rows(app: App, client: SharePointClient) -> list[str]:
    """Make the rows of every open round that has none yet; returns those rounds."""
    marks, done = marks_of(app), []
    for found in app.store.rounds.all():
        name = f"sharepoint.rows|{found.period}"
        if found.state is RoundState.OPEN and marks.get(name) is None:
            marks.put(name, {"rows": open_rows(app, client, found.period)})
            done.append(str(found.period))
    return done


def open_rows(app: App, client: SharePointClient, period: Period) -> int:
    """Add the round's missing rows (measure, period, owner, target, last value, due date)."""
    found = app.store.rounds.get(period)
    if found is None:
        raise ValueError(f"the {period} round is not open")
    where = f"Period eq {odata_text(str(period))}"
    existing = {row["Measure ID"] for row in client.items(RETURNS.title, where=where)}
    missing = [m for m in app.store.register.measures()
               if expects_return(m, period) and m.measure_id not in existing]  # fmt: skip
    for measure, line in zip(missing, measure_lines(app.store, missing, period), strict=True):
        client.add_item(RETURNS.title, {
            "Title": f"{measure.measure_id} {measure.title}", "Measure ID": measure.measure_id,
            "Period": str(period), "Owner": measure.owner_email,
            "Target": "" if line.target is None else format_value(line.target, line.unit),
            "Last value": "" if line.last_value is None else format_value(line.last_value, line.unit),
            "Due": found.deadline.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "Status": say.AWAITING,
        })  # fmt: skip
    return len(missing)
