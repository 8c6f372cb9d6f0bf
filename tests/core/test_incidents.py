"""Incidents and tasks (console/core/incidents.py, dispatch.py) through a real Session and Store: the task life cycle,
the standing dispatch plan (resources/config/dispatch.toml), deadlines and escalation by event time, people's
actions, rebuild and restart. Plain Python, no Qt."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from console.core import events as ev
from console.core import incidents as inc
from console.core.dispatch import DISPATCH_FILE, Dispatcher, load_dispatch_config
from console.core.events import Event
from console.core.incidents import TaskError, check_transition
from console.core.session import Session
from console.core.store import Store
from console.core.timefmt import BEIJING, to_utc_text
from helpers import register

FP = "FP-1"  # an underpass with a water-depth sensor
FP2 = "FP-2"  # a road spot
TREE = "TR-1"
STATION = "WX-1"
ALERT_TABLES = ("alerts", "incidents", "tasks")


def bj(text: str) -> str:
    """Beijing time ('2021-07-25T10:00') -> stored UTC text."""
    return to_utc_text(datetime.fromisoformat(text).replace(tzinfo=BEIJING))


def bj_dt(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BEIJING)


def depth(point: str, cm: float, when: str) -> Event:
    """A water-depth reading at Beijing time `when` ('2021-07-25T10:00')."""
    return Event(ev.FLOOD_READING, {"id": point, "depth_cm": cm}, bj(when), "test", f"{point}-{when}")


def gust(ms: float, when: str) -> Event:
    return Event(ev.STATION_READING, {"id": STATION, "wind_mean_ms": ms * 0.6, "wind_gust_ms": ms}, bj(when), "test",
                 f"{STATION}-{when}")


def at(session: Session, when: str) -> None:
    """Hold the session clock at Beijing time `when` (the time people's actions are stamped with)."""
    session.clock.follow(bj_dt(when), 0)


def of_type(events, kind: str) -> list[Event]:
    return [e for e in events if e.type == kind]


def logged(store: Store, kind: str) -> list[Event]:
    return [e for batch in store.iter_event_batches() for e in batch if e.type == kind]


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "console.db")
    yield store
    store.close()


@pytest.fixture
def session(store):
    """Two flood points, no wind: only the ponding rules fire."""
    session = Session(store)
    session.ingest([
        register("flood_points", FP, 121.4537, 31.2243, kind="underpass", name="汶水路下立交", sensor_id="WS-1",
                 expected_interval_s=300),
        register("flood_points", FP2, 121.4800, 31.2300, kind="road_spot", name="南京路积水点", sensor_id="WS-2",
                 expected_interval_s=300),
    ])
    at(session, "2021-07-25T09:00")
    return session


@pytest.fixture
def tree_session(store):
    """A very-high-risk tree next to a weather station (and no construction site): gusts of force 8 fire the tree
    rule."""
    session = Session(store)
    session.ingest([
        register("stations", STATION, 121.4629, 31.2344, kind="weather", name="中山南一路", expected_interval_s=600),
        register("trees", TREE, 121.4640, 31.2350, species="悬铃木", grade="very_high", status="checked",
                 street="南京西路"),
    ])
    at(session, "2021-07-25T09:00")
    return session


def tasks_of(session: Session, incident_id: str) -> dict[tuple[str, str], dict]:
    return {(r["agency"], r["action"]): r for r in session.query("tasks", "incident_id = ?", [incident_id])}


def only_incident(session: Session, object_id: str) -> dict:
    rows = session.query("incidents", "object_id = ?", [object_id])
    assert len(rows) == 1, rows
    return rows[0]


# --- the task life cycle --------------------------------------------------------------------------------------
@pytest.mark.parametrize("current,new,reason", [
    ("new", "dispatched", ""), ("dispatched", "accepted", ""), ("accepted", "en_route", ""),
    ("en_route", "on_scene", ""), ("on_scene", "done", ""),
    ("dispatched", "on_scene", ""), ("dispatched", "done", ""), ("accepted", "done", ""),  # late reports skip steps
    ("dispatched", "declined", "no crew free"), ("accepted", "declined", "pump broken"),
    ("en_route", "declined", "road blocked"),
    ("new", "cancelled", "duplicate"), ("on_scene", "cancelled", "false alarm"),
])
def test_allowed_transitions(current, new, reason):
    check_transition(current, new, reason)


