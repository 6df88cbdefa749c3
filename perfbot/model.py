"""The domain: themes, service areas, measures, rounds, returns and case studies."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from typing import Any, Self

from perfbot.periods import Period
from perfbot.values import Tolerance

Value = float | str | None


class Unit(StrEnum):
    NUMBER = "number"
    PERCENT = "percent"
    CURRENCY = "currency"
    DAYS = "days"
    TEXT = "text"


class Polarity(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"
    NONE = "none"


class Frequency(StrEnum):
    QUARTERLY = "quarterly"
    ANNUAL = "annual"


class Aggregation(StrEnum):
    SNAPSHOT = "snapshot"
    CUMULATIVE = "cumulative"


class RagRule(StrEnum):
    """The published families of RAG rule a council can choose (see DESIGN.md)."""

    BAND = "band"  # tolerance band short of target (Chorley, Belfast, Reigate & Banstead)
    IMPROVED = "improved"  # amber only if off target but better than last year (Havering)
    RANGE = "range"  # low and high targets (City of Lincoln)
    DATA_ONLY = "data_only"  # volumetric, never rated (Kent, Harlow)


class Rag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NA = "n/a"
    MISSING = "missing"


class Direction(StrEnum):
    IMPROVING = "improving"
    WORSENING = "worsening"
    SAME = "same"
    NA = "n/a"


class RoundState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Theme:
    name: str


@dataclass(frozen=True, slots=True)
class ServiceArea:
    name: str
    theme: str
    head_of_service_email: str


@dataclass(frozen=True, slots=True)
class Measure:
    """A key measure with its owner, target and how it is rated."""

    measure_id: str
    title: str
    theme: str
    service: str
    owner_email: str
    head_of_service_email: str
    unit: Unit = Unit.NUMBER
    polarity: Polarity = Polarity.HIGHER
    target: float | None = None
    tolerance: Tolerance | None = None  # None: the council default from config
    frequency: Frequency = Frequency.QUARTERLY
    aggregation: Aggregation = Aggregation.SNAPSHOT
    data_source: str = ""
    description: str = ""
    rag_rule: RagRule | None = None  # None: the council default from config
    target_low: float | None = None  # only for the range rule
    target_high: float | None = None
    plausible_min: float | None = None
    plausible_max: float | None = None
    public: bool = False  # shown on the public performance page and its open data
    benchmark_metric: str = ""  # a comparison metric's id (e.g. LG Inform's), for peer values

    def to_doc(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["tolerance"] = str(self.tolerance) if self.tolerance is not None else None
        return doc

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Self:
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in doc.items() if k in known}
        data["unit"] = Unit(data.get("unit", "number"))
        data["polarity"] = Polarity(data.get("polarity", "higher"))
        data["frequency"] = Frequency(data.get("frequency", "quarterly"))
        data["aggregation"] = Aggregation(data.get("aggregation", "snapshot"))
        tolerance = data.get("tolerance")
        data["tolerance"] = Tolerance.parse(tolerance) if tolerance not in (None, "") else None
        rule = data.get("rag_rule")
        data["rag_rule"] = RagRule(rule) if rule else None
        data["public"] = bool(data.get("public", False))
        return cls(**data)

    def due_in(self, period: Period) -> bool:
        """Whether a return is due for `period`: quarterly measures every quarter, annual in Q4."""
        return self.frequency is Frequency.QUARTERLY or period.quarter == 4

    @property
    def is_numeric(self) -> bool:
        return self.unit is not Unit.TEXT


@dataclass(frozen=True, slots=True)
class TargetOverride:
    """A target for one measure in one period, overriding the measure's standing target."""

    measure_id: str
    period: Period
    target: float


@dataclass(frozen=True, slots=True)
class Return:
    """One measure's figure for one quarter, as submitted (the current revision)."""

    measure_id: str
    period: Period
    value: Value
    commentary: str = ""
    action: str = ""
    submitted_by: str = ""
    submitted_at: datetime | None = None
    channel: str = "cli"
    revision: int = 1
    numerator: float | None = None  # optional workings behind a ratio or percentage
    denominator: float | None = None
    confirmed: bool = False  # the submitter confirmed a figure that looks like missing data
    reason: str = ""  # why an officer changed it (a correction to a closed or history quarter)
    unknown_time: bool = False  # history imported without the time it was really made

    def to_doc(self) -> dict[str, Any]:
        doc = {
            "measure_id": self.measure_id,
            "period": str(self.period),
            "value": self.value,
            "commentary": self.commentary,
            "action": self.action,
            "submitted_by": self.submitted_by,
            "submitted_at": self.submitted_at.isoformat() if self.submitted_at else None,
            "channel": self.channel,
            "revision": self.revision,
        }
        # The workings are stored only when given, so other returns keep their stored shape.
        for name, value in (("numerator", self.numerator), ("denominator", self.denominator)):
            if value is not None:
                doc[name] = value
        for name, flag in (("confirmed", self.confirmed), ("reason", self.reason),
                           ("unknown_time", self.unknown_time)):  # fmt: skip
            if flag:
                doc[name] = flag
        return doc

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Self:
        at = doc.get("submitted_at")
        return cls(
            measure_id=doc["measure_id"],
            period=Period.parse(doc["period"]),
            value=doc.get("value"),
            commentary=doc.get("commentary", ""),
            action=doc.get("action", ""),
            submitted_by=doc.get("submitted_by", ""),
            submitted_at=datetime.fromisoformat(at) if at else None,
            channel=doc.get("channel", "cli"),
            revision=int(doc.get("revision", 1)),
            numerator=doc.get("numerator"),
            denominator=doc.get("denominator"),
            confirmed=bool(doc.get("confirmed", False)),
            reason=doc.get("reason", ""),
            unknown_time=bool(doc.get("unknown_time", False)),
        )


@dataclass(frozen=True, slots=True)
class Round:
    """A quarter's data collection round."""

    period: Period
    state: RoundState
    opened_at: datetime
    deadline: datetime
    closed_at: datetime | None = None

    def to_doc(self) -> dict[str, Any]:
        return {
            "period": str(self.period),
            "state": self.state.value,
            "opened_at": self.opened_at.isoformat(),
            "deadline": self.deadline.isoformat(),
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Self:
        closed = doc.get("closed_at")
        return cls(
            period=Period.parse(doc["period"]),
            state=RoundState(doc["state"]),
            opened_at=datetime.fromisoformat(doc["opened_at"]),
            deadline=datetime.fromisoformat(doc["deadline"]),
            closed_at=datetime.fromisoformat(closed) if closed else None,
        )


class CaseStudyStatus(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class CaseStudy:
    """An officer's account of real work, for the annual report once approved."""

    case_id: str
    title: str
    theme: str
    service: str
    what_happened: str
    impact: str
    consent_to_publish: bool
    submitted_by: str
    submitted_at: datetime
    period: Period
    channel: str = "cli"
    status: CaseStudyStatus = CaseStudyStatus.SUBMITTED
    for_annual_report: bool = False
    attachments: tuple[str, ...] = field(default_factory=tuple)

    def to_doc(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["submitted_at"] = self.submitted_at.isoformat()
        doc["period"] = str(self.period)
        doc["status"] = self.status.value
        doc["attachments"] = list(self.attachments)
        return doc

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Self:
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in doc.items() if k in known}
        data["submitted_at"] = datetime.fromisoformat(data["submitted_at"])
        data["period"] = Period.parse(data["period"])
        data["status"] = CaseStudyStatus(data.get("status", "submitted"))
        data["attachments"] = tuple(data.get("attachments", ()))
        return cls(**data)
