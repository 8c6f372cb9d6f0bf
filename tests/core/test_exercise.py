"""Exercise mode (issue 5 point 4): inject files, the merge into the base stream, exercise databases, recordings as
messages, and an end-to-end run of the In-Fa scenario with injects. Plain Python, real stores on tmp_path."""
from __future__ import annotations

import itertools
import json
import queue
import sqlite3
import tomllib
from datetime import datetime, timezone

import pytest

from console.core import events as ev
from console.core import review
from console.core.config import load_config
from console.core.events import make_event
from console.core.exercise import (
    EXERCISE_MARK,
    Catalogue,
    ExerciseError,
    InjectError,
    cap_xml,
    check_exercise_feeds,
    copy_objects,
    exercise_feed_config,
    exercise_messages,
    exercise_meta,
    hand_inject,
    is_exercise,
    load_exercise_objects,
    load_injects,
    message_of,
    new_exercise_database,
    open_exercise_store,
    parse_injects,
    recording_messages,
)
from console.core.feeds.base import FeedState, drain
from console.core.feeds.cap import parse_cap
from console.core.feeds.config import build_feed
from console.core.feeds.messages import MessageParser
from console.core.paths import OFFLINE_DATA, RESOURCES
from console.core.session import Session
from console.core.store import Store
from console.core.timefmt import BEIJING
from helpers import wait_until

DRILL = RESOURCES / "exercises" / "infa-drill.toml"


def bj(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BEIJING)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.from_demo()


def write_toml(tmp_path, body: str, name: str = "drill.toml"):
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


# --- inject files -----------------------------------------------------------------------------------------------
def test_the_example_drill_loads(catalogue):
    injects = load_injects(DRILL, catalogue)
    assert 8 <= len(injects) <= 15
    kinds = {i.kind for i in injects}
    assert {"fallen_tree", "sensor_failure", "camera_offline", "water_depth", "response_level", "signal",
            "flood_report", "field_report", "message"} <= kinds
    tree = injects[1]
    assert tree.at == bj("2021-07-25T21:00") and "南京西路" in tree.messages[0][1]["text"]
    assert [m["id"] for i in injects for _, m in i.messages][:3] == ["inject-1", "inject-2", "inject-3"]


def test_toml_and_json_give_the_same_injects(tmp_path, catalogue):
    data = tomllib.loads(DRILL.read_text(encoding="utf-8"))
    for item in data["inject"]:  # JSON has no date-time type: the same times as ISO text
        for key in ("at", "until"):
            if key in item:
                item[key] = item[key].isoformat()
    path = tmp_path / "drill.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert load_injects(path, catalogue) == load_injects(DRILL, catalogue)


