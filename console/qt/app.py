"""Starting the desktop console: the Qt application, translations, the window, language switching."""
from __future__ import annotations

import time

from PySide6 import QtCore, QtWidgets

from console.core.basemap_loader import load_basemap
from console.core.feeds.manager import FeedManager
from console.core.session import Session

from .i18n import install_language
from .ingest import IngestPump, StallMeter
from .main_window import MainWindow


class ConsoleApp(QtCore.QObject):
    """Owns the window; switching language rebuilds it on the same session and view."""

    def __init__(self, app: QtWidgets.QApplication, session: Session, settings: QtCore.QSettings,
                 language: str, feeds: FeedManager | None = None) -> None:
        super().__init__()
        self.app = app
        self.session = session
        self.feeds = feeds or FeedManager(session)
        self.pump = IngestPump(self.feeds, self)
        self.stall_meter = StallMeter(parent=self)
        self.settings = settings
        self.basemap = load_basemap()
        self.language = language
        install_language(app, language)
        self.window = self._new_window()

    def shutdown(self) -> None:
        """Stop the feeds and the timers that read the session (before its store closes)."""
        self.pump.stop()
        self.feeds.stop_all()
        self.window.close()

    def _new_window(self) -> MainWindow:
        window = MainWindow(self.session, self.basemap, self.settings, self.feeds)
        window.language_requested.connect(self.switch_language)
        return window

    def switch_language(self, language: str) -> None:
        if language == self.language:
            return
        old = self.window
        old.save_settings()
        self.language = language
        self.settings.setValue("language", language)
        install_language(self.app, language)
        self.window = self._new_window()
        self.window.setGeometry(old.geometry())
        self.window.restoreState(old.saveState())
        self.window.canvas.set_view_box_when_shown(old.canvas.view_box())
        self.window.show()
        old.hide()
        old.deleteLater()


def qt_application() -> QtWidgets.QApplication:
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    app.setOrganizationName("emergency-console")
    app.setApplicationName("console")
    return app


def run_gui(session: Session, language: str | None, feed_configs: list | None = None,
            quit_after_first_paint: bool = False, started: float | None = None) -> int:
    """Show the console; returns the exit code. `quit_after_first_paint` prints the start-up time."""
    app = qt_application()
    settings = QtCore.QSettings()
    language = language or str(settings.value("language", "zh_CN"))
    settings.setValue("language", language)
    console = ConsoleApp(app, session, settings, language)
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
