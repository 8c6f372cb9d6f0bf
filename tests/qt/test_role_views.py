"""Role views: each desk sees its own alerts and tasks of the one session, and drives its tasks to the end; views
side by side share the selection and the clock without calling each other."""
from __future__ import annotations

import json
import time

import pytest
from PySide6 import QtCore, QtWidgets

from console.core import events as ev
from console.core.events import Event
from console.core.feeds import base as feeds_base
from console.qt import task_desk
from helpers import SCREENSHOTS

DAY = "2026-07-25T02:00:00.000Z"  # 10:00 in Beijing: day-time deadlines


def underpass(session) -> tuple[str, str]:
    layer = session.layers["flood_points"]
    row = list(layer.attrs["kind"]).index("underpass")
    return str(layer.ids[row]), layer.display_name(row)


def flood(object_id: str, depth_cm: float, time: str, event_id: str) -> Event:
    return Event(ev.FLOOD_READING, {"id": object_id, "depth_cm": depth_cm}, time, "test", event_id)


def desk_task(desk, action: str) -> dict:
    return next(t for t in desk.task_model.rows if t["action"] == action)


def click(qtbot, button: QtWidgets.QPushButton) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, QtCore.Qt.MouseButton.LeftButton)


@pytest.fixture
def views(console, qtbot):
    """The duty officer's window and a water-affairs and a fire-and-rescue window beside it."""
    water = console.open_view("water_affairs")
    fire = console.open_view("fire_rescue")
    for window in (water, fire):
        window.resize(1200, 800)
        qtbot.waitExposed(window)
    return console.window, water, fire


def test_each_desk_sees_its_own_alerts_and_tasks(views, qtbot):
    duty, water, fire = views
    session = duty.session
    flood_id, name = underpass(session)
    session.ingest([flood(flood_id, 30.0, DAY, "r-30")])
    for window in views:
        window.desk.refresh()
    # water affairs: drainage and the underpass closure, dispatched by the standing plan, due in 30 minutes
    drain = desk_task(water.desk, "drain")
    assert drain["state"] == "dispatched" and drain["due"] == "2026-07-25T02:30:00.000Z"
    assert {t["action"] for t in water.desk.task_model.rows} == {"drain", "close_underpass"}
    assert {a["rule"] for a in water.desk.alert_model.rows} == {"ponding.general", "ponding.underpass_closure"}
    # fire and rescue: nothing yet at 30 cm
    assert fire.desk.task_model.rows == [] and fire.desk.alert_model.rows == []
    # the water gets deep: a rescue task for fire and rescue on the same incident, which water affairs now sees
    session.ingest([flood(flood_id, 45.0, "2026-07-25T02:05:00.000Z", "r-45")])
    for window in views:
        window.desk.refresh()
    rescue = desk_task(fire.desk, "rescue")
    assert rescue["incident_id"] == drain["incident_id"] and rescue["due"] == "2026-07-25T02:20:00.000Z"
    assert {t["action"] for t in fire.desk.task_model.rows} >= {"rescue", "drain"}  # the shared incident's work
    assert not fire.desk.role.owns(desk_task(fire.desk, "drain")) and fire.desk.role.owns(rescue)
    assert fire.desk.task_model.rows[0]["action"] == "rescue"  # its own before the others' on the same incident
    assert len(duty.desk.incident_model.rows) == 1 and duty.desk.incident_model.rows[0]["severity"] == "extreme"
    assert "超时 0 个" in duty.desk.summary.text()


def drain_chosen(water) -> dict:
    """18 cm at an underpass: the drainage task the standing plan dispatches, chosen in the water-affairs desk."""
    flood_id, _ = underpass(water.session)
    water.session.ingest([flood(flood_id, 18.0, DAY, "r-18")])
    water.desk.refresh()
    drain = desk_task(water.desk, "drain")
    assert water.desk.select_task(drain["id"])
    return drain


