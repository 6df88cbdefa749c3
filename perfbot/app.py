"""Wiring: the store, config, channels, collector and cycle for one data directory."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.local import LocalChannel
from collectors.case_studies import CaseStudyCollector
from collectors.submissions import Collector, each_observer
from perfbot import config as config_module
from perfbot.action_tracker import ActionTracker
from perfbot.channel import Channel
from perfbot.channels import Platforms, enabled_channels, enabled_pollers
from perfbot.clock import Clock
from perfbot.digest import Digest
from perfbot.dispatch import Dispatcher
from perfbot.links import FormLinks
from perfbot.periods import Period
from perfbot.secret_key import secret_for
from perfbot.services import Services
from perfbot.services.actions import ActionUpdates
from perfbot.services.case_studies import CaseStudies
from perfbot.services.corrections import Corrections
from perfbot.services.duties import Duties
from perfbot.services.round_status import RoundStatusService
from perfbot.services.sign_off import SignOff
from perfbot.settings import Settings
from perfbot.sign_off_links import SignOffLinks
from perfbot.store import open_store
from reports.digest import digest_for
from schedules.alerts import ExceptionAlerts
from schedules.calendar import WorkingCalendar, WorkingHours
from schedules.cycle import Cycle
from schedules.sign_off_notices import SignOffRequests, SignOffSchedule
from schedules.status import StatusReports

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
    platforms: Platforms = field(default_factory=Platforms)  # its channels', pollers' and routes'

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
    migrate: bool = False,
) -> App:
    """Assemble perfbot on a data directory.

    `channels` replaces the ones `settings` (default: none) would enable. The local channel is
    last in line only when `show` is given (a terminal where someone reads it: `round open`,
    `chase`, `demo`); without it (`perfbot serve`) a message no channel can reach is recorded as
    undelivered, never marked sent to nobody. The store is PostgreSQL when `settings` name a
    database (`migrate`: bring its schema up to date first), else TinyDB in `data_dir`.
    """
    config = config_module.load(data_dir)
    store = open_store(data_dir, database_url=settings.database_url if settings else None, clock=clock,
                       migrate=migrate)  # fmt: skip
    made = Platforms()
    if channels is None:
        channels = enabled_channels(settings or Settings(), store=store, config=config, made=made)
    secret = secret_for(data_dir)
    links = FormLinks(secret=secret, base_url=config.public_url)
    calendar = WorkingCalendar(config.holiday_subdivision)
    hours = WorkingHours.of(calendar, config.cycle)
    dispatcher = Dispatcher(
        store,
        [*(channels or []), *([LocalChannel(show)] if show is not None else [])],
        digest_for=lambda period: digest_for(store, config, period),
    )
    sign_off_links = SignOffLinks(secret=secret, base_url=config.public_url)
    requests = SignOffRequests(store, config, links=sign_off_links, forms=links)
    sign_off = SignOff(store, config, links=sign_off_links, notices=requests, deliver=dispatcher.deliver_keys)
    alerts = ExceptionAlerts(store, config, hours)
    actions = ActionTracker(store)
    collector = Collector(store, config, on_saved=each_observer(alerts.on_saved, actions.on_saved,
                                                                sign_off.on_saved))  # fmt: skip
    cycle = Cycle(store, config, dispatcher, links,
                  sign_off=SignOffSchedule(sign_off, requests, config, calendar))  # fmt: skip
    duties = Duties(store, config)
    app = App(data_dir=data_dir, store=store, config=config, links=links, duties=duties,
              collector=collector, cycle=cycle, sign_off=sign_off,
              status=RoundStatusService(store, config, duties, StatusReports(store), sign_off),
              case_studies=CaseStudies(store, CaseStudyCollector(store)),
              corrections=Corrections(store, collector, cycle),
              actions=ActionUpdates(store, config), platforms=made)  # fmt: skip
    app.pollers = enabled_pollers(settings or Settings(), app, made=made)
    return app