@pytest.mark.parametrize("current,new,reason", [
    ("accepted", "dispatched", ""), ("on_scene", "en_route", ""), ("done", "new", ""),  # never back
    ("dispatched", "dispatched", ""), ("new", "new", ""),  # nor to where it is
    ("new", "accepted", ""), ("new", "on_scene", ""), ("new", "done", ""),  # a new task is dispatched first
    ("new", "declined", "not ours"), ("on_scene", "declined", "too late"),  # decline only once given to an agency
    ("dispatched", "declined", ""), ("dispatched", "declined", "   "), ("accepted", "cancelled", ""),  # a reason
    ("done", "cancelled", "x"), ("declined", "dispatched", ""), ("declined", "declined", "again"),
    ("cancelled", "done", ""), ("cancelled", "new", ""),  # nothing after a final state
    ("new", "finished", ""),  # unknown state
])
def test_refused_transitions(current, new, reason):
    with pytest.raises(TaskError):
        check_transition(current, new, reason)


def test_task_created_starts_new_or_dispatched():
    with pytest.raises(TaskError):
        inc.task_created("t", "i", "greening", "inspect", "x", 121.0, 31.0, "accepted", "someone")


# --- alerts become incidents and tasks --------------------------------------------------------------------------
def test_an_alert_opens_one_incident_per_object_and_worse_alerts_join_it(session):
    new = session.ingest([depth(FP, 18.0, "2021-07-25T10:00"), depth(FP2, 16.0, "2021-07-25T10:00")])
    opened = of_type(new, ev.INCIDENT_OPENED)
    assert sorted(e.payload["object_id"] for e in opened) == [FP, FP2]
    incident = only_incident(session, FP)
    first_alert = f"ponding.general:{FP}@{bj('2021-07-25T10:00')}"
    assert incident["id"] == f"inc:{first_alert}" and incident["state"] == "open"
    assert incident["severity"] == "moderate" and incident["opened_by"] == inc.RULES_ACTOR
    assert incident["object_kind"] == "flood_points" and incident["object_name"] == "汶水路下立交"
    assert incident["opened_at"] == bj("2021-07-25T10:00")
    assert json.loads(incident["alert_ids"]) == [first_alert]
    tasks = tasks_of(session, incident["id"])
    assert list(tasks) == [("water_affairs", "drain")]
    drain = tasks[("water_affairs", "drain")]
    assert drain["id"] == f"task:{first_alert}:water_affairs:drain"
    assert drain["state"] == "dispatched" and drain["created_by"] == inc.RULES_ACTOR
    assert drain["dispatched_at"] == bj("2021-07-25T10:00")

    # 30 cm: an underpass closure, in the same incident, which now reads as its worst alert
    new = session.ingest([depth(FP, 30.0, "2021-07-25T10:05")])
    assert not of_type(new, ev.INCIDENT_OPENED) and len(of_type(new, ev.INCIDENT_ALERT_LINKED)) == 1
    incident = only_incident(session, FP)
    assert incident["severity"] == "severe" and incident["title"].startswith("Close the underpass: 30.0 cm")
    assert set(tasks_of(session, incident["id"])) == {("water_affairs", "drain"), ("water_affairs", "close_underpass")}

    # 40 cm: road closure; fire and rescue stand by, water affairs close the road
    session.ingest([depth(FP, 42.0, "2021-07-25T10:10")])
    incident = only_incident(session, FP)
    assert incident["severity"] == "extreme" and incident["title"].startswith("Close the road, rescue on standby")
    tasks = tasks_of(session, incident["id"])
    assert set(tasks) == {("water_affairs", "drain"), ("water_affairs", "close_underpass"),
                          ("fire_rescue", "rescue"), ("water_affairs", "close_road")}
    assert all(t["state"] == "dispatched" and t["dispatched_at"] for t in tasks.values())
    assert tasks[("fire_rescue", "rescue")]["created_at"] == bj("2021-07-25T10:10")
    alerts = session.query("alerts", "object_id = ?", [FP])
    assert len(alerts) == 3 and {a["incident_id"] for a in alerts} == {incident["id"]}
    assert sorted(json.loads(incident["alert_ids"])) == sorted(a["id"] for a in alerts)
    # the other flood point has its own incident, untouched
    assert only_incident(session, FP2)["severity"] == "moderate"

    # the water falls below 40 and rises again: a new road-closure alert joins, its tasks are not asked for twice
    for minute in range(15, 60, 5):
        session.ingest([depth(FP, 35.0, f"2021-07-25T10:{minute:02d}")])
    assert session.query("alerts", "rule = 'ponding.road_closure' AND state = 'cleared'")
    new = session.ingest([depth(FP, 48.0, "2021-07-25T11:00")])
    assert [e.payload["rule"] for e in of_type(new, ev.ALERT_RAISED)] == ["ponding.road_closure"]
    assert not of_type(new, ev.TASK_CREATED) and not of_type(new, ev.INCIDENT_OPENED)
    assert len(session.query("tasks", "incident_id = ?", [incident["id"]])) == 4
    assert len(session.query("incidents")) == 2


