"""The form-link key kept in the data dir: made once, whole, private, and the same for every reader."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor

from perfbot.secret_key import SECRET_FILE, secret_for


def test_the_key_is_made_once_private_and_read_back_the_same(tmp_path, monkeypatch):
    monkeypatch.delenv("PERFBOT_SECRET_KEY", raising=False)
    first = secret_for(tmp_path)
    assert len(first) >= 32 and secret_for(tmp_path) == first
    assert stat.S_IMODE((tmp_path / SECRET_FILE).stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [SECRET_FILE]  # no draft left behind


def test_readers_starting_at_once_all_get_the_one_key(tmp_path, monkeypatch):
    monkeypatch.delenv("PERFBOT_SECRET_KEY", raising=False)
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: secret_for(tmp_path), range(32)))
    assert len(keys) == 1 and "" not in keys