def test_a_drainage_task_goes_from_alert_to_done_in_the_water_affairs_view(views, qtbot):
    duty, water, fire = views
    session = duty.session
    flood_id, name = underpass(session)
    drain = drain_chosen(water)
    # choosing the task selects its flood point for every view: the other windows' attribute panels show it
    assert session.selection == ("flood_points", flood_id)
    assert name in duty.identify_panel.heading.text() and name in fire.identify_panel.heading.text()
    buttons = water.desk.buttons
    for step in ("accepted", "en_route", "on_scene", "done"):
        click(qtbot, buttons[step])
        assert session.task(drain["id"])["state"] == step
        if step != "done":
            assert water.desk.select_task(drain["id"])  # still in the queue, still selected
    task = session.task(drain["id"])
    assert [h[0] for h in json.loads(task["history"])] == [
        "dispatched", "accepted", "en_route", "on_scene", "done"]
    assert all(h[1] == "water_affairs" for h in json.loads(task["history"])[1:])
    # a finished task leaves the queue (unless finished ones are shown) and cannot move again
    assert drain["id"] not in [t["id"] for t in water.desk.task_model.rows]
    water.desk.show_finished.setChecked(True)
    assert water.desk.select_task(drain["id"]) and not any(b.isEnabled() for k, b in buttons.items())
    # the duty officer's desk shows the history of the incident
    duty.desk.refresh()
    duty.desk.tabs.setCurrentWidget(duty.desk.incident_view)
    duty.desk.incident_view.selectRow(0)
    assert "已完成" in duty.desk.details.toPlainText() and "附近" in duty.desk.details.toPlainText()
    water.grab().save(str(SCREENSHOTS / "role-water-affairs.png"))


def test_the_duty_officer_dispatches_a_tree_task_and_greening_declines_it_with_a_reason(console, qtbot, monkeypatch):
    session = console.session
    greening = console.open_view("greening")
    qtbot.waitExposed(greening)
    trees = session.layers["trees"]
    row = list(trees.attrs["grade"]).index("very_high")
    tree_id = str(trees.ids[row])
    # an incident opened by hand on the tree, and a task for greening left for the duty officer to dispatch
    session.select("trees", tree_id)
    duty = console.window.desk
    duty.refresh()
    click(qtbot, duty.buttons["open_incident"])
    incident = session.query("incidents", "object_id = ?", [tree_id])[0]
    assert incident["opened_by"] == "duty_officer"
    duty.tabs.setCurrentWidget(duty.incident_view)
    duty.incident_view.selectRow(duty.incident_model.row_index(incident["id"]))
    assert duty.add_task("greening", "make_tree_safe", dispatch=False)
    task = session.query("tasks", "incident_id = ?", [incident["id"]])[0]
    assert task["state"] == "new" and task["due"] is None
    greening.desk.refresh()
    assert greening.desk.select_task(task["id"])
    assert not greening.desk.buttons["accepted"].isEnabled()  # not dispatched yet: nothing for greening to accept
    assert duty.select_task(task["id"])
    click(qtbot, duty.buttons["dispatch"])
    task = session.task(task["id"])
    assert task["state"] == "dispatched" and task["due"]  # the clock's time plus greening's 60 or 120 minutes
    greening.desk.refresh()
    assert greening.desk.select_task(task["id"])
    monkeypatch.setattr(QtWidgets.QInputDialog, "getText", lambda *a, **k: ("吊车在另一处抢险", True))
    click(qtbot, greening.desk.buttons["declined"])
    task = session.task(task["id"])
    assert task["state"] == "declined" and task["reason"] == "吊车在另一处抢险"


