"""Many HTTP/1.1 requests at once, timed, from a process of their own.

Slack sends from a fleet of machines; a Python client in the benchmark's own process (which also
hosts the fake Slack Web API) would add its own queueing to every figure. So the burst is fired
from a separate process over bare asyncio streams: each request is pre-encoded, opens its own
connection (inside the timing, as Slack's do) and reads the answer to the end (`Connection:
close`). Timing starts as each request begins to connect and stops when its answer is complete.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from dataclasses import dataclass

Request = tuple[str, str, bytes, dict[str, str]]  # method, path, body, headers


@dataclass(frozen=True)
class Timed:
    status: int
    body: bytes
    seconds: float


def fire(port: int, requests: list[Request], *, timeout: float = 30.0) -> tuple[list[Timed], float]:
    """Send every request at once to 127.0.0.1:`port` from a fresh process: their timings, and
    when they were let go (`time.time()`)."""
    return fire_across([port], requests, timeout=timeout)


def fire_across(ports: list[int], requests: list[Request], *, timeout: float = 30.0) -> tuple[list[Timed], float]:
    """As `fire`, request i going to `ports[i % len(ports)]` (replicas behind a load balancer)."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(_fire, (ports, requests, timeout))


def _fire(ports: list[int], requests: list[Request], timeout: float) -> tuple[list[Timed], float]:
    targets = [(ports[i % len(ports)], r) for i, r in enumerate(requests)]
    return asyncio.run(_all_at_once([(port, _encode(port, r)) for port, r in targets], timeout))


def _encode(port: int, request: Request) -> bytes:
    method, path, body, headers = request
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close",
             f"Content-Length: {len(body)}", *(f"{k}: {v}" for k, v in headers.items())]  # fmt: skip
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _all_at_once(encoded: list[tuple[int, bytes]], timeout: float) -> tuple[list[Timed], float]:
    gate = asyncio.Event()

    async def one(port: int, raw: bytes) -> Timed:
        await gate.wait()
        start = time.perf_counter()
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
            writer.write(raw)
            answer = await asyncio.wait_for(reader.read(-1), timeout)
            writer.close()
        except (OSError, TimeoutError) as error:
            return Timed(0, str(error).encode(), time.perf_counter() - start)
        status, body = _parse(answer)
        return Timed(status, body, time.perf_counter() - start)

    tasks = [asyncio.create_task(one(port, raw)) for port, raw in encoded]
    await asyncio.sleep(0.05)  # every task waiting at the gate
    gate.set()
    started = time.time()
    return list(await asyncio.gather(*tasks)), started


def _parse(answer: bytes) -> tuple[int, bytes]:
    """(status, body) of a complete HTTP/1.1 answer; 0 if it is not one."""
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    try:
        status = int(lines[0].split()[1])
    except (IndexError, ValueError):
        return 0, answer[:200]
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(b":") for line in lines[1:])}
    if headers.get(b"transfer-encoding", b"").lower() == b"chunked":
        body = _unchunk(body)
    return status, body


def _unchunk(data: bytes) -> bytes:
    out, position = bytearray(), 0
    while True:
        end = data.find(b"\r\n", position)
        size = int(data[position:end].split(b";")[0] or b"0", 16)
        if size == 0:
            return bytes(out)
        out += data[end + 2 : end + 2 + size]
        position = end + 2 + size + 2
