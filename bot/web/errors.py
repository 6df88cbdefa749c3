"""Every refusal is a page that says why, with a 4xx status; never a 500 for bad input."""

from __future__ import annotations


class WebError(Exception):
    """A request we refuse; `title` and `message` are shown to the person on the page."""

    def __init__(self, status: int, title: str, message: str, *, back: str | None = None,
                 action: tuple[str, str] | None = None) -> None:  # fmt: skip
        super().__init__(f"{status} {title}: {message}")
        self.status = status
        self.title = title
        self.message = message
        self.back = back  # where "Go back" should lead, if somewhere useful
        self.action = action  # (label, path): the one thing to do next, as a button


def not_found(what: str) -> WebError:
    return WebError(404, "Page not found", f"There is no {what} here. Check the link and try again.")
