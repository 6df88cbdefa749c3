"""Fakes for the Bot Framework side of Microsoft Teams, plus realistic inbound activities.

* :class:`FakeBotFrameworkAuth` — ``login.botframework.com``: OpenID metadata at
  ``/v1/.well-known/openidconfiguration`` and a JWKS (with ``endorsements``) at
  ``/v1/.well-known/keys``; :meth:`~FakeBotFrameworkAuth.issue_inbound_token` signs the JWT that
  Teams puts on every activity it POSTs to the bot.
* :class:`FakeBotConnector` — the Bot Connector REST API at a ``serviceUrl``
  (``http://127.0.0.1:PORT/emea/``): create conversation, send, reply, update, delete, members.
  Bearer tokens must come from :class:`~tests.fakes.identity.FakeIdentity` for
  ``https://api.botframework.com`` and the bot's app id.
* ``message_activity`` & co. build inbound activities with real Teams payload shapes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt

from .identity import FakeIdentity, SigningKey
from .server import FakeServer, Reply, Request
from .tls import LocalCA

BOT_ISSUER = "https://api.botframework.com"
BOT_AUDIENCE = "https://api.botframework.com"
ENDORSEMENTS = ["msteams", "skype", "webchat", "directline", "emulator", "slack", "sms", "email"]
MAX_ACTIVITY_BYTES = 28_000  # Teams rejects bot messages over ~28 KB
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"


# --- login.botframework.com ----------------------------------------------------------------
class FakeBotFrameworkAuth(FakeServer):
    """OpenID metadata + JWKS for inbound activity tokens (plain HTTP unless ``ca`` is given)."""

    def __init__(
        self, *, ca: LocalCA | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        super().__init__(ca=ca)
        self.clock = clock
        self._keys = [SigningKey.generate("fake-botframework")]
        self._rogue_key = SigningKey.generate("rogue")

    @property
    def signing_key(self) -> SigningKey:
        """The key that signs new tokens (the newest published one)."""
        with self._lock:
            return self._keys[-1]

    @property
    def openid_metadata_url(self) -> str:
        """Give this to ``with_overrides(PUBLIC, openid_metadata_url=…)``."""
        return f"{self.url}/v1/.well-known/openidconfiguration"

    @property
    def keys_url(self) -> str:
        return f"{self.url}/v1/.well-known/keys"

    def rotate_keys(self, *, keep_old: bool = True) -> None:
        """Sign with a new key; ``keep_old=False`` also unpublishes the previous one.

        PyJWT's ``PyJWKClient`` (used by the Teams SDK) refetches the JWKS for an unknown
        ``kid`` at most once per 30 s, so a key first seen within 30 s of a fetch is rejected.
        """
        with self._lock:
            fresh = SigningKey.generate("fake-botframework-rotated")
            self._keys = [*self._keys, fresh] if keep_old else [fresh]

    def issue_inbound_token(
        self,
        *,
        app_id: str,
        service_url: str,
        expired: bool = False,
        wrong_key: bool = False,
        wrong_audience: bool = False,
        wrong_issuer: bool = False,
        wrong_service_url: bool = False,
        lifetime: int = 3600,
    ) -> str:
        """The ``Authorization: Bearer`` JWT Teams sends with an activity (claims as in production)."""
        now = int(self.clock()) - (lifetime + 900 if expired else 0)
        claims = {
            "serviceurl": "https://smba.trafficmanager.net/evil/"
            if wrong_service_url
            else service_url,
            "nbf": now - 5,
            "exp": now + lifetime,
            "iss": "https://api.botframework.evil" if wrong_issuer else BOT_ISSUER,
            "aud": str(uuid.uuid4()) if wrong_audience else app_id,
        }
        key = self._rogue_key if wrong_key else self.signing_key
        return key.sign(claims, kid=self.signing_key.kid)

    def kind_of(self, request: Request) -> str:
        return {
            "/v1/.well-known/openidconfiguration": "openid-configuration",
            "/v1/.well-known/keys": "keys",
        }.get(request.path, request.path)

    def handle(self, request: Request) -> Reply:
        if request.path == "/v1/.well-known/openidconfiguration":
            return Reply(
                200,
                {
                    "issuer": BOT_ISSUER,
                    "authorization_endpoint": "https://invalid.botframework.com",
                    "jwks_uri": self.keys_url,
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "token_endpoint_auth_methods_supported": ["private_key_jwt"],
                },
            )
        if request.path == "/v1/.well-known/keys":
            with self._lock:
                keys = [key.jwk(endorsements=ENDORSEMENTS) for key in self._keys]
            return Reply(200, {"keys": keys})
        return Reply(404, {"error": "not found"})


# --- Bot Connector (serviceUrl) ------------------------------------------------------------
@dataclass(frozen=True)
class SentActivity:
    """One activity the bot sent, replied, updated or deleted."""

    op: str
    conversation_id: str
    activity_id: str
    activity: dict[str, Any]

    @property
    def text(self) -> str | None:
        return self.activity.get("text")

    @property
    def cards(self) -> list[dict[str, Any]]:
        """Adaptive Card contents attached to the activity."""
        return [
            a["content"]
            for a in self.activity.get("attachments") or []
            if a.get("contentType") == ADAPTIVE_CARD
        ]


@dataclass
class _Conversation:
    id: str
    conversation_type: str
    tenant_id: str
    members: list[dict[str, Any]]
    bot_present: bool = True


class ConnectorError(Exception):
    """A Bot Connector error response."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


