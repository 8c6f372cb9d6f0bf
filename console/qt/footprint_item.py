"""Construction-site footprints, drawn once the map is zoomed in far enough to see them.

Only the footprints in view are put into the path, one filled path per evacuation status."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from layers.base import PolygonLayer

MAX_METRES_PER_PIXEL = 12.0


class FootprintItem(pg.GraphicsObject):
    def __init__(self, layer: PolygonLayer) -> None:
        super().__init__()
        self.layer = layer
        self.styles = []
        for style in layer.style_classes:
            colour = QtGui.QColor(style.color)
            pen = QtGui.QPen(colour.darker(130), 1.2)
            pen.setCosmetic(True)
            fill = QtGui.QColor(colour)
            fill.setAlpha(90)
            self.styles.append((pen, QtGui.QBrush(fill)))
        self._boxes = np.empty((0, 4))
        layer.events.reset.connect(self._on_data_changed)
        layer.events.changed.connect(self._on_data_changed)
        self._on_data_changed()

    def _on_data_changed(self, *_: object) -> None:
        self.prepareGeometryChange()
        self._boxes = np.array([(*f.min(axis=0), *f.max(axis=0)) if len(f) else (np.nan,) * 4
                                for f in self.layer.footprints]).reshape(-1, 4)
        self._bounds = QtCore.QRectF()  # Qt asks for it on every repaint: worked out once per change
        if len(self._boxes):
            low, high = np.nanmin(self._boxes[:, :2], axis=0), np.nanmax(self._boxes[:, 2:], axis=0)
            self._bounds = QtCore.QRectF(low[0], low[1], high[0] - low[0], high[1] - low[1])
        self.update()

    def boundingRect(self) -> QtCore.QRectF:
        return self._bounds

    def paint(self, painter: QtGui.QPainter, option, widget=None) -> None:
        transform = painter.transform()
        if widget is None or abs(1.0 / transform.m11()) > MAX_METRES_PER_PIXEL:
            return
        view = transform.inverted()[0].mapRect(QtCore.QRectF(widget.rect()))
        boxes = self._boxes
        visible = np.flatnonzero((boxes[:, 2] >= view.left()) & (boxes[:, 0] <= view.right()) &
                                 (boxes[:, 3] >= view.top()) & (boxes[:, 1] <= view.bottom()))
        codes = self.layer.style_codes()[visible]
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        for code, (pen, brush) in enumerate(self.styles):
            path = QtGui.QPainterPath()
            for row in visible[codes == code]:
                ring = self.layer.footprints[row]
                path.addPolygon(QtGui.QPolygonF([QtCore.QPointF(x, y) for x, y in ring]))
            painter.setPen(pen)
            painter.setBrush(brush)
            painter.drawPath(path)
