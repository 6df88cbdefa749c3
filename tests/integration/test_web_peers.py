"""Peers on the web dashboard: peer values imported with the CLI, a figure sent through the web
form, and the dashboard and the measure page showing the group's median, quartiles and rank."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest

from perfbot.cli import main
from tests.e2e.council import CMT, OWNER, PERIOD, Council, small_council, small_measures
from tests.e2e.web_client import client_for, post_form, sign_in
from tests.pg_server import TEST_DATABASE

ATTACK = "<script>alert('x')</script>"
PEERS_CSV = f"""metric,area_code,area_name,period,value
TA,E07000901,Ashcombe,2025/26 Q3,30
TA,E07000902,Brackenford,2025/26 Q3,40
TA,E07000903,Chalkley,2025/26 Q3,60
TA,E07000904,Dunmere,2025/26 Q3,70
TA,E07000905,"{ATTACK}",2025/26 Q3,80
TA,E07000999,Larkfield,2025/26 Q3,52
DECISIONS,E07000901,Ashcombe,2024/25,80
DECISIONS,E07000902,Brackenford,2024/25,85
DECISIONS,E07000903,Chalkley,2024/25,90
DECISIONS,E07000904,Dunmere,2024/25,95
"""


@pytest.fixture
def council(tmp_path, monkeypatch) -> Council:
    """The small council, with HO02 and HO04 naming comparison metrics, and peer values."""
    small = small_council(tmp_path)
    if os.environ.get(TEST_DATABASE):  # PERFBOT_TEST_BACKEND=postgres: the CLI imports into the app's database
        monkeypatch.setenv("PERFBOT_DATABASE_URL", os.environ[TEST_DATABASE])
    metrics = {"HO02": "TA", "HO04": "DECISIONS"}
    measures = [replace(m, benchmark_metric=metrics.get(m.measure_id, "")) for m in small_measures()]
    small.app.store.register.apply(measures, [], actor="test")
    (tmp_path / "peers.csv").write_text(PEERS_CSV, encoding="utf-8")  # [peers] is in its perfbot.toml
    assert main(["--data", str(tmp_path / "data"), "benchmarks", "import", str(tmp_path / "peers.csv")]) == 0
    return small


def test_a_figure_sent_on_the_web_shows_beside_its_peers(council) -> None:
    owner = client_for(council)  # the owner follows the link in their request: no sign-in
    form = f"{council.path(council.returns_link(OWNER))}/measures/HO02"
    sent = post_form(owner, form, {"value": "53", "commentary": "Above target: winter demand.",
                                   "action": "More prevention work.", "intent": "submit"})  # fmt: skip
    assert sent.status_code == 303, sent.text
    cmt = client_for(council)
    sign_in(cmt, council, CMT)
    page = cmt.get(f"/dashboard?period={PERIOD.key}")
    assert page.status_code == 200
    assert "Compared with peers" in page.text
    # HO02 is 53 (lower is better) against 30, 40, 60, 70, 80: median 60, 3rd of 6; Larkfield's own
    # row in the peer data (52) is not one of its peers
    assert "median 60 · <strong>3rd of 6</strong>" in page.text and "CIPFA nearest neighbours, 2025/26 Q3" in page.text
    assert page.text.count("perfbot-peers") == 1  # HO04 and HO03 have no Q3 figure / no metric: nothing
    detail = cmt.get(f"/dashboard/measures/HO02?period={PERIOD.key}")
    assert detail.status_code == 200
    text = detail.text
    assert "Compared with CIPFA nearest neighbours, 2025/26 Q3" in text and "Median of the group" in text
    assert "40 to 70 (lower to upper quartile)" in text and "3rd of 6, middle half of the group" in text
    assert "<strong>Larkfield District Council</strong> (this council, 2025/26 Q3)" in text
    assert ATTACK not in text and "&lt;script&gt;" in text
    assert "older than this council" not in text


def test_older_peer_data_is_said_to_be_older_and_measures_without_peers_show_nothing(council) -> None:
    cmt = client_for(council)
    sign_in(cmt, council, CMT)
    previous = PERIOD.previous()
    page = cmt.get(f"/dashboard?period={previous.key}")
    assert page.status_code == 200
    # HO04 was 93% in 2025/26 Q2; its peers' latest is the year 2024/25: 80, 85, 90, 95
    assert "median 87.5% · <strong>2nd of 5</strong>" in page.text
    assert "<strong>older data</strong> (peers: 2024/25, figure: 2025/26 Q2)" in page.text
    assert page.text.count("perfbot-peers") == 1  # HO02's peers are of a later quarter; HO03 has none
    detail = cmt.get(f"/dashboard/measures/HO04?period={previous.key}")
    assert "The peers' latest figures are older than this council's: peers: 2024/25, figure: 2025/26 Q2" in detail.text
    plain = cmt.get(f"/dashboard/measures/HO03?period={previous.key}")
    assert plain.status_code == 200 and "Compared with" not in plain.text
