"""Peers through the CLI: `benchmarks import` and `benchmarks fetch` (the real httpx client
against a fake LG Inform on 127.0.0.1), then the report files that show them."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from perfbot.cli import main
from perfbot.store import Store
from tests.fakes.lginform import FakeLgInform

SAMPLE = Path(__file__).resolve().parents[2] / "perfbot" / "sample" / "register.yaml"
OWN, GROUP = "E07000999", "Larkfield_CIPFA_Near_Neighbours"
NEIGHBOURS = {f"E0700090{i}": f"Neighbour {i}" for i in range(1, 6)}
PEERS_TOML = f"""
[peers]
area_code = "{OWN}"
comparison_group = "{GROUP}"
group_name = "CIPFA nearest neighbours"
"""
METRICS = ["LGI-DEMO-FOOD-HYGIENE", "LGI-DEMO-MAJOR-PLANNING", "LGI-DEMO-RECYCLING", "LGI-DEMO-TA"]


def lg_values() -> dict[tuple[str, str, str], float | None]:
    found: dict[tuple[str, str, str], float | None] = {}
    codes = list(NEIGHBOURS)
    for code, recycling, ta in zip(codes, [40, 45, 50, 55, 60], [30, 40, 60, 70, 80], strict=True):
        found[("LGI-DEMO-RECYCLING", code, "2024/25")] = recycling
        found[("LGI-DEMO-RECYCLING", code, "2023/24")] = recycling - 1
        found[("LGI-DEMO-TA", code, "Oct - Dec 2025")] = ta
        found[("LGI-DEMO-TA", code, "Jul - Sep 2025")] = ta + 1
    found[("LGI-DEMO-RECYCLING", codes[0], "2023/24")] = None  # suppressed
    found[("LGI-DEMO-RECYCLING", OWN, "2024/25")] = 47.0
    return found


@pytest.fixture
def lginform() -> Iterator[FakeLgInform]:
    fake = FakeLgInform(
        keys={"app-key": "app-secret", "token-key": ""}, areas={OWN: "Larkfield", **NEIGHBOURS},
        groups={GROUP: list(NEIGHBOURS)}, values=lg_values(),
        periods={"LGI-DEMO-RECYCLING": ["2023/24", "2024/25"], "LGI-DEMO-TA": ["Jul - Sep 2025", "Oct - Dec 2025"],
                 "LGI-DEMO-FOOD-HYGIENE": ["2024/25"], "LGI-DEMO-MAJOR-PLANNING": ["Jul - Sep 2025"]},
    )  # fmt: skip
    fake.kind_of = lambda request: f"data.csv:{request.param('metricType')}"  # type: ignore[method-assign]
    with fake:
        yield fake


@pytest.fixture
def data(tmp_path, monkeypatch, capsys) -> Path:
    monkeypatch.setenv("PERFBOT_DATA", str(tmp_path / "data"))
    for name in ("LGINFORM_KEY", "LGINFORM_SECRET", "LGINFORM_API_URL"):
        monkeypatch.delenv(name, raising=False)
    assert main(["init"]) == 0
    with (tmp_path / "data" / "perfbot.toml").open("a", encoding="utf-8") as toml:
        toml.write(PEERS_TOML.replace("[peers]", "[peers]  # set by the test"))
    _strip_default_peers(tmp_path / "data" / "perfbot.toml")
    assert main(["register", "import", str(SAMPLE)]) == 0
    returns = tmp_path / "returns.csv"
    returns.write_text("measure_id,value,commentary\nWR01,48.4,Below target.\nHO02,53,Above target.\n")
    assert main(["returns", "import", str(returns), "--period", "2025/26 Q3"]) == 0
    capsys.readouterr()
    return tmp_path / "data"


def _strip_default_peers(path: Path) -> None:
    """`init` writes a commented-out [peers] table; the test's own replaces it (TOML allows one)."""
    text = path.read_text(encoding="utf-8")
    first = text.index("\n[peers]")
    second = text.index("\n[peers]  # set by the test")
    path.write_text(text[:first] + text[second:].replace("  # set by the test", ""), encoding="utf-8")


def use(monkeypatch, fake: FakeLgInform, *, key: str = "app-key", secret: str = "app-secret") -> None:
    monkeypatch.setenv("LGINFORM_KEY", key)
    monkeypatch.setenv("LGINFORM_SECRET", secret)
    monkeypatch.setenv("LGINFORM_API_URL", fake.url)


