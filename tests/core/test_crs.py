"""Tests for console.core.crs (no Qt).

GCJ-02/BD-09 are cross-checked against two independent implementations:
`coordTransform` (C-accelerated batch API) and `prcoords` (pure Python).
"""

import os
import subprocess
import sys
import warnings
from pathlib import Path

import coordTransform as ct
import numpy as np
import prcoords
import pyproj
import pytest

from console.core import crs

EARTH_R = 6371008.8  # mean radius; fine for sub-metre distance checks
SHANGHAI_LON = (120.85, 122.2)
SHANGHAI_LAT = (30.65, 31.9)


def metres(lon1, lat1, lon2, lat2):
    """Small-distance (equirectangular) metres between two point sets."""
    lon1, lat1, lon2, lat2 = (np.asarray(v, dtype=float) for v in (lon1, lat1, lon2, lat2))
    dx = np.radians(lon2 - lon1) * EARTH_R * np.cos(np.radians(lat1))
    dy = np.radians(lat2 - lat1) * EARTH_R
    return np.hypot(dx, dy)


@pytest.fixture(scope="module")
def wgs_pts():
    rng = np.random.default_rng(20240601)
    return rng.uniform(*SHANGHAI_LON, 1000), rng.uniform(*SHANGHAI_LAT, 1000)


@pytest.fixture(scope="module")
def gcj_pts(wgs_pts):
    return crs.wgs84_to_gcj02(*wgs_pts)


