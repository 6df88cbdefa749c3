"""Case studies over HTTP: the form and its upload checks, moderation, and what reports read."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from perfbot.model import CaseStudyStatus
from tests.e2e.council import CMT, OFFICER, OWNER
from tests.e2e.web_client import client_for, csrf_of, post_form, sign_in

FIELDS = {"title": "Rough sleeping halved", "theme": "Thriving Communities", "service": "Housing Options",
          "what_happened": "Outreach every night.", "impact": "From 14 to 7 people.", "consent": "yes"}  # fmt: skip


def _png(size: tuple[int, int] = (20, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (29, 112, 184)).save(buffer, format="PNG")
    return buffer.getvalue()


def _docx(*, macros: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<document/>")
        if macros:
            package.writestr("word/vbaProject.bin", b"macro")
    return buffer.getvalue()


def _send(client, fields: dict[str, str], file: tuple[str, bytes] | None = None):  # noqa: ANN001, ANN202
    files = {"attachment": (file[0], file[1], "application/octet-stream")} if file else None
    return post_form(client, "/case-studies/new", fields, files=files)


def test_a_case_study_with_a_picture_is_stored_for_moderation(council, owner) -> None:
    sent = _send(owner, FIELDS, ("Outreach team (May).PNG", _png()))
    assert sent.status_code == 303
    assert "Case study sent" in owner.get(sent.headers["location"]).text
    [study] = council.app.store.case_studies.list()
    assert (study.status, study.submitted_by, study.channel) == (CaseStudyStatus.SUBMITTED, OWNER, "web")
    assert study.attachments == (f"uploads/case-studies/{study.case_id}/Outreach-team-May.png",)
    assert council.app.store.uploads.get(study.attachments[0]) == _png()  # a file, or a row on PostgreSQL


def test_missing_answers_are_listed_and_the_typed_ones_kept(council, owner) -> None:
    page = _send(owner, {"title": "Only a title <b>bold</b>"})
    assert page.status_code == 400
    for message in ("Select the Corporate Plan theme", "Describe what happened", "Describe the difference",
                    "Select yes if the council may publish"):  # fmt: skip
        assert message in page.text
    assert 'value="Only a title &lt;b&gt;bold&lt;/b&gt;"' in page.text
    assert council.app.store.case_studies.list() == []


@pytest.mark.parametrize(("name", "content", "message"), [
    ("photo.png", b"MZ\x90\x00 a windows program", "must be a PNG or JPG picture, or a PDF or Word"),
    ("report.pdf", _png(), "it is a PNG file, so its name should end .png"),
    ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "damaged"),
    ("notes.docx", _docx(macros=True), "must be a PNG or JPG picture"),
    ("vector.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "must be a PNG"),
    ("big.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (1024 * 1024 + 10), "smaller than 1 MB"),
])  # fmt: skip
def test_files_are_checked_by_content_type_and_size(council, owner, name, content, message) -> None:
    page = _send(owner, FIELDS, (name, content))
    assert page.status_code == 400 and message in page.text
    assert council.app.store.case_studies.list() == []


def test_a_word_document_and_a_pdf_are_accepted(council, owner) -> None:
    assert _send(owner, FIELDS, ("Notes.docx", _docx())).status_code == 303
    assert _send(owner, FIELDS, ("report.pdf", b"%PDF-1.7\n%%EOF\n")).status_code == 303
    assert len(council.app.store.case_studies.list()) == 2


def test_a_far_too_big_request_is_refused_outright(council, owner) -> None:
    page = _send(owner, FIELDS, ("big.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (3 * 1024 * 1024)))
    assert page.status_code == 413 and "smaller than 1 MB" in page.text


def test_the_owner_can_send_one_from_their_returns_link_without_signing_in(council) -> None:
    client = client_for(council)
    link = council.path(council.returns_link(OWNER))
    sent = post_form(client, f"{link}/case-study", FIELDS)
    assert sent.status_code == 303 and "Case study sent" in client.get(sent.headers["location"]).text
    assert council.app.store.case_studies.list()[0].submitted_by == OWNER


def test_moderation_approve_edit_and_annual_report_feed_the_reports(council, owner, officer) -> None:
    _send(owner, {**FIELDS, "consent": "no"}, ("team.png", _png()))
    _send(owner, {**FIELDS, "title": "Second"})
    internal, public = council.app.store.case_studies.list()
    queue = officer.get("/officer/case-studies")
    assert "Rough sleeping halved" in queue.text and "Second" in queue.text
    base = f"/officer/case-studies/{public.case_id}"
    early = post_form(officer, base, {"include": "yes"}, to=f"{base}/annual-report")
    assert early.status_code == 409 and "Approve it first" in early.text
    assert post_form(officer, base, {"decision": "approve"}, to=f"{base}/decision").status_code == 303
    assert post_form(officer, base, {"include": "yes"}, to=f"{base}/annual-report").status_code == 303
    edited = post_form(officer, f"{base}/edit", {**FIELDS, "title": "Second, retitled"})
    assert edited.status_code == 303
    ibase = f"/officer/case-studies/{internal.case_id}"
    post_form(officer, ibase, {"decision": "approve"}, to=f"{ibase}/decision")
    refused = post_form(officer, ibase, {"include": "yes"}, to=f"{ibase}/annual-report")
    assert refused.status_code == 409 and "did not consent" in refused.text
    approved = council.app.store.case_studies.list(status=CaseStudyStatus.APPROVED)
    assert {(s.title, s.for_annual_report) for s in approved} == {
        ("Second, retitled", True), ("Rough sleeping halved", False)}
    audit = council.app.store.audit.about(f"case study {public.case_id}")
    assert [r.actor for r in audit][-3:] == [OFFICER, OFFICER, OFFICER]


def test_attachments_are_downloads_for_officers_only(council, owner, officer) -> None:
    _send(owner, FIELDS, ("team.png", _png()))
    [study] = council.app.store.case_studies.list()
    path = f"/officer/case-studies/{study.case_id}/files/team.png"
    assert owner.get(path).status_code == 403
    file = officer.get(path)
    assert file.status_code == 200 and file.content == _png()
    assert file.headers["content-disposition"].startswith("attachment")
    assert file.headers["x-content-type-options"] == "nosniff"
    assert officer.get(f"/officer/case-studies/{study.case_id}/files/..%2Fcore.json").status_code == 404
    cmt = client_for(council)
    sign_in(cmt, council, CMT)
    assert cmt.get(path).status_code == 403
    token = csrf_of(cmt.get("/case-studies/new").text)
    refused = cmt.post(f"/officer/case-studies/{study.case_id}/decision",
                       data={"csrf_token": token, "decision": "approve"})  # fmt: skip
    assert refused.status_code == 403
    assert council.app.store.case_studies.get(study.case_id).status is CaseStudyStatus.SUBMITTED
