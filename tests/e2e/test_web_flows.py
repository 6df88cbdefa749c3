"""End to end in headless Chromium: the returns form, case studies, the console and the dashboard.

Each page a test visits is screenshotted into test-artifacts/e2e/ and checked with axe-core.
"""

from __future__ import annotations

import io

from bot.web.sign_in_links import issue_link
from perfbot.model import CaseStudyStatus
from tests.e2e.council import CMT, MEMBER, OFFICER, OWNER, PERIOD


def _sign_in(server, visitor, who: str, email: str):  # noqa: ANN001, ANN202
    visit = visitor(who)
    url, _ = issue_link(server.council.app, email)
    visit.sign_in(url)
    return visit


def test_return_with_an_error_then_corrected_saved_and_received(server, visitor) -> None:
    owner = visitor("owner")
    page = owner.page
    link = server.council.returns_link(OWNER)
    assert link.startswith(f"{server.url}/returns/")  # the link the request carried
    page.goto(link)
    owner.check("tasks", "h1:has-text('Your figures for')")
    page.get_by_role("link", name="Households in temporary accommodation").click()
    owner.check("measure", "label:has-text('Your figure for')")
    assert page.get_by_text("Housing Options service records").is_visible()  # the data source
    page.get_by_label("Your figure for 2025/26 Q3").fill("53")
    page.get_by_role("button", name="Send figure").click()
    summary = page.locator(".govuk-error-summary")
    assert "There is a problem" in summary.inner_text()
    assert "off target (red): explain why" in summary.inner_text()
    assert page.locator("#commentary-error").is_visible()
    assert page.locator("#action-error").is_visible()
    assert page.title().startswith("Error: ")
    owner.check("measure-errors", ".govuk-error-summary")

    page.get_by_label("Commentary").fill("Storm damage in November displaced 12 families.")
    page.get_by_role("button", name="Save as draft and come back later").click()
    assert "Draft saved" in page.locator(".govuk-notification-banner").inner_text()
    owner.check("tasks-draft", ".govuk-notification-banner")
    page.get_by_role("link", name="Households in temporary accommodation").click()
    assert page.get_by_label("Your figure for 2025/26 Q3").input_value() == "53"
    assert "Storm damage" in page.get_by_label("Commentary").input_value()

    page.get_by_label("Remedial action").fill("Two extra caseworkers from February; weekly review.")
    page.get_by_role("button", name="Send figure").click()
    page.wait_for_url("**/received")
    assert page.locator("#rag-status").inner_text() == "■ Red"
    owner.check("received", "#rag-status")
    stored = server.council.app.store.returns.get("HO02", PERIOD)
    assert stored is not None and stored.value == 53.0 and stored.channel == "web"
    assert stored.submitted_by == OWNER
    owner.done()


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (0, 112, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_case_study_sent_then_approved_for_the_annual_report(server, visitor) -> None:
    owner = visitor("owner")
    page = owner.page
    page.goto(server.council.returns_link(OWNER))
    page.get_by_role("link", name="Send a case study").click()
    owner.check("case-study-form", "h1:has-text('Send a case study')")
    page.get_by_role("button", name="Send case study").click()
    assert "Enter a title" in page.locator(".govuk-error-summary").inner_text()
    owner.check("case-study-errors", ".govuk-error-summary")
    page.get_by_label("Title").fill("No family in B&B over six weeks")
    page.get_by_label("Corporate Plan theme").select_option("Thriving Communities")
    page.get_by_label("Service", exact=True).select_option("Housing Options")
    page.get_by_label("What happened").fill("We took on a second temporary block.")
    page.get_by_label("Impact").fill("Average stay fell from 41 to 19 days.")
    page.get_by_label("Yes", exact=True).check()
    page.set_input_files("#attachment", files=[{"name": "block.png", "mimeType": "image/png", "buffer": _png()}])
    page.get_by_role("button", name="Send case study").click()
    assert page.locator(".govuk-panel__title").inner_text() == "Case study sent"
    owner.check("case-study-sent", ".govuk-panel__title")

    officer = _sign_in(server, visitor, "officer", OFFICER)
    officer.page.get_by_role("link", name="Moderation", exact=True).click()
    officer.check("queue", "h1:has-text('Case studies')")
    officer.page.get_by_role("link", name="No family in B&B over six weeks").click()
    officer.check("case-study", "button:has-text('Approve')")
    officer.page.get_by_role("button", name="Approve").click()
    assert "Case study approved" in officer.page.locator(".govuk-notification-banner").inner_text()
    officer.page.get_by_role("button", name="Mark for the annual report").click()
    officer.check("case-study-approved", "text=Marked for the annual report.")
    approved = server.council.app.store.case_studies.list(status=CaseStudyStatus.APPROVED)
    assert [s.title for s in approved] == ["No family in B&B over six weeks"]
    assert approved[0].for_annual_report and approved[0].attachments[0].endswith("block.png")
    assert (server.council.app.data_dir / approved[0].attachments[0]).read_bytes() == _png()
    officer.page.get_by_role("link", name="Edit this case study").click()
    officer.check("case-study-edit", "h1:has-text('Edit the case study')")
    owner.done()
    officer.done()


def test_chase_one_owner_then_everyone_from_the_console(server, visitor) -> None:
    officer = _sign_in(server, visitor, "officer", OFFICER)
    page = officer.page
    page.get_by_role("link", name="Rounds", exact=True).click()
    officer.check("console", "h1:has-text('Rounds')")
    page.get_by_role("link", name=str(PERIOD)).click()
    officer.check("round", "h2:has-text('By owner')")
    before = len(server.council.messages)
    page.get_by_role("button", name=f"Chase {OWNER}").click()
    assert f"Chased {OWNER}" in page.locator("#chase-result").inner_text()
    chased = [text for to, text in server.council.messages[before:] if to == OWNER]
    assert chased and "/returns/" in chased[0]  # the chase carries the form link too
    officer.check("round-chased", "#chase-result")
    page.get_by_role("button", name="Chase everyone outstanding").click()
    result = page.locator("#chase-result").inner_text()
    assert f"Not chased {OWNER}" in result  # chased a moment ago: left alone
    assert result.count("Chased ") >= 5
    officer.done()


def test_dashboard_shows_the_new_rag_and_the_trend(server, visitor) -> None:
    cmt = _sign_in(server, visitor, "cmt", CMT)
    page = cmt.page
    page.get_by_role("link", name="Dashboard", exact=True).click()
    page.wait_for_url("**/dashboard")
    row = page.locator("table:not(#exceptions) tr", has_text="Homelessness decisions made within 56 days")
    assert "? Missing" in row.inner_text()
    assert "Homelessness decisions made within 56 days" in page.locator("#exceptions").inner_text()
    cmt.check("dashboard-before", "#at-a-glance")

    owner = visitor("owner")
    owner.page.goto(server.council.returns_link("tom.brennan@larkfield.gov.uk"))
    owner.page.get_by_role("link", name="Homelessness decisions made within 56 days").click()
    owner.page.get_by_label("Your figure for 2025/26 Q3").fill("94.5")
    owner.page.get_by_role("button", name="Send figure").click()
    assert owner.page.locator("#rag-status").inner_text() == "● Green"

    page.reload(wait_until="load")
    assert "● Green" in row.inner_text()
    assert "Homelessness decisions made within 56 days" not in page.locator("#exceptions").inner_text()
    cmt.check("dashboard-after", "#at-a-glance")
    page.get_by_role("link", name="Homelessness decisions made within 56 days").first.click()
    chart = page.locator("svg.perfbot-chart")
    assert chart.get_attribute("role") == "img"
    assert chart.locator("circle, rect, polygon").count() == 8  # eight quarters, each with a marker
    cmt.check("trend", "svg.perfbot-chart")
    page.goto(f"{server.url}/dashboard")
    page.get_by_label("Quarter").select_option(PERIOD.previous().key)
    page.get_by_role("button", name="Show quarter").click()
    assert str(PERIOD.previous()) in page.locator("h1").inner_text()

    member = _sign_in(server, visitor, "member", MEMBER)
    member.page.get_by_role("link", name="Dashboard", exact=True).click()
    member.page.wait_for_url("**/dashboard")
    options = member.page.locator("#period option").all_inner_texts()
    assert str(PERIOD) not in options and str(PERIOD.previous()) in options  # open round unpublished
    member.check("members-dashboard", "#at-a-glance")
    cmt.done()
    owner.done()
    member.done()
