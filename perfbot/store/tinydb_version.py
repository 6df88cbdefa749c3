"""The TinyDB versions this backend was checked against: it overrides TinyDB's private methods.

`files._Table` replaces `Table._update_table` and `_get_next_id` and relies on `_read_table`,
`_next_id` and how the write methods drive their updaters (`table[id]`, `del`, `in`, `keys`).
Those are the same in every version listed here; any other version may differ, so importing
the store with one stops at once with this error rather than corrupting data later.
"""

from __future__ import annotations

SUPPORTED = ("4.8.0", "4.8.1", "4.8.2", "4.9.0")


class UnsupportedTinyDBError(ImportError):
    """TinyDB is a version this store has not been checked against."""


def check(version: str) -> None:
    """Raise `UnsupportedTinyDBError` unless `version` is one of `SUPPORTED`."""
    if version not in SUPPORTED:
        raise UnsupportedTinyDBError(
            f"TinyDB {version} is installed, but perfbot's store overrides TinyDB internals checked "
            f"only on {', '.join(SUPPORTED)}: install one of those "
            f"(pip install 'tinydb=={SUPPORTED[-1]}'), as pyproject.toml pins"
        )
