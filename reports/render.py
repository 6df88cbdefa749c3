"""Render the digest in any of its formats, by name (what `perfbot digest --format` prints)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict

from reports.digest import Digest
from reports.render_adaptive import render_adaptive
from reports.render_blockkit import render_blockkit
from reports.render_html import render_html
from reports.render_markdown import render_markdown
from reports.render_text import render_text


def _slack(digest: Digest) -> str:
    return json.dumps(asdict(render_blockkit(digest)), indent=2, ensure_ascii=False)


def _teams(digest: Digest) -> str:
    return json.dumps(render_adaptive(digest), indent=2, ensure_ascii=False)


RENDERERS: dict[str, Callable[[Digest], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "html": render_html,
    "slack": _slack,
    "teams": _teams,
}
DIGEST_FORMATS = tuple(RENDERERS)


def render_digest(digest: Digest, fmt: str) -> str:
    """The digest as text, Markdown, HTML, Slack Block Kit JSON or an Adaptive Card JSON."""
    return RENDERERS[fmt](digest).rstrip("\n")
