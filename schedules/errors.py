"""Errors of the running cycle that an officer can fix (messages are user-facing)."""

from __future__ import annotations


class RoundError(ValueError):
    """A round cannot be opened or chased (message is user-facing)."""
