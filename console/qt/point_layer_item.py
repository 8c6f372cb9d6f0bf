"""One graphics item per point layer, with level of detail (see docs/architecture.md):

(a) many points visible, zoomed out: a window of the layer's density pyramid, drawn as cached image tiles;
(b) many points visible but zoomed in past the pyramid's finest cell: the visible points binned into a
    screen grid, drawn as one image;
(c) up to SYMBOL_LIMIT visible: real symbols, pre-rendered sprites drawn in one drawPixmapFragments call,
    most severe on top.
It paints in device pixels, so symbols keep their size at every zoom. It keeps x-sorted copies of the points,
so the points in view are a slice (plus a test on y), and restyles points in place when only their classes
change: live feeds change attributes often, and a rebuild of 1M points takes most of a second.
Restyles repaint the map at most every LIVE_REPAINT_MS (see LiveRepaint): under a busy feed the layers change
after every ingest tick, many times a second, and each repaint of the whole map costs the GUI thread 10-20 ms.
"""
from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from pyqtgraph.Qt.internals import PrimitiveArray
from PySide6 import QtCore, QtGui

from layers.base import PointLayer
from layers.density import DensityPyramid, class_index

SYMBOL_LIMIT = 30_000
PYRAMID_MIN_POINTS = SYMBOL_LIMIT  # smaller layers are always drawn as symbols
UNCLASSED = "#9aa5b1"
OUTLINE = QtGui.QColor(30, 30, 30, 170)
OUTLINE_MIN_MPP = 60.0  # zoomed out this far (metres per pixel), big layers are drawn without outlines...
OUTLINE_MAX_POINTS = 5_000  # ...but small ones keep them, so that e.g. a white 'no reading' stays legible
SCREEN_BIN_PX = 2
TILE = 512  # pyramid cells per side of a cached image tile (fewer, bigger tiles draw a little faster)
MAX_TILES = 64  # 1 MB each; beyond that the cache starts again
SATURATED = 11  # from 11 points up a density cell is opaque (see density_lut)
LIVE_REPAINT_MS = 250  # restyled points reach the screen within this; a paint for another reason shows them


class LiveRepaint(QtCore.QObject):
    """Repaints asked for by live changes, coalesced: the first after a quiet spell is immediate, later ones wait
    for LIVE_REPAINT_MS after it; every item waiting repaints in the same turn of the event loop (one paint)."""

    _instance: LiveRepaint | None = None

    def __init__(self) -> None:
        super().__init__()
        self._waiting: set[PointLayerItem] = set()
        self._last = 0.0  # time.monotonic() * 1000 of the last flush
        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._flush)

    @classmethod
    def request(cls, item: PointLayerItem) -> None:
        if cls._instance is None:
            cls._instance = LiveRepaint()
        cls._instance._request(item)

    def _request(self, item: PointLayerItem) -> None:
        self._waiting.add(item)
        if not self._timer.isActive():
            wait_ms = self._last + LIVE_REPAINT_MS - time.monotonic() * 1000
            self._timer.start(int(min(max(wait_ms, 0), LIVE_REPAINT_MS)))

    def _flush(self) -> None:
        self._last = time.monotonic() * 1000
        waiting, self._waiting = self._waiting, set()
        for item in waiting:
            try:
                item.update()
            except RuntimeError:  # its scene (and the C++ item) is gone
                pass


def palette(layer: PointLayer) -> np.ndarray:
    """RGBA per style class, plus a last row for unclassed objects."""
    colours = [QtGui.QColor(c.color) for c in layer.style_classes] + [QtGui.QColor(UNCLASSED)]
    return np.array([[c.red(), c.green(), c.blue(), 255] for c in colours], dtype=np.uint8)


def density_lut(colours: np.ndarray) -> np.ndarray:
    """One premultiplied RGBA pixel (as uint32) per (class, min(count, SATURATED)), flat: the colour of the
    worst class, opacity growing with the count. A lookup is far cheaper per frame than log2, clip and where."""
    counts = np.arange(SATURATED + 1)
    alpha = np.where(counts > 0, np.clip(120 + 40 * np.log2(np.maximum(counts, 1)), 0, 255), 0)
    rgba = np.empty((len(colours), len(counts), 4), dtype=np.uint8)
    rgba[..., :3] = colours[:, None, :3] * alpha[None, :, None] / 255 + 0.5
    rgba[..., 3] = alpha
    return rgba.view(np.uint32).reshape(-1)


def density_image(counts: np.ndarray, worst: np.ndarray, lut: np.ndarray) -> QtGui.QImage:
    pixels = lut[worst.astype(np.intp) * (SATURATED + 1) + np.minimum(counts, SATURATED)]
    # premultiplied RGBA8888 scales onto the screen faster than ARGB32 (measured) and needs no conversion
    return pg.functions.ndarray_to_qimage(pixels, QtGui.QImage.Format.Format_RGBA8888_Premultiplied)


