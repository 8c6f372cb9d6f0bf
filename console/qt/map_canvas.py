"""The map canvas: a pyqtgraph view in Web Mercator metres with the basemap and one item per layer."""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from console.core.crs import lonlat_to_mercator, mercator_to_lonlat
from console.core.feeds.base import pausing_feeds
from console.core.session import Session
from layers.basemap import Basemap

from .basemap_item import WATER, BasemapItem, DistrictLabelItem
from .footprint_item import FootprintItem
from .point_layer_item import PointLayerItem
from .style import SEVERITY_COLOURS

PICK_RADIUS_PX = 9
MAX_INCIDENT_MARKS = 1_000  # the most severe; more rings would hide the map they mark
METRES_PER_SCREEN_PIXEL = 0.0254 / 96  # a 96 dpi screen, to turn map resolution into a scale 1:n
# Layer drawing order (bottom first): symbol size in pixels, square or round, and the coarsest scale
# (metres per pixel) at which the layer is drawn: 30,000 cameras only make sense at street scale.
POINT_STYLE = {"construction_sites": (4, True, None), "trees": (4, False, None), "cameras": (4, False, 8.0),
               "stations": (9, False, None), "flood_points": (8, True, None)}


class MapCanvas(pg.GraphicsView):
    cursor_moved = QtCore.Signal(float, float)  # longitude, latitude
    place_menu_requested = QtCore.Signal(float, float, QtCore.QPoint)  # lon, lat, screen position (right click)
    view_changed = QtCore.Signal()
    first_painted = QtCore.Signal()  # once, after the first paint that showed the map

    def __init__(self, session: Session, basemap: Basemap, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent, background=WATER)
        self.session = session
        self.basemap = basemap
        self._painted = False
        self._pending_view: tuple[float, float, float, float] | None = None
        self.view = pg.ViewBox(lockAspect=True, enableMenu=False)
        self.view.setMouseMode(pg.ViewBox.PanMode)
        # Apply the view matrix as soon as the range changes, not in the next paint: halves frame times.
        self.view.sigRangeChanged.connect(self.view.updateMatrix)
        self.view.sigRangeChanged.connect(lambda *_: self.view_changed.emit())
        self.setCentralItem(self.view)
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)

        self.basemap_item = BasemapItem(basemap)
        self.view.addItem(self.basemap_item, ignoreBounds=True)
        self.labels = DistrictLabelItem(basemap)  # above the objects, so the city stays readable
        self.labels.setZValue(10)
        self.view.addItem(self.labels, ignoreBounds=True)
        self.basemap_item.visibility_changed.connect(
            lambda key, visible: self.labels.setVisible(visible) if key == "districts" else None)
        self.footprints = FootprintItem(session.layers["construction_sites"])
        self.view.addItem(self.footprints, ignoreBounds=True)
        self.point_items: dict[str, PointLayerItem] = {}
        for kind, (size, square, max_mpp) in POINT_STYLE.items():
            item = PointLayerItem(session.layers[kind], symbol_px=size, square=square, max_metres_per_pixel=max_mpp)
            self.point_items[kind] = item
            self.view.addItem(item, ignoreBounds=True)
        # open incidents of the view's role: a ring per incident, one item per severity (one pen each: fast)
        self.incident_marks: dict[str, pg.ScatterPlotItem] = {}
        self._incident_places: list[tuple[float, float, str]] = []  # what they show
        for rank, (severity, colour) in enumerate(SEVERITY_COLOURS.items()):
            item = pg.ScatterPlotItem(size=16, brush=None, pen=pg.mkPen(colour, width=2.5), pxMode=True)
            item.setZValue(5 + rank)  # the most severe on top
            self.incident_marks[severity] = item
            self.view.addItem(item, ignoreBounds=True)
        self.highlight = pg.ScatterPlotItem(size=24, pen=pg.mkPen("#00bcd4", width=3), brush=None)
        self.highlight_outline = pg.PlotCurveItem(pen=pg.mkPen("#00bcd4", width=3))
        self.view.addItem(self.highlight_outline, ignoreBounds=True)
        self.view.addItem(self.highlight, ignoreBounds=True)

        self.attribution = QtWidgets.QLabel(basemap.attribution, self)
        self.attribution.setStyleSheet("background: rgba(255,255,255,190); color: #444; padding: 1px 4px;"
                                       "font-size: 9pt;")
        self._attribution_width = self.attribution.sizeHint().width()
        self.attribution.setWordWrap(True)
        self._place_attribution()

        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_clicked)
        session.selection_changed.connect(self._show_selection)
        self.zoom_to_full()

    # --- view ------------------------------------------------------------------------------------
    def zoom_to_full(self) -> None:
        self.set_view_box(*self.basemap.extent())

    def set_view_box(self, xmin: float, ymin: float, xmax: float, ymax: float, padding: float = 0.02) -> None:
        self.view.setRange(xRange=(xmin, xmax), yRange=(ymin, ymax), padding=padding)

    def set_view_box_when_shown(self, box: tuple[float, float, float, float]) -> None:
        """Show `box` once the canvas has its final size: until the first paint, every resize re-applies
        it, so the locked aspect ratio does not stretch a view restored before the layout settled."""
        self._pending_view = box
        self.set_view_box(*box, padding=0)

    def view_box(self) -> tuple[float, float, float, float]:
        (xmin, xmax), (ymin, ymax) = self.view.viewRange()
        return xmin, ymin, xmax, ymax

    def centre_on(self, x: float, y: float, half_width: float = 600.0) -> None:
        self.set_view_box(x - half_width, y - half_width, x + half_width, y + half_width, padding=0)

    def metres_per_pixel(self) -> float:
        xmin, _, xmax, _ = self.view_box()
        return (xmax - xmin) / max(self.view.width(), 1)

    def scale_denominator(self) -> float:
        """The map scale 1:n at the view's centre (Web Mercator stretches by 1/cos(latitude))."""
        xmin, ymin, xmax, ymax = self.view_box()
        _, lat = mercator_to_lonlat((xmin + xmax) / 2, (ymin + ymax) / 2)
        ground = self.metres_per_pixel() * math.cos(math.radians(float(lat)))
        return ground / METRES_PER_SCREEN_PIXEL

    def zoom(self, factor: float) -> None:
        self.view.scaleBy((factor, factor))

    def pan(self, fx: float, fy: float) -> None:
        xmin, ymin, xmax, ymax = self.view_box()
        self.view.translateBy(x=(xmax - xmin) * fx, y=(ymax - ymin) * fy)

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        key = event.key()
        Key = QtCore.Qt.Key
        moves = {Key.Key_Left: (-0.2, 0), Key.Key_Right: (0.2, 0), Key.Key_Up: (0, 0.2), Key.Key_Down: (0, -0.2)}
        if key in moves:
            self.pan(*moves[key])
        elif key in (Key.Key_Plus, Key.Key_Equal):
            self.zoom(0.5)
        elif key == Key.Key_Minus:
            self.zoom(2.0)
        elif key in (Key.Key_Home, Key.Key_0):
            self.zoom_to_full()
        else:
            super().keyPressEvent(event)

    @pausing_feeds
    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self._pending_view = None
            QtCore.QTimer.singleShot(0, self.first_painted.emit)

    def resizeEvent(self, event: QtGui.QResizeEvent | None) -> None:
        super().resizeEvent(event)
        if getattr(self, "_pending_view", None):
            self.set_view_box(*self._pending_view, padding=0)
        if hasattr(self, "attribution"):  # pg.GraphicsView calls this once before __init__ ends
            self._place_attribution()

    def _place_attribution(self) -> None:
        """Bottom right, on one line, or on more when the map is narrower than that."""
        label = self.attribution
        width = min(self._attribution_width, max(self.width() - 8, 50))
        label.resize(width, label.heightForWidth(width))
        label.move(self.width() - width - 4, self.height() - label.height() - 4)

    # --- layers shown (per view: two role windows show different layers of the one session) -----------
    def layer_visible(self, kind: str) -> bool:
        return self.point_items[kind].isVisible()

    def set_layer_visible(self, kind: str, visible: bool) -> None:
        self.point_items[kind].setVisible(visible)
        if kind == "construction_sites":
            self.footprints.setVisible(visible)

    def show_incidents(self, places: list[tuple[float, float, str]]) -> None:
        """Rings at (lon, lat) coloured by severity; the last MAX_INCIDENT_MARKS given (the most severe). The same
        rings again change nothing: a desk sends them with every refresh, and setting a storm's took 3-24 ms."""
        places = places[-MAX_INCIDENT_MARKS:]
        if places == self._incident_places:
            return
        self._incident_places = places
        for severity, item in self.incident_marks.items():
            lon = np.array([p[0] for p in places if p[2] == severity], dtype=float)
            lat = np.array([p[1] for p in places if p[2] == severity], dtype=float)
            x, y = lonlat_to_mercator(lon, lat)
            item.setData(x=np.atleast_1d(x), y=np.atleast_1d(y))

    def incident_count(self) -> int:
        return sum(len(item.data) for item in self.incident_marks.values())

    # --- picking ---------------------------------------------------------------------------------
    def pick(self, x: float, y: float) -> tuple[str, str] | None:
        """The object under the map point (x, y): nearest point symbol within a few pixels, topmost layer
        first; else the construction site whose footprint contains it."""
        radius = PICK_RADIUS_PX * self.metres_per_pixel()
        best: tuple[float, str, str] | None = None
        for kind in reversed(POINT_STYLE):
            layer = self.session.layers[kind]
            if not self.layer_visible(kind) or kind == "construction_sites":
                continue
            found = layer.nearest(x, y, radius)
            if found and (best is None or found[1] < best[0]):
                best = (found[1], kind, str(layer.ids[found[0]]))
        if best:
            return best[1], best[2]
        sites = self.session.layers["construction_sites"]
        row = sites.containing(x, y, radius) if self.layer_visible("construction_sites") else None
        return None if row is None else ("construction_sites", str(sites.ids[row]))

    def _on_clicked(self, event) -> None:
        if event.button() == QtCore.Qt.MouseButton.RightButton:
            point = self.view.mapSceneToView(event.scenePos())
            lon, lat = mercator_to_lonlat(point.x(), point.y())
            self.place_menu_requested.emit(float(lon), float(lat), event.screenPos().toPoint())
            return
        if event.button() != QtCore.Qt.MouseButton.LeftButton or event.double():
            return
        point = self.view.mapSceneToView(event.scenePos())
        picked = self.pick(point.x(), point.y())
        self.session.select(*(picked or ("", "")))

    def _on_mouse_moved(self, scene_pos: QtCore.QPointF) -> None:
        point = self.view.mapSceneToView(scene_pos)
        lon, lat = mercator_to_lonlat(point.x(), point.y())
        self.cursor_moved.emit(float(lon), float(lat))

    def _show_selection(self, kind: str, object_id: str) -> None:
        layer = self.session.layers.get(kind)
        row = layer.row_of(object_id) if layer else None
        if row is None:
            self.highlight.setData([], [])
            self.highlight_outline.setData([], [])
            return
        self.highlight.setData([layer.x[row]], [layer.y[row]])
        footprints = getattr(layer, "footprints", None)
        if footprints is not None and len(footprints[row]):
            ring = np.vstack([footprints[row], footprints[row][:1]])
            self.highlight_outline.setData(ring[:, 0], ring[:, 1])
        else:
            self.highlight_outline.setData([], [])
