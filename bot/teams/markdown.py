"""Text from the register or from people, made safe inside a Teams message's Markdown.

Teams renders a message's `text` as Markdown with a little HTML, so a measure titled
`**URGENT** [click](https://evil.example)` or `<a href=…>` would become formatting or a link.
Markdown's punctuation is escaped with a backslash, and `&`, `<`, `>` become HTML entities.
"""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#|~])")  # emphasis, code, links, headings, tables


def escape_markdown(text: object) -> str:
    """`text` shown as written, never as formatting, a link or HTML."""
    plain = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN.sub(r"\\\1", plain)
