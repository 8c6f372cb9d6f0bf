"""Replay in the console: the timeline moves every view to the moment chosen; nothing can be done to a recording."""
from __future__ import annotations

import hashlib
import time

import pytest
from PySide6 import QtCore

from console.core import events as ev
from console.core.events import make_event
from console.core.replay import Replay
from console.core.session import Session
from console.core.store import Store
from helpers import SCREENSHOTS, register


def record(path) -> None:
    """A live run: water rises at an underpass from 00:00 to 00:39 (alerts and tasks at 15 and 25 cm), the
    typhoon signal goes blue at 00:10."""
    store = Store(path)
    session = Session(store)
    session.ingest([register("flood_points", "FP-1", 121.47, 31.23, name="汶水路下立交", kind="underpass",
                             expected_interval_s=300),
                    register("cameras", "CAM-1", 121.4705, 31.2305, name="汶水路口", stream_url="rtsp://cam/1")])
    for minute in range(40):
        time.sleep(0.002)  # one append per millisecond at most: each is a moment of its own
        events = [make_event(ev.FLOOD_READING, {"id": "FP-1", "depth_cm": float(minute)},
                             f"2021-07-25T00:{minute:02d}:00Z", id=f"r{minute}")]
        if minute == 10:
            events.append(make_event(ev.SIGNAL_CHANGED, {"hazard": "typhoon", "level": "blue"},
                                     "2021-07-25T00:10:00Z", id="blue"))
        session.ingest(events)
    store.close()


@pytest.fixture
def replaying(tmp_path, qtbot):
    from console.qt.app import ConsoleApp, qt_application
    from console.qt.timeline import ReplayPlayer

    path = tmp_path / "recorded.db"
    record(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    replay = Replay(path, cache_folder=tmp_path / "cache")
    player = ReplayPlayer(replay)
    console = ConsoleApp(qt_application(), replay.session, QtCore.QSettings(), "zh_CN", player=player)
    player.seek(player.start)
    console.window.resize(1400, 900)
    console.window.show()
    qtbot.waitExposed(console.window)
    yield console, player, path
    console.shutdown()
    replay.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest  # the recording is never changed


def test_every_window_shows_the_moment_the_timeline_is_at(replaying, qtbot):
    console, player, _ = replaying
    window = console.window
    assert window.windowTitle().startswith("回放 REPLAY") and window.timeline is not None
    desk, floods = window.desk, console.session.layers["flood_points"]
    player.seek("2021-07-25T00:12:00.000Z")
    desk.refresh()
    assert floods.attrs["depth_cm"][0] == 12.0 and console.session.city_state()["typhoon_signal"] == "blue"
    assert [a["rule"] for a in desk.alert_model.rows] == []  # below 15 cm: no alert yet
    player.seek("2021-07-25T00:30:00.000Z")
    qtbot.waitUntil(lambda: {a["rule"] for a in desk.alert_model.rows} == {
        "ponding.general", "ponding.underpass_closure"}, timeout=3000)  # the desk re-reads after the jump
    assert floods.attrs["depth_cm"][0] == 30.0
    # back again: the alerts are gone, as they were then
    player.seek("2021-07-25T00:05:00.000Z")
    qtbot.waitUntil(lambda: desk.alert_model.rows == [], timeout=3000)
    assert console.session.city_state().get("typhoon_signal", "none") == "none"
    assert window.timeline.time_label.text() == "回放时间 2021-07-25 08:05"  # Beijing time
    window.grab().save(str(SCREENSHOTS / "replay.png"))


def test_stepping_to_the_next_alert_and_playing_forward(replaying, qtbot):
    console, player, _ = replaying
    player.seek("2021-07-25T00:05:00.000Z")
    assert player.step(1)
    assert player.position == "2021-07-25T00:15:00.000Z"  # the first alert: 15 cm at 00:15
    assert console.session.layers["flood_points"].attrs["depth_cm"][0] == 15.0
    player.set_speed(3600)
    player.play()
    qtbot.waitUntil(lambda: console.session.layers["flood_points"].attrs["depth_cm"][0] >= 25.0, timeout=5000)
    assert player.position > "2021-07-25T00:15:00.000Z" and console.session.clock.speed == 3600
    qtbot.waitUntil(lambda: not player.playing, timeout=5000)  # it stops at the end of the recording
    assert console.session.layers["flood_points"].attrs["depth_cm"][0] == 39.0


def test_nothing_can_be_done_to_a_recording(replaying):
    console, player, _ = replaying
    player.seek("2021-07-25T00:30:00.000Z")
    desk = console.window.desk
    desk.refresh()
    desk.tabs.setCurrentWidget(desk.task_view)
    desk.task_view.selectRow(0)
    assert desk.task_model.rows and not any(button.isEnabled() for button in desk.buttons.values())
    events = console.session.store.event_count()
    assert not desk.move_task("accepted")  # refused by the replay's store, said in the desk, nothing written
    assert desk.status.text() and console.session.store.event_count() == events
