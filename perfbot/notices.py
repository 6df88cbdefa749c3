"""What perfbot tells people, as data: channels decide how each looks on their platform."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class NoticeKind(StrEnum):
    REQUEST = "request"
    REMINDER = "reminder"
    DEADLINE = "deadline"
    CHASE = "chase"
    ESCALATION = "escalation"
    DIGEST = "digest"
    ALERT = "alert"
    SIGN_OFF = "sign-off"  # a service's figures, to its head of service to approve
    SIGN_OFF_REMINDER = "sign-off-reminder"
    SIGN_OFF_ESCALATION = "sign-off-escalation"  # to the performance officers: not decided yet
    SENT_BACK = "sent-back"  # to the owners: the head sent the figures back, and why


SIGN_OFF_KINDS = frozenset({NoticeKind.SIGN_OFF, NoticeKind.SIGN_OFF_REMINDER,
                            NoticeKind.SIGN_OFF_ESCALATION, NoticeKind.SENT_BACK})  # fmt: skip
ASKS_TO_DECIDE = frozenset({NoticeKind.SIGN_OFF, NoticeKind.SIGN_OFF_REMINDER, NoticeKind.SIGN_OFF_ESCALATION})


@dataclass(frozen=True, slots=True)
class MeasureLine:
    measure_id: str
    title: str
    unit: str
    target: float | None
    last_value: float | str | None = None
    owner: str = ""
    status: str = ""  # e.g. "returned", "outstanding"
    value: float | str | None = None  # this quarter's figure (sign-off notices)
    rag: str = ""  # and its rating


@dataclass(frozen=True, slots=True)
class ActionAsk:
    """An open remedial action from an earlier quarter that a request asks about."""

    action_id: str
    measure_id: str
    text: str
    due: str  # "end of 2025/26 Q4", "31 March 2026"
    raised_in: str  # "2025/26 Q3"


@dataclass(frozen=True, slots=True)
class PersonNotice:
    """A request, reminder, deadline notice, chase or escalation to one person."""

    kind: NoticeKind
    period: str
    recipient: str
    deadline: datetime
    measures: tuple[MeasureLine, ...]
    form_url: str = ""
    on_behalf_of: str = ""  # set when a deputy receives an absent owner's notice
    note: str = ""
    overdue: bool = False  # sent after the deadline (a late chase)
    actions: tuple[ActionAsk, ...] = ()  # open actions on these measures: done yet?
    service: str = ""  # the service a sign-off notice is about

    def to_content(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value, "period": self.period, "recipient": self.recipient,
            "deadline": self.deadline.isoformat(), "form_url": self.form_url,
            "on_behalf_of": self.on_behalf_of, "note": self.note, "overdue": self.overdue,
            "measures": [_line(m) for m in self.measures],
            "actions": [{n: getattr(a, n) for n in ActionAsk.__slots__} for a in self.actions],
            "service": self.service,
        }  # fmt: skip

    @classmethod
    def from_content(cls, content: dict[str, Any]) -> PersonNotice:
        return cls(
            kind=NoticeKind(content["kind"]),
            period=content["period"],
            recipient=content["recipient"],
            deadline=datetime.fromisoformat(content["deadline"]),
            measures=tuple(MeasureLine(**m) for m in content["measures"]),
            form_url=content.get("form_url", ""),
            on_behalf_of=content.get("on_behalf_of", ""),
            note=content.get("note", ""),
            overdue=bool(content.get("overdue", False)),
            actions=tuple(ActionAsk(**a) for a in content.get("actions", ())),
            service=content.get("service", ""),
        )


def _line(line: MeasureLine) -> dict[str, Any]:
    return {name: getattr(line, name) for name in MeasureLine.__slots__}


@dataclass(frozen=True, slots=True)
class Alert:
    """Exceptions raised as returns came in, batched for the CMT exceptions channel."""

    period: str
    items: tuple[str, ...] = field(default_factory=tuple)
