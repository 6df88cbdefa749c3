"""Helpers for the web route tests: a TestClient on a small council, signing in, CSRF tokens."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from bot.web.sign_in_links import issue_link
from perfbot.server import create_asgi
from perfbot.settings import Settings
from tests.e2e.council import Council

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FORM_KEY = re.compile(r'name="form_key" value="([0-9a-f]{32})"')


def client_for(council: Council, *, base_url: str = "http://testserver") -> TestClient:
    asgi = create_asgi(council.app, Settings(), run_scheduler=False)
    return TestClient(asgi, base_url=base_url, follow_redirects=False)


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found[1]


def sign_in(client: TestClient, council: Council, email: str) -> None:
    url, _ = issue_link(council.app, email)
    path = council.path(url)
    page = client.get(path)
    assert page.status_code == 200, page.text
    done = client.post(path, data={"csrf_token": csrf_of(page.text)})
    assert done.status_code == 303


def post_form(client: TestClient, path: str, data: dict[str, str], *, to: str | None = None,
              files=None):  # noqa: ANN001, ANN201
    """GET the page at `path` for its CSRF token (and form key), then POST the form (to `to`)."""
    page = client.get(path)
    fields = {"csrf_token": csrf_of(page.text), **data}
    key = FORM_KEY.search(page.text)
    if key and "form_key" not in data:
        fields["form_key"] = key[1]
    return client.post(to or path, data=fields, files=files)
