"""Vectorised building blocks of the rules (numpy only).

Readings are processed per object in event-time order, but without a Python loop over readings: `Runs` sorts a
batch by (object, time) and marks each object's run of readings; `run_start` and `hysteresis` then give, for
every reading at once, what a sequential per-object state machine would have given (see their docstrings).
"""
from __future__ import annotations

import gc
import math
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import repeat
from typing import Iterator

import numpy as np

from ..timefmt import utc_millis

NO_TIME = np.iinfo(np.int64).min  # "not set" in int64 millisecond arrays
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON_EQUATOR = 111_320.0


class TimeParser:
    """Stored UTC text ('2021-07-25T01:00:00.000Z', timefmt) -> int64 milliseconds since 1970: many at once by
    numpy, or one by one, cached (other forms of ISO time)."""

    def __init__(self, keep: int = 65536) -> None:
        self._cache: dict[str, int] = {}
        self._keep = keep

    def one(self, text: str) -> int:
        value = self._cache.get(text)
        if value is None:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=timezone.utc)
            delta = moment - _EPOCH
            value = (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000
            if len(self._cache) >= self._keep:
                self._cache.clear()
            self._cache[text] = value
        return value

    def many(self, texts: list[str]) -> np.ndarray:
        if all(map(str.endswith, texts, repeat("Z"))):  # UTC text: numpy's own ISO reader is 5 times faster
            try:
                times = utc_millis(texts)
                if not (times == NO_TIME).any():  # '' read as NaT
                    return times
            except ValueError:
                pass
        return np.fromiter(map(self.one, texts), dtype=np.int64, count=len(texts))


def forces(speed: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Wind force (0-17) of speeds in m/s given the lower bounds of forces 1, 2, ...; NaN -> -1 (no reading)."""
    speed = np.asarray(speed, dtype=float)
    out = np.searchsorted(bounds, np.nan_to_num(speed, nan=-1.0), side="right").astype(np.int16)
    out[np.isnan(speed)] = -1
    return out


def local_metres(lon: np.ndarray, lat: np.ndarray, lat0: float) -> tuple[np.ndarray, np.ndarray]:
    """Equirectangular east/north metres (good to well under 1 % across Shanghai)."""
    scale = M_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat0))
    return np.asarray(lon, dtype=float) * scale, np.asarray(lat, dtype=float) * M_PER_DEG_LAT


@dataclass
class Neighbours:
    """Per object, its k nearest stations in reach: station index (-1: none), weight (0: none), distance (m)."""

    index: np.ndarray  # (n, k) int32
    weight: np.ndarray  # (n, k) float64
    distance: np.ndarray  # (n, k) float64

    @classmethod
    def empty(cls, k: int) -> Neighbours:
        return cls(np.full((0, k), -1, np.int32), np.zeros((0, k)), np.zeros((0, k)))


def neighbours(x: np.ndarray, y: np.ndarray, sx: np.ndarray, sy: np.ndarray, k: int, power: float,
               max_distance_m: float, min_distance_m: float, nearest_only: bool = False,
               chunk: int = 8192) -> Neighbours:
    """The k nearest stations (sx, sy) of every object (x, y) within max_distance_m, with inverse-distance weights
    1 / max(d, min_distance_m)^power, nearest first. With nearest_only, k = 1 and the weight is 1."""
    k = 1 if nearest_only else k
    n, s = len(x), len(sx)
    index = np.full((n, k), -1, np.int32)
    weight = np.zeros((n, k))
    distance = np.full((n, k), np.inf)
    if n == 0 or s == 0:
        return Neighbours(index, weight, distance)
    kk = min(k, s)
    for lo in range(0, n, chunk):
        hi = min(lo + chunk, n)
        d = np.hypot(x[lo:hi, None] - sx[None, :], y[lo:hi, None] - sy[None, :])
        if kk < s:
            part = np.argpartition(d, kk - 1, axis=1)[:, :kk]
        else:
            part = np.broadcast_to(np.arange(s), (hi - lo, s)).copy()
        dist = np.take_along_axis(d, part, axis=1)
        order = np.lexsort((part, dist), axis=1)  # nearest first, ties by station index: deterministic
        part, dist = np.take_along_axis(part, order, axis=1), np.take_along_axis(dist, order, axis=1)
        ok = dist <= max_distance_m
        index[lo:hi, :kk] = np.where(ok, part, -1)
        distance[lo:hi, :kk] = dist
        if nearest_only:
            weight[lo:hi, :kk] = ok
        else:
            weight[lo:hi, :kk] = np.where(ok, 1.0 / np.maximum(dist, min_distance_m) ** power, 0.0)
    return Neighbours(index, weight, distance)


def idw(values: np.ndarray, nb: Neighbours, rows: np.ndarray | None = None) -> np.ndarray:
    """Per object, the weighted mean of its neighbour stations' values, leaving out stations without a value
    (NaN); NaN where none is left."""
    index, weight = (nb.index, nb.weight) if rows is None else (nb.index[rows], nb.weight[rows])
    if index.shape[0] == 0 or len(values) == 0:
        return np.full(index.shape[0], np.nan)
    v = values[np.maximum(index, 0)]
    w = np.where(np.isnan(v) | (index < 0), 0.0, weight)
    total = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (w * np.nan_to_num(v)).sum(axis=1) / total, np.nan)


@dataclass
class Runs:
    """The readings of a batch that count, sorted by (object, time): one run of readings per object.

    A reading counts when it is newer than the object's last reading before the batch and than the previous one
    of the batch: late and repeated readings (the same batch given twice) change nothing."""

    order: np.ndarray  # positions in the input arrays of the kept readings, in (object, time) order
    obj: np.ndarray  # object index per kept reading
    t: np.ndarray  # event time (ms) per kept reading
    first: np.ndarray  # bool: first kept reading of its object
    start: np.ndarray  # position (in the kept readings) of its object's first kept reading
    objects: np.ndarray  # the objects, one per run
    ends: np.ndarray  # position of each run's last reading

    def __len__(self) -> int:
        return len(self.obj)

    @classmethod
    def of(cls, obj: np.ndarray, t: np.ndarray, last_t: np.ndarray) -> Runs:
        obj = np.asarray(obj, dtype=np.int64)
        t = np.asarray(t, dtype=np.int64)
        order = np.lexsort((t, obj))  # stable: equal times keep batch order
        o, tt = obj[order], t[order]
        new_object = np.ones(len(o), dtype=bool)
        new_object[1:] = o[1:] != o[:-1]
        repeat = np.zeros(len(o), dtype=bool)
        repeat[1:] = tt[1:] == tt[:-1]
        keep = (tt > last_t[o]) & (new_object | ~repeat)
        order, o, tt = order[keep], o[keep], tt[keep]
        n = len(o)
        first = np.ones(n, dtype=bool)
        first[1:] = o[1:] != o[:-1]
        starts = np.flatnonzero(first)
        start = np.repeat(starts, np.diff(np.append(starts, n)))
        ends = np.append(starts[1:] - 1, n - 1) if n else starts
        return cls(order, o, tt, first, start, o[starts], ends)


def run_start(runs: Runs, below: np.ndarray, since: np.ndarray) -> np.ndarray:
    """Per reading, when the current unbroken run of `below` readings of its object began (ms): continued from
    `since` (per object, NO_TIME when its last reading before the batch was not below). Meaningful where below."""
    n = len(runs)
    if n == 0:
        return np.empty(0, dtype=np.int64)
    i = np.arange(n)
    last_not_below = np.maximum.accumulate(np.where(below, -1, i))
    in_batch = last_not_below >= runs.start
    from_batch = runs.t[np.minimum(last_not_below + 1, n - 1)]
    prior = since[runs.obj]
    before = np.where(prior != NO_TIME, prior, runs.t[runs.start])
    return np.where(in_batch, from_batch, before)


@dataclass
class Transitions:
    active: np.ndarray  # per reading: the alert is active after it
    raised: np.ndarray  # per reading: it raised the alert
    cleared: np.ndarray  # per reading: it cleared the alert


def hysteresis(runs: Runs, raise_when: np.ndarray, clear_when: np.ndarray, active0: np.ndarray) -> Transitions:
    """A two-state alert (inactive/active) per object, stepped through its readings in time order:
    a reading where `raise_when` holds makes it active, one where `clear_when` holds makes it inactive (clear
    wins if both hold), any other reading leaves it as it was; `active0` is the state per object before the batch.

    Closed form: after reading i the alert is active iff the latest raising reading of its run (or the run's
    start, if it was active before) comes after the latest clearing one. Positions 2i+1 stand for readings and
    2*start for "active before the batch", so a maximum accumulated over the whole batch finds them; anything
    before the run's start belongs to another object and is ignored."""
    n = len(runs)
    if n == 0:
        empty = np.zeros(0, dtype=bool)
        return Transitions(empty, empty, empty)
    raise_when = raise_when & ~clear_when
    i = np.arange(n, dtype=np.int64)
    before = active0[runs.obj] & runs.first
    last_raise = np.maximum.accumulate(np.where(raise_when, 2 * i + 1, np.where(before, 2 * i, -1)))
    last_clear = np.maximum.accumulate(np.where(clear_when, 2 * i + 1, -1))
    lo = 2 * runs.start
    active = (last_raise >= lo) & ((last_clear < lo) | (last_raise > last_clear))
    previous = np.empty(n, dtype=bool)
    previous[1:] = active[:-1]
    previous[runs.first] = active0[runs.obj[runs.first]]
    return Transitions(active, raise_when & ~previous, clear_when & previous)


def first_per_group(groups: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Indices of the element with the largest key in each group (ties: the earliest), for groups given as ints."""
    if len(groups) == 0:
        return np.empty(0, dtype=np.int64)
    order = np.lexsort((np.arange(len(groups)), -key, groups))
    g = groups[order]
    head = np.ones(len(g), dtype=bool)
    head[1:] = g[1:] != g[:-1]
    return order[head]


def grow(array: np.ndarray, count: int, fill) -> np.ndarray:
    """The array with `count` more entries (along the first axis) set to `fill`."""
    if count <= 0:
        return array
    extra = np.full((count,) + array.shape[1:], fill, dtype=array.dtype)
    return np.concatenate([array, extra])


def ms_text(ms: int) -> str:
    """int64 milliseconds since 1970 -> stored UTC text (timefmt's fixed width)."""
    seconds, millis = divmod(int(ms), 1000)
    moment = datetime.fromtimestamp(seconds, timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{millis:03d}Z"


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a batch is evaluated (restored after, even on error). A batch can
    create tens of thousands of small acyclic objects (alert payloads, their readings); every 700 allocations would
    trigger a collection, and the oldest generation's would scan the whole heap, finding nothing: up to half the
    time of a large batch. Reference counting frees everything as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
