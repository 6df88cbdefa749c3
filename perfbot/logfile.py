"""perfbot.log: rotated, owner-only, and with link tokens redacted (`perfbot.redaction`)."""

from __future__ import annotations

import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path

from perfbot import redaction

LOG_BYTES = 10 * 1024 * 1024
LOG_BACKUPS = 5  # perfbot.log.1 … .5: at most 60 MB in all
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class PrivateRotatingFileHandler(RotatingFileHandler):
    """Rotates at `LOG_BYTES`, keeping `LOG_BACKUPS`; each file it creates is 0600, whatever the umask."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")
        os.chmod(path, 0o600)  # a log made before this rule

    def _open(self):  # noqa: ANN202 - logging's own signature
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        return open(fd, self.mode, encoding=self.encoding, errors=self.errors)  # noqa: SIM115 - the handler closes it


def log_handler(path: Path) -> logging.Handler:
    """The handler for perfbot.log: rotating, owner-only, redacting everything it writes."""
    handler = PrivateRotatingFileHandler(path)
    handler.setFormatter(redaction.RedactingFormatter(FORMAT))
    redaction.install(handler)
    return handler
