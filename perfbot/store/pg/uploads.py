"""Uploaded files in the database (`uploads`), so every replica serves what any one received."""

from __future__ import annotations

from perfbot.store.pg.db import Database
from perfbot.store.records import upload_path


class Uploads:
    def __init__(self, db: Database) -> None:
        self._db = db

    def put(self, path: str, data: bytes) -> bool:
        """Keep `data` at `path`; False (and the first file kept) when the path is taken."""
        with self._db.transaction() as conn:
            return conn.execute("INSERT INTO uploads (path, content) VALUES (%s, %s) ON CONFLICT DO NOTHING RETURNING 1",
                                [str(upload_path(path)), data]).fetchone() is not None  # fmt: skip

    def get(self, path: str) -> bytes | None:
        with self._db.reading() as conn:
            row = conn.execute("SELECT content FROM uploads WHERE path = %s", [str(upload_path(path))]).fetchone()
        return bytes(row[0]) if row else None
