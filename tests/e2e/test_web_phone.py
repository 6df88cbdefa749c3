"""On a phone (390 px wide) the dashboard and the officer's console do not scroll sideways: wide
tables scroll inside their own box, which can be reached and scrolled from the keyboard."""

from __future__ import annotations

from bot.web.sign_in_links import issue_link
from tests.e2e.council import OFFICER, PERIOD

PHONE = {"width": 390, "height": 844}
OVERFLOW = """() => ({
  page: document.documentElement.scrollWidth,
  view: window.innerWidth,
  tables: [...document.querySelectorAll('table')].map(t => {
    const box = t.closest('.perfbot-table-scroll') || t;
    return {wide: t.scrollWidth, box: box.clientWidth, scrolls: getComputedStyle(box).overflowX};
  }),
})"""


def _fits(visit: object, label: str, ready: str) -> list[dict[str, object]]:
    visit.check(label, ready)  # type: ignore[attr-defined]
    found = visit.page.evaluate(OVERFLOW)  # type: ignore[attr-defined]
    assert found["page"] <= found["view"] == 390, f"{label}: the page is {found['page']} px wide"
    for table in found["tables"]:
        assert table["wide"] <= table["box"] or table["scrolls"] == "auto", (label, table)
    return found["tables"]


def test_dashboard_and_console_fit_a_phone(server, visitor) -> None:
    officer = visitor("phone-officer")
    officer.page.set_viewport_size(PHONE)
    url, _ = issue_link(server.council.app, OFFICER)
    officer.sign_in(url)
    page = officer.page
    page.goto(f"{server.url}/dashboard")
    tables = _fits(officer, "phone-dashboard", "h1")
    assert any(t["wide"] > t["box"] for t in tables)  # some table is wider than a phone: it scrolls
    page.goto(f"{server.url}/officer")
    _fits(officer, "phone-console", "h1")
    page.goto(f"{server.url}/officer/rounds/{PERIOD.key}")
    _fits(officer, "phone-round", "h1")
    page.goto(f"{server.url}/dashboard/measures/HO01")
    _fits(officer, "phone-measure", "h1")
    officer.done()
