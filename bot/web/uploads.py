"""Case-study files: checked by their content (magic bytes), not their name, and kept safely.

Allowed: PNG and JPEG pictures, PDF and Word (.docx) documents, up to `[web] upload_max_mb`.
A picture must also decode (Pillow), a .docx must be a Word package without macros, and the
name's extension must match what the content is. Files are kept by the store (`store.uploads`:
the data directory, or the database every replica reads) as
`uploads/case-studies/<case id>/<safe name>`, and only ever served as downloads.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from perfbot.store.interfaces import Uploads

KINDS = {  # kind: (extensions accepted, canonical extension, content type)
    "png": ((".png",), ".png", "image/png"),
    "jpeg": ((".jpg", ".jpeg"), ".jpg", "image/jpeg"),
    "pdf": ((".pdf",), ".pdf", "application/pdf"),
    "docx": ((".docx",), ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}
ALLOWED_TEXT = "a PNG or JPG picture, or a PDF or Word (.docx) document"
_MAX_PIXELS = 40_000_000


class UploadError(ValueError):
    """The file cannot be accepted; the message says what to do (shown by the field)."""


@dataclass(frozen=True, slots=True)
class Upload:
    name: str  # a safe file name with the canonical extension
    kind: str
    data: bytes


def sniff(data: bytes) -> str | None:
    """What the content is, by its first bytes (and, for .docx, its package parts)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04") and _is_docx(data):
        return "docx"
    return None


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, ValueError):
        return False
    has_macros = any(n.lower().endswith("vbaproject.bin") for n in names)
    return "[Content_Types].xml" in names and "word/document.xml" in names and not has_macros


def _decodes(data: bytes) -> bool:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = _MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as picture:
            picture.verify()
    except Exception:  # noqa: BLE001 - any failure to decode means "not a usable picture"
        return False
    return True


def safe_name(filename: str, extension: str) -> str:
    """A name safe on any file system and in a URL, keeping the readable part of the original."""
    stem = Path(filename.replace("\\", "/")).name.rsplit(".", 1)[0]
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_")[:60] or "file"
    return f"{stem}{extension}"


def check_upload(filename: str, data: bytes, *, max_bytes: int) -> Upload:
    """Accept the file or raise UploadError saying why."""
    if not data:
        raise UploadError("The selected file is empty")
    if len(data) > max_bytes:
        raise UploadError(f"The selected file must be smaller than {max_bytes // (1024 * 1024)} MB")
    kind = sniff(data)
    if kind is None:
        raise UploadError(f"The selected file must be {ALLOWED_TEXT}")
    extensions, canonical, _ = KINDS[kind]
    if Path(filename).suffix.lower() not in extensions:
        raise UploadError(f"The file's name does not match its content: it is a {kind.upper()} "
                          f"file, so its name should end {canonical}")  # fmt: skip
    if kind in ("png", "jpeg") and not _decodes(data):
        raise UploadError("The selected picture is damaged and cannot be opened")
    return Upload(safe_name(filename, canonical), kind, data)


def store_upload(upload: Upload, *, uploads: Uploads, case_id: str) -> str:
    """Keep the file in the store (a repeat keeps the first file: a case study's files are fixed
    when it is sent); returns its path."""
    path = f"uploads/case-studies/{case_id}/{upload.name}"
    uploads.put(path, upload.data)
    return path


def content_type(name: str) -> str:
    suffix = Path(name).suffix.lower()
    for extensions, _, kind_type in KINDS.values():
        if suffix in extensions:
            return kind_type
    return "application/octet-stream"