_ROUTE = re.compile(
    r"^/v3/conversations(?:/(?P<cid>[^/]+)(?:/(?P<sub>activities|members)(?:/(?P<aid>[^/]+))?)?)?/?$"
)


class FakeBotConnector(FakeServer):
    """Bot Connector REST API for one bot, rooted at :attr:`service_url`."""

    def __init__(
        self,
        *,
        identity: FakeIdentity,
        bot_app_id: str,
        tenant_id: str | None = None,
        region: str = "emea",
        ca: LocalCA | None = None,
    ) -> None:
        super().__init__(ca=ca)
        self.identity = identity
        self.bot_app_id = bot_app_id
        self.tenant_id = tenant_id or identity.tenant_id
        self.region = region
        self._conversations: dict[str, _Conversation] = {}
        self._sent: list[SentActivity] = []
        self._ids = itertools.count(int(time.time() * 1000))

    @property
    def service_url(self) -> str:
        """The ``serviceUrl`` Teams would put on activities, e.g. ``http://127.0.0.1:P/emea/``."""
        return f"{self.url}/{self.region}/"

    @property
    def sent(self) -> list[SentActivity]:
        """Every activity operation, in order."""
        with self._lock:
            return list(self._sent)

    def sent_to(self, conversation_id: str) -> list[SentActivity]:
        return [s for s in self.sent if s.conversation_id == conversation_id]

    def add_conversation(
        self,
        *,
        user_aad_object_id: str,
        conversation_type: str = "personal",
        conversation_id: str | None = None,
        user_name: str = "Test User",
        email: str | None = None,
    ) -> str:
        """Register an existing conversation (as if the app were installed); returns its id."""
        member = channel_account(
            aad_object_id=user_aad_object_id, name=user_name, email=email, tenant_id=self.tenant_id
        )
        cid = conversation_id or personal_conversation_id(user_aad_object_id, self.bot_app_id)
        with self._lock:
            self._conversations[cid] = _Conversation(
                cid, conversation_type, self.tenant_id, [member]
            )
        return cid

    def uninstall(self, conversation_id: str) -> None:
        """Remove the bot from a conversation: later sends get 403 ``BotNotInConversationRoster``."""
        with self._lock:
            self._conversations[conversation_id].bot_present = False

    # protocol ----------------------------------------------------------------------------
    def _route(self, request: Request) -> re.Match[str] | None:
        prefix = f"/{self.region}"
        if not request.path.startswith(prefix + "/"):
            return None
        return _ROUTE.match(request.path[len(prefix) :])

    def kind_of(self, request: Request) -> str:
        match = self._route(request)
        if match is None:
            return request.path
        if match["sub"] == "members":
            return "members"
        if match["sub"] is None:
            return "create_conversation"
        ops = {
            "POST": "reply" if match["aid"] else "send",
            "PUT": "update",
            "DELETE": "delete",
            "GET": "get",
        }
        return ops.get(request.method, request.method)

    def fault_reply(self, fault: Any) -> Reply:
        reply = super().fault_reply(fault)
        if fault.body is None and fault.status == 429:
            reply.body = {
                "error": {"code": "Throttled", "message": "Too many requests. Retry later."}
            }
        return reply

    def handle(self, request: Request) -> Reply:
        match = self._route(request)
        if match is None:
            return Reply(
                404,
                {
                    "message": f"No HTTP resource was found that matches the request URI '{request.path}'."
                },
            )
        claims = self._authorize(request)
        if claims is None:
            return Reply(401, {"message": "Authorization has been denied for this request."})
        try:
            with self._lock:
                return self._dispatch(request, match)
        except ConnectorError as err:
            return Reply(err.status, {"error": {"code": err.code, "message": err.message}})

    def _authorize(self, request: Request) -> dict[str, Any] | None:
        token = request.bearer()
        if not token:
            return None
        try:
            claims = self.identity.verify_access_token(token, audience=BOT_AUDIENCE)
        except jwt.InvalidTokenError:
            return None
        return claims if claims.get("appid") == self.bot_app_id else None

    def _dispatch(self, request: Request, match: re.Match[str]) -> Reply:
        cid, sub, aid = match["cid"], match["sub"], match["aid"]
        if cid is None:
            if request.method != "POST":
                raise ConnectorError(
                    405, "BadSyntax", "Listing conversations is not supported for Teams bots."
                )
            return self._create_conversation(_json(request))
        conversation = self._conversation(cid)
        if sub == "members":
            return self._members(conversation, aid)
        if sub != "activities":
            raise ConnectorError(404, "NotFound", "Unknown resource.")
        return self._activity_op(request, conversation, aid)

    def _conversation(self, cid: str) -> _Conversation:
        base = cid.split(";messageid=")[0]
        conversation = self._conversations.get(cid) or self._conversations.get(base)
        if conversation is None:
            raise ConnectorError(404, "ConversationNotFound", "Conversation not found.")
        if not conversation.bot_present:
            raise ConnectorError(
                403, "BotNotInConversationRoster", "The bot is not part of the conversation roster."
            )
        return conversation

    def _create_conversation(self, body: dict[str, Any]) -> Reply:
        members = body.get("members") or []
        tenant = body.get("tenantId") or (body.get("channelData") or {}).get("tenant", {}).get("id")
        if not members or not all(m.get("id") for m in members) or not tenant:
            raise ConnectorError(400, "BadSyntax", "Incorrect conversation creation parameters")
        if body.get("isGroup"):
            raise ConnectorError(
                400, "BadSyntax", "Group conversations cannot be created by bots in Teams."
            )
        member = members[0]
        aad = member.get("aadObjectId") or member["id"]
        cid = personal_conversation_id(aad, self.bot_app_id)
        if cid not in self._conversations:
            account = channel_account(
                aad_object_id=aad, name=member.get("name") or "User", tenant_id=tenant
            )
            self._conversations[cid] = _Conversation(cid, "personal", tenant, [account])
        result: dict[str, Any] = {"id": cid}
        if body.get("activity"):
            result["activityId"] = self._record("send", cid, self._valid_activity(body["activity"]))
        return Reply(201, result)

    def _members(self, conversation: _Conversation, member_id: str | None) -> Reply:
        if member_id is None:
            return Reply(200, conversation.members)
        for member in conversation.members:
            if member_id in (member["id"], member.get("aadObjectId")):
                return Reply(200, member)
        raise ConnectorError(
            404, "MemberNotFoundInConversation", "The specified member is not in the conversation."
        )

    def _activity_op(self, request: Request, conversation: _Conversation, aid: str | None) -> Reply:
        if request.method == "POST":
            activity = self._valid_activity(_json(request))
            if aid:
                activity["replyToId"] = aid
            op = "reply" if aid or activity.get("replyToId") else "send"
            return Reply(201, {"id": self._record(op, conversation.id, activity)})
        if aid is None or not self._known(conversation.id, aid):
            raise ConnectorError(404, "ActivityNotFound", "Activity not found.")
        if request.method == "PUT":
            self._record("update", conversation.id, self._valid_activity(_json(request)), aid)
            return Reply(200, {"id": aid})
        if request.method == "DELETE":
            self._record("delete", conversation.id, {}, aid)
            return Reply(200)
        raise ConnectorError(405, "BadSyntax", f"Method {request.method} is not allowed.")

    def _known(self, cid: str, aid: str) -> bool:
        return any(
            s.activity_id == aid and s.conversation_id.split(";")[0] == cid.split(";")[0]
            for s in self._sent
        )

    def _record(self, op: str, cid: str, activity: dict[str, Any], aid: str | None = None) -> str:
        activity_id = aid or str(next(self._ids))
        self._sent.append(SentActivity(op, cid, activity_id, activity))
        return activity_id

    @staticmethod
    def _valid_activity(activity: Any) -> dict[str, Any]:
        if not isinstance(activity, dict) or not activity.get("type"):
            raise ConnectorError(400, "BadArgument", "Activity type is required.")
        if len(json.dumps(activity).encode()) > MAX_ACTIVITY_BYTES:
            raise ConnectorError(413, "MessageSizeTooBig", "Message size too large.")
        if activity["type"] == "message":
            attachments = activity.get("attachments") or []
            if not activity.get("text") and not attachments:
                raise ConnectorError(400, "BadArgument", "Message must have text or attachments.")
            for attachment in attachments:
                _check_attachment(attachment)
        return activity


