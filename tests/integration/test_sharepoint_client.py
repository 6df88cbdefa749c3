"""The SharePoint client against the strict fake (odata=verbose, form digest, MERGE, paging,
throttling): our retry loop honours Retry-After for 429/503 only, paging follows `__next`, and
refusals say what to fix."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.sharepoint.client import SharePointClient
from bot.sharepoint.provision import provision
from bot.teams.identity import Identity
from perfbot.channel import TransportError
from tests.integration.test_teams_support import BOT_SECRET, M365World, world

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
LIST = "Performance Returns"


@pytest.fixture(scope="module")
def w(tmp_path_factory: pytest.TempPathFactory) -> Iterator[M365World]:
    with world(tmp_path_factory.mktemp("spclient")) as made:
        client = SharePointClient(made.sharepoint.site_url, tokens(made), sleep=lambda s: None)
        provision(client, made.app().store)
        for n in range(5):
            client.add_item(LIST, {"Title": f"row {n}", "Measure ID": f"M{n}", "Value": str(n)})
        yield made


def tokens(w: M365World, **env: str):  # noqa: ANN201 - a TokenSource
    settings = w.settings(**env).m365
    assert settings is not None
    return Identity(settings, http_client=w.ca.requests_session()).for_resource(w.sharepoint.url)


def client(w: M365World, slept: list[float], **options: object) -> SharePointClient:
    return SharePointClient(w.sharepoint.site_url, tokens(w), sleep=slept.append, **options)  # type: ignore[arg-type]


def test_paging_follows_next_links(w: M365World) -> None:
    before = len(w.sharepoint.calls_of("items.get"))
    rows = list(client(w, [], page_size=2).items(LIST, order_by="Modified asc"))
    assert [r["Measure ID"] for r in rows] == ["M0", "M1", "M2", "M3", "M4"]
    gets = w.sharepoint.calls_of("items.get")[before:]
    assert len(gets) == 3 and all(c.request.param("$skip") is None for c in gets)
    assert "$skiptoken" in gets[1].request.query


def test_a_full_last_page_does_not_read_on_with_skip(w: M365World) -> None:
    rows = list(client(w, [], page_size=5).items(LIST))
    assert len(rows) == 5  # exactly one full page, no __next: done (no $skip, which SharePoint ignores)


@pytest.mark.parametrize("status", [429, 503])
def test_throttling_waits_for_retry_after_then_succeeds(w: M365World, status: int) -> None:
    slept: list[float] = []
    w.sharepoint.fail_next("items.get", status=status, retry_after=11, count=2)
    assert len(list(client(w, slept).items(LIST))) == 5
    assert slept == [11.0, 11.0]


def test_a_write_is_retried_once_and_stored_once(w: M365World) -> None:
    slept: list[float] = []
    sp = client(w, slept)
    w.sharepoint.fail_next("items.add", status=429, retry_after=3)
    sp.add_item(LIST, {"Title": "once", "Measure ID": "X1"})
    titles = [i.values["Title"] for i in w.sharepoint.get_list(LIST).items.values()]
    assert titles.count("once") == 1 and slept == [3.0]


def test_a_bad_request_is_not_retried(w: M365World) -> None:
    slept: list[float] = []
    before = len(w.sharepoint.calls_of("items.get"))
    with pytest.raises(TransportError) as caught:
        list(client(w, slept).items(LIST, where="Nonsense eq 1"))
    assert caught.value.permanent and "HTTP 400" in str(caught.value)
    assert slept == [] and len(w.sharepoint.calls_of("items.get")) == before + 1


def test_throttling_that_does_not_stop_is_left_for_the_next_tick(w: M365World) -> None:
    slept: list[float] = []
    w.sharepoint.fail_next("items.get", status=503, retry_after=1000, count=3)
    with pytest.raises(TransportError) as caught:
        list(client(w, slept, attempts=3, longest_wait=60).items(LIST))
    assert not caught.value.permanent and "HTTP 503" in str(caught.value)
    assert slept == [60.0, 60.0]  # a long Retry-After is capped; the scheduler tries again later


def test_a_missing_list_is_reported_as_missing(w: M365World) -> None:
    sp = client(w, [])
    assert sp.list_exists(LIST) and not sp.list_exists("No Such List")


def test_a_token_from_a_client_secret_is_refused_with_the_fix(w: M365World) -> None:
    secret_only = tokens(w, M365_CERT_PATH="", M365_CERT_THUMBPRINT="", SHAREPOINT_SITE_URL="",
                         M365_CLIENT_SECRET=BOT_SECRET)  # fmt: skip
    sp = SharePointClient(w.sharepoint.site_url, secret_only, sleep=lambda s: None)
    with pytest.raises(TransportError) as caught:
        sp.list_exists(LIST)
    assert caught.value.permanent and "HTTP 401" in str(caught.value)
    assert "Unsupported app only token" in str(caught.value)


def test_an_expired_form_digest_is_renewed(w: M365World) -> None:
    sp = client(w, [])
    sp.add_item(LIST, {"Title": "before", "Measure ID": "X2"})
    w.sharepoint.expire_digests()
    sp.add_item(LIST, {"Title": "after", "Measure ID": "X3"})
    titles = [i.values["Title"] for i in w.sharepoint.get_list(LIST).items.values()]
    assert "after" in titles
