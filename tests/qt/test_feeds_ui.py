"""The feed-health dock, the status bar's feed and signal indicators, and the feed dialog."""
import json

from PySide6 import QtWidgets

from console.core.feeds import base as feeds_base
from console.core.feeds.config import FeedConfig, load_feed_config
from helpers import free_port


def wait_for(qtbot, condition, timeout=10_000):
    qtbot.waitUntil(condition, timeout=timeout)


def test_feed_panel_shows_state_rejections_and_signals(console, qtbot, tmp_path):
    window = console.window
    recording = tmp_path / "feed.ndjson"
    lines = [{"id": "sig-1", "type": "warning_signal", "time": "2021-07-25T04:00:00+08:00", "hazard": "typhoon",
              "level": "orange"},
             {"id": "resp-1", "type": "response_level", "time": "2021-07-25T04:00:00+08:00", "level": "III"}]
    recording.write_text(json.dumps(lines[0]) + "\n{broken\n" + json.dumps(lines[1]) + "\n", encoding="utf-8")
    window.apply_feeds([FeedConfig("录制回放", "recorded", options={"path": str(recording), "speed": 0}),
                        FeedConfig("水务接口", "http", options={"url": f"http://127.0.0.1:{free_port()}/x",
                                                                "interval_s": 0.2, "timeout_s": 0.5})])
    wait_for(qtbot, lambda: console.session.city_state().get("response_level") == "III")
    wait_for(qtbot, lambda: window.feed_panel.table.rowCount() == 2 and
             window.feed_panel.table.item(0, 2).text() == "已结束")
    panel = window.feed_panel
    assert panel.table.item(0, 0).text() == "录制回放" and panel.table.item(0, 6).text() == "1"
    panel.table.selectRow(0)
    assert "line 2" in panel.rejections.item(0, 1).text() and "{broken" in panel.rejections.item(0, 2).text()
    wait_for(qtbot, lambda: panel.table.item(1, 2).text() == "重连中")
    window.refresh_status()
    assert "1 个数据源异常" in window.feed_label.text()
    assert "台风 橙色" in window.city_label.text() and "III 级响应" in window.city_label.text()
    window.apply_feeds([])
    window.refresh_status()
    assert "无实时数据源" in window.feed_label.text()


def test_feed_dialog_checks_and_saves_the_feeds(console, qtbot, tmp_path, monkeypatch):
    path = tmp_path / "feeds.toml"
    monkeypatch.setattr("console.qt.main_window.default_feed_config_path", lambda: path)
    dialog = console.window.configure_feeds()
    qtbot.addWidget(dialog)
    dialog.add_feed()
    dialog.name.setText("城市物联网")
    dialog.type.setCurrentText("http")  # adds the required 'url' row, still empty
    try:
        dialog.validate()
        raise AssertionError("an http feed without a url must be refused")
    except ValueError as exc:
        assert "url" in str(exc)
    url_row = next(r for r in range(dialog.options.rowCount()) if dialog.options.item(r, 0).text() == "url")
    dialog.options.item(url_row, 1).setText("http://127.0.0.1:9/readings")
    dialog._add_option_row("interval_s", "30")
    dialog._save()
    assert dialog.result() == QtWidgets.QDialog.DialogCode.Accepted.value, dialog.error.text()
    saved = load_feed_config(path)
    assert [(c.name, c.type, c.options["url"], c.options["interval_s"]) for c in saved] == [
        ("城市物联网", "http", "http://127.0.0.1:9/readings", 30)]
    console.window.apply_feeds([])


