"""The Microsoft 365 fakes, driven by the real client libraries (msal, office365, Teams SDK).

These tests double as the recipes for running those libraries offline against the fakes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import msal
import pytest
import requests
from microsoft_teams.api import (
    AdaptiveCardActionMessageResponse,
    AdaptiveCardInvokeActivity,
    MessageActivity,
    MessageActivityInput,
)
from microsoft_teams.api.auth.cloud_environment import PUBLIC, with_overrides
from microsoft_teams.apps import ActivityContext, App
from microsoft_teams.cards import AdaptiveCard
from office365.runtime.client_request_exception import ClientRequestException
from office365.sharepoint.client_context import ClientContext
from office365.sharepoint.fields.creation_information import FieldCreationInformation
from office365.sharepoint.fields.type import FieldType

from tests.fakes.botframework import (
    FakeBotConnector,
    FakeBotFrameworkAuth,
    invoke_action_execute,
    message_activity,
)
from tests.fakes.identity import ClientCertificate, FakeIdentity, make_client_certificate
from tests.fakes.sharepoint import FakeSharePoint
from tests.fakes.tls import LocalCA

BOT_ID = "00000000-0000-0000-0000-0000000000b0"
BOT_SECRET = "bot-secret-value"
SP_APP_ID = "00000000-0000-0000-0000-0000000005a0"
USER = "aaaaaaaa-0000-0000-0000-000000000001"
BOT_SCOPE = "https://api.botframework.com/.default"
SP_RESOURCE = "https://contoso.sharepoint.com"


# --- fixtures -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ca() -> Iterator[LocalCA]:
    authority = LocalCA()
    yield authority
    authority.close()


@pytest.fixture(scope="module")
def cert() -> ClientCertificate:
    return make_client_certificate("perfbot-sharepoint")


@pytest.fixture(scope="module")
def identity(ca: LocalCA, cert: ClientCertificate) -> Iterator[FakeIdentity]:
    with FakeIdentity(ca=ca) as fake:
        fake.register_app(BOT_ID, secret=BOT_SECRET)
        fake.register_app(SP_APP_ID, secret="sp-secret", certificate_pem=cert.certificate_pem)
        yield fake


@pytest.fixture(scope="module")
def botframework() -> Iterator[FakeBotFrameworkAuth]:
    with FakeBotFrameworkAuth() as fake:
        yield fake


@pytest.fixture()
def connector(identity: FakeIdentity) -> Iterator[FakeBotConnector]:
    with FakeBotConnector(identity=identity, bot_app_id=BOT_ID) as fake:
        yield fake


def ticking_clock(start: dt.datetime, step: dt.timedelta) -> Callable[[], dt.datetime]:
    """A clock that moves ``step`` forward on every read (distinct, ordered timestamps)."""
    ticks = itertools.count()
    return lambda: start + next(ticks) * step


@pytest.fixture(scope="module")
def sharepoint(identity: FakeIdentity) -> Iterator[FakeSharePoint]:
    clock = ticking_clock(dt.datetime.now(dt.UTC), dt.timedelta(seconds=1))
    with FakeSharePoint(identity=identity, clock=clock) as fake:
        yield fake


def msal_app(
    identity: FakeIdentity, ca: LocalCA, client_id: str, credential: Any
) -> msal.ConfidentialClientApplication:
    """The production recipe: own authority, no instance discovery, a session that trusts the CA."""
    return msal.ConfidentialClientApplication(
        client_id,
        client_credential=credential,
        authority=identity.authority,
        instance_discovery=False,
        http_client=ca.requests_session(),
    )


@pytest.fixture()
def sp_ctx(
    identity: FakeIdentity, ca: LocalCA, cert: ClientCertificate, sharepoint: FakeSharePoint
) -> ClientContext:
    app = msal_app(identity, ca, SP_APP_ID, cert.msal_credential())
    return ClientContext(sharepoint.site_url).with_access_token(
        lambda: app.acquire_token_for_client([f"{SP_RESOURCE}/.default"])
    )


# --- msal against the fake identity platform ------------------------------------------------
def test_msal_client_secret_token_is_cached(identity: FakeIdentity, ca: LocalCA) -> None:
    app = msal_app(identity, ca, BOT_ID, BOT_SECRET)
    before = identity.token_requests
    first = app.acquire_token_for_client([BOT_SCOPE])
    second = app.acquire_token_for_client([BOT_SCOPE])
    assert first["token_source"] == "identity_provider"
    assert second["token_source"] == "cache"
    assert identity.token_requests == before + 1
    claims = identity.verify_access_token(
        first["access_token"], audience="https://api.botframework.com"
    )
    assert (claims["appid"], claims["appidacr"]) == (BOT_ID, "1")


def test_msal_wrong_secret_is_invalid_client(identity: FakeIdentity, ca: LocalCA) -> None:
    result = msal_app(identity, ca, BOT_ID, "not-the-secret").acquire_token_for_client([BOT_SCOPE])
    assert result["error"] == "invalid_client"
    assert result["error_codes"] == [7000215]
    assert result["error_description"].startswith("AADSTS7000215: Invalid client secret provided.")


@pytest.mark.parametrize("sha256", [False, True], ids=["RS256-x5t", "PS256-x5t#S256"])
def test_msal_certificate_assertion(
    identity: FakeIdentity, ca: LocalCA, cert: ClientCertificate, sha256: bool
) -> None:
    app = msal_app(identity, ca, SP_APP_ID, cert.msal_credential(sha256=sha256))
    result = app.acquire_token_for_client([f"{SP_RESOURCE}/.default"])
    claims = identity.verify_access_token(result["access_token"], audience=SP_RESOURCE)
    assert claims["appidacr"] == "2"


def test_msal_unregistered_certificate_is_rejected(identity: FakeIdentity, ca: LocalCA) -> None:
    stranger = make_client_certificate("stranger")
    result = msal_app(identity, ca, SP_APP_ID, stranger.msal_credential()).acquire_token_for_client(
        [f"{SP_RESOURCE}/.default"]
    )
    assert (result["error"], result["error_codes"]) == ("invalid_client", [700027])


def test_msal_adfs_authority_needs_no_instance_discovery_flag(
    identity: FakeIdentity, ca: LocalCA
) -> None:
    app = msal.ConfidentialClientApplication(
        BOT_ID,
        client_credential=BOT_SECRET,
        authority=identity.adfs_authority,
        http_client=ca.requests_session(),
    )
    assert "access_token" in app.acquire_token_for_client([BOT_SCOPE])


def test_msal_honours_retry_after_from_token_endpoint(identity: FakeIdentity, ca: LocalCA) -> None:
    app = msal_app(identity, ca, BOT_ID, BOT_SECRET)
    identity.fail_next("token", status=429, retry_after=1)
    before = identity.token_requests
    assert app.acquire_token_for_client([BOT_SCOPE])["error"] == "temporarily_unavailable"
    assert app.acquire_token_for_client([BOT_SCOPE])["error"] == "temporarily_unavailable"
    assert identity.token_requests == before + 1  # msal answered the retry from its throttle cache
    time.sleep(1.05)
    assert "access_token" in app.acquire_token_for_client([BOT_SCOPE])


# --- office365 against the fake SharePoint --------------------------------------------------
def test_sharepoint_list_fields_items_and_paging(
    sp_ctx: ClientContext, sharepoint: FakeSharePoint
) -> None:
    lst = sp_ctx.web.lists.add_list("Perf Returns", "Quarterly returns").execute_query()
    assert lst.properties["ListItemEntityTypeFullName"] == "SP.Data.Perf_x0020_ReturnsListItem"
    lst.fields.add(FieldType.Number, Title="Value").execute_query()
    choice = FieldCreationInformation(
        Title="Rag", FieldTypeKind=FieldType.Choice, Choices=["Green", "Amber", "Red"]
    )
    lst.fields.add_field(choice).execute_query()
    lst.fields.create_field_as_xml(
        '<Field Type="Note" DisplayName="Commentary" Name="Commentary"/>'
    ).execute_query()
    for n in range(5):
        lst.add_item({"Title": f"M{n}", "Value": n, "Rag": "Green"}).execute_query()

    cutoff = max(i.properties["Modified"] for i in lst.items.get().execute_query())
    item = lst.items.get_by_id(3)
    item.set_property("Value", 42).update().execute_query()
    again = lst.items.get_by_id(3).get().execute_query()
    assert (again.properties["Value"], again.properties["OData__UIVersionString"]) == (42, "2.0")
    assert again.properties["Modified"] > cutoff

    changed = lst.items.filter(f"Modified gt datetime'{cutoff}'").get_all(2).execute_query()
    assert [i.id for i in changed] == [3]
    everything = lst.items.get_all(2).execute_query()
    assert [i.id for i in everything] == [1, 2, 3, 4, 5]
    assert len(sharepoint.calls_of("items.get")) >= 3  # followed __next twice


def test_sharepoint_upload_to_document_library(
    sp_ctx: ClientContext, sharepoint: FakeSharePoint
) -> None:
    folder = sp_ctx.web.get_folder_by_server_relative_url("Shared Documents")
    folder.upload_file("q3.csv", b"measure_id,value\nM1,3\n").execute_query()
    assert sharepoint.file_content("/sites/perf/Shared Documents/q3.csv").startswith(b"measure_id")


def test_sharepoint_missing_list_is_404(sp_ctx: ClientContext) -> None:
    with pytest.raises(ClientRequestException) as caught:
        sp_ctx.web.lists.get_by_title("Nope").get().execute_query()
    assert caught.value.response.status_code == 404
    assert caught.value.code == "-1, System.ArgumentException"


def with_retries(
    action: Callable[[], Any], *, sleep: Callable[[float], None], attempts: int = 3
) -> Any:
    """What our channel does: retry 429/503 after Retry-After, nothing else."""
    for attempt in range(attempts):
        try:
            return action()
        except ClientRequestException as exc:
            status = exc.response.status_code
            if status not in (429, 503) or attempt == attempts - 1:
                raise
            sleep(float(exc.response.headers.get("Retry-After", "1")))
    raise AssertionError("unreachable")


def test_sharepoint_429_is_retried_by_our_loop(
    sp_ctx: ClientContext, sharepoint: FakeSharePoint
) -> None:
    lst = sp_ctx.web.lists.add_list("Throttled").execute_query()
    sharepoint.fail_next("items.add", status=429, retry_after=7)
    slept: list[float] = []
    with_retries(lambda: lst.add_item({"Title": "once"}).execute_query(), sleep=slept.append)
    assert slept == [7.0]
    assert [i.values["Title"] for i in sharepoint.get_list("Throttled").items.values()] == ["once"]


def test_sharepoint_is_strict(identity: FakeIdentity, sharepoint: FakeSharePoint) -> None:
    sharepoint.add_list("Strict")
    api = f"{sharepoint.site_url}/_api"
    verbose = {
        "Accept": "application/json;odata=verbose",
        "Content-Type": "application/json;odata=verbose",
    }
    cert_token = identity.issue_access_token(client_id=SP_APP_ID, resource=SP_RESOURCE)
    secret_token = identity.issue_access_token(
        client_id=SP_APP_ID, resource=SP_RESOURCE, auth_method="secret"
    )
    auth = verbose | {"Authorization": f"Bearer {cert_token}"}
    items = f"{api}/Web/lists/GetByTitle('Strict')/items"
    body = {"__metadata": {"type": "SP.Data.StrictListItem"}, "Title": "x"}

    denied = requests.get(
        f"{api}/Web/lists", headers=verbose | {"Authorization": f"Bearer {secret_token}"}
    )
    assert (denied.status_code, denied.json()) == (
        401,
        {"error_description": "Unsupported app only token."},
    )
    assert requests.post(items, json=body, headers=auth).status_code == 403  # no X-RequestDigest
    digest = requests.post(f"{api}/contextinfo", headers=auth).json()["d"][
        "GetContextWebInformation"
    ]["FormDigestValue"]
    auth["X-RequestDigest"] = digest
    wrong_type = requests.post(
        items, json=body | {"__metadata": {"type": "SP.Data.OtherListItem"}}, headers=auth
    )
    assert wrong_type.status_code == 400
    created = requests.post(items, json=body, headers=auth)
    assert created.status_code == 201 and created.json()["d"]["__metadata"]["etag"] == '"1"'
    merge = auth | {"X-HTTP-Method": "MERGE", "IF-MATCH": '"1"'}
    assert requests.post(f"{items}(1)", json=body, headers=merge).status_code == 204
    assert requests.post(f"{items}(1)", json=body, headers=merge).status_code == 412  # stale ETag
    # who saved a row: a user lookup, selected only through its expansion
    unexpanded = requests.get(f"{items}?$select=*,Editor/EMail", headers=auth)
    assert unexpanded.status_code == 400 and "$expand" in unexpanded.text
    assert requests.get(f"{items}?$expand=Nobody", headers=auth).status_code == 400
    [row] = requests.get(f"{items}?$select=Title,Editor/EMail&$expand=Editor", headers=auth).json()["d"]["results"]
    assert row["Editor"]["EMail"] == "" and set(row["Editor"]) == {"__metadata", "EMail"}  # the app saved it


# --- Teams SDK against the Bot Framework fakes ----------------------------------------------
def teams_app(
    identity: FakeIdentity,
    ca: LocalCA,
    botframework: FakeBotFrameworkAuth,
    connector: FakeBotConnector,
) -> App:
    """Teams SDK app: inbound JWTs checked against the fake JWKS, outbound token from our msal."""
    confidential = msal_app(identity, ca, BOT_ID, BOT_SECRET)

    async def token(scope: str, tenant_id: str | None = None) -> str:
        result = await asyncio.to_thread(confidential.acquire_token_for_client, [scope])
        return result["access_token"]

    cloud = with_overrides(PUBLIC, openid_metadata_url=botframework.openid_metadata_url)
    return App(
        client_id=BOT_ID,
        tenant_id=identity.tenant_id,
        token=token,
        cloud=cloud,
        service_url=connector.service_url,
    )


def activity_kwargs(
    identity: FakeIdentity, connector: FakeBotConnector, conversation_id: str
) -> dict[str, str]:
    return {
        "from_aad_object_id": USER,
        "conversation_id": conversation_id,
        "service_url": connector.service_url,
        "bot_app_id": BOT_ID,
        "tenant_id": identity.tenant_id,
    }


async def post_activity(app: App, activity: dict[str, Any], token: str | None) -> httpx.Response:
    """POST an activity to the SDK's ASGI app in-process (nothing binds a port)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    transport = httpx.ASGITransport(app=app.server.adapter.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
        return await client.post("/api/messages", json=activity, headers=headers)


