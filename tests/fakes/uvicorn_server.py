"""perfbot's own ASGI app served for real HTTP clients (Slack's signed posts, a browser): uvicorn
on 127.0.0.1, in a daemon thread, with its lifespan run as `perfbot serve` runs it."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any, Self

import uvicorn


class UvicornServer:
    """``with UvicornServer(asgi) as served:`` — ``served.url`` is known before it starts.

    ``port=0`` takes a free port; a given port (one the app's own links must name) is bound at once.
    """

    def __init__(self, asgi: Any, *, port: int = 0) -> None:
        self._socket = socket.create_server(("127.0.0.1", port))
        self.port = int(self._socket.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = uvicorn.Server(uvicorn.Config(asgi, log_level="warning", lifespan="on"))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]},
                                        daemon=True, name="uvicorn")  # fmt: skip

    def start(self, *, timeout: float = 15.0) -> Self:
        """Serve, and return once uvicorn has run the app's start-up."""
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    def stop(self, *, wait: bool = True) -> None:
        """Ask uvicorn to finish: it runs the app's shutdown and closes the port. ``wait=False``
        returns at once and leaves that (0.2 s of uvicorn's own pauses) to the daemon thread."""
        self._server.should_exit = True
        if self._thread.ident is None:  # never started: the socket is still ours to close
            self._socket.close()
        elif wait:
            self._thread.join(timeout=10)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
