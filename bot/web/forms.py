"""Reading posted forms safely, and GOV.UK error summaries.

`Posted` is the dependency every POST route uses: it limits the body, parses the form,
checks CSRF, and gives the (synchronous) route a plain `PostedForm`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends
from starlette.datastructures import UploadFile
from starlette.requests import Request

from bot.web import csrf
from bot.web.auth import session_of
from bot.web.errors import WebError

MAX_FORM_BYTES = 64 * 1024  # a form without a file
MAX_TEXT_BYTES = 16 * 1024  # one text field


@dataclass
class PostedForm:
    """Text fields (stripped of NUL and surrounding space) and at most one file."""

    fields: dict[str, str]
    files: dict[str, UploadFile] = field(default_factory=dict)

    def text(self, name: str, *, limit: int = 3000) -> str:
        value = self.fields.get(name, "").replace("\x00", "").strip()
        return value[: limit + 1]  # one over the limit, so validation can say it is too long

    def choice(self, name: str, options: tuple[str, ...]) -> str | None:
        value = self.fields.get(name, "")
        return value if value in options else None


def _limit(request: Request, *, file_bytes: int) -> None:
    length = request.headers.get("content-length")
    if length is None or not length.isdigit():
        raise WebError(411, "Form refused", "The form was sent without its length. Try again.")
    # A file up to twice the limit is still read, so the form can say what to fix and keep the
    # rest of the answers; beyond that the request is refused outright.
    if int(length) > MAX_FORM_BYTES + 2 * file_bytes:
        if file_bytes:
            raise WebError(413, "The file is too big", f"The file must be smaller than "
                           f"{file_bytes // (1024 * 1024)} MB. Go back and choose a smaller file.")  # fmt: skip
        raise WebError(413, "Too much text", "The form is too long to accept. Go back and shorten it.")


async def _read(request: Request, *, file_bytes: int) -> PostedForm:
    _limit(request, file_bytes=file_bytes)
    form = await request.form(max_files=1 if file_bytes else 0, max_fields=60,
                              max_part_size=MAX_TEXT_BYTES)  # fmt: skip
    fields: dict[str, str] = {}
    files: dict[str, UploadFile] = {}
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            if value.filename:
                files[name] = value
        else:
            fields.setdefault(name, value)
    session = session_of(request)
    fresh = getattr(request.state, "new_session", None) is not None
    csrf.check(request, sent=fields.get(csrf.FIELD), expected=session.csrf, fresh=fresh)
    request.state.posted = posted = PostedForm(fields, files)  # shown back if the store fails
    return posted


async def _posted_form(request: Request) -> PostedForm:
    return await _read(request, file_bytes=0)


async def _posted_form_with_file(request: Request) -> PostedForm:
    from bot.web.state import state_of

    return await _read(request, file_bytes=state_of(request).web.upload_max_mb * 1024 * 1024)


Posted = Annotated[PostedForm, Depends(_posted_form)]
PostedWithFile = Annotated[PostedForm, Depends(_posted_form_with_file)]  # one file, up to [web] upload_max_mb


@dataclass
class Errors:
    """Problems keyed by field id, in the order they appear on the page."""

    by_field: dict[str, str] = field(default_factory=dict)

    def add(self, field_id: str, message: str) -> None:
        self.by_field.setdefault(field_id, message)

    def __bool__(self) -> bool:
        return bool(self.by_field)

    def summary(self) -> list[dict[str, str]]:
        """Items for govukErrorSummary: each links to its field."""
        return [{"text": m, "href": f"#{f}"} for f, m in self.by_field.items()]

    def at(self, field_id: str) -> dict[str, str] | None:
        """The errorMessage parameter for a field's macro."""
        message = self.by_field.get(field_id)
        return {"text": message} if message else None
