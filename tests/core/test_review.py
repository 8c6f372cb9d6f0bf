"""The after-action review (console/core/review.py) on a hand-built morning: readings go through a real Session, so
the alerts, incidents and tasks are the ones the rules and the dispatch plan derive; people move the tasks at held
clock times. Every duration below is worked out by hand from those times."""
from __future__ import annotations

from datetime import datetime

import pytest

from console.core import events as ev
from console.core.events import Event
from console.core.review import build_review, percentile
from console.core.session import Session
from console.core.store import Store
from console.core.timefmt import BEIJING, to_utc_text
from helpers import register


def bj(text: str) -> str:
    """Beijing time ('2021-07-25T10:00') -> stored UTC text."""
    return to_utc_text(datetime.fromisoformat(text).replace(tzinfo=BEIJING))


def at(session: Session, when: str) -> None:
    session.clock.follow(datetime.fromisoformat(when).replace(tzinfo=BEIJING), 0)


def depth(point: str, cm: float, when: str) -> Event:
    return Event(ev.FLOOD_READING, {"id": point, "depth_cm": cm}, bj(when), "test", f"{point}-{when}")


def gust(ms: float, when: str) -> Event:
    return Event(ev.STATION_READING, {"id": "WX-1", "wind_mean_ms": ms * 0.6, "wind_gust_ms": ms}, bj(when), "test",
                 f"WX-1-{when}")


def task_of(session: Session, object_id: str, action: str) -> str:
    incident = session.query("incidents", "object_id = ?", [object_id])[0]
    return session.query("tasks", "incident_id = ? AND action = ?", [incident["id"], action])[0]["id"]


def move(session: Session, when: str, task_id: str, state: str, by: str = "crew", reason: str = "") -> None:
    at(session, f"2021-07-25T{when}")
    session.set_task_state(task_id, state, by, reason)


@pytest.fixture
def morning(tmp_path) -> Store:
    """The morning of 25 July (Beijing time), day deadlines (water affairs 30 min, greening 60, fire 15):
    09:00 typhoon blue, response IV; 10:30 typhoon orange, response II.
    FP-1 (underpass): 20 cm at 10:00 → drain (A), 30 cm at 10:05 → close the underpass (B)
      A: on scene 10:20, done 11:00; B: on scene 10:45 (10 min past its 10:35 deadline), done 10:50
    FP-2: 20 cm at 10:00 → drain (C): on scene 10:25, done 10:55
    FP-3: 20 cm at 10:10 → drain (D): declined at 10:12, "all pumps busy"
    TR-1: gust of force 8 at 10:00 → make the tree safe (E), new; dispatched 10:20, on scene 11:00, done 12:30
    11:00 an incident opened by hand at a place, fire and rescue dispatched (F), never on scene: escalated at its
    11:15 deadline, still late at the end (12:30)."""
    store = Store(tmp_path / "console.db")
    session = Session(store)
    session.ingest([
        register("flood_points", "FP-1", 121.4537, 31.2243, kind="underpass", name="汶水路下立交", sensor_id="WS-1",
                 expected_interval_s=300),
        register("flood_points", "FP-2", 121.4800, 31.2300, kind="road_spot", name="南京路积水点", sensor_id="WS-2",
                 expected_interval_s=300),
        register("flood_points", "FP-3", 121.5000, 31.2400, kind="road_spot", name="长阳路积水点", sensor_id="WS-3",
                 expected_interval_s=300),
        register("stations", "WX-1", 121.4629, 31.2344, kind="weather", name="中山南一路", expected_interval_s=600),
        register("trees", "TR-1", 121.4640, 31.2350, species="悬铃木", grade="very_high", status="checked",
                 street="南京西路"),
    ])
    at(session, "2021-07-25T09:00")
    session.set_city_state("typhoon_signal", "blue", "duty officer")
    session.set_city_state("response_level", "IV", "duty officer")
    session.ingest([depth("FP-1", 20.0, "2021-07-25T10:00"), depth("FP-2", 20.0, "2021-07-25T10:00"),
                    gust(18.0, "2021-07-25T10:00")])
    a, c = task_of(session, "FP-1", "drain"), task_of(session, "FP-2", "drain")
    e = task_of(session, "TR-1", "make_tree_safe")
    session.ingest([depth("FP-1", 30.0, "2021-07-25T10:05")])
    b = task_of(session, "FP-1", "close_underpass")
    move(session, "10:05", a, "accepted")
    session.ingest([depth("FP-3", 20.0, "2021-07-25T10:10")])
    d = task_of(session, "FP-3", "drain")
    move(session, "10:12", d, "declined", "water affairs desk", "all pumps busy")
    move(session, "10:20", a, "on_scene")
    move(session, "10:20", e, "dispatched", "duty officer")
    move(session, "10:25", c, "on_scene")
    at(session, "2021-07-25T10:30")
    session.set_city_state("typhoon_signal", "orange", "duty officer")
    session.set_city_state("response_level", "II", "duty officer")
    move(session, "10:45", b, "on_scene")
    move(session, "10:50", b, "done")
    move(session, "10:55", c, "done")
    move(session, "11:00", a, "done")
    move(session, "11:00", e, "on_scene")
    incident = session.open_incident("duty officer", lon=121.47, lat=31.23, title="Wall collapsed")
    session.add_task(incident, "fire_rescue", "rescue", "duty officer")
    move(session, "12:30", e, "done")
    store.close()
    return Store(tmp_path / "console.db", read_only=True)  # a review only reads


