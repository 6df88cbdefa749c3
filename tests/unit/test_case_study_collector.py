"""The case-study service and its collector: one submission in, errors by field out, stored once
per delivery (`perfbot.services.case_studies` over `collectors.case_studies`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from collectors.case_studies import MISSING, CaseStudyCollector
from perfbot.clock import LONDON
from perfbot.model import CaseStudyStatus
from perfbot.periods import Period
from perfbot.services.case_studies import CaseStudies
from perfbot.services.case_study_forms import CaseStudySubmission, consent_of
from perfbot.store import Store
from tests.conftest import make_measure

ALICE = "alice@council.gov.uk"
GOOD = CaseStudySubmission(
    title=" Lifts fixed ", theme="Theme A", service="Housing", what_happened="A tenants' panel chose",
    impact="Outages halved", consent=True, submitted_by=ALICE, channel="teams", idempotency_key="act-1",
)  # fmt: skip


@pytest.fixture
def store(store: Store) -> Store:
    store.register.apply([make_measure("M1", service="Housing"), make_measure("M2", theme="Theme B")],
                         [], actor="test")  # fmt: skip
    return store


def service(store: Store) -> CaseStudies:
    return CaseStudies(store, CaseStudyCollector(store))


def test_a_valid_case_study_is_stored_once_per_delivery(store: Store) -> None:
    first = service(store).submit(GOOD)
    again = service(store).submit(GOOD)  # a retried delivery
    assert (first.accepted, first.fresh, again.fresh) == (True, True, False)
    assert again.study == first.study and store.case_studies.list() == [first.study]
    study = first.study
    assert (study.title, study.channel, study.status, study.consent_to_publish) == (
        "Lifts fixed", "teams", CaseStudyStatus.SUBMITTED, True)
    assert study.case_id == GOOD.case_id and study.case_id.startswith("teams-")
    assert [r.action for r in store.audit.about(f"case study {study.case_id}")] == ["casestudy.submitted"]


def test_the_case_id_is_stable_for_a_delivery_and_differs_between_deliveries() -> None:
    assert replace(GOOD, title="Edited").case_id == GOOD.case_id
    assert len({GOOD.case_id, replace(GOOD, idempotency_key="act-2").case_id,
                replace(GOOD, channel="slack").case_id}) == 3  # fmt: skip


def test_every_missing_answer_is_named_on_its_field_in_the_order_asked(store: Store) -> None:
    empty = CaseStudySubmission(title="", theme="", service="", what_happened=" ", impact="",
                                consent=None, submitted_by="", channel="web", idempotency_key="k")  # fmt: skip
    result = service(store).submit(empty)
    assert result.errors == MISSING and list(result.errors) == list(MISSING)
    assert not result.accepted and store.case_studies.list() == []


def test_a_channel_may_use_its_own_words_for_a_missing_answer(store: Store) -> None:
    found = service(store).check(replace(GOOD, title=""), wording={"title": "Enter the title"})
    assert found == {"title": "Enter the title"}


def test_theme_and_service_must_be_in_the_register(store: Store) -> None:
    found = service(store).check(replace(GOOD, theme="Theme Z", service="Parks"))
    assert found == {"theme": MISSING["theme"], "service": MISSING["service"]}


def test_limits_are_checked_after_stripping(store: Store) -> None:
    long = replace(GOOD, title="x" * 121, impact="y" * 3000 + "   ")
    assert service(store).check(long) == {"title": "Keep this to 120 characters or fewer"}


def test_declining_consent_is_an_answer_and_is_stored(store: Store) -> None:
    study = service(store).submit(replace(GOOD, consent=False)).study
    assert study is not None and study.consent_to_publish is False
    assert [consent_of(a) for a in ("yes", "no", "", "Yes")] == [True, False, None, None]


def test_an_officers_edit_checks_the_text_fields_only(store: Store) -> None:
    values = {"title": "Retitled", "theme": "Theme B", "service": "Service A", "what_happened": "w",
              "impact": ""}  # fmt: skip
    assert service(store).check_texts(values) == {"impact": MISSING["impact"]}


def test_the_period_is_the_channels_else_the_open_round_else_the_last_ended_quarter(store: Store) -> None:
    assert service(store).current_period() == Period(2025, 3)  # 12 January 2026: Q4 has not ended
    store.rounds.open(Period(2025, 2), deadline=datetime(2025, 10, 22, 23, 59, tzinfo=LONDON), actor="t")
    assert service(store).submit(GOOD).study.period == Period(2025, 2)
    chosen = replace(GOOD, idempotency_key="act-2", period=Period(2025, 4))
    assert service(store).submit(chosen).study.period == Period(2025, 4)


def test_moderation_keeps_the_annual_report_to_approved_case_studies_with_consent(store: Store) -> None:
    from perfbot.services.case_studies import NO_CONSENT, NOT_APPROVED, Moderation

    cases = service(store)
    agreed = cases.submit(GOOD).study
    declined = cases.submit(replace(GOOD, idempotency_key="act-2", consent=False)).study
    early = cases.moderate(Moderation(agreed.case_id, actor="officer", for_annual_report=True))
    assert early.errors == {"for_annual_report": NOT_APPROVED} and not early.accepted
    approved = cases.moderate(Moderation(agreed.case_id, actor="officer", status=CaseStudyStatus.APPROVED,
                                         for_annual_report=True)).study  # fmt: skip
    assert (approved.status, approved.for_annual_report) == (CaseStudyStatus.APPROVED, True)
    refused = cases.moderate(Moderation(declined.case_id, actor="officer", status=CaseStudyStatus.APPROVED,
                                        for_annual_report=True))  # fmt: skip
    assert refused.errors == {"for_annual_report": NO_CONSENT}
    assert store.case_studies.get(declined.case_id).status is CaseStudyStatus.SUBMITTED  # nothing changed
    rejected = cases.moderate(Moderation(agreed.case_id, actor="officer", status=CaseStudyStatus.REJECTED,
                                         reason="a duplicate"))  # fmt: skip
    assert (rejected.study.status, rejected.study.for_annual_report) == (CaseStudyStatus.REJECTED, False)
    assert "no case study 'nope'" in cases.moderate(Moderation("nope", actor="officer")).errors["case_id"]


def test_an_officers_edit_is_checked_as_on_submission_and_stored_stripped(store: Store) -> None:
    cases = service(store)
    study = cases.submit(GOOD).study
    texts = {"title": " Retitled ", "theme": "Theme B", "service": "Housing", "what_happened": "w", "impact": ""}
    assert cases.edit(study.case_id, texts, actor="officer").errors == {"impact": MISSING["impact"]}
    edited = cases.edit(study.case_id, {**texts, "impact": "i"}, actor="officer").study
    assert (edited.title, edited.theme, edited.impact) == ("Retitled", "Theme B", "i")
