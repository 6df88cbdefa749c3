"""Security of the web channel: roles on every route, CSRF, sign-in links, cookies, headers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.routing import APIRoute

from bot.web import routes
from bot.web.sign_in_links import issue_link
from tests.e2e.council import ADMIN, CMT, MEMBER, OFFICER, OWNER, PERIOD, small_council
from tests.e2e.web_client import client_for, csrf_of, sign_in

OFFICER_PAGES = ["/officer", f"/officer/rounds/{PERIOD.key}", "/officer/case-studies", "/officer/register"]
READER_PAGES = ["/dashboard", "/dashboard/measures/HO04"]
ADMIN_PAGES = ["/admin/sign-in-links"]


def _roles_of(route: APIRoute) -> list[object]:
    found, queue = [], list(route.dependant.dependencies)
    while queue:
        dependency = queue.pop()
        if hasattr(dependency.call, "roles"):
            found.append(dependency.call.roles)
        queue.extend(dependency.dependencies)
    return found


def test_every_web_route_checks_a_role_or_a_signed_link() -> None:
    public = {"/", "/sign-in/{token}", "/sign-out", "/sign-in-by-email", "/entra/sign-in", "/entra/callback"}
    # the public performance page: read-only, the same for everyone (tests/integration/test_web_public.py)
    published = {"/public", "/public/measures/{measure_id}", "/public/open-data.csv",
                 "/public/open-data.csv-metadata.json"}  # fmt: skip
    for module in routes.ROUTERS:
        for route in module.router.routes:
            assert isinstance(route, APIRoute)
            if route.path in published:
                assert route.methods == {"GET"}, f"{route.path} must only be read"
                continue
            if route.path in public:
                continue
            guarded_by_link = route.path.startswith(("/returns/{token}", "/signoff/{token}"))  # signed links
            assert guarded_by_link or _roles_of(route), f"{route.path} checks no role"


@pytest.mark.parametrize("path", OFFICER_PAGES + READER_PAGES + ADMIN_PAGES)
def test_anonymous_visitors_are_asked_to_sign_in(client, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 401 and "Sign in first" in page.text


@pytest.mark.parametrize(("email", "allowed", "refused"), [
    (OWNER, ["/case-studies/new"], OFFICER_PAGES + READER_PAGES + ADMIN_PAGES),
    (MEMBER, ["/dashboard"], OFFICER_PAGES + ADMIN_PAGES + ["/case-studies/new"]),
    (CMT, READER_PAGES + ["/case-studies/new"], OFFICER_PAGES + ADMIN_PAGES),
    (OFFICER, OFFICER_PAGES + READER_PAGES + ["/case-studies/new"], ADMIN_PAGES),
    (ADMIN, OFFICER_PAGES + READER_PAGES + ADMIN_PAGES, []),
])  # fmt: skip
def test_each_role_reaches_its_pages_and_no_others(council, client, email, allowed, refused) -> None:
    sign_in(client, council, email)
    for path in allowed:
        assert client.get(path).status_code == 200, path
    for path in refused:
        page = client.get(path)
        assert page.status_code == 403, path
        assert f"You are signed in as {email}" in page.text


def test_members_see_only_closed_rounds(council, client) -> None:
    sign_in(client, council, MEMBER)
    refused = client.get(f"/dashboard?period={PERIOD.key}")
    assert refused.status_code == 403 and "once its round has closed" in refused.text
    assert client.get(f"/dashboard?period={PERIOD.previous().key}").status_code == 200


def test_posts_without_the_sessions_csrf_token_are_refused(council, client) -> None:
    link = council.path(council.returns_link(OWNER))
    form = client.get(f"{link}/measures/HO04")
    token = csrf_of(form.text)
    data = {"value": "95", "intent": "submit", "form_key": "0" * 32}
    missing = client.post(f"{link}/measures/HO04", data=data)
    wrong = client.post(f"{link}/measures/HO04", data={**data, "csrf_token": token[:-2] + "xx"})
    fresh = client_for(council).post(f"{link}/measures/HO04", data={**data, "csrf_token": token})  # no cookie
    foreign = client.post(f"{link}/measures/HO04", data={**data, "csrf_token": token},
                          headers={"Origin": "https://evil.example"})  # fmt: skip
    assert [r.status_code for r in (missing, wrong, fresh, foreign)] == [400, 400, 400, 403]
    assert "nothing was saved" in missing.text and "another website" in foreign.text
    assert council.app.store.returns.get("HO04", PERIOD) is None
    ok = client.post(f"{link}/measures/HO04", data={**data, "csrf_token": token})
    assert ok.status_code == 303


def test_sign_in_links_are_signed_and_expire(council, client) -> None:
    url, hours = issue_link(council.app, OFFICER)
    path = council.path(url)
    forged = client.get(path[:-4] + "AAAA")
    assert forged.status_code == 403 and "not valid" in forged.text
    council.clock.advance(timedelta(hours=hours + 1))
    expired = client.get(path)
    assert expired.status_code == 410 and "expired" in expired.text


def test_a_sign_in_link_for_someone_who_lost_their_role_is_refused(council, client, tmp_path) -> None:
    url, _ = issue_link(council.app, OWNER)
    council.app.store.register.apply([], [], actor="test")  # every measure retired
    page = client.get(council.path(url))
    assert page.status_code == 403 and "has no role" in page.text


def test_cookies_are_http_only_lax_and_secure_over_https(tmp_path) -> None:
    plain = client_for(small_council(tmp_path / "a"))
    cookie = plain.get("/").headers["set-cookie"]
    assert "perfbot_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie
    https = small_council(tmp_path / "b", public_url="https://perf.larkfield.gov.uk")
    secure = client_for(https, base_url="https://perf.larkfield.gov.uk")
    cookie = secure.get("/").headers["set-cookie"]
    assert cookie.startswith("__Host-perfbot_session=") and "Secure" in cookie and "HttpOnly" in cookie
    sign_in(secure, https, OFFICER)  # and the secure session works end to end
    assert secure.get("/officer").status_code == 200


def test_pages_carry_strict_security_headers(council, client) -> None:
    headers = client.get(council.path(council.returns_link(OWNER))).headers
    assert "script-src 'self' 'nonce-" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["referrer-policy"] == "no-referrer"  # form links carry tokens
    assert headers["x-content-type-options"] == "nosniff" and headers["cache-control"] == "no-store"


def test_sign_out_ends_the_session(council, client) -> None:
    sign_in(client, council, OFFICER)
    home = client.get("/")
    assert client.post("/sign-out", data={"csrf_token": csrf_of(home.text)}).status_code == 200
    assert client.get("/officer").status_code == 401


@pytest.mark.parametrize(("path", "status"), [
    ("/no-such-page", 404), ("/officer/rounds/2025-27-Q3", 404), ("/officer/case-studies?status=odd", 400),
    ("/dashboard?period=bogus", 404), ("/dashboard/measures/NOPE", 404), ("/officer/case-studies/nope", 404),
])  # fmt: skip
def test_bad_addresses_get_a_page_with_the_reason(council, client, path: str, status: int) -> None:
    sign_in(client, council, ADMIN)
    page = client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == status
    assert page.headers["content-type"].startswith("text/html") and "govuk-heading-l" in page.text
