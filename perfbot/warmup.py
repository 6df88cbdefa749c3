"""Load, before serving, what the first replies of an open round will read.

A data file is read from disk the first time it is needed. Without this, the first submissions
after a start each wait while the register and the quarters their returns are rated against are
parsed, which is when a burst of replies to a round's requests is most likely.
"""

from __future__ import annotations

import logging
import time

from perfbot.model import RoundState
from perfbot.rating import quarters_read_to_rate
from perfbot.store import Store, StoreCorruptError
from perfbot.store.files import OPEN_PERIOD_FILES

log = logging.getLogger("perfbot.server")


def warm_up(store: Store) -> list[str]:
    """Read the register, the rounds and, for each open round, every quarter its returns are rated
    against; the quarters loaded. A damaged file is logged and left to each request (which then
    gets a clear error), never raised here."""
    started = time.monotonic()
    try:
        store.register.measures()
        store.people.all()
        wanted: set = set()
        for found in store.rounds.all():
            if found.state is RoundState.OPEN:
                wanted.update(quarters_read_to_rate(found.period))
        newest = sorted(wanted)[-OPEN_PERIOD_FILES:]  # no more than the store keeps open
        for period in newest:
            store.returns.for_period(period)
    except StoreCorruptError as error:
        log.error("could not load the data before serving: %s", error)
        return []
    loaded = [str(p) for p in newest]
    log.info("loaded the register and %d quarters in %.2f s", len(loaded), time.monotonic() - started)
    return loaded
