"""Resident memory of a real `perfbot serve` on the ten-year store.

The server runs as its own process (web channel only, on 127.0.0.1, its scheduler on: the first
tick runs at start-up and the next a minute later). A performance officer signs in and opens the
dashboard (analysis and digest) for several quarters, a measure's trend, the officer console and
the register; once two ticks have run (the runner's own count, which a thread started beside
`perfbot serve` in the same process writes to a file), its peak (`VmHWM`) and current (`VmRSS`)
resident memory are read from /proc. Goal (issue 8): under 300 MB. Baseline: a bare Python process that has only
imported `perfbot.server`. `measure` takes a PostgreSQL URL (bench/pg_memory_bench.py).
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bench.data import LAST, history_store
from bench.results import Result, compared
from bot.web.sign_in_links import issue_link
from perfbot import app as app_module
from perfbot.settings import Settings

OFFICER = "performance@example.gov.uk"  # perfbot.toml's default performance officer
TICKS = 2
# `perfbot serve`, with a thread that keeps the runner's count of completed ticks in a file (the
# runner does not log a quiet tick, and quiets APScheduler's own log lines).
SERVE_COUNTING_TICKS = """
import pathlib, sys, threading, time
from perfbot.cli import main
from schedules import runner

def count_ticks(path):
    while True:
        found = runner.current()
        pathlib.Path(path).write_text(str(found.ticks if found else 0))
        time.sleep(0.25)

threading.Thread(target=count_ticks, args=(sys.argv.pop(1),), daemon=True).start()
sys.exit(main())
"""
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SECRET_SETTINGS = ("SLACK_", "M365_", "TEAMS_", "SHAREPOINT_")


def _memory(pid: int) -> dict[str, float]:
    """VmHWM and VmRSS of a process, in MB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmHWM", "VmRSS"):
            found[name] = int(value.split()[0]) / 1024
    return found


def _bare_python() -> dict[str, float]:
    code = ("import perfbot.server, pathlib; print(pathlib.Path('/proc/self/status').read_text())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return {name: int(value.split()[0]) / 1024 for name, value in re.findall(r"^(VmHWM|VmRSS):\s+(.+)$", out, re.M)}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(data: Path, port: int, log: Path, ticks: Path, database_url: str | None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(SECRET_SETTINGS)}
    env["PERFBOT_DATA"] = str(data)
    env.pop("PERFBOT_DATABASE_URL", None)
    if database_url:
        env["PERFBOT_DATABASE_URL"] = database_url
    command = [sys.executable, "-c", SERVE_COUNTING_TICKS, str(ticks),
               "serve", "--host", "127.0.0.1", "--port", str(port)]  # fmt: skip
    with log.open("wb") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


def _wait_healthy(client: httpx.Client, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        with contextlib.suppress(httpx.HTTPError):
            if client.get("/healthz").status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"perfbot serve did not start: {log.read_text(errors='replace')[-2000:]}")


def _wait_for_ticks(ticks: Path, server: subprocess.Popen, log: Path) -> None:
    """Until the scheduler has ticked `TICKS` times (the first at start-up, then every minute)."""
    deadline = time.monotonic() + 60 * TICKS + 30
    while time.monotonic() < deadline and server.poll() is None:
        with contextlib.suppress(FileNotFoundError, ValueError):
            if int(ticks.read_text()) >= TICKS:
                return
        time.sleep(0.5)
    raise RuntimeError(f"perfbot serve did not tick {TICKS} times (see {log})")


def _sign_in(client: httpx.Client, data: Path, database_url: str | None) -> None:
    settings = Settings(database_url=database_url) if database_url else None
    app = app_module.build(data, show=lambda to, text: None, settings=settings)
    url, _ = issue_link(app, OFFICER)
    path = "/" + url.split("/", 3)[3]
    page = client.get(path)
    found = CSRF.search(page.text)
    if page.status_code != 200 or not found:
        raise RuntimeError(f"could not open the sign-in link ({page.status_code})")
    if client.post(path, data={"csrf_token": found[1]}).status_code != 303:
        raise RuntimeError("signing in failed")


def _pages() -> list[str]:
    quarters = [p.key for p in LAST.back(12)[::-3]]  # the latest quarter and three earlier
    return ([f"/dashboard?period={q}" for q in quarters] + ["/dashboard", "/dashboard/measures/M0001",
            "/officer", f"/officer/rounds/{LAST.key}", "/officer/register"])  # fmt: skip


def run(workdir: Path) -> list[Result]:
    history = history_store(workdir)
    return measure(workdir, history.data_dir, scale=history.scale)


def measure(workdir: Path, data: Path, *, scale: str, database_url: str | None = None,
            label: str = "") -> list[Result]:  # fmt: skip
    """`perfbot serve`'s memory on the store in `data` (or at `database_url`, with `data`'s
    perfbot.toml); each result's name starts with `label`."""
    bare = _bare_python()
    port, log, ticks = _free_port(), workdir / "serve.log", workdir / "ticks"
    server = _serve(data, port, log, ticks, database_url)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            _wait_healthy(client, server, log)
            _sign_in(client, data, database_url)
            for path in _pages():
                page = client.get(path)
                if page.status_code != 200:
                    raise RuntimeError(f"GET {path} answered {page.status_code}")
        _wait_for_ticks(ticks, server, data / "perfbot.log")
        used = _memory(server.pid)
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(5)
    base = Result(f"{label}memory: python -c 'import perfbot.server'", bare["VmRSS"], 1, unit="MB",
                  note="baseline (VmRSS)")  # fmt: skip
    note = f"{len(_pages())} pages, {TICKS} ticks; {scale}"
    return [
        base,
        compared(f"{label}memory: perfbot serve, peak (VmHWM)", used["VmHWM"], 1, baseline=base, budget=300,
                 note=note),  # fmt: skip
        compared(f"{label}memory: perfbot serve, resident (VmRSS)", used["VmRSS"], 1, baseline=base),
    ]