@pytest.mark.parametrize("body, expected", [
    ('[[inject]]\nat = 2021-07-25T21:00:00+08:00\nkind = "earthquake"',
     r"inject #1: unknown kind 'earthquake'; expected one of fallen_tree"),
    ('[[inject]]\nkind = "signal"\nhazard = "typhoon"\nlevel = "red"', r"inject #1 \(signal\): 'at' is missing"),
    ('[[inject]]\nat = 2021-07-25T21:00:00+08:00\nkind = "signal"\nhazard = "typhoon"',
     r"inject #1 \(signal\): 'level' is missing"),
    ('[[inject]]\nat = 2021-07-25T21:00:00\nkind = "response_level"\nlevel = "I"',
     r"inject #1 \(response_level\): 'at' 2021-07-25 21:00:00 has no offset"),
    ('[[inject]]\nat = "25 July, 9 pm"\nkind = "response_level"\nlevel = "I"',
     r"inject #1 \(response_level\): 'at' '25 July, 9 pm' is not an ISO-8601 time"),
    ('[[inject]]\nat = 2021-07-25\nkind = "response_level"\nlevel = "I"', r"'at' .* is a date"),
    ('[[inject]]\nat = 2021-07-25T21:00:00+08:00\nuntil = 2021-07-25T20:00:00+08:00\nkind = "camera_offline"\n'
     'camera_id = "CAM-25061"', r"inject #1 \(camera_offline\): 'until' .* is not after 'at'"),
    ('[[inject]]\nat = 2021-07-25T21:00:00+08:00\nkind = "response_level"\nlevel = "V"',
     r"inject #1 \(response_level\): 'level' is 'V', expected one of none, IV"),
    ('[[inject]]\nat = 2021-07-25T21:00:00+08:00\nkind = "fallen_tree"\ntree_id = "TR-999999"',
     r"inject #1 \(fallen_tree\): unknown tree 'TR-999999'"),
    ('[[inject]]\nat = 2021-07-25T21:00:00+08:00\nkind = "fallen_tree"\ntext = "倒了"',
     r"inject #1 \(fallen_tree\): 'tree_id' or 'lon' and 'lat' is missing"),
    ('[[inject]]\nat = 2021-07-25T21:00:00+08:00\nkind = "sensor_failure"\nsensor_id = "WS-9999"',
     r"inject #1 \(sensor_failure\): unknown sensor 'WS-9999'"),
    ('[[inject]]\nat = 2021-07-25T21:00:00+08:00\nkind = "camera_offline"\ncamera_id = "CAM-X"',
     r"unknown camera 'CAM-X'"),
    ('[[inject]]\nat = 2021-07-25T21:00:00+08:00\nkind = "water_depth"\nsensor_id = "FP-0016"\ndepth_cm = 900',
     r"inject #1 \(water_depth\): 'depth_cm' is 900, outside 0–500"),
    ('[[inject]]\nat = 2021-07-25T21:00:00+08:00\nkind = "field_report"\ntext = "x"\nlon = 116.4\nlat = 39.9',
     r"inject #1 \(field_report\): position 116.40000, 39.90000 is outside the city area"),
    ('[[inject]]\nat = 2021-07-25T21:00:00+08:00\nkind = "field_report"\ntext = "x"\nobject_id = "NOPE"',
     r"unknown object 'NOPE'"),
    ('[[inject]]\nat = 2021-07-25T21:00:00+08:00\nkind = "field_report"\ntext = "x"\nlongitude = 121.4',
     r"inject #1 \(field_report\): unknown field\(s\) longitude; a field_report inject takes at, text, lon"),
    ('[[inject]]\nat = 2021-07-25T21:00:00+08:00\nkind = "message"\nmessage = { type = "tsunami" }',
     r"inject #1 \(message\): message type 'tsunami'"),
    ('[[inject]]\nat = 2021-07-25T21:00:00+08:00\nkind = "message"\n'
     'message = { type = "wind", station_id = "WX-007", mean_ms = 30, gust_ms = 20 }',
     r"inject #1 \(message\): gust 20.0 m/s is below the mean wind 30.0 m/s"),
    ('title = "x"\nscenario = "in-fa"', r"unknown top-level key\(s\) scenario"),
    ('inject = 3', r"'inject' must be a list of tables"),
    ('[[inject]\n', r"not valid TOML"),
])
def test_errors_name_the_file_and_the_inject(tmp_path, catalogue, body, expected):
    path = write_toml(tmp_path, body)
    with pytest.raises(InjectError, match=expected) as caught:
        load_injects(path, catalogue)
    assert str(caught.value).startswith(str(path))


def test_the_second_inject_is_named(tmp_path, catalogue):
    ok = '[[inject]]\nat = 2021-07-25T21:00:00+08:00\nkind = "response_level"\nlevel = "I"\n'
    path = write_toml(tmp_path, ok + ok.replace('"I"', '"0"'))
    with pytest.raises(InjectError, match=r"drill.toml: inject #2 \(response_level\)"):
        load_injects(path, catalogue)
    with pytest.raises(InjectError, match=r"x.json: not valid JSON"):
        load_injects(write_toml(tmp_path, "{", "x.json"), catalogue)


# --- the merge --------------------------------------------------------------------------------------------------
def reading(sensor: str, when: str, depth: float = 1.0) -> dict:
    return {"id": f"{sensor}-{when}", "type": "water_depth", "time": f"{when}+08:00", "sensor_id": sensor,
            "depth_cm": depth}


class Counted:
    """A base stream that counts what was pulled from it."""

    def __init__(self, messages):
        self.messages, self.pulled = messages, 0

    def __iter__(self):
        for message in self.messages:
            self.pulled += 1
            yield message