def _check_attachment(attachment: dict[str, Any]) -> None:
    if not attachment.get("contentType"):
        raise ConnectorError(400, "BadArgument", "Attachment contentType is required.")
    if attachment["contentType"] == ADAPTIVE_CARD:
        card = attachment.get("content")
        if (
            not isinstance(card, dict)
            or card.get("type") != "AdaptiveCard"
            or not card.get("version")
        ):
            raise ConnectorError(
                400,
                "BadArgument",
                "Adaptive Card content must have type 'AdaptiveCard' and a version.",
            )


def _json(request: Request) -> Any:
    try:
        return request.json()
    except ValueError:
        raise ConnectorError(400, "BadSyntax", "Request body is not valid JSON.") from None


# --- ids and inbound activities ------------------------------------------------------------
def _digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def user_id(aad_object_id: str) -> str:
    """A stable Teams user id (``29:1…``) for an Entra object id."""
    return "29:1" + _digest("user", aad_object_id)[:40]


def bot_id(app_id: str) -> str:
    return f"28:{app_id}"


def personal_conversation_id(aad_object_id: str, app_id: str) -> str:
    """The 1:1 conversation id Teams gives a (user, bot) pair (``a:1…``)."""
    return "a:1" + _digest("chat", aad_object_id, app_id)[:60]


