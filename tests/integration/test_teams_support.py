"""Shared pieces for the Microsoft 365 tests: the fakes started together, settings that point at
them, a perfbot app with a small register, and helpers to speak to `/api/messages`.

(Helpers live here, beside the tests that use them; the file's own tests check the helpers.)
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from perfbot import app as app_module
from perfbot.clock import LONDON, ManualClock
from perfbot.settings import M365Settings, Settings
from tests.conftest import make_measure
from tests.fakes.botframework import (
    FakeBotConnector,
    FakeBotFrameworkAuth,
    conversation_update_installed,
    installation_update,
    message_activity,
)
from tests.fakes.identity import ClientCertificate, FakeIdentity, make_client_certificate
from tests.fakes.sharepoint import FakeSharePoint
from tests.fakes.tls import LocalCA
from tests.fakes.workflows import FakeWorkflowWebhook

BOT_ID = "00000000-0000-0000-0000-0000000000b0"
BOT_SECRET = "bot-secret-value"
PERIOD = "2025/26 Q3"
OLIVE = "olive@council.gov.uk"  # performance officer
ALICE, BOB = "alice@council.gov.uk", "bob@council.gov.uk"  # owners
HANA = "hana@council.gov.uk"  # head of service
AAD = {OLIVE: "aaaaaaaa-0000-0000-0000-00000000000f", ALICE: "aaaaaaaa-0000-0000-0000-00000000000a",
       BOB: "aaaaaaaa-0000-0000-0000-00000000000b", HANA: "aaaaaaaa-0000-0000-0000-00000000000c"}  # fmt: skip
CMT_CHANNEL = "19:cmt-performance@thread.tacv2"
TOML = f"""
[council]
name = "Testshire District Council"
performance_officers = ["{OLIVE}"]
[digest]
recipients = ["cmt"]
[channels]
order = ["teams", "local"]
"""


def register() -> list[Any]:
    """Alice owns two percentage measures, Bob one."""
    common = {"head_of_service_email": HANA, "service": "Housing", "target": 90.0}
    return [make_measure("M1", title="Repairs on time", owner_email=ALICE, **common),
            make_measure("M2", title="Rent collected", owner_email=ALICE, **common),
            make_measure("M3", title="Voids relet", owner_email=BOB, **common)]  # fmt: skip


class M365World:
    """The fakes on 127.0.0.1 (identity over HTTPS with a test CA) and a perfbot data dir."""

    def __init__(self, stack: ExitStack, tmp: Path, *, toml: str = TOML) -> None:
        self.ca = LocalCA()
        stack.callback(self.ca.close)
        self.cert: ClientCertificate = make_client_certificate("perfbot")
        self.identity = stack.enter_context(FakeIdentity(ca=self.ca))
        self.identity.register_app(BOT_ID, secret=BOT_SECRET, certificate_pem=self.cert.certificate_pem)
        self.botframework = stack.enter_context(FakeBotFrameworkAuth())
        self.connector = stack.enter_context(FakeBotConnector(identity=self.identity, bot_app_id=BOT_ID))
        self.sharepoint = stack.enter_context(FakeSharePoint(identity=self.identity, page_size=2))
        self.sharepoint.resource = self.sharepoint.url  # the site's own origin is the resource
        self.webhook = stack.enter_context(FakeWorkflowWebhook())
        self.cert_path = tmp / "perfbot.pem"
        self.cert_path.write_text(self.cert.private_key_pem + self.cert.certificate_pem)
        self.data = tmp / "data"
        self.data.mkdir()
        (self.data / "perfbot.toml").write_text(toml)
        self.clock = ManualClock(datetime(2026, 1, 12, 10, 0, tzinfo=LONDON))

    def env(self, **extra: str) -> dict[str, str]:
        """The environment an administrator would set (certificate credentials)."""
        return {"M365_TENANT_ID": self.identity.tenant_id, "M365_CLIENT_ID": BOT_ID,
                "M365_CERT_PATH": str(self.cert_path), "M365_CERT_THUMBPRINT": self.cert.thumbprint,
                "M365_AUTHORITY_HOST": self.identity.url,
                "TEAMS_OPENID_METADATA_URL": self.botframework.openid_metadata_url,
                "SHAREPOINT_SITE_URL": self.sharepoint.site_url, **extra}  # fmt: skip

    def settings(self, **extra: str) -> Settings:
        return Settings.from_env(self.env(**extra))

    @property
    def m365(self) -> M365Settings:
        found = self.settings().m365
        assert found is not None
        return found

    def app(self, settings: Settings | None = None) -> app_module.App:
        built = app_module.build(self.data, clock=self.clock, settings=settings or self.settings())
        built.store.register.apply(register(), [], actor="test")
        return built

    # -- Teams activities --------------------------------------------------------------------
    def personal_chat(self, email: str) -> str:
        """The person's 1:1 chat with the bot, as Teams creates it on install."""
        return self.connector.add_conversation(user_aad_object_id=AAD[email], email=email,
                                               user_name=email.split("@")[0].title())  # fmt: skip

    def kwargs(self, email: str, conversation: str, **extra: Any) -> dict[str, Any]:
        return {"from_aad_object_id": AAD[email], "conversation_id": conversation,
                "service_url": self.connector.service_url, "bot_app_id": BOT_ID,
                "tenant_id": self.identity.tenant_id, **extra}  # fmt: skip

    def install(self, email: str) -> dict[str, Any]:
        return installation_update(action="add", **self.kwargs(email, self.personal_chat(email)))

    def install_in_channel(self, email: str) -> dict[str, Any]:
        self.connector.add_conversation(user_aad_object_id=AAD[email], email=email,
                                        conversation_type="channel", conversation_id=CMT_CHANNEL)  # fmt: skip
        return conversation_update_installed(**self.kwargs(email, CMT_CHANNEL, conversation_type="channel"))

    def say(self, email: str, text: str, *, conversation: str | None = None, **extra: Any) -> dict[str, Any]:
        where = conversation or self.personal_chat(email)
        return message_activity(text=text, **self.kwargs(email, where, **extra))

    def submit(self, email: str, card: dict[str, Any], typed: dict[str, str], *,
               reply_to: str) -> dict[str, Any]:  # fmt: skip
        """An Action.Submit from a card: its data plus what was typed (inputs left as they were)."""
        return message_activity(text=None, value=card_values(card, typed), reply_to_id=reply_to,
                                **self.kwargs(email, self.personal_chat(email)))  # fmt: skip

    def token(self, **faults: bool) -> str:
        return self.botframework.issue_inbound_token(app_id=BOT_ID, service_url=self.connector.service_url,
                                                     **faults)  # fmt: skip


