"""Peers in Chromium: the dashboard's peer column and a measure's comparison, axe-core clean."""

from __future__ import annotations

from bot.web.sign_in_links import issue_link
from tests.e2e.council import CMT, PERIOD


def test_peers_on_the_dashboard_and_a_measures_page(server, visitor) -> None:
    cmt = visitor("cmt-peers")
    url, _ = issue_link(server.council.app, CMT)
    cmt.sign_in(url)
    page = cmt.page
    previous = PERIOD.previous()  # 2025/26 Q2: every measure has a figure
    page.goto(f"{server.url}/dashboard?period={previous.key}")
    row = page.locator("table:not(#exceptions) tr", has_text="Household waste recycled and composted")
    assert "older data (peers: 2024/25, figure: 2025/26 Q2)" in row.inner_text()
    planning = page.locator("table:not(#exceptions) tr", has_text="Major planning applications decided")
    assert " of 16" in planning.inner_text() and "older data" not in planning.inner_text()
    cmt.check("dashboard-peers", ".perfbot-peers")
    row.get_by_role("link").click()
    facts = page.locator("#peer-facts").inner_text()
    assert "Median of the group" in facts and "1st is best: higher is better" in facts
    assert page.locator("#peer-table tbody tr").count() == 16
    assert "(this council, 2025/26 Q2)" in page.locator("#peer-table").inner_text()
    cmt.check("measure-peers", "#peer-table")
    cmt.done()
