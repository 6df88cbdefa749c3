"""Submit a case study: the one use case behind the web form, Slack, Teams, SharePoint and the CLI.

**The rule.** Every answer is required; the theme and the service must be the register's; the
texts have limits (`LIMITS`); consent to publish is a yes or a no. A case study with no quarter
belongs to the open round's quarter, else to the last quarter that has ended. The same delivery
(a double click, a retried activity, a list row seen again) is stored once: its `case_id` comes
from the channel and the delivery. A stored case study waits for the performance officer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from perfbot.model import RoundState
from perfbot.periods import Period
from perfbot.services.case_study_forms import CaseStudyResult, CaseStudySubmission, Choices, Wording
from perfbot.services.ports import CaseStudyIntake
from perfbot.store import Store


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
