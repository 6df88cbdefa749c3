"""The durable store (TinyDB underneath). See `storage.py` for the atomicity contract."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path

from perfbot.clock import Clock, SystemClock
from perfbot.periods import Period
from perfbot.store.actions_repo import Actions
from perfbot.store.audit import AuditLog
from perfbot.store.casestudies_repo import CaseStudies
from perfbot.store.conversations_repo import Conversations as Conversations  # bot/teams
from perfbot.store.directory_repo import ChatDirectory as ChatDirectory  # bot/slack
from perfbot.store.drafts_repo import Drafts as Drafts  # web form drafts (bot/web)
from perfbot.store.files import FileSet
from perfbot.store.outbox_repo import Outbox, OutboxMessage, OutboxStatus
from perfbot.store.people_repo import People
from perfbot.store.publications_repo import Publication, Publications
from perfbot.store.register_repo import Register, RegisterChanges
from perfbot.store.returns_repo import Returns, SaveOutcome, SaveStatus
from perfbot.store.rounds_repo import Rounds
from perfbot.store.signoffs_repo import SignOffs
from perfbot.store.storage import StoreCorruptError, StoreWriteError

__all__ = [
    "OutboxMessage", "OutboxStatus", "Publication", "RegisterChanges", "SaveOutcome", "SaveStatus", "Store",
    "StoreCorruptError", "StoreWriteError",
]  # fmt: skip


class Store:
    """Everything perfbot keeps, as small repositories over one set of files."""

    def __init__(self, files: FileSet, clock: Clock) -> None:
        self.files = files
        self.clock = clock
        self.register = Register(files, clock)
        self.returns = Returns(files, clock)
        self.rounds = Rounds(files, clock)
        self.outbox = Outbox(files, clock)
        self.case_studies = CaseStudies(files, clock)
        self.people = People(files, clock)
        self.publications = Publications(files, clock)
        self.actions = Actions(files, clock)
        self.sign_offs = SignOffs(files, clock)
        self.audit = AuditLog(files)

    @classmethod
    def open(cls, data_dir: Path, *, clock: Clock | None = None) -> Store:
        """The durable store in `data_dir` (created if missing)."""
        return cls(FileSet(Path(data_dir)), clock or SystemClock())

    @classmethod
    def in_memory(cls, *, clock: Clock | None = None) -> Store:
        """A store with the same semantics and no files, for unit tests."""
        return cls(FileSet(None), clock or SystemClock())

    def quarter_commit(self, period: Period) -> AbstractContextManager[None]:
        """Changes to one quarter's file made inside the block (a return and the alerts it raises)
        are committed together, durably and with one fsync, or not at all."""
        return self.files.period(period).transaction()
