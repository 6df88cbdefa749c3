"""People: deputies, absences, who stands in for whom, and the `people` commands."""

from __future__ import annotations

from datetime import date

import pytest

from perfbot.cli import main
from perfbot.people import Absence, Person, PersonError, stand_in

A, B, C = "a@council.gov.uk", "b@council.gov.uk", "c@council.gov.uk"
AWAY = (Absence(date(2026, 1, 5), date(2026, 1, 9)),)
DAY = date(2026, 1, 7)


def test_an_absent_person_is_reached_through_their_deputy_only_while_away():
    people = {A: Person(A, B, AWAY)}
    assert stand_in(people, A, DAY) == B
    assert stand_in(people, A, date(2026, 1, 9)) == B  # the last day is included
    assert stand_in(people, A, date(2026, 1, 10)) == A
    assert stand_in(people, "someone@council.gov.uk", DAY) == "someone@council.gov.uk"


def test_an_absent_deputy_hands_on_to_theirs_and_a_loop_or_dead_end_reaches_the_person():
    assert stand_in({A: Person(A, B, AWAY), B: Person(B, C, AWAY)}, A, DAY) == C
    assert stand_in({A: Person(A, B, AWAY), B: Person(B, A, AWAY)}, A, DAY) == A
    assert stand_in({A: Person(A, None, AWAY)}, A, DAY) == A
    assert stand_in({A: Person(A, B, AWAY), B: Person(B, None, AWAY)}, A, DAY) == A


def test_bad_settings_are_refused_with_a_reason():
    with pytest.raises(PersonError, match="ends .* before it starts"):
        Absence(date(2026, 1, 9), date(2026, 1, 5))
    with pytest.raises(PersonError, match="their own deputy"):
        Person(A, A)


def test_the_repository_keeps_changes_and_audits_them(store):
    store.people.set(A.upper(), actor="officer", deputy=B, add_absences=AWAY)
    later = (Absence(date(2026, 3, 2), date(2026, 3, 6)),)
    person = store.people.set(A, actor="officer", add_absences=later)
    assert person == Person(A, B, AWAY + later)
    assert store.people.set(A, actor="officer", deputy=None, clear_absences=True) == Person(A)
    assert [r.action for r in store.audit.about(f"person {A}")] == ["person.updated"] * 3
    store.people.set(A, actor="officer")  # no change, no audit record
    assert len(store.audit.about(f"person {A}")) == 3
    with pytest.raises(PersonError, match="deputy 'not-an-email'"):
        store.people.set(A, actor="officer", deputy="not-an-email")


def test_the_people_commands(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PERFBOT_DATA", str(tmp_path / "data"))
    assert main(["init"]) == 0
    args = ["people", "set", A, "--deputy", B, "--away", "2026-01-05", "2026-01-09",
            "--away", "2026-03-02", "2026-03-06"]  # fmt: skip
    assert main(args) == 0
    assert f"{A}: deputy {B}; 2026-01-05 to 2026-01-09; 2026-03-02 to 2026-03-06." in capsys.readouterr().out
    assert main(["people", "show", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith(f"{A},{B},2026-01-05 to 2026-01-09;")
    assert main(["people", "set", A, "--deputy", A]) == 2
    assert "cannot be their own deputy" in capsys.readouterr().err
    assert main(["people", "set", A, "--away", "2026-01-09", "2026-01-05"]) == 2
    assert "before it starts" in capsys.readouterr().err
    with pytest.raises(SystemExit) as bad_date:
        main(["people", "set", A, "--away", "9 Jan", "2026-01-05"])
    assert bad_date.value.code == 2 and "not a date" in capsys.readouterr().err
    assert main(["people", "set", A, "--no-deputy", "--clear-away"]) == 0
    assert f"{A}: deputy none; no absences." in capsys.readouterr().out
