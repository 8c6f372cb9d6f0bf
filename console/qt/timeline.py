"""Replay on the GUI: a player that moves a `Replay` through time, and the timeline every window shows for it.

`ReplayPlayer` owns the position: play and pause, a speed from ×1 to ×3600, seeks (drag, a time), steps to the
previous or next alert. Playing, it advances the replay every tick by the scenario time that passed and sets the
session clock running at that speed, so staleness and charts age as they did live. A seek tells the views through
`Session.jumped`; the views never know whether they show live or replay.

`TimelineWidget` draws the recording: events per time bin, bands for the typhoon and rainstorm signals and the
response level, a tick for every alert and incident (coloured by severity), and a cursor to drag.
"""
from __future__ import annotations

import time
from datetime import datetime, timezone

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from console.core import events as ev
from console.core.replay import Replay
from console.core.timefmt import beijing_text, parse_time, to_utc_text

from .charts import date_axis, style_plot
from .style import LEVEL_COLOURS, SEVERITY_COLOURS

TICK_MS = 100
SPEEDS = (1, 10, 60, 300, 600, 1800, 3600)
DEFAULT_SPEED = 600
SEEK_WHILE_DRAGGING_MS = 250  # a seek at most this often while the cursor is dragged
BAND_ROWS = {"typhoon_signal": 0, "rainstorm_signal": 1, "response_level": 2}
BAND_HEIGHT = 0.09  # of the plot's height, per band row, above the density bars (which take 0..1)


def _epoch(text: str) -> float:
    return parse_time(text).timestamp()


def _text(epoch: float) -> str:
    return to_utc_text(datetime.fromtimestamp(epoch, timezone.utc))


def first_activity(recording) -> str:
    """When the recorded event begins: the first event that is not an object registration (a console's objects
    are loaded days before a typhoon, and the timeline would be mostly empty)."""
    row = recording.conn.execute("SELECT event_time FROM events WHERE type != ? ORDER BY event_time LIMIT 1",
                                 (ev.OBJECTS_REGISTERED,)).fetchone()
    return row[0] if row else (recording.first_time or "")


