"""Who is who in Slack: e-mail ↔ user id, looked up with `users.lookupByEmail` and cached.

Anyone Slack does not know is reported — a DM to each performance officer on Slack and a warning in
the operator's log — at most once a week per person, and `user_id` returns None so the dispatcher
sends their message through the next channel. Nobody is dropped silently.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.slack import messages as say
from bot.slack.address_book import AddressBook, ChatPerson
from bot.slack.client import SlackApi
from perfbot.channel import TransportError
from perfbot.config import Config
from perfbot.store import Store

log = logging.getLogger("perfbot.slack")
PLATFORM = "slack"
FOUND_FOR = timedelta(days=30)
MISSING_FOR = timedelta(hours=6)
REPORT_EVERY = timedelta(days=7)


class SlackPeople:
    def __init__(self, api: SlackApi, store: Store, config: Config) -> None:
        self._api = api
        self._store = store
        self._config = config
        self.directory = store.chat
        self.known = AddressBook(store.platform_state(PLATFORM), store.clock)

    def _fresh(self, person: ChatPerson) -> bool:
        keep = FOUND_FOR if person.address else MISSING_FOR
        return self._store.clock.now() - person.checked_at < keep

    def user_id(self, email: str, *, what: str = "messages") -> str | None:
        """The person's Slack user id, or None (reported to the performance officer)."""
        cached = self.known.person(email)
        if cached is not None and self._fresh(cached):
            return cached.address
        person = self.known.remember(email, self._api.lookup_email(email))
        if person.address is None:
            self._report_unknown(person, what=what)
        return person.address

    def email_of(self, user_id: str) -> str | None:
        """The e-mail address of a Slack user (from the cache, else their profile)."""
        cached = self.known.person_at(user_id)
        if cached is not None:
            return cached.email
        email = self._api.email_of(user_id)
        if email:
            self.known.remember(email, user_id)
        return email

    def is_officer(self, email: str | None) -> bool:
        return bool(email) and email.lower() in {o.lower() for o in self._config.performance_officers}

    def _report_unknown(self, person: ChatPerson, *, what: str) -> None:
        now = self._store.clock.now()
        if person.reported_at is not None and now - person.reported_at < REPORT_EVERY:
            return
        self.known.mark_reported(person.email)  # first, so a report never loops
        text = say.UNKNOWN_PERSON.format(email=person.email, what=what)
        log.warning("Slack: %s", text)
        for officer in self._config.performance_officers:
            if officer.lower() == person.email:
                continue
            try:
                address = self.user_id(officer)
                if address is not None:
                    self._api.post(address, text=text)
            except TransportError as error:
                log.warning("Slack: could not tell %s that %s is not in Slack: %s",
                            officer, person.email, error)  # fmt: skip
