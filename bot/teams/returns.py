"""Returns from the Teams card: what to ask for, and what a submitted card does.

A card is all-or-nothing for the figures typed into it: if any has a problem nothing is stored
and the card comes back with each error under its input. Measures left blank stay outstanding.
Each stored return carries the Teams activity id, so a retried delivery is never stored twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot import messages as core_messages
from bot.teams import messages as say
from bot.teams.cards import Accepted, FormState, ReturnForm, input_id
from perfbot.model import Measure
from perfbot.notices import NoticeKind, PersonNotice
from perfbot.periods import Period, PeriodError
from perfbot.submission import Submission
from schedules.notices import LINK_LIFETIME_AFTER_DEADLINE, measure_lines

if TYPE_CHECKING:
    from perfbot.services import Services

FIELDS = ("value", "commentary", "action")


@dataclass(frozen=True, slots=True)
class CardOutcome:
    """What the card becomes: the same form with errors, a smaller form, or a summary."""

    period: str
    form: ReturnForm | None  # measures still to submit (None: nothing left)
    state: FormState = field(default_factory=FormState)
    accepted: tuple[Accepted, ...] = ()

    @property
    def failed(self) -> bool:
        return bool(self.state.errors)


def form_from_notice(notice: PersonNotice) -> ReturnForm:
    """The return card for a request, reminder, deadline notice or chase."""
    return ReturnForm(period=notice.period, heading=core_messages.opening(notice),
                      by_when=core_messages.by_when(notice), measures=notice.measures,
                      form_url=notice.form_url)  # fmt: skip


def form_for(app: Services, email: str, period: Period, measures: list[Measure]) -> ReturnForm | None:
    """A fresh return card for these measures (None when the round is not open)."""
    found = app.store.rounds.get(period)
    if found is None or not measures:
        return None
    link = app.links.url(owner=email, period=str(period),
                         expires=found.deadline + LINK_LIFETIME_AFTER_DEADLINE)  # fmt: skip
    notice = PersonNotice(kind=NoticeKind.REQUEST, period=str(period), recipient=email,
                          deadline=found.deadline, measures=measure_lines(app.store, measures, period),
                          form_url=link, overdue=app.store.clock.now() > found.deadline)  # fmt: skip
    return form_from_notice(notice)


def submit_card(app: Services, *, email: str, data: dict[str, Any], delivery: str) -> CardOutcome:
    """Check every figure typed into the card; store them all, or none with errors shown.

    `delivery` names this submission uniquely (conversation and activity id): a retry of it is
    recognised and never stored twice.
    """
    try:
        period = Period.parse(str(data.get("period", "")))
    except PeriodError:
        return CardOutcome("", None, FormState(errors={"card": say.CARD_EXPIRED}))
    wanted = [m.strip() for m in str(data.get("measures", "")).split(",") if m.strip()]
    measures = [m for m in (app.store.register.measure(i) for i in wanted)
                if m is not None and app.collector.may_submit(email, m.measure_id)]  # fmt: skip
    if not measures:
        return CardOutcome(str(period), None, FormState(errors={"card": say.CARD_EXPIRED}))
    values = {k: str(v) for k, v in data.items() if isinstance(v, str | int | float) and "." in k}
    form = form_for(app, email, period, measures)
    filled = [m for m in measures if any(values.get(input_id(m.measure_id, f), "").strip() for f in FIELDS)]
    submissions = [_submission(m.measure_id, period, values, email, delivery) for m in filled]
    state = _check(app, submissions, values)
    if not filled:
        state = FormState(values, {input_id(measures[0].measure_id, "value"): say.EMPTY_SUBMIT})
    if state.errors:
        return CardOutcome(str(period), form, state)
    return _store(app, email, period, measures, submissions)


def _submission(measure_id: str, period: Period, values: dict[str, str], email: str,
                delivery: str) -> Submission:  # fmt: skip
    def typed(name: str) -> str:
        return values.get(input_id(measure_id, name), "")

    return Submission(measure_id=measure_id, period=period, value=typed("value"),
                      commentary=typed("commentary"), action=typed("action"), submitted_by=email,
                      channel="teams", idempotency_key=f"teams:{delivery}:{measure_id}",
                      confirmed=typed("confirm").lower() == "true")  # fmt: skip


def _check(app: Services, submissions: list[Submission], values: dict[str, str]) -> FormState:
    errors: dict[str, str] = {}
    confirm: set[str] = set()
    for submission in submissions:
        found, _, rag = app.collector.check(submission)
        for name, message in found.errors.items():
            target = name if name in FIELDS else "value"
            errors.setdefault(input_id(submission.measure_id, target), message)
        if rag is not None and rag.flags and "value" in found.errors:
            confirm.add(submission.measure_id)
    return FormState(values, errors, frozenset(confirm))


def _store(app: Services, email: str, period: Period, measures: list[Measure],
           submissions: list[Submission]) -> CardOutcome:  # fmt: skip
    lines = {line.measure_id: line for line in measure_lines(app.store, measures, period)}
    accepted, errors = [], {}
    for submission in submissions:
        result = app.collector.submit(submission)
        if not result.accepted:  # the round closed a moment ago, say
            errors.update({input_id(submission.measure_id, "value"): m for m in result.errors.values()})
            continue
        stored = result.outcome.current  # type: ignore[union-attr]
        status = say.SAVE_STATUS[result.outcome.status.value]  # type: ignore[union-attr]
        rag = result.rag.rag.value if result.rag else "n/a"
        accepted.append(Accepted(lines[submission.measure_id], stored.value, rag, status,
                                 stored.commentary, stored.action))  # fmt: skip
    remaining = [m for m in measures if m.measure_id not in app.store.returns.for_period(period)]
    form = form_for(app, email, period, remaining)
    return CardOutcome(str(period), form, FormState(errors=errors), tuple(accepted))
