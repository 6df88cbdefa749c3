"""The performance officer's console: rounds, status by service and owner, chasing, opening
and closing rounds, withdrawing a figure. Status is `app.status`, withdrawals `app.corrections`;
chasing and opening go through `app.cycle` (outbox: nothing is sent twice)."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from bot.web.auth import User, current_user, require
from bot.web.errors import WebError
from bot.web.forms import Errors, Posted
from bot.web.pages import page, redirect
from bot.web.roles import Role
from bot.web.state import state_of
from bot.web.urls import period_from_key
from perfbot.model import Round, RoundState
from perfbot.periods import Period, PeriodError
from perfbot.services.corrections import NO_WITHDRAW_REASON, Withdrawal
from perfbot.services.ports import ChaseOutcome, RoundError
from perfbot.services.round_status import RoundStatus

router = APIRouter(prefix="/officer")
OFFICER = Annotated[User, Depends(require(Role.OFFICER))]
STATES = {"closed": RoundState.CLOSED, "open": RoundState.OPEN}


def _round(request: Request, key: str) -> Round:
    period = period_from_key(key)
    found = state_of(request).app.store.rounds.get(period)
    if found is None:
        raise WebError(404, "Round not opened", f"The round for {period} has not been opened.",
                       back="/officer")  # fmt: skip
    return found


def _openable(request: Request) -> list[Period]:
    """The last four quarters that have ended and have no round yet."""
    store = state_of(request).app.store
    today = store.clock.now().date()
    latest = Period.containing(today).previous()
    return [p for p in reversed(latest.back(4)) if store.rounds.get(p) is None]


def _console(request: Request, *, errors: Errors | None = None, status: int = 200,
             chosen: str = "", withdrawn: str = "") -> Response:  # fmt: skip
    app = state_of(request).app
    rounds = []
    for found in reversed(app.store.rounds.all()):
        services = app.status.services(found.period)
        rounds.append({"round": found, "expected": sum(s.expected for s in services),
                       "returned": sum(s.returned for s in services)})  # fmt: skip
    return page(request, "officer/console.html", status=status, title="Rounds", rounds=rounds,
                openable=_openable(request), errors=errors, chosen=chosen, withdrawn=withdrawn)  # fmt: skip


@router.get("")
def console(request: Request, user: OFFICER) -> Response:
    return _console(request)


@router.post("/returns/withdraw")
def withdraw(request: Request, user: OFFICER, form: Posted) -> Response:
    """Withdraw a stray return with a reason; every version is kept."""
    errors = Errors()
    measure_id = form.text("measure_id", limit=40).strip()
    reason = form.text("reason", limit=500)
    try:
        period = Period.parse(form.text("withdraw_period", limit=40))
    except PeriodError as error:
        errors.add("withdraw_period", str(error))
        if not reason.strip():
            errors.add("reason", NO_WITHDRAW_REASON)
        return _console(request, errors=errors, status=400)
    done = state_of(request).app.corrections.withdraw(Withdrawal(measure_id, period, reason, actor=user.email))
    if not done.accepted:
        for name, message in done.errors.items():
            errors.add(name, message)
        return _console(request, errors=errors, status=400)
    return _console(request, withdrawn=f"{measure_id} {period}")


@router.post("/rounds")
def open_round(request: Request, user: OFFICER, form: Posted) -> Response:
    text = form.text("period", limit=40)
    errors = Errors()
    period: Period | None = None
    if not text:
        errors.add("period", "Select the quarter to open")
    else:
        try:
            period = Period.parse(text)
            state_of(request).app.cycle.open_round(period, actor=user.email)
        except (PeriodError, RoundError) as error:
            errors.add("period", str(error))
    if errors:
        return _console(request, errors=errors, status=400, chosen=text)
    return redirect(request, f"/officer/rounds/{period.key}?done=opened")  # type: ignore[union-attr]


def _round_page(request: Request, found: Round, *, banner: str | None = None,
                chase_lines: list[str] | None = None) -> Response:  # fmt: skip
    app = state_of(request).app
    status = app.status.of(found.period)
    return page(request, "officer/round.html", title=f"Round {found.period}", found=found,
                services=_services(request, status), sign_off=app.sign_off.enabled, owners=status.owners,
                outstanding=status.outstanding, undelivered=status.undelivered, banner=banner,
                chase_lines=chase_lines or [], back="/officer")  # fmt: skip


@router.get("/rounds/{key}")
def round_status(request: Request, key: str, user: OFFICER, done: str = "") -> Response:
    found = _round(request, key)
    banners = {"opened": f"The round for {found.period} is open and requests have been sent.",
               "closed": "The round is closed: no more figures are accepted.",
               "open": "The round is open again."}  # fmt: skip
    return _round_page(request, found, banner=banners.get(done))


@router.post("/rounds/{key}/chase")
def chase(request: Request, key: str, user: OFFICER, form: Posted) -> Response:
    found = _round(request, key)
    owner = form.text("owner", limit=320) or None
    web = state_of(request)
    try:
        report = web.app.cycle.chase(found.period, owner=owner, force=form.choice("force", ("yes",)) == "yes",
                                     actor=user.email)  # fmt: skip
    except RoundError as error:
        raise WebError(409, "Cannot chase", str(error), back=f"/officer/rounds/{key}") from None
    return _round_page(request, found, banner=_chase_banner(report), chase_lines=_chase_details(report))


def _services(request: Request, status: RoundStatus) -> list[dict[str, object]]:
    """Each service's returns; with sign-off on, its state and the officer's link to the
    sign-off page (to decide on the head of service's behalf, with a reason)."""
    app = state_of(request).app
    rows = [s.row() for s in status.services]
    if not app.sign_off.enabled:
        return rows
    user = current_user(request)
    for row in rows:
        link = app.sign_off.link_for(user.email, status.period, row["service"]) if user else ""
        row["sign_off_path"] = re.sub(r"^https?://[^/]+", "", link)
    return rows


def _chase_banner(report: ChaseOutcome) -> str:
    if not report.chased and not report.quiet:
        return "Nothing outstanding to chase."
    return (f"Chased {len(report.chased)} owner(s); {len(report.delivery.sent)} message(s) sent"
            + (f", {len(report.delivery.failed)} failed." if report.delivery.failed else "."))  # fmt: skip


def _chase_details(report: ChaseOutcome) -> list[str]:
    lines = []
    for action in report.chased:
        via = f" (to their deputy {action.recipient})" if action.on_behalf_of else ""
        lines.append(f"Chased {action.addressee or action.recipient}{via}: {', '.join(action.measure_ids)}")
    for quiet in report.quiet:
        lines.append(f"Not chased {quiet.owner}: already chased {quiet.last_at:%-d %b %H:%M}; "
                     f"quiet until {quiet.until:%-d %b %H:%M}")  # fmt: skip
    return lines


@router.post("/rounds/{key}/state")
def set_state(request: Request, key: str, user: OFFICER, form: Posted) -> Response:
    found = _round(request, key)
    wanted = form.choice("state", tuple(STATES))
    if wanted is None:
        raise WebError(400, "Choose close or reopen", "The form did not say what to do.")
    cycle = state_of(request).app.cycle
    if wanted == "closed":
        cycle.close_round(found.period, actor=user.email)
    else:
        reason = form.text("reason", limit=500).strip()
        if not reason:
            raise WebError(400, "Give the reason for reopening",
                           "Its figures were published when it closed: say why it reopens.")  # fmt: skip
        cycle.reopen_round(found.period, actor=user.email, reason=reason)
    return redirect(request, f"/officer/rounds/{key}?done={wanted}")
