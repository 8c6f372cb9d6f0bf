"""The main window: map in the middle, layers and search on the left, attributes on the right."""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import QT_TRANSLATE_NOOP

from console.core.crs import lonlat_to_mercator
from console.core.exercise import EXERCISE_MARK, ExerciseError, InjectError, hand_inject, is_exercise
from console.core.feeds.base import pausing_feeds
from console.core.feeds.config import default_feed_config_path
from console.core.feeds.manager import FeedManager
from console.core.roles import DEFAULT_ROLE, ROLES
from console.core.session import Session
from console.core.timefmt import BEIJING
from layers.basemap import Basemap

from .camera_panel import CameraPanel
from .charts import SensorChart, VitalSignsPanel
from .feed_dialog import FeedDialog
from .feed_panel import FeedPanel, state_text
from .i18n import translate
from .identify_panel import IdentifyPanel
from .import_dialog import ImportDialog
from .layer_panel import ORDER, LayerPanel
from .map_canvas import MapCanvas
from .review import ReviewWindow
from .style import SIGNAL_COLOURS
from .task_desk import TaskDesk
from .timeline import ReplayPlayer, TimelineWidget

SEARCH_LIMIT = 50
DEFAULT_SIZE = QtCore.QSize(1400, 900)
SIGNAL_NAMES = {"blue": QT_TRANSLATE_NOOP("signal", "blue"), "yellow": QT_TRANSLATE_NOOP("signal", "yellow"),
                "orange": QT_TRANSLATE_NOOP("signal", "orange"), "red": QT_TRANSLATE_NOOP("signal", "red")}
SIGNAL_TEXT = {"blue": "white", "yellow": "black", "orange": "black", "red": "white"}


REPLAY_MARK = "回放 REPLAY"  # bilingual on purpose, like 演习 EXERCISE: whoever looks, whatever the language


def mode_marks(session: Session, replaying: bool) -> list[tuple[str, str]]:
    """What marks a window that does not show the live city (text, colour): an exercise database, a replay."""
    marks = [(EXERCISE_MARK, "#c0392b")] if is_exercise(session.store) else []
    return marks + ([(REPLAY_MARK, "#6c3483")] if replaying else [])