def test_a_late_task_is_escalated_to_the_duty_officer(console, qtbot):
    session = console.session
    flood_id, _ = underpass(session)
    session.ingest([flood(flood_id, 20.0, DAY, "r-20"),
                    flood(flood_id, 22.0, "2026-07-25T02:31:00.000Z", "r-22")])  # 31 minutes later, nobody there
    duty = console.window.desk
    duty.refresh()
    drain = desk_task(duty, "drain")
    assert drain["overdue"] == 1 and duty.task_model.rows[0]["id"] == drain["id"]  # overdue first
    assert "超时 1 个" in duty.summary.text() and "超时" in duty.task_model.data(duty.task_model.index(0, 0))


def test_a_move_that_is_not_allowed_is_explained_and_changes_nothing(views, qtbot):
    duty, water, _ = views
    session = duty.session
    drain = drain_chosen(water)
    before = session.store.event_count()
    assert not water.desk.move_task("declined", "")  # a decline without a reason
    assert "reason" in water.desk.status.text() and session.store.event_count() == before
    assert session.task(drain["id"])["state"] == "dispatched"


def test_role_is_switched_in_place_and_views_follow_one_clock(console, views, qtbot):
    duty, water, fire = views
    assert [w.role.key for w in console.windows] == ["duty_officer", "water_affairs", "fire_rescue"]
    assert fire.canvas.layer_visible("flood_points") and not fire.canvas.layer_visible("trees")
    assert duty.canvas.layer_visible("trees")
    assert duty.session_time_text() == water.session_time_text()  # one session clock
    assert "消防救援" in fire.windowTitle()
    # the fire window becomes greening's, in its place; the other windows stay as they were
    geometry = fire.geometry()
    fire.role_requested.emit("greening")
    greening = console.windows[2]
    assert greening is not fire and greening.role.key == "greening" and "绿化市容" in greening.windowTitle()
    assert greening.geometry() == geometry and greening.canvas.layer_visible("trees")
    assert not greening.canvas.layer_visible("flood_points")
    assert [w.role.key for w in console.windows[:2]] == ["duty_officer", "water_affairs"]


def test_an_incident_at_a_place_shows_the_cameras_nearest_to_it(console, qtbot):
    session = console.session
    cameras = session.layers["cameras"]
    lon, lat = 121.4737, 31.2304  # People's Square
    incident_id = session.open_incident("duty_officer", lon=lon, lat=lat, title="广场积水")
    desk = console.window.desk
    desk.refresh()
    desk.tabs.setCurrentWidget(desk.incident_view)
    desk.incident_view.selectRow(desk.incident_model.row_index(incident_id))
    panel = console.window.camera_panel
    listed = [str(cameras.ids[row]) for row, _ in panel.rows]
    expected = [camera for camera, _ in session.linked_objects(lon, lat)["cameras"]]
    assert listed[:len(expected)] == expected and expected  # nearest first, the same as the incident's links
    assert "广场积水" in panel.heading.text()


def test_the_duty_officer_raises_the_typhoon_signal_from_the_desk(console, qtbot, monkeypatch):
    from console.qt.task_desk import CityStateDialog

    desk = console.window.desk
    monkeypatch.setattr(CityStateDialog, "exec", lambda self: (
        self.boxes["typhoon_signal"].setCurrentIndex(self.boxes["typhoon_signal"].findData("orange")),
        QtWidgets.QDialog.DialogCode.Accepted)[1])
    click(qtbot, desk.buttons["city_state"])
    assert console.session.city_state()["typhoon_signal"] == "orange"
    # the orange signal orders every construction site evacuated, as water affairs notices
    desk.refresh()
    assert len(console.session.query("alerts", "rule = 'sites.evacuate'")) == len(console.session.layers[
        "construction_sites"])
    assert {t["action"] for t in desk.task_model.rows} == {"notify_evacuation"}
    console.window.refresh_status()
    assert "橙色" in console.window.city_label.text()


