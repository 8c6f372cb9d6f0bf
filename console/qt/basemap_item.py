"""The offline vector basemap: land, districts, water and roads as one item; district names as another."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from layers.basemap import Basemap, BasemapTheme

# How each theme looks: fill, line colour, line width in pixels, and the largest metres-per-pixel at
# which it is drawn (roads only once a district fills the screen).
STYLE = {
    "outline": ("#f4f1ea", "#b9b2a3", 1.2, None),
    "districts": (None, "#a59d8f", 1.0, None),
    "shoreline": (None, "#7fa7c9", 1.0, None),
    "rivers": (None, "#6fa8dc", 3.0, None),
    "roads": (None, "#c9c2b6", 1.5, 25.0),
}
WATER = "#d5e6f3"


def _path(theme: BasemapTheme) -> QtGui.QPainterPath:
    path = QtGui.QPainterPath()
    for part in theme.parts:
        path.addPath(pg.functions.arrayToQPath(part[:, 0], part[:, 1]))
        if theme.geometry == "polygon":
            path.closeSubpath()
    return path


# The basemap and the district names change only with the view's scale or a theme switched on or off, while live
# layers repaint the map several times a second: both are kept as pixmaps of the screen (Qt's device-coordinate
# cache, redrawn on zoom, shifted on pan), which took a live repaint from about 20 ms to a few.
CACHE = QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache


class BasemapItem(pg.GraphicsObject):
    visibility_changed = QtCore.Signal(str, bool)  # theme key, visible

    def __init__(self, basemap: Basemap) -> None:
        super().__init__()
        self.setCacheMode(CACHE)
        self.basemap = basemap
        self.paths = {theme.key: _path(theme) for theme in basemap.themes}
        self.hidden: set[str] = set()
        xmin, ymin, xmax, ymax = basemap.extent()
        self._bounds = QtCore.QRectF(xmin, ymin, xmax - xmin, ymax - ymin)

    def set_theme_visible(self, key: str, visible: bool) -> None:
        (self.hidden.discard if visible else self.hidden.add)(key)
        self.update()
        self.visibility_changed.emit(key, visible)

    def boundingRect(self) -> QtCore.QRectF:
        return self._bounds

    def paint(self, painter: QtGui.QPainter, option, widget=None) -> None:
        metres_per_pixel = abs(1.0 / painter.transform().m11())
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, metres_per_pixel < 60)
        for theme in self.basemap.themes:
            fill, line, width, max_mpp = STYLE[theme.key]
            if theme.key in self.hidden or (max_mpp is not None and metres_per_pixel > max_mpp):
                continue
            pen = QtGui.QPen(QtGui.QColor(line), width)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setBrush(QtGui.QColor(fill) if fill else QtCore.Qt.BrushStyle.NoBrush)
            painter.drawPath(self.paths[theme.key])


class DistrictLabelItem(pg.GraphicsObject):
    """District names, each drawn only when its district is wide enough on screen to hold it."""

    def __init__(self, basemap: Basemap) -> None:
        super().__init__()
        self.setCacheMode(CACHE)
        self.labels = basemap.theme("districts").labels
        self.font = QtGui.QFont()
        self.font.setPointSizeF(10)
        self.font.setBold(True)
        xmin, ymin, xmax, ymax = basemap.extent()
        self._bounds = QtCore.QRectF(xmin, ymin, xmax - xmin, ymax - ymin)

    def boundingRect(self) -> QtCore.QRectF:
        return self._bounds

    def paint(self, painter: QtGui.QPainter, option, widget=None) -> None:
        transform = painter.transform()
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        metrics = QtGui.QFontMetrics(self.font)
        halo = QtGui.QPen(QtGui.QColor(255, 255, 255, 220), 3)
        for text, x, y, width in self.labels:
            box = metrics.boundingRect(text)
            if width * transform.m11() < 1.3 * box.width():
                continue
            at = transform.map(QtCore.QPointF(x, y)) - QtCore.QPointF(box.width() / 2, -box.height() / 4)
            path = QtGui.QPainterPath()
            path.addText(at, self.font, text)
            painter.strokePath(path, halo)
            painter.fillPath(path, QtGui.QColor("#4a4338"))
        painter.restore()
