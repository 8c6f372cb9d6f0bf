"""Plain-Python layer models: features as numpy arrays plus attributes, with psygnal events.

A layer is a mirror of one projection table, kept in memory for drawing and picking. It never reads files
or the database itself: console.core fills it from projection rows (already in Web Mercator metres) and
tells it what changed, once per ingested batch.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import numpy as np
import shapely
from psygnal import Signal, SignalGroup

from .i18n import QT_TRANSLATE_NOOP


@dataclass(frozen=True)
class FieldSpec:
    """One attribute of a layer's objects: how it is stored, validated and labelled.

    `label` is English source text; the Qt side translates it (context "fields").
    """

    name: str
    type: type  # str, int or float
    label: str
    required: bool = False
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    default: Any = None  # what a missing value becomes (before the required check)

    def coerce(self, value: Any) -> Any:
        """The value in this field's type, or ValueError saying why it is not acceptable."""
        if value is None or value == "":
            value = self.default
        if value is None:
            if self.required:
                raise ValueError(f"'{self.name}' is required")
            return None
        if self.type is str:
            value = str(value).strip()
            if self.choices and value not in self.choices:
                raise ValueError(f"'{self.name}' is {value!r}, expected one of {', '.join(self.choices)}")
            return value
        try:
            number = self.type(float(value)) if self.type is int else float(value)
        except (TypeError, ValueError):
            raise ValueError(f"'{self.name}' is {value!r}, not a number") from None
        if self.type is int and float(value) != number:
            raise ValueError(f"'{self.name}' is {value!r}, not a whole number")
        if number != number:  # NaN
            raise ValueError(f"'{self.name}' is NaN")
        if self.minimum is not None and number < self.minimum:
            raise ValueError(f"'{self.name}' is {number}, below the minimum {self.minimum}")
        if self.maximum is not None and number > self.maximum:
            raise ValueError(f"'{self.name}' is {number}, above the maximum {self.maximum}")
        return number


@dataclass(frozen=True)
class StyleClass:
    """A legend entry: objects whose style field equals `value` are drawn in `color`."""

    value: Any
    label: str  # English source text, translated on the Qt side (context "legend")
    color: str  # '#rrggbb'


# The legend class of sensors whose last reading is older than expected. Layers with the fields
# 'last_reading' and 'expected_interval_s' end their style classes with it; staleness depends on the clock,
# not on an attribute, so update_staleness() sets it.
STALE = StyleClass("__stale__", QT_TRANSLATE_NOOP("legend", "Stale: no recent reading"), "#6c7a89")


class LayerEvents(SignalGroup):
    reset = Signal()  # every feature may have changed (a new set was loaded)
    changed = Signal(object)  # np.ndarray of row indices whose attributes or positions changed


