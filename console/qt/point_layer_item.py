"""One graphics item per point layer, with level of detail (see docs/architecture.md):

(a) many points visible, zoomed out: a window of the layer's density pyramid, drawn as one image;
(b) many points visible but zoomed in past the pyramid's finest cell: the visible points binned into a
    screen grid, drawn as one image;
(c) up to SYMBOL_LIMIT visible: real symbols, one drawPoints call per style class, most severe on top.
It paints in device pixels, so symbols keep their size at every zoom.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from layers.base import PointLayer
from layers.density import DensityPyramid

SYMBOL_LIMIT = 30_000
PYRAMID_MIN_POINTS = SYMBOL_LIMIT  # smaller layers are always drawn as symbols
UNCLASSED = "#9aa5b1"
SCREEN_BIN_PX = 2


def palette(layer: PointLayer) -> np.ndarray:
    """RGBA per style class, plus a last row for unclassed objects."""
    colours = [QtGui.QColor(c.color) for c in layer.style_classes] + [QtGui.QColor(UNCLASSED)]
    return np.array([[c.red(), c.green(), c.blue(), 255] for c in colours], dtype=np.uint8)


def density_rgba(counts: np.ndarray, worst: np.ndarray, colours: np.ndarray) -> np.ndarray:
    """Counts and worst classes as an RGBA image: colour of the worst class, opacity growing with count."""
    rgba = colours[np.minimum(worst, len(colours) - 1)].copy()
    alpha = np.clip(120 + 40 * np.log2(np.maximum(counts, 1)), 0, 255).astype(np.uint8)
    rgba[..., 3] = np.where(counts > 0, alpha, 0)
    return rgba


class PointLayerItem(pg.GraphicsObject):
    def __init__(self, layer: PointLayer, symbol_px: float = 5.0, square: bool = False,
                 max_metres_per_pixel: float | None = None) -> None:
        super().__init__()
        self.layer = layer
        self.symbol_px = symbol_px
        self.max_metres_per_pixel = max_metres_per_pixel  # zoomed out further, the layer is not drawn
        self.cap = QtCore.Qt.PenCapStyle.SquareCap if square else QtCore.Qt.PenCapStyle.RoundCap
        self.colours = palette(layer)
        self.pens = [self._pen(QtGui.QColor(*rgba)) for rgba in self.colours]
        self.outline = self._pen(QtGui.QColor(30, 30, 30, 170))
        self.regime = ""  # what the last paint drew: 'pyramid', 'binned' or 'symbols' (for tests, benchmarks)
        self._pyramid: DensityPyramid | None = None
        self._pyramid_stale = True
        self._level_images: dict[int, QtGui.QImage] = {}
        self._bounds = QtCore.QRectF()
        layer.events.reset.connect(self._on_data_changed)
        layer.events.changed.connect(self._on_data_changed)
        layer.events.visibility.connect(lambda visible: self.setVisible(visible))
        self.setVisible(layer.visible)
        self._on_data_changed()

    def _pen(self, colour: QtGui.QColor) -> QtGui.QPen:
        pen = QtGui.QPen(colour)
        pen.setCapStyle(self.cap)
        return pen

    def _on_data_changed(self, *_: object) -> None:
        self._pyramid_stale = True
        self._level_images.clear()
        self.prepareGeometryChange()
        layer = self.layer
        if len(layer):
            pad = 50.0
            self._bounds = QtCore.QRectF(layer.x.min() - pad, layer.y.min() - pad,
                                         np.ptp(layer.x) + 2 * pad, np.ptp(layer.y) + 2 * pad)
        else:
            self._bounds = QtCore.QRectF()
        self.update()

    def boundingRect(self) -> QtCore.QRectF:
        return self._bounds

    def pyramid(self) -> DensityPyramid | None:
        if self._pyramid_stale:
            layer = self.layer
            big = len(layer) >= PYRAMID_MIN_POINTS
            finest = 4096 if len(layer) > 200_000 else 2048
            self._pyramid = DensityPyramid(layer.x, layer.y, layer.style_codes(), len(layer.style_classes),
                                           finest=finest) if big else None
            self._pyramid_stale = False
        return self._pyramid

    # --- painting --------------------------------------------------------------------------------
    def paint(self, painter: QtGui.QPainter, option, widget=None) -> None:
        if not len(self.layer) or widget is None:
            return
        transform = painter.transform()
        inverse, invertible = transform.inverted()
        if not invertible:
            return
        view = inverse.mapRect(QtCore.QRectF(widget.rect()))
        xmin, ymin, xmax, ymax = view.left(), view.top(), view.right(), view.bottom()
        metres_per_pixel = abs(1.0 / transform.m11())
        if self.max_metres_per_pixel is not None and metres_per_pixel > self.max_metres_per_pixel:
            self.regime = "hidden at this scale"
            return
        pyramid = self.pyramid()
        many = pyramid is not None and pyramid.count_in(xmin, ymin, xmax, ymax) > SYMBOL_LIMIT
        level = pyramid.level_for(metres_per_pixel) if many else None
        painter.save()
        painter.resetTransform()
        if level is not None:
            self.regime = "pyramid"
            self._paint_pyramid(painter, transform, pyramid, level, xmin, ymin, xmax, ymax)
        else:
            rows = self.layer.in_box(xmin, ymin, xmax, ymax)
            px = transform.m11() * self.layer.x[rows] + transform.dx()
            py = transform.m22() * self.layer.y[rows] + transform.dy()
            if len(rows) > SYMBOL_LIMIT:
                self.regime = "binned"
                self._paint_binned(painter, widget.rect(), px, py, self.layer.style_codes()[rows])
            else:
                self.regime = "symbols"
                self._paint_symbols(painter, px, py, self.layer.style_codes()[rows], metres_per_pixel)
        painter.restore()

    def _paint_pyramid(self, painter, transform, pyramid, index, xmin, ymin, xmax, ymax) -> None:
        image = self._level_images.get(index)
        if image is None:
            level = pyramid.levels[index]
            rgba = np.ascontiguousarray(density_rgba(level.counts, level.worst, self.colours)[::-1])
            image = pg.functions.ndarray_to_qimage(rgba, QtGui.QImage.Format.Format_RGBA8888)
            self._level_images[index] = image
        c0, r0, c1, r1 = pyramid.window(index, xmin, ymin, xmax, ymax)
        if c1 <= c0 or r1 <= r0:
            return
        n = image.height()
        source = QtCore.QRectF(c0, n - r1, c1 - c0, r1 - r0)  # the image's rows run downwards
        left, bottom = pyramid.cell_origin(index, c0, r0)
        right, top = pyramid.cell_origin(index, c1, r1)
        target = transform.mapRect(QtCore.QRectF(QtCore.QPointF(left, bottom), QtCore.QPointF(right, top)))
        painter.drawImage(target, image, source)

    def _paint_binned(self, painter, rect, px, py, codes) -> None:
        width, height = rect.width() // SCREEN_BIN_PX + 1, rect.height() // SCREEN_BIN_PX + 1
        col = np.clip((px / SCREEN_BIN_PX).astype(np.intp), 0, width - 1)
        row = np.clip((py / SCREEN_BIN_PX).astype(np.intp), 0, height - 1)
        flat = row * width + col
        counts = np.bincount(flat, minlength=width * height).reshape(height, width)
        n_classes = len(self.layer.style_classes)
        worst = np.full(width * height, n_classes, dtype=np.int16)
        codes = np.where(codes < 0, n_classes, codes)
        np.minimum.at(worst, flat, codes.astype(np.int16))
        rgba = np.ascontiguousarray(density_rgba(counts, worst.reshape(height, width), self.colours))
        image = pg.functions.ndarray_to_qimage(rgba, QtGui.QImage.Format.Format_RGBA8888)
        painter.drawImage(QtCore.QRectF(0, 0, width * SCREEN_BIN_PX, height * SCREEN_BIN_PX), image)

    def _paint_symbols(self, painter, px, py, codes, metres_per_pixel) -> None:
        size = self.symbol_px * (1.6 if metres_per_pixel < 2 else 1.3 if metres_per_pixel < 8 else
                                 1.0 if metres_per_pixel < 60 else 0.7)
        self.outline.setWidthF(size + 2)
        passes = (True, False) if metres_per_pixel < 60 else (False,)  # outlines only once zoomed in
        order = [len(self.pens) - 1] + list(range(len(self.pens) - 2, -1, -1))  # unclassed, then mild→severe
        groups = [(code, np.flatnonzero(codes == (code if code < len(self.pens) - 1 else -1))) for code in order]
        for outline_pass in passes:
            for code, members in groups:
                if not len(members):
                    continue
                points = pg.functions.create_qpolygonf(len(members))
                buffer = pg.functions.ndarray_from_qpolygonf(points)
                buffer[:, 0], buffer[:, 1] = px[members], py[members]
                pen = self.outline if outline_pass else self.pens[code]
                if not outline_pass:
                    pen.setWidthF(size)
                painter.setPen(pen)
                painter.drawPoints(points)
