"""The officer's console over HTTP: open, chase, close and reopen rounds; upload the register."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from perfbot.model import RoundState
from perfbot.periods import Period
from tests.e2e.council import OTHER_OWNER, OWNER, PERIOD
from tests.e2e.web_client import csrf_of, post_form

HEADER = "measure_id,title,theme,service,owner_email,head_of_service_email,unit,polarity,target\n"


def test_status_by_service_and_owner(council, officer) -> None:
    page = officer.get(f"/officer/rounds/{PERIOD.key}")
    assert page.status_code == 200
    assert "Housing Options" in page.text and OWNER in page.text and OTHER_OWNER in page.text
    assert "0 of 2" in page.text and "0 of 1" in page.text


def test_chase_one_owner_then_all(council, officer) -> None:
    before = len(council.messages)
    page = officer.get(f"/officer/rounds/{PERIOD.key}")
    token = csrf_of(page.text)
    chased = officer.post(f"/officer/rounds/{PERIOD.key}/chase", data={"csrf_token": token, "owner": OWNER})
    assert chased.status_code == 200 and f"Chased {OWNER}: HO02, HO04" in chased.text
    sent = [to for to, _ in council.messages[before:]]
    assert sent == [OWNER]
    everyone = officer.post(f"/officer/rounds/{PERIOD.key}/chase", data={"csrf_token": token})
    assert f"Chased {OTHER_OWNER}" in everyone.text and f"Not chased {OWNER}" in everyone.text
    assert [to for to, _ in council.messages[before:]] == [OWNER, OTHER_OWNER]


def test_open_close_and_reopen_a_round(council, officer) -> None:
    earlier = Period(2025, 2)
    opened = post_form(officer, "/officer", {"period": str(earlier)}, to="/officer/rounds")
    assert opened.status_code == 303 and opened.headers["location"].endswith(f"{earlier.key}?done=opened")
    assert council.app.store.rounds.get(earlier).state is RoundState.OPEN
    page = officer.get(opened.headers["location"])
    assert "requests have been sent" in page.text
    closed = post_form(officer, f"/officer/rounds/{earlier.key}", {"state": "closed"},
                       to=f"/officer/rounds/{earlier.key}/state")
    assert closed.status_code == 303
    assert council.app.store.rounds.get(earlier).state is RoundState.CLOSED
    assert council.app.store.publications.latest(earlier).edition == 1  # frozen as published
    no_reason = post_form(officer, f"/officer/rounds/{earlier.key}", {"state": "open"},
                          to=f"/officer/rounds/{earlier.key}/state")
    assert no_reason.status_code == 400 and "reason" in no_reason.text
    post_form(officer, f"/officer/rounds/{earlier.key}", {"state": "open", "reason": "late data from the contractor"}, to=f"/officer/rounds/{earlier.key}/state")
    assert council.app.store.rounds.get(earlier).state is RoundState.OPEN


def test_opening_a_quarter_that_has_not_ended_is_explained(council, officer) -> None:
    refused = post_form(officer, "/officer", {"period": "2026/27 Q1"}, to="/officer/rounds")
    assert refused.status_code == 400 and "has not ended yet" in refused.text
    nonsense = post_form(officer, "/officer", {"period": "next tuesday"}, to="/officer/rounds")
    assert nonsense.status_code == 400 and "is not a financial quarter" in nonsense.text


def _upload(client, name: str, content: bytes):  # noqa: ANN001, ANN202
    page = client.get("/officer/register")
    return client.post("/officer/register", data={"csrf_token": csrf_of(page.text)},
                       files={"register": (name, content, "application/octet-stream")})  # fmt: skip


def test_register_upload_shows_every_row_error_and_imports_nothing(council, officer) -> None:
    bad = (HEADER + "HO04,Decisions,Thriving Communities,Housing Options,amira@x.gov.uk,h@x.gov.uk,percent,higher,abc\n"
           + "HO09,,Thriving Communities,Housing Options,not-an-email,h@x.gov.uk,percent,higher,90\n")  # fmt: skip
    page = _upload(officer, "register.csv", bad.encode())
    assert page.status_code == 400
    assert "row 2, column target" in page.text and "row 3" in page.text
    assert "nothing was imported" in page.text
    assert {m.measure_id for m in council.app.store.register.measures()} == {"HO02", "HO03", "HO04"}


def test_register_upload_imports_a_good_workbook(council, officer) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "measures"
    sheet.append(HEADER.strip().split(","))
    sheet.append(["HO04", "Decisions in 56 days", "Thriving Communities", "Housing Options", OWNER,
                  "helen.marsh@larkfield.gov.uk", "percent", "higher", 92])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    page = _upload(officer, "measures.xlsx", buffer.getvalue())
    assert page.status_code == 200 and "Register imported" in page.text
    assert council.app.store.register.measure("HO04").target == 92
    assert council.app.store.register.measure("HO03") is None  # retired: not in the file
    assert "HO04 target 90 → 92 from" in page.text  # earlier quarters keep 90
    assert "Decisions in 56 days" in page.text  # the register as a table


def test_the_register_and_a_template_download_and_the_download_imports_back_unchanged(council, officer) -> None:
    from openpyxl import load_workbook

    download = officer.get("/officer/register/register.xlsx")
    assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]
    assert load_workbook(io.BytesIO(download.content))["measures"]["A1"].value == "measure_id"
    page = _upload(officer, "measure-register.xlsx", download.content)
    assert "0 added, 0 updated" in page.text and "retired" in page.text and "Targets changed" not in page.text
    template = officer.get("/officer/register/template.xlsx")
    assert template.status_code == 200 and load_workbook(io.BytesIO(template.content))["measures"]["A2"].value.startswith("#")


@pytest.mark.parametrize(("name", "content", "message"), [
    ("register.xlsx", b"PK\x03\x04 not really a workbook", "must be a CSV"),
    ("register.csv", b"\x89PNG\r\n\x1a\n\x00\x00binary", "must be a CSV"),
    ("register.pdf", b"%PDF-1.7", "must be a CSV"),
    ("register.csv", b"", "the file is empty"),
])  # fmt: skip
def test_register_upload_refuses_files_that_are_not_registers(officer, name, content, message) -> None:
    page = _upload(officer, name, content)
    assert page.status_code == 400 and message in page.text



def test_an_officer_withdraws_a_stray_return_with_a_reason(council, officer) -> None:
    store = council.app.store
    earlier = PERIOD.previous()
    assert store.returns.get("HO04", earlier) is not None
    no_reason = post_form(officer, "/officer", {"measure_id": "HO04", "withdraw_period": str(earlier)},
                          to="/officer/returns/withdraw")  # fmt: skip
    assert no_reason.status_code == 400 and "Say why" in no_reason.text
    done = post_form(officer, "/officer", {"measure_id": "HO04", "withdraw_period": str(earlier),
                                           "reason": "sent for the wrong service"}, to="/officer/returns/withdraw")  # fmt: skip
    assert done.status_code == 200 and f"Withdrawn: HO04 {earlier}" in done.text
    assert store.returns.get("HO04", earlier) is None and store.returns.versions("HO04", earlier)
    assert store.returns.withdrawal("HO04", earlier)["by"] == "performance@larkfield.gov.uk"
