"""The cameras panel: the cameras nearest to the selected object or incident, and their live streams.

Streams play in the console when QtMultimedia is installed (the optional 'video' extra, PySide6-Addons);
otherwise the stream address goes to whatever program the system opens such addresses with.
"""
from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from console.core.nearby import index_for
from console.core.session import Session

from .i18n import translate

try:
    from PySide6 import QtMultimedia, QtMultimediaWidgets
except ImportError:  # not installed, or its system libraries (PulseAudio, ...) are missing
    QtMultimedia = QtMultimediaWidgets = None

K_NEAREST = 6
RADIUS_M = 1000.0
COLUMNS = ("name", "distance", "state", "owner", "watches")


class CameraPanel(QtWidgets.QWidget):
    def __init__(self, session: Session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.cameras = session.layers["cameras"]
        self.rows: list[tuple[int, float]] = []  # (camera row, ground metres) as listed, nearest first
        self.players: dict[str, StreamPlayer] = {}  # open player windows by camera id
        # What the list is near: ("object", kind, id) follows that object; ("point", x, y, title) stays put.
        self._anchor: tuple | None = None

        self.heading = QtWidgets.QLabel()
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-weight: bold; font-size: 11pt; padding: 4px 2px;")
        self.table = QtWidgets.QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([
            translate("fields", "Name"), self.tr("Distance (m)"), translate("fields", "State"),
            translate("fields", "Owner"), translate("fields", "Watches")])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.table.cellDoubleClicked.connect(lambda index, _column: self.open_stream(index))
        self.table.itemSelectionChanged.connect(self._update_button)
        self.open_button = QtWidgets.QPushButton(self.tr("Open stream"))
        self.open_button.clicked.connect(lambda: self.open_stream())
        self.message = QtWidgets.QLabel()  # what happened to the last stream, or why the list is empty
        self.message.setWordWrap(True)
        buttons = QtWidgets.QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.open_button)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.heading)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

        # Cameras go offline and come back during a storm: keep the listed states (and the list) current.
        handlers = [(session.selection_changed, self._on_selection),
                    (self.cameras.events.changed, self._on_cameras_changed),
                    (self.cameras.events.reset, self._refresh)]
        for signal, handler in handlers:
            signal.connect(handler)
        # The session outlives the window (a language switch rebuilds it): a deleted panel must stop listening,
        # or the next selection would call into a widget Qt has already destroyed.
        self.destroyed.connect(lambda *_: [signal.disconnect(handler) for signal, handler in handlers])
        self._on_selection(*session.selection)

    # --- what to be near --------------------------------------------------------------------------
    def show_near(self, x: float, y: float, title: str) -> None:
        """List the cameras nearest to a place in EPSG:3857 metres (an incident, say), headed by `title`."""
        self._anchor = ("point", float(x), float(y), title)
        self._refresh()

    def _on_selection(self, kind: str, object_id: str) -> None:
        if not kind:
            self._anchor = None
        elif kind in self.session.layers:
            self._anchor = ("object", kind, object_id)
        else:
            return  # not a map object (an incident): its view calls show_near with where it is
        self._refresh()

    def _on_cameras_changed(self, _rows) -> None:
        self._refresh()

    # --- the list ---------------------------------------------------------------------------------
    def _place(self) -> tuple[float, float, str, int | None] | None:
        """Where the list is near: x, y, its title and the camera row to leave out (a selected camera)."""
        if self._anchor is None:
            return None
        if self._anchor[0] == "point":
            _, x, y, title = self._anchor
            return x, y, title, None
        _, kind, object_id = self._anchor
        layer = self.session.layers[kind]
        row = layer.row_of(object_id)
        if row is None:
            return None
        itself = row if layer is self.cameras else None
        return float(layer.x[row]), float(layer.y[row]), layer.display_name(row), itself

    def _refresh(self) -> None:
        selected_id = self._selected_camera_id()
        place = self._place()
        self.message.clear()
        if place is None:
            self.heading.setText(self.tr("Select an object or an incident to see the cameras nearest to it."))
            self._fill([])
            return
        x, y, title, itself = place
        self.heading.setText(self.tr("Cameras nearest to %1").replace("%1", title))
        # One more than shown when a camera is selected: the camera itself comes first, at 0 m.
        found = index_for(self.cameras).nearest(x, y, K_NEAREST + (itself is not None), RADIUS_M)
        self._fill([(row, distance) for row, distance in found if row != itself][:K_NEAREST])
        if not self.rows:
            self.message.setText(self.tr("No camera within %1 m.").replace("%1", f"{RADIUS_M:,.0f}"))
        elif selected_id is not None:  # a live update keeps the camera the user picked
            for index, (row, _) in enumerate(self.rows):
                if self.cameras.ids[row] == selected_id:
                    self.table.selectRow(index)

    def _fill(self, rows: list[tuple[int, float]]) -> None:
        self.rows = rows
        self.table.clearSelection()
        self.table.setRowCount(len(rows))
        greyed = self.palette().color(QtGui.QPalette.ColorGroup.Disabled, QtGui.QPalette.ColorRole.Text)
        attrs = self.cameras.attrs
        for index, (row, distance) in enumerate(rows):
            state = attrs["state"][row]
            texts = (attrs["name"][row], f"{distance:,.0f}", self._value_text("state", state),
                     attrs["owner"][row], attrs["watches"][row])
            for column, text in enumerate(texts):
                item = QtWidgets.QTableWidgetItem("" if text is None else str(text))
                if COLUMNS[column] == "distance":
                    item.setTextAlignment(QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter)
                if state == "offline":
                    item.setForeground(greyed)
                item.setToolTip(str(attrs["stream_url"][row] or ""))
                self.table.setItem(index, column, item)
        self.table.resizeColumnsToContents()
        self._update_button()

    def _value_text(self, field: str, value) -> str:
        """A coded value in the user's language, as the attribute panel shows it."""
        label = self.cameras.value_labels.get(field, {}).get(value)
        return translate("values", label) if label else ("" if value is None else str(value))

    def _selected_camera_id(self) -> str | None:
        index = self.table.currentRow() if self.table.selectionModel().hasSelection() else -1
        return str(self.cameras.ids[self.rows[index][0]]) if 0 <= index < len(self.rows) else None

    def _update_button(self) -> None:
        self.open_button.setEnabled(self.table.selectionModel().hasSelection())

    # --- streams --------------------------------------------------------------------------------
    def open_stream(self, index: int | None = None) -> None:
        """Play the stream of the listed camera at `index` (default: the selected one)."""
        if index is None:
            index = self.table.currentRow() if self.table.selectionModel().hasSelection() else -1
        if not 0 <= index < len(self.rows):
            return
        row = self.rows[index][0]
        camera_id, name = str(self.cameras.ids[row]), self.cameras.display_name(row)
        url = QtCore.QUrl(str(self.cameras.attrs["stream_url"][row] or ""))
        if url.isEmpty() or not url.isValid():
            self.message.setText(self.tr("%1 has no valid stream address.").replace("%1", name))
            return
        if QtMultimedia is not None:
            player = self.players.get(camera_id)
            if player is None:
                player = StreamPlayer(name, url, self)
                player.destroyed.connect(lambda _=None, key=camera_id: self.players.pop(key, None))
                self.players[camera_id] = player
            player.show()
            player.raise_()
            player.activateWindow()
            self.message.setText(self.tr("Playing %1.").replace("%1", name))
        elif QtGui.QDesktopServices.openUrl(url):
            self.message.setText(self.tr("%1 handed to the system's video player.").replace("%1", name))
        else:
            self.message.setText(self.tr("No program on this computer opens %1. Install the 'video' extra to "
                                         "play streams in the console.").replace("%1", url.toString()))


