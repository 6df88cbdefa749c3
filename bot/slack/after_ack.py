"""Listeners whose work follows their ack, as bolt's lazy listeners.

perfbot's bolt app answers each request only when its listener is done (`process_before_response`),
so a returns form is stored and acknowledged in the request's own thread. Work that Slack need not
wait for (opening a modal, a chase, reading a DM) is registered with `acked_first`: bolt acks in
the request's thread and runs the work in its listener pool. Failures there are logged as the
app's error handler logs them (`bot.slack.app`), not as bolt's one-line error.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from bot.slack.client import UNREACHABLE

log = logging.getLogger("perfbot.slack")
Work = TypeVar("Work", bound=Callable[..., None])


def ack_at_once(ack: Callable[..., Any]) -> None:
    """The ack of a listener whose work comes after: an empty 200."""
    ack()


def acked_first(register: Callable[..., Any]) -> Callable[[Work], Work]:
    """Decorate a listener (`@acked_first(bolt.action(ID))`): ack at once, then run it lazily."""

    def decorate(work: Work) -> Work:
        register(ack=ack_at_once, lazy=[logged(work)])
        return work

    return decorate


def logged(work: Work) -> Work:
    """`work`, its failures logged: Slack unreachable as one warning, anything else with its traceback."""

    @functools.wraps(work)  # bolt reads the wrapped function's argument names
    def run(**kwargs: Any) -> None:
        try:
            work(**kwargs)
        except UNREACHABLE as error:
            log.warning("Slack: could not finish %s: Slack's API is unreachable (%s)", work.__name__, error)
        except Exception as error:
            log.error("Slack: %s failed: %s", work.__name__, error, exc_info=error)

    return run  # type: ignore[return-value]
