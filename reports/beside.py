"""Write one of a report's files in a child process while this process writes the others.

The workbook is a third of a 3,000-measure report's CPU time (XlsxWriter, cell by cell) and
needs nothing the other files need after it starts, so on a machine with a second CPU it is
written beside them. The child is forked: it starts at once and sees the report as it stands,
with nothing to import or copy. Where fork is not there (Windows, macOS's default) or only one
CPU is free to this process, the work is done here, in line, with the same result.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any


def run_beside(work: Callable[[], Any]) -> Callable[[], Any]:
    """Start `work` and return a function that waits for its result (raising what it raised).
    Call that function in every case, also when something else failed meanwhile, so no child
    outlives the report it writes for."""
    if not _second_cpu() or "fork" not in multiprocessing.get_all_start_methods():
        try:
            done = (True, work())
        except Exception as error:  # raised when the result is asked for, as from a child
            done = (False, error)
        return lambda: _outcome(*done)
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(work, send), daemon=True, name="perfbot-report-file")
    child.start()
    send.close()

    def wait() -> Any:  # noqa: ANN401 - whatever `work` returns
        try:
            ok, value = receive.recv()
        except EOFError:  # it died without a word (killed, out of memory)
            child.join()
            ok, value = False, RuntimeError(f"writing a report file: its process ended (exit code "
                                            f"{child.exitcode}) before it was done")  # fmt: skip
        finally:
            receive.close()
            child.join()
        return _outcome(ok, value)

    return wait


def _outcome(ok: bool, value: Any) -> Any:  # noqa: ANN401
    if ok:
        return value
    raise value


def _child(work: Callable[[], Any], send: Connection) -> None:
    try:
        outcome: tuple[bool, Any] = (True, work())
    except Exception as error:
        outcome = (False, error)
    try:
        send.send(outcome)
    except Exception as error:  # an error that cannot be pickled: its words, at least
        send.send((False, RuntimeError(f"{type(outcome[1]).__name__}: {outcome[1]} ({error})")))
    finally:
        send.close()


def _second_cpu() -> bool:
    try:
        return len(os.sched_getaffinity(0)) > 1
    except AttributeError:  # not on Linux
        return (os.cpu_count() or 1) > 1
