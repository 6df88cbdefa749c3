"""`perfbot signoff status|approve|send-back` and `round status`: the scripting contract (exit 0,
or 2 with one line saying what to put right), on the small council's data directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from perfbot.cli import main
from perfbot.config import ConfigError, parse
from perfbot.sign_off import SignOffState
from tests.e2e.council import HEAD, OFFICER, OTHER_OWNER, OWNER, PERIOD, Council, small_council
from tests.integration.test_sign_off_flow import SERVICE, SIGN_OFF_ON, all_in

Q3 = str(PERIOD)


@pytest.fixture
def council(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Council:
    council = small_council(tmp_path, extra_toml=SIGN_OFF_ON)
    monkeypatch.setenv("PERFBOT_DATA", str(council.app.data_dir))
    return council


def test_status_shows_each_service_as_it_moves(council: Council, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["signoff", "status", Q3]) == 0
    assert "returns outstanding" in capsys.readouterr().out
    all_in(council)
    assert main(["signoff", "status", Q3, "--format", "json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert (row["service"], row["state"], row["approvers"]) == (SERVICE, "awaiting approval", HEAD)
    assert main(["round", "status", Q3, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["services"][0]["sign_off"] == "awaiting approval"


def test_send_back_then_approve_on_behalf(council: Council, capsys: pytest.CaptureFixture[str]) -> None:
    all_in(council)
    assert main(["signoff", "send-back", Q3, SERVICE, "--as", HEAD, "--reason", "HO02 is too low"]) == 0
    out = capsys.readouterr().out
    assert f"Sent back: the {Q3} figures for {SERVICE}, by {HEAD}" in out
    assert f"to {OWNER}" in out and f"to {OTHER_OWNER}" in out and "Why: HO02 is too low" in out  # told at once
    assert main(["signoff", "status", Q3]) == 0
    assert "sent back" in capsys.readouterr().out


@pytest.mark.parametrize(("argv", "says"), [
    (["signoff", "send-back", Q3, SERVICE, "--as", HEAD], "say why the figures are sent back"),
    (["signoff", "approve", Q3, SERVICE, "--as", OWNER], f"{OWNER} cannot sign off {SERVICE}"),
    (["signoff", "approve", Q3, SERVICE, "--as", OFFICER], "on the head of service's behalf"),
    (["signoff", "approve", Q3, "Parks", "--as", HEAD], "there is no service 'Parks'"),
])  # fmt: skip
def test_bad_decisions_exit_2_with_one_line(council: Council, capsys: pytest.CaptureFixture[str],
                                            argv: list[str], says: str) -> None:  # fmt: skip
    all_in(council)
    capsys.readouterr()
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert council.app.store.sign_offs.get(PERIOD, SERVICE).state is SignOffState.AWAITING


def test_before_the_returns_are_in_there_is_nothing_to_decide(council: Council, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["signoff", "approve", Q3, SERVICE, "--as", HEAD]) == 2
    assert "not all in yet" in capsys.readouterr().err


def test_sign_off_must_be_true_or_false() -> None:
    assert parse({}).cycle.sign_off is False
    assert parse({"cycle": {"sign_off": True}}).cycle.sign_off is True
    with pytest.raises(ConfigError, match="cycle.sign_off must be true or false"):
        parse({"cycle": {"sign_off": "yes"}})
    with pytest.raises(ConfigError, match="cycle.sign_off_remind_after"):
        parse({"cycle": {"sign_off_remind_after": 0}})


def test_status_when_sign_off_is_off_says_how_to_switch_it_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    council = small_council(tmp_path)
    monkeypatch.setenv("PERFBOT_DATA", str(council.app.data_dir))
    assert main(["signoff", "status", Q3]) == 2
    assert "[cycle] sign_off = true" in capsys.readouterr().err
    assert main(["round", "status", Q3, "--format", "json"]) == 0
    assert "sign_off" not in json.loads(capsys.readouterr().out)["services"][0]  # unchanged when off
