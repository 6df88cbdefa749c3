"""Render the digest in any of its formats, by name (what `perfbot digest --format` prints).

The formats `reports` knows are text, Markdown and HTML; platform formats (Slack's Block Kit,
Teams' Adaptive Card) stay in their platform package, which the wiring adds to the registry
(`perfbot.channels.digest_renderers`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from perfbot.digest import Digest
from reports.render_html import render_html
from reports.render_markdown import render_markdown
from reports.render_text import render_text

Renderer = Callable[[Digest], str]
BASE_RENDERERS: Mapping[str, Renderer] = {"text": render_text, "markdown": render_markdown, "html": render_html}


class DigestRenderers:
    """The digest formats by name: the base ones, and whatever the wiring adds."""

    def __init__(self, renderers: Mapping[str, Renderer] = BASE_RENDERERS) -> None:
        self._by_name = dict(renderers)

    def add(self, name: str, render: Renderer) -> None:
        if name in self._by_name:
            raise ValueError(f"digest format '{name}' is registered twice")
        self._by_name[name] = render

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._by_name)

    def render(self, digest: Digest, fmt: str) -> str:
        """The digest in format `fmt`; KeyError names the known formats."""
        if fmt not in self._by_name:
            raise KeyError(f"digest format '{fmt}' is unknown; use one of {', '.join(self._by_name)}")
        return self._by_name[fmt](digest).rstrip("\n")
