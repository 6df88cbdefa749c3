"""A whole round through SharePoint lists, on 127.0.0.1 with the real clients (msal with a
certificate over HTTPS, office365-rest-python-client): provision → round open makes the rows →
owners edit them → the poll stores the returns and writes back statuses → a row needing
commentary is fixed → the quarterly report is uploaded to the document library."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from bot.sharepoint.channel import LIST, SharePointChannel
from bot.sharepoint.client import SharePointClient
from bot.sharepoint.poller import poll
from bot.sharepoint.provision import provision
from bot.sharepoint.upload import report_files, upload_reports
from bot.teams.identity import Identity
from perfbot import app as app_module
from perfbot.periods import Period
from perfbot.submission import Submission
from reports.publish import write_quarterly
from tests.fakes.sharepoint import FakeSharePoint, SPItem
from tests.integration.test_teams_support import (
    ALICE,
    BOB,
    HANA,
    PERIOD,
    M365World,
    register,
    world,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
RETURNS, STUDIES = "Performance Returns", "Case Studies"


def sharepoint_client(w: M365World, slept: list[float]) -> SharePointClient:
    """The client `perfbot` builds, with msal trusting the test CA and sleeps recorded."""
    tokens = Identity(w.m365, http_client=w.ca.requests_session()).for_resource(w.sharepoint.url)
    return SharePointClient(w.sharepoint.site_url, tokens, sleep=slept.append, page_size=2)


def rows(fake: FakeSharePoint, title: str) -> dict[str, dict[str, Any]]:
    """Each row's values by display title, keyed by its Title."""
    lst = fake.get_list(title)
    names = {f.internal_name: f.title for f in lst.fields.values()}
    return {i.values["Title"]: {names[k]: v for k, v in i.values.items()} for i in lst.items.values()}


def edit(fake: FakeSharePoint, title: str, row_title: str, *, by: str | None = None, **changes: Any) -> None:
    """Someone edits a row in the SharePoint list — by default the owner it names — so it has a
    new version, a later Modified and that person as its editor."""
    lst = fake.get_list(title)
    columns = {f.title: f.internal_name for f in lst.fields.values()}
    item = next(i for i in lst.items.values() if i.values["Title"] == row_title)
    item.values.update({columns[k.replace("_", " ")]: v for k, v in changes.items()})
    item.editor = by if by is not None else str(item.values.get(columns.get("Owner", ""), "") or "")
    item.version += 1
    latest = max(i.modified for i in lst.items.values())  # the server's clock never runs backwards
    item.modified = max(latest, fake.clock().replace(microsecond=0)) + dt.timedelta(seconds=1)


def add_row(fake: FakeSharePoint, title: str, **values: Any) -> None:
    """A member of staff adds a row through the list's form."""
    lst = fake.get_list(title)
    columns = {f.title: f.internal_name for f in lst.fields.values()}
    now = fake.clock().replace(microsecond=0)
    item = SPItem(lst.next_id, {columns[k.replace("_", " ")]: v for k, v in values.items()}, now, now)
    lst.items[item.id] = item
    lst.next_id += 1


