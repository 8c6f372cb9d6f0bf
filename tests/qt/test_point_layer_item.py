"""PointLayerItem draws what the layer holds, in every regime: checked on the pixels of an offscreen view."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6 import QtCore, QtGui

from console.qt.point_layer_item import PointLayerItem, palette
from layers.density import DensityPyramid
from layers.flood_points import FloodPointLayer
from layers.trees import GRADES, TreeLayer

ORIGIN = (13.40e6, 3.58e6)  # Shanghai's south-west, EPSG:3857 metres
WIDTH, HEIGHT = 300, 200
VERY_HIGH, HIGH, LOW = 0, 1, 3


def trees() -> tuple[TreeLayer, int, int]:
    """40k trees: a sparse 500 m grid over 50 km (high, medium, low; one very high) and a dense 5 m grid
    of 32k over 1 km x 0.8 km in the middle, dense enough that every density cell there is opaque.
    Returns the layer, the very-high row and a low-risk row in the dense grid."""
    gx, gy = np.meshgrid(np.arange(100) * 500.0, np.arange(100) * 500.0)
    cx, cy = np.meshgrid(25_000 + np.arange(200) * 5.0, 25_000 + np.arange(160) * 5.0)
    x = ORIGIN[0] + np.concatenate([gx.ravel(), cx.ravel()])
    y = ORIGIN[1] + np.concatenate([gy.ravel(), cy.ravel()])
    codes = 1 + np.arange(x.size) % 3
    lone = 30 * 100 + 20  # grid point (20, 30), 10 km from the dense grid
    codes[lone] = VERY_HIGH
    low = 10_000 + 80 * 200 + 102  # in the middle of the dense grid
    assert codes[low] == LOW
    layer = TreeLayer()
    layer.replace([{"id": f"T{i}", "x": xi, "y": yi, "grade": GRADES[c], "species": "Platanus",
                    "status": "checked"} for i, (xi, yi, c) in enumerate(zip(x.tolist(), y.tolist(), codes))])
    return layer, lone, low


class Canvas:
    """An offscreen map view, set up like MapCanvas, showing one PointLayerItem."""

    def __init__(self, qtbot, item: PointLayerItem, background: str = "k") -> None:
        self.widget = pg.GraphicsView(background=background)
        qtbot.addWidget(self.widget)
        self.view = pg.ViewBox(lockAspect=True, enableMenu=False)
        self.view.sigRangeChanged.connect(self.view.updateMatrix)
        self.view.disableAutoRange()
        self.widget.setCentralItem(self.view)
        self.widget.resize(WIDTH, HEIGHT)
        self.widget.show()
        self.item = item
        self.view.addItem(item, ignoreBounds=True)

    def show(self, x: float, y: float, width: float) -> np.ndarray:
        """Centre the view on (x, y), `width` metres across; the painted viewport as (row, column, RGB)."""
        height = width * HEIGHT / WIDTH
        self.view.setRange(xRange=(x - width / 2, x + width / 2), yRange=(y - height / 2, y + height / 2),
                           padding=0)
        image = self.widget.viewport().grab().toImage().convertToFormat(QtGui.QImage.Format.Format_RGB888)
        pixels = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
        return pixels[:, :image.width() * 3].reshape(image.height(), image.width(), 3).astype(int)

    def pixel_at(self, x: float, y: float) -> tuple[int, int]:
        """(column, row) of the device pixel holding the map point (x, y)."""
        point = self.view.mapViewToDevice(QtCore.QPointF(x, y))
        return int(point.x()), int(point.y())

    def pixel_of(self, layer, row: int) -> tuple[int, int]:
        return self.pixel_at(layer.x[row], layer.y[row])


def red(pixels: np.ndarray) -> np.ndarray:
    """Where the very-high-risk red shows, also half transparent over the black background."""
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    return (r > 60) & (r > 3 * g) & (r > 3 * b)


def near(mask: np.ndarray, column: int, row: int, radius: int = 2) -> bool:
    return bool(mask[max(row - radius, 0):row + radius + 1, max(column - radius, 0):column + radius + 1].any())


def grade(layer: TreeLayer, row: int, value: str) -> None:
    layer.upsert([{"id": layer.ids[row], "x": layer.x[row], "y": layer.y[row], "grade": value,
                   "species": "Platanus", "status": "checked"}])


@pytest.fixture(scope="module")
def layer_rows():
    return trees()


def test_city_scale_draws_the_pyramid_and_a_lone_very_high_tree_shows(qtbot, layer_rows):
    layer, lone, _ = layer_rows
    canvas = Canvas(qtbot, PointLayerItem(layer, symbol_px=4))
    pixels = canvas.show(ORIGIN[0] + 25_000, ORIGIN[1] + 25_000, 60_000)
    assert canvas.item.regime == "pyramid"
    column, row = canvas.pixel_of(layer, lone)
    shown = red(pixels)
    assert near(shown, column, row)
    shown[max(row - 2, 0):row + 3, max(column - 2, 0):column + 3] = False
    assert not shown.any(), "red where there is no very-high-risk tree"


@pytest.mark.parametrize("where, width", [("lone", 2_000.0), ("dense", 60.0)])
def test_zoomed_in_every_point_is_a_symbol_of_its_class_colour(qtbot, layer_rows, where, width):
    layer, lone, low = layer_rows
    canvas = Canvas(qtbot, PointLayerItem(layer, symbol_px=4))
    centre = lone if where == "lone" else low
    pixels = canvas.show(layer.x[centre], layer.y[centre], width)
    assert canvas.item.regime == "symbols"
    colours = palette(layer)[:, :3]
    shown = [(r, *canvas.pixel_of(layer, r)) for r in range(len(layer))
             if abs(layer.x[r] - layer.x[centre]) < width and abs(layer.y[r] - layer.y[centre]) < width]
    shown = [(r, column, row) for r, column, row in shown if 0 <= column < WIDTH and 0 <= row < HEIGHT]
    assert len(shown) >= 6
    for r, column, row in shown:
        assert pixels[row, column].tolist() == colours[layer.style_codes()[r]].tolist(), (r, column, row)


@pytest.mark.parametrize("regime, width", [("pyramid", 60_000.0), ("binned", 4_000.0), ("symbols", 60.0)])
def test_a_restyled_point_shows_in_the_next_paint(qtbot, regime, width):
    layer, _, low = trees()
    canvas = Canvas(qtbot, PointLayerItem(layer, symbol_px=4))
    x, y = layer.x[low], layer.y[low]
    before = canvas.show(x, y, width)
    assert canvas.item.regime == regime
    column, row = canvas.pixel_of(layer, low)
    assert not near(red(before), column, row)
    pyramid = canvas.item.pyramid()
    grade(layer, low, "very_high")
    assert canvas.item.pyramid() is pyramid, "a change of class alone must not rebuild the pyramid"
    assert near(red(canvas.show(x, y, width)), column, row, radius=1)
    grade(layer, low, "low")  # and back: the cell's worst class is recomputed from the points left in it
    assert not near(red(canvas.show(x, y, width)), column, row)


def test_a_moved_point_is_drawn_at_its_new_place(qtbot):
    layer, lone, _ = trees()
    canvas = Canvas(qtbot, PointLayerItem(layer, symbol_px=4))
    x, y = layer.x[lone], layer.y[lone]
    layer.upsert([{"id": layer.ids[lone], "x": x + 200, "y": y, "grade": "very_high", "species": "Platanus",
                   "status": "checked"}])
    pixels = canvas.show(x, y, 1_000.0)
    assert canvas.item.regime == "symbols"
    assert near(red(pixels), *canvas.pixel_of(layer, lone))
    assert not near(red(pixels), *canvas.pixel_at(x, y), radius=4)


@pytest.mark.parametrize("count, outlined", [(700, True), (8_000, False)])  # 80 % of them in view
def test_zoomed_out_only_small_layers_keep_symbol_outlines(qtbot, count, outlined):
    """White 'no reading' flood points on a white map are legible only through their dark outline; a big
    layer zoomed out is drawn without outlines."""
    xy = np.random.default_rng(7).uniform(0, 50_000, (2 * count, 2))
    xy = xy[np.abs(xy - 25_000).max(axis=1) > 2_000][:count]  # 2 km clear round the first point...
    xy[0] = 25_000  # ...so that no other symbol covers it
    layer = FloodPointLayer()
    layer.replace([{"id": f"F{i}", "x": ORIGIN[0] + x, "y": ORIGIN[1] + y, "name": f"spot {i}", "kind": "road_spot",
                    "depth_class": -1} for i, (x, y) in enumerate(xy.tolist())])
    canvas = Canvas(qtbot, PointLayerItem(layer, symbol_px=8, square=True), background="w")
    pixels = canvas.show(ORIGIN[0] + 25_000, ORIGIN[1] + 25_000, 60_000)
    assert canvas.item.regime == "symbols"
    dark = (pixels < 150).all(axis=2)
    if outlined:
        column, row = canvas.pixel_of(layer, 0)
        assert pixels[row, column].tolist() == [255, 255, 255]
        assert near(dark, column, row, radius=6)
    else:
        assert not dark.any()


def test_restyling_many_points_equals_a_rebuild(qtbot):
    layer, _, _ = trees()
    item = PointLayerItem(layer, symbol_px=4)
    pyramid = item.pyramid()
    rng = np.random.default_rng(5)
    for _ in range(3):
        rows = rng.choice(len(layer), 500, replace=False)
        layer.upsert([{"id": layer.ids[r], "x": layer.x[r], "y": layer.y[r], "grade": GRADES[rng.integers(4)],
                       "species": "Platanus", "status": "checked"} for r in rows])
    assert item.pyramid() is pyramid
    rebuilt = DensityPyramid(layer.x, layer.y, layer.style_codes(), len(layer.style_classes))
    for restyled, fresh in zip(pyramid.levels, rebuilt.levels, strict=True):
        assert np.array_equal(restyled.counts, fresh.counts) and np.array_equal(restyled.worst, fresh.worst)
