"""`perfbot serve` says where it is only once it answers there, and a port already taken stops
it at once with one line (exit 2) instead of a traceback."""

from __future__ import annotations

import socket
import subprocess

import httpx

from tests.fakes.server import free_port
from tests.faults.serve import PERFBOT, ROOT, environment


def _init(tmp_path) -> object:
    data = tmp_path / "data"
    subprocess.run([*PERFBOT, "init"], cwd=ROOT, env=environment(data), check=True, capture_output=True)
    return data


def test_serve_reports_the_address_once_it_is_listening(tmp_path):
    data, port = _init(tmp_path), free_port()
    server = subprocess.Popen([*PERFBOT, "serve", "--port", str(port)], cwd=ROOT, env=environment(data),
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)  # fmt: skip
    try:
        line = server.stdout.readline()
        assert line.startswith("perfbot serving ") and f"http://127.0.0.1:{port}" in line
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200  # at once
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stdout.close()


def test_serve_on_a_taken_port_exits_2_with_one_line(tmp_path):
    data = _init(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([*PERFBOT, "serve", "--port", str(port)], cwd=ROOT, env=environment(data),
                              capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "already in use" in done.stderr and str(port) in done.stderr
    assert "perfbot serving" not in done.stdout
