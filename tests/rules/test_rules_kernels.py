"""The vectorised building blocks against plain sequential loops (random inputs, fixed seeds)."""
from __future__ import annotations

import numpy as np
import pytest

from console.core.rules.kernels import (
    NO_TIME,
    Runs,
    TimeParser,
    forces,
    hysteresis,
    idw,
    ms_text,
    neighbours,
    run_start,
)

BOUNDS = np.array([0.3, 1.6, 3.4, 5.5, 8.0, 10.8, 13.9, 17.2, 20.8, 24.5, 28.5, 32.7, 37.0, 41.5, 46.2, 51.0, 56.1])


def sequential(obj, t, value, last_t, active0, since0, high, low, hold):
    """The rule as a loop: raise at value >= high; clear when below `low` for `hold`."""
    active, since, last = active0.copy(), since0.copy(), last_t.copy()
    events = []
    for i in sorted(range(len(obj)), key=lambda i: (obj[i], t[i], i)):
        o = obj[i]
        if t[i] <= last[o]:
            continue
        last[o] = t[i]
        below = value[i] < low
        if below:
            since[o] = t[i] if since[o] == NO_TIME else since[o]
        else:
            since[o] = NO_TIME
        clear = below and t[i] - since[o] >= hold
        if clear and active[o]:
            active[o] = False
            events.append(("cleared", i))
        elif not clear and value[i] >= high and not active[o]:
            active[o] = True
            events.append(("raised", i))
    return active, since, events


@pytest.mark.parametrize("seed", range(12))
def test_hysteresis_and_run_start_equal_the_loop(seed):
    rng = np.random.default_rng(seed)
    n_obj, n = 7, 400
    obj = rng.integers(0, n_obj, n)
    t = rng.integers(0, 60, n) * 300_000  # repeats and disorder on purpose
    value = np.round(rng.normal(15, 3, n), 1)
    last_t = np.where(rng.random(n_obj) < 0.5, NO_TIME, 3 * 300_000).astype(np.int64)
    active0 = rng.random(n_obj) < 0.5
    since0 = np.where(rng.random(n_obj) < 0.5, NO_TIME, 0).astype(np.int64)
    hold = 30 * 60_000
    want_active, want_since, want = sequential(obj, t, value, last_t, active0, since0, 15.0, 14.0, hold)

    runs = Runs.of(obj, t, last_t)
    v = value[runs.order]
    below = v < 14.0
    start = run_start(runs, below, since0)
    tr = hysteresis(runs, v >= 15.0, below & (runs.t - start >= hold), active0)
    got = [("raised", int(runs.order[j])) for j in np.flatnonzero(tr.raised)] + \
          [("cleared", int(runs.order[j])) for j in np.flatnonzero(tr.cleared)]
    assert sorted(got, key=lambda e: e[1]) == sorted(want, key=lambda e: e[1])
    active, since = active0.copy(), since0.copy()
    active[runs.objects] = tr.active[runs.ends]
    since[runs.objects] = np.where(below[runs.ends], start[runs.ends], NO_TIME)
    assert active.tolist() == want_active.tolist()
    assert since.tolist() == want_since.tolist()


def test_runs_drop_late_and_repeated_readings():
    obj = np.array([1, 0, 1, 1, 0])
    t = np.array([20, 10, 20, 5, 30])
    runs = Runs.of(obj, t, np.array([0, 10]))
    # object 0: 10 (kept), 30; object 1: 5 is not newer than 10, the second 20 repeats the first
    assert runs.obj.tolist() == [0, 0, 1] and runs.t.tolist() == [10, 30, 20]
    assert runs.order.tolist() == [1, 4, 0]
    assert runs.first.tolist() == [True, False, True] and runs.ends.tolist() == [1, 2]
    assert len(Runs.of(np.array([], dtype=int), np.array([], dtype=int), np.array([0]))) == 0


def test_forces_follow_gbt_28591():
    speeds = np.array([0.0, 7.99, 8.0, 10.7, 10.8, 17.1, 17.2, 20.7, 20.8, 32.7, 60.0, np.nan])
    assert forces(speeds, BOUNDS).tolist() == [0, 4, 5, 5, 6, 7, 8, 8, 9, 12, 17, -1]


def test_neighbours_and_inverse_distance_weights():
    sx, sy = np.array([0.0, 1000.0, 5000.0, 90_000.0]), np.zeros(4)
    nb = neighbours(np.array([0.0, 400.0]), np.array([0.0, 0.0]), sx, sy, 3, 2.0, 20_000.0, 100.0)
    assert nb.index.tolist() == [[0, 1, 2], [0, 1, 2]]
    assert nb.distance[1].tolist() == [400.0, 600.0, 4600.0]
    values = np.array([10.0, 20.0, np.nan, 99.0])  # the third station has no reading yet: left out
    got = idw(values, nb)
    w = 1 / np.array([400.0, 600.0]) ** 2
    assert got[1] == pytest.approx((w * [10, 20]).sum() / w.sum())
    # a tree at a station: its distance counts as the 100 m floor, so that station dominates (100 : 1)
    assert got[0] == pytest.approx((10 / 100.0 ** 2 + 20 / 1000.0 ** 2) / (1 / 100.0 ** 2 + 1 / 1000.0 ** 2))
    far = neighbours(np.array([200_000.0]), np.array([0.0]), sx, sy, 3, 2.0, 20_000.0, 100.0)
    assert far.index.tolist() == [[-1, -1, -1]] and np.isnan(idw(values, far)[0])
    nearest = neighbours(np.array([4000.0]), np.array([0.0]), sx, sy, 3, 2.0, 20_000.0, 100.0, nearest_only=True)
    assert nearest.index.tolist() == [[2]] and idw(values, nearest).tolist() == [pytest.approx(np.nan, nan_ok=True)]


def test_times_round_trip():
    parser = TimeParser()
    text = "2021-07-25T01:30:00.250Z"
    assert ms_text(parser.one(text)) == text
    assert parser.many([text, "2021-07-25T01:30:00.000Z"]).tolist() == [parser.one(text), parser.one(text) - 250]


def test_the_collector_is_paused_only_while_evaluating():
    import gc

    from console.core.rules import RulesEngine
    from console.core.rules.kernels import gc_paused

    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        with gc_paused():
            assert not gc.isenabled()
            raise RuntimeError
    assert gc.isenabled()
    RulesEngine().evaluate([])
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()
