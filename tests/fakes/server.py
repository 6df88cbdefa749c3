"""The one HTTP server every fake runs on: threaded, on 127.0.0.1, a free port, TLS when asked.

``LocalServer`` serves HTTP/1.1 from a daemon thread and hands each request to ``respond`` (a
callable, or a subclass's override) as a :class:`Request`, writing back its :class:`Reply`. It is
a context manager (``with Fake() as fake:``) and shuts down cleanly. ``FakeServer`` adds what the
protocol fakes share: a call log and injected faults (429 + ``Retry-After`` by default)::

    with LocalServer(lambda request: Reply(200, {"ok": True})) as server:
        httpx.get(server.url + "/anything")
"""

from __future__ import annotations

import json
import socket
import threading
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Self
from urllib.parse import parse_qs, unquote, urlsplit

from .tls import LocalCA

JSON = "application/json; charset=utf-8"


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on (for servers that must be told their port)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class CaseInsensitiveDict(dict[str, str]):
    """Header mapping keyed by lower-case names."""

    def __init__(self, items: Mapping[str, str] | None = None) -> None:
        super().__init__({k.lower(): v for k, v in (items or {}).items()})

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        return super().get(key.lower(), default)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())


@dataclass(frozen=True)
class Request:
    """One inbound HTTP request as the fake saw it (``target``: the raw path and query)."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: CaseInsensitiveDict
    body: bytes
    target: str = ""

    def json(self) -> Any:
        """The body parsed as JSON (``None`` when empty)."""
        return json.loads(self.body) if self.body else None

    def form(self) -> dict[str, str]:
        """The body parsed as ``application/x-www-form-urlencoded``."""
        return {k: v[-1] for k, v in parse_qs(self.body.decode(), keep_blank_values=True).items()}

    def param(self, name: str) -> str | None:
        """The last value of a query-string parameter."""
        values = self.query.get(name)
        return values[-1] if values else None

    def bearer(self) -> str | None:
        """The bearer token from ``Authorization``, if any."""
        auth = self.headers.get("authorization") or ""
        return auth[7:] if auth.lower().startswith("bearer ") else None


@dataclass
class Reply:
    """What a fake answers; ``content_type=None`` sends no ``Content-Type`` of its own."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = JSON

    def encoded(self) -> bytes:
        """The body as bytes."""
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body).encode()


Responder = Callable[[Request], Reply]


class LocalServer:
    """A threaded HTTP(S) server on 127.0.0.1 with a free port, served from a daemon thread.

    Requests with a method outside ``methods`` get the standard library's 501.
    """

    methods: ClassVar[tuple[str, ...]] = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")

    def __init__(self, respond: Responder | None = None, *, ca: LocalCA | None = None) -> None:
        """``respond`` answers each request (subclasses override :meth:`respond` instead);
        with ``ca`` the server speaks TLS with a certificate for 127.0.0.1 from that CA."""
        self._respond = respond
        self._ca = ca
        self._server: ThreadingHTTPServer | None = None

    def respond(self, request: Request) -> Reply:
        """Answer one request (runs in a server thread)."""
        if self._respond is None:
            raise NotImplementedError(f"{type(self).__name__} must override respond()")
        return self._respond(request)

    def start(self) -> Self:
        """Bind a free port of 127.0.0.1 and serve from a daemon thread."""
        server = _QuietServer(("127.0.0.1", 0), _handler_for(self))
        if self._ca is not None:
            server.socket = self._ca.server_context().wrap_socket(
                server.socket, server_side=True, do_handshake_on_connect=False
            )
        self._server = server
        threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True, name=type(self).__name__).start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port (safe to call twice)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The port it listens on."""
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. ``https://127.0.0.1:53121``."""
        scheme = "https" if self._ca is not None else "http"
        return f"{scheme}://127.0.0.1:{self.port}"


