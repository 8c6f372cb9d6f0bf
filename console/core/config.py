"""Configuration: thresholds with their sources, read from TOML (defaults in resources/config)."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from .paths import RESOURCES


@dataclass(frozen=True)
class FloodThresholds:
    class_bounds_cm: tuple[float, ...]
    underpass_closure_cm: float
    road_closure_cm: float
    source: str


@dataclass(frozen=True)
class Area:
    """The city's box in WGS84 degrees: objects outside it are rejected on import."""

    lon_min: float
    lon_max: float
    lat_min: float
    lat_max: float

    def contains(self, lon, lat):
        return (lon >= self.lon_min) & (lon <= self.lon_max) & (lat >= self.lat_min) & (lat <= self.lat_max)


@dataclass(frozen=True)
class WindThresholds:
    force_lower_bounds_ms: tuple[float, ...]
    storm: tuple[int, int]  # (mean force, gust force) at which a station's condition is 'storm'
    gale: tuple[int, int]
    strong: tuple[int, int]


@dataclass(frozen=True)
class Config:
    flood: FloodThresholds
    area: Area
    wind: WindThresholds
    stale_factor: float


def load_config(path: Path | None = None) -> Config:
    """Thresholds from `path`, or the bundled defaults. A bad file raises ValueError naming the problem."""
    path = path or RESOURCES / "config" / "thresholds.toml"
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        flood = raw["flood"]
        bounds = tuple(float(b) for b in flood["class_bounds_cm"])
        area = Area(**{k: float(raw["area"][k]) for k in ("lon_min", "lon_max", "lat_min", "lat_max")})
        wind_raw = raw["wind"]
        wind = WindThresholds(
            force_lower_bounds_ms=tuple(float(b) for b in wind_raw["force_lower_bounds_ms"]),
            **{name: (int(wind_raw[f"{name}_mean_force"]), int(wind_raw[f"{name}_gust_force"]))
               for name in ("storm", "gale", "strong")})
        stale_factor = float(raw["freshness"]["stale_factor"])
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"cannot read thresholds from {path}: {exc}") from exc
    if list(bounds) != sorted(bounds) or len(bounds) != 3:
        raise ValueError(f"{path}: flood.class_bounds_cm must be three ascending depths, got {bounds}")
    return Config(
        flood=FloodThresholds(
            class_bounds_cm=bounds,
            underpass_closure_cm=float(flood["underpass_closure_cm"]),
            road_closure_cm=float(flood["road_closure_cm"]),
            source=str(flood.get("class_bounds_source", "")),
        ),
        area=area,
        wind=wind,
        stale_factor=stale_factor,
    )
