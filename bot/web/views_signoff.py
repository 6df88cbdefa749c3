"""The sign-off page, reached by the signed link in a sign-off request (e-mail, Slack, Teams) or
from the officers' console: a service's figures, approve or send back with a reason.

/signoff/{token}   GET: the figures and the decision form; POST: the decision
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from bot import sign_off_messages as say
from bot.web.errors import WebError
from bot.web.forms import Errors, Posted
from bot.web.measure_facts import stored_rag
from bot.web.pages import page, redirect
from bot.web.state import state_of
from bot.web.views_home import link_error
from perfbot.links import LinkError
from perfbot.services import Services
from perfbot.sign_off import MAX_REASON, SignOffError
from perfbot.sign_off_links import SignOffLink

router = APIRouter()
DECISIONS = ("approve", "send-back")


@dataclass(frozen=True)
class Visit:
    link: SignOffLink
    token: str

    @property
    def base(self) -> str:
        return f"/signoff/{self.token}"


def _visit(request: Request, token: str) -> Visit:
    app = state_of(request).app
    try:
        link = app.sign_off.read_link(token)
    except LinkError as error:
        raise link_error(error) from None
    if not app.sign_off.enabled:
        raise WebError(404, "Sign-off is not in use", "This council does not sign off figures.")
    if not app.sign_off.may_decide(link.person, link.period, link.service):
        raise WebError(403, "Not yours to sign off", say.NOT_YOURS.format(person=link.person, service=link.service))
    return Visit(link, token)


def _figures(app: Services, visit: Visit) -> list[dict[str, object]]:
    period, current = visit.link.period, app.store.returns.for_period(visit.link.period)
    rows = []
    for measure in app.sign_off.measures(period, visit.link.service):
        found = current.get(measure.measure_id)
        rows.append({"measure": measure, "value": found.value if found else None,
                     "commentary": found.commentary if found else "",
                     "rag": stored_rag(app.store, app.config.rag, measure, period) if found else None})  # fmt: skip
    return rows


def _page(request: Request, visit: Visit, *, errors: Errors, status: int = 200, values: dict | None = None,
          done: str = "") -> Response:  # fmt: skip
    app = state_of(request).app
    kept = app.store.sign_offs.get(visit.link.period, visit.link.service)
    on_behalf = visit.link.person not in (kept.approvers if kept else app.sign_off.approvers(
        visit.link.period, visit.link.service))  # fmt: skip
    return page(request, "sign_off/decide.html", status=status, title=f"Sign off {visit.link.service}",
                visit=visit, kept=kept, figures=_figures(app, visit), errors=errors, on_behalf=on_behalf,
                values=values or {"decision": "", "reason": ""}, done=done, say=say)  # fmt: skip


@router.get("/signoff/{token}")
def show(request: Request, token: str, done: str = "") -> Response:
    return _page(request, _visit(request, token), errors=Errors(), done=done if done in DECISIONS else "")


@router.post("/signoff/{token}")
def decide(request: Request, token: str, form: Posted) -> Response:
    visit = _visit(request, token)
    decision, reason = form.choice("decision", DECISIONS), form.text("reason", limit=MAX_REASON)
    errors = Errors()
    if decision is None:
        errors.add("decision", "Choose whether to approve the figures or send them back")
    else:
        try:
            state_of(request).app.sign_off.decide(visit.link.period, visit.link.service, by=visit.link.person,
                                                  approve=decision == "approve", reason=reason)  # fmt: skip
        except SignOffError as error:
            said = str(error)[:1].upper() + str(error)[1:]  # a sentence on the page (GOV.UK error style)
            errors.add("reason" if "why" in said or "reason" in said else "decision", said)
    if errors:
        return _page(request, visit, errors=errors, status=400, values={"decision": decision or "", "reason": reason})
    return redirect(request, f"{visit.base}?done={decision}")