def test_a_less_severe_alert_later_does_not_lower_the_incident(session):
    session.ingest([depth(FP, 45.0, "2021-07-25T10:00")])  # three alerts in one reading: one incident
    incident = only_incident(session, FP)
    assert incident["severity"] == "extreme" and len(json.loads(incident["alert_ids"])) == 3
    assert len(tasks_of(session, incident["id"])) == 4
    # down to 10 cm for 30 minutes: everything clears; up to 20 cm: a general alert joins the extreme incident
    for minute in range(5, 45, 5):
        session.ingest([depth(FP, 10.0, f"2021-07-25T10:{minute:02d}")])
    assert {a["state"] for a in session.query("alerts")} == {"cleared"}
    session.ingest([depth(FP, 20.0, "2021-07-25T10:45")])
    incident = only_incident(session, FP)
    assert incident["severity"] == "extreme" and incident["title"].startswith("Close the road")
    assert len(json.loads(incident["alert_ids"])) == 4


def test_a_declined_task_is_asked_for_again_by_a_later_alert_with_a_new_id(session):
    session.ingest([depth(FP2, 20.0, "2021-07-25T10:00")])
    incident = only_incident(session, FP2)
    first = tasks_of(session, incident["id"])[("water_affairs", "drain")]
    at(session, "2021-07-25T10:02")
    session.set_task_state(first["id"], "declined", "water affairs desk", "all pumps busy")
    declined = session.task(first["id"])
    assert declined["state"] == "declined" and declined["reason"] == "all pumps busy"
    assert declined["ended_at"] == bj("2021-07-25T10:02")
    with pytest.raises(TaskError):
        session.set_task_state(first["id"], "accepted", "water affairs desk")  # nothing after a final state
    # the water drains (the alert clears after its hold-off), then comes back: the plan asks again
    for minute in range(5, 45, 5):
        session.ingest([depth(FP2, 0.0, f"2021-07-25T10:{minute:02d}")])
    assert {a["state"] for a in session.query("alerts", "object_id = ?", [FP2])} == {"cleared"}
    new = session.ingest([depth(FP2, 22.0, "2021-07-25T11:00")])
    created = of_type(new, ev.TASK_CREATED)
    assert len(created) == 1
    again = session.task(created[0].payload["task_id"])
    assert again["id"] != first["id"]
    assert again["id"] == f"task:ponding.general:{FP2}@{bj('2021-07-25T11:00')}:water_affairs:drain"
    assert again["incident_id"] == incident["id"] and again["state"] == "dispatched"  # the same incident
    assert session.task(first["id"])["state"] == "declined"
    assert len(session.query("incidents")) == 1


# --- deadlines and escalation ---------------------------------------------------------------------------------
@pytest.mark.parametrize("dispatched,minutes", [
    ("2021-07-25T10:00", 30), ("2021-07-25T06:00", 30), ("2021-07-25T19:59", 30),  # day
    ("2021-07-25T20:00", 60), ("2021-07-25T23:30", 60), ("2021-07-26T05:59", 60),  # night, Beijing time
])
def test_water_affairs_deadline_day_and_night(dispatched, minutes):
    config = load_dispatch_config()
    due = config.deadline("water_affairs", bj(dispatched))
    assert due == to_utc_text(bj_dt(dispatched) + timedelta(minutes=minutes))


def test_deadlines_from_dispatch_toml():
    config = load_dispatch_config(DISPATCH_FILE)
    assert config.on_scene_minutes["water_affairs"] == (30, 60)
    assert (config.night_starts, config.night_ends) == (20, 6)
    dispatcher = Dispatcher(config)
    # a notice to a site has no on-scene deadline; an agency without minutes has none either
    assert dispatcher.deadline("water_affairs", "notify_evacuation", bj("2021-07-25T10:00")) is None
    assert dispatcher.deadline("duty_officer", "inspect", bj("2021-07-25T10:00")) is None
    assert dispatcher.deadline("fire_rescue", "rescue", bj("2021-07-25T22:00")) == bj("2021-07-25T22:15")