def by_object(review, object_id):
    return next(i for i in review.incidents if i.object_id == object_id)


def test_period_signals_and_counts(morning):
    review = build_review(morning)
    assert (review.start, review.end) == (bj("2021-07-25T09:00"), bj("2021-07-25T12:30"))  # inventory left out
    assert not review.exercise
    assert [(i.key, i.level, i.start, i.end) for i in review.intervals] == [
        ("typhoon", "blue", bj("2021-07-25T09:00"), bj("2021-07-25T10:30")),
        ("typhoon", "orange", bj("2021-07-25T10:30"), bj("2021-07-25T12:30")),
        ("response", "IV", bj("2021-07-25T09:00"), bj("2021-07-25T10:30")),
        ("response", "II", bj("2021-07-25T10:30"), bj("2021-07-25T12:30")),
    ]
    assert len(review.incidents) == 5 and len(review.tasks) == 6
    assert review.alerts == 5  # FP-1 general and underpass closure, FP-2, FP-3, the tree



def test_each_incident_from_first_reading_to_done(morning):
    review = build_review(morning)
    fp1 = by_object(review, "FP-1")
    assert fp1.severity == "severe" and fp1.object_kind == "flood_points" and fp1.object_name == "汶水路下立交"
    assert (fp1.first_reading, fp1.first_alert, fp1.first_dispatch, fp1.first_on_scene, fp1.done) == (
        bj("2021-07-25T10:00"), bj("2021-07-25T10:00"), bj("2021-07-25T10:00"), bj("2021-07-25T10:20"),
        bj("2021-07-25T11:00"))  # done when the last of its two tasks was
    assert fp1.finished and fp1.elapsed == 60.0
    assert fp1.title_alert["rule"] == "ponding.underpass_closure"  # the title comes from its worst alert
    steps = {t.action: (t.reading_to_alert, t.alert_to_dispatch, t.dispatch_to_on_scene, t.on_scene_to_done)
             for t in fp1.tasks}
    assert steps == {"drain": (0.0, 0.0, 20.0, 40.0), "close_underpass": (0.0, 0.0, 40.0, 5.0)}
    closure = next(t for t in fp1.tasks if t.action == "close_underpass")
    assert closure.alert_id.startswith("ponding.underpass_closure:FP-1@")  # its own alert, not the incident's first

    tree = by_object(review, "TR-1")
    [make_safe] = tree.tasks
    assert (make_safe.agency, make_safe.reading_to_alert, make_safe.alert_to_dispatch,
            make_safe.dispatch_to_on_scene, make_safe.on_scene_to_done) == ("greening", 0.0, 20.0, 40.0, 90.0)
    assert tree.first_reading == bj("2021-07-25T10:00") and tree.elapsed == 150.0  # the gust was the reading

    fp3 = by_object(review, "FP-3")  # its only task declined: not done, open until the end of the period
    assert fp3.done is None and not fp3.finished and fp3.elapsed == 140.0
    by_hand = by_object(review, "")
    assert by_hand.first_reading is None and by_hand.first_alert is None and by_hand.elapsed == 90.0
    [rescue] = by_hand.tasks
    assert rescue.alert_id == "" and rescue.alert_to_dispatch is None and rescue.dispatch_to_on_scene is None

    assert [(i.object_id, i.elapsed) for i in review.slowest(3)] == [("TR-1", 150.0), ("FP-3", 140.0), ("", 90.0)]