def channel_account(
    *,
    aad_object_id: str,
    name: str = "Test User",
    email: str | None = None,
    tenant_id: str | None = None,
) -> dict[str, Any]:
    """A Teams user account as in ``from`` / members."""
    account = {"id": user_id(aad_object_id), "name": name, "aadObjectId": aad_object_id}
    if email:
        account |= {"email": email, "userPrincipalName": email, "givenName": name.split()[0]}
    if tenant_id:
        account |= {"tenantId": tenant_id, "userRole": "user"}
    return account


def _now() -> tuple[str, str]:
    now = dt.datetime.now(dt.UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.%f0Z"), now.strftime("%Y-%m-%dT%H:%M:%S.%f")[
        :-3
    ] + "+00:00"


def _envelope(
    kind: str,
    *,
    from_aad_object_id: str,
    conversation_id: str,
    service_url: str,
    bot_app_id: str,
    tenant_id: str,
    conversation_type: str,
    from_name: str,
) -> dict[str, Any]:
    timestamp, local = _now()
    conversation: dict[str, Any] = {
        "conversationType": conversation_type,
        "tenantId": tenant_id,
        "id": conversation_id,
    }
    if conversation_type != "personal":
        conversation["isGroup"] = True
    return {
        "type": kind,
        "id": str(int(time.time() * 1000)),
        "timestamp": timestamp,
        "localTimestamp": local,
        "localTimezone": "Europe/London",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": channel_account(aad_object_id=from_aad_object_id, name=from_name),
        "conversation": conversation,
        "recipient": {"id": bot_id(bot_app_id), "name": "Perfbot"},
        "entities": [
            {
                "locale": "en-GB",
                "country": "GB",
                "platform": "Web",
                "timezone": "Europe/London",
                "type": "clientInfo",
            }
        ],
        "channelData": _channel_data(tenant_id, conversation_id, conversation_type),
        "locale": "en-GB",
    }


