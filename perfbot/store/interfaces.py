"""The store's ports: one `typing.Protocol` per repository, and `Store`, which holds them all.

Code outside a backend depends on these (and on `perfbot.store.records` for the values), never on
an engine. A backend implements every protocol with the same names, parameters and results: the
TinyDB backend is the rest of `perfbot.store`, the PostgreSQL one `perfbot.store.pg`
(`tests/unit/test_store_contract.py` holds both to this contract).

Atomicity contract, for every backend: each method that writes commits before it returns, with
its audit record in the same transaction, and is durable when it returns; a read-check-write
method (`Rounds.open`, `Outbox.claim`, `Returns.save` with an idempotency key, `ChatDirectory.claim`,
`WebSessions.use_link`, …) is race-free across threads and processes. `Store.quarter_commit` and
`PlatformState.atomic` group several writes into one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any, Protocol

from perfbot.actions import ActionChange, Due, TrackedAction
from perfbot.benchmarks import PeerValue
from perfbot.clock import Clock
from perfbot.model import (
    CaseStudy,
    CaseStudyStatus,
    Measure,
    Return,
    Round,
    RoundState,
    TargetOverride,
    Value,
)
from perfbot.people import Absence, Person
from perfbot.periods import Period
from perfbot.sign_off import ServiceSignOff
from perfbot.store.records import (
    AuditRecord,
    ChatMessage,
    Draft,
    OutboxMessage,
    PeerChanges,
    Publication,
    RegisterChanges,
    SaveOutcome,
    WebSession,
)  # fmt: skip
from perfbot.terms import TermsBook, Timeline


class Register(Protocol):
    """Measures by id (retired ones kept for history), per-period targets, terms over time."""

    def measures(self, *, include_retired: bool = False) -> list[Measure]: ...
    def measure(self, measure_id: str) -> Measure | None: ...
    def targets(self) -> list[TargetOverride]: ...
    def starts(self) -> dict[str, Period]: ...
    def target_overrides(self) -> dict[tuple[str, Period], float]: ...
    def target_override(self, measure_id: str, period: Period) -> float | None: ...
    def terms_book(self) -> TermsBook: ...
    def timeline(self, measure: Measure) -> Timeline: ...
    def in_force(self, measure: Measure, period: Period) -> Measure: ...
    def pinned(self) -> AbstractContextManager[None]:
        """Within the block, reads see the register as at the block's first read (one freshness
        check for the block, where the backend needs one)."""
        ...
    def apply(
        self,
        measures: list[Measure],
        targets: list[TargetOverride] | None,
        *,
        actor: str,
        starts: Mapping[str, Period] | None = None,
    ) -> RegisterChanges: ...


class Returns(Protocol):
    """The current revision of each (measure, quarter), every earlier version kept."""

    def get(self, measure_id: str, period: Period) -> Return | None: ...
    def current_values(self, measure_id: str, periods: Iterable[Period]) -> dict[Period, Value]:
        """The figures of `measure_id`'s current returns in `periods`, by quarter (quarters without
        a return left out; a return without a figure gives None): what a rating reads."""
        ...
    def for_period(self, period: Period) -> dict[str, Return]: ...
    def of_measures(self, period: Period, measure_ids: Iterable[str]) -> dict[str, Return]:
        """The current returns of these measures in `period`, by measure id (a person's handful:
        not the whole quarter read)."""
        ...

    def for_periods(self, periods: Iterable[Period]) -> dict[Period, dict[str, Return]]:
        """The current returns of each of `periods` that has any, by quarter, then measure id."""
        ...

    def versions(self, measure_id: str, period: Period) -> list[Return]: ...
    def withdrawal(self, measure_id: str, period: Period) -> dict[str, str] | None: ...
    def withdraw(self, measure_id: str, period: Period, *, actor: str, reason: str) -> Return: ...
    def periods(self) -> list[Period]: ...
    def save(self, submitted: Return, *, idempotency_key: str | None = None) -> SaveOutcome: ...
    def save_many(self, returns: list[Return]) -> list[SaveOutcome]: ...


class Rounds(Protocol):
    """One collection round per quarter, opened once, closed and reopened with a reason."""

    def get(self, period: Period) -> Round | None: ...
    def all(self) -> list[Round]: ...
    def open(self, period: Period, *, deadline: datetime, actor: str) -> tuple[Round, bool]: ...
    def set_state(self, period: Period, state: RoundState, *, actor: str, reason: str = "") -> Round: ...


class Outbox(Protocol):
    """Every outbound message, recorded before it is sent; claims are conditional updates."""

    def enqueue(self, message: OutboxMessage, *, actor: str | None = None, action: str = "") -> bool: ...
    def enqueue_many(self, messages: Sequence[OutboxMessage]) -> list[bool]: ...
    def add_to_batch(
        self,
        period: Period,
        *,
        kind: str,
        recipient: str,
        items: Iterable[str],
        slot_after: Callable[[datetime], datetime],
        key_for: Callable[[datetime], str],
    ) -> None: ...
    def get(self, period: Period, key: str) -> OutboxMessage | None: ...
    def for_period(self, period: Period) -> list[OutboxMessage]: ...
    def claimable(self, period: Period) -> list[OutboxMessage]: ...
    def claim(self, period: Period, key: str, *, lease: timedelta) -> OutboxMessage | None: ...
    def mark_sent(self, period: Period, key: str, *, channel: str, ref: str = "") -> None: ...
    def mark_failed(self, period: Period, key: str, *, error: str, retry_at: datetime | None) -> None: ...
    def mark_skipped(self, period: Period, key: str, *, reason: str) -> None: ...


class CaseStudies(Protocol):
    """Case studies by `case_id` and their moderation."""

    def add(self, study: CaseStudy) -> tuple[CaseStudy, bool]: ...
    def get(self, case_id: str) -> CaseStudy | None: ...
    def list(self, *, status: CaseStudyStatus | None = None) -> list[CaseStudy]: ...
    def update(self, case_id: str, *, actor: str, reason: str = "", **changes: Any) -> CaseStudy: ...


class People(Protocol):
    """Deputies and absences by e-mail."""

    def get(self, email: str) -> Person | None: ...
    def all(self) -> dict[str, Person]: ...
    def set(
        self,
        email: str,
        *,
        actor: str,
        deputy: str | None | object = ...,  # left out: kept as it is
        add_absences: tuple[Absence, ...] = (),
        clear_absences: bool = False,
    ) -> Person: ...


class Actions(Protocol):
    """Remedial actions raised by red returns (perfbot.actions)."""

    def track(self, raised_by: Return, *, owner: str, due: Due) -> TrackedAction: ...
    def get(self, key: str) -> TrackedAction | None: ...
    def change(self, key: str, change: ActionChange) -> TrackedAction: ...
    def all(self) -> list[TrackedAction]: ...


class SignOffs(Protocol):
    """Each service's sign-off in each round (perfbot.sign_off)."""

    def get(self, period: Period, service: str) -> ServiceSignOff | None: ...
    def for_period(self, period: Period) -> list[ServiceSignOff]: ...
    def put(self, sign_off: ServiceSignOff, *, actor: str, what: str) -> ServiceSignOff: ...


