"""The fakes' one server base (`tests.fakes.server`) and the uvicorn helper, driven by real HTTP
clients: what they receive, TLS, injected 429s and shutdown."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import FastAPI

from tests.fakes.server import FakeServer, LocalServer, Reply, Request, free_port
from tests.fakes.tls import LocalCA
from tests.fakes.uvicorn_server import UvicornServer


class Echo(FakeServer):
    """Answers every request with what it saw."""

    def kind_of(self, request: Request) -> str:
        return request.path.strip("/").replace("/", ".")

    def handle(self, request: Request) -> Reply:
        return Reply(201, {"method": request.method, "path": request.path, "q": request.param("q"),
                           "bearer": request.bearer(), "body": request.json()})  # fmt: skip


@pytest.fixture(scope="module")
def ca() -> Iterator[LocalCA]:
    authority = LocalCA()
    yield authority
    authority.close()


def test_a_request_reaches_respond_and_its_reply_goes_back() -> None:
    seen: list[Request] = []

    def respond(request: Request) -> Reply:
        seen.append(request)
        return Reply(200, b"plain", {"X-Fake": "yes"}, content_type="text/plain")

    with LocalServer(respond) as server:
        response = httpx.post(f"{server.url}/a%20b/c?x=1&x=2", content=b"raw", headers={"X-In": "v"})
    assert (response.status_code, response.text, response.headers["x-fake"]) == (200, "plain", "yes")
    assert response.headers["content-type"] == "text/plain"
    [request] = seen
    assert (request.method, request.path, request.target) == ("POST", "/a b/c", "/a%20b/c?x=1&x=2")
    assert request.query == {"x": ["1", "2"]} and request.body == b"raw"
    assert request.headers["X-IN"] == "v"


class PostOnly(LocalServer):
    methods = ("POST",)


def test_a_method_it_does_not_serve_gets_501() -> None:
    with PostOnly(lambda request: Reply(204)) as server:
        assert [httpx.request(m, f"{server.url}/x").status_code for m in ("POST", "GET", "PUT")] == [204, 501, 501]


def test_the_fake_records_calls_and_answers_injected_429s_with_retry_after() -> None:
    with Echo() as fake:
        fake.fail_next("items.add", status=429, retry_after=7, count=2)
        url = f"{fake.url}/items/add?q=1"
        answers = [httpx.post(url, json={"n": n}, headers={"Authorization": "Bearer t0k"}) for n in range(3)]
    assert [a.status_code for a in answers] == [429, 429, 201]
    assert answers[0].headers["retry-after"] == "7"
    assert answers[2].json() == {"method": "POST", "path": "/items/add", "q": "1", "bearer": "t0k",
                                 "body": {"n": 2}}  # fmt: skip
    assert [(c.kind, c.status, c.json()) for c in fake.calls_of("items.add")] == [
        ("items.add", 429, {"n": 0}), ("items.add", 429, {"n": 1}), ("items.add", 201, {"n": 2})]  # fmt: skip


class Broken(FakeServer):
    def handle(self, request: Request) -> Reply:
        raise KeyError("no such thing")


def test_a_bug_in_a_fake_is_a_500_that_names_it() -> None:
    with Broken() as fake:
        answer = httpx.get(f"{fake.url}/x")
    assert answer.status_code == 500 and "no such thing" in answer.json()["fake_error"]


def test_with_a_ca_it_speaks_tls_that_only_that_ca_vouches_for(ca: LocalCA) -> None:
    with Echo(ca=ca) as fake:
        assert fake.url.startswith("https://127.0.0.1:")
        assert httpx.get(f"{fake.url}/t", verify=ca.client_context()).status_code == 201
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{fake.url}/t")  # the system's CAs do not know it


def test_stop_frees_the_port_and_may_be_called_twice() -> None:
    fake = Echo().start()
    port = fake.port
    fake.stop()
    fake.stop()
    with socket.socket() as again:
        again.bind(("127.0.0.1", port))  # nothing listens there any more
    with pytest.raises(RuntimeError, match="not started"):
        _ = fake.url


def test_free_port_gives_a_port_nothing_listens_on() -> None:
    port = free_port()
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0


def test_uvicorn_serves_an_asgi_app_with_its_lifespan_and_frees_the_port() -> None:
    ran: list[str] = []

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        ran.append("start-up")
        yield
        ran.append("shutdown")

    asgi = FastAPI(lifespan=lifespan)
    asgi.get("/ping")(lambda: {"pong": True})
    served = UvicornServer(asgi)
    with served:
        assert httpx.get(f"{served.url}/ping").json() == {"pong": True}
    assert ran == ["start-up", "shutdown"]
    with socket.socket() as again:
        again.bind(("127.0.0.1", served.port))