def test_an_auto_task_gets_its_deadline_by_day_and_by_night(session):
    session.ingest([depth(FP, 20.0, "2021-07-25T10:00"), depth(FP2, 20.0, "2021-07-25T21:00")])
    day = tasks_of(session, only_incident(session, FP)["id"])[("water_affairs", "drain")]
    night = tasks_of(session, only_incident(session, FP2)["id"])[("water_affairs", "drain")]
    assert day["due"] == bj("2021-07-25T10:30")
    assert night["due"] == bj("2021-07-25T22:00")


def test_a_late_task_escalates_once_when_a_later_reading_arrives(session):
    session.ingest([depth(FP, 20.0, "2021-07-25T10:00")])
    task_id = tasks_of(session, only_incident(session, FP)["id"])[("water_affairs", "drain")]["id"]
    assert not of_type(session.ingest([depth(FP, 21.0, "2021-07-25T10:25")]), ev.TASK_OVERDUE)
    new = session.ingest([depth(FP, 22.0, "2021-07-25T10:30")])  # the deadline itself
    overdue = of_type(new, ev.TASK_OVERDUE)
    assert [(e.payload["task_id"], e.event_time, e.payload["escalated_to"]) for e in overdue] == [
        (task_id, bj("2021-07-25T10:30"), "duty_officer")]
    assert session.task(task_id)["overdue"] == 1
    for minute in (35, 40, 45):
        assert not of_type(session.ingest([depth(FP, 22.0, f"2021-07-25T10:{minute}")]), ev.TASK_OVERDUE)
    at(session, "2021-07-25T12:00")
    assert session.escalate_overdue() == []
    assert len(logged(session.store, ev.TASK_OVERDUE)) == 1


def test_a_late_task_escalates_once_by_the_session_clock(session, monkeypatch):
    session.ingest([depth(FP, 20.0, "2021-07-25T21:00")])  # night: 60 minutes
    task_id = tasks_of(session, only_incident(session, FP)["id"])[("water_affairs", "drain")]["id"]
    at(session, "2021-07-25T21:59")
    appends = []
    append = session.store.append
    monkeypatch.setattr(session.store, "append", lambda *a, **k: (appends.append(a), append(*a, **k))[1])
    assert session.escalate_overdue() == [] and appends == []  # nothing overdue: no write (it could wait for a lock)
    at(session, "2021-07-25T22:01")
    escalated = session.escalate_overdue()
    assert [(e.type, e.payload["task_id"], e.event_time) for e in escalated] == [
        (ev.TASK_OVERDUE, task_id, bj("2021-07-25T22:00"))]
    at(session, "2021-07-25T23:00")
    assert session.escalate_overdue() == []
    assert session.task(task_id)["overdue"] == 1 and len(logged(session.store, ev.TASK_OVERDUE)) == 1


def test_a_task_on_scene_in_time_is_not_escalated(session):
    session.ingest([depth(FP, 20.0, "2021-07-25T10:00")])
    task_id = tasks_of(session, only_incident(session, FP)["id"])[("water_affairs", "drain")]["id"]
    for when, state in (("10:05", "accepted"), ("10:10", "en_route"), ("10:25", "on_scene")):
        at(session, f"2021-07-25T{when}")
        session.set_task_state(task_id, state, "crew 7")
    session.ingest([depth(FP, 20.0, "2021-07-25T11:00")])
    at(session, "2021-07-25T12:00")
    assert session.escalate_overdue() == []
    assert logged(session.store, ev.TASK_OVERDUE) == [] and session.task(task_id)["overdue"] == 0


def test_a_task_on_scene_after_its_deadline_was_late(session):
    session.ingest([depth(FP, 20.0, "2021-07-25T10:00")])
    task_id = tasks_of(session, only_incident(session, FP)["id"])[("water_affairs", "drain")]["id"]
    at(session, "2021-07-25T10:45")  # nobody looked at the clock between 10:30 and now
    session.set_task_state(task_id, "on_scene", "crew 7")
    overdue = logged(session.store, ev.TASK_OVERDUE)
    assert [(e.payload["task_id"], e.event_time) for e in overdue] == [(task_id, bj("2021-07-25T10:30"))]
    assert session.task(task_id)["overdue"] == 1


def test_a_crew_on_scene_in_time_is_not_late_however_long_the_work_takes(session):
    session.ingest([depth(FP, 20.0, "2021-07-25T10:00")])
    task_id = tasks_of(session, only_incident(session, FP)["id"])[("water_affairs", "drain")]["id"]
    at(session, "2021-07-25T10:20")
    session.set_task_state(task_id, "on_scene", "crew 7")
    at(session, "2021-07-25T12:00")  # done long after the deadline: the deadline was for getting there
    session.set_task_state(task_id, "done", "crew 7")
    assert logged(session.store, ev.TASK_OVERDUE) == [] and session.task(task_id)["overdue"] == 0


