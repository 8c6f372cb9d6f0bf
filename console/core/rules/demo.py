"""The bundled demo objects (offline_data/demo) as the rules engine's inputs, without a session or a database.

For tests and benchmarks; the console builds its engine with RulesEngine.from_session.
"""
from __future__ import annotations

import csv
import json
import tomllib
from pathlib import Path
from typing import Any

from ..paths import OFFLINE_DATA

DEMO_DIR = OFFLINE_DATA / "demo"


def _features(path: Path) -> list[dict[str, Any]]:
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        return [dict(row) for row in csv.DictReader(text.splitlines())]
    out = []
    for feature in json.loads(text)["features"]:
        geometry = feature["geometry"]
        if geometry["type"] == "Point":
            lon, lat = geometry["coordinates"][:2]
        else:  # a footprint: its vertex mean is close enough to place a site
            ring = geometry["coordinates"][0][:-1]
            lon, lat = sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)
        out.append({**feature["properties"], "lon": lon, "lat": lat})
    return out


def _number(value: Any) -> float | None:
    return None if value in (None, "") else float(value)


def demo_inputs(folder: Path = DEMO_DIR) -> dict[str, dict[str, list]]:
    """{'flood_points': {...}, 'stations': {...}, 'trees': {...}, 'sites': {...}}: RulesEngine's keyword args."""
    files = {d["kind"]: folder / d["file"] for d in
             tomllib.loads((folder / "manifest.toml").read_text(encoding="utf-8"))["dataset"]}
    floods = _features(files["flood_points"])
    stations = _features(files["stations"])
    trees = _features(files["trees"])
    sites = _features(files["construction_sites"])

    def column(rows: list[dict], key: str, convert=lambda v: v) -> list:
        return [convert(r.get(key)) for r in rows]

    return {
        "flood_points": {"ids": column(floods, "id"), "lon": column(floods, "lon", float),
                         "lat": column(floods, "lat", float), "kind": column(floods, "kind"),
                         "name": column(floods, "name"), "sensor_id": column(floods, "sensor_id")},
        "stations": {"ids": column(stations, "id"), "lon": column(stations, "lon", float),
                     "lat": column(stations, "lat", float), "kind": column(stations, "kind"),
                     "warning_level_m": column(stations, "warning_level_m", _number),
                     "name": column(stations, "name")},
        "trees": {"ids": column(trees, "id"), "lon": column(trees, "lon", float), "lat": column(trees, "lat", float),
                  "grade": column(trees, "grade"), "status": column(trees, "status"),
                  "name": [" ".join(v for v in (r.get("street"), r.get("species")) if v) or None for r in trees]},
        "sites": {"ids": column(sites, "id"), "lon": column(sites, "lon", float), "lat": column(sites, "lat", float),
                  **{k: column(sites, k, lambda v: int(v or 0)) for k in ("gondolas", "tower_cranes", "hoists",
                                                                            "workers")},
                  "evacuation_status": column(sites, "evacuation_status"), "name": column(sites, "name")},
    }


def engine_kwargs(inputs: dict[str, dict[str, list]]) -> dict[str, Any]:
    """demo_inputs() as RulesEngine(**kwargs) (drops the columns the engine does not take)."""
    floods = {k: v for k, v in inputs["flood_points"].items() if k != "sensor_id"}
    return {"flood_points": floods, "stations": inputs["stations"], "trees": inputs["trees"],
            "sites": inputs["sites"]}
