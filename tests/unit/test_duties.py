"""What a person owes: owners, deputies and heads of service, one rule (`perfbot.services.duties`)."""

from __future__ import annotations

from datetime import datetime

from perfbot.clock import LONDON, ManualClock
from perfbot.config import Config
from perfbot.model import Frequency, Return
from perfbot.periods import Period
from perfbot.services.duties import Duties, DutyRole
from perfbot.store import Store
from tests.conftest import make_measure

Q3, Q4 = Period(2025, 3), Period(2025, 4)
OWNER, DEPUTY, HEAD, OTHER, OFFICER = (f"{n}@council.gov.uk" for n in ("owner", "deputy", "head", "other", "officer"))


def duties(tmp_path) -> tuple[Store, Duties]:
    store = Store.open(tmp_path / "data", clock=ManualClock(datetime(2026, 1, 12, 10, tzinfo=LONDON)))
    common = {"head_of_service_email": HEAD, "service": "Housing"}
    store.register.apply([
        make_measure("M1", owner_email=OWNER, **common),
        make_measure("M2", owner_email=OTHER, **common),
        make_measure("M3", owner_email=OWNER, frequency=Frequency.ANNUAL, **common),
        make_measure("M4", owner_email=HEAD, **common),
    ], [], actor="test")  # fmt: skip
    store.people.set(OWNER, actor="test", deputy=DEPUTY)
    return store, Duties(store, Config(performance_officers=(OFFICER,)))


def test_owners_deputies_and_heads_of_service_have_the_same_rule(tmp_path):
    store, found = duties(tmp_path)
    owed = {who: [(d.measure.measure_id, d.role) for d in found.owed(who, Q3).duties]
            for who in (OWNER, DEPUTY, HEAD, OTHER, OFFICER)}  # fmt: skip
    assert owed[OWNER] == [("M1", DutyRole.OWNER)]  # M3 is annual: due in Q4 only
    assert owed[DEPUTY] == [("M1", DutyRole.DEPUTY)]  # covers the owner at any time
    assert owed[HEAD] == [("M4", DutyRole.OWNER), ("M1", DutyRole.HEAD), ("M2", DutyRole.HEAD)]
    assert owed[OTHER] == [("M2", DutyRole.OWNER)]
    assert owed[OFFICER] == []  # officers may write anything but owe nothing
    assert [m.measure_id for m in found.owed(OWNER.upper(), Q4).measures] == ["M1", "M3"]


def test_what_is_owed_is_what_is_not_in_and_writing_follows_the_same_rule(tmp_path):
    store, found = duties(tmp_path)
    store.returns.save(Return("M1", Q3, 5.0, submitted_by=DEPUTY))
    assert [m.measure_id for m in found.owed(HEAD, Q3).outstanding] == ["M4", "M2"]
    assert [(w, found.may_write(w, "M1")) for w in (OWNER, DEPUTY, HEAD, OTHER, OFFICER)] == [
        (OWNER, True), (DEPUTY, True), (HEAD, True), (OTHER, False), (OFFICER, True)]
    assert not found.may_write(OWNER, "NOPE") and found.holds_any(DEPUTY) and not found.holds_any(OFFICER)
