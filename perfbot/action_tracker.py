"""Raises the tracked action of each red return that gives one (see `perfbot.actions`)."""

from __future__ import annotations

from perfbot.actions import Due, TrackedAction, should_track
from perfbot.model import Measure, Return
from perfbot.rag import RagResult
from perfbot.store import Store
from perfbot.submission import Saved


class ActionTracker:
    """Called with each stored return, inside its quarter's commit, so an acknowledged red
    return never lacks its action."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def on_saved(self, saved: Saved) -> None:
        if saved.round is not None:  # a quarter the cycle ran
            self._raise(saved.outcome.current, saved.rag, saved.measure)

    def track(self, stored: Return, rag: RagResult | None) -> TrackedAction | None:
        """Raise or reword `stored`'s action when it is Red with an action in a quarter the
        cycle ran; None otherwise."""
        if self._store.rounds.get(stored.period) is None:
            return None
        return self._raise(stored, rag, self._store.register.measure(stored.measure_id))

    def _raise(self, stored: Return, rag: RagResult | None, measure: Measure | None) -> TrackedAction | None:
        if not should_track(rag, stored.action):
            return None
        owner = measure.owner_email if measure and measure.owner_email else stored.submitted_by
        return self._store.actions.track(stored, owner=owner, due=Due.end_of(stored.period.next()))