def test_tree_tasks_wait_for_the_duty_officer_and_get_a_deadline_when_dispatched(tree_session):
    session = tree_session
    new = session.ingest([gust(18.0, "2021-07-25T10:00")])  # force 8
    assert [e.payload["rule"] for e in of_type(new, ev.ALERT_RAISED)] == ["trees.failure_risk"]
    incident = only_incident(session, TREE)
    task = tasks_of(session, incident["id"])[("greening", "make_tree_safe")]
    assert task["state"] == "new" and task["due"] is None and task["dispatched_at"] is None
    # no deadline, so no escalation however long it waits
    session.ingest([gust(18.0, "2021-07-25T16:00")])
    at(session, "2021-07-25T16:00")
    assert session.escalate_overdue() == [] and logged(session.store, ev.TASK_OVERDUE) == []
    session.set_task_state(task["id"], "dispatched", "duty officer Wang")
    task = session.task(task["id"])
    assert task["state"] == "dispatched" and task["dispatched_at"] == bj("2021-07-25T16:00")
    assert task["due"] == bj("2021-07-25T17:00")  # greening: 60 minutes by day
    at(session, "2021-07-25T17:01")
    assert [e.payload["task_id"] for e in session.escalate_overdue()] == [task["id"]]


def test_history_keeps_who_and_when(session):
    session.ingest([depth(FP, 20.0, "2021-07-25T10:00")])
    incident = only_incident(session, FP)
    task_id = tasks_of(session, incident["id"])[("water_affairs", "drain")]["id"]
    steps = [("10:03", "accepted", "water affairs desk Li"), ("10:07", "en_route", "crew 7"),
             ("10:21", "on_scene", "crew 7"), ("10:58", "done", "crew 7")]
    for when, state, by in steps:
        at(session, f"2021-07-25T{when}")
        session.set_task_state(task_id, state, by)
    task = session.task(task_id)
    assert json.loads(task["history"]) == [["dispatched", inc.RULES_ACTOR, bj("2021-07-25T10:00"), ""]] + [
        [state, by, bj(f"2021-07-25T{when}"), ""] for when, state, by in steps]
    assert (task["accepted_at"], task["en_route_at"], task["on_scene_at"], task["done_at"]) == tuple(
        bj(f"2021-07-25T{when}") for when, _, _ in steps)
    assert task["state"] == "done" and task["ended_at"] is None  # ended_at is for declined or cancelled
    at(session, "2021-07-25T11:10")
    session.close_incident(incident["id"], "duty officer Wang", "water drained")
    closed = session.incident(incident["id"])
    assert (closed["state"], closed["closed_by"], closed["closed_at"], closed["close_reason"]) == (
        "closed", "duty officer Wang", bj("2021-07-25T11:10"), "water drained")
    # the log keeps who as the source of every human action, the plan's as 'rules'
    sources = {e.payload.get("by"): e.source for e in logged(session.store, ev.TASK_STATE_CHANGED)}
    assert set(sources.values()) == {"console"}
    assert {e.source for e in logged(session.store, ev.TASK_CREATED)} == {inc.RULES_ACTOR}


def test_after_an_incident_is_closed_the_next_alert_opens_a_new_one(session):
    session.ingest([depth(FP, 20.0, "2021-07-25T10:00")])
    first = only_incident(session, FP)["id"]
    at(session, "2021-07-25T10:01")
    session.close_incident(first, "duty officer Wang", "handled")
    session.ingest([depth(FP, 30.0, "2021-07-25T10:05")])
    rows = session.query("incidents", "object_id = ?", [FP], order_by="opened_at")
    assert [r["state"] for r in rows] == ["closed", "open"] and rows[0]["id"] == first
    assert set(tasks_of(session, rows[1]["id"])) == {("water_affairs", "close_underpass")}


