"""The pages' template environment: GOV.UK Frontend's macros and perfbot's own helpers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    select_autoescape,
)

from perfbot.formatting import format_value, rag_label

TEMPLATES = Path(__file__).parent / "templates"
RAG_TAG_CLASSES = {"green": "govuk-tag--green", "amber": "govuk-tag--yellow", "red": "govuk-tag--red",
                   "n/a": "govuk-tag--grey", "missing": "govuk-tag--grey"}  # fmt: skip


def content_security_policy(nonce: str) -> str:
    return (f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; "
            "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
            "frame-ancestors 'none'")  # fmt: skip


class Pages:
    """The template environment, with the helpers every page uses."""

    def __init__(self, *, council: str) -> None:
        self.env = Environment(
            loader=ChoiceLoader([
                FileSystemLoader(TEMPLATES),
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]),
            autoescape=select_autoescape(("html",), default=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )  # fmt: skip
        self.env.globals.update(council=council, rag_label=rag_label, format_value=format_value,
                                rag_class=lambda rag: RAG_TAG_CLASSES.get(rag, "govuk-tag--grey"))  # fmt: skip

    def render(self, name: str, **context: Any) -> str:
        return self.env.get_template(name).render(**context)