class ReplayPlayer(QtCore.QObject):
    position_changed = QtCore.Signal(str)  # the moment shown (UTC text)
    state_changed = QtCore.Signal(bool, float)  # playing, speed

    def __init__(self, replay: Replay, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.replay = replay
        self.session = replay.session
        self.recording = replay.recording
        self.speed = float(DEFAULT_SPEED)
        self.playing = False
        self.start = first_activity(self.recording)
        self.position = self.start
        self._wall = 0.0
        self._timer = QtCore.QTimer(self)
        self._timer.timeout.connect(self._tick)

    # --- control ------------------------------------------------------------------------------------
    def play(self) -> None:
        if self.playing or not self.recording.last_time:
            return
        if self.position >= self.recording.last_time:
            self.seek(self.start)  # from the start again
        self.playing = True
        self._wall = time.monotonic()
        self._timer.start(TICK_MS)
        self.session.clock.follow(parse_time(self.position), self.speed)
        self.state_changed.emit(True, self.speed)

    def pause(self) -> None:
        if not self.playing:
            return
        self.playing = False
        self._timer.stop()
        self.session.clock.follow(parse_time(self.position), 0)
        self.state_changed.emit(False, self.speed)

    def set_speed(self, speed: float) -> None:
        self.speed = float(min(max(speed, 1.0), 3600.0))
        if self.playing:
            self.session.clock.follow(parse_time(self.position), self.speed)
        self.state_changed.emit(self.playing, self.speed)

    def seek(self, when: str) -> None:
        """Show the city as it was at `when` (UTC text); playing goes on from there."""
        first, last = self.start or when, self.recording.last_time or when
        when = min(max(when, first), last)
        self.replay.seek(when)
        self._moved(when, jumped=True)

    def step(self, direction: int) -> bool:
        """To the previous (-1) or next (+1) alert or incident."""
        move = self.replay.step(direction)
        if move is None:
            return False
        self._moved(move.time or self.position, jumped=True)
        return True

    # --- playing ------------------------------------------------------------------------------------
    def _tick(self) -> None:
        now = time.monotonic()
        target = _text(_epoch(self.position) + (now - self._wall) * self.speed)
        self._wall = now
        last = self.recording.last_time or target
        move = self.replay.advance(min(target, last))
        self._moved(min(target, last), jumped=move.jumped)
        if target >= last:
            self.pause()

    def _moved(self, when: str, jumped: bool) -> None:
        self.position = when
        self.session.clock.follow(parse_time(when), self.speed if self.playing else 0)
        if jumped:
            self.session.jumped.emit()
        self.position_changed.emit(when)


class TimelineWidget(QtWidgets.QWidget):
    """The recording from start to end, the cursor at the moment shown, and the player's controls."""

    def __init__(self, player: ReplayPlayer, parent=None) -> None:
        super().__init__(parent)
        self.player = player
        recording = player.recording
        self.start = player.start
        font = self.font()
        self.plot_widget = pg.PlotWidget(background="w", axisItems={"bottom": date_axis(font)})
        self.plot_widget.setFixedHeight(120)
        plot = self.plot = self.plot_widget.getPlotItem()
        style_plot(plot, font)
        plot.hideAxis("left")
        plot.setMouseEnabled(x=True, y=False)
        plot.showGrid(x=True, y=False, alpha=0.15)
        self._draw(recording)
        self.cursor = pg.InfiniteLine(angle=90, movable=True, pen=pg.mkPen("#00bcd4", width=3),
                                      hoverPen=pg.mkPen("#0097a7", width=4))
        plot.addItem(self.cursor)
        self.cursor.sigPositionChanged.connect(self._dragging)
        self.cursor.sigPositionChangeFinished.connect(self._dropped)
        self._last_drag_seek = 0.0

        self.play_button = QtWidgets.QPushButton()
        self.play_button.clicked.connect(lambda: player.pause() if player.playing else player.play())
        self.previous_button = QtWidgets.QPushButton(self.tr("◀ Previous alert"))
        self.previous_button.clicked.connect(lambda: player.step(-1))
        self.next_button = QtWidgets.QPushButton(self.tr("Next alert ▶"))
        self.next_button.clicked.connect(lambda: player.step(1))
        self.speed_box = QtWidgets.QComboBox()
        for speed in SPEEDS:
            self.speed_box.addItem(f"×{speed}", speed)
        self.speed_box.setCurrentIndex(self.speed_box.findData(int(player.speed)))
        self.speed_box.activated.connect(lambda i: player.set_speed(self.speed_box.itemData(i)))
        self.time_label = QtWidgets.QLabel()
        self.time_label.setStyleSheet("font-weight: bold;")
        legend = QtWidgets.QLabel(self.tr("Bands: typhoon signal, rainstorm signal, response level · ticks: alerts"))
        legend.setStyleSheet("color: #5d6d7e;")
        controls = QtWidgets.QHBoxLayout()
        for widget in (self.previous_button, self.play_button, self.next_button, self.speed_box, self.time_label):
            controls.addWidget(widget)
        controls.addStretch(1)
        controls.addWidget(legend)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addLayout(controls)
        layout.addWidget(self.plot_widget)
        player.position_changed.connect(self._show_position)
        player.state_changed.connect(self._show_state)
        self._show_state(player.playing, player.speed)
        self._show_position(player.position)

    def _draw(self, recording) -> None:
        first, last = self.start, recording.last_time
        if not first or not last:
            return
        edges, counts = recording.density(min(400, max(20, int((_epoch(last) - _epoch(first)) // 600))), first, last)
        top = max(int(counts.max()), 1)
        self.plot.addItem(pg.BarGraphItem(x0=edges[:-1], x1=edges[1:], y0=0, height=counts / top,
                                          brush="#aab7c4", pen=None))
        for band in recording.bands():
            row = BAND_ROWS.get(band.key, 0)
            y0 = 1.05 + row * (BAND_HEIGHT + 0.02)
            self.plot.addItem(pg.BarGraphItem(x0=[_epoch(band.start)], x1=[_epoch(band.end)], y0=y0,
                                              height=BAND_HEIGHT, brush=LEVEL_COLOURS.get(band.level, "#bbbbbb"),
                                              pen=None))
        marks = recording.marks()
        alerts = [m for m in marks if m.kind == "alert"]
        if alerts:
            self.plot.addItem(pg.ScatterPlotItem(
                x=[_epoch(m.time) for m in alerts], y=np.full(len(alerts), -0.08), symbol="s", size=5, pen=None,
                brush=[pg.mkBrush(SEVERITY_COLOURS.get(m.severity, "#7f8c8d")) for m in alerts]))
        self.plot.setXRange(_epoch(first), _epoch(last), padding=0.01)
        self.plot.setYRange(-0.15, 1.05 + 3 * (BAND_HEIGHT + 0.02), padding=0)
        self.plot.setLimits(xMin=_epoch(first) - 3600, xMax=_epoch(last) + 3600)

    # --- following the player -----------------------------------------------------------------------
    def _show_position(self, when: str) -> None:
        if when:
            self.cursor.blockSignals(True)
            self.cursor.setValue(_epoch(when))
            self.cursor.blockSignals(False)
            self.time_label.setText(self.tr("Replay time %1").replace("%1", beijing_text(when, seconds=False)))

    def _show_state(self, playing: bool, speed: float) -> None:
        self.play_button.setText(self.tr("❚❚ Pause") if playing else self.tr("▶ Play"))
        self.speed_box.setCurrentIndex(self.speed_box.findData(int(speed)))

    # --- dragging the cursor ------------------------------------------------------------------------
    def _dragging(self) -> None:
        now = time.monotonic()
        if (now - self._last_drag_seek) * 1000 >= SEEK_WHILE_DRAGGING_MS:
            self._last_drag_seek = now
            self.player.seek(_text(self.cursor.value()))

    def _dropped(self) -> None:
        self.player.seek(_text(self.cursor.value()))

