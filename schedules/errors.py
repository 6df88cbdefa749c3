"""Errors of the running cycle that an officer can fix (messages are user-facing).

`RoundError` belongs to the `RoundCommands` port, so channels catch it without importing this
package; it is named here too for the cycle's own modules."""

from __future__ import annotations

from perfbot.services.ports import RoundError

__all__ = ["RoundError"]
