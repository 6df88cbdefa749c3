"""The PostgreSQL backend (`PERFBOT_DATABASE_URL=postgresql://…`): the store's repositories on
psycopg 3, one module per repository, versioned migrations in `migrations/`.

Each repository keeps a record's key columns (with the constraints the TinyDB backend enforces in
code) and its full document (`to_doc()`) in a JSONB column. Every write is one transaction,
committed before the method returns; `quarter_commit` and `PlatformState.atomic` open one that
the repository calls inside join (see `db.py`).
"""

from __future__ import annotations

from contextlib import AbstractContextManager

from perfbot.clock import Clock, SystemClock
from perfbot.periods import Period
from perfbot.store import interfaces
from perfbot.store.pg import migrations
from perfbot.store.pg.actions import Actions
from perfbot.store.pg.audit import AuditLog
from perfbot.store.pg.case_studies import CaseStudies
from perfbot.store.pg.chat import ChatDirectory
from perfbot.store.pg.connect import open_pool
from perfbot.store.pg.db import Database
from perfbot.store.pg.drafts import Drafts
from perfbot.store.pg.leader import AdvisoryLock
from perfbot.store.pg.outbox import Outbox
from perfbot.store.pg.peers import PeerValues
from perfbot.store.pg.people import People
from perfbot.store.pg.platform_state import PlatformState
from perfbot.store.pg.publications import Publications
from perfbot.store.pg.register import Register
from perfbot.store.pg.returns import Returns
from perfbot.store.pg.rounds import Rounds
from perfbot.store.pg.sessions import WebSessions
from perfbot.store.pg.sign_offs import SignOffs
from perfbot.store.pg.uploads import Uploads
from perfbot.store.records import StoreCorruptError


class SchemaError(StoreCorruptError):
    """The database's schema is not the one this perfbot needs (run `perfbot store migrate`)."""


class PgStore:
    """The PostgreSQL store (implements `interfaces.Store`)."""

    def __init__(self, db: Database, clock: Clock, *, url: str = "") -> None:
        self.db = db  # the backend's own: nothing outside `perfbot.store.pg` touches it
        self.url = url
        self.clock = clock
        self.register: interfaces.Register = Register(db, clock)
        self.returns: interfaces.Returns = Returns(db, clock)
        self.rounds: interfaces.Rounds = Rounds(db, clock)
        self.outbox: interfaces.Outbox = Outbox(db, clock)
        self.case_studies: interfaces.CaseStudies = CaseStudies(db, clock)
        self.people: interfaces.People = People(db, clock)
        self.publications: interfaces.Publications = Publications(db, clock)
        self.peers: interfaces.PeerValues = PeerValues(db, clock)
        self.actions: interfaces.Actions = Actions(db, clock)
        self.sign_offs: interfaces.SignOffs = SignOffs(db, clock)
        self.audit: interfaces.AuditLog = AuditLog(db, clock)
        self.chat: interfaces.ChatDirectory = ChatDirectory(db, clock)
        self.drafts: interfaces.Drafts = Drafts(db, clock)
        self.web_sessions: interfaces.WebSessions = WebSessions(db, clock)
        self.uploads: interfaces.Uploads = Uploads(db)

    @classmethod
    def open(cls, url: str, *, clock: Clock | None = None, migrate: bool = False) -> PgStore:
        """The store in the database at `url`; with `migrate`, its schema is brought up to date
        first, else a database that lacks a migration is refused with what to run."""
        db = Database(open_pool(url))
        try:
            if migrate:
                migrations.migrate(db)
            missing = {m.version for m in migrations.available()} - migrations.applied(db)
            if missing:
                raise SchemaError(f"the database's schema is not up to date (missing migrations "
                                  f"{sorted(missing)}): run 'perfbot store migrate'")  # fmt: skip
        except BaseException:
            db.close()
            raise
        return cls(db, clock or SystemClock(), url=url)

    def platform_state(self, namespace: str) -> interfaces.PlatformState:
        return PlatformState(self.db, self.clock, namespace)

    def scheduler_lock(self) -> interfaces.SchedulerLock:
        """An advisory lock held by one replica's connection while it runs the scheduler."""
        return AdvisoryLock(self.url)

    def ready(self) -> str:
        """The database answered a query just now (StoreUnavailableError when it does not)."""
        with self.db.reading() as conn:
            conn.execute("SELECT 1").fetchone()
        return "postgresql"

    def session(self) -> AbstractContextManager[None]:
        """Every read and transaction in the block, in this thread, on one pooled connection."""
        return self.db.session()

    def quarter_commit(self, period: Period) -> AbstractContextManager[object]:
        """Every write in the block (to any repository) commits together, or none does; the
        block is pipelined (repository methods fetch whatever they depend on)."""
        return self.db.transaction(pipelined=True)

    def close(self) -> None:
        self.db.close()
