"""The returns form, reached by the signed link in every request: one page per measure.

/returns/{token}                         the owner's measures for the round (a task list)
/returns/{token}/measures/{id}           one measure: definition, target, last four values, form
/returns/{token}/measures/{id}/received  the confirmation, with the RAG in words
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from bot.web.errors import WebError, not_found
from bot.web.forms import Errors, Posted
from bot.web.measure_facts import facts, stored_rag
from bot.web.pages import page, redirect
from bot.web.state import WebState, state_of
from bot.web.views_home import link_error
from perfbot.links import LinkError
from perfbot.model import Measure, Round, RoundState
from perfbot.periods import Period
from perfbot.store.interfaces import Drafts
from perfbot.submission import Submission

router = APIRouter()
_FORM_KEY = re.compile(r"^[0-9a-f]{32}$")
FIELDS = ("value", "commentary", "action")


@dataclass(frozen=True)
class Owner:
    """Who a returns link was issued to, for which round, and their measures in it."""

    email: str
    round: Round
    measures: dict[str, Measure]
    token: str

    @property
    def period(self) -> Period:
        return self.round.period

    @property
    def base(self) -> str:
        return f"/returns/{self.token}"


def owner_for(request: Request, token: str) -> Owner:
    """Read a returns link; refuse forged or expired links and closed rounds."""
    web = state_of(request)
    store = web.app.store
    try:
        email, period_text = web.app.links.read(token, now=store.clock.now())
    except LinkError as error:
        raise link_error(error) from None
    period = Period.parse(period_text)
    found = store.rounds.get(period)
    if found is None:
        raise WebError(404, "This round is not open", f"The round for {period} has not been opened.")
    if found.state is RoundState.CLOSED:
        raise WebError(410, "This round has closed", f"The round for {period} is closed. If you "
                       "still need to send figures, ask the performance officer to reopen it.")  # fmt: skip
    person = email.lower()
    measures = {m.measure_id: m for m in web.app.duties.owed(person, period).measures}
    if not measures:
        raise WebError(404, "No measures to report", f"{email} has no measures to report for {period}.")
    return Owner(person, found, dict(sorted(measures.items())), token)


def _drafts(web: WebState) -> Drafts:
    return web.app.store.drafts


def _measure(owner: Owner, measure_id: str) -> Measure:
    if measure_id not in owner.measures:
        raise not_found("measure of yours with that name in this round")
    return owner.measures[measure_id]


@router.get("/returns/{token}")
def task_list(request: Request, token: str, saved: str = "") -> Response:
    owner = owner_for(request, token)
    web = state_of(request)
    store, policy = web.app.store, web.app.config.rag
    returned = store.returns.for_period(owner.period)
    drafts = _drafts(web).for_owner(owner=owner.email, period=owner.period)
    items = []
    for mid, measure in owner.measures.items():
        rag = stored_rag(store, policy, measure, owner.period) if mid in returned else None
        items.append({"measure": measure, "rag": rag, "draft": mid in drafts,
                      "href": f"{owner.base}/measures/{mid}"})  # fmt: skip
    banner = f"Draft saved for {owner.measures[saved].title}." if saved in owner.measures else None
    done = sum(1 for i in items if i["rag"])
    open_actions = len(web.app.actions.open_for(owner.email))
    return page(request, "returns/tasks.html", title=f"Your figures for {owner.period}", owner=owner,
                items=items, done=done, banner=banner, open_actions=open_actions)  # fmt: skip


@router.get("/returns/{token}/measures/{measure_id}")
def measure_form(request: Request, token: str, measure_id: str) -> Response:
    owner = owner_for(request, token)
    measure = _measure(owner, measure_id)
    web = state_of(request)
    draft = _drafts(web).get(owner=owner.email, period=owner.period, measure_id=measure_id)
    current = web.app.store.returns.get(measure_id, owner.period)
    if draft is not None:
        values = {"value": draft.value, "commentary": draft.commentary, "action": draft.action}
    elif current is not None:
        values = {"value": _as_typed(current.value),
                  "commentary": current.commentary, "action": current.action}  # fmt: skip
    else:
        values = dict.fromkeys(FIELDS, "")
    return _form_page(request, owner, measure, values, Errors(), status=200, draft=draft,
                      current=current)  # fmt: skip


def _as_typed(value: object) -> str:
    """A stored figure as someone would type it: 44, not 44.0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _form_page(request: Request, owner: Owner, measure: Measure, values: dict[str, str],
               errors: Errors, *, status: int, draft=None, current=None, confirm: bool = False) -> Response:  # noqa: ANN001
    web = state_of(request)
    if current is None:
        current = web.app.store.returns.get(measure.measure_id, owner.period)
    return page(
        request, "returns/measure.html", status=status, title=measure.title, owner=owner,
        facts=facts(web.app.store, measure, owner.period), values=values, errors=errors,
        draft=draft, current=current, confirm=confirm, form_key=uuid.uuid4().hex,
        back=owner.base,
    )  # fmt: skip


@router.post("/returns/{token}/measures/{measure_id}")
def measure_submit(request: Request, token: str, measure_id: str, form: Posted) -> Response:
    owner = owner_for(request, token)
    measure = _measure(owner, measure_id)
    web = state_of(request)
    values = {"value": form.text("value", limit=500), "commentary": form.text("commentary"),
              "action": form.text("action")}  # fmt: skip
    drafts = _drafts(web)
    if form.choice("intent", ("save", "submit")) == "save":
        drafts.save(owner=owner.email, period=owner.period, measure_id=measure_id, **values)
        return redirect(request, f"{owner.base}?saved={measure_id}")
    key = form.fields.get("form_key", "")
    if not _FORM_KEY.match(key):
        raise WebError(400, "Form refused", "This form is damaged. Go back, reload it and try again.")
    result = web.app.collector.submit(Submission(
        measure_id=measure_id, period=owner.period, value=values["value"],
        commentary=values["commentary"], action=values["action"], submitted_by=owner.email,
        channel="web", idempotency_key=f"web|{owner.email}|{measure_id}|{key}",
        confirmed=form.choice("confirmed", ("yes",)) == "yes",
    ))  # fmt: skip
    if result.accepted:
        drafts.discard(owner=owner.email, period=owner.period, measure_id=measure_id)
        return redirect(request, f"{owner.base}/measures/{measure_id}/received")
    drafts.save(owner=owner.email, period=owner.period, measure_id=measure_id, **values)
    errors = Errors()
    for name, message in result.errors.items():
        errors.add(name if name in FIELDS else "value", message)
    unusual = bool(result.rag and result.rag.flags and "value" in result.errors)
    return _form_page(request, owner, measure, values, errors, status=400, confirm=unusual)


@router.get("/returns/{token}/measures/{measure_id}/received")
def received(request: Request, token: str, measure_id: str) -> Response:
    owner = owner_for(request, token)
    measure = _measure(owner, measure_id)
    web = state_of(request)
    current = web.app.store.returns.get(measure_id, owner.period)
    if current is None:
        return redirect(request, f"{owner.base}/measures/{measure_id}")
    rag = stored_rag(web.app.store, web.app.config.rag, measure, owner.period)
    returned = web.app.store.returns.for_period(owner.period)
    left = [m for m in owner.measures.values() if m.measure_id not in returned]
    return page(request, "returns/received.html", title="Figure received", owner=owner,
                measure=measure, current=current, rag=rag, left=left)  # fmt: skip