def test_closing_an_incident_cancels_its_unfinished_tasks_and_nothing_escalates_later(session):
    session.ingest([depth(FP, 30.0, "2021-07-25T10:00")])
    incident = only_incident(session, FP)["id"]
    tasks = tasks_of(session, incident)
    at(session, "2021-07-25T10:05")
    session.set_task_state(tasks[("water_affairs", "drain")]["id"], "done", "crew 7")
    session.close_incident(incident, "duty officer Wang", "water gone")
    states = {key: session.task(t["id"]) for key, t in tasks.items()}
    assert states[("water_affairs", "drain")]["state"] == "done"  # finished before: untouched
    closure = states[("water_affairs", "close_underpass")]
    assert closure["state"] == "cancelled" and closure["reason"] == "water gone"
    assert closure["ended_at"] == bj("2021-07-25T10:05")
    at(session, "2021-07-25T12:00")  # long past the deadline
    assert session.escalate_overdue() == [] and logged(session.store, ev.TASK_OVERDUE) == []


def test_two_desks_acting_at_once_the_first_in_the_log_wins(session):
    session.ingest([depth(FP, 20.0, "2021-07-25T10:00")])
    task_id = tasks_of(session, only_incident(session, FP)["id"])[("water_affairs", "drain")]["id"]
    # both desks saw 'dispatched' and pressed 'accept' (both events reach the log: no error)
    a = inc.task_state_changed(task_id, "accepted", "desk A", time=bj("2021-07-25T10:03"))
    b = inc.task_state_changed(task_id, "accepted", "desk B", time=bj("2021-07-25T10:03"))
    before = session.store.event_count()
    assert [e.id for e in session.ingest([a])] == [a.id]
    assert [e.id for e in session.ingest([b])] == [b.id]
    assert session.store.event_count() == before + 2
    task = session.task(task_id)
    assert task["state"] == "accepted" and task["accepted_at"] == bj("2021-07-25T10:03")
    assert [h[1] for h in json.loads(task["history"])] == [inc.RULES_ACTOR, "desk A"]
    # one desks declines while the other reports on scene, in one batch: the first wins, the second is ignored
    c = inc.task_state_changed(task_id, "declined", "desk A", "no crew", time=bj("2021-07-25T10:04"))
    d = inc.task_state_changed(task_id, "on_scene", "desk B", time=bj("2021-07-25T10:05"))
    assert len(session.ingest([c, d])) == 2
    task = session.task(task_id)
    assert task["state"] == "declined" and task["on_scene_at"] is None and len(json.loads(task["history"])) == 3
    # the dispatcher agrees with the projection: the task is finished, nothing to escalate
    assert task_id not in session.dispatcher.tasks
    at(session, "2021-07-25T12:00")
    assert session.escalate_overdue() == []


def _busy_history(session: Session) -> None:
    """Alerts, incidents, tasks moved by people, a decline, a manual incident, escalations and a close."""
    session.ingest([depth(FP, 20.0, "2021-07-25T10:00"), depth(FP2, 45.0, "2021-07-25T10:00")])
    fp2 = only_incident(session, FP2)
    tasks = tasks_of(session, fp2["id"])
    at(session, "2021-07-25T10:04")
    session.set_task_state(tasks[("fire_rescue", "rescue")]["id"], "accepted", "fire desk")
    session.set_task_state(tasks[("water_affairs", "close_road")]["id"], "declined", "water desk", "road is closed")
    manual = session.open_incident("duty officer Wang", lon=121.47, lat=31.23, title="Manhole cover missing")
    session.add_task(manual, "water_affairs", "inspect", "duty officer Wang")
    for minute in range(5, 60, 5):
        session.ingest([depth(FP, 30.0, f"2021-07-25T10:{minute:02d}"),
                        depth(FP2, 10.0, f"2021-07-25T10:{minute:02d}")])
    at(session, "2021-07-25T11:30")
    session.escalate_overdue()
    session.close_incident(only_incident(session, FP)["id"], "duty officer Wang", "drained")


def test_rebuild_gives_the_incremental_state(session):
    _busy_history(session)
    incremental = session.store.projection_state()
    assert all(incremental[t] for t in ALERT_TABLES)
    assert logged(session.store, ev.TASK_OVERDUE)
    session.store.rebuild_projections()
    rebuilt = session.store.projection_state()
    for table in ALERT_TABLES:
        assert rebuilt[table] == incremental[table], table
    assert rebuilt == incremental


