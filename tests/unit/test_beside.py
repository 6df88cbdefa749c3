"""The workbook written in a child process beside the report's other files: its result, its
errors and its death all come back to the report, which says what went wrong in one line."""

from __future__ import annotations

import os

import pytest

from perfbot.cli import main
from reports.beside import run_beside
from reports.publish import ReportOutputError
from tests.unit.test_reports_output import data_dir  # noqa: F401, F811 - the fixture

forks = pytest.mark.skipif(not hasattr(os, "fork") or len(os.sched_getaffinity(0)) < 2,
                           reason="runs in line where fork or a second CPU is not there")  # fmt: skip


@forks
def test_the_work_runs_in_another_process_and_its_result_comes_back():
    assert run_beside(os.getpid)() != os.getpid()
    assert run_beside(lambda: {"rows": [1, 2.5, None, "£"]})() == {"rows": [1, 2.5, None, "£"]}


def test_an_error_comes_back_as_raised():
    def fail() -> None:
        raise ReportOutputError("could not write x.xlsx: No space left on device")

    wait = run_beside(fail)
    with pytest.raises(ReportOutputError, match="No space left on device"):
        wait()


@forks
def test_an_error_that_cannot_travel_comes_back_in_words():
    class Unpicklable(Exception):
        def __reduce__(self):
            raise TypeError("not this one")

    def fail() -> None:
        raise Unpicklable("the workbook broke")

    with pytest.raises(RuntimeError, match="Unpicklable: the workbook broke"):
        run_beside(fail)()


@forks
def test_a_child_that_dies_is_reported_not_waited_for_forever():
    with pytest.raises(RuntimeError, match="exit code 3"):
        run_beside(lambda: os._exit(3))()


def test_a_workbook_that_cannot_be_written_is_one_line_and_exit_2(data_dir, tmp_path, capsys):  # noqa: F811
    out = tmp_path / "r"
    (out / "performance-2025-26-Q3.xlsx").mkdir(parents=True)  # a directory where the file goes
    capsys.readouterr()
    assert main(["report", "2025/26 Q3", "--out", str(out), "--no-papers"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "could not write" in err and "performance-2025-26-Q3.xlsx" in err
    assert (out / "performance-2025-26-Q3.html").is_file()  # the other files were written meanwhile
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
