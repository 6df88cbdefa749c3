"""Upload the measure register (CSV or XLSX): all or nothing, with every row's problem shown."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from bot.web.auth import User, require
from bot.web.forms import Errors, PostedWithFile
from bot.web.pages import page
from bot.web.roles import Role
from bot.web.state import state_of
from bot.web.uploads import safe_name
from perfbot.register_export import export_register, write_template
from perfbot.register_import import RegisterImportError, load_register
from perfbot.tabular import InputFileError

router = APIRouter(prefix="/officer/register")
OFFICER = Annotated[User, Depends(require(Role.OFFICER))]
MAX_ROW_ERRORS = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _kind(filename: str, data: bytes) -> str | None:
    """".csv" or ".xlsx" when the content is what the name says; None otherwise."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx" and data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                return ".xlsx" if "xl/workbook.xml" in package.namelist() else None
        except zipfile.BadZipFile:
            return None
    if suffix == ".csv" and b"\x00" not in data[:8192]:
        return ".csv"
    return None


def _page(request: Request, *, errors: Errors | None = None, row_errors: list[str] | None = None,
          changes=None, status: int = 200) -> Response:  # noqa: ANN001
    register = state_of(request).app.store.register
    measures = register.measures()
    return page(request, "officer/register.html", status=status, title="The measure register",
                measures=measures, starts={k: str(v) for k, v in register.starts().items()},
                errors=errors, row_errors=(row_errors or [])[:MAX_ROW_ERRORS],
                more=max(0, len(row_errors or []) - MAX_ROW_ERRORS), changes=changes,
                count=len(measures), services=len({m.service for m in measures}),
                themes=len({m.theme for m in measures}))  # fmt: skip


@router.get("")
def register_form(request: Request, user: OFFICER) -> Response:
    return _page(request)


@router.post("")
def upload(request: Request, user: OFFICER, form: PostedWithFile) -> Response:
    errors = Errors()
    chosen = form.files.get("register")
    max_bytes = state_of(request).web.upload_max_mb * 1024 * 1024
    data = chosen.file.read(max_bytes + 1) if chosen else b""
    suffix = _kind(chosen.filename or "", data) if chosen else None
    if chosen is None:
        errors.add("register", "Select the register file to upload")
    elif len(data) > max_bytes:
        errors.add("register", f"The file must be smaller than {max_bytes // (1024 * 1024)} MB")
    elif suffix is None:
        errors.add("register", "The file must be a CSV (saved as ‘CSV UTF-8’) or an Excel workbook (.xlsx)")
    if errors:
        return _page(request, errors=errors, status=400)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / safe_name(chosen.filename or "register", suffix)  # type: ignore[union-attr, arg-type]
        path.write_bytes(data)
        try:
            parsed = load_register(path)
        except RegisterImportError as error:
            errors.add("register", f"{path.name} has {len(error.errors)} problem(s); nothing was imported. "
                       "Fix them and upload it again.")  # fmt: skip
            return _page(request, errors=errors, row_errors=error.errors, status=400)
        except InputFileError as error:
            errors.add("register", str(error))
            return _page(request, errors=errors, status=400)
    changes = state_of(request).app.store.register.apply(parsed.measures, parsed.targets, actor=user.email,
                                                         starts=parsed.starts)  # fmt: skip
    return _page(request, changes=changes)


@router.get("/register.xlsx")
def download(request: Request, user: OFFICER) -> Response:
    register = state_of(request).app.store.register
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "register.xlsx"
        export_register(path, measures=register.measures(), targets=register.targets(), starts=register.starts())
        return _workbook(path.read_bytes(), "measure-register.xlsx")


@router.get("/template.xlsx")
def template(request: Request, user: OFFICER) -> Response:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "template.xlsx"
        write_template(path)
        return _workbook(path.read_bytes(), "measure-register-template.xlsx")


def _workbook(data: bytes, name: str) -> Response:
    return Response(data, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})