def every_five_minutes(sensor: str, start: str, steps: int, depth: float = 1.0):
    base = bj(start).timestamp()
    for k in range(steps):
        when = datetime.fromtimestamp(base + 300 * k, BEIJING).strftime("%Y-%m-%dT%H:%M:%S")
        yield reading(sensor, when, depth)


def test_merge_is_in_time_order_and_streams(catalogue):
    injects = parse_injects({"inject": [
        {"at": "2021-07-25T22:12:00+08:00", "kind": "response_level", "level": "I"},
        {"at": "2021-07-25T22:00:00+08:00", "kind": "signal", "hazard": "rainstorm", "level": "orange"},
        {"at": "2021-07-25T23:00:00+08:00", "kind": "camera_offline", "camera_id": "CAM-25061",
         "until": "2021-07-26T09:00:00+08:00"},
    ]}, "t", catalogue)
    base = Counted(every_five_minutes("WS-0001", "2021-07-25T21:00:00", 1_000_000))  # 9 years of readings
    merged = exercise_messages(base, injects)
    first = list(itertools.islice(merged, 40))
    assert base.pulled <= 40  # only what was needed, never the whole stream
    times = [datetime.fromisoformat(m["time"]) for m in first]
    assert times == sorted(times)
    ids = [m["id"] for m in first]
    # an inject goes after the base messages of its own time, before later ones
    assert ids.index("inject-2") == ids.index("WS-0001-2021-07-25T22:00:00") + 1
    assert ids.index("inject-1") == ids.index("WS-0001-2021-07-25T22:10:00") + 1
    assert ids.index("inject-3") == ids.index("WS-0001-2021-07-25T23:00:00") + 1
    assert "inject-3-end" not in ids  # 09:00 next day: not yet


def test_injects_after_the_base_stream_still_come(catalogue):
    injects = parse_injects({"inject": [{"at": "2021-07-27T00:00:00+08:00", "kind": "response_level",
                                         "level": "IV"}]}, "t", catalogue)
    merged = list(exercise_messages(every_five_minutes("WS-0001", "2021-07-25T21:00:00", 3), injects))
    assert [m["id"] for m in merged][-1] == "inject-1" and len(merged) == 4
    window = list(exercise_messages(iter(()), injects, end=bj("2021-07-26T00:00")))
    assert window == []  # outside the played window


def test_a_sensor_failure_withholds_later_readings_only(catalogue):
    injects = parse_injects({"inject": [
        {"at": "2021-07-25T22:00:00+08:00", "kind": "sensor_failure", "sensor_id": "FP-0560",  # the point's id
         "until": "2021-07-25T23:00:00+08:00"},
        {"at": "2021-07-25T22:30:00+08:00", "kind": "sensor_failure", "sensor_id": "TG-HPP"},
    ]}, "t", catalogue)
    base = sorted([*every_five_minutes("WS-0560", "2021-07-25T21:00:00", 36),
                   *every_five_minutes("WS-0001", "2021-07-25T21:00:00", 36),
                   *({"id": f"TG-HPP-{k}", "type": "tide_level", "time": m["time"], "station_id": "TG-HPP",
                      "level_m": 4.0} for k, m in enumerate(every_five_minutes("x", "2021-07-25T21:00:00", 36)))],
                  key=lambda m: m["time"])
    merged = list(exercise_messages(base, injects))
    failed = [m["time"][11:16] for m in merged if m.get("sensor_id") == "WS-0560"]
    assert failed[:12] == [f"{h}:{m:02d}" for h in ("21",) for m in range(0, 60, 5)]  # before: all there
    assert not any("22:00" <= t < "23:00" for t in failed)  # withheld from 'at' (inclusive) to 'until'
    assert "23:00" in failed and failed[-1] == "23:55"  # repaired
    assert len([m for m in merged if m.get("sensor_id") == "WS-0001"]) == 36  # other sensors untouched
    tide = [m["time"][11:16] for m in merged if m.get("station_id") == "TG-HPP"]
    assert tide[-1] == "22:25" and len(tide) == 18  # a station too, to the end
    report = next(m for m in merged if m["id"] == "inject-1")
    assert report["type"] == "field_report" and report["object_id"] == "FP-0560" and "故障" in report["text"]


