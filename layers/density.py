"""A density pyramid: what a dense point layer looks like from afar, as count grids at several scales.

For every grid cell it keeps how many points fall in it and the most severe style class among them (the
lowest class index: legends list the most severe class first), so that a zoomed-out map still shows where
the very-high-risk trees are. Pure numpy: the canvas turns a window of one level into an image.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class DensityLevel:
    cell: float  # cell size in metres
    counts: np.ndarray  # (n, n) uint32, row = y index upwards, column = x index
    worst: np.ndarray  # (n, n) int16: lowest style code in the cell, `n_classes` where empty or unclassed


class DensityPyramid:
    def __init__(self, x: np.ndarray, y: np.ndarray, codes: np.ndarray, n_classes: int,
                 finest: int = 2048, coarsest: int = 32) -> None:
        self.n_classes = n_classes
        span = max(float(np.ptp(x)), float(np.ptp(y)), 1.0) * 1.0001  # square grid over the layer extent
        self.x0, self.y0 = float(x.min()), float(y.min())
        cell = span / finest
        ix = np.minimum(((x - self.x0) / cell).astype(np.intp), finest - 1)
        iy = np.minimum(((y - self.y0) / cell).astype(np.intp), finest - 1)
        flat = iy * finest + ix
        counts = np.bincount(flat, minlength=finest * finest).astype(np.uint32).reshape(finest, finest)
        worst = np.full(finest * finest, n_classes, dtype=np.int16)
        codes = np.where(codes < 0, n_classes, codes)
        for code in range(n_classes - 1, -1, -1):  # lower codes overwrite: the most severe wins
            present = np.bincount(flat[codes == code], minlength=finest * finest) > 0
            worst[present] = code
        self.levels = [DensityLevel(cell, counts, worst.reshape(finest, finest))]
        while self.levels[-1].counts.shape[0] > coarsest:
            self.levels.append(self._halve(self.levels[-1]))

    @staticmethod
    def _halve(level: DensityLevel) -> DensityLevel:
        n = level.counts.shape[0] // 2
        counts = level.counts.reshape(n, 2, n, 2).sum(axis=(1, 3), dtype=np.uint32)
        worst = level.worst.reshape(n, 2, n, 2).min(axis=(1, 3))
        return DensityLevel(level.cell * 2, counts, worst)

    def level_for(self, metres_per_pixel: float) -> int | None:
        """The finest level whose cells are at least a device pixel; None when even the finest cell
        covers more than three pixels (zoomed in: draw the points themselves)."""
        if self.levels[0].cell > 3 * metres_per_pixel:
            return None
        for index, level in enumerate(self.levels):
            if level.cell >= metres_per_pixel:
                return index
        return len(self.levels) - 1

    def window(self, index: int, xmin: float, ymin: float, xmax: float, ymax: float):
        """The cell index range (c0, r0, c1, r1) of level `index` covering the box, clipped to the grid."""
        level = self.levels[index]
        n = level.counts.shape[0]
        c0, c1 = (int(np.clip(np.floor((v - self.x0) / level.cell), 0, n)) for v in (xmin, xmax))
        r0, r1 = (int(np.clip(np.floor((v - self.y0) / level.cell), 0, n)) for v in (ymin, ymax))
        return c0, r0, min(c1 + 1, n), min(r1 + 1, n)

    def count_in(self, xmin: float, ymin: float, xmax: float, ymax: float) -> int:
        """An upper estimate of the points in the box, from the coarsest level (cheap)."""
        index = len(self.levels) - 1
        c0, r0, c1, r1 = self.window(index, xmin, ymin, xmax, ymax)
        return int(self.levels[index].counts[r0:r1, c0:c1].sum())

    def cell_origin(self, index: int, column: int, row: int) -> tuple[float, float]:
        cell = self.levels[index].cell
        return self.x0 + column * cell, self.y0 + row * cell
