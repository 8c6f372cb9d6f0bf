"""Coordinate-system helpers: Web Mercator, GCJ-02, BD-09 and EPSG -> WGS84.

Plain numpy + pyproj (no Qt) so it can be used from workers and tests.
Every public transform accepts scalars, lists or arrays (broadcast
together) and returns a pair of float64 arrays of the broadcast shape
(0-d arrays for scalar input).
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pyproj

__all__ = [
    "CRSError",
    "SUPPORTED_CRS_NAMES",
    "lonlat_to_mercator",
    "mercator_to_lonlat",
    "wgs84_to_gcj02",
    "gcj02_to_wgs84",
    "gcj02_to_bd09",
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "wgs84_to_bd09",
    "to_wgs84",
]


class CRSError(ValueError):
    """Raised for a coordinate-system name this module cannot handle."""


# Named systems accepted by to_wgs84 (besides any "EPSG:<code>" PROJ knows).
SUPPORTED_CRS_NAMES = (
    "WGS84",
    "EPSG:4326",
    "CGCS2000",
    "EPSG:4490",
    "GCJ-02",
    "GCJ02",
    "BD-09",
    "BD09",
    "EPSG:3857",
)

# Spherical Web Mercator (EPSG:3857) radius and the latitude where the
# square world map ends (y == x at lon 180).
MERC_R = 6378137.0
MERC_MAX_LAT = 85.05112878

# GCJ-02 constants as published (Krasovsky 1940 ellipsoid).
GCJ_A = 6378245.0
GCJ_EE = 0.00669342162296594323
# BD-09 rotation/scale factor.
X_PI = np.pi * 3000.0 / 180.0

# Inverse iteration: stop at 1e-14 deg (~1e-9 m) or one float64 ulp of
# the target, whichever is larger (a lon of ~121 cannot do better than
# ~1.4e-14 deg); the offsets vary slowly, so 5-7 steps are typical.
_TOL_DEG = 1e-14
_MAX_ITER = 30


def _vectorised(func):
    """Coerce (x, y) to broadcast float64 arrays, run func on flat 1-D arrays,
    and give the results back in the input shape."""

    @functools.wraps(func)
    def wrapper(x, y):
        x, y = np.broadcast_arrays(
            np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        )
        shape = x.shape
        ox, oy = func(x.ravel(), y.ravel())
        return (
            np.asarray(ox, dtype=np.float64).reshape(shape),
            np.asarray(oy, dtype=np.float64).reshape(shape),
        )

    return wrapper


def _invert(forward, tx, ty, x, y):
    """Solve forward(x, y) == (tx, ty) by fixed-point iteration from (x, y).

    The datum offsets change very slowly with position (Jacobian ~ identity),
    so stepping by the residual converges linearly and fast. The whole array
    is iterated until every point is within tolerance.
    """
    tol_x = np.maximum(_TOL_DEG, np.spacing(np.abs(tx)))
    tol_y = np.maximum(_TOL_DEG, np.spacing(np.abs(ty)))
    worst = np.inf
    for _ in range(_MAX_ITER):
        fx, fy = forward(x, y)
        rx, ry = fx - tx, fy - ty
        if np.all(np.abs(rx) <= tol_x) and np.all(np.abs(ry) <= tol_y):
            break
        # Also stop at float64's noise floor: rounding inside forward() can
        # leave a few points an ulp or two off forever (seen with BD-09).
        now = max(np.abs(rx).max(), np.abs(ry).max())
        if now >= worst:
            break
        worst = now
        x, y = x - rx, y - ry
    return x, y


# --------------------------------------------------------------- Mercator


@_vectorised
def lonlat_to_mercator(lon, lat):
    """EPSG:4326 degrees -> EPSG:3857 metres (spherical formula)."""
    # Clamp so the poles don't become +-inf.
    lat = np.clip(lat, -MERC_MAX_LAT, MERC_MAX_LAT)
    x = MERC_R * np.radians(lon)
    # asinh(tan(phi)) == ln(tan(pi/4 + phi/2)), but better conditioned.
    y = MERC_R * np.arcsinh(np.tan(np.radians(lat)))
    return x, y


@_vectorised
def mercator_to_lonlat(x, y):
    """EPSG:3857 metres -> EPSG:4326 degrees."""
    lon = np.degrees(x / MERC_R)
    lat = np.degrees(np.arctan(np.sinh(y / MERC_R)))
    return lon, lat


# ----------------------------------------------------------------- GCJ-02


def _in_china(lon, lat):
    # The commonly used rough box; GCJ-02 is only applied inside it.
    return (lon >= 72.004) & (lon <= 137.8347) & (lat >= 0.8293) & (lat <= 55.8271)


def _gcj_delta(lon, lat):
    """GCJ-02 minus WGS84 in degrees (no China test)."""
    x, y = lon - 105.0, lat - 35.0
    # The published obfuscation polynomials (transform_lat/transform_lon);
    # results are metres of arc. The x-wave term is shared by both.
    wave = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    sqrt_x = np.sqrt(np.abs(x))
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt_x
    dlat += wave
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt_x
    dlon += wave
    dlon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    # Metres -> degrees on the Krasovsky ellipsoid (radii of curvature).
    rad_lat = np.radians(lat)
    magic = 1.0 - GCJ_EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((GCJ_A * (1.0 - GCJ_EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (GCJ_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    return dlon, dlat


def _gcj_forward(lon, lat):
    dlon, dlat = _gcj_delta(lon, lat)
    return lon + dlon, lat + dlat


@_vectorised
def wgs84_to_gcj02(lon, lat):
    """WGS84 -> GCJ-02 ("Mars coordinates"); unchanged outside China."""
    out_lon, out_lat = lon.copy(), lat.copy()
    m = _in_china(lon, lat)
    # Transform only the in-China subset; the rest passes through untouched.
    out_lon[m], out_lat[m] = _gcj_forward(lon[m], lat[m])
    return out_lon, out_lat


@_vectorised
def gcj02_to_wgs84(lon, lat):
    """GCJ-02 -> WGS84 by iterating the forward transform (~1e-9 m).

    The in/out-of-China decision is made on the GCJ-02 input, as other
    libraries do; only points within ~1 km of the box edge could differ.
    """
    out_lon, out_lat = lon.copy(), lat.copy()
    m = _in_china(lon, lat)
    tx, ty = lon[m], lat[m]
    # Classic one-step guess (metre-level), then refine.
    dlon, dlat = _gcj_delta(tx, ty)
    out_lon[m], out_lat[m] = _invert(_gcj_forward, tx, ty, tx - dlon, ty - dlat)
    return out_lon, out_lat


# ------------------------------------------------------------------ BD-09


def _bd_forward(lon, lat):
    z = np.hypot(lon, lat) + 0.00002 * np.sin(lat * X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


@_vectorised
def gcj02_to_bd09(lon, lat):
    """GCJ-02 -> BD-09 (Baidu); applied everywhere, as Baidu does."""
    return _bd_forward(lon, lat)


@_vectorised
def bd09_to_gcj02(lon, lat):
    """BD-09 -> GCJ-02: the usual closed-form inverse (~1e-7 deg off),
    refined by iterating the forward formula."""
    x, y = lon - 0.0065, lat - 0.006
    z = np.hypot(x, y) - 0.00002 * np.sin(y * X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * X_PI)
    return _invert(_bd_forward, lon, lat, z * np.cos(theta), z * np.sin(theta))


def bd09_to_wgs84(lon, lat):
    """BD-09 -> WGS84 (via GCJ-02)."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def wgs84_to_bd09(lon, lat):
    """WGS84 -> BD-09 (via GCJ-02)."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


# ------------------------------------------------------------- to_wgs84


@_vectorised
def _identity(x, y):
    return x.copy(), y.copy()


_NAMED = {
    "WGS84": _identity,
    "EPSG:4326": _identity,
    # CGCS2000 and WGS84 (current realisations) agree to a few centimetres,
    # far below a metre, so no datum shift is applied.
    "CGCS2000": _identity,
    "EPSG:4490": _identity,
    "GCJ-02": gcj02_to_wgs84,
    "GCJ02": gcj02_to_wgs84,
    "BD-09": bd09_to_wgs84,
    "BD09": bd09_to_wgs84,
    # Our own spherical formula: exact and no PROJ round trip needed.
    "EPSG:3857": mercator_to_lonlat,
}

_EPSG_RE = re.compile(r"EPSG:\d+")


def _bad_crs(value, detail=""):
    return CRSError(
        f"unsupported coordinate system {value!r}{detail}; accepted: "
        f"{', '.join(SUPPORTED_CRS_NAMES)} or any 'EPSG:<code>' known to PROJ"
    )


@functools.lru_cache(maxsize=32)
def _transformer(code):
    # Building a Transformer costs milliseconds; cache one per EPSG code.
    return pyproj.Transformer.from_crs(code, "EPSG:4326", always_xy=True)


def to_wgs84(x, y, crs):
    """Convert coordinates declared in `crs` to WGS84 (lon, lat) degrees.

    `crs` is one of SUPPORTED_CRS_NAMES or "EPSG:<code>" (case-insensitive);
    projected systems take (easting, northing) in their own units.
    """
    key = str(crs).strip().upper()
    if key in _NAMED:
        return _NAMED[key](x, y)
    if not _EPSG_RE.fullmatch(key):
        raise _bad_crs(crs)
    try:
        transformer = _transformer(key)
    except pyproj.exceptions.CRSError as exc:
        raise _bad_crs(crs, f" ({exc})") from exc
    x, y = np.broadcast_arrays(
        np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    )
    lon, lat = transformer.transform(x, y)
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
