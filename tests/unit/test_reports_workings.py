"""Returns may carry a numerator and denominator; the bulk import reads them, the analysis checks them."""

from __future__ import annotations

import pytest

from collectors.bulk import ReturnsImportError, import_returns
from collectors.submissions import Collector
from perfbot.config import Config
from reports.analysis import analyse
from tests.conftest import make_measure
from tests.unit.test_reports_sample import Q3


@pytest.fixture
def collector(store):
    store.register.apply([make_measure("P1", target=50.0), make_measure("P2", target=50.0)], [], actor="t")
    return Collector(store, Config())


def test_bulk_import_keeps_the_workings_and_the_analysis_checks_them(store, collector, tmp_path):
    path = tmp_path / "returns.csv"
    path.write_text("measure_id,period,value,numerator,denominator\n"
                    "P1,2025/26 Q3,62.5,5,8\n"
                    "P2,2025/26 Q3,62.5,60,100\n", encoding="utf-8")  # fmt: skip
    import_returns(store, collector, path, period=None, actor="t")
    stored = store.returns.get("P1", Q3)
    assert (stored.numerator, stored.denominator) == (5.0, 8.0)
    rows = {r["measure_id"]: r for r in analyse(store, Config(), Q3).records()}
    assert rows["P1"]["exceptions"] == [] and rows["P1"]["numerator"] == 5.0
    assert rows["P2"]["exceptions"] == ["data quality: 62.5 does not match its workings (60 ÷ 100 × 100 = 60)"]


def test_the_workings_are_optional(store, collector, tmp_path):
    path = tmp_path / "returns.csv"
    path.write_text("measure_id,period,value\nP1,2025/26 Q3,62.5\n", encoding="utf-8")
    import_returns(store, collector, path, period=None, actor="t")
    assert store.returns.get("P1", Q3).numerator is None


def test_an_unreadable_numerator_names_the_row_and_column(store, collector, tmp_path):
    path = tmp_path / "returns.csv"
    path.write_text("measure_id,period,value,numerator,denominator\n"
                    "P1,2025/26 Q3,62.5,five,8\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(ReturnsImportError) as caught:
        import_returns(store, collector, path, period=None, actor="t")
    assert caught.value.errors == ["row 2, column numerator: 'five' is not a number"]
    assert store.returns.get("P1", Q3) is None  # all or nothing
