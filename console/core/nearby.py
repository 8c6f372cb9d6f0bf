"""Nearest points on the ground: which cameras (or trees, or sites) are closest to a place, in metres.

Layers keep positions in Web Mercator (EPSG:3857) metres, which stretch by 1 / cos(latitude): in Shanghai
(31.2°N) a Mercator metre is about 0.855 m on the ground. Ground distances here are the Mercator distance times
the scale at the query point's latitude, cos(lat) = 1 / cosh(y / R). Over a few kilometres the latitude, and so
the scale, hardly changes (1 km of northing moves it by 1e-4), so this is within 0.1 m per km of the
geodesic distance and, since one scale serves every point of a query, the order by ground distance is the
order by Mercator distance.

The index is a uniform grid over the points, stored like a compressed sparse row matrix: points sorted by
cell, and where each cell starts. A query reads one contiguous slice per grid row it touches and measures only
those points, so it costs about the same on 30,000 points as on 300. Answers are exact: the same rows and
distances as measuring every point, ties broken by row.
"""
from __future__ import annotations

import math
import weakref

import numpy as np

EARTH_RADIUS = 6378137.0  # the sphere of EPSG:3857
POINTS_PER_CELL = 2.0  # average over the grid's extent; clustered places hold more per cell, which is fine
MAX_CELLS = 1 << 22  # bounds the cell table (32 MB) however scattered the points are


def ground_scale(y: float) -> float:
    """Ground metres per Web Mercator metre at northing y: cos(latitude) = 1 / cosh(y / R)."""
    return 1.0 / math.cosh(y / EARTH_RADIUS)