def test_teams_sdk_accepts_valid_token_and_replies(
    identity: FakeIdentity,
    ca: LocalCA,
    botframework: FakeBotFrameworkAuth,
    connector: FakeBotConnector,
) -> None:
    conversation = connector.add_conversation(user_aad_object_id=USER)

    async def scenario() -> httpx.Response:
        app = teams_app(identity, ca, botframework, connector)

        @app.on_message
        async def echo(ctx: ActivityContext[MessageActivity]) -> None:
            await ctx.send(f"echo {ctx.activity.text} from {ctx.activity.from_.aad_object_id}")

        await app.initialize()
        token = botframework.issue_inbound_token(app_id=BOT_ID, service_url=connector.service_url)
        return await post_activity(
            app,
            message_activity(text="hi", **activity_kwargs(identity, connector, conversation)),
            token,
        )

    assert asyncio.run(scenario()).status_code == 200
    assert [s.text for s in connector.sent_to(conversation)] == [f"echo hi from {USER}"]


@pytest.mark.parametrize(
    "fault",
    ["expired", "wrong_key", "wrong_audience", "wrong_issuer", "wrong_service_url", "missing"],
)
def test_teams_sdk_rejects_bad_inbound_tokens(
    identity: FakeIdentity,
    ca: LocalCA,
    botframework: FakeBotFrameworkAuth,
    connector: FakeBotConnector,
    fault: str,
) -> None:
    conversation = connector.add_conversation(user_aad_object_id=USER)
    handled: list[str] = []

    async def scenario() -> httpx.Response:
        app = teams_app(identity, ca, botframework, connector)

        @app.on_message
        async def record(ctx: ActivityContext[MessageActivity]) -> None:
            handled.append(ctx.activity.text)

        await app.initialize()
        options = {} if fault == "missing" else {fault: True}
        token = (
            None
            if fault == "missing"
            else botframework.issue_inbound_token(
                app_id=BOT_ID, service_url=connector.service_url, **options
            )
        )
        return await post_activity(
            app,
            message_activity(text="hi", **activity_kwargs(identity, connector, conversation)),
            token,
        )

    assert asyncio.run(scenario()).status_code == 401
    assert handled == []