def stored(data: Path, metric: str) -> list:
    return Store.open(data).peers.for_metric(metric)


def test_fetch_asks_with_a_signed_query_and_stores_every_area(data, lginform, monkeypatch, capsys):
    use(monkeypatch, lginform)
    assert main(["benchmarks", "fetch"]) == 0
    printed = capsys.readouterr()
    assert ("Read 20 peer values from LG Inform (2 metrics: LGI-DEMO-RECYCLING, LGI-DEMO-TA; 6 areas; "
            "2023/24 to 2025/26 Q3): 20 added, 0 replaced, 0 unchanged.") in printed.out
    assert "LG Inform has no values of metric LGI-DEMO-FOOD-HYGIENE for these areas" in printed.err
    calls = lginform.calls
    assert [c.status for c in calls] == [200] * 4 and [c.request.param("metricType") for c in calls] == METRICS
    query = calls[0].request
    assert query.param("area") == f"{OWN},{GROUP}" and query.param("period") == "latest:5"
    assert query.param("Signature") and query.param("ApplicationKey") == "app-key"
    recycling = stored(data, "LGI-DEMO-RECYCLING")
    assert len(recycling) == 10  # 11 areas×periods, less the suppressed one; the group row is no area
    assert {str(v.period) for v in stored(data, "LGI-DEMO-TA")} == {"2025/26 Q2", "2025/26 Q3"}
    assert main(["benchmarks", "fetch"]) == 0  # again: the same values are not stored twice
    assert "0 added, 0 replaced, 20 unchanged" in capsys.readouterr().out
    assert len(stored(data, "LGI-DEMO-RECYCLING")) == 10


def test_a_key_without_a_secret_sends_no_signature(data, lginform, monkeypatch, capsys):
    use(monkeypatch, lginform, key="token-key", secret="")
    assert main(["benchmarks", "fetch", "--metric", "LGI-DEMO-TA", "--periods", "latest:1"]) == 0
    request = lginform.calls[-1].request
    assert request.param("Signature") is None and request.param("period") == "latest:1"
    assert [str(v.period) for v in stored(data, "LGI-DEMO-TA")] == ["2025/26 Q3"] * 5


@pytest.mark.parametrize(("key", "secret", "says"), [
    ("wrong-key", "app-secret", "refused the application key (HTTP 401"),
    ("app-key", "wrong-secret", "refused the application key (HTTP 403"),
])  # fmt: skip
def test_a_refused_key_is_a_clear_error_and_stores_nothing(data, lginform, monkeypatch, capsys, key, secret, says):
    use(monkeypatch, lginform, key=key, secret=secret)
    assert main(["benchmarks", "fetch"]) == 2
    err = capsys.readouterr().err
    assert says in err and "LGINFORM_KEY" in err and "Nothing was stored" in err and "Traceback" not in err
    assert stored(data, "LGI-DEMO-RECYCLING") == []


@pytest.mark.parametrize(("status", "says"), [
    (429, "limiting requests (HTTP 429); try again in 30 s"), (503, "LG Inform failed (HTTP 503)"),
])  # fmt: skip
def test_throttling_or_an_outage_midway_leaves_nothing_half_written(data, lginform, monkeypatch, capsys,
                                                                   status, says):  # fmt: skip
    use(monkeypatch, lginform)
    lginform.fail_next("data.csv:LGI-DEMO-TA", status=status, retry_after=30, body="Too many requests")
    assert main(["benchmarks", "fetch"]) == 2
    assert says in capsys.readouterr().err
    assert [c.status for c in lginform.calls] == [200, 200, 200, status]  # three metrics had answered
    assert all(stored(data, m) == [] for m in METRICS)


def test_fetch_needs_a_key_and_the_peers_settings(data, lginform, monkeypatch, capsys, tmp_path):
    assert main(["benchmarks", "fetch"]) == 2
    assert "LGINFORM_KEY is not set" in capsys.readouterr().err
    use(monkeypatch, lginform)
    monkeypatch.setenv("LGINFORM_API_URL", "ftp://example")
    assert main(["benchmarks", "fetch"]) == 2
    assert "LGINFORM_API_URL must be an http(s) URL" in capsys.readouterr().err
    toml = data / "perfbot.toml"
    toml.write_text(toml.read_text().replace(f'comparison_group = "{GROUP}"', ""))
    assert main(["benchmarks", "fetch"]) == 2
    assert "set peers.comparison_group in perfbot.toml" in capsys.readouterr().err
    assert lginform.calls == []


