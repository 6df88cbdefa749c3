"""The durable store. `interfaces.py` is its port (one Protocol per repository, and `Store`),
`records.py` the values it keeps; every other module here is the TinyDB backend (see
`storage.py` for its atomicity contract), the only code that knows the engine or its files."""

from __future__ import annotations

import contextlib

import tinydb

from perfbot.store.tinydb_version import check as _check_tinydb

_check_tinydb(tinydb.__version__)  # before any module that overrides TinyDB's internals loads

from contextlib import AbstractContextManager  # noqa: E402 - after the version check
from pathlib import Path  # noqa: E402

from perfbot.clock import Clock, SystemClock  # noqa: E402
from perfbot.periods import Period  # noqa: E402
from perfbot.store import interfaces  # noqa: E402
from perfbot.store.actions_repo import Actions  # noqa: E402
from perfbot.store.audit import AuditLog  # noqa: E402
from perfbot.store.casestudies_repo import CaseStudies  # noqa: E402
from perfbot.store.directory_repo import ChatDirectory  # noqa: E402
from perfbot.store.drafts_repo import Drafts  # noqa: E402
from perfbot.store.files import FileSet  # noqa: E402
from perfbot.store.legacy import upgrade  # noqa: E402
from perfbot.store.outbox_repo import Outbox  # noqa: E402
from perfbot.store.peers_repo import PeerValues  # noqa: E402
from perfbot.store.people_repo import People  # noqa: E402
from perfbot.store.platform_state import PlatformState  # noqa: E402
from perfbot.store.publications_repo import Publications  # noqa: E402
from perfbot.store.records import (  # noqa: E402
    OutboxMessage,
    OutboxStatus,
    PeerChanges,
    Publication,
    RegisterChanges,
    SaveOutcome,
    SaveStatus,
    StoreCorruptError,
    StoreUnavailableError,
    StoreWriteError,
)  # fmt: skip
from perfbot.store.register_repo import Register  # noqa: E402
from perfbot.store.returns_repo import Returns  # noqa: E402
from perfbot.store.rounds_repo import Rounds  # noqa: E402
from perfbot.store.sessions_repo import WebSessions  # noqa: E402
from perfbot.store.signoffs_repo import SignOffs  # noqa: E402
from perfbot.store.uploads_repo import Uploads  # noqa: E402

__all__ = [
    "OutboxMessage", "OutboxStatus", "PeerChanges", "Publication", "RegisterChanges", "SaveOutcome", "SaveStatus", "Store",
    "StoreCorruptError", "StoreUnavailableError", "StoreWriteError", "open_store",
]  # fmt: skip


class EveryProcess:
    """The TinyDB backend's scheduler lock: every process may tick."""

    def acquire(self) -> bool:
        return True

    def release(self) -> None:
        return None


def open_store(data_dir: Path, *, database_url: str | None = None, clock: Clock | None = None,
               migrate: bool = False) -> interfaces.Store:  # fmt: skip
    """The store: on PostgreSQL when `database_url` is given (`PERFBOT_DATABASE_URL`; `migrate`
    brings its schema up to date first), else the TinyDB files in `data_dir`."""
    if database_url:
        from perfbot.store.pg import PgStore  # psycopg is an optional dependency

        return PgStore.open(database_url, clock=clock, migrate=migrate)
    return Store.open(data_dir, clock=clock)


class Store:
    """The TinyDB store (implements `interfaces.Store`): small repositories over one set of files."""

    def __init__(self, files: FileSet, clock: Clock) -> None:
        self.files = files  # the backend's own: nothing outside `perfbot.store` touches it
        self.clock = clock
        self.register: interfaces.Register = Register(files, clock)
        self.returns: interfaces.Returns = Returns(files, clock)
        self.rounds: interfaces.Rounds = Rounds(files, clock)
        self.outbox: interfaces.Outbox = Outbox(files, clock)
        self.case_studies: interfaces.CaseStudies = CaseStudies(files, clock)
        self.people: interfaces.People = People(files, clock)
        self.publications: interfaces.Publications = Publications(files, clock)
        self.peers: interfaces.PeerValues = PeerValues(files, clock)
        self.actions: interfaces.Actions = Actions(files, clock)
        self.sign_offs: interfaces.SignOffs = SignOffs(files, clock)
        self.audit: interfaces.AuditLog = AuditLog(files, clock)
        self.chat: interfaces.ChatDirectory = ChatDirectory(files, clock)
        self.drafts: interfaces.Drafts = Drafts(files, clock)
        self.web_sessions: interfaces.WebSessions = WebSessions(files, clock)
        self.uploads: interfaces.Uploads = Uploads(files.data_dir)
        self._upgraded = False

    @classmethod
    def open(cls, data_dir: Path, *, clock: Clock | None = None) -> Store:
        """The durable store in `data_dir` (created if missing)."""
        return cls(FileSet(Path(data_dir)), clock or SystemClock())

    @classmethod
    def in_memory(cls, *, clock: Clock | None = None) -> Store:
        """A store with the same semantics and no files, for unit tests."""
        return cls(FileSet(None), clock or SystemClock())

    def platform_state(self, namespace: str) -> interfaces.PlatformState:
        """One platform's durable key-value state (e.g. "slack", "teams", "sharepoint")."""
        if not self._upgraded:
            upgrade(self.files, at=self.clock.now().isoformat())
            self._upgraded = True
        return PlatformState(self.files, self.clock, namespace)

    def scheduler_lock(self) -> interfaces.SchedulerLock:
        """Always held: on TinyDB every `perfbot serve` ticks, and outbox claims (under the file
        lock) keep two of them from sending a message twice."""
        return EveryProcess()

    def ready(self) -> str:
        """The data directory's core file reads (StoreCorruptError when it is damaged)."""
        self.rounds.all()
        return "tinydb"

    def session(self) -> AbstractContextManager[None]:
        """Nothing to hold: the files are opened as they are read (see `interfaces.Store.session`)."""
        return contextlib.nullcontext()

    def quarter_commit(self, period: Period) -> AbstractContextManager[None]:
        """Changes to one quarter's file made inside the block (a return and the alerts it raises)
        are committed together, durably and with one fsync, or not at all."""
        return self.files.period(period).transaction()