class PointIndex:
    """A grid index over points given in EPSG:3857 metres; queries answer in ground metres."""

    def __init__(self, x: np.ndarray, y: np.ndarray) -> None:
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        if x.shape != y.shape or x.ndim != 1:
            raise ValueError(f"x and y must be 1-d arrays of one length, got {x.shape} and {y.shape}")
        self.x, self.y = x.copy(), y.copy()  # what the index was built from (index_for compares against it)
        rows = np.flatnonzero(np.isfinite(x) & np.isfinite(y))  # a point without a position is never near
        self._count = len(rows)
        if not len(rows):
            self._cell, self._x0, self._y0, self._nx, self._ny = 1.0, 0.0, 0.0, 1, 1
            self._starts = np.zeros(2, dtype=np.intp)
            self._rows, self._xs, self._ys = rows, np.empty(0), np.empty(0)
            return
        px, py = x[rows], y[rows]
        self._x0, self._y0 = float(px.min()), float(py.min())
        width, height = float(px.max()) - self._x0, float(py.max()) - self._y0
        cells = min(max(len(rows) / POINTS_PER_CELL, 1.0), MAX_CELLS)
        # Square cells sized so the extent holds about `cells` of them (at least 1 m, so that points all in
        # one place or on one line do not make a degenerate grid).
        self._cell = max(math.sqrt(max(width, 1.0) * max(height, 1.0) / cells), 1.0)
        self._nx = int(width // self._cell) + 1
        self._ny = int(height // self._cell) + 1
        ix = ((px - self._x0) // self._cell).astype(np.intp)
        iy = ((py - self._y0) // self._cell).astype(np.intp)
        key = iy * self._nx + ix
        order = np.argsort(key, kind="stable")  # stable: within a cell, rows stay in ascending order
        self._rows, self._xs, self._ys = rows[order], px[order], py[order]
        # _starts[c] is where cell c begins in the sorted arrays; cell c ends where c + 1 begins.
        self._starts = np.zeros(self._nx * self._ny + 1, dtype=np.intp)
        np.cumsum(np.bincount(key, minlength=self._nx * self._ny), out=self._starts[1:])

    def __len__(self) -> int:
        return self._count

    def nearest(self, x: float, y: float, k: int, radius_m: float) -> list[tuple[int, float]]:
        """Up to k (row, ground distance in metres), nearest first, only those within radius_m."""
        if k <= 0 or not radius_m >= 0 or not self._count or not (math.isfinite(x) and math.isfinite(y)):
            return []
        scale = ground_scale(float(y))
        # The radius in Mercator metres, no farther than the grid's far corner (where every point is covered).
        limit = min(radius_m / scale, self._farthest(x, y))
        # Look in a small neighbourhood first and widen it until it holds k points within its own reach:
        # every point outside the neighbourhood is farther than that, so those k are the nearest.
        reach = min(limit, 2.0 * self._cell)
        while True:
            rows, distances = self._measure(x, y, reach, scale)
            if reach >= limit:
                return self._ordered(rows, distances, radius_m, k)
            covered = min(reach * scale, radius_m)  # ground metres within which every point was measured
            if np.count_nonzero(distances <= covered) >= k:
                return self._ordered(rows, distances, covered, k)
            reach = min(limit, 2.0 * reach)

    def within(self, x: float, y: float, radius_m: float) -> list[tuple[int, float]]:
        """Every (row, ground distance in metres) within radius_m, nearest first."""
        if not radius_m >= 0 or not self._count or not (math.isfinite(x) and math.isfinite(y)):
            return []
        scale = ground_scale(float(y))
        rows, distances = self._measure(x, y, min(radius_m / scale, self._farthest(x, y)), scale)
        return self._ordered(rows, distances, radius_m, None)

    # --- helpers -------------------------------------------------------------------------------
    def _farthest(self, x: float, y: float) -> float:
        """A half-width from (x, y) whose square covers the whole grid."""
        x1, y1 = self._x0 + self._nx * self._cell, self._y0 + self._ny * self._cell
        return max(abs(x - self._x0), abs(x1 - x), abs(y - self._y0), abs(y1 - y))

    def _measure(self, x: float, y: float, reach: float, scale: float) -> tuple[np.ndarray, np.ndarray]:
        """Rows in the cells touching the square of half-width `reach` (Mercator m) round (x, y), with their
        ground distances. The square is widened by a hair so rounding can never leave out a point whose
        distance comes out at exactly the radius."""
        reach = reach * (1.0 + 1e-9) + 1e-6
        ix0 = max(int((x - reach - self._x0) // self._cell), 0)
        ix1 = min(int((x + reach - self._x0) // self._cell), self._nx - 1)
        iy0 = max(int((y - reach - self._y0) // self._cell), 0)
        iy1 = min(int((y + reach - self._y0) // self._cell), self._ny - 1)
        if ix0 > ix1 or iy0 > iy1:
            return np.empty(0, dtype=np.intp), np.empty(0)
        if ix0 == 0 and ix1 == self._nx - 1:  # whole grid rows: one slice covers them all
            spans = [(self._starts[iy0 * self._nx], self._starts[(iy1 + 1) * self._nx])]
        else:  # the cells ix0..ix1 of one grid row are adjacent in the sorted arrays
            spans = [(self._starts[iy * self._nx + ix0], self._starts[iy * self._nx + ix1 + 1])
                     for iy in range(iy0, iy1 + 1)]
        if len(spans) == 1:
            (lo, hi), = spans
            rows, xs, ys = self._rows[lo:hi], self._xs[lo:hi], self._ys[lo:hi]
        else:
            rows = np.concatenate([self._rows[lo:hi] for lo, hi in spans])
            xs = np.concatenate([self._xs[lo:hi] for lo, hi in spans])
            ys = np.concatenate([self._ys[lo:hi] for lo, hi in spans])
        return rows, np.hypot(xs - x, ys - y) * scale

    @staticmethod
    def _ordered(rows: np.ndarray, distances: np.ndarray, radius_m: float,
                 k: int | None) -> list[tuple[int, float]]:
        keep = distances <= radius_m
        rows, distances = rows[keep], distances[keep]
        order = np.lexsort((rows, distances))  # by distance, then by row
        if k is not None:
            order = order[:k]
        return [(int(r), float(d)) for r, d in zip(rows[order], distances[order])]


class _Cached:
    """A layer's index and whether the layer has said its rows changed since it was built."""

    def __init__(self, index: PointIndex, source_x: np.ndarray, source_y: np.ndarray) -> None:
        self.index = index
        self.source_x, self.source_y = source_x, source_y  # the layer's arrays, to notice new ones by identity
        self.maybe_moved = False


_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def index_for(layer) -> PointIndex:
    """The index of a point layer's positions (layer.x, layer.y), built once and kept while they stand.

    A layer emits `changed` for every batch, mostly for new readings that move nothing; so a change only marks
    the index for a check, and the check (comparing the positions, some microseconds) decides whether to
    rebuild. New arrays (a reload, appended objects) rebuild at once."""
    cached = _cache.get(layer)
    if cached is None:
        _watch(layer)
    elif (cached.source_x is layer.x and cached.source_y is layer.y
          and (not cached.maybe_moved or (np.array_equal(cached.index.x, layer.x, equal_nan=True)
                                          and np.array_equal(cached.index.y, layer.y, equal_nan=True)))):
        cached.maybe_moved = False
        return cached.index
    cached = _Cached(PointIndex(layer.x, layer.y), layer.x, layer.y)
    _cache[layer] = cached
    return cached.index


def _watch(layer) -> None:
    """Mark the layer's index for a check whenever the layer reports changed or reloaded rows."""
    ref = weakref.ref(layer)  # the handler must not keep the layer alive

    def mark(*_args) -> None:
        layer = ref()
        cached = _cache.get(layer) if layer is not None else None
        if cached is not None:
            cached.maybe_moved = True

    layer.events.changed.connect(mark)
    layer.events.reset.connect(mark)