def _pr(func, lons, lats, **kw):
    """Apply a prcoords (lat, lon) function point by point -> (lon, lat) arrays."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # prcoords warns on non-China points
        out = np.array([func((la, lo), **kw) for lo, la in zip(lons, lats)])
    return out[:, 1], out[:, 0]


# --------------------------------------------------------------- module hygiene


def test_module_does_not_import_qt():
    root = Path(__file__).resolve().parents[2]
    code = (
        "import sys, console.core.crs\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph')]\n"
        "assert not bad, bad\n"
    )
    env = dict(os.environ, PYTHONPATH=str(root))
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root, env=env)


def test_outputs_are_float64_arrays_of_input_shape():
    x, y = crs.wgs84_to_gcj02(121, 31)
    assert isinstance(x, np.ndarray) and x.shape == () and x.dtype == np.float64
    x, y = crs.gcj02_to_wgs84([121, 121.5], [31, 31.2])
    assert x.shape == (2,) and y.dtype == np.float64
    lon = np.full((3, 4), 121.4, dtype=np.float32)
    x, y = crs.lonlat_to_mercator(lon, 31.2)  # broadcasts the scalar
    assert x.shape == y.shape == (3, 4) and x.dtype == np.float64
    x, y = crs.to_wgs84([500000.0], [3400000.0], "EPSG:4549")
    assert x.shape == (1,) and x.dtype == np.float64


def test_inputs_not_modified():
    lon, lat = np.array([121.4, 150.0]), np.array([31.2, 10.0])
    before = lon.copy(), lat.copy()
    crs.gcj02_to_wgs84(lon, lat)
    crs.bd09_to_gcj02(lon, lat)
    np.testing.assert_array_equal(lon, before[0])
    np.testing.assert_array_equal(lat, before[1])


# -------------------------------------------------------------------- Mercator


def test_mercator_known_values():
    x, y = crs.lonlat_to_mercator([180.0, -180.0, 0.0], [0.0, 0.0, 0.0])
    np.testing.assert_allclose(x, [20037508.342789244, -20037508.342789244, 0.0], rtol=0, atol=1e-6)
    np.testing.assert_allclose(y, 0.0, atol=1e-9)
    # Latitude is clamped: the poles land on the square map's edge, not inf.
    _, y = crs.lonlat_to_mercator(0.0, [90.0, -90.0, 85.05112878])
    assert np.all(np.isfinite(y))
    np.testing.assert_allclose(np.abs(y), 20037508.342789244, atol=1e-3)


def test_mercator_matches_pyproj_on_shanghai_grid():
    to_3857 = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    lon, lat = np.meshgrid(np.linspace(*SHANGHAI_LON, 40), np.linspace(*SHANGHAI_LAT, 40))
    lon = np.append(lon, 121.49)  # the Bund
    lat = np.append(lat, 31.24)
    x, y = crs.lonlat_to_mercator(lon, lat)
    px, py = to_3857.transform(lon, lat)
    assert np.abs(x - px).max() < 1e-6
    assert np.abs(y - py).max() < 1e-6
    lon2, lat2 = crs.mercator_to_lonlat(px, py)
    assert metres(lon, lat, lon2, lat2).max() < 1e-6


def test_mercator_round_trip():
    rng = np.random.default_rng(1)
    x = rng.uniform(-2.0e7, 2.0e7, 5000)
    y = rng.uniform(-2.0e7, 2.0e7, 5000)
    x2, y2 = crs.lonlat_to_mercator(*crs.mercator_to_lonlat(x, y))
    assert np.abs(x2 - x).max() < 1e-6
    assert np.abs(y2 - y).max() < 1e-6


# ---------------------------------------------------------------------- GCJ-02


def test_gcj_forward_matches_coordtransform(wgs_pts, gcj_pts):
    ref_lon, ref_lat = ct.wgs84_to_gcj02(*wgs_pts)  # C batch implementation
    assert metres(*gcj_pts, ref_lon, ref_lat).max() < 1e-6
    # ...and its pure-Python scalar path on a few points.
    for lo, la in list(zip(*wgs_pts))[:20]:
        ref = ct.wgs84_to_gcj02(float(lo), float(la))
        assert metres(*crs.wgs84_to_gcj02(lo, la), *ref) < 1e-6


def test_gcj_forward_matches_prcoords(wgs_pts, gcj_pts):
    ref = _pr(prcoords.wgs_gcj, *wgs_pts)
    assert metres(*gcj_pts, *ref).max() < 1e-6


def test_gcj_offset_magnitude_in_shanghai(wgs_pts, gcj_pts):
    # Domain knowledge: in Shanghai, GCJ-02 sits ~0.4-0.45 km east and
    # ~0.2-0.28 km south of WGS84 (the algorithm gives 431 m E, 215 m S
    # at People's Square).
    lon, lat = wgs_pts
    east = np.radians(gcj_pts[0] - lon) * EARTH_R * np.cos(np.radians(lat))
    north = np.radians(gcj_pts[1] - lat) * EARTH_R
    assert np.all((east > 350) & (east < 500))
    assert np.all((north > -320) & (north < -150))
    g = crs.wgs84_to_gcj02(121.47, 31.23)
    e = np.radians(g[0] - 121.47) * EARTH_R * np.cos(np.radians(31.23))
    n = np.radians(g[1] - 31.23) * EARTH_R
    assert 420 < e < 440 and -225 < n < -205


def test_gcj_inverse_round_trip(wgs_pts, gcj_pts):
    lon, lat = crs.gcj02_to_wgs84(*gcj_pts)
    # Float64 limit: one ulp of a longitude ~121 deg is ~1.4e-9 m.
    assert metres(*wgs_pts, lon, lat).max() < 1e-8


@pytest.mark.parametrize(
    "inverse, forward_name, make_input",
    [
        (crs.gcj02_to_wgs84, "_gcj_forward", crs.wgs84_to_gcj02),
        (crs.bd09_to_gcj02, "_bd_forward", crs.gcj02_to_bd09),
    ],
)
def test_inverse_stops_once_converged(inverse, forward_name, make_input, monkeypatch):
    # Vectorised iteration must stop when every point has converged (or hit
    # float64's noise floor) instead of always running the 30-step cap.
    # Many points, so some sit at the rounding noise floor.
    rng = np.random.default_rng(7)
    target = make_input(rng.uniform(*SHANGHAI_LON, 200_000), rng.uniform(*SHANGHAI_LAT, 200_000))
    calls = []
    real = getattr(crs, forward_name)
    monkeypatch.setattr(crs, forward_name, lambda x, y: calls.append(1) or real(x, y))
    inverse(*target)
    assert 2 <= len(calls) <= 10


def test_gcj_inverse_matches_prcoords_iterative(wgs_pts, gcj_pts, monkeypatch):
    ours = crs.gcj02_to_wgs84(*gcj_pts)
    # prcoords' default stop criterion (1e-5 deg step) leaves millimetres.
    ref = _pr(prcoords.gcj_wgs_bored, *gcj_pts)
    assert metres(*ours, *ref).max() < 1e-2
    # With its epsilon tightened the two iterative solvers agree closely.
    monkeypatch.setattr(prcoords, "PRC_EPS", 1e-15)
    ref = _pr(prcoords.gcj_wgs_bored, *gcj_pts)
    assert metres(*ours, *ref).max() < 1e-6


def test_coordtransform_inverse_is_the_coarse_one(wgs_pts, gcj_pts):
    # Justifies iterating: the common one-step inverse is off by metres.
    ref = ct.gcj02_to_wgs84(*gcj_pts)
    assert metres(*wgs_pts, *ref).max() > 0.1
    ours = crs.gcj02_to_wgs84(*gcj_pts)
    assert metres(*wgs_pts, *ours).max() < 1e-3 * metres(*wgs_pts, *ref).max()


def test_outside_china_unchanged():
    lon = np.array([-0.1278, 139.6917, 151.2093, 0.0, 0.0, 72.0, 121.0])
    lat = np.array([51.5074, 35.6895, -33.8688, 90.0, -90.0, 30.0, 0.5])
    with np.errstate(all="raise"):  # no float warnings, even at the poles
        for func in (crs.wgs84_to_gcj02, crs.gcj02_to_wgs84):
            out = func(lon, lat)
            np.testing.assert_array_equal(out[0], lon)
            np.testing.assert_array_equal(out[1], lat)


def test_mixed_inside_and_outside_china():
    lon = np.array([121.47, -0.1278])
    lat = np.array([31.23, 51.5074])
    g = crs.wgs84_to_gcj02(lon, lat)
    assert g[0][0] != lon[0] and g[0][1] == lon[1]
    w = crs.gcj02_to_wgs84(*g)
    assert metres(lon, lat, *w).max() < 1e-8


# ----------------------------------------------------------------------- BD-09


def test_bd_forward_matches_packages(gcj_pts):
    ours = crs.gcj02_to_bd09(*gcj_pts)
    assert metres(*ours, *ct.gcj02_to_bd09(*gcj_pts)).max() < 1e-6
    assert metres(*ours, *_pr(prcoords.gcj_bd, *gcj_pts)).max() < 1e-6


def test_bd_inverse_round_trip_and_packages(gcj_pts):
    bd = crs.gcj02_to_bd09(*gcj_pts)
    back = crs.bd09_to_gcj02(*bd)
    assert metres(*gcj_pts, *back).max() < 1e-8
    # The packages' closed-form inverse is only decimetre-level...
    closed = ct.bd09_to_gcj02(*bd)
    assert metres(*gcj_pts, *closed).max() > 0.01
    assert metres(*back, *closed).max() < 0.5
    # ...prcoords' iterative one is millimetre-level.
    assert metres(*back, *_pr(prcoords.bd_gcj_bored, *bd)).max() < 1e-2


def test_bd_wgs_chain(wgs_pts):
    bd = crs.wgs84_to_bd09(*wgs_pts)
    assert metres(*bd, *ct.wgs84_to_bd09(*wgs_pts)).max() < 1e-6
    assert metres(*wgs_pts, *crs.bd09_to_wgs84(*bd)).max() < 1e-8


# -------------------------------------------------------------------- to_wgs84


def test_to_wgs84_identity_names():
    for name in ("WGS84", "epsg:4326", "CGCS2000", "EPSG:4490", " wgs84 "):
        lon, lat = crs.to_wgs84(121.47, 31.23, name)
        assert float(lon) == 121.47 and float(lat) == 31.23


@pytest.mark.parametrize("name", ["GCJ-02", "GCJ02", "gcj-02"])
def test_to_wgs84_gcj(name, wgs_pts, gcj_pts):
    assert metres(*wgs_pts, *crs.to_wgs84(*gcj_pts, name)).max() < 1e-8


@pytest.mark.parametrize("name", ["BD-09", "BD09", "bd09"])
def test_to_wgs84_bd(name, wgs_pts):
    bd = crs.wgs84_to_bd09(*wgs_pts)
    assert metres(*wgs_pts, *crs.to_wgs84(*bd, name)).max() < 1e-8


def test_to_wgs84_web_mercator():
    lon, lat = crs.to_wgs84(13524204.936474806, 3663957.093090212, "EPSG:3857")
    assert metres(121.49, 31.24, lon, lat) < 1e-6


def test_to_wgs84_epsg_4549_via_pyproj(wgs_pts):
    to_4549 = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:4549", always_xy=True)
    e, n = to_4549.transform(*wgs_pts)
    assert 400_000 < e.min() and e.max() < 800_000  # GK easting with 500 km false easting
    lon, lat = crs.to_wgs84(e, n, "EPSG:4549")
    assert np.abs(lon - wgs_pts[0]).max() < 1e-6
    assert np.abs(lat - wgs_pts[1]).max() < 1e-6
    lon, lat = crs.to_wgs84(e, n, "epsg:4549")  # cached, case-insensitive
    assert np.abs(lat - wgs_pts[1]).max() < 1e-6


def test_every_supported_name_is_accepted():
    for name in crs.SUPPORTED_CRS_NAMES:
        lon, lat = crs.to_wgs84(0.0, 0.0, name)
        assert np.isfinite(lon) and np.isfinite(lat)


@pytest.mark.parametrize("bad", ["EPSG:999999", "epsg:999999", "Mars", "", "+proj=longlat"])
def test_to_wgs84_rejects_unknown(bad):
    with pytest.raises(crs.CRSError) as info:
        crs.to_wgs84(121.0, 31.0, bad)
    msg = str(info.value)
    assert repr(bad) in msg
    assert "GCJ-02" in msg and "EPSG:3857" in msg
    assert isinstance(info.value, ValueError)
