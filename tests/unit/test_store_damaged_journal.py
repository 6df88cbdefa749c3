"""A journal damaged from outside perfbot (a garbled complete line with records after it).

The store refuses to read it and never writes to it; `store check` reports it; `store restore`
keeps every record that reads, before and after the damage, and sets the damaged file aside. A
torn tail (a last line without its newline: a crash mid-append, never acknowledged) is not damage.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from perfbot.cli import main
from perfbot.model import Return
from perfbot.periods import Period
from perfbot.store import Store, StoreCorruptError, journal, storage
from perfbot.store.journal import JournalDamagedError, JournalTail

Q3 = Period(2025, 3)
VALUES = [float(v) for v in range(6)]  # one record each: the journal's lines 1–6


def _return(value: float, measure_id: str = "M1") -> Return:
    return Return(measure_id, Q3, value, submitted_by="owner@council.gov.uk")


def _bad_json(line: bytes) -> bytes:
    return b"}" + line[1:]


def _not_a_record(line: bytes) -> bytes:
    return json.dumps({"t": {"returns": {"docs": [1, 2]}}}).encode()


def _zeroed(line: bytes) -> bytes:
    return b"\x00" * len(line)


GARBLE: dict[str, Callable[[bytes], bytes]] = {
    "bad-json": _bad_json, "not-a-record": _not_a_record, "zeroed": _zeroed,
}  # fmt: skip


@pytest.fixture
def data(store: Store, tmp_path: Path) -> Path:
    for value in VALUES:
        store.returns.save(_return(value))
    return tmp_path / "data"


def _journal(data: Path) -> Path:
    return data / "periods" / "2025-26-Q3.json.journal"


def _garble(path: Path, number: int, how: Callable[[bytes], bytes] = _bad_json) -> int:
    """Replace the complete line `number` (1-based); the byte offset where it starts."""
    lines = path.read_bytes().split(b"\n")
    assert len(lines) > number + 1, "a record must follow the damaged line"
    lines[number - 1] = how(lines[number - 1])
    path.write_bytes(b"\n".join(lines))
    return sum(len(line) + 1 for line in lines[: number - 1])


@pytest.mark.parametrize("how", GARBLE)
def test_a_garbled_middle_line_stops_the_store_naming_file_and_byte(data, clock, how):
    offset = _garble(_journal(data), 3, GARBLE[how])
    fresh = Store.open(data, clock=clock)
    with pytest.raises(StoreCorruptError) as caught:
        fresh.returns.get("M1", Q3)
    message = str(caught.value)
    assert str(_journal(data)) in message and f"byte {offset}" in message and "line 3" in message
    assert "perfbot store restore" in message
    with pytest.raises(StoreCorruptError):  # and again: no half-read state is kept
        fresh.returns.versions("M1", Q3)


def test_nothing_is_written_to_a_damaged_journal(data, clock):
    _garble(_journal(data), 2)
    before = _journal(data).read_bytes()
    fresh = Store.open(data, clock=clock)
    for _ in range(2):
        with pytest.raises(StoreCorruptError, match="2025-26-Q3.json.journal"):
            fresh.returns.save(_return(99.0))
    assert _journal(data).read_bytes() == before
    assert not (data / "periods" / "2025-26-Q3.json").exists()


def test_store_check_reports_a_damaged_journal(data, capsys):
    offset = _garble(_journal(data), 2)
    assert main(["--data", str(data), "store", "check"]) == 2
    err = capsys.readouterr().err
    assert f"{_journal(data)}: damaged at line 2 (byte {offset})" in err
    assert "4 records that read follow it" in err


def test_store_restore_keeps_every_record_that_reads_and_the_damaged_file(data, clock, capsys):
    offset = _garble(_journal(data), 2)
    damaged = _journal(data).read_bytes()
    assert main(["--data", str(data), "store", "restore"]) == 0
    out = capsys.readouterr().out
    assert f"skipped 2025-26-Q3.json.journal line 2 (byte {offset}" in out
    assert "1 damaged record skipped" in out
    [aside] = (data / "periods").glob("2025-26-Q3.json.journal.damaged-*")
    assert aside.read_bytes() == damaged and not _journal(data).exists()
    restored = Store.open(data, clock=clock)
    # Line 2 moved revision 1 (0.0) into the history: only that is missing. Lines 3–6 are back.
    assert [v.value for v in restored.returns.versions("M1", Q3)] == VALUES[1:]
    trail = [record.action for record in restored.audit.about("return M1 2025/26 Q3")]
    assert trail == ["return.created", *["return.revised"] * 4]  # line 2's record is the one lost
    restored.returns.save(_return(42.0, "M2"))
    again = Store.open(data, clock=clock)
    assert again.returns.get("M2", Q3).value == 42.0 and again.returns.get("M1", Q3).value == 5.0
    assert main(["--data", str(data), "store", "check"]) == 0


def test_the_restored_file_has_backups_that_rebuild_it(data, clock, monkeypatch):
    monkeypatch.setattr(storage, "COMPACT_AFTER_RECORDS", 4)
    store = Store.open(data, clock=clock)
    store.returns.save(_return(6.0))  # folds: a snapshot, with backups
    store.returns.save(_return(7.0))
    store.returns.save(_return(8.0))
    _garble(_journal(data), 1)
    assert main(["--data", str(data), "store", "restore"]) == 0
    snapshot = data / "periods" / "2025-26-Q3.json"
    expected = json.loads(snapshot.read_bytes())
    snapshot.write_bytes(b"\x00" * 64)  # then the restored snapshot is damaged too
    assert main(["--data", str(data), "store", "restore"]) == 0
    assert json.loads(snapshot.read_bytes()) == expected
    assert Store.open(data, clock=clock).returns.get("M1", Q3).value == 8.0


def test_restore_changes_nothing_when_the_backup_is_damaged_too(data, clock, monkeypatch, capsys):
    monkeypatch.setattr(storage, "COMPACT_AFTER_RECORDS", 1)
    store = Store.open(data, clock=clock)
    store.returns.save(_return(6.0))  # folds: a snapshot and its backups
    store.returns.save(_return(7.0))
    folder = data / "periods"
    for name in ("2025-26-Q3.json", "2025-26-Q3.json.bak"):
        (folder / name).write_bytes(b"{")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert main(["--data", str(data), "store", "restore"]) == 2
    err = capsys.readouterr().err
    assert "2025-26-Q3.json.bak is damaged too" in err and len(err.splitlines()) == 1
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_a_torn_tail_is_not_damage_and_is_cut_off_by_the_next_write(data, clock):
    with _journal(data).open("ab") as handle:
        handle.write(b'{"t":{"returns":{"docs":{"9":{"measure_id":"TORN"')  # crash mid-append
    assert main(["--data", str(data), "store", "check"]) == 0
    fresh = Store.open(data, clock=clock)
    assert fresh.returns.get("TORN", Q3) is None and fresh.returns.get("M1", Q3).value == 5.0
    fresh.returns.save(_return(6.0))
    assert b"TORN" not in _journal(data).read_bytes()
    assert Store.open(data, clock=clock).returns.get("M1", Q3).value == 6.0


def test_replay_stops_at_the_damage_and_salvage_reads_around_it(tmp_path):
    path = tmp_path / "x.json.journal"
    lines = [json.dumps({"t": {"t": {"docs": {"1": {"n": n}}}}}).encode() + b"\n" for n in range(3)]
    path.write_bytes(lines[0] + b"garbled\n" + lines[1] + lines[2] + b'{"t": torn')
    data: journal.Data = {}
    tail = JournalTail()
    with pytest.raises(JournalDamagedError) as caught:
        journal.replay(path, data, tail)
    assert (caught.value.damage.line, caught.value.damage.offset) == (2, len(lines[0]))
    assert tail.offset == len(lines[0]) and data == {"t": {"1": {"n": 0}}}
    found = journal.salvage(path)
    assert [d.line for d in found.damage] == [2] and found.lines == lines
    assert found.torn == len(b'{"t": torn')


def test_a_damaged_last_complete_line_is_damage_too(tmp_path):
    """Only a line without its newline can be a torn append; a complete one may have been acknowledged."""
    path = tmp_path / "x.json.journal"
    path.write_bytes(b'{"t":{}}\n{"t":{"a":\n')
    with pytest.raises(JournalDamagedError):
        journal.replay(path, {}, JournalTail())


def test_serve_refuses_a_damaged_journal_with_the_restore_advice(data):
    from perfbot.server import damaged_data

    offset = _garble(_journal(data), 4)
    [found] = damaged_data(data)
    assert found.startswith(f"{_journal(data)} is damaged at line 4 (byte {offset})")
    assert "'perfbot store restore' keeps every record that reads" in found


def test_the_web_answers_503_not_a_crash_when_data_turns_out_damaged(data, tmp_path):
    from fastapi.testclient import TestClient

    from perfbot.app import build
    from perfbot.server import create_asgi
    from perfbot.settings import Settings

    app = build(data)
    asgi = create_asgi(app, Settings(), run_scheduler=False)
    asgi.add_api_route("/probe", lambda: {"value": app.store.returns.get("M1", Q3).value})
    client = TestClient(asgi)
    assert client.get("/probe").json() == {"value": 5.0}
    _garble(_journal(data), 2)
    fresh = build(data)  # a process that had not read the journal yet
    asgi = create_asgi(fresh, Settings(), run_scheduler=False)
    asgi.add_api_route("/probe", lambda: {"value": fresh.store.returns.get("M1", Q3).value})
    answer = TestClient(asgi).get("/probe")
    assert answer.status_code == 503 and "perfbot store check" in answer.json()["error"]
