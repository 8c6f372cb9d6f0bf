"""Import objects from GeoJSON, CSV or GeoPackage files as `objects.registered` events.

Coordinates are declared per file (WGS84, CGCS2000, GCJ-02, BD-09 or an EPSG code) and converted to WGS84.
A bad record is rejected with the file, its line or feature index and the reason; the good ones still load.
"""
from __future__ import annotations

import csv
import hashlib
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import shapely
from shapely.geometry import shape

from layers import LAYER_BY_KIND
from layers.base import PolygonLayer

from . import events as ev
from .config import Config, load_config
from .crs import to_wgs84
from .events import Event, content_id, make_event
from .timefmt import normalize_time, now_utc_text


@dataclass(frozen=True)
class Rejection:
    file: str
    location: str  # 'line 12' or 'feature 7'
    reason: str

    def __str__(self) -> str:
        return f"{self.file}, {self.location}: {self.reason}"


@dataclass
class LoadReport:
    file: str
    kind: str
    accepted: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    def summary(self) -> str:
        text = f"{self.file}: {self.accepted} {self.kind} loaded, {len(self.rejected)} rejected"
        return "\n".join([text] + [f"  {r}" for r in self.rejected[:20]] +
                         ([f"  … and {len(self.rejected) - 20} more"] if len(self.rejected) > 20 else []))


@dataclass
class _Record:
    location: str
    object_id: Any
    x: float  # in the file's coordinate system
    y: float
    attrs: dict[str, Any]
    footprint: np.ndarray | None = None  # (n, 2) in the file's coordinate system


CHUNK = 5000  # objects per registration event


class LoadError(ValueError):
    """The whole file cannot be read (missing, not JSON, no header, unknown kind)."""


def load_objects(path: str | Path, kind: str, crs: str = "WGS84", event_time: str | None = None,
                 config: Config | None = None) -> tuple[list[Event], LoadReport]:
    """Read a GeoJSON, CSV or GeoPackage file of `kind` objects; return their events and a report."""
    path = Path(path)
    if kind not in LAYER_BY_KIND:
        raise LoadError(f"unknown layer kind {kind!r}; expected one of {', '.join(LAYER_BY_KIND)}")
    config = config or load_config()
    layer = LAYER_BY_KIND[kind]
    report = LoadReport(file=path.name, kind=kind)
    records = []
    for item in _read_records(path, layer, crs):
        if isinstance(item, Rejection):
            report.rejected.append(item)
        else:
            records.append(item)
    objects = _to_objects(records, layer, crs, config, report)
    report.accepted = len(objects)
    # One event per chunk of objects keeps a 50,000-tree import to a few events; the ids derive from the
    # file's content and the declared CRS, so importing the same file twice adds nothing.
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    time = normalize_time(event_time) if event_time else now_utc_text()
    events = [make_event(ev.OBJECTS_REGISTERED, {"kind": kind, "objects": objects[start:start + CHUNK]}, time,
                         source=f"file:{path.name}", id=content_id(ev.OBJECTS_REGISTERED, kind, crs, digest, start))
              for start in range(0, len(objects), CHUNK)]
    return events, report


def _read_records(path: Path, layer, crs: str) -> Iterator[_Record | Rejection]:
    suffix = path.suffix.lower()
    if suffix == ".gpkg":
        return _geometry_records(_gpkg_features(path, crs), path, layer)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadError(f"{path}: cannot read ({exc})") from exc
    if suffix == ".csv":
        return _csv_records(text, path, layer)
    return _geometry_records(_geojson_features(text, path), path, layer)


def _validated_attrs(layer, raw: dict[str, Any]) -> dict[str, Any]:
    return {spec.name: spec.coerce(raw.get(spec.name)) for spec in layer.fields}


def _geojson_features(text: str, path: Path):
    """(location, read) per feature; read() returns its properties and shapely geometry."""
    try:
        data = json.loads(text)
        features = data["features"] if data.get("type") == "FeatureCollection" else None
    except (json.JSONDecodeError, AttributeError, KeyError) as exc:
        raise LoadError(f"{path}: not a GeoJSON FeatureCollection ({exc})") from exc
    if not isinstance(features, list):
        raise LoadError(f"{path}: not a GeoJSON FeatureCollection")
    for index, feature in enumerate(features):
        yield f"feature {index}", lambda f=feature: (f.get("properties") or {}, shape(f["geometry"]))


# GeoPackage names the coordinate system of its geometry; these declared names agree with these srs ids.
_GPKG_SRS_FOR = {"WGS84": {4326}, "EPSG:4326": {4326}, "CGCS2000": {4490}, "EPSG:4490": {4490},
                 "GCJ-02": {0, 4326, 4490}, "GCJ02": {0, 4326, 4490}, "BD-09": {0, 4326, 4490},
                 "BD09": {0, 4326, 4490}}


