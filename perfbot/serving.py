"""Run the ASGI app for `perfbot serve`: bind the port first (a port already taken is one clear
line), and say where perfbot is only once it is listening and ready."""

from __future__ import annotations

import errno
import socket
from collections.abc import Callable
from typing import Any

import uvicorn


class PortError(ValueError):
    """The address cannot be listened on (message is user-facing)."""


def bind(host: str, port: int) -> socket.socket:
    """A socket bound to host:port, or PortError saying what to do."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise PortError(f"{host}:{port} is already in use (is perfbot serve already running?): "
                            "stop the other program or choose another --port") from None  # fmt: skip
        raise PortError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    sock.set_inheritable(True)
    return sock


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, on_ready: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_ready = on_ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)  # the app's start-up (warm-up), then listening
        if not self.should_exit:
            self._on_ready()


def run(asgi: Any, sock: socket.socket, *, on_ready: Callable[[], None], log_level: str = "info") -> None:
    """Serve `asgi` on the bound socket until stopped; `on_ready` once it is listening."""
    _Server(uvicorn.Config(asgi, log_level=log_level), on_ready).run(sockets=[sock])