def test_teams_sdk_card_submit_and_execute(
    identity: FakeIdentity,
    ca: LocalCA,
    botframework: FakeBotFrameworkAuth,
    connector: FakeBotConnector,
) -> None:
    conversation = connector.add_conversation(user_aad_object_id=USER)
    kwargs = activity_kwargs(identity, connector, conversation)
    got: dict[str, Any] = {}

    async def scenario() -> httpx.Response:
        app = teams_app(identity, ca, botframework, connector)

        @app.on_message
        async def submit(ctx: ActivityContext[MessageActivity]) -> None:
            got["submit"] = ctx.activity.value

        @app.on_card_action
        async def execute(
            ctx: ActivityContext[AdaptiveCardInvokeActivity],
        ) -> AdaptiveCardActionMessageResponse:
            got["execute"] = (ctx.activity.value.action.verb, ctx.activity.value.action.data)
            return AdaptiveCardActionMessageResponse(value="Return saved")

        await app.initialize()
        token = botframework.issue_inbound_token(app_id=BOT_ID, service_url=connector.service_url)
        await post_activity(
            app,
            message_activity(
                text=None,
                value={"measure_id": "M1", "value": "3"},
                reply_to_id="1700000000000",
                **kwargs,
            ),
            token,
        )
        return await post_activity(
            app,
            invoke_action_execute(verb="submitReturn", data={"measure_id": "M1"}, **kwargs),
            token,
        )

    invoke = asyncio.run(scenario())
    assert got == {
        "submit": {"measure_id": "M1", "value": "3"},
        "execute": ("submitReturn", {"measure_id": "M1"}),
    }
    assert invoke.json() == {
        "statusCode": 200,
        "type": "application/vnd.microsoft.activity.message",
        "value": "Return saved",
    }


