"""`perfbot web link EMAIL`: a working sign-in link, or exit 2 naming what to fix."""

from __future__ import annotations

from perfbot.cli import main
from tests.e2e.council import OFFICER, small_council
from tests.e2e.web_client import client_for, csrf_of


def test_web_link_prints_a_sign_in_link_that_works(tmp_path, capsys) -> None:
    council = small_council(tmp_path)
    assert main(["--data", str(council.app.data_dir), "web", "link", OFFICER.upper()]) == 0
    url = capsys.readouterr().out.splitlines()[0]
    assert url.startswith("http://testserver/sign-in/")
    client = client_for(council)
    page = client.get(council.path(url))
    assert OFFICER in page.text
    assert client.post(council.path(url), data={"csrf_token": csrf_of(page.text)}).status_code == 303
    assert client.get("/officer").status_code == 200


def test_web_link_for_someone_without_a_role_exits_2(tmp_path, capsys) -> None:
    council = small_council(tmp_path)
    assert main(["--data", str(council.app.data_dir), "web", "link", "stranger@example.com"]) == 2
    assert "stranger@example.com has no role" in capsys.readouterr().err
