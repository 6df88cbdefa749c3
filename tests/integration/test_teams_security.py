"""Inbound security of /api/messages: only activities with a valid Bot Framework JWT (issuer,
audience, a key from the OpenID metadata's JWKS, the `serviceurl` claim) from the council's
tenant are handled; anything else gets 401/403 and changes nothing in the store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from perfbot import app as app_module
from perfbot.server import create_asgi
from perfbot.settings import Settings
from tests.integration.test_teams_support import (
    ALICE,
    Conversation,
    M365World,
    fingerprint,
    world,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[M365World, Conversation]]:
    with world(tmp_path_factory.mktemp("security")) as w, pytest.MonkeyPatch.context() as patch:
        patch.setenv("REQUESTS_CA_BUNDLE", str(w.ca.cert_path))  # msal's own session trusts the test CA
        settings = w.settings()
        teams = Conversation(create_asgi(w.app(settings), settings, run_scheduler=False))
        yield w, teams
        teams.close()


@pytest.mark.parametrize("fault", ["expired", "wrong_key", "wrong_audience", "wrong_issuer",
                                   "wrong_service_url"])  # fmt: skip
def test_a_bad_token_is_refused_and_changes_nothing(setup, fault: str) -> None:  # noqa: ANN001
    w, teams = setup
    before, sent = fingerprint(w.data), len(w.connector.sent)
    response = teams.post(w.install(ALICE), w.token(**{fault: True}))
    assert (response.status_code, response.json()) == (401, {"error": "Unauthorized"})
    response = teams.post(w.say(ALICE, "status"), w.token(**{fault: True}))
    assert response.status_code == 401
    assert fingerprint(w.data) == before and len(w.connector.sent) == sent


@pytest.mark.parametrize("header", [None, "Basic b3dlbjpzZWNyZXQ=", "Bearer ", "Bearer not-a-jwt"])
def test_no_usable_token_is_refused(setup, header: str | None) -> None:  # noqa: ANN001
    w, teams = setup
    before = fingerprint(w.data)
    assert teams.post(w.say(ALICE, "submit"), None, authorization=header).status_code == 401
    assert fingerprint(w.data) == before


def test_another_tenant_is_forbidden(setup) -> None:  # noqa: ANN001
    w, teams = setup
    before = fingerprint(w.data)
    activity = w.say(ALICE, "status")
    activity["conversation"]["tenantId"] = activity["channelData"]["tenant"]["id"] = "someone-else"
    assert teams.post(activity, w.token()).status_code == 403
    assert fingerprint(w.data) == before


def test_a_body_that_is_not_an_activity_is_refused(setup) -> None:  # noqa: ANN001
    w, teams = setup
    before = fingerprint(w.data)
    assert teams.post(b"<xml/>", w.token()).status_code == 400
    assert teams.post(b"[1, 2]", w.token()).status_code == 400
    assert fingerprint(w.data) == before


def test_a_valid_token_is_accepted(setup) -> None:  # noqa: ANN001
    w, teams = setup
    assert teams.post(w.install(ALICE), w.token()).status_code == 200
    assert w.botframework.calls_of("keys")  # the signing keys came from the JWKS endpoint


def test_without_an_app_registration_there_is_no_bot_endpoint(setup, tmp_path) -> None:  # noqa: ANN001
    w, _ = setup
    settings = Settings.from_env({"TEAMS_WORKFLOW_WEBHOOK_URL": w.webhook.webhook_url})  # digests only
    app = app_module.build(tmp_path, settings=settings)
    teams = Conversation(create_asgi(app, settings, run_scheduler=False))
    try:
        assert teams.post(w.say(ALICE, "status"), w.token()).status_code in (404, 405)
    finally:
        teams.close()