def test_a_restarted_session_carries_on(store, session):
    session.ingest([depth(FP, 20.0, "2021-07-25T10:00")])
    incident = only_incident(session, FP)
    drain = tasks_of(session, incident["id"])[("water_affairs", "drain")]["id"]
    at(session, "2021-07-25T10:03")
    session.set_task_state(drain, "accepted", "water desk")
    count = store.event_count()

    restarted = Session(store)
    assert set(restarted.dispatcher.open_incident.values()) == {incident["id"]}
    assert set(restarted.dispatcher.tasks) == {drain}
    assert restarted.dispatcher.tasks[drain].state == "accepted"
    # the next alert of the same object joins the open incident: no duplicate
    new = restarted.ingest([depth(FP, 31.0, "2021-07-25T10:20")])
    assert not of_type(new, ev.INCIDENT_OPENED) and of_type(new, ev.INCIDENT_ALERT_LINKED)
    assert only_incident(restarted, FP)["severity"] == "severe"
    assert set(tasks_of(restarted, incident["id"])) == {("water_affairs", "drain"),
                                                        ("water_affairs", "close_underpass")}
    # and the task dispatched before the restart is still escalated when late
    new = restarted.ingest([depth(FP, 31.0, "2021-07-25T10:30")])
    assert [e.payload["task_id"] for e in of_type(new, ev.TASK_OVERDUE)] == [drain]
    assert store.event_count() > count

    # a second restart: the escalation is remembered, the newer task still escalates by the clock
    again = Session(store)
    at(again, "2021-07-25T11:00")
    underpass = tasks_of(again, incident["id"])[("water_affairs", "close_underpass")]["id"]
    assert [e.payload["task_id"] for e in again.escalate_overdue()] == [underpass]
    assert again.escalate_overdue() == []
    assert len(logged(store, ev.TASK_OVERDUE)) == 2


def test_a_manual_incident_on_an_object(session):
    at(session, "2021-07-25T09:30")
    incident_id = session.open_incident("duty officer Wang", kind="flood_points", object_id=FP,
                                        note="reported by a passer-by")
    row = session.incident(incident_id)
    assert row["object_kind"] == "flood_points" and row["object_id"] == FP
    assert row["object_name"] == "汶水路下立交" and row["title"] == "汶水路下立交"
    assert row["lon"] == pytest.approx(121.4537, abs=1e-7) and row["lat"] == pytest.approx(31.2243, abs=1e-7)
    assert (row["opened_by"], row["opened_at"], row["note"], row["state"]) == (
        "duty officer Wang", bj("2021-07-25T09:30"), "reported by a passer-by", "open")
    assert session.store.rows("tasks") == []
    # a task by hand: dispatched with its deadline, or left new
    rescue = session.add_task(incident_id, "fire_rescue", "rescue", "duty officer Wang")
    inspect = session.add_task(incident_id, "greening", "inspect", "duty officer Wang", dispatch=False)
    assert session.task(rescue)["state"] == "dispatched" and session.task(rescue)["due"] == bj("2021-07-25T09:45")
    assert session.task(rescue)["title"] == "Rescue: 汶水路下立交"
    assert session.task(inspect)["state"] == "new" and session.task(inspect)["due"] is None
    # the object's next alert joins the incident opened by hand
    session.ingest([depth(FP, 27.0, "2021-07-25T10:00")])
    row = only_incident(session, FP)
    assert row["id"] == incident_id and row["severity"] == "severe"
    assert len(json.loads(row["alert_ids"])) == 2
    assert set(tasks_of(session, incident_id)) == {("fire_rescue", "rescue"), ("greening", "inspect"),
                                                   ("water_affairs", "drain"), ("water_affairs", "close_underpass")}


def test_a_manual_incident_at_a_place(session):
    at(session, "2021-07-25T09:30")
    incident_id = session.open_incident("fire desk Zhao", lon=121.50, lat=31.24, title="Billboard about to fall")
    row = session.incident(incident_id)
    assert (row["title"], row["lon"], row["lat"], row["object_id"], row["opened_by"]) == (
        "Billboard about to fall", 121.50, 31.24, "", "fire desk Zhao")
    task_id = session.add_task(incident_id, "fire_rescue", "rescue", "fire desk Zhao")
    assert session.task(task_id)["title"] == "Rescue: Billboard about to fall"
    # a flood alert elsewhere opens its own incident
    session.ingest([depth(FP, 20.0, "2021-07-25T10:00")])
    assert only_incident(session, FP)["id"] != incident_id
    assert len(session.query("incidents")) == 2
    with pytest.raises(ValueError):
        session.open_incident("someone")  # neither an object nor a place
    with pytest.raises(KeyError):
        session.open_incident("someone", kind="flood_points", object_id="FP-nope")
    at(session, "2021-07-25T10:10")
    session.close_incident(incident_id, "fire desk Zhao", "secured")
    with pytest.raises(KeyError):
        session.add_task(incident_id, "fire_rescue", "rescue", "fire desk Zhao")  # closed


