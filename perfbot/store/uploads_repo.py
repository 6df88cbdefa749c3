"""Uploaded files (case-study attachments) in the data directory, by relative path.

Written durably and owner-only; a path once stored is never replaced (a case study's files are
fixed when it is sent, so a repeat keeps the first file). Without a data directory (the
in-memory store) they are kept in memory.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from perfbot.store.records import upload_path


class Uploads:
    def __init__(self, data_dir: Path | None) -> None:
        self._data_dir = data_dir
        self._memory: dict[str, bytes] = {}

    def put(self, path: str, data: bytes) -> bool:
        """Keep `data` at `path`; False (and the first file kept) when the path is taken."""
        relative = upload_path(path)
        if self._data_dir is None:
            return self._memory.setdefault(str(relative), data) is data
        target = self._data_dir / relative
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if target.exists():
            return False
        temporary = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, target)  # unlike a rename, refuses to replace a file stored meanwhile
            return True
        except FileExistsError:
            return False
        finally:
            temporary.unlink()

    def get(self, path: str) -> bytes | None:
        relative = upload_path(path)
        if self._data_dir is None:
            return self._memory.get(str(relative))
        target = self._data_dir / relative
        return target.read_bytes() if target.is_file() else None
