from __future__ import annotations

import pytest
from PySide6 import QtCore


@pytest.fixture(autouse=True)
def private_settings(tmp_path):
    """Every Qt test gets its own settings file: nothing leaks from a user's or another test's."""
    QtCore.QSettings.setDefaultFormat(QtCore.QSettings.Format.IniFormat)
    QtCore.QSettings.setPath(QtCore.QSettings.Format.IniFormat, QtCore.QSettings.Scope.UserScope,
                             str(tmp_path / "settings"))
    yield


@pytest.fixture(autouse=True)
def source_language_after():
    """A test that opened the console in Chinese leaves no translator behind for the next one."""
    yield
    from console.qt.app import qt_application
    from console.qt.i18n import install_language

    install_language(qt_application(), "en")


@pytest.fixture
def console(qtbot, demo_copy):
    """The console on the demo, in Chinese, shown offscreen at a fixed size."""
    from console.core.session import Session
    from console.core.store import Store
    from console.qt.app import ConsoleApp, qt_application

    app = qt_application()
    store = Store(demo_copy)
    console = ConsoleApp(app, Session(store), QtCore.QSettings(), "zh_CN")
    window = console.window  # not given to qtbot: a language switch replaces and deletes it
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    yield console
    console.shutdown()
    store.close()

