"""The nearby index gives exactly what measuring every point gives, in ground metres."""
import math

import numpy as np
import pytest
from pyproj import Geod

from console.core.crs import lonlat_to_mercator, mercator_to_lonlat
from console.core.nearby import PointIndex, ground_scale, index_for
from layers.cameras import CameraLayer

PEOPLES_SQUARE = (121.4737, 31.2304)


def brute_force(x, y, qx, qy, radius_m, k=None):
    """Every point measured: Mercator distance times cos(latitude of the query point), nearest first, ties by
    row. Written independently of the index (latitude through console.core.crs)."""
    _, lat = mercator_to_lonlat(np.array([qx]), np.array([qy]))
    distances = np.hypot(x - qx, y - qy) * math.cos(math.radians(float(lat[0])))
    rows = np.flatnonzero(distances <= radius_m)
    rows = rows[np.lexsort((rows, distances[rows]))]
    if k is not None:
        rows = rows[:k]
    return rows.tolist(), distances[rows]


def shanghai_points(rng, n):
    """Clustered like a city's cameras: dense round the centre, sparser outside, some exact duplicates."""
    cx, cy = lonlat_to_mercator(np.array([PEOPLES_SQUARE[0]]), np.array([PEOPLES_SQUARE[1]]))
    centre = rng.normal(0, 4000, (n // 2, 2))
    spread = rng.uniform(-60000, 60000, (n - n // 2, 2))
    xy = np.vstack([centre, spread]) + [cx[0], cy[0]]
    xy[-20:] = xy[:20]  # cameras on one mast: ties broken by row
    return xy[:, 0], xy[:, 1]


def assert_same(got, expected):
    rows, distances = expected
    assert [r for r, _ in got] == rows
    np.testing.assert_allclose([d for _, d in got], distances, rtol=1e-12, atol=0)


def test_ground_scale_is_cos_latitude():
    for lat in (0.0, 31.2, 45.0, 60.0):
        _, y = lonlat_to_mercator(np.array([121.0]), np.array([lat]))
        assert ground_scale(float(y[0])) == pytest.approx(math.cos(math.radians(lat)), rel=1e-12)


def test_ground_distance_agrees_with_the_geodesic_in_shanghai():
    lon0, lat0 = PEOPLES_SQUARE
    geod = Geod(ellps="WGS84")
    for azimuth in (0, 45, 90, 135, 200):
        lon, lat, _ = geod.fwd(lon0, lat0, azimuth, 1000.0)
        x, y = lonlat_to_mercator(np.array([lon0, lon]), np.array([lat0, lat]))
        index = PointIndex(x[1:], y[1:])
        [(row, distance)] = index.nearest(float(x[0]), float(y[0]), 1, 2000)
        assert row == 0
        assert distance == pytest.approx(1000.0, abs=6.0)  # sphere vs ellipsoid, scale at one end: < 0.6 %


@pytest.mark.parametrize("seed", range(5))
def test_nearest_and_within_equal_brute_force_on_random_points(seed):
    rng = np.random.default_rng(seed)
    x, y = shanghai_points(rng, 5000)
    index = PointIndex(x, y)
    for _ in range(200):
        qx, qy = x[rng.integers(len(x))] + rng.normal(0, 3000), y[rng.integers(len(y))] + rng.normal(0, 3000)
        radius = float(rng.choice([50.0, 300.0, 1000.0, 5000.0, 40000.0]))
        k = int(rng.integers(1, 30))
        assert_same(index.nearest(qx, qy, k, radius), brute_force(x, y, qx, qy, radius, k))
        assert_same(index.within(qx, qy, radius), brute_force(x, y, qx, qy, radius))


def test_query_far_outside_the_points_and_unbounded_radius():
    rng = np.random.default_rng(7)
    x, y = shanghai_points(rng, 2000)
    index = PointIndex(x, y)
    qx, qy = float(x.max() + 200000), float(y.min() - 100000)
    assert index.nearest(qx, qy, 5, 1000) == []
    assert_same(index.nearest(qx, qy, 5, math.inf), brute_force(x, y, qx, qy, math.inf, 5))
    assert_same(index.within(qx, qy, math.inf), brute_force(x, y, qx, qy, math.inf))


def test_empty_index():
    index = PointIndex(np.empty(0), np.empty(0))
    assert len(index) == 0
    assert index.nearest(0.0, 0.0, 5, 1e9) == []
    assert index.within(0.0, 0.0, math.inf) == []


def test_k_larger_than_the_count_gives_every_point_in_range():
    x, y = np.array([0.0, 30.0, 10.0, 5000.0]), np.array([0.0, 0.0, 0.0, 0.0])
    index = PointIndex(x, y)
    # At the equator a Mercator metre is a ground metre, so these distances are exact.
    assert index.nearest(0.0, 0.0, 10, 100.0) == [(0, 0.0), (2, 10.0), (1, 30.0)]
    assert index.nearest(0.0, 0.0, 10, math.inf) == [(0, 0.0), (2, 10.0), (1, 30.0), (3, 5000.0)]
    assert index.nearest(0.0, 0.0, 0, 100.0) == []


def test_radius_zero_finds_only_points_at_the_spot():
    index = PointIndex(np.array([5.0, 5.0, 5.000001, 7.0]), np.array([3.0, 3.0, 3.0, 3.0]))
    assert index.nearest(5.0, 3.0, 5, 0.0) == [(0, 0.0), (1, 0.0)]
    assert index.within(5.0, 3.0, 0.0) == [(0, 0.0), (1, 0.0)]
    assert index.within(5.0, 3.0, -1.0) == []
    assert index.nearest(6.0, 3.0, 5, 0.0) == []


def test_points_exactly_at_the_radius_are_included():
    x = np.array([100.0, -100.0, 0.0, 0.0, 60.0, 100.5])
    y = np.array([0.0, 0.0, 100.0, -100.0, 80.0, 0.0])
    index = PointIndex(x, y)
    assert [r for r, _ in index.within(0.0, 0.0, 100.0)] == [0, 1, 2, 3, 4]
    assert [r for r, _ in index.within(0.0, 0.0, 99.999)] == []
    # In Shanghai too: a radius equal to a point's reported distance includes that point.
    rng = np.random.default_rng(3)
    x, y = shanghai_points(rng, 3000)
    index = PointIndex(x, y)
    qx, qy = float(x[0] + 123.4), float(y[0] - 56.7)
    for row, distance in index.nearest(qx, qy, 40, 5000):
        assert row in [r for r, _ in index.within(qx, qy, distance)]
        assert row in [r for r, _ in index.nearest(qx, qy, 3000, distance)]


def test_points_all_in_one_place_or_on_one_line():
    same = PointIndex(np.full(50, 13.5e6), np.full(50, 3.66e6))
    assert [r for r, _ in same.nearest(13.5e6, 3.66e6, 3, 0.0)] == [0, 1, 2]
    x = np.linspace(13.5e6, 13.6e6, 500)
    line = PointIndex(x, np.full(500, 3.66e6))
    assert_same(line.nearest(13.55e6, 3.6601e6, 7, 2000), brute_force(x, np.full(500, 3.66e6), 13.55e6,
                                                                        3.6601e6, 2000, 7))


def test_points_without_a_position_are_never_near():
    index = PointIndex(np.array([np.nan, 1.0, np.inf]), np.array([0.0, 0.0, 0.0]))
    assert len(index) == 1
    assert index.within(0.0, 0.0, math.inf) == [(1, 1.0)]
    assert index.nearest(math.nan, 0.0, 3, math.inf) == []


def camera(object_id, lon, lat, state="online"):
    x, y = lonlat_to_mercator(np.array([lon]), np.array([lat]))
    return {"id": object_id, "x": float(x[0]), "y": float(y[0]), "name": object_id, "owner": "", "watches": "",
            "stream_url": f"rtsp://cams.invalid/{object_id}", "state": state}


def test_index_for_is_cached_and_follows_the_layer():
    lon, lat = PEOPLES_SQUARE
    layer = CameraLayer()
    layer.replace([camera("A", lon + 0.001, lat), camera("B", lon + 0.002, lat)])
    x, y = float(layer.x[0] - 116.9), float(layer.y[0])
    first = index_for(layer)
    assert index_for(layer) is first
    assert [r for r, _ in first.nearest(x, y, 5, 1000)] == [0, 1]

    layer.upsert([camera("A", lon + 0.001, lat, state="offline")])  # a reading: nothing moved
    assert index_for(layer) is first

    layer.upsert([camera("B", lon, lat)])  # B moved in place, onto the query point's west side
    moved = index_for(layer)
    assert moved is not first
    assert [r for r, _ in moved.nearest(x, y, 5, 1000)] == [1, 0]

    layer.upsert([camera("C", lon - 0.0005, lat)])  # a new camera: new arrays
    assert [r for r, _ in index_for(layer).nearest(x, y, 5, 1000)] == [1, 2, 0]

    layer.replace([camera("D", lon + 0.05, lat)])
    assert [r for r, _ in index_for(layer).nearest(x, y, 5, 1000)] == []
    assert [r for r, _ in index_for(layer).nearest(x, y, 5, 10000)] == [0]


def test_an_empty_layer_has_an_empty_index():
    assert index_for(CameraLayer()).nearest(13.5e6, 3.66e6, 6, 1000) == []
