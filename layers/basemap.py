"""The offline vector basemap: land outline, districts, water and roads, in EPSG:3857 metres."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class BasemapTheme:
    """One basemap theme: a list of rings or lines, drawn as polygons or as lines."""

    key: str  # 'outline', 'districts', 'rivers', 'shoreline', 'roads'
    title: str  # English; translated on the Qt side (context "layers")
    geometry: str  # 'polygon' or 'line'
    parts: list[np.ndarray] = field(default_factory=list)  # each an (n, 2) array
    labels: list[tuple[str, float, float, float]] = field(default_factory=list)  # text, anchor x, y, width
    names: list[str] = field(default_factory=list)  # per part, its feature's name (for zooming to it)


@dataclass
class Basemap:
    themes: list[BasemapTheme]  # in drawing order, bottom first
    attribution: str

    def theme(self, key: str) -> BasemapTheme:
        return next(t for t in self.themes if t.key == key)

    def extent(self) -> tuple[float, float, float, float]:
        """(xmin, ymin, xmax, ymax) of the land outline, or of everything when there is none."""
        themes = [t for t in self.themes if t.key == "outline" and t.parts] or self.themes
        points = np.concatenate([p for t in themes for p in t.parts])
        return (*points.min(axis=0), *points.max(axis=0))

    def bounds_of(self, theme_key: str, name: str) -> tuple[float, float, float, float] | None:
        """The bounding box of every part of `theme_key` named `name` (a district, say)."""
        theme = self.theme(theme_key)
        parts = [p for p, n in zip(theme.parts, theme.names) if n == name]
        if not parts:
            return None
        points = np.concatenate(parts)
        return (*points.min(axis=0), *points.max(axis=0))
