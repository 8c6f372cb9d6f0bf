"""Layer models: arrays, attributes, style classes, picking, search and the density pyramid."""
import numpy as np
import pytest

from layers import SiteLayer, TreeLayer
from layers.base import FieldSpec
from layers.density import DensityPyramid
from layers.flood_points import depth_class


def tree_rows(n, rng):
    grades = rng.choice(["very_high", "high", "medium", "low"], size=n, p=[0.01, 0.03, 0.16, 0.80])
    return [{"id": f"TR-{i}", "x": float(rng.uniform(0, 10_000)), "y": float(rng.uniform(0, 10_000)),
             "species": "悬铃木", "grade": grades[i], "status": "checked", "dbh_cm": 40.0} for i in range(n)]


def test_replace_then_upsert_updates_and_appends_with_one_notification():
    rng = np.random.default_rng(1)
    layer = TreeLayer()
    resets, changes = [], []
    layer.events.reset.connect(lambda: resets.append(1))
    layer.events.changed.connect(lambda rows: changes.append(sorted(rows.tolist())))
    layer.replace(tree_rows(100, rng))
    assert len(layer) == 100 and resets == [1]
    updated = {**layer.feature(5), "x": 1.0, "y": 2.0, "grade": "very_high"}
    new = {"id": "TR-new", "x": 3.0, "y": 4.0, "species": "香樟", "grade": "low", "status": "pruned"}
    layer.upsert([updated, new])
    assert changes == [[5, 100]]
    assert layer.attrs["grade"][5] == "very_high" and layer.style_codes()[5] == 0
    assert layer.row_of("TR-new") == 100 and layer.attrs["status"][100] == "pruned"
    assert np.isnan(layer.attrs["dbh_cm"][100])  # missing number stays missing, not zero
    assert layer.feature(100)["dbh_cm"] is None


def test_class_counts_follow_the_legend_order():
    layer = TreeLayer()
    layer.replace([{"id": str(i), "x": 0.0, "y": 0.0, "grade": g, "species": "s", "status": "checked"}
                   for i, g in enumerate(["low", "low", "high", "very_high", "medium", "low"])])
    assert layer.class_counts().tolist() == [1, 1, 1, 3]


def test_nearest_and_box_queries_agree_with_brute_force():
    rng = np.random.default_rng(2)
    layer = TreeLayer()
    layer.replace(tree_rows(5000, rng))
    for _ in range(50):
        x, y = rng.uniform(0, 10_000, 2)
        found = layer.nearest(x, y, 300)
        distance = np.hypot(layer.x - x, layer.y - y)
        if distance.min() <= 300:
            assert found is not None and found[0] == int(np.argmin(distance))
        else:
            assert found is None
        rows = layer.in_box(x - 500, y - 500, x + 500, y + 500)
        expected = np.flatnonzero((abs(layer.x - x) <= 500) & (abs(layer.y - y) <= 500))
        assert sorted(rows.tolist()) == expected.tolist()
    layer.upsert([{**layer.feature(0), "x": 99_999.0, "y": 99_999.0}])  # moved: the index must follow
    assert layer.nearest(99_999.0, 99_999.0, 1)[0] == 0


def test_search_by_id_and_name():
    layer = TreeLayer()
    layer.replace([{"id": "TR-000001", "x": 0.0, "y": 0.0, "species": "悬铃木", "street": "南京东路",
                    "grade": "low", "status": "checked"},
                   {"id": "TR-000002", "x": 0.0, "y": 0.0, "species": "香樟", "street": "淮海中路",
                    "grade": "low", "status": "checked"}])
    assert layer.search("TR-000002") == [1]
    assert layer.search("淮海") == [1]
    assert layer.search("tr-0000") == [0, 1]
    assert layer.display_name(0) == "南京东路 悬铃木"


def test_polygon_layer_picks_the_footprint_under_the_point():
    layer = SiteLayer()
    square = np.array([[0, 0], [100, 0], [100, 100], [0, 100], [0, 0]], dtype=float)
    layer.replace([{"id": "CS-1", "x": 50.0, "y": 50.0, "name": "a", "evacuation_status": "normal",
                    "footprint_xy": square},
                   {"id": "CS-2", "x": 550.0, "y": 50.0, "name": "b", "evacuation_status": "evacuated",
                    "footprint_xy": square + [500, 0]}])
    assert layer.containing(90, 90) == 0
    assert layer.containing(510, 10) == 1
    assert layer.containing(300, 50) is None


def test_field_validation_says_what_is_wrong():
    grade = FieldSpec("grade", str, "Risk grade", required=True, choices=("low", "high"))
    with pytest.raises(ValueError, match="expected one of low, high"):
        grade.coerce("purple")
    with pytest.raises(ValueError, match="required"):
        grade.coerce("")
    ratio = FieldSpec("t_r", float, "t/R", minimum=0, maximum=1)
    with pytest.raises(ValueError, match="above the maximum"):
        ratio.coerce("1.5")
    with pytest.raises(ValueError, match="not a number"):
        ratio.coerce("abc")
    assert FieldSpec("n", int, "n").coerce("3") == 3


def test_depth_class_bounds():
    assert [depth_class(d, (15, 25, 40)) for d in (None, 0, 15, 24.9, 25, 39, 40, 80)] == [-1, 0, 1, 1, 2, 2, 3, 3]


def test_density_pyramid_counts_every_point_and_keeps_the_worst_class():
    rng = np.random.default_rng(3)
    x, y = rng.uniform(0, 50_000, 200_000), rng.uniform(0, 50_000, 200_000)
    codes = rng.choice([1, 2, 3], size=x.size).astype(np.int16)
    codes[123] = 0  # one very-high-risk point
    pyramid = DensityPyramid(x, y, codes, n_classes=4, finest=512)
    for level in pyramid.levels:
        assert int(level.counts.sum()) == x.size
        assert int((level.worst == 0).sum()) == 1  # the single worst point survives every level
    coarsest = pyramid.levels[-1]
    assert coarsest.counts.shape == (32, 32)
    assert pyramid.count_in(0, 0, 50_000, 50_000) == x.size
    # finest level whose cells cover at least a pixel; None when zoomed in past the finest cell
    assert pyramid.level_for(metres_per_pixel=pyramid.levels[0].cell) == 0
    assert pyramid.level_for(metres_per_pixel=pyramid.levels[2].cell * 1.01) == 3
    assert pyramid.level_for(metres_per_pixel=pyramid.levels[0].cell / 4) is None