def test_a_round_through_sharepoint(tmp_path: Path) -> None:
    with world(tmp_path) as w:
        slept: list[float] = []
        client = sharepoint_client(w, slept)
        app = app_module.build(w.data, clock=w.clock, settings=w.settings(),
                               channels=[SharePointChannel(lambda: client)], show=lambda to, text: None)  # fmt: skip
        app.store.register.apply(register(), [], actor="test")
        period = Period.parse(PERIOD)
        assert app.collector.submit(Submission("M1", period.previous(), 88, "Staff shortage",
                                                 reason="history")).accepted

        # Provision: the two lists and their columns, once.
        created = provision(client, app.store)
        assert "list 'Performance Returns'" in created and "list 'Case Studies'" in created
        assert provision(client, app.store) == []
        theme = next(f for f in w.sharepoint.get_list(STUDIES).fields.values() if f.title == "Theme")
        assert theme.choices == ["Theme A"]

        # Round open: one row per measure for its owner, pre-filled, through the outbox; made once.
        _, opened = app.cycle.open_round(period, actor="olive@council.gov.uk")
        assert f"{PERIOD}|request|{LIST}" in opened.delivery.sent and opened.delivery.failed == []
        made = rows(w.sharepoint, RETURNS)
        assert set(made) == {"M1 Repairs on time", "M2 Rent collected", "M3 Voids relet"}
        m1 = made["M1 Repairs on time"]
        assert (m1["Measure ID"], m1["Period"], m1["Owner"], m1["Target"], m1["Last value"]) == (
            "M1", PERIOD, ALICE, "90%", "88%")
        assert m1["Status"] == "Awaiting your figure" and m1["Due"].startswith("2026-01-")
        assert made["M3 Voids relet"]["Owner"] == BOB
        assert app.store.outbox.get(period, f"{PERIOD}|request|{LIST}").channel == "sharepoint"
        app.cycle.open_round(period, actor="olive@council.gov.uk")  # again: nothing sent twice
        app.tick()
        assert len(w.sharepoint.calls_of("items.add")) == 3 and len(rows(w.sharepoint, RETURNS)) == 3

        # Owners edit their rows; one is off target with no commentary.
        edit(w.sharepoint, RETURNS, "M1 Repairs on time", Value="95")
        edit(w.sharepoint, RETURNS, "M2 Rent collected", Value="80")
        edit(w.sharepoint, RETURNS, "M3 Voids relet", Value="89", Commentary="Two void flats awaited asbestos surveys")
        w.sharepoint.fail_next("items.get", status=429, retry_after=7)  # throttled once: honoured
        report = poll(app, client=client)
        assert slept == [7.0]
        assert sorted(report.accepted) == [f"M1 {PERIOD}", f"M3 {PERIOD}"]
        assert report.needs_fixing == [f"M2 {PERIOD}"]
        stored = app.store.returns.for_period(period)
        assert {m: (r.value, r.channel, r.submitted_by) for m, r in stored.items()} == {
            "M1": (95.0, "sharepoint", ALICE), "M3": (89.0, "sharepoint", BOB)}
        after = rows(w.sharepoint, RETURNS)
        assert (after["M1 Repairs on time"]["Status"], after["M1 Repairs on time"]["RAG"]) == ("Accepted", "● Green")
        assert after["M3 Voids relet"]["RAG"] == "▲ Amber"
        assert after["M2 Rent collected"]["Status"] == (
            "Needs commentary: This is off target (red): explain why; "
            "Needs remedial action: This is red: say what is being done to recover it")

        # The owner fixes the row; then the lists settle: a quiet poll writes nothing.
        edit(w.sharepoint, RETURNS, "M2 Rent collected", Commentary="Arrears after the system change",
             Remedial_action="Extra staff on arrears until March")  # fmt: skip
        assert poll(app, client=client).accepted == [f"M2 {PERIOD}"]
        assert rows(w.sharepoint, RETURNS)["M2 Rent collected"]["Status"] == "Accepted"
        poll(app, client=client)
        merges = len(w.sharepoint.calls_of("item.update"))
        quiet = poll(app, client=client)
        assert (quiet.accepted, quiet.needs_fixing, len(w.sharepoint.calls_of("item.update"))) == ([], [], merges)
        assert all(r.revision == 1 for r in app.store.returns.for_period(period).values())

        # A row naming an old quarter is refused, whatever the owner typed into it.
        edit(w.sharepoint, RETURNS, "M1 Repairs on time", Period="2023/24 Q2", Value="96")
        refused = poll(app, client=client)
        assert refused.needs_fixing == ["M1 2023/24 Q2"] and app.store.returns.get("M1", Period(2023, 2)) is None
        assert "no open round" in rows(w.sharepoint, RETURNS)["M1 Repairs on time"]["Status"]

        # A case study comes in the same way.
        add_row(w.sharepoint, STUDIES, Title="Tenants fixed the lifts", Theme="Theme A", Service="Housing",
                What_happened="A tenants' panel chose the contractor", Impact="Lift outages halved",
                Consent_to_publish=True, Contact_email=ALICE)  # fmt: skip
        assert len(poll(app, client=client).case_studies) == 1
        [study] = app.store.case_studies.list()
        assert (study.title, study.submitted_by, study.channel) == ("Tenants fixed the lifts", ALICE, "sharepoint")
        assert rows(w.sharepoint, STUDIES)["Tenants fixed the lifts"]["Status"] == "Received — thank you"

        # The quarterly report goes to the document library.
        written = write_quarterly(app.store, app.config, period, tmp_path / "report")
        urls = upload_reports(client, report_files(tmp_path / "report"))
        assert len(urls) == len(written) == 7  # HTML, Word, PDF, XLSX, the two CSVs and the metadata
        html = next(u for u in urls if u.endswith(".html"))
        assert w.sharepoint.file_content(html).startswith(b"<!DOCTYPE html>")
        assert len(w.sharepoint.calls_of("items.get")) > 6  # pages of 2 rows, followed by __next


def test_a_row_is_sent_by_whoever_saves_it_under_the_one_rule(tmp_path: Path) -> None:
    """The duty rule on SharePoint (`perfbot.services.duties`): the owner's deputy and the head of
    service may fill in the owner's row and are recorded as its senders; anyone else is refused
    on the row, and perfbot's own write-back does not turn their figure into the owner's."""
    with world(tmp_path) as w:
        client = sharepoint_client(w, [])
        app = app_module.build(w.data, clock=w.clock, settings=w.settings(),
                               channels=[SharePointChannel(lambda: client)], show=lambda to, text: None)  # fmt: skip
        app.store.register.apply(register(), [], actor="test")
        app.store.people.set(ALICE, actor="test", deputy=BOB)
        provision(client, app.store)
        period = Period.parse(PERIOD)
        app.cycle.open_round(period, actor="olive@council.gov.uk")

        edit(w.sharepoint, RETURNS, "M1 Repairs on time", by=BOB, Value="95")  # Alice's deputy
        edit(w.sharepoint, RETURNS, "M2 Rent collected", by=HANA, Value="96")  # the head of service
        edit(w.sharepoint, RETURNS, "M3 Voids relet", by="stranger@council.gov.uk", Value="97")
        report = poll(app, client=client)
        assert sorted(report.accepted) == [f"M1 {PERIOD}", f"M2 {PERIOD}"] and report.needs_fixing == [f"M3 {PERIOD}"]
        stored = app.store.returns.for_period(period)
        assert {m: r.submitted_by for m, r in stored.items()} == {"M1": BOB, "M2": HANA}
        assert "stranger@council.gov.uk is not the owner of M3" in rows(w.sharepoint, RETURNS)["M3 Voids relet"]["Status"]

        for _ in range(2):  # perfbot's write-backs are seen again: the stranger is still refused
            again = poll(app, client=client)
            assert again.accepted == [] and app.store.returns.get("M3", period) is None
        assert {m: r.submitted_by for m, r in app.store.returns.for_period(period).items()} == {"M1": BOB, "M2": HANA}
