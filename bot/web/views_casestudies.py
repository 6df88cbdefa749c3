"""Case studies from staff: signed in (/case-studies/new) or from a returns link.

The officer moderates them (views_moderation.py); approved ones are what reports read
(`store.case_studies.list(status=APPROVED)`).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from bot import messages
from bot.web.auth import User, require
from bot.web.case_study_form import add_errors, submission_of, typed
from bot.web.errors import WebError, not_found
from bot.web.forms import Errors, PostedForm, PostedWithFile
from bot.web.pages import page, redirect
from bot.web.roles import Role
from bot.web.state import state_of
from bot.web.uploads import ALLOWED_TEXT, Upload, UploadError, check_upload, store_upload
from bot.web.views_returns import owner_for
from perfbot.model import CaseStudy
from perfbot.periods import Period

router = APIRouter()
STAFF = Annotated[User, Depends(require(Role.OWNER, Role.OFFICER, Role.CMT))]
_FORM_KEY = re.compile(r"^[0-9a-f]{32}$")
_MB = 1024 * 1024


def _max_bytes(request: Request) -> int:
    return state_of(request).web.upload_max_mb * _MB


def _form(request: Request, *, action: str, values: dict[str, str], errors: Errors,
          status: int = 200, back: str | None = None) -> Response:  # fmt: skip
    web = state_of(request)
    return page(request, "case_studies/form.html", status=status, title=messages.SEND_CASE_STUDY,
                action=action, values=values, errors=errors, choices=web.app.case_studies.choices(),
                form_key=uuid.uuid4().hex, allowed=ALLOWED_TEXT, max_mb=web.web.upload_max_mb,
                back=back)  # fmt: skip


def _accept(request: Request, form: PostedForm, *, author: str, period: Period, action: str,
            back: str | None) -> CaseStudy | Response:  # fmt: skip
    """Check and store the case study (with its file), or the form again with its errors."""
    app = state_of(request).app
    values = typed(form)
    key = form.fields.get("form_key", "")
    submission = submission_of(values, author=author, period=period, form_key=key)
    errors = Errors()
    add_errors(errors, app.case_studies.check(submission))
    chosen = form.files.get("attachment")
    upload = _upload(request, chosen, errors) if chosen is not None else None
    if errors:
        if chosen is not None and "attachment" not in errors.by_field:
            errors.add("attachment", "Choose the file again (files are not kept when a form has errors)")
        return _form(request, action=action, values=values, errors=errors, status=400, back=back)
    if not _FORM_KEY.match(key):
        raise WebError(400, "Form refused", "This form is damaged. Go back, reload it and try again.")
    sent_before = app.store.case_studies.get(submission.case_id)
    if sent_before is not None:  # the same form sent again: nothing it carries replaces what was sent
        return sent_before
    stored = (store_upload(upload, uploads=app.store.uploads, case_id=submission.case_id),) if upload else ()
    result = app.case_studies.submit(replace(submission, attachments=stored))
    if result.study is None:  # the register changed since the check
        add_errors(errors, result.errors)
        return _form(request, action=action, values=values, errors=errors, status=400, back=back)
    return result.study


def _upload(request: Request, chosen: UploadFile, errors: Errors) -> Upload | None:
    """The chosen file if it passes the checks, else None with an error on the field."""
    try:
        return check_upload(chosen.filename or "", chosen.file.read(_max_bytes(request) + 1),
                            max_bytes=_max_bytes(request))  # fmt: skip
    except UploadError as error:
        errors.add("attachment", str(error))
        return None


def _current_period(request: Request) -> Period:
    """The same rule as every channel: the open round's quarter, else the last ended quarter."""
    return state_of(request).app.case_studies.current_period()


@router.get("/case-studies/new")
def new(request: Request, user: STAFF) -> Response:
    return _form(request, action="/case-studies/new", values={}, errors=Errors())


@router.post("/case-studies/new")
def create(request: Request, user: STAFF,
           form: PostedWithFile) -> Response:  # fmt: skip
    result = _accept(request, form, author=user.email, period=_current_period(request),
                     action="/case-studies/new", back=None)  # fmt: skip
    if isinstance(result, Response):
        return result
    return redirect(request, f"/case-studies/{result.case_id}/sent")


@router.get("/case-studies/{case_id}/sent")
def sent(request: Request, case_id: str, user: STAFF) -> Response:
    study = state_of(request).app.store.case_studies.get(case_id)
    if study is None or study.submitted_by != user.email:
        raise not_found("case study of yours")
    return page(request, "case_studies/sent.html", title="Case study sent", study=study, next_url="/")


@router.get("/returns/{token}/case-study")
def new_from_link(request: Request, token: str) -> Response:
    owner = owner_for(request, token)
    return _form(request, action=f"{owner.base}/case-study", values={}, errors=Errors(), back=owner.base)


@router.post("/returns/{token}/case-study")
def create_from_link(request: Request, token: str,
                     form: PostedWithFile) -> Response:  # fmt: skip
    owner = owner_for(request, token)
    result = _accept(request, form, author=owner.email, period=owner.period,
                     action=f"{owner.base}/case-study", back=owner.base)  # fmt: skip
    if isinstance(result, Response):
        return result
    return redirect(request, f"{owner.base}/case-study/sent?case={result.case_id}")


@router.get("/returns/{token}/case-study/sent")
def sent_from_link(request: Request, token: str, case: str = "") -> Response:
    owner = owner_for(request, token)
    study = state_of(request).app.store.case_studies.get(case)
    if study is None or study.submitted_by != owner.email:
        raise not_found("case study of yours")
    return page(request, "case_studies/sent.html", title="Case study sent", study=study,
                next_url=owner.base)  # fmt: skip