def test_teams_sdk_proactive_send_update_and_429(
    identity: FakeIdentity,
    ca: LocalCA,
    botframework: FakeBotFrameworkAuth,
    connector: FakeBotConnector,
) -> None:
    conversation = connector.add_conversation(user_aad_object_id=USER)
    card = AdaptiveCard.model_validate(
        {
            "type": "AdaptiveCard",
            "version": "1.5",
            "body": [{"type": "TextBlock", "text": "Q3 return due"}],
        }
    )

    async def scenario() -> httpx.HTTPStatusError:
        app = teams_app(identity, ca, botframework, connector)
        await app.initialize()
        sent = await app.send(conversation, card)
        update = MessageActivityInput(text="Q3 return received")
        update.id = sent.id
        await app.send(conversation, update)
        connector.fail_next("send", status=429, retry_after=3)
        with pytest.raises(httpx.HTTPStatusError) as caught:
            await app.send(conversation, "reminder")
        return caught.value

    error = asyncio.run(scenario())
    assert (error.response.status_code, error.response.headers["Retry-After"]) == (429, "3")
    ops = [(s.op, s.cards or s.text) for s in connector.sent_to(conversation)]
    assert ops[0][0] == "send" and ops[0][1][0]["body"][0]["text"] == "Q3 return due"
    assert ops[1] == ("update", "Q3 return received")


