"""Upload checks by content, and safe names."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from bot.web.uploads import UploadError, check_upload, safe_name, sniff


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_sniff_reads_the_content_not_the_name() -> None:
    assert sniff(_jpeg()) == "jpeg"
    assert sniff(b"%PDF-1.4 ...") == "pdf"
    assert sniff(b"GIF89a") is None
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as package:
        package.writestr("xl/workbook.xml", "")
    assert sniff(zipped.getvalue()) is None  # a zip, but not a Word document


def test_a_jpeg_may_be_named_jpg_or_jpeg_and_is_stored_as_jpg() -> None:
    assert check_upload("Team photo.JPEG", _jpeg(), max_bytes=10**6).name == "Team-photo.jpg"


@pytest.mark.parametrize(("name", "expected"), [
    ("../../etc/passwd.png", "passwd.png"), ("C:\\Users\\me\\My pic.png", "My-pic.png"),
    ("<script>.png", "script.png"), (".png", "file.png"), ("ünïcode ☃.png", "n-code.png"),
])  # fmt: skip
def test_safe_names_keep_only_plain_characters(name: str, expected: str) -> None:
    assert safe_name(name, ".png") == expected


def test_empty_and_oversized_files_are_refused() -> None:
    with pytest.raises(UploadError, match="empty"):
        check_upload("a.pdf", b"", max_bytes=10)
    with pytest.raises(UploadError, match="smaller than 1 MB"):
        check_upload("a.pdf", b"%PDF-" + b"0" * 2_000_000, max_bytes=1024 * 1024)
