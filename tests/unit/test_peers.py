"""Peers beside a figure: periods, the group's quartiles, the council's rank by polarity, and
saying when the peers' data is older than the figure."""

from __future__ import annotations

import pytest

from perfbot.benchmarks import PeerPeriod, PeerValue
from perfbot.config import PeersConfig
from perfbot.model import Frequency, Polarity, Unit
from perfbot.periods import Period, PeriodError
from reports.peers import choose_period, compare, comparisons, league, ordinal, rank
from tests.conftest import make_measure

Q2, Q3 = Period(2025, 2), Period(2025, 3)
PEERS = PeersConfig(area_code="E07000999", group_name="CIPFA nearest neighbours")


def values(metric: str, period: str, numbers: list[float], *, own: float | None = None) -> list[PeerValue]:
    found = [PeerValue(metric, f"E0700090{i}", f"Area {i}", PeerPeriod.parse(period), n)
             for i, n in enumerate(numbers)]  # fmt: skip
    if own is not None:
        found.append(PeerValue(metric, PEERS.area_code, "Us", PeerPeriod.parse(period), own))
    return found


def test_peer_periods_are_quarters_or_years_and_a_year_sorts_after_its_quarters():
    assert str(PeerPeriod.parse("2025/26 Q3")) == "2025/26 Q3" == str(PeerPeriod.parse("Q3 2025-26"))
    assert str(PeerPeriod.parse("2024/2025")) == "2024/25"
    assert sorted([PeerPeriod.parse(p) for p in ("2025/26", "2025/26 Q4", "2024/25", "2025/26 Q1")]) == [
        PeerPeriod.parse(p) for p in ("2024/25", "2025/26 Q1", "2025/26 Q4", "2025/26")]
    assert PeerPeriod.parse("2024/25").last_quarter == Period(2024, 4)
    with pytest.raises(PeriodError, match="neither a financial quarter nor a financial year"):
        PeerPeriod.parse("2025")


def test_quartiles_are_the_groups_without_the_council():
    measure = make_measure(benchmark_metric="M", polarity=Polarity.HIGHER)
    found = compare(measure, Q3, 48.4, values("M", "2025/26 Q3", [40, 45, 50, 55, 60], own=99), peers=PEERS)
    assert (found.median, found.lower_quartile, found.upper_quartile) == (50, 45, 55)
    assert found.peers == 5 and found.out_of == 6  # the council's own row (99) is not a peer


def test_rank_respects_polarity_and_ties_share_the_better_place():
    group = [40.0, 45.0, 50.0, 55.0, 60.0]
    assert rank(48.4, group, Polarity.HIGHER) == 4
    assert rank(48.4, group, Polarity.LOWER) == 3
    assert rank(50.0, group, Polarity.HIGHER) == 3 == rank(50.0, group, Polarity.LOWER)
    assert rank(61, group, Polarity.HIGHER) == 1 and rank(61, group, Polarity.LOWER) == 6
    assert rank(50.0, group, Polarity.NONE) is None
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "111th"]  # fmt: skip


def test_quartile_words_follow_polarity():
    group = values("M", "2025/26 Q3", [40, 45, 50, 55, 60])
    lower = make_measure(benchmark_metric="M", polarity=Polarity.LOWER)
    higher = make_measure(benchmark_metric="M", polarity=Polarity.HIGHER)
    assert compare(lower, Q3, 41, group, peers=PEERS).quartile_text() == "best quarter of the group"
    assert compare(higher, Q3, 41, group, peers=PEERS).quartile_text() == "worst quarter of the group"
    assert compare(higher, Q3, 52, group, peers=PEERS).quartile_text() == "middle half of the group"
    none = compare(make_measure(benchmark_metric="M", polarity=Polarity.NONE), Q3, 52, group, peers=PEERS)
    assert none.rank is None and none.rank_text() == "" and none.median == 50


def test_older_peer_data_is_used_and_said_to_be_older():
    measure = make_measure(benchmark_metric="M", unit=Unit.PERCENT)
    found = compare(measure, Q2, 48.4, values("M", "2024/25", [40, 45, 50, 55, 60]), peers=PEERS)
    assert found.stale and found.staleness_text() == "peers: 2024/25, figure: 2025/26 Q2"
    assert found.sentence("percent") == ("CIPFA nearest neighbours (2024/25): median 50%, quartiles 45%–55%; "
                                         "4th of 6, middle half of the group; older data (peers: 2024/25, "
                                         "figure: 2025/26 Q2)")  # fmt: skip
    same = compare(measure, Q3, 48.4, values("M", "2025/26 Q3", [40, 45, 50, 55, 60]), peers=PEERS)
    assert not same.stale and same.staleness_text() == ""


def test_the_newest_period_not_after_the_figure_is_chosen():
    periods = {PeerPeriod.parse(p) for p in ("2024/25", "2025/26 Q2", "2025/26 Q3", "2025/26 Q4", "2025/26")}
    assert choose_period(periods, Q3, Frequency.QUARTERLY) == PeerPeriod.parse("2025/26 Q3")
    assert choose_period(periods, Q2, Frequency.QUARTERLY) == PeerPeriod.parse("2025/26 Q2")
    q4 = Period(2025, 4)
    assert choose_period(periods, q4, Frequency.QUARTERLY) == PeerPeriod.parse("2025/26 Q4")
    assert choose_period(periods, q4, Frequency.ANNUAL) == PeerPeriod.parse("2025/26")
    assert choose_period(periods, Period(2024, 3), Frequency.QUARTERLY) is None  # all peers are later


def test_nothing_is_shown_without_a_metric_a_figure_or_enough_peers():
    group = values("M", "2025/26 Q3", [40, 45, 50, 55, 60])
    assert compare(make_measure(), Q3, 50, group, peers=PEERS) is None  # no benchmark_metric
    measure = make_measure(benchmark_metric="M")
    assert compare(measure, Q3, None, group, peers=PEERS) is None
    assert compare(measure, Q3, "text", group, peers=PEERS) is None
    assert compare(measure, Q3, 50, group[:2], peers=PEERS) is None  # two areas are not a group
    assert compare(measure, Q3, 50, [], peers=PEERS) is None
    rows = [{"measure_id": "A", "value": 50}, {"measure_id": "B", "value": 50}, {"measure_id": "C", "value": None}]
    measures = {"A": make_measure("A", benchmark_metric="M"), "B": make_measure("B"),
                "C": make_measure("C", benchmark_metric="M")}  # fmt: skip
    asked: list[str] = []
    found = comparisons(rows, measures, Q3, values_of=lambda m: asked.append(m) or group, peers=PEERS)
    assert list(found) == ["A"] and asked == ["M"]  # read once per metric; B and C show nothing


def test_league_lists_the_group_best_first_with_the_council_marked():
    measure = make_measure(benchmark_metric="M", polarity=Polarity.LOWER)
    group = values("M", "2025/26 Q3", [40, 45, 50], own=10)
    found = compare(measure, Q3, 44, group, peers=PEERS)
    assert league(found, group, own_area=PEERS.area_code, own_name="Larkfield") == [
        ("Area 0", 40, False), ("Larkfield", 44, True), ("Area 1", 45, False), ("Area 2", 50, False)]
