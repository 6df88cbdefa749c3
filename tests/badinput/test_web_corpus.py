"""Every malformed or hostile web-form post in `web/` gets a clear refusal, changes nothing.

Posts go to perfbot's ASGI app (Starlette's TestClient, cookies and all) as a browser would send
them, after a GET of the form for its CSRF token and form key, from a person in a role: the owner
through their signed returns link, a performance officer, an administrator, or a visitor. A case
says what to post (`request`: `as`, `to` — a path, with `{measure}`, `{returns}`, `{round}` … for
the council's own — and the `fields`, or `pairs` for repeated names, or a raw `body`, plus how to
spoil `csrf`, `form_key` and `headers`) and what must happen (`expect`):

* `status`: 4xx, with a page saying why (`says`; hostile text in it must be escaped:
  `never_says`);
* `changes`: "nothing" — the data directory is byte for byte as it was — or "draft": a returns
  form with problems keeps what was typed as the owner's draft for the same link (README, "Web
  forms"), so that draft, and nothing else, may change.

Never a 500, and never an exception in the server log. Cases whose `expect` has `stored` are
legitimately accepted: stored as the README says (NUL bytes dropped, the first of repeated
fields), shown escaped on the owner's form and the CMT dashboard, formula-safe in the open data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from bot.web.sign_in_links import issue_link
from tests.badinput.support import (
    assert_open_data_is_formula_safe,
    cases,
    changed,
    describe,
    fingerprint,
    load_case,
    server_faults,
    tables,
)
from tests.e2e.council import ADMIN, CMT, OFFICER, OWNER, PERIOD, Council, small_council
from tests.e2e.web_client import CSRF, FORM_KEY, client_for, sign_in

CORPUS = Path(__file__).parent / "web"
REFUSED = [p for p in cases(CORPUS) if "stored" not in load_case(p)["expect"]]
ACCEPTED = [p for p in cases(CORPUS) if "stored" in load_case(p)["expect"]]
FORM = "application/x-www-form-urlencoded"


class Webside:
    """A small council with an open round, and a browser for each role."""

    def __init__(self, root: Path) -> None:
        self.council: Council = small_council(root)
        self.data = self.council.app.data_dir
        returns = self.council.path(self.council.returns_link(OWNER))
        self.paths = {"returns": returns, "measure": f"{returns}/measures/HO04",
                      "amount": f"{returns}/measures/HO02", "other_measure": f"{returns}/measures/HO03",
                      "forged_returns": returns[:-6] + "AAAAAA", "round": f"/officer/rounds/{PERIOD.key}",
                      "sign_in": self.council.path(issue_link(self.council.app, CMT)[0])}  # fmt: skip
        self.paths["forged_sign_in"] = self.paths["sign_in"][:-6] + "AAAAAA"
        self.browsers = {"owner": self._browser(), "visitor": self._browser()}
        for role, email in (("officer", OFFICER), ("admin", ADMIN), ("cmt", CMT)):
            self.browsers[role] = self._browser()
            sign_in(self.browsers[role], self.council, email)

    def _browser(self) -> TestClient:
        client = client_for(self.council)
        client.headers["accept"] = "text/html,application/xhtml+xml"
        return client

    def path(self, template: str) -> str:
        return template.format(**self.paths)

    def post(self, spec: dict[str, Any]) -> Any:
        browser = self._browser() if spec.get("fresh_browser") else self.browsers[spec.get("as", "owner")]
        to = self.path(spec["to"])
        page = browser.get(self.path(spec.get("form", spec["to"]))).text  # the form being sent
        tokens = {"csrf_token": _csrf(page, spec.get("csrf", "valid"), self), "form_key": _form_key(page, spec)}
        pairs = [(k, v) for k, v in tokens.items() if v is not None]
        pairs += [tuple(p) for p in spec.get("pairs", [])] + list(spec.get("fields", {}).items())
        headers = {"content-type": spec.get("content_type", FORM), **spec.get("headers", {})}
        if "body" in spec:
            body = spec["body"].format(csrf_token=tokens["csrf_token"] or "", form_key=tokens["form_key"] or "")
            content: Any = body.encode("utf-8")
        else:
            content = urlencode(pairs).encode()
        if spec.get("chunked"):
            content = iter([content])
        return browser.post(to, content=content, headers=headers)


def _csrf(page: str, how: str, side: Webside) -> str | None:
    if how == "missing":
        return None
    if how == "forged":
        return "A" * 43
    if how == "another-browser":  # a real token, from someone else's session
        return CSRF.search(side._browser().get(side.paths["measure"]).text)[1]
    found = CSRF.search(page)
    return found[1] if found else None


def _form_key(page: str, spec: dict[str, Any]) -> str | None:
    how = spec.get("form_key", "valid")
    if how == "missing":
        return None
    if how != "valid":
        return how
    found = FORM_KEY.search(page)
    return found[1] if found else None


@pytest.fixture(scope="module")
def webside(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Webside]:
    yield Webside(tmp_path_factory.mktemp("web-corpus"))


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", html)


@pytest.mark.parametrize("path", REFUSED, ids=lambda p: p.stem)
def test_bad_web_posts_are_refused_cleanly(webside: Webside, path: Path) -> None:
    case = load_case(path)
    expect = case["expect"]
    before, before_tables = fingerprint(webside.data), tables(webside.data)
    with server_faults() as faults:
        response = webside.post(case["request"])
    assert response.status_code == expect["status"], _text(response.text)[:400]
    assert not faults, describe(faults)
    page = _text(response.text)
    for words in expect.get("says", []):
        assert words in page, f"{words!r} not on the page: {page[:800]}"
    for words in expect.get("never_says", []):
        assert words not in page, f"{words!r} on the page"
    if expect.get("changes", "nothing") == "nothing":
        assert fingerprint(webside.data) == before, "a refused post changed the data directory"
    else:
        assert expect["changes"] == "draft"
        assert set(changed(before_tables, tables(webside.data))) <= {("core.json", "drafts")}


@pytest.mark.parametrize("path", ACCEPTED, ids=lambda p: p.stem)
def test_hostile_text_from_the_web_is_stored_and_shown_escaped(tmp_path: Path, path: Path) -> None:
    case = load_case(path)
    side = Webside(tmp_path)
    with server_faults() as faults:
        response = side.post(case["request"])
    assert response.status_code == case["expect"]["status"] and not faults, describe(faults)
    app = side.council.app
    for measure_id, fields in case["expect"]["stored"].items():
        stored = app.store.returns.get(measure_id, PERIOD)
        assert stored is not None, f"{measure_id} was not stored"
        assert {name: getattr(stored, name) for name in fields} == fields
        pages = [side.browsers["owner"].get(f"{side.paths['returns']}/measures/{measure_id}").text,
                 side.browsers["cmt"].get(f"/dashboard/measures/{measure_id}").text]  # fmt: skip
        for page in pages:
            for raw, shown in case["expect"].get("shown_as", {}).items():
                assert raw not in page and shown in page, (raw, shown)
    texts = {m: {k: v for k, v in f.items() if k in ("commentary", "action")} for m, f in case["expect"]["stored"].items()}
    assert_open_data_is_formula_safe(app, PERIOD, texts)
