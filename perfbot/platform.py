"""What one platform package (`bot/<name>/`) gives the wiring, from its one factory.

Each package exposes `platform(settings) -> Platform`; `perfbot.channels` calls them. A part is
None when the platform has none or is not configured; digest renderers are always given, so
`perfbot digest --format slack` works on a machine with no Slack credentials. The parts of one
`Platform` share what the package owns for a running app (Slack's one rate-limit pacer), so the
wiring asks each factory once per app (`perfbot.app.App.platforms`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from perfbot.channel import Channel
from perfbot.config import Config
from perfbot.digest import Digest
from perfbot.services import Services
from perfbot.store import Store

ChannelFactory = Callable[[Store, Config], Channel]
Poller = Callable[[], object]  # one pass, on each scheduler tick
PollerFactory = Callable[[Services], Poller]
Mount = Callable[[Services, Any], None]  # adds routes and start-up work to the FastAPI app
Connect = Callable[[Services], Callable[[], None]]  # an outbound connection for requests (Socket Mode): its run
Renderer = Callable[[Digest], str]


@dataclass(frozen=True)
class Platform:
    name: str
    channel: ChannelFactory | None = None
    poller: PollerFactory | None = None
    mount: Mount | None = None
    connect: Connect | None = None
    renderers: Mapping[str, Renderer] = field(default_factory=dict)
