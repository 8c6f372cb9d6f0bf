import gc

import pytest

from console.core.heap import collect_less_often


def _full_passes_while_a_queue_fills_and_drains() -> int:
    """Full collections while 20,000 events at a time wait (they outlive young passes), then go at once."""
    passes = [0]

    def count(phase, info):
        passes[0] += phase == "start" and info["generation"] == 2

    gc.callbacks.append(count)
    try:
        for _ in range(10):
            waiting = [[n] for n in range(20_000)]
            del waiting
    finally:
        gc.callbacks.remove(count)
    return passes[0]


@pytest.fixture
def frozen_heap():
    """As in the console: what was built before is frozen, the thresholds are restored after."""
    thresholds = gc.get_threshold()
    gc.collect()
    gc.freeze()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_a_filling_queue_makes_full_collections_rare(frozen_heap):
    gc.set_threshold(700, 10, 10)  # CPython's default
    by_default = _full_passes_while_a_queue_fills_and_drains()
    collect_less_often()
    assert by_default >= 2
    assert _full_passes_while_a_queue_fills_and_drains() == 0
    assert gc.get_threshold() == (700, 10, 100)