def _channel_data(tenant_id: str, conversation_id: str, conversation_type: str) -> dict[str, Any]:
    data: dict[str, Any] = {"tenant": {"id": tenant_id}}
    if conversation_type == "channel":
        channel = conversation_id.split(";")[0]
        data |= {
            "teamsChannelId": channel,
            "teamsTeamId": channel,
            "channel": {"id": channel},
            "team": {
                "id": channel,
                "name": "Performance",
                "aadGroupId": str(uuid.uuid5(uuid.NAMESPACE_URL, channel)),
            },
        }
    return data


def message_activity(
    *,
    text: str | None,
    from_aad_object_id: str,
    conversation_id: str,
    service_url: str,
    bot_app_id: str,
    tenant_id: str,
    value: dict[str, Any] | None = None,
    reply_to_id: str | None = None,
    conversation_type: str = "personal",
    from_name: str = "Test User",
) -> dict[str, Any]:
    """A user's message; with ``value`` it is an Adaptive Card ``Action.Submit`` (text is then absent)."""
    activity = _envelope(
        "message",
        from_aad_object_id=from_aad_object_id,
        conversation_id=conversation_id,
        service_url=service_url,
        bot_app_id=bot_app_id,
        tenant_id=tenant_id,
        conversation_type=conversation_type,
        from_name=from_name,
    )
    if text is not None:
        activity |= {
            "text": text,
            "textFormat": "plain",
            "attachments": [{"contentType": "text/html", "content": f"<p>{text}</p>"}],
        }
    if value is not None:
        activity["value"] = value
        activity["channelData"] |= {
            "source": {"name": "message"},
            "legacy": {"replyToId": reply_to_id},
        }
    if reply_to_id:
        activity["replyToId"] = reply_to_id
    return activity


def invoke_action_execute(
    *,
    verb: str,
    data: dict[str, Any],
    from_aad_object_id: str,
    conversation_id: str,
    service_url: str,
    bot_app_id: str,
    tenant_id: str,
    reply_to_id: str | None = None,
    conversation_type: str = "personal",
) -> dict[str, Any]:
    """An ``invoke`` named ``adaptiveCard/action`` (Adaptive Card ``Action.Execute``, Universal Actions)."""
    activity = _envelope(
        "invoke",
        from_aad_object_id=from_aad_object_id,
        conversation_id=conversation_id,
        service_url=service_url,
        bot_app_id=bot_app_id,
        tenant_id=tenant_id,
        conversation_type=conversation_type,
        from_name="Test User",
    )
    activity |= {
        "name": "adaptiveCard/action",
        "value": {
            "action": {
                "type": "Action.Execute",
                "id": str(uuid.uuid4()),
                "verb": verb,
                "data": data,
            },
            "trigger": "manual",
        },
    }
    activity["channelData"]["source"] = {"name": "message"}
    if reply_to_id:
        activity["replyToId"] = reply_to_id
    return activity


def conversation_update_installed(
    *,
    from_aad_object_id: str,
    conversation_id: str,
    service_url: str,
    bot_app_id: str,
    tenant_id: str,
    conversation_type: str = "personal",
) -> dict[str, Any]:
    """``conversationUpdate`` with the bot in ``membersAdded`` (app installed for a user or a team)."""
    activity = _envelope(
        "conversationUpdate",
        from_aad_object_id=from_aad_object_id,
        conversation_id=conversation_id,
        service_url=service_url,
        bot_app_id=bot_app_id,
        tenant_id=tenant_id,
        conversation_type=conversation_type,
        from_name="Test User",
    )
    activity["membersAdded"] = [{"id": bot_id(bot_app_id)}]
    if conversation_type == "channel":
        activity["channelData"]["eventType"] = "teamMemberAdded"
    return activity


def installation_update(
    *,
    action: str,
    from_aad_object_id: str,
    conversation_id: str,
    service_url: str,
    bot_app_id: str,
    tenant_id: str,
    conversation_type: str = "personal",
) -> dict[str, Any]:
    """``installationUpdate`` with ``action`` ``"add"`` or ``"remove"``."""
    activity = _envelope(
        "installationUpdate",
        from_aad_object_id=from_aad_object_id,
        conversation_id=conversation_id,
        service_url=service_url,
        bot_app_id=bot_app_id,
        tenant_id=tenant_id,
        conversation_type=conversation_type,
        from_name="Test User",
    )
    activity["action"] = action
    if conversation_type == "channel":
        activity["channelData"]["settings"] = {
            "selectedChannel": {"id": conversation_id.split(";")[0]}
        }
    return activity
