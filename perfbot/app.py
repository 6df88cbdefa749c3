"""Wiring: the store, config, channels, collector and cycle for one data directory."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.channel import Channel
from bot.dispatch import Dispatcher
from bot.local import LocalChannel
from collectors.submissions import Collector, each_observer
from perfbot import config as config_module
from perfbot.action_tracker import ActionTracker
from perfbot.channels import enabled_channels, enabled_pollers
from perfbot.clock import Clock
from perfbot.config import Config
from perfbot.links import FormLinks
from perfbot.periods import Period
from perfbot.settings import Settings
from perfbot.store import Store
from reports.digest import Digest, digest_for
from schedules.alerts import ExceptionAlerts
from schedules.calendar import WorkingCalendar, WorkingHours
from schedules.cycle import Cycle

SECRET_FILE = "secret.key"
log = logging.getLogger("perfbot.app")


@dataclass
class App:
    data_dir: Path
    store: Store
    config: Config
    collector: Collector
    cycle: Cycle
    links: FormLinks

    pollers: tuple[Callable[[App], object], ...] = ()

    def tick(self) -> None:
        """One scheduler wake-up: the cycle, then each channel that collects by polling."""
        try:
            self.cycle.tick()
        finally:
            for poll in self.pollers:
                try:
                    poll(self)
                except Exception:  # one platform's outage must not stop the others
                    log.exception("poller %s failed", getattr(poll, "__module__", poll))

    def digest(self, period: Period) -> Digest:
        return digest_for(self.store, self.config, period)


def secret_for(data_dir: Path) -> str:
    """`PERFBOT_SECRET_KEY`, else a random key kept (0600) in the data dir."""
    from_env = os.environ.get("PERFBOT_SECRET_KEY")
    if from_env:
        return from_env
    path = data_dir / SECRET_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(32))
    return path.read_text().strip()


def build(
    data_dir: Path,
    *,
    clock: Clock | None = None,
    show: Callable[[str, str], None] | None = None,
    channels: list[Channel] | None = None,
    settings: Settings | None = None,
) -> App:
    """Assemble perfbot on a data directory.

    `channels` replaces the ones `settings` (default: none) would enable. The local channel is
    last in line only when `show` is given (a terminal where someone reads it: `round open`,
    `chase`, `demo`); without it (`perfbot serve`) a message no channel can reach is recorded as
    undelivered, never marked sent to nobody.
    """
    config = config_module.load(data_dir)
    store = Store.open(data_dir, clock=clock)
    if channels is None:
        channels = enabled_channels(settings or Settings(), store=store, config=config)
    links = FormLinks(secret=secret_for(data_dir), base_url=config.public_url)
    hours = WorkingHours.of(WorkingCalendar(config.holiday_subdivision), config.cycle)
    alerts = ExceptionAlerts(store, config, hours)
    actions = ActionTracker(store)
    collector = Collector(store, config, on_saved=each_observer(alerts.on_saved, actions.on_saved))
    dispatcher = Dispatcher(
        store,
        [*(channels or []), *([LocalChannel(show)] if show is not None else [])],
        digest_for=lambda period: digest_for(store, config, period),
    )
    cycle = Cycle(store, config, dispatcher, links)
    pollers = enabled_pollers(settings or Settings())
    return App(data_dir, store, config, collector, cycle, links, pollers)
