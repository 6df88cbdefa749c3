"""`perfbot sharepoint …` and `perfbot teams manifest`, configured only through the environment."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from perfbot.cli import main
from tests.integration.test_teams_support import BOT_ID, M365World, world

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_the_commands_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    with world(tmp_path) as w:
        data = str(w.data)
        assert main(["--data", data, "sharepoint", "provision"]) == 2  # nothing configured yet
        assert "SHAREPOINT_SITE_URL" in capsys.readouterr().err
        _configure(w, monkeypatch)
        assert main(["--data", data, "sharepoint", "provision"]) == 0
        assert capsys.readouterr().out.startswith("Created list 'Performance Returns'")
        assert main(["--data", data, "sharepoint", "provision"]) == 0
        assert capsys.readouterr().out == "The SharePoint lists are already set up.\n"
        assert main(["--data", data, "sharepoint", "poll"]) == 0
        assert "Accepted 0 returns" in capsys.readouterr().out

        reports = tmp_path / "reports"
        reports.mkdir()
        (reports / "performance-2025-26-Q3.csv").write_text("measure_id,value\nM1,95\n")
        assert main(["--data", data, "sharepoint", "upload", str(reports)]) == 0
        assert w.sharepoint.file_content("/sites/perf/Shared Documents/performance-2025-26-Q3.csv").startswith(b"measure_id")
        assert main(["--data", data, "sharepoint", "upload", str(tmp_path / "nowhere")]) == 2

        package = tmp_path / "perfbot-teams.zip"
        assert main(["--data", data, "teams", "manifest", "--out", str(package)]) == 0
        assert BOT_ID in zipfile.ZipFile(package).read("manifest.json").decode()


def _configure(w: M365World, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in w.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(w.ca.cert_path))  # msal's session trusts the test CA
