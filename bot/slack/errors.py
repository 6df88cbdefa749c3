"""Slack error codes → `TransportError` with a plain-English message naming what to fix.

Permanent errors (a wrong token, a channel perfbot is not in) are not retried: an operator has to
act. Transient ones (rate limits, Slack's own faults) are retried by the outbox.
"""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

from perfbot.channel import TransportError

DOCS = "https://docs.slack.dev/reference/methods/{method}#errors"

_TOKEN = ("Slack refused perfbot's bot token ({code}): check SLACK_BOT_TOKEN — reinstall the app "
          "from bot/slack/manifest.yaml to get a new one")  # fmt: skip
_BUG = "Slack refused {what} perfbot built ({{detail}}); this is a perfbot bug: report it with perfbot.log"
_TOKEN_CODES = ("invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive")
_PERMANENT: dict[str, str] = {
    "channel_not_found": "Slack has no channel {target} that perfbot can see: check the channel ID "
                         "in perfbot.toml ([slack] cmt_channel) or SLACK_CMT_CHANNEL, and invite "
                         "perfbot if the channel is private",
    "not_in_channel": "perfbot is not a member of the Slack channel {target}: in that channel type "
                      "/invite @perfbot",
    "is_archived": "the Slack channel {target} is archived: unarchive it or configure another "
                   "channel in perfbot.toml ([slack] cmt_channel)",
    "users_not_found": "no Slack user has the e-mail address {target}: check the address in the "
                       "register, or ask them to join the Slack workspace",
    "user_not_found": "Slack has no user {target}",
    "user_disabled": "the Slack account of {target} is deactivated: update the register",
    "missing_scope": "the Slack app lacks the permission {needed}: update the app from "
                     "bot/slack/manifest.yaml and reinstall it",
    **dict.fromkeys(_TOKEN_CODES, _TOKEN),
    "invalid_blocks": _BUG.format(what="a message"),
    "invalid_arguments": _BUG.format(what="a request"),
    "msg_too_long": "a message to {target} was too long for Slack; this is a perfbot bug",
}  # fmt: skip
_FIXES: dict[str, tuple[bool, str]] = {
    **{code: (True, template) for code, template in _PERMANENT.items()},
    "ratelimited": (False, "Slack is rate-limiting perfbot; it will try again"),
}


def transport_error(error: SlackApiError, *, method: str, target: str = "") -> TransportError:
    """The `TransportError` for a failed Web API call (`target`: the channel or person meant)."""
    response = error.response
    code = str(response.get("error") or f"HTTP {response.status_code}")
    retry_after = _retry_after(response.headers)
    permanent, template = _FIXES.get(code, (False, "Slack answered {code}; it will try again"))
    if response.status_code >= 500:
        permanent, template = False, "Slack had a fault ({code}); it will try again"
    detail = "; ".join(response.get("response_metadata", {}).get("messages", [])[:3]) or code
    message = template.format(code=code, target=target or "(unknown)", detail=detail,
                              needed=response.get("needed") or "it needs")  # fmt: skip
    return TransportError(f"{message} [Slack: {method} {code}; {DOCS.format(method=method)}]",
                          permanent=permanent, retry_after=retry_after)  # fmt: skip


def _retry_after(headers: dict[str, object]) -> float | None:
    for name, value in (headers or {}).items():
        if name.lower() == "retry-after":
            try:
                return float(value)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                return None
    return None
