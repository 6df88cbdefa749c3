"""Fake Power Automate / Teams Workflows webhook ("Post to a channel when a webhook request is
received"): plain HTTP on 127.0.0.1.

Strict as the real flow is: POST only, JSON only, a ``{"type": "message", "attachments": [...]}``
envelope whose attachments are Adaptive Cards (``type`` AdaptiveCard, a ``version``), at most
28 KB; answers ``202 Accepted`` with an empty body. Inputs and ``Action.Submit``/``Action.Execute``
are refused (they cannot work in a card posted by a flow). Throttling via ``fail_next``.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from .server import FakeServer, Reply, Request

PATH = "/workflows/perfbot-digest/triggers/manual/paths/invoke"
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
MAX_BYTES = 28_000
_INTERACTIVE = ("Action.Submit", "Action.Execute", "Input.")


class FakeWorkflowWebhook(FakeServer):
    """Records the cards posted to the channel behind the webhook."""

    def __init__(self) -> None:
        super().__init__()
        self._posted: list[dict[str, Any]] = []

    @property
    def webhook_url(self) -> str:
        """The URL an administrator copies from the workflow (signature in the query string)."""
        return f"{self.url}{PATH}?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=fake-signature"

    @property
    def posted(self) -> list[dict[str, Any]]:
        """The cards posted so far (the attachment contents)."""
        with self._lock:
            return list(self._posted)

    def kind_of(self, request: Request) -> str:
        return "post" if request.path == PATH else request.path

    def handle(self, request: Request) -> Reply:
        if request.path != PATH or request.param("sig") != "fake-signature":
            return Reply(404, {"error": {"code": "TriggerNotFound", "message": "The workflow was not found."}})
        if request.method != "POST":
            return Reply(405, {"error": {"code": "MethodNotAllowed", "message": "Use POST."}})
        if "application/json" not in (request.headers.get("content-type") or ""):
            return _bad("The request content type must be application/json.")
        if len(request.body) > MAX_BYTES:
            return Reply(413, {"error": {"code": "MessageTooLarge", "message": "Message size too large."}})
        try:
            body = request.json()
        except ValueError:
            return _bad("The request body is not valid JSON.")
        problem = _problem(body)
        if problem:
            return _bad(problem)
        with self._lock:
            self._posted += [a["content"] for a in body["attachments"]]
        return Reply(202, None, {"x-ms-workflow-run-id": uuid.uuid4().hex})


def _problem(body: Any) -> str | None:
    if not isinstance(body, dict) or body.get("type") != "message":
        return "The body must be a message: {\"type\": \"message\", \"attachments\": [...]}."
    attachments = body.get("attachments")
    if not isinstance(attachments, list) or not attachments:
        return "The message must have at least one attachment."
    for attachment in attachments:
        card = attachment.get("content") if isinstance(attachment, dict) else None
        if attachment.get("contentType") != ADAPTIVE_CARD or not isinstance(card, dict):
            return f"Attachments must be Adaptive Cards ({ADAPTIVE_CARD})."
        if card.get("type") != "AdaptiveCard" or not card.get("version"):
            return "The card must have type AdaptiveCard and a version."
        if any(marker in json.dumps(card) for marker in _INTERACTIVE):
            return "Cards posted by a workflow cannot take input (Action.Submit, Action.Execute, inputs)."
    return None


def _bad(message: str) -> Reply:
    return Reply(400, {"error": {"code": "InvalidRequestContent", "message": message}})