class StreamPlayer(QtWidgets.QWidget):
    """A small window playing one camera's stream; a stream that fails says why in the window."""

    def __init__(self, name: str, url: QtCore.QUrl, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent, QtCore.Qt.WindowType.Window)  # its own window, closed with the console
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(name)
        self.resize(640, 400)
        self.video = QtMultimediaWidgets.QVideoWidget()
        self.status = QtWidgets.QLabel(self.tr("Connecting to %1…").replace("%1", url.toString()))
        self.status.setWordWrap(True)
        self.status.setContentsMargins(6, 4, 6, 4)
        self.status.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.video, 1)
        layout.addWidget(self.status)
        self.player = QtMultimedia.QMediaPlayer(self)  # no audio output: cameras are watched, not heard
        self.player.setVideoOutput(self.video)
        self.player.errorOccurred.connect(self._on_error)
        self.player.mediaStatusChanged.connect(self._on_status)
        self.player.setSource(url)
        self.player.play()

    def _on_error(self, error, text: str) -> None:
        if error != QtMultimedia.QMediaPlayer.Error.NoError:
            self.status.setText(self.tr("Cannot play the stream: %1").replace("%1", text or str(error)))
            self.status.show()

    def _on_status(self, status) -> None:
        if status in (QtMultimedia.QMediaPlayer.MediaStatus.BufferedMedia,
                      QtMultimedia.QMediaPlayer.MediaStatus.LoadedMedia):
            self.status.hide()
        elif status == QtMultimedia.QMediaPlayer.MediaStatus.EndOfMedia:
            self.status.setText(self.tr("The stream ended."))
            self.status.show()

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        self.player.stop()  # release the network connection now, not when Python collects the window
        super().closeEvent(event)
