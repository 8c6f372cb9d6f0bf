"""The feed-health panel: every feed's state, freshness, rate and rejected messages with their reasons."""
from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import QT_TRANSLATE_NOOP

from console.core.feeds.base import FeedState, HealthSnapshot, pausing_feeds
from console.core.feeds.manager import FeedManager
from console.core.timefmt import beijing_text

from .i18n import translate

STATE_TEXT = {
    FeedState.IDLE: QT_TRANSLATE_NOOP("feed_state", "Not started"),
    FeedState.CONNECTING: QT_TRANSLATE_NOOP("feed_state", "Connecting"),
    FeedState.CONNECTED: QT_TRANSLATE_NOOP("feed_state", "Connected"),
    FeedState.RECONNECTING: QT_TRANSLATE_NOOP("feed_state", "Reconnecting"),
    FeedState.DOWN: QT_TRANSLATE_NOOP("feed_state", "Down"),
    FeedState.STALE: QT_TRANSLATE_NOOP("feed_state", "Stale"),
    FeedState.FINISHED: QT_TRANSLATE_NOOP("feed_state", "Finished"),
}
STATE_COLOUR = {FeedState.CONNECTED: "#1e8449", FeedState.FINISHED: "#5d6d7e", FeedState.IDLE: "#5d6d7e",
                FeedState.CONNECTING: "#b9770e", FeedState.RECONNECTING: "#b9770e", FeedState.STALE: "#b9770e",
                FeedState.DOWN: "#c0392b"}


def state_text(state: FeedState) -> str:
    return translate("feed_state", STATE_TEXT[state])


class FeedPanel(QtWidgets.QWidget):
    def __init__(self, feeds: FeedManager, parent=None) -> None:
        super().__init__(parent)
        self.feeds = feeds
        self.table = QtWidgets.QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels([self.tr("Feed"), self.tr("Kind"), self.tr("State"),
                                              self.tr("Last message"), self.tr("Msg/s"), self.tr("Accepted"),
                                              self.tr("Rejected")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self.refresh)
        self.rejections = QtWidgets.QTableWidget(0, 3)
        self.rejections.setHorizontalHeaderLabels([self.tr("Time"), self.tr("Reason"), self.tr("Message")])
        self.rejections.verticalHeader().setVisible(False)
        self.rejections.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rejections.horizontalHeader().setStretchLastSection(True)
        self.rejections_label = QtWidgets.QLabel(self.tr("Rejected messages (the last 100 of the selected feed)"))
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table, 2)
        layout.addWidget(self.rejections_label)
        layout.addWidget(self.rejections, 3)
        self._timer = QtCore.QTimer(self)
        self._timer.timeout.connect(self.refresh)
        self.refresh()

    def start(self) -> None:
        self._timer.start(1000)

    def stop(self) -> None:
        self._timer.stop()

    @pausing_feeds
    def refresh(self) -> None:
        snapshots = self.feeds.health()
        selected = self.table.currentRow()
        self.table.blockSignals(True)
        self.table.setRowCount(len(snapshots))
        for row, snap in enumerate(snapshots):
            age = "—" if snap.age_s is None else self.tr("%1 s ago").replace("%1", f"{snap.age_s:,.0f}")
            cells = [snap.name, snap.kind, state_text(snap.state), age, f"{snap.rate:,.1f}", f"{snap.accepted:,}",
                     f"{snap.rejected:,}"]
            for column, text in enumerate(cells):
                item = QtWidgets.QTableWidgetItem(text)
                if column == 2:
                    item.setForeground(QtGui.QColor(STATE_COLOUR[snap.state]))
                    item.setToolTip(snap.detail)
                self.table.setItem(row, column, item)
        if snapshots and selected < 0:
            selected = next((i for i, s in enumerate(snapshots) if s.rejected), 0)
        if 0 <= selected < len(snapshots):
            self.table.selectRow(selected)
        self.table.blockSignals(False)
        self._show_rejections(snapshots[selected] if 0 <= selected < len(snapshots) else None)

    def _show_rejections(self, snapshot: HealthSnapshot | None) -> None:
        rejections = list(reversed(snapshot.rejections)) if snapshot else []
        self.rejections.setRowCount(len(rejections))
        for row, rejection in enumerate(rejections):
            for column, text in enumerate((beijing_text(rejection.at), rejection.reason, rejection.excerpt)):
                self.rejections.setItem(row, column, QtWidgets.QTableWidgetItem(text))
        self.rejections.resizeColumnToContents(0)
        self.rejections.resizeColumnToContents(1)
