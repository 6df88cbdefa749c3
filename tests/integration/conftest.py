"""Fixtures shared by the integration tests (a test module's own fixture of the same name wins).

- `world`: perfbot served over HTTP with Slack configured to the strict fake (test_slack_*).
- `council`, `client`, `owner`, `officer`: the small council's web app, a browser that has not
  signed in, and browsers signed in as its measure owner and its performance officer (test_web_*).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.e2e.council import OFFICER, OWNER, Council, small_council
from tests.integration.test_slack_support import SlackWorld, running_world

if TYPE_CHECKING:
    from fastapi.testclient import TestClient


@pytest.fixture
def world(tmp_path: Path) -> Iterator[SlackWorld]:
    yield from running_world(tmp_path)


@pytest.fixture
def council(tmp_path: Path) -> Council:
    return small_council(tmp_path)


@pytest.fixture
def client(council: Council) -> TestClient:
    from tests.e2e.web_client import client_for  # here: at conftest load, starlette warns (httpx)

    return client_for(council)


@pytest.fixture
def owner(council: Council) -> TestClient:
    return signed_in(council, OWNER)


@pytest.fixture
def officer(council: Council) -> TestClient:
    return signed_in(council, OFFICER)


def signed_in(council: Council, email: str) -> TestClient:
    """A new browser, signed in as `email` through a sign-in link."""
    from tests.e2e.web_client import client_for, sign_in

    browser = client_for(council)
    sign_in(browser, council, email)
    return browser


@pytest.fixture(autouse=True)
def _cycle_on_postgres(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """With PERFBOT_TEST_BACKEND=postgres the apps of the cycle and web tests (built by
    test_cycle_support.build and tests/e2e/council.py) run on a fresh PostgreSQL database each:
    `PERFBOT_TEST_BACKEND=postgres pytest tests/integration/test_cycle_*.py tests/integration/test_web_*.py`."""
    import os

    if os.environ.get("PERFBOT_TEST_BACKEND") == "postgres":
        from tests.pg_server import TEST_DATABASE

        monkeypatch.setenv(TEST_DATABASE, request.getfixturevalue("database_url"))