class MainWindow(QtWidgets.QMainWindow):
    """One role's view of the session. Several can be open side by side; they share the session (selection,
    clock, data) and never call each other."""
    language_requested = QtCore.Signal(str)
    role_requested = QtCore.Signal(str)  # show this window as another role
    view_requested = QtCore.Signal(str)  # open another window for a role

    def __init__(self, session: Session, basemap: Basemap, settings: QtCore.QSettings,
                 feeds: FeedManager | None = None, role: str = DEFAULT_ROLE, player: ReplayPlayer | None = None,
                 parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.feeds = feeds or FeedManager(session)
        self.settings = settings
        self.role = ROLES[role]
        self.setObjectName("MainWindow")
        title = self.tr("Emergency Command Console — Shanghai")
        title = title if role == DEFAULT_ROLE else f"{title} — {translate('roles', self.role.label)}"
        self.marks = mode_marks(session, player is not None)  # 演习 EXERCISE / 回放 REPLAY: never mistaken for live
        self.setWindowTitle(" · ".join([text for text, _ in self.marks] + [title]))
        self.canvas = MapCanvas(session, basemap, self)
        self.setCentralWidget(self.canvas)
        for kind in session.layers:
            self.canvas.set_layer_visible(kind, kind in self.role.layers)

        self.layer_panel = LayerPanel(session, self.canvas)
        for kind, item in self.canvas.point_items.items():
            if item.max_metres_per_pixel is not None:
                self.layer_panel.layer_items[kind].setToolTip(0, self.tr("Drawn when zoomed in to street scale"))
        self.search_results = QtWidgets.QListWidget()
        self.search_results.hide()  # shown when a search finds something
        self.search_results.itemActivated.connect(self._on_result_activated)
        self.search_results.itemClicked.connect(self._on_result_activated)
        left = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical)
        left.addWidget(self.layer_panel)
        left.addWidget(self.search_results)
        left.setSizes([500, 160])
        self.layers_dock = self._dock("LayersDock", self.tr("Layers and legend"), left,
                                      QtCore.Qt.DockWidgetArea.LeftDockWidgetArea)
        self.identify_panel = IdentifyPanel(session)
        self.identify_dock = self._dock("IdentifyDock", self.tr("Attributes"), self.identify_panel,
                                        QtCore.Qt.DockWidgetArea.RightDockWidgetArea)
        self.feed_panel = FeedPanel(self.feeds)
        self.feeds_dock = self._dock("FeedsDock", self.tr("Feed health"), self.feed_panel,
                                     QtCore.Qt.DockWidgetArea.RightDockWidgetArea)
        self.desk = TaskDesk(session, self.role.key)
        self.desk.incidents_shown.connect(self.canvas.show_incidents)
        self.camera_panel = CameraPanel(session)
        self.desk.place_chosen.connect(self._show_place)
        self.canvas.place_menu_requested.connect(self._place_menu)
        self.cameras_dock = self._dock("CamerasDock", self.tr("Nearest cameras"), self.camera_panel,
                                       QtCore.Qt.DockWidgetArea.RightDockWidgetArea)
        self.sensor_chart = SensorChart(session)
        self.chart_dock = self._dock("ChartDock", self.tr("Sensor readings"), self.sensor_chart,
                                     QtCore.Qt.DockWidgetArea.RightDockWidgetArea)
        self.vital_signs = VitalSignsPanel(session, columns=6)  # a strip under the map: the six plots side by side
        # The desk and the vital signs share the bottom as tabs of one dock: Qt (6.11) leaves a stale tab bar on
        # screen when a window has two groups of tabified docks, so only the right side is tabified docks.
        self.bottom_tabs = QtWidgets.QTabWidget()
        self.bottom_tabs.setDocumentMode(True)
        self.bottom_tabs.addTab(self.desk, self.tr("Tasks and alerts"))
        self.bottom_tabs.addTab(self.vital_signs, self.tr("City vital signs"))
        self.desk_dock = self._dock("DeskDock", self.tr("Tasks and alerts"), self.bottom_tabs,
                                    QtCore.Qt.DockWidgetArea.BottomDockWidgetArea)
        for dock in (self.feeds_dock, self.cameras_dock, self.chart_dock):
            self.tabifyDockWidget(self.identify_dock, dock)
        self.timeline = TimelineWidget(player) if player is not None else None
        if self.timeline is not None:  # the whole width of the window, under everything
            bar = QtWidgets.QToolBar(self.tr("Replay timeline"))
            bar.setObjectName("TimelineBar")
            bar.setMovable(False)
            bar.addWidget(self.timeline)
            self.addToolBar(QtCore.Qt.ToolBarArea.BottomToolBarArea, bar)
        self.identify_dock.raise_()
        self._build_toolbar(basemap)
        self._build_menus()
        self._build_status_bar()
        self.canvas.cursor_moved.connect(self._show_cursor)
        self.canvas.view_changed.connect(self._show_scale)
        session.selection_changed.connect(self._on_selection)
        session.jumped.connect(self.refresh_status)
        # the session outlives windows rebuilt for another language or role
        self.destroyed.connect(lambda *_: (session.selection_changed.disconnect(self._on_selection),
                                           session.jumped.disconnect(self.refresh_status)))
        self._restore_settings()

    # --- construction ----------------------------------------------------------------------------
    def _dock(self, name: str, title: str, widget: QtWidgets.QWidget, area) -> QtWidgets.QDockWidget:
        dock = QtWidgets.QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_toolbar(self, basemap: Basemap) -> None:
        bar = self.addToolBar(self.tr("Map"))
        bar.setObjectName("MapToolBar")
        for text, colour in self.marks:
            mark = QtWidgets.QLabel(f" {text} ")
            mark.setStyleSheet(f"background: {colour}; color: white; font-weight: bold; font-size: 12pt; "
                               "padding: 2px 8px; border-radius: 3px;")
            bar.addWidget(mark)
            bar.addSeparator()
        self.full_extent_action = bar.addAction(self.tr("Whole city"), self.canvas.zoom_to_full)
        self.full_extent_action.setShortcut(QtGui.QKeySequence("Ctrl+0"))
        bar.addAction(self.tr("Zoom in"), lambda: self.canvas.zoom(0.5))
        bar.addAction(self.tr("Zoom out"), lambda: self.canvas.zoom(2.0))
        bar.addSeparator()
        self.district_box = QtWidgets.QComboBox()
        self.district_box.addItem(self.tr("Zoom to district…"), "")
        for name in sorted(set(basemap.theme("districts").names)):
            self.district_box.addItem(name, name)
        self.district_box.activated.connect(self._on_district_chosen)
        bar.addWidget(self.district_box)
        bar.addSeparator()
        self.search_box = QtWidgets.QLineEdit()
        self.search_box.setPlaceholderText(self.tr("Search by name or ID (Enter)"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMinimumWidth(240)
        self.search_box.setMaximumWidth(380)
        self.search_box.returnPressed.connect(lambda: self.search(self.search_box.text()))
        bar.addWidget(self.search_box)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.addAction(self.tr("&Import data…"), lambda: ImportDialog(self.session, self).open(),
                            QtGui.QKeySequence("Ctrl+I"))
        file_menu.addAction(self.tr("Open a recording for &replay…"), self.open_recording)
        file_menu.addAction(self.tr("After-action &review…"), self.open_review)
        file_menu.addAction(self.tr("&Quit"), self.close, QtGui.QKeySequence.StandardKey.Quit)
        feeds_menu = self.menuBar().addMenu(self.tr("F&eeds"))
        feeds_menu.addAction(self.tr("&Configure feeds…"), self.configure_feeds)
        feeds_menu.addAction(self.tr("Feed &health"), self._show_feeds)
        view_menu = self.menuBar().addMenu(self.tr("&View"))
        view_menu.addAction(self.full_extent_action)
        view_menu.addAction(self.layers_dock.toggleViewAction())
        view_menu.addAction(self.identify_dock.toggleViewAction())
        view_menu.addAction(self.feeds_dock.toggleViewAction())
        view_menu.addAction(self.desk_dock.toggleViewAction())
        view_menu.addAction(self.cameras_dock.toggleViewAction())
        view_menu.addAction(self.chart_dock.toggleViewAction())
        role_menu = self.menuBar().addMenu(self.tr("&Role"))
        roles = QtGui.QActionGroup(self)
        for key, role in ROLES.items():
            action = role_menu.addAction(translate("roles", role.label))
            action.setCheckable(True)
            action.setChecked(key == self.role.key)
            roles.addAction(action)
            action.triggered.connect(lambda _=False, k=key: self.role_requested.emit(k))
        views = role_menu.addMenu(self.tr("Open another view"))
        for key, role in ROLES.items():
            views.addAction(translate("roles", role.label), lambda k=key: self.view_requested.emit(k))
        language_menu = self.menuBar().addMenu(self.tr("&Language"))
        group = QtGui.QActionGroup(self)
        current = self.settings.value("language", "zh_CN")
        for code, label in (("zh_CN", "简体中文"), ("en", "English")):
            action = language_menu.addAction(label)
            action.setCheckable(True)
            action.setChecked(code == current)
            action.setData(code)
            group.addAction(action)
            action.triggered.connect(lambda _=False, c=code: self.language_requested.emit(c))
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(self.tr("&About"), self._about)

    def _build_status_bar(self) -> None:
        self.city_label = QtWidgets.QLabel()
        self.feed_label = QtWidgets.QLabel()
        self.feed_label.setCursor(QtCore.Qt.CursorShape.PointingHandCursor)
        self.feed_label.mousePressEvent = lambda _event: self._show_feeds()
        self.cursor_label = QtWidgets.QLabel()
        self.scale_label = QtWidgets.QLabel()
        self.counts_label = QtWidgets.QLabel()
        self.statusBar().addWidget(self.city_label)
        self.statusBar().addWidget(self.feed_label)
        for label in (self.counts_label, self.cursor_label, self.scale_label):
            label.setMinimumWidth(120)
            self.statusBar().addPermanentWidget(label)
        self._show_counts()
        for layer in self.session.layers.values():
            layer.events.reset.connect(self._show_counts)
        self._status_timer = QtCore.QTimer(self)
        self._status_timer.timeout.connect(self.refresh_status)
        self.refresh_status()

    @pausing_feeds
    def refresh_status(self) -> None:
        """The city's signals and response level, the clock, and whether every feed is healthy."""
        state = self.session.city_state()
        parts = [self.session_time_text()]
        for hazard, label in (("typhoon", self.tr("Typhoon")), ("rainstorm", self.tr("Rainstorm"))):
            level = state.get(f"{hazard}_signal", "none")
            if level != "none":
                parts.append(f"<span style='background:{SIGNAL_COLOURS[level]}; color:{SIGNAL_TEXT[level]};"
                             f" padding:0 4px'>&nbsp;{label} {translate('signal', SIGNAL_NAMES[level])}&nbsp;</span>")
        response = state.get("response_level", "none")
        if response != "none":
            parts.append(self.tr("Response level %1").replace("%1", response))
        self.city_label.setText(" ".join(parts))
        unhealthy = self.feeds.unhealthy()
        if not self.feeds.feeds:
            text, colour = self.tr("No live feeds"), "#5d6d7e"
        elif unhealthy:
            text = self.tr("%1 feed(s) need attention").replace("%1", str(len(unhealthy)))
            colour = "#c0392b"
        else:
            text, colour = self.tr("All feeds healthy"), "#1e8449"
        self.feed_label.setText(f"<span style='color:{colour}'>●</span> {text}")
        self.feed_label.setToolTip("\n".join(f"{s.name}: {state_text(s.state)} {s.detail}" for s in unhealthy))

    def session_time_text(self) -> str:
        moment = self.session.clock.now().astimezone(BEIJING)
        prefix = (self.tr("Replay time") if self.timeline is not None else
                  self.tr("Scenario time") if self.session.clock.simulated else self.tr("Beijing time"))
        return f"{prefix} {moment:%Y-%m-%d %H:%M}"

    def configure_feeds(self) -> FeedDialog:
        dialog = FeedDialog(self.feeds.configs, default_feed_config_path(), self)
        dialog.accepted.connect(lambda: self.apply_feeds(dialog.saved or []))
        dialog.open()
        return dialog

    def apply_feeds(self, configs: list) -> None:
        errors = self.feeds.configure(configs)
        if errors:
            box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Warning, self.tr("Some feeds did not start"),
                                        "\n".join(errors), parent=self)
            box.open()  # not exec(): the console keeps running while the message is shown
        self.feed_panel.refresh()
        self.refresh_status()

    def open_recording(self) -> None:
        """A recorded database replays in its own console process: this one stays live meanwhile."""
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self, self.tr("Open a recording"), "", self.tr("Console databases (*.db);;All files (*)"),
            options=QtWidgets.QFileDialog.Option.DontUseNativeDialog)
        if path:
            main = Path(__file__).resolve().parents[2] / "main.py"
            QtCore.QProcess.startDetached(sys.executable, [str(main), "replay", path])

    def open_review(self) -> ReviewWindow:
        """The after-action review of this console's database so far (it only reads)."""
        window = ReviewWindow(self.session.store, self)
        window.show()
        return window

    def _show_feeds(self) -> None:
        self.feeds_dock.show()
        self.feeds_dock.raise_()

    # --- behaviour -------------------------------------------------------------------------------
    def _show_cursor(self, lon: float, lat: float) -> None:
        self.cursor_label.setText(self.tr("Lon %1, Lat %2").replace("%1", f"{lon:.5f}").replace("%2", f"{lat:.5f}"))

    def _show_scale(self) -> None:
        self.scale_label.setText(self.tr("Scale 1:%1").replace("%1", f"{self.canvas.scale_denominator():,.0f}"))

    def _show_counts(self, *_: object) -> None:
        parts = [f"{translate('layers', self.session.layers[k].title)} {len(self.session.layers[k]):,}" for k in ORDER]
        self.counts_label.setText(" · ".join(parts))

    def _on_district_chosen(self, index: int) -> None:
        name = self.district_box.itemData(index)
        bounds = self.canvas.basemap.bounds_of("districts", name) if name else None
        if bounds:
            self.canvas.set_view_box(*bounds)

    def search(self, text: str) -> int:
        """Find objects by name or id in every layer; one hit is selected and shown at once."""
        self.search_results.clear()
        hits = []
        for kind in ORDER:
            layer = self.session.layers[kind]
            hits += [(kind, row) for row in layer.search(text, SEARCH_LIMIT - len(hits))]
        for kind, row in hits:
            layer = self.session.layers[kind]
            item = QtWidgets.QListWidgetItem(
                f"{layer.ids[row]}  {layer.display_name(row)}  ({translate('layers', layer.title)})")
            item.setData(QtCore.Qt.ItemDataRole.UserRole, (kind, str(layer.ids[row])))
            self.search_results.addItem(item)
        self.search_results.setVisible(bool(hits))
        if not hits:
            self.statusBar().showMessage(self.tr("Nothing found for “%1”").replace("%1", text), 5000)
        elif len(hits) == 1:
            self.show_object(*self.search_results.item(0).data(QtCore.Qt.ItemDataRole.UserRole))
        return len(hits)

    def _on_result_activated(self, item: QtWidgets.QListWidgetItem) -> None:
        self.show_object(*item.data(QtCore.Qt.ItemDataRole.UserRole))

    def show_object(self, kind: str, object_id: str) -> None:
        """Select an object and centre the map on it at street scale."""
        layer = self.session.layers[kind]
        row = layer.row_of(object_id)
        if row is None:
            return
        if not self.canvas.layer_visible(kind):
            self.layer_panel.set_layer_checked(kind, True)
        self.session.select(kind, object_id)
        self.canvas.centre_on(float(layer.x[row]), float(layer.y[row]))

    def _place_menu(self, lon: float, lat: float, where: QtCore.QPoint) -> QtWidgets.QMenu | None:
        """Right click on the map: the duty officer opens an incident there; in an exercise, the trainer injects
        a report there."""
        menu = QtWidgets.QMenu(self)
        if self.role.sees_all and self.session.derive:
            menu.addAction(self.tr("Open an incident here"), lambda: self.desk.open_incident_at(lon, lat))
        if is_exercise(self.session.store) and self.session.derive:
            menu.addAction(self.tr("Inject: a fallen tree here…"),
                           lambda: self._ask_inject("fallen_tree", lon, lat, self.tr("A fallen tree blocks the road.")))
            menu.addAction(self.tr("Inject: a flooding report here…"),
                           lambda: self._ask_inject("flood_report", lon, lat, self.tr("Water is rising here.")))
        if menu.isEmpty():
            return None
        menu.popup(where)
        return menu

    def _ask_inject(self, kind: str, lon: float, lat: float, text: str) -> None:
        text, ok = QtWidgets.QInputDialog.getText(self, self.tr("Exercise inject"), self.tr("What is reported:"),
                                                  text=text)
        if ok and text.strip():
            self.inject(kind, lon, lat, text.strip())

    def inject(self, kind: str, lon: float, lat: float, text: str) -> bool:
        """A trainer's inject at a place, now (by the exercise's clock); says why if it is refused."""
        feed = next((f for f in self.feeds.feeds if getattr(f, "overrides", None) is not None), None)
        try:
            hand_inject(self.session, kind, lon=lon, lat=lat, text=text,
                        overrides=feed.overrides if feed is not None else None)
        except (InjectError, ExerciseError, ValueError) as exc:
            self.statusBar().showMessage(str(exc), 10_000)
            return False
        self.statusBar().showMessage(self.tr("Injected: %1").replace("%1", text), 5000)
        return True

    def _show_place(self, lon: float, lat: float, title: str) -> None:
        """An incident at a place, not on an object: the map goes there, the cameras near it are listed."""
        x, y = (float(v) for v in lonlat_to_mercator(lon, lat))
        self.canvas.centre_on(x, y)
        self.camera_panel.show_near(x, y, title)

    def _on_selection(self, kind: str, object_id: str) -> None:
        if kind and not self.identify_dock.isVisible():
            self.identify_dock.show()

    def _about(self) -> None:
        QtWidgets.QMessageBox.about(
            self, self.tr("About"),
            self.tr("Emergency Command Console\nOne live picture of the city for typhoons and rainstorms.") +
            "\n\n" + self.canvas.basemap.attribution)

    # --- settings --------------------------------------------------------------------------------
    def _setting(self, key: str) -> str:
        """Settings are kept per role: each desk keeps its own layout, view and layers."""
        return f"{self.role.key}/{key}"

    def _restore_settings(self) -> None:
        geometry = self.settings.value(self._setting("window/geometry"))
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(DEFAULT_SIZE)
        state = self.settings.value(self._setting("window/state"))
        if state is not None:
            self.restoreState(state)
        else:
            self.resizeDocks([self.layers_dock, self.identify_dock], [290, 340], QtCore.Qt.Orientation.Horizontal)
            self.resizeDocks([self.desk_dock], [260], QtCore.Qt.Orientation.Vertical)
        box = self.settings.value(self._setting("map/view"))
        if box:
            self.canvas.set_view_box_when_shown(tuple(float(v) for v in box))
        for kind in self.session.layers:
            visible = self.settings.value(self._setting(f"layers/{kind}"))
            if visible is not None:
                self.layer_panel.set_layer_checked(kind, str(visible).lower() == "true")

    def save_settings(self) -> None:
        self.settings.setValue(self._setting("window/geometry"), self.saveGeometry())
        self.settings.setValue(self._setting("window/state"), self.saveState())
        self.settings.setValue(self._setting("map/view"), list(self.canvas.view_box()))
        for kind in self.session.layers:
            self.settings.setValue(self._setting(f"layers/{kind}"), self.canvas.layer_visible(kind))
        self.settings.sync()

    def showEvent(self, event: QtGui.QShowEvent) -> None:
        super().showEvent(event)
        self._status_timer.start(1000)
        self.feed_panel.start()

    def hideEvent(self, event: QtGui.QHideEvent) -> None:
        # A hidden window (closed, or replaced on a language switch) stops reading the session.
        self._status_timer.stop()
        self.feed_panel.stop()
        super().hideEvent(event)

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        self.save_settings()
        super().closeEvent(event)
