"""A report pauses the cyclic garbage collector and always leaves it as it found it."""

from __future__ import annotations

import gc

import pytest

from reports.gc_pause import cycle_collection_paused


@pytest.fixture
def collector_restored():
    enabled = gc.isenabled()
    yield
    gc.enable() if enabled else gc.disable()


def test_collection_is_paused_inside_and_resumes_after_even_on_an_error(collector_restored):
    gc.enable()
    with pytest.raises(RuntimeError), cycle_collection_paused():
        assert not gc.isenabled()
        raise RuntimeError("a report failed")
    assert gc.isenabled()


def test_a_pause_inside_another_leaves_resuming_to_the_outer_one(collector_restored):
    gc.enable()
    with cycle_collection_paused():
        with cycle_collection_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off(collector_restored):
    gc.disable()
    with cycle_collection_paused():
        pass
    assert not gc.isenabled()