class PointLayer:
    """Features located by one point each (x, y in EPSG:3857 metres) with typed attributes."""

    kind: str = ""  # projection table and event prefix, e.g. "trees"
    title: str = ""  # English; translated on the Qt side (context "layers")
    fields: tuple[FieldSpec, ...] = ()
    style_field: str = ""
    style_classes: tuple[StyleClass, ...] = ()
    search_fields: tuple[str, ...] = ("name",)
    label_fields: tuple[str, ...] = ("name",)  # what names an object for people
    live_fields: tuple[str, ...] = ()  # fields the feeds keep current; registering again leaves them alone
    # Display text of coded values, per field (English source text; Qt context "values").
    value_labels: dict[str, dict[str, str]] = {}

    def __init__(self) -> None:
        self.events = LayerEvents()
        self.ids = np.empty(0, dtype=object)
        self.x = np.empty(0)
        self.y = np.empty(0)
        self.attrs: dict[str, np.ndarray] = {f.name: self._empty(f) for f in self.fields}
        self._row_of: dict[str, int] = {}
        self._style_codes = np.empty(0, dtype=np.int16)
        self.stale = np.zeros(0, dtype=bool)
        self._index: tuple[np.ndarray, np.ndarray] | None = None  # x order and sorted x, built on demand

    # --- reading -------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.ids)

    def row_of(self, object_id: str) -> int | None:
        return self._row_of.get(object_id)

    def feature(self, row: int) -> dict[str, Any]:
        """All attributes of one object, in field order, with its id first."""
        out: dict[str, Any] = {"id": self.ids[row]}
        for spec in self.fields:
            value = self.attrs[spec.name][row]
            if spec.type is not str and value == value:  # keep NaN out of the panel
                value = int(value) if spec.type is int else float(value)
            elif spec.type is not str:
                value = None
            out[spec.name] = value
        return out

    def display_name(self, row: int) -> str:
        return " ".join(str(v) for v in (self.attrs[f][row] for f in self.label_fields) if v) or str(self.ids[row])

    def style_codes(self) -> np.ndarray:
        """Per object, the index of its legend class (or -1): what the canvas colours by."""
        return self._style_codes

    def class_counts(self) -> np.ndarray:
        codes = self._style_codes
        return np.bincount(codes[codes >= 0], minlength=len(self.style_classes))

    def in_box(self, xmin: float, ymin: float, xmax: float, ymax: float) -> np.ndarray:
        """Rows whose point lies in the box (uses an x-sorted index, so a small box is cheap)."""
        order, xs = self._x_index()
        lo, hi = np.searchsorted(xs, xmin, side="left"), np.searchsorted(xs, xmax, side="right")
        rows = order[lo:hi]
        y = self.y[rows]
        return rows[(y >= ymin) & (y <= ymax)]

    def nearest(self, x: float, y: float, radius: float) -> tuple[int, float] | None:
        """The row nearest to (x, y) within `radius` metres and its distance, or None."""
        rows = self.in_box(x - radius, y - radius, x + radius, y + radius)
        if not len(rows):
            return None
        distance = np.hypot(self.x[rows] - x, self.y[rows] - y)
        best = int(np.argmin(distance))
        return (int(rows[best]), float(distance[best])) if distance[best] <= radius else None

    def search(self, text: str, limit: int = 50) -> list[int]:
        """Rows whose id or a search field contains `text` (case-insensitive), exact id first."""
        needle = text.strip().lower()
        if not needle:
            return []
        exact = self._row_of.get(text.strip())
        hits = [] if exact is None else [exact]
        for name in ("id",) + self.search_fields:
            column = self.ids if name == "id" else self.attrs[name]
            for row in np.flatnonzero([needle in str(v).lower() for v in column]):
                if row not in hits:
                    hits.append(int(row))
                if len(hits) >= limit:
                    return hits
        return hits

    def _x_index(self) -> tuple[np.ndarray, np.ndarray]:
        if self._index is None:
            order = np.argsort(self.x, kind="stable")
            self._index = (order, self.x[order])
        return self._index

    # --- writing (called by the session) -------------------------------------------------------
    def replace(self, rows: Sequence[dict[str, Any]]) -> None:
        """Load a whole new set of features (rows carry 'id', 'x', 'y' and the fields)."""
        self.ids = np.array([r["id"] for r in rows], dtype=object)
        self.x = np.array([r["x"] for r in rows], dtype=float)
        self.y = np.array([r["y"] for r in rows], dtype=float)
        self.attrs = {f.name: self._column(f, (r.get(f.name) for r in rows), len(rows)) for f in self.fields}
        self._row_of = {object_id: i for i, object_id in enumerate(self.ids)}
        self._index = None
        self._replace_extra(rows)
        self.stale = np.zeros(len(rows), dtype=bool)
        self._style_codes = self._compute_style_codes(np.arange(len(rows)))
        self.events.reset.emit()

    def upsert(self, rows: Sequence[dict[str, Any]], live: Sequence[dict[str, Any]] = ()) -> np.ndarray:
        """Update existing features and append new ones (`rows` carry x, y and every field); set only the live
        fields of `live`, existing features whose readings changed (their place and other fields stay). Emits
        `changed` once with their rows."""
        placed = self._place(rows) if rows else np.empty(0, dtype=np.intp)
        if live:
            at = self._rows_of(live)
            self._set_fields(at, live, self._live_specs())
            placed = np.concatenate([placed, at])
        if len(placed):
            self._style_codes[placed] = self._compute_style_codes(placed)
            self.events.changed.emit(placed)
        return placed

    def _place(self, rows: Sequence[dict[str, Any]]) -> np.ndarray:
        new_rows = [r for r in rows if r["id"] not in self._row_of]
        if new_rows:
            self._append(new_rows)
        indices = self._rows_of(rows)
        new_x, new_y = np.array([r["x"] for r in rows]), np.array([r["y"] for r in rows])
        if new_rows or not (np.array_equal(self.x[indices], new_x) and np.array_equal(self.y[indices], new_y)):
            self._index = None  # something moved or arrived: the spatial index is stale
        self.x[indices], self.y[indices] = new_x, new_y
        self._set_fields(indices, rows, self.fields)
        self._update_extra(indices, rows)
        return indices

    def _rows_of(self, rows: Sequence[dict[str, Any]]) -> np.ndarray:
        return np.fromiter((self._row_of[r["id"]] for r in rows), dtype=np.intp, count=len(rows))

    def _set_fields(self, indices: np.ndarray, rows: Sequence[dict[str, Any]], specs: Iterable[FieldSpec]) -> None:
        for spec in specs:
            values = [r.get(spec.name) for r in rows]
            self.attrs[spec.name][indices] = [np.nan if (v is None and spec.type is not str) else v for v in values]

    @classmethod
    def _live_specs(cls) -> tuple[FieldSpec, ...]:
        return tuple(spec for spec in cls.fields if spec.name in cls.live_fields)

    # --- helpers -------------------------------------------------------------------------------
    def _append(self, rows: Sequence[dict[str, Any]]) -> None:
        start = len(self.ids)
        count = len(rows)
        self.ids = np.concatenate([self.ids, np.array([r["id"] for r in rows], dtype=object)])
        self.x = np.concatenate([self.x, np.zeros(count)])
        self.y = np.concatenate([self.y, np.zeros(count)])
        for spec in self.fields:
            self.attrs[spec.name] = np.concatenate([self.attrs[spec.name], self._empty(spec, count)])
        self._style_codes = np.concatenate([self._style_codes, np.full(count, -1, dtype=np.int16)])
        self.stale = np.concatenate([self.stale, np.zeros(count, dtype=bool)])
        self._append_extra(count)
        for offset, row in enumerate(rows):
            self._row_of[row["id"]] = start + offset

    def _compute_style_codes(self, indices: np.ndarray) -> np.ndarray:
        codes = np.full(len(indices), -1, dtype=np.int16)
        if not self.style_field:
            codes[:] = 0
            return codes
        values = self.attrs[self.style_field][indices]
        for code, style in enumerate(self.style_classes):
            codes[values == style.value] = code
        if self.style_classes and self.style_classes[-1] is STALE:
            codes[self.stale[indices]] = len(self.style_classes) - 1
        return codes

    @property
    def tracks_freshness(self) -> bool:
        return "last_reading" in self.attrs and "expected_interval_s" in self.attrs

    def update_staleness(self, now: np.datetime64, factor: float, allowance_s: float = 0.0) -> np.ndarray:
        """Mark sensors whose last reading is older than `factor` times their expected interval (plus an
        allowance for delivery) as stale; emits `changed` with the rows whose staleness flipped, and
        returns them."""
        if not self.tracks_freshness or not len(self):
            return np.empty(0, dtype=np.intp)
        last = np.array([v[:-1] if v else "NaT" for v in self.attrs["last_reading"]], dtype="datetime64[ms]")
        age_s = (now - last) / np.timedelta64(1, "s")
        stale = ~np.isnan(age_s) & (age_s > factor * self.attrs["expected_interval_s"] + allowance_s)
        flipped = np.flatnonzero(stale != self.stale)
        if len(flipped):
            self.stale = stale
            self._style_codes[flipped] = self._compute_style_codes(flipped)
            self.events.changed.emit(flipped)
        return flipped

    @staticmethod
    def _empty(spec: FieldSpec, count: int = 0) -> np.ndarray:
        if spec.type is str:
            return np.full(count, None, dtype=object)
        return np.full(count, np.nan)

    @classmethod
    def _column(cls, spec: FieldSpec, values: Iterable[Any], count: int) -> np.ndarray:
        if spec.type is str:
            return np.array(list(values), dtype=object).reshape(count)
        return np.array([np.nan if v is None else v for v in values], dtype=float).reshape(count)

    # Hooks for layers that keep more than a point per object (polygons).
    def _replace_extra(self, rows: Sequence[dict[str, Any]]) -> None:
        pass

    def _append_extra(self, count: int) -> None:
        pass

    def _update_extra(self, indices: np.ndarray, rows: Sequence[dict[str, Any]]) -> None:
        pass