def test_a_water_depth_override_replaces_the_depth_in_its_window(catalogue):
    injects = parse_injects({"inject": [{"at": "2021-07-25T22:00:00+08:00", "until": "2021-07-25T22:30:00+08:00",
                                         "kind": "water_depth", "sensor_id": "WS-0016", "depth_cm": 45}]},
                            "t", catalogue)
    merged = list(exercise_messages(every_five_minutes("WS-0016", "2021-07-25T21:50:00", 10, 2.0), injects))
    depths = [(m["time"][11:16], m["depth_cm"]) for m in merged]
    assert depths == [("21:50", 2.0), ("21:55", 2.0), ("22:00", 45.0), ("22:00", 45.0), ("22:05", 45.0),
                      ("22:10", 45.0), ("22:15", 45.0), ("22:20", 45.0), ("22:25", 45.0), ("22:30", 2.0),
                      ("22:35", 2.0)]


# --- exercise databases -----------------------------------------------------------------------------------------
def test_an_exercise_database_is_marked_and_a_real_one_refused(tmp_path, demo_copy):
    path = new_exercise_database(tmp_path, "烟花 夜间/演练", scenario="in-fa", injects=DRILL,
                                 start=bj("2021-07-25T18:00"))
    assert path.parent == tmp_path / "exercises" and path.name.endswith("-烟花-夜间-演练.db")
    store = open_exercise_store(path)
    assert is_exercise(store)
    meta = exercise_meta(store)
    assert meta["exercise_scenario"] == "in-fa" and meta["exercise_injects"] == str(DRILL)
    assert meta["exercise_start"] == "2021-07-25T18:00:00+08:00" and "exercise_created" in meta
    config = exercise_feed_config(store, speed=600)
    assert config.type == "exercise" and config.options == {
        "speed": 600, "scenario": "in-fa", "injects": str(DRILL), "start": "2021-07-25T18:00:00+08:00"}
    store.close()
    again = new_exercise_database(tmp_path, "烟花 夜间/演练", scenario="in-fa")
    assert again != path and again.is_file()  # never the same file twice, even within the minute

    before = demo_copy.read_bytes()
    with pytest.raises(ExerciseError, match="not an exercise database; exercise data never goes into a real"):
        open_exercise_store(demo_copy)
    assert demo_copy.read_bytes() == before  # looked at, not touched
    with pytest.raises(ExerciseError, match="no such exercise database"):
        open_exercise_store(tmp_path / "absent.db")
    assert not (tmp_path / "absent.db").exists()
    (tmp_path / "junk.db").write_text("not sqlite")
    with pytest.raises(ExerciseError, match="not an exercise database"):
        open_exercise_store(tmp_path / "junk.db")
    with pytest.raises(ExerciseError, match="scenario .* or from a recording"):
        new_exercise_database(tmp_path, "x")

    real = Store(demo_copy)
    assert not is_exercise(real)
    with pytest.raises(ExerciseError, match="plays only into an exercise database"):
        check_exercise_feeds([config], real)
    with pytest.raises(ExerciseError, match="injects go only into an exercise database"):
        hand_inject(Session(real, derive=False), "response_level", level="I")
    real.close()
    assert EXERCISE_MARK == "演习 EXERCISE"


def test_the_default_folder_is_the_users_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setattr("sys.platform", "linux")
    recording = tmp_path / "x.db"
    Store(recording).close()
    path = new_exercise_database(recording=recording)
    assert path.parent == tmp_path / "emergency-console" / "exercises" and path.stem.endswith("-x")


# --- recordings as messages -------------------------------------------------------------------------------------
def parse(parser: MessageParser, message: dict):
    return parser.parse(message["xml"] if message["type"] == "cap" else json.dumps(message, ensure_ascii=False))