def _gpkg_features(path: Path, crs: str):
    """(location, read) per row of the GeoPackage's first feature table."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        table, column, srs_id = conn.execute(
            "SELECT table_name, column_name, srs_id FROM gpkg_geometry_columns").fetchone()
        cursor = conn.execute(f'SELECT * FROM "{table}"')
    except (sqlite3.DatabaseError, TypeError) as exc:
        raise LoadError(f"{path}: not a GeoPackage with a feature table ({exc})") from exc
    declared = crs.strip().upper()
    agreeing = _GPKG_SRS_FOR.get(declared, {int(declared[5:])} if declared[5:].isdigit() else set())
    if srs_id > 0 and srs_id not in agreeing:
        raise LoadError(f"{path}: the GeoPackage says its coordinates are EPSG:{srs_id}, but the file was "
                        f"declared {crs}; import it with --crs EPSG:{srs_id}")
    names = [d[0] for d in cursor.description]
    try:
        for index, values in enumerate(cursor, start=1):
            row = dict(zip(names, values))
            yield f"row {index}", lambda row=row: (row, _gpkg_geometry(row.pop(column)))
    finally:
        conn.close()


def _gpkg_geometry(blob: bytes):
    """A GeoPackage geometry blob: 'GP', version, flags, srs id, an optional envelope, then WKB."""
    if not blob or blob[:2] != b"GP":
        raise ValueError("geometry is not a GeoPackage geometry blob")
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}.get((blob[3] >> 1) & 0b111)
    if envelope is None:
        raise ValueError("geometry blob has an invalid envelope code")
    return shapely.from_wkb(bytes(blob[8 + envelope:]))


def _geometry_records(features, path: Path, layer) -> Iterator[_Record | Rejection]:
    polygons = issubclass(layer, PolygonLayer)
    for where, read in features:
        try:
            props, geometry = read()
            footprint = None
            if polygons:
                if geometry.geom_type == "MultiPolygon":
                    geometry = max(geometry.geoms, key=lambda g: g.area)
                if geometry.geom_type != "Polygon":
                    raise ValueError(f"geometry is a {geometry.geom_type}, expected a Polygon")
                footprint = np.asarray(geometry.exterior.coords)
                point = geometry.representative_point()
            elif geometry.geom_type == "Point":
                point = geometry
            else:
                raise ValueError(f"geometry is a {geometry.geom_type}, expected a Point")
            yield _Record(where, props.get("id"), point.x, point.y, _validated_attrs(layer, props), footprint)
        except (ValueError, TypeError, KeyError, AttributeError, shapely.errors.ShapelyError) as exc:
            yield Rejection(path.name, where, _reason(exc))


def _csv_records(text: str, path: Path, layer) -> Iterator[_Record | Rejection]:
    rows = csv.DictReader(text.splitlines())
    names = set(rows.fieldnames or ())
    x_name, y_name = ("lon", "lat") if {"lon", "lat"} <= names else ("x", "y")
    polygons = issubclass(layer, PolygonLayer)
    if not {"id", x_name, y_name} <= names and not (polygons and {"id", "footprint"} <= names):
        raise LoadError(f"{path}: the header must name id and lon, lat (or x, y); it has {sorted(names)}")
    for line, row in enumerate(rows, start=2):
        where = f"line {line}"
        try:
            footprint = None
            if polygons:
                polygon = shapely.from_wkt(row.get("footprint") or "")
                if polygon is None or polygon.geom_type != "Polygon":
                    raise ValueError("'footprint' must be a WKT POLYGON")
                footprint = np.asarray(polygon.exterior.coords)
                point = polygon.representative_point()
                x, y = point.x, point.y
            else:
                x, y = float(row[x_name]), float(row[y_name])
            yield _Record(where, row.get("id"), x, y, _validated_attrs(layer, row), footprint)
        except (ValueError, TypeError, shapely.errors.ShapelyError) as exc:
            yield Rejection(path.name, where, _reason(exc))


def _to_objects(records: list[_Record], layer, crs: str, config: Config, report: LoadReport) -> list[dict]:
    """The valid records as registration entries in WGS84; the others rejected with their reason."""
    if not records:
        return []
    lon, lat = to_wgs84(np.array([r.x for r in records]), np.array([r.y for r in records]), crs)
    inside = config.area.contains(lon, lat) & np.isfinite(lon) & np.isfinite(lat)
    seen: set[str] = set()
    objects = []
    for record, lon_i, lat_i, ok in zip(records, lon, lat, inside):
        object_id = str(record.object_id or "").strip()
        reason = ("missing 'id'" if not object_id else
                  f"duplicate id {object_id!r}" if object_id in seen else
                  None if ok else f"position {lon_i:.5f}, {lat_i:.5f} is outside the city area (declared {crs})")
        if reason:
            report.rejected.append(Rejection(report.file, record.location, reason))
            continue
        seen.add(object_id)
        entry: dict[str, Any] = {"id": object_id, "lon": round(float(lon_i), 7), "lat": round(float(lat_i), 7),
                                 "attrs": record.attrs}
        if record.footprint is not None:
            ring_lon, ring_lat = to_wgs84(record.footprint[:, 0], record.footprint[:, 1], crs)
            entry["footprint"] = np.round(np.column_stack([ring_lon, ring_lat]), 7).tolist()
        objects.append(entry)
    return objects


def _reason(exc: Exception) -> str:
    if isinstance(exc, KeyError):  # str() of a KeyError is just the quoted key
        return f"missing {exc.args[0]!r}"
    return str(exc) or type(exc).__name__
