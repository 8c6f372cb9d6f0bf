"""Charts: the selected sensor's readings with its threshold lines, and the city's vital signs over the last hours.

Both read the session only (its store, clock and selection) and follow its signals; neither calls another view.
Times are plotted as POSIX seconds and labelled in Beijing time whatever the computer's time zone.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from console.core import events as ev
from console.core import history
from console.core.incidents import AGENCY_LABELS
from console.core.session import Session
from console.core.timefmt import BEIJING, parse_time
from console.core.vital_signs import VitalSigns, VitalSignsModel
from layers.flood_points import DEPTH_CLASSES

from .i18n import translate

BEIJING_UTC_OFFSET = -8 * 3600  # pyqtgraph's convention (time.timezone's): seconds west of UTC
HOURS = 12
REDRAW_MS = 300  # at most about three redraws a second, however fast readings come
VITAL_SIGNS_MS = 2000
CURVE_COLORS = {"depth_cm": "#1f5fa8", "wind_mean_ms": "#1f5fa8", "wind_gust_ms": "#8fb3e0", "rain_1h_mm": "#1f5fa8",
                "level_m": "#1f5fa8"}


class BeijingTimeAxis(pg.DateAxisItem):
    """pyqtgraph's date axis in Beijing time, with language-neutral labels: 07-26 at midnight, else 06:00."""

    def __init__(self, font: QtGui.QFont) -> None:
        super().__init__(orientation="bottom", utcOffset=BEIJING_UTC_OFFSET)
        self.setStyle(tickFont=font)

    def tickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph's name
        if spacing > 86400:
            return super().tickStrings(values, scale, spacing)  # weeks and more: pyqtgraph's own labels
        moments = [datetime.fromtimestamp(v, BEIJING) for v in values]
        return [m.strftime("%m-%d" if (m.hour, m.minute, m.second) == (0, 0, 0) else
                           "%H:%M:%S" if spacing < 60 else "%H:%M") for m in moments]


def date_axis(font: QtGui.QFont) -> pg.DateAxisItem:
    return BeijingTimeAxis(font)


def style_plot(plot: pg.PlotItem, font: QtGui.QFont) -> None:
    """Black text in the widget's font (the app's Chinese font) on white."""
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setStyle(tickFont=font)
        axis.setPen("#555555")
        axis.setTextPen("#222222")
        axis.label.setFont(font)
    plot.showGrid(x=True, y=True, alpha=0.15)
    plot.setMenuEnabled(False)


