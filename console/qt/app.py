"""Starting the desktop console: the Qt application, translations, the window, language switching."""
from __future__ import annotations

import time

from PySide6 import QtCore, QtWidgets

from console.core.basemap_loader import load_basemap
from console.core.feeds.manager import FeedManager
from console.core.heap import collect_less_often, freeze_long_lived
from console.core.roles import DEFAULT_ROLE
from console.core.session import Session

from .i18n import install_language
from .ingest import IngestPump, StallMeter
from .main_window import MainWindow
from .timeline import ReplayPlayer

ESCALATION_INTERVAL_MS = 5_000  # how often late tasks are looked for by the session clock


class ConsoleApp(QtCore.QObject):
    """Owns the windows (one per role view); switching language rebuilds them on the same session and view."""

    def __init__(self, app: QtWidgets.QApplication, session: Session, settings: QtCore.QSettings,
                 language: str, feeds: FeedManager | None = None, role: str = DEFAULT_ROLE,
                 player: ReplayPlayer | None = None) -> None:
        super().__init__()
        self.app = app
        self.session = session
        self.feeds = feeds or FeedManager(session)
        self.pump = IngestPump(self.feeds, self)
        self.stall_meter = StallMeter(parent=self)
        self.settings = settings
        self.basemap = load_basemap()
        self.language = language
        self.player = player  # a replay: every window shows its timeline
        install_language(app, language)
        self.windows: list[MainWindow] = [self._new_window(role)]
        collect_less_often()
        freeze_long_lived()
        if session.derive:  # the rules engine takes a moment to build: while the window is idle, not under load
            QtCore.QTimer.singleShot(0, self._build_rules)
        self._escalation = QtCore.QTimer(self)
        self._escalation.timeout.connect(session.escalate_overdue)
        self._escalation.start(ESCALATION_INTERVAL_MS)

    def _build_rules(self) -> None:
        self.session.rules  # noqa: B018 - built on first use
        freeze_long_lived()  # it lives as long as the console (heap.py)

    @property
    def window(self) -> MainWindow:
        """The first window (the one the console opened with)."""
        return self.windows[0]

    def shutdown(self) -> None:
        """Stop the feeds and the timers that read the session (before its store closes)."""
        self._escalation.stop()
        if self.player is not None:
            self.player.pause()
        self.pump.stop()
        self.stall_meter.stop()
        self.feeds.stop_all()
        for window in self.windows:
            window.close()

    def _new_window(self, role: str) -> MainWindow:
        window = MainWindow(self.session, self.basemap, self.settings, self.feeds, role, self.player)
        window.language_requested.connect(self.switch_language)
        window.role_requested.connect(lambda key, w=window: self._replace(w, key))
        window.view_requested.connect(self.open_view)
        return window

    def open_view(self, role: str) -> MainWindow:
        """Another window, for a role, beside the others."""
        window = self._new_window(role)
        self.windows.append(window)
        window.show()
        return window

    def switch_language(self, language: str) -> None:
        if language == self.language:
            return
        self.language = language
        self.settings.setValue("language", language)
        install_language(self.app, language)
        for window in list(self.windows):
            self._replace(window, window.role.key, keep_layout=True)

    def _replace(self, old: MainWindow, role: str, keep_layout: bool = False) -> MainWindow:
        """Rebuild a window (another language, or another role) where it was, with the same view of the map."""
        old.save_settings()
        new = self._new_window(role)
        new.setGeometry(old.geometry())
        if keep_layout:
            new.restoreState(old.saveState())
        new.canvas.set_view_box_when_shown(old.canvas.view_box())
        self.windows[self.windows.index(old)] = new
        new.show()
        old.hide()
        old.deleteLater()
        return new


def qt_application() -> QtWidgets.QApplication:
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    app.setOrganizationName("emergency-console")
    app.setApplicationName("console")
    return app


def run_gui(session: Session, language: str | None, feed_configs: list | None = None,
            quit_after_first_paint: bool = False, started: float | None = None, role: str = DEFAULT_ROLE) -> int:
    """Show the console; returns the exit code. `quit_after_first_paint` prints the start-up time."""
    app = qt_application()
    settings = QtCore.QSettings()
    language = language or str(settings.value("language", "zh_CN"))
    settings.setValue("language", language)
    console = ConsoleApp(app, session, settings, language, role=role)
    app.aboutToQuit.connect(console.shutdown)
    console.window.show()
    if feed_configs and not quit_after_first_paint:
        console.window.apply_feeds(feed_configs)
    if quit_after_first_paint:
        def report() -> None:
            print(f"first map paint after {time.perf_counter() - (started or 0):.3f} s", flush=True)
            app.quit()
        console.window.canvas.first_painted.connect(report)
    return app.exec()