class PolygonLayer(PointLayer):
    """Features with a footprint polygon; x, y hold a representative point for picking and density."""

    def __init__(self) -> None:
        super().__init__()
        self.footprints: list[np.ndarray] = []  # per object, an (n, 2) ring in EPSG:3857 metres

    def containing(self, x: float, y: float, radius: float = 0.0) -> int | None:
        """The row whose footprint contains (x, y) (the smallest if several), else the nearest point."""
        rows = self.in_box(x - 2000, y - 2000, x + 2000, y + 2000)  # footprints are far smaller than 2 km
        hits = [int(r) for r in rows if len(self.footprints[r]) >= 3 and
                shapely.contains_xy(shapely.Polygon(self.footprints[r]), x, y)]
        if hits:
            return min(hits, key=lambda r: shapely.Polygon(self.footprints[r]).area)
        found = self.nearest(x, y, radius)
        return None if found is None else found[0]

    def _replace_extra(self, rows: Sequence[dict[str, Any]]) -> None:
        self.footprints = [np.asarray(r["footprint_xy"], dtype=float) for r in rows]

    def _append_extra(self, count: int) -> None:
        self.footprints.extend(np.empty((0, 2)) for _ in range(count))

    def _update_extra(self, indices: np.ndarray, rows: Sequence[dict[str, Any]]) -> None:
        for index, row in zip(indices, rows):
            if "footprint_xy" in row:
                self.footprints[index] = np.asarray(row["footprint_xy"], dtype=float)