def test_messages_round_trip_through_events(catalogue):
    parser = MessageParser(catalogue.known(), load_config().area, "rec", parse_cap)
    cap = (OFFLINE_DATA / "cap" / "cap_amber_alert_example.xml").read_text(encoding="utf-8")
    messages = [
        reading("WS-0016", "2021-07-25T22:00:00", 18.5),
        {"id": "t1", "type": "tide_level", "time": "2021-07-25T22:00:00+08:00", "station_id": "TG-HPP",
         "level_m": 4.61},
        {"id": "r1", "type": "rainfall", "time": "2021-07-25T22:00:00Z", "station_id": "WX-007",
         "rain_1h_mm": 32.4, "rain_acc_mm": 118.0},
        {"id": "w1", "type": "wind", "time": "2021-07-25T22:00:00.250+08:00", "station_id": "WX-007",
         "mean_ms": 17.6, "gust_ms": 26.3},
        {"id": "c1", "type": "camera_status", "time": "2021-07-25T22:00:00+08:00", "camera_id": "CAM-25061",
         "state": "offline"},
        {"id": "s1", "type": "warning_signal", "time": "2021-07-25T22:00:00+08:00", "hazard": "typhoon",
         "level": "orange"},
        {"id": "l1", "type": "response_level", "time": "2021-07-25T22:00:00+08:00", "level": "II"},
        {"id": "f1", "type": "field_report", "time": "2021-07-25T22:00:00+08:00", "team": "绿化三队",
         "text": "南京西路 悬铃木倒伏", "lon": 121.4581, "lat": 31.2290, "object_id": "TR-002407"},
        {"id": "f2", "type": "field_report", "time": "2021-07-25T22:00:00+08:00", "team": "绿化三队",
         "text": "无对象", "lon": 121.4581, "lat": 31.2290},
        {"id": "ignored", "type": "cap", "time": "2003-06-11T22:39:00-07:00", "xml": cap},
    ]
    for message in messages:
        event = parse(parser, message)
        again = message_of(event)
        assert len(again) == 1
        second = parse(parser, again[0])
        assert (second.type, second.payload, second.event_time, second.id) == \
               (event.type, event.payload, event.event_time, event.id), message["id"]
    alert = parse_cap(cap.encode())
    assert parse_cap(cap_xml(alert).encode()) == alert
    # what no message makes: derived events and objects
    assert message_of(make_event(ev.ALERT_RAISED, {"alert_id": "a"}, "2021-07-25T00:00:00Z")) == []
    assert message_of(make_event(ev.SIGNAL_CHANGED, {"hazard": "typhoon", "level": "red", "cap_identifier": "x"},
                                 "2021-07-25T00:00:00Z", "cap")) == []


def test_recording_messages_are_the_inputs_in_event_time_order(tmp_path, demo_copy):
    store = Store(demo_copy)
    session = Session(store)
    late = make_event(ev.FLOOD_READING, {"id": "FP-0016", "depth_cm": 30.0}, "2021-07-25T13:00:00Z", "feed", "late")
    early = make_event(ev.FLOOD_READING, {"id": "FP-0016", "depth_cm": 20.0}, "2021-07-25T12:00:00Z", "feed", "early")
    session.ingest([late])
    session.ingest([early])  # arrives after, happened before
    session.ingest([make_event(ev.RESPONSE_LEVEL_CHANGED, {"level": "III"}, "2021-07-25T12:30:00Z", "fch", "fch")])
    session.clock.follow(datetime(2021, 7, 25, 12, 40, tzinfo=timezone.utc), 0.0)
    session.set_city_state("response_level", "I", "值班长")  # a person's decision: the trainees make their own
    assert store.conn.execute("SELECT count(*) FROM events WHERE type = 'alert.raised'").fetchone()[0] > 0
    store.close()
    messages = list(recording_messages(demo_copy))
    assert [m["id"] for m in messages] == ["early", "fch", "late"]  # no alerts, incidents, tasks, objects
    assert messages[0] == {"id": "early", "type": "water_depth", "time": "2021-07-25T12:00:00.000Z",
                           "sensor_id": "FP-0016", "depth_cm": 20.0}
    with_decisions = list(recording_messages(demo_copy, decisions=True))
    assert [m.get("level") for m in with_decisions] == [None, "III", "I", None]
    assert [m["id"] for m in recording_messages(demo_copy, start=bj("2021-07-25T20:35"))] == ["late"]
    # read-only: nothing beside the file is created
    assert not (tmp_path / "console.db-wal").exists() or (tmp_path / "console.db-wal").stat().st_size == 0


