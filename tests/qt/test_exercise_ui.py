"""An exercise in the console: its own database, marked in every window, and the trainer's injects on the map."""
from __future__ import annotations

import pytest
from PySide6 import QtCore

from console.core import events as ev
from console.core.exercise import load_exercise_objects, new_exercise_database, open_exercise_store
from console.core.session import Session
from helpers import SCREENSHOTS


@pytest.fixture
def drill(tmp_path, qtbot):
    from console.qt.app import ConsoleApp, qt_application

    path = new_exercise_database(tmp_path, name="夜间演练", scenario="in-fa")
    store = open_exercise_store(path)
    session = Session(store)
    load_exercise_objects(session)
    console = ConsoleApp(qt_application(), session, QtCore.QSettings(), "zh_CN")
    console.window.resize(1400, 900)
    console.window.show()
    qtbot.waitExposed(console.window)
    yield console
    console.shutdown()
    store.close()


def test_every_window_of_an_exercise_is_marked(drill, qtbot):
    water = drill.open_view("water_affairs")
    for window in (drill.window, water):
        assert window.windowTitle().startswith("演习 EXERCISE")
        assert window.marks == [("演习 EXERCISE", "#c0392b")]
    drill.window.grab().save(str(SCREENSHOTS / "exercise.png"))


def test_the_trainer_injects_a_fallen_tree_where_they_right_click(drill):
    window = drill.window
    menu = window._place_menu(121.4737, 31.2304, QtCore.QPoint(10, 10))
    assert [a.text() for a in menu.actions()] == ["在此立案", "演习注入：此处树木倒伏…", "演习注入：此处积水报告…"]
    menu.close()
    assert window.inject("fallen_tree", 121.4737, 31.2304, "人民广场一棵悬铃木倒伏")
    reports = drill.session.query("field_reports")
    assert [r["text"] for r in reports] == ["人民广场一棵悬铃木倒伏"]
    assert abs(reports[0]["lon"] - 121.4737) < 1e-6
    assert drill.session.store.conn.execute("SELECT count(*) FROM events WHERE type = ?",
                                            (ev.FIELD_REPORT,)).fetchone()[0] == 1
    assert not window.inject("fallen_tree", 100.0, 10.0, "far away")  # outside the city: refused, said
    assert "outside" in window.statusBar().currentMessage()


def test_a_real_database_never_takes_injects(console):
    menu = console.window._place_menu(121.4737, 31.2304, QtCore.QPoint(10, 10))
    assert [a.text() for a in menu.actions()] == ["在此立案"]
    menu.close()
    assert not console.window.inject("fallen_tree", 121.4737, 31.2304, "x")
    assert console.session.query("field_reports") == []
