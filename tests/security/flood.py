"""A bounded flood of oversized, unauthenticated requests at a real `perfbot serve`, and its memory.

Each request is sent over a raw socket, the way an attacker would: headers, then body bytes as
fast as the server takes them, either with an honest `Content-Length` or chunked (no length at
all). The server's peak memory is read from `/proc/<pid>/status` (VmHWM: the most resident memory
the process has ever had), so a body held even for a moment shows.
"""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

CHUNK = b"[" * 65536


def peak_rss_mb(pid: int) -> float:
    """The process's high-water mark of resident memory, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM in /proc status")


def oversized(port: int, path: str, *, size: int, chunked: bool, headers: dict[str, str]) -> bytes:
    """POST `size` bytes of `[` (as JSON) to `path`; what the server answered (b"" if it cut us off)."""
    head = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json",
            "Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}",
            *(f"{k}: {v}" for k, v in headers.items())]  # fmt: skip
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        sent = 0
        try:
            while sent < size:
                sock.sendall(b"%x\r\n%s\r\n" % (len(CHUNK), CHUNK) if chunked else CHUNK)
                sent += len(CHUNK)
            if chunked:
                sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server stopped reading and closed the connection: what we want
        try:
            return sock.recv(256)
        except OSError:
            return b""


def flood(port: int, targets: list[tuple[str, dict[str, str]]], *, size: int, rounds: int,
          parallel: int) -> list[bytes]:  # fmt: skip
    """`rounds` × each target × (declared length, chunked), `parallel` connections at a time."""
    jobs = [(path, headers, chunked) for _ in range(rounds) for path, headers in targets
            for chunked in (False, True)]  # fmt: skip
    with ThreadPoolExecutor(parallel) as pool:
        return list(pool.map(lambda job: oversized(port, job[0], size=size, chunked=job[2],
                                                   headers=job[1]), jobs))  # fmt: skip