# --- end to end -------------------------------------------------------------------------------------------------
END_TO_END_INJECTS = """
[[inject]]
at = 2021-07-25T22:05:00+08:00
kind = "fallen_tree"
lon = 121.4606
lat = 31.2297
text = "南京西路石门一路口悬铃木倒伏"

[[inject]]
at = 2021-07-25T22:10:00+08:00
kind = "sensor_failure"
sensor_id = "WS-0001"

[[inject]]
at = 2021-07-25T22:15:00+08:00
until = 2021-07-25T23:00:00+08:00
kind = "water_depth"
sensor_id = "FP-0016"
depth_cm = 45.0
"""


def test_an_exercise_end_to_end(tmp_path, demo_db):
    injects = write_toml(tmp_path, END_TO_END_INJECTS)
    path = new_exercise_database(tmp_path, "e2e", scenario="in-fa", injects=injects,
                                 start=bj("2021-07-25T22:00"), end=bj("2021-07-25T22:40"))
    store = open_exercise_store(path)
    session = Session(store, derive=True)
    # the demo's objects, as load_exercise_objects (ensure_demo) would load them, copied from the test's demo database
    # for speed (load_exercise_objects is tested on a recording below)
    copy_objects(demo_db, session)
    assert len(session.layers["flood_points"].ids) == 700

    # the In-Fa scenario for the window, through the ordinary feed path (type exercise, as fast as possible)
    config = exercise_feed_config(store, speed=0)
    sink: queue.SimpleQueue = queue.SimpleQueue()
    feed = build_feed(config, MessageParser(session.known, store.config.area, "exercise", parse_cap), sink)
    feed.start()
    try:
        wait_until(lambda: feed.health.snapshot().state == FeedState.FINISHED, 60, "the exercise to play")
    finally:
        feed.stop()
    while batch := drain(sink, 5000):
        session.ingest(batch)
    assert feed.health.snapshot().rejected == 0

    reports = {r["id"]: r for r in store.rows("field_reports")}
    assert reports["inject-1"]["text"] == "南京西路石门一路口悬铃木倒伏"
    assert reports["inject-2"]["object_id"] == "FP-0001" and "传感器故障" in reports["inject-2"]["text"]
    failed = store.conn.execute("SELECT max(event_time) FROM events WHERE type = 'flood_point.reading' AND "
                                "json_extract(payload, '$.id') = 'FP-0001'").fetchone()[0]
    assert failed == "2021-07-25T14:05:00.000Z"  # 22:05 Beijing: its last reading before the failure
    alerts = [a for a in store.rows("alerts") if a["object_id"] == "FP-0016"]
    assert {a["rule"] for a in alerts} == {"ponding.general", "ponding.underpass_closure", "ponding.road_closure"}
    tasks = store.rows("tasks")
    incident = next(a["incident_id"] for a in alerts)
    assert {(t["agency"], t["action"]) for t in tasks if t["incident_id"] == incident} >= {
        ("water_affairs", "drain"), ("water_affairs", "close_underpass"), ("fire_rescue", "rescue")}

    # an inject by hand, on the map, at the session's clock
    session.clock.follow(bj("2021-07-25T22:40"), 0.0)
    hand = hand_inject(session, "flood_report", text="人工注入：外滩积水", lon=121.4905, lat=31.2355,
                       overrides=feed.overrides)
    assert hand[0].type == ev.FIELD_REPORT and hand[0].id.startswith("hand-")
    with pytest.raises(InjectError, match="hand inject \\(signal\\): 'level' is 'purple'"):
        hand_inject(session, "signal", hazard="typhoon", level="purple")

    result = review.build_review(store)
    assert result.exercise is True
    store.close()


def play(exercise, session) -> list:
    """The events an exercise database's own feed delivers, played as fast as possible."""
    parser = MessageParser(session.known, exercise.config.area, "exercise")
    sink: queue.SimpleQueue = queue.SimpleQueue()
    feed = build_feed(exercise_feed_config(exercise, speed=0), parser, sink)
    feed.start()
    try:
        wait_until(lambda: feed.finished, 30, "the exercise's feed to play")
    finally:
        feed.stop()
    return drain(sink)