class PeerValues(Protocol):
    """Comparison councils' figures for the register's benchmark metrics."""

    def for_metric(self, metric: str) -> list[PeerValue]: ...
    def save(self, values: list[PeerValue], *, actor: str, source: str) -> PeerChanges: ...


class Publications(Protocol):
    """Each quarter's figures as published when its round closed, by edition."""

    def latest(self, period: Period) -> Publication | None: ...
    def publish(self, period: Period, rows: list[dict[str, Any]], *, actor: str) -> Publication: ...


class AuditLog(Protocol):
    """Who changed what, when, with the before and after (repositories write it themselves)."""

    def all(self) -> list[AuditRecord]: ...
    def about(self, subject: str) -> list[AuditRecord]: ...
    def record(
        self,
        *,
        actor: str,
        action: str,
        subject: str,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None: ...


class ChatDirectory(Protocol):
    """Messages perfbot sent on a chat platform for a round, and deliveries already handled."""

    def remember_message(self, message: ChatMessage) -> None: ...
    def messages(
        self, platform: str, period: Period, *, email: str | None = None, kind: str | None = None
    ) -> list[ChatMessage]: ...
    def message_at(self, platform: str, channel: str, ts: str, *, periods: Iterable[Period]) -> ChatMessage | None: ...
    def claim(self, key: str) -> bool: ...


class Drafts(Protocol):
    """Web-form drafts: one per owner, quarter and measure."""

    def save(
        self, *, owner: str, period: Period, measure_id: str, value: str, commentary: str, action: str
    ) -> Draft: ...
    def get(self, *, owner: str, period: Period, measure_id: str) -> Draft | None: ...
    def for_owner(self, *, owner: str, period: Period) -> dict[str, Draft]: ...
    def discard(self, *, owner: str, period: Period, measure_id: str) -> bool: ...


class WebSessions(Protocol):
    """Server-side web sessions (kept by hash) and sign-in links used up."""

    def start(self, email: str, *, hours: int, how: str = "link",
              app_roles: tuple[str, ...] = ()) -> tuple[str, WebSession]: ...  # fmt: skip
    def get(self, session_id: str) -> WebSession | None: ...
    def end(self, *, key: str) -> bool: ...
    def active(self) -> list[WebSession]: ...
    def use_link(self, nonce: str, *, expires: datetime) -> bool: ...


class PlatformState(Protocol):
    """One namespace of durable JSON values by key, for a platform's own state (Slack people,
    Teams conversation references, SharePoint marks); the core never reads it.

    `put` of an equal value writes nothing. Inside `atomic()` reads see the latest committed state
    and every write of the block (to any repository) commits together, serialised with other
    writers, or not at all."""

    namespace: str

    def get(self, key: str) -> Any | None: ...
    def put(self, key: str, value: Any) -> None: ...
    def delete(self, key: str) -> bool: ...
    def items(self, prefix: str = "") -> list[tuple[str, Any]]: ...
    def atomic(self) -> AbstractContextManager[None]: ...


class Uploads(Protocol):
    """Files people sent (case-study attachments) by relative path ("uploads/…"), kept where every
    process serving perfbot reads them. A path once stored is never replaced."""

    def put(self, path: str, data: bytes) -> bool: ...
    def get(self, path: str) -> bytes | None: ...


class SchedulerLock(Protocol):
    """Which process runs the scheduler's tick: at most one at a time for one store.

    `acquire` is asked before every tick: True while this process holds the lock (taking it when
    it is free), False while another holds it. A holder that dies loses it, so another process
    takes over at its next tick. `release` gives it up (on shutdown)."""

    def acquire(self) -> bool: ...
    def release(self) -> None: ...


class Store(Protocol):
    """Everything perfbot keeps, one repository per table."""

    clock: Clock
    register: Register
    returns: Returns
    rounds: Rounds
    outbox: Outbox
    case_studies: CaseStudies
    people: People
    publications: Publications
    peers: PeerValues
    actions: Actions
    sign_offs: SignOffs
    audit: AuditLog
    chat: ChatDirectory
    drafts: Drafts
    web_sessions: WebSessions
    uploads: Uploads

    def platform_state(self, namespace: str) -> PlatformState: ...
    def quarter_commit(self, period: Period) -> AbstractContextManager[None]: ...
    def session(self) -> AbstractContextManager[None]:
        """A block of store work (one request's reads and writes) done on one database connection
        where the backend has a pool of them; nothing on TinyDB."""
        ...
    def scheduler_lock(self) -> SchedulerLock: ...
    def ready(self) -> str:
        """What the store runs on, once it has answered a read now; StoreCorruptError (or its
        StoreUnavailableError) when it cannot."""
        ...