def test_an_unknown_metric_is_refused_with_the_services_reason(data, lginform, monkeypatch, capsys):
    use(monkeypatch, lginform)
    assert main(["benchmarks", "fetch", "--metric", "99999"]) == 2
    err = capsys.readouterr().err
    assert "refused the query for metric 99999 (HTTP 400: metricType '99999' is not known.)" in err


PEERS_CSV = """metric,area_code,area_name,period,value
LGI-DEMO-RECYCLING,E07000901,Neighbour 1,2024/25,40
LGI-DEMO-RECYCLING,E07000902,Neighbour 2,2024/25,45
LGI-DEMO-RECYCLING,E07000903,Neighbour 3,2024/25,50%
LGI-DEMO-RECYCLING,E07000904,Neighbour 4,2024/25,55
LGI-DEMO-RECYCLING,E07000905,Neighbour 5,2024/25,60
LGI-DEMO-RECYCLING,E07000999,Larkfield,2024/25,47
LGI-DEMO-TA,E07000901,Neighbour 1,Q3 2025/26,30
LGI-DEMO-TA,E07000902,Neighbour 2,2025/26 Q3,40
LGI-DEMO-TA,E07000903,Neighbour 3,2025/26 Q3,60
LGI-DEMO-TA,E07000904,Neighbour 4,2025/26 Q3,70
LGI-DEMO-TA,E07000905,Neighbour 5,2025/26 Q3,80
LGI-DEMO-TA,E07000905,Neighbour 5,2025/26 Q2,
OTHER-METRIC,E07000905,Neighbour 5,2025/26 Q2,1
"""


def test_import_reads_checks_and_replaces(data, tmp_path, capsys):
    peers = tmp_path / "peers.csv"
    peers.write_text(PEERS_CSV, encoding="utf-8")
    assert main(["benchmarks", "import", str(peers)]) == 0
    out = capsys.readouterr().out
    assert ("Read 12 peer values from peers.csv (3 metrics: LGI-DEMO-RECYCLING, LGI-DEMO-TA, OTHER-METRIC; "
            "6 areas; 2024/25 to 2025/26 Q3; 1 row with no value skipped): 12 added, 0 replaced, 0 unchanged.") in out
    assert "no measure names metric OTHER-METRIC" in out
    peers.write_text(PEERS_CSV.replace("2024/25,60", "2024/25,61"), encoding="utf-8")
    assert main(["benchmarks", "import", str(peers)]) == 0
    assert "0 added, 1 replaced, 11 unchanged" in capsys.readouterr().out
    recycling = {v.area_code: v.value for v in stored(data, "LGI-DEMO-RECYCLING")}
    assert recycling["E07000905"] == 61 and recycling["E07000903"] == 50 and len(recycling) == 6


