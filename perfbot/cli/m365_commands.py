"""Commands of the m365 channel: added by the m365 channel work."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def register(sub: Any, *, add: Callable[..., Any], period_type: Callable[[str], Any],
             formats: tuple[str, ...]) -> None:
    """Add this module's sub-commands to the parser."""
