"""The performance officer's moderation queue for case studies: approve, reject, edit, and mark
for the annual report. Every change goes through the case-study service (`app.case_studies`:
its rules, then `store.case_studies.update`, audited)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from bot.web.auth import User, require
from bot.web.case_study_form import read_fields
from bot.web.errors import WebError, not_found
from bot.web.forms import Errors, Posted
from bot.web.pages import finish, page, redirect
from bot.web.roles import Role
from bot.web.state import state_of
from bot.web.uploads import content_type
from perfbot.model import CaseStudy, CaseStudyStatus
from perfbot.services.case_studies import NO_CONSENT, NOT_APPROVED, Moderation

router = APIRouter(prefix="/officer/case-studies")
OFFICER = Annotated[User, Depends(require(Role.OFFICER))]
STATUSES = ("submitted", "approved", "rejected", "all")
DECISIONS = {"approve": CaseStudyStatus.APPROVED, "reject": CaseStudyStatus.REJECTED}
DONE = {"approved": "Case study approved.", "rejected": "Case study rejected.",
        "saved": "Changes saved.", "annual": "Marked for the annual report.",
        "not-annual": "Taken out of the annual report."}  # fmt: skip


def _study(request: Request, case_id: str) -> CaseStudy:
    study = state_of(request).app.store.case_studies.get(case_id)
    if study is None:
        raise not_found("case study with that reference")
    return study


@router.get("")
def queue(request: Request, user: OFFICER, status: str = "submitted") -> Response:
    if status not in STATUSES:
        raise WebError(400, "Unknown status", f"Show case studies that are {', '.join(STATUSES)}.")
    store = state_of(request).app.store
    chosen = None if status == "all" else CaseStudyStatus(status)
    studies = sorted(store.case_studies.list(status=chosen), key=lambda s: s.submitted_at, reverse=True)
    counts = {s: len(store.case_studies.list(status=CaseStudyStatus(s))) for s in STATUSES[:3]}
    return page(request, "officer/queue.html", title="Case studies", studies=studies,
                shown=status, counts=counts)  # fmt: skip


@router.get("/{case_id}")
def detail(request: Request, case_id: str, user: OFFICER, done: str = "") -> Response:
    study = _study(request, case_id)
    files = [Path(a).name for a in study.attachments]
    return page(request, "officer/case_study.html", title=study.title, study=study, files=files,
                banner=DONE.get(done), back="/officer/case-studies")  # fmt: skip


@router.post("/{case_id}/decision")
def decide(request: Request, case_id: str, user: OFFICER,
           form: Posted) -> Response:  # fmt: skip
    study = _study(request, case_id)
    decision = form.choice("decision", tuple(DECISIONS))
    if decision is None:
        raise WebError(400, "Choose approve or reject", "The form did not say what to do.")
    _moderate(request, Moderation(study.case_id, actor=user.email, status=DECISIONS[decision]))
    return redirect(request, f"/officer/case-studies/{case_id}?done={decision}d")


@router.post("/{case_id}/annual-report")
def annual_report(request: Request, case_id: str, user: OFFICER,
                  form: Posted) -> Response:  # fmt: skip
    study = _study(request, case_id)
    include = form.choice("include", ("yes", "no"))
    if include is None:
        raise WebError(400, "Choose yes or no", "The form did not say whether to include it.")
    _moderate(request, Moderation(study.case_id, actor=user.email, for_annual_report=include == "yes"))
    done = "annual" if include == "yes" else "not-annual"
    return redirect(request, f"/officer/case-studies/{case_id}?done={done}")


def _moderate(request: Request, decision: Moderation) -> CaseStudy:
    done = state_of(request).app.case_studies.moderate(decision)
    if done.study is None:
        title = {NOT_APPROVED: "Approve it first", NO_CONSENT: "No consent to publish"}
        message = next(iter(done.errors.values()))
        raise WebError(409, title.get(message, "Not changed"), message,
                       back=f"/officer/case-studies/{decision.case_id}")  # fmt: skip
    return done.study


@router.get("/{case_id}/edit")
def edit_form(request: Request, case_id: str, user: OFFICER) -> Response:
    study = _study(request, case_id)
    values = {n: getattr(study, n) for n in ("title", "theme", "service", "what_happened", "impact")}
    return _edit_page(request, study, values, Errors())


def _edit_page(request: Request, study: CaseStudy, values: dict[str, str], errors: Errors,
               status: int = 200) -> Response:  # fmt: skip
    choices = state_of(request).app.case_studies.choices()
    return page(request, "officer/case_study_edit.html", status=status, title=f"Edit: {study.title}",
                study=study, values=values, errors=errors, choices=choices,
                back=f"/officer/case-studies/{study.case_id}")  # fmt: skip


@router.post("/{case_id}/edit")
def edit(request: Request, case_id: str, user: OFFICER,
         form: Posted) -> Response:  # fmt: skip
    study = _study(request, case_id)
    errors = Errors()
    values = read_fields(form, state_of(request).app.case_studies, errors)
    if errors:
        return _edit_page(request, study, values, errors, status=400)
    state_of(request).app.case_studies.edit(study.case_id, values, actor=user.email)
    return redirect(request, f"/officer/case-studies/{case_id}?done=saved")


@router.get("/{case_id}/files/{name}")
def download(request: Request, case_id: str, name: str, user: OFFICER) -> Response:
    study = _study(request, case_id)
    web = state_of(request)
    match = [a for a in study.attachments if Path(a).name == name]
    data = web.app.store.uploads.get(match[0]) if match else None
    if data is None:
        raise not_found("file with that name")
    response = Response(data, media_type=content_type(name),  # a stored name is [A-Za-z0-9_-] and its extension
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip
    return finish(request, response)
