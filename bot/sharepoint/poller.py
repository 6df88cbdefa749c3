"""The SharePoint collector: read rows edited since the last poll, store them, write a status back.

`poll(services, client=…)` is what the scheduler tick calls (`bot.sharepoint.platform`). For
each list it asks for rows with `Modified ge <high-water mark>` (oldest first, paged), so nothing edited in the same second as
the mark is missed; rows already handled at exactly that moment and version are skipped. Each
return row goes through `app.collector.submit` as the person who saved it (the write rule: the
owner, their deputy or the head of service; the row's version is its idempotency key), then
its Status ("Accepted", or "Needs commentary: …") and RAG are written back only when they
change, so perfbot's own write-backs settle after one more look. Case studies come in the same
way. The mark is saved after the rows are handled: a crash re-reads them, harmlessly.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from bot.sharepoint import messages as say
from bot.sharepoint.client import EDITOR_EMAIL, SharePointClient
from bot.sharepoint.rows import marks_of
from bot.sharepoint.schema import CASE_STUDIES, RETURNS
from bot.teams.identity import Identity
from perfbot.channel import TransportError
from perfbot.formatting import rag_label
from perfbot.periods import Period, PeriodError
from perfbot.services.case_study_forms import CaseStudySubmission
from perfbot.settings import M365Settings
from perfbot.store import SaveStatus
from perfbot.submission import Submission

if TYPE_CHECKING:
    from perfbot.services import Services

log = logging.getLogger("perfbot.sharepoint")
Row = dict[str, Any]


@dataclass
class PollReport:
    accepted: list[str] = field(default_factory=list)  # "M1 2025/26 Q3"
    needs_fixing: list[str] = field(default_factory=list)
    case_studies: list[str] = field(default_factory=list)
    error: str = ""


def client_for(settings: M365Settings) -> SharePointClient:
    """A SharePoint client for these settings; the wiring makes one and keeps it
    (`bot.sharepoint.platform`)."""
    assert settings.sharepoint_site_url, "SHAREPOINT_SITE_URL is not set"
    parts = urlsplit(settings.sharepoint_site_url)
    tokens = Identity(settings).for_resource(f"{parts.scheme}://{parts.netloc}")
    return SharePointClient(settings.sharepoint_site_url, tokens)


def poll(app: Services, *, client: SharePointClient) -> PollReport:
    """One pass: take edited returns and case studies (rows are made at round open)."""
    report = PollReport()
    try:
        _each_changed(app, client, RETURNS.title, lambda row: _return_row(app, client, row, report))
        _each_changed(app, client, CASE_STUDIES.title, lambda row: _case_study_row(app, client, row, report))
    except TransportError as error:
        log.warning("SharePoint poll stopped: %s", error)
        report.error = str(error)
    return report


def _each_changed(app: Services, client: SharePointClient, title: str, handle: Any) -> None:
    marks = marks_of(app)
    name = f"sharepoint.modified|{title}"
    mark = marks.get(name) or {}
    since, seen = mark.get("modified"), mark.get("seen", {})
    where = f"Modified ge datetime'{since}'" if since else None
    rows = list(client.items(title, where=where, order_by="Modified asc"))
    for row in rows:
        if not (row["Modified"] == since and seen.get(str(row["Id"])) == row["Version"]):
            handle(row)
    if rows:
        newest = max(row["Modified"] for row in rows)
        marks.put(name, {"modified": newest,
                         "seen": {str(r["Id"]): r["Version"] for r in rows if r["Modified"] == newest}})  # fmt: skip


def _return_row(app: Services, client: SharePointClient, row: Row, report: PollReport) -> None:
    if _text(row.get("Value")) == "":
        return  # not filled in yet
    label = f"{row.get('Measure ID')} {row.get('Period')}"
    try:
        period = Period.parse(_text(row.get("Period")))
    except PeriodError as error:
        _write_back(client, RETURNS.title, row, say.needs({"period": str(error)}), "")
        return
    submission = Submission(
        measure_id=_text(row.get("Measure ID")), period=period, value=_text(row.get("Value")),
        commentary=_text(row.get("Commentary")), action=_text(row.get("Remedial action")),
        submitted_by=_editor(app, row), channel="sharepoint",
        idempotency_key=f"sharepoint:{_row_key(row)}:v{row['Version']}", confirmed=bool(row.get("Confirm figure")),
    )  # fmt: skip
    result = app.collector.submit(submission)
    if result.outcome is not None:
        rag = rag_label(result.rag.rag.value if result.rag else "n/a")
        _write_back(client, RETURNS.title, row, say.ACCEPTED, rag)
        if result.outcome.status is not SaveStatus.UNCHANGED:  # not our own write-back seen again
            report.accepted.append(label)
    elif _write_back(client, RETURNS.title, row, say.needs(result.errors), ""):
        report.needs_fixing.append(label)


def _editor(app: Services, row: Row) -> str:
    """Who sent the row's figures, for the write rule: the person who saved this version; for
    perfbot's own write-backs (saved by the app), the person who saved it before, else the owner
    named on the row (rows perfbot made)."""
    marks, key = marks_of(app), f"sharepoint.editor|{RETURNS.title}|{_row_key(row)}"
    editor = _text(row.get(EDITOR_EMAIL)).lower()
    if editor:
        marks.put(key, editor)
        return editor
    return str(marks.get(key) or _text(row.get("Owner"))).lower()


def _case_study_row(app: Services, client: SharePointClient, row: Row, report: PollReport) -> None:
    if _text(row.get("Status")) == say.RECEIVED or not _text(row.get("Title")):
        return
    submission = CaseStudySubmission(
        title=_text(row.get("Title")), theme=_text(row.get("Theme")), service=_text(row.get("Service")),
        what_happened=_text(row.get("What happened")), impact=_text(row.get("Impact")),
        consent=bool(row.get("Consent to publish")), submitted_by=_text(row.get("Contact email")).lower(),
        channel="sharepoint", idempotency_key=_row_key(row),
    )  # fmt: skip
    result = app.case_studies.submit(submission)
    if result.study is None:
        _write_back(client, CASE_STUDIES.title, row, say.needs(result.errors), None)
        return
    _write_back(client, CASE_STUDIES.title, row, say.RECEIVED, None)
    report.case_studies.append(result.study.case_id)


def _write_back(client: SharePointClient, title: str, row: Row, status: str, rag: str | None) -> bool:
    """Set Status (and RAG) when they differ from the row's; True when a write was made."""
    changes: dict[str, Any] = {}
    if _text(row.get("Status")) != status:
        changes["Status"] = status
    if rag is not None and _text(row.get("RAG")) != rag:
        changes["RAG"] = rag
    if changes:
        client.update_item(title, int(row["Id"]), changes)
    return bool(changes)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _row_key(row: Row) -> str:
    """A row's lasting identity (its GUID: ids start again if a list is re-created)."""
    return _text(row.get("GUID")) or str(row["Id"])
