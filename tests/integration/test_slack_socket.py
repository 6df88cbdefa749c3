"""Socket Mode: perfbot's bolt app answering over a WebSocket it opens itself.

Slack's side is played on 127.0.0.1 by two small servers: the Web API methods Socket Mode
needs (`apps.connections.open` with the app token, `auth.test` with the bot token) and a WebSocket
endpoint speaking RFC 6455 that sends Slack's `hello` and an envelope, and records the acks.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import struct
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.slack.client import SlackApi, make_client
from bot.slack.socket import socket_handler
from perfbot import app as app_module
from perfbot.settings import SlackSettings
from tests.fakes import slack_signing as signing
from tests.fakes.server import LocalServer, Reply, Request
from tests.integration.test_slack_support import JO_ID, SECRET, TOML

BOT_TOKEN, APP_TOKEN = "xoxb-1-socket-mode", "xapp-1-A01PERFBOT-1-socket"
GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class WebSocketEndpoint:
    """One Socket Mode connection: handshake, `hello`, envelopes out, acks in."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"ws://127.0.0.1:{self._listener.getsockname()[1]}/link/?ticket=t-1"
        self.received: list[dict[str, Any]] = []
        self._changed = threading.Condition()
        self._conn: socket.socket | None = None
        self._send_lock = threading.Lock()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        conn, _ = self._listener.accept()
        request = b""
        while b"\r\n\r\n" not in request:
            request += conn.recv(1024)
        key = next(line.split(":", 1)[1].strip() for line in request.decode().split("\r\n")
                   if line.lower().startswith("sec-websocket-key"))  # fmt: skip
        accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        conn.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      f"Sec-WebSocket-Accept: {accept}\r\n\r\n").encode())  # fmt: skip
        with self._changed:
            self._conn = conn
            self._changed.notify_all()
        self.send({"type": "hello", "num_connections": 1, "debug_info": {"host": "test"},
                   "connection_info": {"app_id": signing.API_APP_ID}})  # fmt: skip
        self._read(conn)

    def _frame(self, opcode: int, payload: bytes) -> bytes:
        size = len(payload)
        head = struct.pack("!BB", 0x80 | opcode, size) if size < 126 else (
            struct.pack("!BBH", 0x80 | opcode, 126, size) if size < 65536
            else struct.pack("!BBQ", 0x80 | opcode, 127, size))  # fmt: skip
        return head + payload

    def send(self, message: dict[str, Any], opcode: int = 0x1) -> None:
        with self._changed:
            self._changed.wait_for(lambda: self._conn is not None, timeout=5)
        assert self._conn is not None
        with self._send_lock:
            self._conn.sendall(self._frame(opcode, json.dumps(message).encode()))

    def _exactly(self, conn: socket.socket, count: int) -> bytes:
        data = b""
        while len(data) < count:
            chunk = conn.recv(count - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return data

    def _read(self, conn: socket.socket) -> None:
        try:
            while True:
                first, second = self._exactly(conn, 2)
                size = second & 0x7F
                if size == 126:
                    size = struct.unpack("!H", self._exactly(conn, 2))[0]
                elif size == 127:
                    size = struct.unpack("!Q", self._exactly(conn, 8))[0]
                mask = self._exactly(conn, 4) if second & 0x80 else b"\0\0\0\0"
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(self._exactly(conn, size)))
                opcode = first & 0x0F
                if opcode == 0x9:  # ping → pong
                    with self._send_lock:
                        conn.sendall(self._frame(0xA, payload))
                elif opcode == 0x1:
                    with self._changed:
                        self.received.append(json.loads(payload))
                        self._changed.notify_all()
                elif opcode == 0x8:
                    return
        except (ConnectionError, OSError):
            return

    def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any]:
        def found() -> dict[str, Any] | None:
            return next((m for m in self.received if m.get("envelope_id") == envelope_id), None)

        with self._changed:
            assert self._changed.wait_for(lambda: found() is not None, timeout), self.received
            return found()  # type: ignore[return-value]

    def close(self) -> None:
        self._listener.close()
        if self._conn is not None:
            self._conn.close()


def web_api(ws_url: str) -> LocalServer:
    """`apps.connections.open` (app token) and `auth.test` (bot token), as Slack answers them."""

    def respond(request: Request) -> Reply:
        token = request.bearer()
        method = request.path.strip("/").removeprefix("api/")
        if request.method == "POST" and method == "apps.connections.open" and token == APP_TOKEN:
            return Reply(200, {"ok": True, "url": ws_url})
        if request.method == "POST" and method == "auth.test" and token == BOT_TOKEN:
            return Reply(200, {"ok": True, "team_id": signing.TEAM_ID, "user_id": signing.BOT_USER_ID,
                               "bot_id": signing.BOT_ID, "url": "https://perfbot-council.slack.com/"})  # fmt: skip
        return Reply(200, {"ok": False, "error": "invalid_auth"})

    return LocalServer(respond)


@pytest.fixture
def slack_side() -> Iterator[tuple[WebSocketEndpoint, LocalServer]]:
    endpoint = WebSocketEndpoint()
    with web_api(endpoint.url) as api:
        yield endpoint, api
    endpoint.close()


def test_perfbot_answers_a_slash_command_over_socket_mode(
    tmp_path: Path, slack_side: tuple[WebSocketEndpoint, LocalServer]
) -> None:
    endpoint, api = slack_side
    (tmp_path / "perfbot.toml").write_text(TOML, encoding="utf-8")
    settings = SlackSettings(BOT_TOKEN, SECRET, APP_TOKEN, f"{api.url}/")
    handler = socket_handler(app_module.build(tmp_path), settings, api=SlackApi(make_client(settings)))
    handler.connect()  # opens the WebSocket in the background, as `perfbot slack socket` does
    try:
        command = signing.slash_command(signing_secret=SECRET, text="help", user_id=JO_ID).payload()
        endpoint.send({"envelope_id": "env-1", "type": "slash_commands", "payload": command,
                       "accepts_response_payload": True})  # fmt: skip
        ack = endpoint.wait_for_ack("env-1")
        assert ack["payload"]["response_type"] == "ephemeral"
        assert "/perf status" in ack["payload"]["text"]
    finally:
        handler.close()
