"""A council's own Word template (.docx or .dotx) for the report's styles, read and checked once."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docx import Document
from docx.document import Document as WordDocument

CONTENT_TYPES = "[Content_Types].xml"
TEMPLATE_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
DOCUMENT_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


class DocxTemplateError(ValueError):
    """The template cannot be used (message is user-facing)."""


def load_template(path: Path) -> bytes:
    """The template as .docx bytes (a .dotx has its main part's content type changed, which is
    all that differs); raises DocxTemplateError naming the file when Word could not open it."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DocxTemplateError(f"--docx-template {path}: cannot read it ({error.strerror or error})") from None
    converted = _as_document(raw, path)
    open_document(converted, path)  # fails here, before any report file is written
    return converted


def open_document(template: bytes | None, path: Path | None = None) -> WordDocument:
    """A new document: python-docx's default, or one with the template's styles and sections."""
    if template is None:
        return Document()
    try:
        return Document(io.BytesIO(template))
    except (ValueError, KeyError, zipfile.BadZipFile) as error:
        raise DocxTemplateError(f"--docx-template {path}: not a Word document or template ({error})") from None


def _as_document(raw: bytes, path: Path) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as source:
            types = source.read(CONTENT_TYPES)
            if TEMPLATE_TYPE not in types:
                return raw
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
                for item in source.infolist():
                    data = source.read(item)
                    if item.filename == CONTENT_TYPES:
                        data = types.replace(TEMPLATE_TYPE, DOCUMENT_TYPE)
                    target.writestr(item, data)
            return out.getvalue()
    except (zipfile.BadZipFile, KeyError):
        raise DocxTemplateError(
            f"--docx-template {path}: not a Word document or template (.docx or .dotx)"
        ) from None
