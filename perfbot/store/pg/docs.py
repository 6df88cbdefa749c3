"""Many JSONB documents read at once: each row's document as text, all decoded by one `json.loads`
(psycopg's JSONB loader calls it once per row, at two to three times the CPU for a report's
thousands of returns)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any


def decoded(texts: Iterable[str]) -> list[dict[str, Any]]:
    """The documents whose JSON texts are `texts` (from `SELECT doc::text …`), in order."""
    return json.loads("[" + ",".join(texts) + "]")
