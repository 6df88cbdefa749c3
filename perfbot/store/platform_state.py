"""Platform state in the core file: JSON values by (namespace, key), one document each."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from typing import Any

from perfbot.clock import Clock
from perfbot.store.files import FileSet

TABLE = "platform_state"


def _plain(value: Any) -> Any:
    """A JSON copy of `value` (what is stored is never shared with a caller); TypeError if it is
    not JSON."""
    return json.loads(json.dumps(value, ensure_ascii=False))


class PlatformState:
    """One namespace of `platform_state` (see `perfbot.store.interfaces.PlatformState`)."""

    def __init__(self, files: FileSet, clock: Clock, namespace: str) -> None:
        if not namespace:
            raise ValueError("a platform state namespace needs a name")
        self.namespace = namespace
        self._files = files
        self._clock = clock

    def _table(self):  # noqa: ANN202 - a TinyDB table
        return self._files.core.table(TABLE)

    def _doc(self, key: str):  # noqa: ANN202 - a TinyDB document
        return next((d for d in self._table().find("key", key) if d.get("namespace") == self.namespace), None)

    def get(self, key: str) -> Any | None:
        doc = self._doc(key)
        return _plain(doc["value"]) if doc is not None else None

    def put(self, key: str, value: Any) -> None:
        plain = _plain(value)
        with self.atomic():
            doc = self._doc(key)
            if doc is not None and doc["value"] == plain:
                return
            stored = {"namespace": self.namespace, "key": key, "value": plain,
                      "at": self._clock.now().isoformat()}  # fmt: skip
            if doc is None:
                self._table().insert(stored)
            else:
                self._table().update(stored, doc_ids=[doc.doc_id])

    def delete(self, key: str) -> bool:
        with self.atomic():
            doc = self._doc(key)
            if doc is None:
                return False
            self._table().remove(doc_ids=[doc.doc_id])
        return True

    def items(self, prefix: str = "") -> list[tuple[str, Any]]:
        """(key, value) of every key starting with `prefix`, sorted by key."""
        docs = self._table().find("namespace", self.namespace)
        found = sorted((d["key"], d["value"]) for d in docs if d["key"].startswith(prefix))
        return [(key, _plain(value)) for key, value in found]

    def atomic(self) -> AbstractContextManager[None]:
        return self._files.core.transaction()
