"""Keep text from being run as a spreadsheet formula (CSV/formula injection).

Text starting with = + - @, a tab or a carriage return is what Excel, LibreOffice and Google
Sheets may treat as a formula. In CSV such text gets a leading apostrophe (OWASP's advice); in a
workbook it is stored as text with Excel's "quote prefix", which shows it as typed. Numbers stay
numbers: -3.5 is written as a number, and text that is just a number ("-12") is left alone.
"""

from __future__ import annotations

import re

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def risky(text: str) -> bool:
    """Whether a spreadsheet could read this text as a formula."""
    return text.startswith(TRIGGERS) and not _PLAIN_NUMBER.match(text)


def csv_cell(value: object) -> object:
    """A value fit for a CSV cell: numbers as they are, risky text with a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return format(value, ".15g")
    text = str(value)
    return "'" + text if risky(text) else text
