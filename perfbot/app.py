"""Wiring: the store, config, channels, collector and cycle for one data directory."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.local import LocalChannel
from collectors.submissions import Collector, each_observer
from perfbot import config as config_module
from perfbot.action_tracker import ActionTracker
from perfbot.channel import Channel
from perfbot.channels import channels_of, platforms, pollers_of
from perfbot.clock import Clock
from perfbot.digest import Digest
from perfbot.dispatch import Dispatcher
from perfbot.links import FormLinks
from perfbot.periods import Period
from perfbot.platform import Platform
from perfbot.secret_key import secret_for
from perfbot.services import Services
from perfbot.services.duties import Duties
from perfbot.settings import Settings
from perfbot.store import Store
from reports.digest import digest_for
from schedules.alerts import ExceptionAlerts
from schedules.calendar import WorkingCalendar, WorkingHours
from schedules.cycle import Cycle

log = logging.getLogger("perfbot.app")


@dataclass
class App(Services):
    """The wiring: the services, plus what only the wiring runs (the tick, the pollers).

    Platform packages are handed it typed as `Services` (the use cases and what they read), and
    import nothing from this module; `collector` and `cycle` are the concrete services behind the
    `ReturnsIntake` and `RoundCommands` ports.
    """

    collector: Collector
    cycle: Cycle
    pollers: tuple[Callable[[], object], ...] = ()
    settings: Settings = field(default_factory=Settings)
    platforms: tuple[Platform, ...] = ()  # each platform's parts, made once for this app

    def platforms_for(self, settings: Settings) -> tuple[Platform, ...]:
        """The platforms this app runs with `settings`: its own when they are its settings (so its
        channels and its endpoints share what a platform owns, such as Slack's pacer)."""
        return self.platforms if settings == self.settings else tuple(platforms(settings))

    def tick(self) -> None:
        """One scheduler wake-up: the cycle, then each channel that collects by polling."""
        try:
            self.cycle.tick()
        finally:
            for poll in self.pollers:
                try:
                    poll()
                except Exception:  # one platform's outage must not stop the others
                    log.exception("poller %s failed", getattr(poll, "__module__", poll))

    def digest(self, period: Period) -> Digest:
        return digest_for(self.store, self.config, period)


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
    settings = settings or Settings()
    found = tuple(platforms(settings))
    if channels is None:
        channels = channels_of(found, store=store, config=config)
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
    app = App(data_dir=data_dir, store=store, config=config, links=links,
              duties=Duties(store, config), collector=collector, cycle=cycle,
              settings=settings, platforms=found)  # fmt: skip
    app.pollers = pollers_of(found, app)
    return app