class PointLayerItem(pg.GraphicsObject):
    def __init__(self, layer: PointLayer, symbol_px: float = 5.0, square: bool = False,
                 max_metres_per_pixel: float | None = None) -> None:
        super().__init__()
        self.layer = layer
        self.symbol_px = symbol_px
        self.square = square
        self.max_metres_per_pixel = max_metres_per_pixel  # zoomed out further, the layer is not drawn
        self.colours = palette(layer)
        self.lut = density_lut(self.colours)
        self.regime = ""  # what the last paint drew: 'pyramid', 'binned' or 'symbols' (for tests, benchmarks)
        self._stale = True  # the x-sorted copies and the pyramid need a rebuild
        # x-sorted copies of the points (codes as class_index) and each row's place in them
        self._xs = self._ys = self._codes = self._rank = np.empty(0)
        self._pyramid: DensityPyramid | None = None
        self._tiles: dict[tuple[int, int, int], QtGui.QImage] = {}  # (level, tile row, tile column)
        self._sprites: dict[tuple[float, bool, float], tuple[QtGui.QPixmap, int]] = {}
        self._fragments = PrimitiveArray(QtGui.QPainter.PixmapFragment, 10)
        self._bounds = QtCore.QRectF()
        layer.events.reset.connect(self._rebuild)
        layer.events.changed.connect(self._on_changed)
        self._rebuild()

    def _rebuild(self, *_: object) -> None:
        self._stale = True
        self.prepareGeometryChange()
        layer = self.layer
        if len(layer):
            pad = 50.0
            self._bounds = QtCore.QRectF(layer.x.min() - pad, layer.y.min() - pad,
                                         np.ptp(layer.x) + 2 * pad, np.ptp(layer.y) + 2 * pad)
        else:
            self._bounds = QtCore.QRectF()
        self.update()

    def _on_changed(self, rows) -> None:
        """Restyle in place when no point moved or arrived; otherwise rebuild on the next paint."""
        layer, rows = self.layer, np.asarray(rows, dtype=np.intp)
        if self._stale or len(layer) != len(self._xs):
            return self._rebuild()
        at = self._rank[rows]  # where the rows sit in the x-sorted copies
        if not (np.array_equal(self._xs[at], layer.x[rows]) and np.array_equal(self._ys[at], layer.y[rows])):
            return self._rebuild()
        codes = layer.style_codes()
        self._codes[at] = class_index(codes[rows], len(layer.style_classes))
        if self._pyramid is not None:
            self._drop_tiles(self._pyramid.restyle(rows, codes))
        LiveRepaint.request(self)

    def _drop_tiles(self, cells: np.ndarray) -> None:
        """Forget the cached tiles that show any of these finest cells, on every level."""
        r, c = np.divmod(cells, self._pyramid.levels[0].counts.shape[0])
        for index in range(len(self._pyramid.levels)):
            for key in set(zip(((r >> index) // TILE).tolist(), ((c >> index) // TILE).tolist())):
                self._tiles.pop((index, *key), None)

    def boundingRect(self) -> QtCore.QRectF:
        return self._bounds

    def pyramid(self) -> DensityPyramid | None:
        """The density pyramid (None for small layers); builds it and the x-sorted copies when stale."""
        if self._stale:
            layer = self.layer
            order, self._xs = layer._x_index()  # the layer's picking index: sorted once for both
            self._rank = np.empty_like(order)
            self._rank[order] = np.arange(len(order))
            self._ys = layer.y[order]
            self._codes = class_index(layer.style_codes(), len(layer.style_classes))[order]
            self._pyramid = None
            if len(layer) >= PYRAMID_MIN_POINTS:
                self._pyramid = DensityPyramid(layer.x, layer.y, layer.style_codes(), len(layer.style_classes))
            self._tiles.clear()
            self._stale = False
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
            lo, hi = np.searchsorted(self._xs, xmin, "left"), np.searchsorted(self._xs, xmax, "right")
            x, y, codes = self._xs[lo:hi], self._ys[lo:hi], self._codes[lo:hi]  # the strip in view
            inside = (y >= ymin) & (y <= ymax)
            if np.count_nonzero(inside) > SYMBOL_LIMIT:
                self.regime = "binned"
                self._paint_binned(painter, widget.rect(), transform, x, y, codes, inside)
            else:
                self.regime = "symbols"
                self._paint_symbols(painter, transform, x[inside], y[inside], codes[inside], metres_per_pixel,
                                    widget.devicePixelRatioF())
        painter.restore()

    def _paint_pyramid(self, painter, transform, pyramid, index, xmin, ymin, xmax, ymax) -> None:
        c0, r0, c1, r1 = pyramid.window(index, xmin, ymin, xmax, ymax)
        for row in range(r0 // TILE, (r1 - 1) // TILE + 1):
            for column in range(c0 // TILE, (c1 - 1) // TILE + 1):
                image = self._tile(pyramid, index, row, column)
                # Whole tiles: the painter clips what lies off screen.
                left, bottom = pyramid.cell_origin(index, column * TILE, row * TILE)
                right, top = pyramid.cell_origin(index, column * TILE + image.width(), row * TILE + image.height())
                target = transform.mapRect(QtCore.QRectF(QtCore.QPointF(left, bottom), QtCore.QPointF(right, top)))
                painter.drawImage(target, image)

    def _tile(self, pyramid, index, row, column) -> QtGui.QImage:
        key = (index, row, column)
        if key not in self._tiles:
            if len(self._tiles) >= MAX_TILES:
                self._tiles.clear()
            level = pyramid.levels[index]
            block = slice(row * TILE, (row + 1) * TILE), slice(column * TILE, (column + 1) * TILE)
            # the image's rows run downwards, the pyramid's upwards
            self._tiles[key] = density_image(level.counts[block][::-1], level.worst[block][::-1], self.lut)
        return self._tiles[key]

    def _paint_binned(self, painter, rect, transform, x, y, codes, inside) -> None:
        width, height = rect.width() // SCREEN_BIN_PX + 1, rect.height() // SCREEN_BIN_PX + 1
        col = (x * (transform.m11() / SCREEN_BIN_PX) + transform.dx() / SCREEN_BIN_PX).astype(np.intp)
        row = (y * (transform.m22() / SCREEN_BIN_PX) + transform.dy() / SCREEN_BIN_PX).astype(np.intp)
        # Points of the strip above or below the view go to one spare cell: cheaper than selecting the rest.
        flat = np.where(inside, row * width + col, width * height)
        counts = np.bincount(flat, minlength=width * height + 1)[:-1]
        worst = np.full(width * height + 1, len(self.layer.style_classes), dtype=np.int16)
        np.minimum.at(worst, flat, codes)
        image = density_image(counts.reshape(height, width), worst[:-1].reshape(height, width), self.lut)
        painter.drawImage(QtCore.QRectF(0, 0, width * SCREEN_BIN_PX, height * SCREEN_BIN_PX), image)

    def _paint_symbols(self, painter, transform, x, y, codes, metres_per_pixel, dpr) -> None:
        if not len(x):
            return
        size = self.symbol_px * (1.6 if metres_per_pixel < 2 else 1.3 if metres_per_pixel < 8 else
                                 1.0 if metres_per_pixel < OUTLINE_MIN_MPP else 0.7)
        outline = metres_per_pixel < OUTLINE_MIN_MPP or len(x) < OUTLINE_MAX_POINTS
        atlas, side = self._atlas(size, outline, dpr)
        order = np.argsort(len(self.colours) - codes, kind="stable")  # unclassed, then mild → severe on top
        self._fragments.resize(len(order))
        fragments = self._fragments.ndarray()  # per point: centre x, y; source rect; scale x, y; rotation; opacity
        fragments[:, 0] = x[order] * transform.m11() + transform.dx()
        fragments[:, 1] = y[order] * transform.m22() + transform.dy()
        fragments[:, 2] = codes[order] * side
        fragments[:, 3:10] = (0, side, side, 1 / dpr, 1 / dpr, 0, 1)
        painter.drawPixmapFragments(*self._fragments.drawargs(), atlas)

    def _atlas(self, size: float, outline: bool, dpr: float) -> tuple[QtGui.QPixmap, int]:
        """One anti-aliased sprite per class (and unclassed), side by side, at device resolution:
        stamping sprites costs a fraction of drawing wide round-capped points twice (outline, fill)."""
        key = (size, outline, dpr)
        if key not in self._sprites:
            side = int(np.ceil((size + 2) * dpr)) + 2  # + a pixel each side for the anti-aliased edge
            atlas = QtGui.QPixmap(side * len(self.colours), side)
            atlas.fill(QtCore.Qt.GlobalColor.transparent)
            painter = QtGui.QPainter(atlas)
            painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
            painter.setPen(QtCore.Qt.PenStyle.NoPen)
            for code, rgba in enumerate(self.colours):
                fill = QtGui.QColor(*rgba)
                shapes = [(size + 2, OUTLINE), (size, fill)] if outline else [(size, fill)]
                for diameter, colour in shapes:
                    d = diameter * dpr
                    rect = QtCore.QRectF((code + 0.5) * side - d / 2, (side - d) / 2, d, d)
                    painter.setBrush(colour)
                    (painter.drawRect if self.square else painter.drawEllipse)(rect)
            painter.end()
            self._sprites[key] = (atlas, side)
        return self._sprites[key]