class SensorChart(QtWidgets.QWidget):
    """The selected flood point's water depth, or a station's wind, rain or tide level, over the last hours."""

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.object_id = ""
        self.sensor = ""  # history.sensor_kind of the selection, '' when it is not a sensor
        self.lines: list[pg.InfiniteLine] = []
        self.curves: dict[str, pg.PlotDataItem] = {}

        self.heading = QtWidgets.QLabel()
        self.heading.setStyleSheet("font-weight: bold; font-size: 11pt; padding: 4px 2px;")
        self.heading.setWordWrap(True)
        self.quantity = QtWidgets.QComboBox()  # wind or rain, for a weather station
        self.quantity.currentIndexChanged.connect(lambda _index: self.redraw())
        self.plot_widget = pg.PlotWidget(background="w", axisItems={"bottom": date_axis(self.font())})
        self.plot = self.plot_widget.getPlotItem()
        style_plot(self.plot, self.font())
        self.plot.setLabel("bottom", self.tr("Beijing time"))
        self.legend = self.plot.addLegend(offset=(-8, 8), brush=pg.mkBrush(255, 255, 255, 200), labelTextSize="9pt",
                                          labelTextColor="#222222")
        top = QtWidgets.QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.quantity)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.plot_widget, 1)

        self._throttle = QtCore.QTimer(self, singleShot=True, interval=REDRAW_MS)
        self._throttle.timeout.connect(self.redraw)
        session.selection_changed.connect(self._on_selection)
        session.ingested.connect(self._on_ingested)
        session.jumped.connect(self._on_jumped)
        self.destroyed.connect(lambda *_: self._disconnect(session))
        self._on_selection(*session.selection)

    def _disconnect(self, session: Session) -> None:
        session.selection_changed.disconnect(self._on_selection)
        session.ingested.disconnect(self._on_ingested)
        session.jumped.disconnect(self._on_jumped)

    # --- following the session ------------------------------------------------------------------------
    def _on_selection(self, kind: str, object_id: str) -> None:
        layer = self.session.layers.get(kind)
        row = layer.row_of(object_id) if layer is not None and object_id else None
        feature = layer.feature(row) if row is not None else {}
        self.sensor = history.sensor_kind(kind, feature) if row is not None else ""
        self.object_id = object_id if self.sensor else ""
        self.name = str(feature.get("name") or object_id)
        self.attrs = feature
        self.quantity.blockSignals(True)
        self.quantity.clear()
        if self.sensor == "weather":
            self.quantity.addItems([self.tr("Wind"), self.tr("Rain")])
        self.quantity.blockSignals(False)
        self.quantity.setVisible(self.sensor == "weather")
        self.redraw()

    def _on_jumped(self) -> None:
        if self.isVisible():
            self._throttle.start()

    def showEvent(self, event: QtGui.QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.redraw()  # what came in while it was hidden

    def hideEvent(self, event: QtGui.QHideEvent) -> None:  # noqa: N802
        # a hidden chart (another tab, a closed window whose store may be closed next) reads nothing
        self._throttle.stop()
        super().hideEvent(event)

    def _on_ingested(self, events: list) -> None:
        if self.object_id and self.isVisible() and not self._throttle.isActive() and any(
                e.type in ev.READING_TYPES and e.payload.get("id") == self.object_id for e in events):
            self._throttle.start()

    # --- drawing ------------------------------------------------------------------------------------
    def quantities(self) -> tuple[str, ...]:
        groups = history.QUANTITIES.get(self.sensor, ())
        return groups[max(self.quantity.currentIndex(), 0)] if groups else ()

    def redraw(self) -> None:
        self.plot.clear()  # curves, threshold lines and legend entries
        self.curves, self.lines = {}, []
        if not self.sensor:
            self.heading.setText(self.tr("Select a flood point or a station to see its readings."))
            return
        quantities = self.quantities()
        rows = self._recent_readings()
        self.heading.setText(self.tr("%1: %2").replace("%1", self.name).replace("%2", self._quantity_title()))
        self.plot.setLabel("left", self._quantity_title())
        top, bottom = -np.inf, 0.0
        for quantity in quantities:
            x, y = history.series(rows, quantity)
            curve = self.plot.plot(x, y, pen=pg.mkPen(CURVE_COLORS[quantity], width=2), name=self._curve_name(quantity),
                                   symbol="o" if len(x) < 30 else None, symbolSize=4)
            self.curves[quantity] = curve
            if len(y):
                top, bottom = max(top, float(y.max())), min(bottom, float(y.min()))
        lines = [line for line in history.threshold_lines(self.sensor, self.attrs, self.session.store.config)
                 if line.quantity in quantities]
        for line in sorted(lines, key=lambda item: item.value):
            text = translate("thresholds", line.label).replace("%1", f"{line.value:g}")
            pen = pg.mkPen(line.color, width=1.5, style=QtCore.Qt.PenStyle.DashLine)
            item = pg.InfiniteLine(pos=line.value, angle=0, pen=pen, label=text,
                                   labelOpts={"position": 0.02, "color": line.color, "anchors": [(0, 1), (0, 1)]})
            item.label.setFont(self.font())
            self.plot.addItem(item)
            self.lines.append(item)
            if line.value > top:
                break  # every line up to the first one the readings have not reached: how far the next step is
        values = [line.value() for line in self.lines] + ([top] if np.isfinite(top) else [])
        if values:
            self.plot.setYRange(min(0.0, bottom), max(values) * 1.2, padding=0)  # room for the legend
        if not rows:
            self.heading.setText(self.heading.text() + " — " + self.tr("no readings in the last %1 hours")
                                 .replace("%1", str(HOURS)))

    def _recent_readings(self) -> list:
        """The last HOURS of readings up to the session time; when the clock is far from the data (a finished
        scenario reviewed live), the last HOURS before the newest reading."""
        now = self.session.clock.now()
        rows = history.readings(self.session.store, self.object_id, since=now - timedelta(hours=HOURS), until=now)
        if not rows:
            latest = history.latest_time(self.session.store, self.object_id)
            if latest:
                end = parse_time(latest)
                rows = history.readings(self.session.store, self.object_id, since=end - timedelta(hours=HOURS))
        return rows

    def _quantity_title(self) -> str:
        return {"flood_point": self.tr("Water depth (cm)"), "tide": self.tr("Water level (m)")}.get(self.sensor) or (
            self.tr("Wind (m/s)") if "wind_mean_ms" in self.quantities() else self.tr("Rain, last hour (mm)"))

    def _curve_name(self, quantity: str) -> str:
        return {"depth_cm": self.tr("Water depth"), "wind_mean_ms": self.tr("Mean wind (2 min)"),
                "wind_gust_ms": self.tr("Gust"), "rain_1h_mm": self.tr("Rain, last hour"),
                "level_m": self.tr("Water level")}[quantity]


# The vital-signs plots: (key, curves); each curve is (VitalSigns attribute, index or None, colour). Titles and curve
# names are in VitalSignsPanel (translated there).
FAMILY_COLORS = {"ponding": "#f0932b", "tide": "#8e44ad", "rain": "#2e86de"}
AGENCY_COLORS = {"duty_officer": "#555555", "water_affairs": "#2e86de", "fire_rescue": "#c0392b",
                 "greening": "#27ae60", "construction": "#a1887f"}
FLOOD_CLASS_COLORS = {c.value: c.color for c in DEPTH_CLASSES if isinstance(c.value, int) and c.value > 0}


class VitalSignsPanel(QtWidgets.QWidget):
    """The city's vital signs over the last hours, as small multiples sharing one time axis: the alerts about water,
    trees at risk, construction sites, flood points by class, open incidents, overdue tasks by agency. Refreshed on a
    timer, and only when something was ingested since (the curves are a function of the log, not of the timer)."""

    def __init__(self, session: Session, parent=None, hours: float = HOURS,
                 step: timedelta = timedelta(minutes=10), columns: int = 2) -> None:
        """`columns`: the plots per row (2 for a tall panel; 6, one row, for a wide strip under the map)."""
        super().__init__(parent)
        self.session = session
        self.model = VitalSignsModel(session.store, hours, step)
        self.signs: VitalSigns | None = None
        self.refresh_s = 0.0  # how long the last refresh took (computing and drawing)
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.plots: dict[str, pg.PlotItem] = {}

        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("w")
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.graphics)
        agencies = {a: translate("agencies", label) for a, label in AGENCY_LABELS.items() if a in AGENCY_COLORS}
        flood_classes = {c.value: translate("legend", c.label) for c in DEPTH_CLASSES if c.value in FLOOD_CLASS_COLORS}
        specs = [
            ("alerts", self.tr("Active alerts: ponding, tide, rain"),
             [(f"alerts.{f}", name, FAMILY_COLORS[f]) for f, name in (
                 ("ponding", self.tr("Ponding")), ("tide", self.tr("Tide")), ("rain", self.tr("Rainstorm")))]),
            ("trees", self.tr("Trees at risk (active alerts)"),
             [("trees_at_risk", self.tr("Trees at risk"), "#27ae60")]),
            ("sites", self.tr("Construction sites"),
             [("sites_stop_orders", self.tr("Stop-work orders"), "#f1c40f"),
              ("sites_evacuation_orders", self.tr("Evacuation orders"), "#e67e22"),
              ("sites_stopped", self.tr("Work stopped (reported)"), "#a1887f"),
              ("sites_evacuated", self.tr("Evacuated (reported)"), "#8e44ad")]),
            ("floods", self.tr("Flood points by water depth"),
             [(f"flood_points.{c}", name, FLOOD_CLASS_COLORS[c]) for c, name in flood_classes.items()]),
            ("incidents", self.tr("Open incidents"), [("open_incidents", self.tr("Open incidents"), "#34495e")]),
            ("tasks", self.tr("Overdue tasks by agency"),
             [(f"overdue_tasks.{a}", name, AGENCY_COLORS[a]) for a, name in agencies.items()]),
        ]
        font = self.font()
        first = None
        for i, (key, title, curves) in enumerate(specs):
            plot = self.graphics.addPlot(row=i // columns, col=i % columns, axisItems={"bottom": date_axis(font)})
            style_plot(plot, font)
            plot.setTitle(title, size=f"{max(font.pointSizeF(), 9):g}pt", color="#222222")
            plot.getAxis("left").setWidth(48)  # the same width in every plot, so their time axes line up
            if len(curves) > 1:  # one curve: the title says what it is
                plot.addLegend(offset=(6, 4), brush=pg.mkBrush(255, 255, 255, 210), labelTextSize="8pt",
                               labelTextColor="#222222", colCount=2 if len(curves) > 2 else 1).setZValue(10)
            plot.setMouseEnabled(x=False, y=False)
            if first is None:
                first = plot
            else:
                plot.setXLink(first)
            for attribute, name, color in curves:
                self.curves[attribute] = plot.plot([], [], pen=pg.mkPen(color, width=2), name=name)
            self.plots[key] = plot

        self._pending = True
        self.timer = QtCore.QTimer(self, interval=VITAL_SIGNS_MS)
        self.timer.timeout.connect(self._tick)
        session.ingested.connect(self._on_ingested)
        session.jumped.connect(self._on_ingested)
        self.destroyed.connect(lambda *_: (session.ingested.disconnect(self._on_ingested),
                                           session.jumped.disconnect(self._on_ingested)))

    def showEvent(self, event: QtGui.QShowEvent) -> None:  # noqa: N802 - Qt's name
        # Only a panel on screen reads the session: a hidden tab, or a window closed before its store, does not.
        super().showEvent(event)
        self.timer.start()
        QtCore.QTimer.singleShot(0, self._tick)  # the first reading of the window takes a while: after it shows

    def hideEvent(self, event: QtGui.QHideEvent) -> None:  # noqa: N802
        self.timer.stop()
        super().hideEvent(event)

    def _on_ingested(self, _events: list | None = None) -> None:
        self._pending = True

    def _tick(self) -> None:
        if self._pending:
            self._pending = False
            self.refresh()

    def refresh(self) -> None:
        started = QtCore.QElapsedTimer()
        started.start()
        signs = self.signs = self.model.compute(self.session.clock.now())
        for attribute, curve in self.curves.items():
            name, _, key = attribute.partition(".")
            values = getattr(signs, name)
            if key:
                values = values[int(key) if name == "flood_points" else key]
            curve.setData(signs.times, values)
        for plot in self.plots.values():
            items = plot.listDataItems()
            top = max((float(c.yData.max()) for c in items if c.yData is not None and len(c.yData)), default=0.0)
            legend_rows = 0 if len(items) == 1 else (len(items) + 1) // 2 if len(items) > 2 else len(items)
            # room above the curves for the legend (a fifth of the height per row); 4 keeps small counts integers
            plot.setYRange(0, max(top, 4) / (1 - 0.2 * legend_rows), padding=0)
        self.plots["alerts"].setXRange(signs.times[0], signs.times[-1], padding=0)
        self.refresh_s = started.nsecsElapsed() / 1e9
