"""The CMT digest in a channel: the summary as the message, the exceptions as thread replies.

Rendering is `bot.slack.digest_blocks`'s. Posting resumes where it stopped: the main message and
each reply posted are remembered, so a retry after a failure mid-thread neither repeats the
summary nor the replies already there. Replies to one channel are paced (about one a second).
"""

from __future__ import annotations

from dataclasses import replace

from bot import messages as common
from bot.slack.blocks import clip, escape, section
from bot.slack.client import SlackApi
from bot.slack.digest_blocks import render_blockkit
from bot.slack.people import PLATFORM
from perfbot.digest import Digest
from perfbot.notices import Alert, NoticeKind
from perfbot.periods import Period
from perfbot.store.interfaces import ChatDirectory
from perfbot.store.records import ChatMessage


def post_digest(api: SlackApi, directory: ChatDirectory, channel: str, digest: Digest) -> tuple[str, str]:
    """Post (or finish posting) the digest in `channel`; (channel id, ts of the main message)."""
    period = Period.parse(digest.period)
    rendered = render_blockkit(digest, main_exceptions=0)
    posted = _posted(directory, period, channel)
    if posted is None:
        main = rendered.main
        channel_id, ts = api.post(channel, text=main["text"], blocks=main["blocks"])
        posted = ChatMessage(PLATFORM, period, channel_id, ts, NoticeKind.DIGEST.value,
                             content={"destination": channel})  # fmt: skip
        directory.remember_message(posted)
    for number, reply in enumerate(rendered.thread[posted.parts_sent :], start=posted.parts_sent + 1):
        api.post(posted.channel, text=reply["text"], blocks=reply["blocks"], thread_ts=posted.ts)
        posted = replace(posted, parts_sent=number)
        directory.remember_message(posted)
    return posted.channel, posted.ts


def _posted(directory: ChatDirectory, period: Period, destination: str) -> ChatMessage | None:
    for message in directory.messages(PLATFORM, period, kind=NoticeKind.DIGEST.value):
        if message.content.get("destination") == destination:
            return message
    return None


def post_alert(api: SlackApi, channel: str, alert: Alert) -> tuple[str, str]:
    """New exceptions as one message (long batches spill into more sections)."""
    text = common.alert_text(alert)
    lines = escape(text).splitlines()
    chunks: list[str] = [lines[0]]
    for line in lines[1:]:
        if len(chunks[-1]) + len(line) + 1 > 2900:
            chunks.append(line)
        else:
            chunks[-1] += "\n" + line
    blocks = [section(chunk) for chunk in chunks[:45]]
    return api.post(channel, text=clip(escape(text), 3000), blocks=blocks)