def test_readings_go_into_readings_by_object_on_the_maintenance_thread_while_the_pump_waits(console, qtbot, tmp_path,
                                                                                             monkeypatch):
    """Runs of readings reach readings_by_object on the store's maintenance thread, from half of READINGS_INDEX_EVERY
    on, before an ingest would carry one; the pump stores no batch while a run goes on."""
    import threading

    from console.core import history
    from console.core import store as store_module
    from console.qt import ingest

    monkeypatch.setattr(store_module, "READINGS_INDEX_EVERY", 8)
    store, pump = console.session.store, console.pump
    runs = []  # (thread, events not indexed yet)
    index_new_readings = ingest.index_new_readings

    def recorded(conn):
        runs.append((threading.current_thread().name, store.unindexed_events()))
        return index_new_readings(conn)
    monkeypatch.setattr(ingest, "index_new_readings", recorded)
    sensor = console.session.layers["flood_points"].attrs["sensor_id"][0]
    recording = tmp_path / "depths.ndjson"
    recording.write_text("".join(json.dumps({"id": f"d{n}", "type": "water_depth", "sensor_id": sensor,
                                             "time": f"2021-07-25T09:{n:02d}:00+08:00", "depth_cm": n}) + "\n"
                                 for n in range(30)), encoding="utf-8")
    window = console.window
    window.apply_feeds([FeedConfig("录制回放", "recorded", options={"path": str(recording), "speed": 0})])
    point = console.session.known.flood_point_of_sensor[sensor]
    wait_for(qtbot, lambda: len(history.readings(store, point, since="2021-07-25T01:00:00.000Z")) == 30)
    wait_for(qtbot, lambda: store.unindexed_events() < 4 and not pump.maintenance.indexing)
    assert runs and {thread for thread, _ in runs} == {"store-maintenance"}
    assert all(n >= 4 for _, n in runs)  # from half of READINGS_INDEX_EVERY on
    indexed = store.conn.execute("SELECT count(*) FROM readings_by_object WHERE object_id = ?", (point,)).fetchone()
    assert indexed[0] >= 27
    assert [p["depth_cm"] for _, p in history.readings(store, point, since="2021-07-25T01:00:00.000Z")] == \
        list(range(30))


def test_while_a_run_of_readings_goes_on_the_pump_stores_nothing(console):
    """The run holds SQLite's write lock on another connection: a batch would only wait for it on the GUI thread."""
    from console.core import events as ev
    from console.core.events import make_event

    pump = console.pump
    pump._timer.stop()
    pump.maintenance._indexing.set()  # as index_readings() does: a run asked for, not done yet
    pump._index_asked = True
    point = str(console.session.layers["flood_points"].ids[0])
    console.feeds.queue.put(make_event(ev.FLOOD_READING, {"id": point, "depth_cm": 12.0}))
    before = pump.total
    pump.pump()
    assert pump.total == before and console.feeds.waiting() == 1
    pump.maintenance._indexing.clear()
    pump.pump()  # the run is over: the store rereads how far readings are indexed, then takes the batch
    assert pump.total == before + 1 and console.feeds.waiting() == 0


def test_after_other_work_the_pump_lets_the_event_loop_turn_before_a_batch(console, monkeypatch):
    """A tick that comes late, or finds the heartbeat late (the GUI thread was busy painting, say), stores nothing
    and comes back at once, so that input and due timers run in between instead of waiting for both."""
    import time

    from console.core import events as ev
    from console.core.events import make_event
    from console.qt import ingest

    pump = console.pump
    point = str(console.session.layers["flood_points"].ids[0])
    heartbeat_late = [False]
    monkeypatch.setattr(ingest, "gui_heartbeat_late", lambda: heartbeat_late[0])
    for due, heartbeat_late[0] in ((time.perf_counter() - 0.5, False), (time.perf_counter() + 0.5, True)):
        console.feeds.queue.put(make_event(ev.FLOOD_READING, {"id": point, "depth_cm": 12.0}))
        before = pump.total
        pump._due, pump._yielded = due, False
        pump._tick()
        assert pump.total == before and pump._timer.isActive() and pump._timer.interval() == 0
        pump._tick()
        assert pump.total == before + 1