@dataclass(frozen=True)
class Call:
    """A recorded request and the status it received."""

    kind: str
    request: Request
    status: int

    @property
    def path(self) -> str:
        return self.request.path

    def json(self) -> Any:
        return self.request.json()


@dataclass
class _Fault:
    key: str
    status: int
    retry_after: int | None
    remaining: int
    body: Any


class FakeServer(LocalServer):
    """Base for the protocol fakes: a call log and fault injection (thread-safe) around
    :meth:`handle`, which subclasses implement with :meth:`kind_of`."""

    def __init__(self, *, ca: LocalCA | None = None) -> None:
        super().__init__(ca=ca)
        self._lock = threading.RLock()
        self._calls: list[Call] = []
        self._faults: list[_Fault] = []

    # recording ---------------------------------------------------------------------------
    @property
    def calls(self) -> list[Call]:
        """A copy of every call received so far."""
        with self._lock:
            return list(self._calls)

    def calls_of(self, kind_or_path: str) -> list[Call]:
        """Calls whose kind equals, or whose path contains, ``kind_or_path``."""
        return [c for c in self.calls if _matches(kind_or_path, c.kind, c.request.path)]

    def reset_calls(self) -> None:
        """Forget recorded calls."""
        with self._lock:
            self._calls.clear()

    # faults ------------------------------------------------------------------------------
    def fail_next(
        self,
        path_or_kind: str,
        *,
        status: int = 429,
        retry_after: int | None = 1,
        count: int = 1,
        body: Any = None,
    ) -> None:
        """Answer the next ``count`` matching requests with ``status`` (+ ``Retry-After``)."""
        with self._lock:
            self._faults.append(_Fault(path_or_kind, status, retry_after, count, body))

    def _take_fault(self, kind: str, request: Request) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.remaining > 0 and _matches(fault.key, kind, request.path):
                    fault.remaining -= 1
                    return fault
        return None

    def fault_reply(self, fault: _Fault) -> Reply:
        """The reply for an injected fault; subclasses shape the error body."""
        headers = {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
        body = fault.body if fault.body is not None else {"error": {"code": "TooManyRequests"}}
        return Reply(fault.status, body, headers)

    # dispatch ----------------------------------------------------------------------------
    def kind_of(self, request: Request) -> str:
        """A short name for the operation (``"token"``, ``"items.add"`` …) used by ``fail_next``."""
        return request.path

    def handle(self, request: Request) -> Reply:
        """Answer one request; subclasses implement the protocol."""
        raise NotImplementedError

    def respond(self, request: Request) -> Reply:
        """Record, inject faults, then delegate to :meth:`handle`."""
        kind = self.kind_of(request)
        fault = self._take_fault(kind, request)
        try:
            reply = self.fault_reply(fault) if fault else self.handle(request)
        except Exception:  # a bug in the fake must surface in the test, not hang it
            reply = Reply(500, {"fake_error": traceback.format_exc()})
        with self._lock:
            self._calls.append(Call(kind, request, reply.status))
        return reply


class _QuietServer(ThreadingHTTPServer):
    """Threaded server that drops TLS/connection errors raised by misbehaving clients."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        return


def _matches(key: str, kind: str, path: str) -> bool:
    return key == kind or key in path or key in unquote(path)


def _handler_for(server: LocalServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            request = Request(
                method=self.command,
                path=unquote(parts.path),
                query=parse_qs(parts.query, keep_blank_values=True),
                headers=CaseInsensitiveDict(dict(self.headers.items())),
                body=body,
                target=self.path,
            )
            self._write(server.respond(request))

        def _write(self, reply: Reply) -> None:
            payload = reply.encoded()
            self.send_response(reply.status)
            if payload and reply.content_type is not None:
                self.send_header("Content-Type", reply.content_type)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if payload and self.command != "HEAD":
                self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
            return

    for method in server.methods:
        setattr(Handler, f"do_{method}", Handler._serve)
    return Handler