def test_the_duty_officer_opens_an_incident_where_they_right_click(console, qtbot):
    window = console.window
    menu = window._place_menu(121.4737, 31.2304, QtCore.QPoint(10, 10))
    assert [a.text() for a in menu.actions()] == ["在此立案"]
    menu.actions()[0].trigger()
    incidents = console.session.query("incidents")
    assert len(incidents) == 1 and incidents[0]["object_id"] == "" and incidents[0]["opened_by"] == "duty_officer"
    assert abs(incidents[0]["lon"] - 121.4737) < 1e-9 and abs(incidents[0]["lat"] - 31.2304) < 1e-9
    menu.close()
    assert console.open_view("greening")._place_menu(121.47, 31.23, QtCore.QPoint(10, 10)) is None


def test_the_desk_lists_the_most_urgent_rows_and_counts_them_all(views, monkeypatch):
    duty, water, _ = views
    flood_id, _ = underpass(duty.session)
    duty.session.ingest([flood(flood_id, 30.0, DAY, "r-30")])  # drain and close_underpass for water affairs
    monkeypatch.setattr(task_desk, "ROWS_SHOWN", 1)
    water.desk.refresh()
    assert len(water.desk.task_model.rows) == 1 and "未完成任务 2 个" in water.desk.summary.text()


def test_the_map_rings_every_open_incident_beyond_the_rows_listed(views, monkeypatch):
    duty, _, _ = views
    for k in range(3):
        duty.session.open_incident("duty officer", lon=121.40 + k / 100, lat=31.20, title=f"险情 {k}")
    monkeypatch.setattr(task_desk, "ROWS_SHOWN", 1)
    rings = []
    duty.desk.incidents_shown.connect(rings.append)
    duty.desk.refresh()
    assert len(duty.desk.incident_model.rows) == 1
    assert sorted(round(lon, 2) for lon, _, _ in rings[-1]) == [121.40, 121.41, 121.42]


def test_the_same_rings_again_are_not_drawn_again(console, monkeypatch):
    canvas = console.window.canvas
    places = [(121.40, 31.20, "severe"), (121.41, 31.20, "moderate")]
    canvas.show_incidents(places)
    assert canvas.incident_count() == 2
    drawn = []
    for item in canvas.incident_marks.values():
        monkeypatch.setattr(item, "setData", lambda *a, **k: drawn.append(k))
    canvas.show_incidents(list(places))  # a desk's refresh with nothing new
    assert drawn == []
    monkeypatch.undo()
    canvas.show_incidents(places[:1])  # one closed
    assert canvas.incident_count() == 1


def test_a_desk_step_waits_while_the_gui_heartbeat_is_overdue(console, qtbot, monkeypatch):
    """After something long on the GUI thread (an ingest tick, a repaint) the heartbeat and input go first: the
    desk's next step waits while the heartbeat is late, up to GIVE_WAY_FOR_S, not for as long as it stays late."""
    desk, session = console.window.desk, console.window.session
    desk.refresh()
    flood_id, _ = underpass(session)
    session.ingest([flood(flood_id, 30.0, DAY, "r-30")])
    late = [True]
    monkeypatch.setattr(task_desk, "gui_heartbeat_late", lambda: late[0])
    monkeypatch.setattr(task_desk, "GIVE_WAY_FOR_S", 60.0)  # longer than the test, however slow the machine
    desk._refresh_if_dirty()
    qtbot.wait(30)
    assert desk.incident_model.rows == [] and len(desk._steps) == 5  # the first step waits
    late[0] = False
    qtbot.waitUntil(lambda: not desk._steps, timeout=2000)  # the heartbeat on time: every step runs
    assert len(desk.incident_model.rows) == 1 and {t["action"] for t in desk.task_model.rows} == {
        "drain", "close_underpass"}
    monkeypatch.setattr(task_desk, "GIVE_WAY_FOR_S", 0.05)
    desk._dirty, late[0] = True, True
    desk._refresh_if_dirty()
    started = time.perf_counter()
    qtbot.waitUntil(lambda: not desk._steps, timeout=3000)  # late all along: each step waits its limit, then runs
    assert time.perf_counter() - started >= 5 * task_desk.GIVE_WAY_FOR_S


