"""A data directory written before platform state had its own table still reads, and upgrades."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.slack.address_book import AddressBook
from bot.teams.refs import conversations_of
from perfbot.periods import Period
from perfbot.store import Store

# Written by perfbot as of main 4567700 (2026-12-05): a register, a Q3 round and return, Slack
# people (one unknown, reported), two Teams conversations (one bound to "cmt"), SharePoint marks.
WRITTEN_BEFORE = Path(__file__).parent.parent / "data" / "before-platform-state"


def _copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(WRITTEN_BEFORE, tmp_path / "data"))


def test_platform_state_written_before_is_read_where_each_platform_looks(tmp_path: Path, clock) -> None:  # noqa: ANN001
    store = Store.open(_copy(tmp_path), clock=clock)
    book = AddressBook(store.platform_state("slack"), clock)
    assert book.person("jo@council.gov.uk").address == "U0JO"
    assert book.person_at("U0JO").email == "jo@council.gov.uk"
    unknown = book.person("nobody@council.gov.uk")
    assert unknown.address is None and unknown.reported_at is not None
    conversations = conversations_of(store)
    assert conversations.for_email("jo@council.gov.uk").conversation_id == "a:jo"
    assert conversations.for_destination("cmt").name == "CMT"
    marks = store.platform_state("sharepoint")
    assert marks.get("sharepoint.rows|2025/26 Q3") == {"rows": 1}
    assert marks.get("sharepoint.modified|Performance Returns")["seen"] == {"4": "2.0"}
    assert store.returns.get("M1", Period(2025, 3)).value == 91.0


def test_the_upgrade_moves_the_old_tables_once_and_survives_a_reopen(tmp_path: Path, clock) -> None:  # noqa: ANN001
    data = _copy(tmp_path)
    first = Store.open(data, clock=clock)
    before = first.platform_state("teams").items()
    assert len(before) == 2
    conversations_of(first).forget("a:jo")
    again = Store.open(data, clock=clock)
    assert [key for key, _ in again.platform_state("teams").items()] == ["conversation:19:cmt@thread.tacv2"]
    for old in ("chat_people", "teams_conversations", "sync_marks"):
        assert again.files.core.table(old).all() == []
    assert [r.action for r in again.audit.about("digest destination cmt")] == ["teams.destination.bound"]
