"""Submit a case study: the one use case behind the web form, Slack, Teams, SharePoint and the CLI.

**The rule.** Every answer is required; the theme and the service must be the register's; the
texts have limits (`LIMITS`); consent to publish is a yes or a no. A case study with no quarter
belongs to the open round's quarter, else to the last quarter that has ended. The same delivery
(a double click, a retried activity, a list row seen again) is stored once: its `case_id` comes
from the channel and the delivery. A stored case study waits for the performance officer.

**Moderation.** The performance officer approves or rejects a case study (a rejection takes it out
of the annual report) and may edit its five texts under the same checks. Only an approved case
study whose author consented to publication goes in the annual report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from perfbot.model import CaseStudy, CaseStudyStatus, RoundState
from perfbot.periods import Period
from perfbot.services.case_study_forms import (
    TEXT_FIELDS,
    CaseStudyResult,
    CaseStudySubmission,
    Choices,
    Wording,
)  # fmt: skip
from perfbot.services.ports import CaseStudyIntake
from perfbot.store.interfaces import Store

NOT_APPROVED = "Only approved case studies can go in the annual report: approve it first"
NO_CONSENT = "The author did not consent to publication, so it cannot go in the annual report"


@dataclass(frozen=True, slots=True)
class Moderation:
    """An officer's decision on a case study; None leaves that part as it is."""

    case_id: str
    actor: str
    status: CaseStudyStatus | None = None  # APPROVED or REJECTED
    for_annual_report: bool | None = None
    reason: str = ""  # kept in the audit trail (a rejection's why)


@dataclass(frozen=True, slots=True)
class Moderated:
    errors: dict[str, str] = field(default_factory=dict)  # by field: case_id, for_annual_report, texts
    study: CaseStudy | None = None  # as it now stands

    @property
    def accepted(self) -> bool:
        return self.study is not None


class CaseStudies:
    """Checks and stores case studies for every channel (through the `CaseStudyIntake` port)."""

    def __init__(self, store: Store, intake: CaseStudyIntake) -> None:
        self._store = store
        self._intake = intake

    def choices(self) -> Choices:
        """The themes and services a case study may name (the register's)."""
        return Choices.of(self._store)

    def current_period(self) -> Period:
        """The quarter a case study without one belongs to: the open round's, else the last ended."""
        open_rounds = [r.period for r in self._store.rounds.all() if r.state is RoundState.OPEN]
        return open_rounds[-1] if open_rounds else Period.containing(self._store.clock.now().date()).previous()

    def check(self, submission: CaseStudySubmission, *, wording: Wording | None = None) -> dict[str, str]:
        """Every problem with the submission, by field, in the order the fields are asked."""
        return self._intake.check(submission, self.choices(), wording=wording)

    def check_texts(self, values: Mapping[str, str], *, wording: Wording | None = None) -> dict[str, str]:
        """Problems with the five text fields alone (an officer's edit of a stored case study)."""
        return self._intake.check_texts(values, self.choices(), wording=wording)

    def submit(self, submission: CaseStudySubmission, *, wording: Wording | None = None) -> CaseStudyResult:
        """Check and, when valid, store (durable before this returns); `wording` is a channel's
        own words for a missing answer."""
        period = submission.period if submission.period is not None else self.current_period()
        return self._intake.submit(replace(submission, period=period), wording=wording)

    def moderate(self, decision: Moderation) -> Moderated:
        """Approve, reject, or mark for the annual report (or not), by the rule above."""
        study = self._store.case_studies.get(decision.case_id)
        if study is None:
            return Moderated(errors={"case_id": f"There is no case study '{decision.case_id}'"})
        status = decision.status or study.status
        annual = False if status is CaseStudyStatus.REJECTED else decision.for_annual_report
        if annual and status is not CaseStudyStatus.APPROVED:
            return Moderated(errors={"for_annual_report": NOT_APPROVED})
        if annual and not study.consent_to_publish:
            return Moderated(errors={"for_annual_report": NO_CONSENT})
        changes: dict[str, object] = {"status": status} if decision.status else {}
        if annual is not None:
            changes["for_annual_report"] = annual
        saved = self._store.case_studies.update(study.case_id, actor=decision.actor, reason=decision.reason.strip(),
                                                **changes)  # fmt: skip
        return Moderated(study=saved)

    def edit(self, case_id: str, texts: Mapping[str, str], *, actor: str) -> Moderated:
        """An officer's edit of the five texts, checked as on submission."""
        if self._store.case_studies.get(case_id) is None:
            return Moderated(errors={"case_id": f"There is no case study '{case_id}'"})
        errors = self.check_texts(texts)
        if errors:
            return Moderated(errors=errors)
        values = {name: texts[name].strip() for name in TEXT_FIELDS}
        return Moderated(study=self._store.case_studies.update(case_id, actor=actor, **values))