def test_exercise_feed_from_a_recording(tmp_path, demo_copy):
    """A recording (its input events) plays back through the exercise feed, injects merged in."""
    store = Store(demo_copy)
    session = Session(store)
    session.ingest([make_event(ev.FLOOD_READING, {"id": "FP-0001", "depth_cm": d}, f"2021-07-25T1{h}:00:00Z", "f",
                               f"r{h}") for h, d in ((2, 3.0), (3, 5.0), (4, 7.0))])
    store.close()
    injects = write_toml(tmp_path, '[[inject]]\nat = "2021-07-25T21:30:00+08:00"\nkind = "sensor_failure"\n'
                                   'sensor_id = "FP-0001"\n')
    exercise = open_exercise_store(new_exercise_database(tmp_path, recording=demo_copy, injects=injects))
    target = Session(exercise)
    assert load_exercise_objects(target) > 0  # the recording's objects
    assert load_exercise_objects(target) == 0  # once
    assert len(target.layers["trees"].ids) == 50_000
    events = play(exercise, target)
    # the readings at 12:00 and 13:00 UTC, the failure at 13:30 UTC (21:30 Beijing); the one at 14:00 is withheld
    assert [e.id for e in events] == ["r2", "r3", "inject-1"]
    target.ingest(events)
    exercise.close()


def test_a_recording_catalogue_and_copy_refuse_a_real_target(demo_copy, tmp_path):
    catalogue = Catalogue.from_database(demo_copy)
    assert len(catalogue.flood_points) == 700 and catalogue.sensors["WS-0016"] == "FP-0016"
    store = Store(tmp_path / "real.db")
    with pytest.raises(ExerciseError, match="not an exercise database"):
        copy_objects(demo_copy, Session(store))
    store.close()
    sqlite3.connect(tmp_path / "empty.db").close()
    with pytest.raises(ExerciseError, match="not a console database"):
        Catalogue.from_database(tmp_path / "empty.db")


def test_the_console_refuses_an_exercise_feed_on_a_real_database(tmp_path):
    from console.core.feeds.config import FeedConfig
    from console.core.feeds.manager import FeedManager

    store = Store(tmp_path / "real.db")
    manager = FeedManager(Session(store))
    errors = manager.configure([FeedConfig("drill", "exercise", True, {"scenario": "in-fa"})])
    assert len(errors) == 1 and "exercise database" in errors[0] and manager.feeds == []
    store.close()


def test_exercise_feed_from_an_ndjson_file_of_messages(tmp_path):
    """A recorded feed file (one docs/feeds.md message a line) is a base too: played as it is, on the demo's objects,
    with the injects merged in; a broken line says where it is."""
    messages = tmp_path / "night.ndjson"
    messages.write_text("\n".join(json.dumps(reading("WS-0001", f"2021-07-25T2{h}:00:00", depth))
                                  for h, depth in ((0, 3.0), (1, 5.0), (2, 7.0))) + "\n", encoding="utf-8")
    injects = write_toml(tmp_path, '[[inject]]\nat = "2021-07-25T21:30:00+08:00"\nkind = "sensor_failure"\n'
                                   'sensor_id = "WS-0001"\n')
    exercise = open_exercise_store(new_exercise_database(tmp_path, recording=messages, injects=injects))
    target = Session(exercise)
    assert load_exercise_objects(target) > 0 and len(target.layers["flood_points"].ids) == 700  # the demo's
    events = play(exercise, target)
    # 20:00 and 21:00 are played, the failure at 21:30 withholds 22:00
    assert [e.id for e in events] == ["WS-0001-2021-07-25T20:00:00", "WS-0001-2021-07-25T21:00:00", "inject-1"]
    exercise.close()
    messages.write_text('{"type": "water_depth"}\nnot json\n', encoding="utf-8")
    with pytest.raises(ExerciseError, match="night.ndjson, line 2: not JSON"):
        list(recording_messages(messages))
