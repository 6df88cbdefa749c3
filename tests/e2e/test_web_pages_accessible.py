"""axe-core on the pages the flows do not reach: start pages, refusals, the officer's forms with
errors, the register upload with row errors, sign-in links, signing out."""

from __future__ import annotations

from bot.web.sign_in_links import issue_link
from tests.e2e.council import ADMIN, OWNER


def test_every_other_page_is_accessible(server, visitor) -> None:
    anonymous = visitor("anonymous")
    page = anonymous.page
    page.goto(server.url)
    anonymous.check("home", "h2:has-text('Signing in')")
    page.goto(f"{server.url}/officer")
    assert "Sign in first" in page.locator("h1").inner_text()
    anonymous.check("sign-in-first", "h1")
    page.goto(server.council.returns_link(OWNER)[:-5] + "XXXXX")
    assert "This link cannot be used" in page.locator("h1").inner_text()
    anonymous.check("forged-link", "h1")
    page.goto(f"{server.url}/no-such-page")
    anonymous.check("not-found", "h1:has-text('Page not found')")

    admin = visitor("admin")
    url, _ = issue_link(server.council.app, ADMIN)
    admin.sign_in(url)
    page = admin.page
    admin.check("home-admin", "h2:has-text('Performance officer')")
    page.get_by_role("link", name="Sign-in links", exact=True).click()
    page.get_by_label("Email address").fill("stranger@example.com")
    page.get_by_role("button", name="Create sign-in link").click()
    assert "has no role" in page.locator(".govuk-error-summary").inner_text()
    admin.check("sign-in-links-error", ".govuk-error-summary")
    page.get_by_label("Email address").fill(OWNER)
    page.get_by_role("button", name="Create sign-in link").click()
    assert "/sign-in/" in page.locator("#sign-in-link").inner_text()
    admin.check("sign-in-links", "#sign-in-link")

    page.get_by_role("link", name="Rounds", exact=True).click()
    page.get_by_role("button", name="Open round and send requests").click()
    assert "Select the quarter to open" in page.locator(".govuk-error-summary").inner_text()
    admin.check("console-error", ".govuk-error-summary")

    page.get_by_role("link", name="Register", exact=True).click()
    admin.check("register", "h1:has-text('The measure register')")
    bad = b"measure_id,title,theme,service,owner_email,head_of_service_email,target\nX1,T,Th,S,nope,h@x.gov.uk,abc\n"
    page.set_input_files("#register", files=[{"name": "register.csv", "mimeType": "text/csv", "buffer": bad}])
    page.get_by_role("button", name="Upload and import").click()
    assert "row 2" in page.locator("main").inner_text()
    admin.check("register-row-errors", "#row-errors")

    page.get_by_role("link", name="Moderation", exact=True).click()
    admin.check("queue-empty", "h1:has-text('Case studies')")
    page.get_by_role("button", name="Sign out").click()
    assert "You have signed out" in page.locator("h1").inner_text()
    admin.check("signed-out", "h1:has-text('You have signed out')")
    anonymous.done()
    admin.done()