def test_a_tick_past_its_budget_leaves_the_rest_of_its_batch_for_the_next_ticks_in_order(console, monkeypatch):
    """When a tick runs past TICK_BUDGET_MS (the machine slowed down), its batch stops after the piece that passed
    it; the events left wait ahead of the queue and are stored by the next ticks, none lost and none reordered."""
    from console.core import events as ev
    from console.core.events import make_event
    from console.qt import ingest

    monkeypatch.setattr(ingest, "TICK_BUDGET_MS", 0.0)  # every piece ends past it
    pump, feeds = console.pump, console.feeds
    pump._timer.stop()
    monkeypatch.setattr(pump, "batch_limit", 400)
    points = [str(i) for i in console.session.layers["flood_points"].ids[:40]]
    readings = [make_event(ev.FLOOD_READING, {"id": points[n % 40], "depth_cm": float(n % 7)},
                           f"2021-07-25T02:{n // 60:02d}:{n % 60:02d}Z", id=f"slow-{n}") for n in range(400)]
    for event in readings:
        feeds.queue.put(event)
    before = pump.total
    pump.pump()
    assert pump.total - before == 50 and feeds.waiting() == 350  # the first piece: an eighth
    while feeds.waiting():
        pump.pump()
    stored = [e.id for batch in console.session.store.iter_event_batches() for e in batch if e.id.startswith("slow-")]
    assert stored == [e.id for e in readings]


def test_when_the_feeds_go_quiet_the_pump_writes_what_readings_changed(console, monkeypatch):
    """Readings' rows are written behind (store.py); with nothing more to store, a tick writes those that waited."""
    from console.core import events as ev
    from console.core import store as store_module
    from console.core.events import make_event

    pump, store = console.pump, console.session.store
    pump._timer.stop()
    monkeypatch.setattr(store_module, "WRITE_BEHIND_S", 3600.0)  # not due, however slow the machine
    point = str(console.session.layers["flood_points"].ids[0])
    console.feeds.queue.put(make_event(ev.FLOOD_READING, {"id": point, "depth_cm": 77.0}))
    pump.pump()

    def held() -> float | None:
        return store.conn.execute("SELECT depth_cm FROM flood_points WHERE id = ?", (point,)).fetchone()[0]
    assert held() != 77.0 and console.session.layers["flood_points"].feature(0)["depth_cm"] == 77.0
    pump.pump()  # quiet, but the row has not waited WRITE_BEHIND_S yet
    assert held() != 77.0
    monkeypatch.setattr(store_module, "WRITE_BEHIND_S", 0.0)
    pump.pump()
    assert held() == 77.0


def test_a_batch_that_could_not_be_stored_is_stored_next_time(console, monkeypatch):
    """The database was locked (a CLI import held it), say: the batch stays first in line, nothing is lost."""
    import sqlite3

    from console.core import events as ev
    from console.core.events import make_event

    pump, feeds, session = console.pump, console.feeds, console.session
    pump._timer.stop()
    points = [str(i) for i in session.layers["flood_points"].ids[:3]]
    for n, point in enumerate(points):
        feeds.queue.put(make_event(ev.FLOOD_READING, {"id": point, "depth_cm": 5.0}, id=f"locked-{n}"))
    ingest_until = session.ingest_until

    def locked(batch, deadline=None):
        raise sqlite3.OperationalError("database is locked")
    monkeypatch.setattr(session, "ingest_until", locked)
    try:
        pump.pump()
        raise AssertionError("the failure must reach the pump's caller")
    except sqlite3.OperationalError:
        pass
    assert feeds.waiting() == 3
    monkeypatch.setattr(session, "ingest_until", ingest_until)
    pump.pump()
    stored = [e.id for batch in session.store.iter_event_batches() for e in batch if e.id.startswith("locked-")]
    assert stored == ["locked-0", "locked-1", "locked-2"]


def test_the_status_bar_and_the_feed_panel_refresh_with_the_feeds_held_back(console, monkeypatch):
    """They run every second while feeds run; each Qt call gives up the GIL, and a busy feed thread kept it."""
    window, feeds_open = console.window, []
    health, city_state = window.feeds.health, window.session.city_state
    monkeypatch.setattr(window.feeds, "health", lambda: feeds_open.append(feeds_base._open.is_set()) or health())
    monkeypatch.setattr(window.session, "city_state",
                        lambda: feeds_open.append(feeds_base._open.is_set()) or city_state())
    window.refresh_status()
    window.feed_panel.refresh()
    assert feeds_open == [False, False, False] and feeds_base._open.is_set()  # refresh_status reads both
