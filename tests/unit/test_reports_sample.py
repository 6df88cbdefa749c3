"""A fixture quarter, 2025/26 Q3, whose RAG, direction, exceptions and projections were worked
out by hand (see the comments); shared by the report tests."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from perfbot.clock import LONDON
from perfbot.config import Config
from perfbot.model import Aggregation, CaseStudy, CaseStudyStatus, Polarity, Return, Unit
from perfbot.periods import Period
from perfbot.store import Store
from reports.analysis import Analysis, analyse
from tests.conftest import make_measure

Q3 = Period(2025, 3)
Q2 = Period(2025, 2)
DEADLINE = datetime(2026, 1, 22, 23, 59, tzinfo=LONDON)
ON_TIME = datetime(2026, 1, 10, tzinfo=LONDON)
NASTY_TITLE = '<script>alert("title")</script> & "quotes"'
NASTY_COMMENTARY = '"><img src=x onerror=alert(1)> <b>bold</b>'
FORMULA = '=HYPERLINK("http://evil.example","click")'


def _measures() -> list:
    a, b = {"theme": "Theme A", "service": "Service A"}, {"theme": "Theme B", "service": "Service B"}
    number = {"unit": Unit.NUMBER}
    return [
        make_measure("GRN", **a),
        make_measure("FLIP", **a),
        make_measure("AMB", polarity=Polarity.LOWER, target=10.0, **a, **number),
        make_measure("CUM", target=100.0, aggregation=Aggregation.CUMULATIVE, **a, **number),
        make_measure("CUM2", target=100.0, aggregation=Aggregation.CUMULATIVE, **a, **number),
        make_measure("GONE", **b),
        make_measure("PCT", **b),
        make_measure("RATIO", target=50.0, **b),
        make_measure("RATIO_OK", target=50.0, **b),
        make_measure("PLAUS", target=None, plausible_max=1000.0, **b, **number),
        make_measure("SWING", target=100.0, **b, **number),
    ]


def _in_time(period: Period) -> datetime:
    """Ten days after the quarter ends: inside every round's deadline."""
    return datetime.combine(period.end, datetime.min.time(), LONDON) + timedelta(days=10)


def _returns() -> list[tuple]:
    """(measure, period, value, submitted_at or None for 'in time', extra fields)."""
    late_q2 = datetime(2025, 10, 25, tzinfo=LONDON)
    rows = [
        ("GRN", Period(2024, 3), 85.0, None, {}), ("GRN", Q2, 88.0, None, {}),
        ("GRN", Q3, 92.0, ON_TIME, {"commentary": "On track."}),
        ("FLIP", Q2, 91.0, late_q2, {}), ("FLIP", Q3, 80.0, None, {}),
        ("AMB", Q2, 10.6, None, {"commentary": "Busy."}),
        ("AMB", Q3, 10.4, datetime(2026, 1, 25, tzinfo=LONDON), {"commentary": "Staff sickness."}),
        ("CUM2", Period(2025, 1), 30.0, None, {}), ("CUM2", Q2, 30.0, None, {}),
        ("CUM2", Q3, 30.0, None, {}),
        ("PCT", Q3, 104.0, None, {}),
        ("RATIO", Q3, 62.5, ON_TIME, {"numerator": 60.0, "denominator": 100.0}),
        ("RATIO_OK", Q3, 62.5, ON_TIME, {"numerator": 5.0, "denominator": 8.0}),
        ("PLAUS", Q3, 5000.0, None, {}),
    ]
    # CUM: last year 20, 30, 25, 25 (total 100); this year 25, 25, 20.
    for quarter, value in zip([Period(2024, q) for q in (1, 2, 3, 4)], [20.0, 30.0, 25.0, 25.0], strict=True):
        rows.append(("CUM", quarter, value, None, {}))
    rows += [("CUM", Period(2025, 1), 25.0, None, {}), ("CUM", Q2, 25.0, None, {}),
             ("CUM", Q3, 20.0, ON_TIME, {"commentary": "Slow start.", "action": "Recovery plan."})]
    # SWING: steady around 100 for eight quarters, then 160.
    for quarter, value in zip(Q3.back(9)[:-1], [100.0, 101.0, 99.0, 100.0, 101.0, 100.0, 99.0, 100.0], strict=True):
        rows.append(("SWING", quarter, value, None, {}))
    rows.append(("SWING", Q3, 160.0, ON_TIME, {"commentary": "New contract."}))
    return rows


def fill(store: Store) -> None:
    """The register, the Q2 and Q3 rounds and every return of the fixture quarter."""
    store.register.apply(_measures(), [], actor="t")
    store.rounds.open(Q2, deadline=datetime(2025, 10, 22, 23, 59, tzinfo=LONDON), actor="t")
    store.rounds.open(Q3, deadline=DEADLINE, actor="t")
    returns = [Return(m, p, v, submitted_by="owner@council.gov.uk", submitted_at=at or _in_time(p),
                      **extra) for m, p, v, at, extra in _returns()]  # fmt: skip
    store.returns.save_many(returns)


def add_nasty(store: Store) -> None:
    """A measure whose title and words try to inject HTML, Markdown and spreadsheet formulas."""
    measures = [*store.register.measures(),
                make_measure("EVIL", title=NASTY_TITLE, theme="Theme A", service="Service A"),
                make_measure("NEG", title="Budget variance", unit=Unit.CURRENCY, target=0.0,
                             theme="Theme B", service="Service B")]  # fmt: skip
    store.register.apply(measures, [], actor="t")
    store.returns.save_many([
        Return("EVIL", Q3, 70.0, commentary=NASTY_COMMENTARY, action=FORMULA, submitted_at=ON_TIME),
        Return("NEG", Q3, -1500.0, commentary="-10% on plan", action="@SUM(A1)", submitted_at=ON_TIME),
    ])  # fmt: skip


def add_case_studies(store: Store) -> None:
    base = {"service": "Service A", "what_happened": "We <b>did</b> it.", "impact": "Fewer waits.",
            "submitted_by": "o@council.gov.uk", "submitted_at": ON_TIME, "period": Q3}  # fmt: skip
    studies = [
        CaseStudy("C1", "Library hubs", "Theme A", consent_to_publish=True, **base),
        CaseStudy("C2", "Warm spaces <script>", "Theme B", consent_to_publish=True, **base),
        CaseStudy("C3", "No consent", "Theme A", consent_to_publish=False, **base),
        CaseStudy("C4", "Still pending", "Theme A", consent_to_publish=True, **base),
        CaseStudy("C5", "Last year's", "Theme A", consent_to_publish=True,
                  **(base | {"period": Period(2024, 3)})),
    ]  # fmt: skip
    for study in studies:
        store.case_studies.add(study)
        if study.case_id != "C4":
            store.case_studies.update(study.case_id, actor="officer", status=CaseStudyStatus.APPROVED)


@pytest.fixture
def filled(store: Store) -> Store:
    fill(store)
    return store


@pytest.fixture
def analysed(filled: Store) -> Analysis:
    return analyse(filled, Config(), Q3)


def test_the_fixture_has_every_measure_due(analysed):
    assert len(analysed.frame) == 11
    assert set(analysed.measures) >= {"GRN", "FLIP", "SWING"}