def test_a_desk_hidden_in_the_middle_of_a_refresh_reads_nothing_until_shown_again(console, qtbot, monkeypatch):
    """A window closed before its store (the console shutting down) must not have steps left that read it."""
    monkeypatch.setattr(task_desk, "gui_heartbeat_late", lambda: False)
    desk, session = console.window.desk, console.window.session
    desk.refresh()
    flood_id, _ = underpass(session)
    session.ingest([flood(flood_id, 30.0, DAY, "r-30")])
    desk._refresh_if_dirty()
    assert len(desk.incident_model.rows) == 1 and desk._steps  # the first step done, the others waiting
    read = []
    monkeypatch.setattr(session, "query", lambda *args, **kwargs: read.append(args) or [])
    desk.hide()
    qtbot.wait(50)
    assert read == [] and desk._steps == [] and desk._dirty  # what was left is done anew when shown
    monkeypatch.undo()
    desk.show()
    qtbot.waitUntil(lambda: not desk._steps and not desk._dirty, timeout=2000)
    assert {t["action"] for t in desk.task_model.rows} == {"drain", "close_underpass"}


def test_the_desk_takes_in_new_events_one_list_per_turn_of_the_event_loop(console, qtbot, monkeypatch):
    """In a storm a whole refresh held the GUI thread for 30-75 ms: the desk's own refresh reads one list per turn of
    the event loop (incidents, the map's rings, tasks, alerts, then the counts), so repaints and input come between
    them; all of it is there after a few turns."""
    monkeypatch.setattr(task_desk, "gui_heartbeat_late", lambda: False)  # the GUI's heartbeat on time
    window = console.window
    window.resize(1200, 800)
    qtbot.waitExposed(window)
    desk, session = window.desk, window.session
    desk.refresh()
    summary = desk.summary.text()
    rings = []
    desk.incidents_shown.connect(rings.append)
    flood_id, _ = underpass(session)
    session.ingest([flood(flood_id, 30.0, DAY, "r-30")])
    assert desk._dirty
    desk._refresh_if_dirty()
    assert len(desk.incident_model.rows) == 1  # the first step: the incidents
    assert rings == [] and desk.task_model.rows == [] and desk.alert_model.rows == []
    assert desk.summary.text() == summary
    qtbot.waitUntil(lambda: not desk._steps, timeout=2000)
    assert len(rings) == 1 and len(rings[0]) == 1  # the next: the map's ring at the underpass
    assert {t["action"] for t in desk.task_model.rows} == {"drain", "close_underpass"}
    assert {a["rule"] for a in desk.alert_model.rows} == {"ponding.general", "ponding.underpass_closure"}
    assert desk.summary.text() != summary and not desk._dirty


def test_the_desk_reads_the_store_with_the_feeds_held_back(console, qtbot, monkeypatch):
    """Its queries and Qt calls give up the GIL, and a busy feed thread kept it for milliseconds each time: the feeds
    wait while the desk refreshes, at once or step by step."""
    monkeypatch.setattr(task_desk, "gui_heartbeat_late", lambda: False)
    desk, session = console.window.desk, console.window.session
    flood_id, _ = underpass(session)
    session.ingest([flood(flood_id, 30.0, DAY, "r-30")])
    feeds_open, query = [], session.query
    monkeypatch.setattr(session, "query",
                        lambda *a, **k: feeds_open.append(feeds_base._open.is_set()) or query(*a, **k))
    desk.refresh()
    desk._dirty = True
    desk._refresh_if_dirty()
    qtbot.waitUntil(lambda: not desk._steps, timeout=2000)
    assert len(feeds_open) == 6 and not any(feeds_open)  # three lists read twice, all with the feeds waiting
    assert feeds_base._open.is_set()  # and they go on after