def test_per_agency_medians_and_90th_percentiles(morning):
    stats = {s.agency: s for s in build_review(morning).agencies}
    assert list(stats) == ["fire_rescue", "greening", "water_affairs"]
    water = stats["water_affairs"]
    # dispatch → on scene 20, 40, 25; on scene → done 40, 5, 30 (the declined drain has neither)
    assert (water.tasks, water.done, water.overdue, water.declined) == (4, 3, 1, 1)
    assert (water.on_scene_median, water.on_scene_p90) == (25.0, 37.0)  # 25 + 0.8 × (40 − 25)
    assert (water.done_median, water.done_p90) == (30.0, 38.0)  # 30 + 0.8 × (40 − 30)
    greening = stats["greening"]
    assert (greening.on_scene_median, greening.on_scene_p90, greening.done_median, greening.overdue) == (
        40.0, 40.0, 90.0, 0)
    fire = stats["fire_rescue"]
    assert (fire.tasks, fire.done, fire.on_scene_median, fire.done_p90, fire.overdue) == (1, 0, None, None, 1)


def test_overdue_and_declined_tasks(morning):
    review = build_review(morning)
    # late by the deadlines themselves: the rescue never came (11:15 → end 12:30), the closure came 10 minutes late;
    # the crews on scene before their deadline are not late, however long the work took afterwards
    assert [(t.agency, t.action, t.due, t.late_minutes) for t in review.overdue] == [
        ("fire_rescue", "rescue", bj("2021-07-25T11:15"), 75.0),
        ("water_affairs", "close_underpass", bj("2021-07-25T10:35"), 10.0)]
    assert all(t.escalated for t in review.overdue)
    assert [(t.object_name, t.ended_at, t.reason, t.declined_by) for t in review.declined] == [
        ("长阳路积水点", bj("2021-07-25T10:12"), "all pumps busy", "water affairs desk")]


def test_incidents_opened_per_hour_by_kind(morning):
    review = build_review(morning)
    assert review.hours == [bj(f"2021-07-25T{h}:00") for h in ("09", "10", "11", "12")]
    assert review.opened_per_hour == {"flood_points": [0, 3, 0, 0], "trees": [0, 1, 0, 0], "": [0, 0, 1, 0]}


def test_an_exercise_is_marked(tmp_path):
    store = Store(tmp_path / "exercise.db")
    store.set_meta("mode", "exercise")
    review = build_review(store)
    assert review.exercise
    assert (review.start, review.end, review.incidents, review.hours) == ("", "", [], [])  # an empty log reviews


def test_percentile_interpolates_between_sorted_values():
    assert percentile([40.0, 20.0, 25.0], 50) == 25.0
    assert percentile([10.0, 20.0], 90) == 19.0
    assert percentile([], 50) is None