def test_import_names_each_bad_row_and_column_and_stores_nothing(data, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("metric,area_code,area_name,period,value\n"
                   "M1,E07000901,A,2025/26 Q5,10\n"
                   "M1,E07000902,B,2025/26 Q3,ten\n"
                   "M1,,C,2025/26 Q3,12\n"
                   "M1,E07000904,D,2025/26 Q3,13\n"
                   "M1,E07000904,D,2025/26 Q3,14\n", encoding="utf-8")  # fmt: skip
    assert main(["benchmarks", "import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "row 2, column period: '2025/26 Q5' is neither a financial quarter nor a financial year" in err
    assert "row 3, column value: 'ten' is not a number" in err
    assert "row 4, column area_code: is required" in err
    assert "row 6, column period: M1 for E07000904 in 2025/26 Q3 appears again (first at row 5)" in err
    assert "Traceback" not in err and stored(data, "M1") == []
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("metric,area,period,value\nM1,E1,2025/26,1\n", encoding="utf-8")
    assert main(["benchmarks", "import", str(wrong)]) == 2
    assert "no column area_code (the columns are metric, area_code, area_name, period, value)" in capsys.readouterr().err
    assert main(["benchmarks", "import", str(tmp_path / "peers.xlsx")]) == 2
    assert "peer values come as a .csv file" in capsys.readouterr().err


def test_show_lists_each_measures_comparison(data, tmp_path, capsys):
    import json

    peers = tmp_path / "peers.csv"
    peers.write_text(PEERS_CSV, encoding="utf-8")
    assert main(["benchmarks", "show", "2025/26 Q3"]) == 0
    assert "No measure has peer values to compare with in 2025/26 Q3" in capsys.readouterr().out
    assert main(["benchmarks", "import", str(peers)]) == 0
    capsys.readouterr()
    assert main(["benchmarks", "show", "2025/26 Q3", "--format", "json"]) == 0
    rows = {r["measure_id"]: r for r in json.loads(capsys.readouterr().out)}
    assert set(rows) == {"HO02", "WR01"}
    assert rows["WR01"] | {"title": None} == {
        "measure_id": "WR01", "title": None, "polarity": "higher", "value": 48.4, "peer_period": "2024/25",
        "peers": 5, "median": 50.0, "lower_quartile": 45.0, "upper_quartile": 55.0, "rank": "4th of 6",
        "older": "peers: 2024/25, figure: 2025/26 Q3"}  # fmt: skip
    assert rows["HO02"]["rank"] == "3rd of 6" and rows["HO02"]["older"] is None


def test_the_report_files_show_peers_beside_the_figures(data, lginform, monkeypatch, capsys, tmp_path):
    use(monkeypatch, lginform)
    assert main(["benchmarks", "fetch"]) == 0
    assert main(["report", "2025/26 Q3", "--out", str(tmp_path / "out")]) == 0
    out = tmp_path / "out"
    html = (out / "performance-2025-26-Q3.html").read_text(encoding="utf-8")
    assert "Compared with peers" in html
    # WR01 48.4% (higher is better) against 2024/25: 40, 45, 50, 55, 60; HO02 53 (lower) against 30…80
    assert "median 50%" in html and "4th of 6" in html and "Older data: peers: 2024/25, figure: 2025/26 Q3" in html
    assert "median 60" in html and "3rd of 6" in html
    assert html.count("Older data") == 1  # HO02's peers are of the same quarter
    sheet = load_workbook(out / "performance-2025-26-Q3.xlsx")["Measures"]
    header = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["WR01"]["Peer median"] == 50 and rows["WR01"]["Rank among peers"] == "4th of 6"
    assert rows["WR01"]["Peer data older than figure"] == "peers: 2024/25, figure: 2025/26 Q3"
    assert rows["HO02"]["Peer lower quartile"] == 40 and rows["HO02"]["Peer upper quartile"] == 70
    assert rows["CS01"]["Peer median"] is None  # no metric: blank, not 0
    words = "\n".join(cell.text for table in docx.Document(out / "performance-2025-26-Q3.docx").tables
                      for row in table.rows for cell in row.cells)  # fmt: skip
    assert "Peers: CIPFA nearest neighbours (2025/26 Q3): median 60, quartiles 40–70; 3rd of 6" in words
    pages = PdfReader(io.BytesIO((out / "performance-2025-26-Q3.pdf").read_bytes())).pages
    pdf = " ".join(" ".join(page.extract_text() for page in pages).split())  # table cells wrap
    assert "Compared with peers" in pdf and "4th of 6" in pdf and "figure: 2025/26 Q3" in pdf


def test_the_annual_report_shows_each_outturn_beside_its_group(data, tmp_path, capsys):
    peers = tmp_path / "peers.csv"
    peers.write_text(PEERS_CSV + "".join(f"LGI-DEMO-TA,E0700090{i},N{i},2025/26,{v}\n"
                                         for i, v in enumerate([10, 20, 90, 95], start=1)),
                     encoding="utf-8")  # fmt: skip
    assert main(["benchmarks", "import", str(peers)]) == 0
    assert main(["report", "2025/26", "--annual", "--no-papers", "--out", str(tmp_path / "year")]) == 0
    html = (tmp_path / "year" / "performance-2025-26-annual.html").read_text(encoding="utf-8")
    assert "Compared with peers" in html and "4th of 6" in html  # WR01 against 2024/25, said to be older
    assert "Older data: peers: 2024/25, figure: 2025/26 Q3" in html
    # HO02's year is not over (its figure is of Q3), so the peers' Q3 is used, not their whole year
    assert "3rd of 6" in html and "2025/26:</span>" not in html