def card_values(card: dict[str, Any], typed: dict[str, str]) -> dict[str, Any]:
    """What Teams sends for Action.Submit: every input's current value, then the action's data."""
    values = {e["id"]: e.get("value", "") for e in walk(card.get("body", [])) if str(e.get("type", "")).startswith("Input.")}
    submit = next(a for a in card["actions"] if a["type"] == "Action.Submit")
    return {**values, **typed, **submit["data"]}


def walk(elements: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for element in elements:
        yield element
        yield from walk(element.get("items", []))


def texts(card: dict[str, Any]) -> list[str]:
    """Every piece of text on a card, in order."""
    found = []
    for element in walk(card.get("body", [])):
        if element.get("type") == "TextBlock":
            found.append(element["text"])
        found += [run["text"] for run in element.get("inlines", [])]
    return found


class Conversation:
    """Posts activities to one ASGI app from one long-lived event loop (as uvicorn would)."""

    def __init__(self, asgi: Any) -> None:
        self._loop = asyncio.new_event_loop()
        self._client = httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi), base_url="http://perfbot")

    def post(self, activity: dict[str, Any] | bytes, token: str | None, *,
             authorization: str | None = None) -> httpx.Response:  # fmt: skip
        """POST as Teams does (`authorization`: send this header as it is instead)."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if authorization is not None:
            headers = {"Authorization": authorization}
        options: dict[str, Any] = {"content": activity} if isinstance(activity, bytes) else {"json": activity}
        return self._loop.run_until_complete(self._client.post("/api/messages", headers=headers, **options))

    def close(self) -> None:
        self._loop.run_until_complete(self._client.aclose())
        self._loop.close()


@contextmanager
def world(tmp: Path, **options: Any) -> Iterator[M365World]:
    with ExitStack() as stack:
        yield M365World(stack, tmp, **options)


def fingerprint(data_dir: Path) -> dict[str, str]:
    """A hash of every file in the data directory (to show a request changed nothing)."""
    return {str(p.relative_to(data_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(data_dir.rglob("*")) if p.is_file() and p.suffix != ".log"}  # fmt: skip


def test_card_values_merge_typed_inputs_and_data() -> None:
    card = {"body": [{"type": "Container", "items": [{"type": "Input.Text", "id": "M1.value", "value": "1"}]}],
            "actions": [{"type": "Action.Submit", "data": {"perfbot": "return"}}]}  # fmt: skip
    assert card_values(card, {"M1.value": "2"}) == {"M1.value": "2", "perfbot": "return"}
