"""The wiring's view of the platform packages: each one's factory, and what configuration enables.

Channels are tried in the council's order (`[channels] order`); the local channel is added by the
app. Every platform package under `bot/` exposes `platform(settings) -> perfbot.platform.Platform`.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from perfbot.channel import Channel
from perfbot.config import Config
from perfbot.platform import Platform, Poller
from perfbot.services import Services
from perfbot.settings import Settings
from perfbot.store import Store
from reports.render import DigestRenderers

PACKAGES = ("bot.web", "bot.slack", "bot.teams", "bot.sharepoint", "bot.email")


def platforms(settings: Settings) -> list[Platform]:
    """Every platform package's parts for these settings (parts not configured are None)."""
    return [importlib.import_module(f"{name}.platform").platform(settings) for name in PACKAGES]


def enabled_pollers(settings: Settings, services: Services) -> tuple[Poller, ...]:
    """Collectors that fetch replies by polling on each scheduler tick (SharePoint lists)."""
    return pollers_of(platforms(settings), services)


def pollers_of(found: Sequence[Platform], services: Services) -> tuple[Poller, ...]:
    """`enabled_pollers`, from platforms the wiring already holds."""
    return tuple(p.poller(services) for p in found if p.poller is not None)


def enabled_channels(settings: Settings, *, store: Store, config: Config) -> list[Channel]:
    """The configured platform channels in `config.channel_order` (local is added by the app)."""
    return channels_of(platforms(settings), store=store, config=config)


def channels_of(found: Sequence[Platform], *, store: Store, config: Config) -> list[Channel]:
    """`enabled_channels`, from platforms the wiring already holds."""
    available = {p.name: p.channel(store, config) for p in found if p.channel is not None}
    order = list(config.channel_order)
    if "email" in available and "email" not in order:  # the natural last channel before local
        order.insert(order.index("local") if "local" in order else len(order), "email")
    ordered = [available[name] for name in order if name in available]
    # A shared form (SharePoint's list) reaches no person, so the order does not concern it: it
    # is on whenever configured, as its rows were before they went through the outbox.
    return ordered + [c for name, c in available.items() if name not in order and getattr(c, "lists", ())]


def digest_renderers(settings: Settings | None = None) -> DigestRenderers:
    """`perfbot digest --format`'s registry: text, Markdown, HTML and each platform's format."""
    registry = DigestRenderers()
    for found in platforms(settings or Settings()):
        for name, render in found.renderers.items():
            registry.add(name, render)
    return registry