def test_set_task_state_refuses_what_the_life_cycle_forbids(session):
    session.ingest([depth(FP, 20.0, "2021-07-25T10:00")])
    task_id = tasks_of(session, only_incident(session, FP)["id"])[("water_affairs", "drain")]["id"]
    count = session.store.event_count()
    with pytest.raises(TaskError):
        session.set_task_state(task_id, "declined", "water desk")  # no reason
    with pytest.raises(TaskError):
        session.set_task_state(task_id, "new", "water desk")  # back
    with pytest.raises(KeyError):
        session.set_task_state("task:nope", "accepted", "water desk")
    assert session.store.event_count() == count  # nothing reached the log


# --- dispatch.toml --------------------------------------------------------------------------------------------
GOOD = """\
schema = 1
[night]
starts = 20
ends = 6
[on_scene_minutes.water_affairs]
day = 30
night = 60
[rules."ponding.general"]
tasks = [{ agency = "water_affairs", action = "drain", auto = true }]
"""


@pytest.mark.parametrize("old,new,words", [
    ('agency = "water_affairs", action', 'agency = "police", action', "unknown agency 'police'"),
    ('action = "drain"', 'action = "pump_it"', "unknown action 'pump_it'"),
    ("[on_scene_minutes.water_affairs]", "[on_scene_minutes.navy]", "on_scene_minutes.navy: unknown agency"),
    ("day = 30", "day = 0", "above zero"),
    ("starts = 20", "starts = 24", "night"),
])
def test_dispatch_toml_errors_name_the_file(tmp_path, old, new, words):
    path = tmp_path / "my-dispatch.toml"
    path.write_text(GOOD, encoding="utf-8")
    assert load_dispatch_config(path).rules["ponding.general"][0].auto
    assert GOOD.count(old) == 1
    path.write_text(GOOD.replace(old, new), encoding="utf-8")
    with pytest.raises(ValueError) as info:
        load_dispatch_config(path)
    assert str(path) in str(info.value) and words in str(info.value)


@pytest.mark.parametrize("text", [
    GOOD.replace("[night]\nstarts = 20\nends = 6\n", ""),
    GOOD.replace('agency = "water_affairs", ', ""),
    GOOD.replace("day = 30", "day = "),
])
def test_dispatch_toml_structural_errors_name_the_file(tmp_path, text):
    path = tmp_path / "my-dispatch.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as info:
        load_dispatch_config(path)
    assert str(path) in str(info.value)


def test_a_batch_past_its_deadline_stops_after_a_piece_with_what_it_derived_and_the_rest_follows(session, tmp_path):
    """The live pump gives each batch a deadline (Session.ingest_until): when the machine slows down, the batch stops
    after the piece that passes it (the first: an eighth). That piece's alerts, incidents and tasks come with it; the
    events left come in the next batch, and the end state is that of the whole batch at once."""
    minutes = [f"2021-07-25T10:{m:02d}" for m in range(0, 60, 5)] + [f"2021-07-25T11:{m:02d}" for m in range(0, 60, 5)]
    batch = [depth(point, 20.0 + 10 * (n % 3), minute) for n, minute in enumerate(minutes * 9) for point in (FP, FP2)]
    batch = [Event(e.type, e.payload, e.event_time, e.source, f"{e.id}-{n}") for n, e in enumerate(batch)]
    assert len(batch) == 432  # a first piece of 54

    new, rest = session.ingest_until(batch, deadline=0.0)  # long past
    assert rest == batch[54:]
    assert [e.id for e in new if e.type == ev.FLOOD_READING] == [e.id for e in batch[:54]]
    assert of_type(new, ev.ALERT_RAISED) and of_type(new, ev.INCIDENT_OPENED) and of_type(new, ev.TASK_CREATED)
    assert session.store.event_count() == 2 + len(new)  # the registrations, and nothing of the rest
    new_rest, left = session.ingest_until(rest, deadline=float("inf"))
    assert left == [] and len(of_type(new + new_rest, ev.FLOOD_READING)) == 432

    whole = Session(Store(tmp_path / "whole.db"))
    whole.ingest(logged(session.store, ev.OBJECTS_REGISTERED))
    whole.ingest(batch)
    for table in ("flood_points", *ALERT_TABLES):  # (the seqs differ: derived events follow their own piece)
        assert [{**r, "updated_seq": 0} for r in whole.store.rows(table)] == \
            [{**r, "updated_seq": 0} for r in session.store.rows(table)], table
    whole.store.close()
