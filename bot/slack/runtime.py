"""What the Slack listeners work with: perfbot's services, the Web API, people and notices."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from bot.slack.client import SlackApi
from bot.slack.followups import FollowUps
from bot.slack.home import HomeData, home_view
from bot.slack.notices import NoticeMessages
from bot.slack.people import SlackPeople
from bot.slack.returns import lines_for, recorded
from perfbot.channel import TransportError
from perfbot.services import Services

log = logging.getLogger("perfbot.slack")


@dataclass
class Slack:
    perf: Services
    api: SlackApi
    people: SlackPeople
    notices: NoticeMessages
    followups: FollowUps = field(init=False)

    def __post_init__(self) -> None:
        self.followups = FollowUps(
            refresh_notices=self.notices.refresh,
            publish_home=lambda user_id, email: self.publish_home(user_id, email=email),
        )

    @classmethod
    def build(cls, perf: Services, api: SlackApi) -> Slack:
        people = SlackPeople(api, perf.store, perf.config)
        notices = NoticeMessages(api, people.directory, perf.store, perf.config)
        return cls(perf, api, people, notices)

    def drain(self, timeout: float) -> bool:
        """Finish the refreshes and redraws still queued (at shutdown); False if time ran out."""
        deadline = time.monotonic() + timeout
        done = self.followups.wait_idle(timeout)
        for lane in (self.api.updates, self.api.homes):
            done = lane.wait_idle(max(0.0, deadline - time.monotonic())) and done
        return done

    def home_data(self, email: str, *, note: str = "") -> HomeData:
        store = self.perf.store
        seen = self.perf.status.for_person(email)
        if seen is None:
            return HomeData(note=note)
        found, measures = seen.round, seen.measures
        return HomeData(
            period=str(found.period), deadline=f"{found.deadline:%A %-d %B %Y}",
            lines=lines_for(store, found.period, measures),
            done=recorded(store, self.perf.config, found.period, measures),
            services=tuple(s.row() for s in seen.services), note=note, sign_offs=seen.sign_offs,
        )  # fmt: skip

    def publish_home(self, user_id: str, *, email: str | None = None, note: str = "") -> None:
        """Refresh a person's Home tab (failures are logged: it is only a view)."""
        try:
            email = email or self.people.email_of(user_id)
            if email:
                self.api.publish_home(user_id, home_view(self.home_data(email, note=note)))
        except TransportError as error:
            log.warning("Slack: could not publish the Home tab of %s: %s", user_id, error)