def test_bot_connector_is_strict(identity: FakeIdentity, connector: FakeBotConnector) -> None:
    api = f"{connector.service_url}v3/conversations"
    bot_token = identity.issue_access_token(
        client_id=BOT_ID, resource="https://api.botframework.com", auth_method="secret"
    )
    sp_token = identity.issue_access_token(client_id=BOT_ID, resource=SP_RESOURCE)
    message = {"type": "message", "text": "hello"}
    bearer = {"Authorization": f"Bearer {bot_token}"}

    assert (
        httpx.post(f"{api}/a:unknown/activities", json=message, headers=bearer).status_code == 404
    )
    assert (
        httpx.post(
            f"{api}/a:x/activities", json=message, headers={"Authorization": f"Bearer {sp_token}"}
        ).status_code
        == 401
    )
    created = httpx.post(
        api, json={"members": [{"id": USER}], "tenantId": identity.tenant_id}, headers=bearer
    )
    assert created.status_code == 201
    conversation = created.json()["id"]
    bad_card = {
        "type": "message",
        "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": {}}],
    }
    assert (
        httpx.post(f"{api}/{conversation}/activities", json=bad_card, headers=bearer).status_code
        == 400
    )
    connector.uninstall(conversation)
    refused = httpx.post(f"{api}/{conversation}/activities", json=message, headers=bearer)
    assert (refused.status_code, refused.json()["error"]["code"]) == (
        403,
        "BotNotInConversationRoster",
    )
