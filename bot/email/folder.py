"""A transport that writes each message as an `.eml` file (what `perfbot demo` shows you):
open one in Outlook, Thunderbird or a browser to see exactly what would be sent."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path


class EmlFolder:
    name = "folder"

    def __init__(self, directory: Path, *, on_write: Callable[[Path, EmailMessage], None] | None = None) -> None:
        self.directory = directory
        self._on_write = on_write
        self._numbers = itertools.count(len(list(directory.glob("*.eml"))) + 1)

    def send(self, message: EmailMessage) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        who = re.sub(r"[^a-z0-9]+", "-", str(message["To"]).lower()).strip("-")
        path = self.directory / f"{next(self._numbers):03d}-{who}.eml"
        path.write_bytes(message.as_bytes())
        if self._on_write is not None:
            self._on_write(path, message)
        return str(message["Message-ID"])
