"""Commands of the web channel: added by the web channel work."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def register(sub: Any, *, add: Callable[..., Any], period_type: Callable[[str], Any],
             formats: tuple[str, ...]) -> None:
    """Add this module's sub-commands to the parser."""
