"""Feed messages (docs/feeds.md): every kind parses into its event; bad input is rejected with a reason."""
import json

import numpy as np
import pytest

from console.core import events as ev
from console.core.config import load_config
from console.core.feeds.messages import MAX_MESSAGE_BYTES, KnownObjects, MessageError, MessageParser
from console.core.session import Session
from console.core.store import Store
from helpers import register

KNOWN = KnownObjects(flood_point_of_sensor={"WS-0001": "FP-0001", "FP-0001": "FP-0001"},
                     stations=frozenset({"WX-001", "TG-HPP"}), cameras=frozenset({"CAM-00042"}),
                     objects=frozenset({"FP-0001", "TR-000123"}))
T = "2021-07-25T09:30:00+08:00"


@pytest.fixture
def parser():
    return MessageParser(KNOWN, load_config().area, "test")


def message(kind, **fields):
    return json.dumps({"id": f"{kind}-1", "type": kind, "time": T, **fields}, ensure_ascii=False)


@pytest.mark.parametrize("kind, fields, event_type, payload", [
    ("water_depth", {"sensor_id": "WS-0001", "depth_cm": 18.5}, ev.FLOOD_READING,
     {"id": "FP-0001", "depth_cm": 18.5}),
    ("tide_level", {"station_id": "TG-HPP", "level_m": 4.61}, ev.STATION_READING, {"id": "TG-HPP", "level_m": 4.61}),
    ("rainfall", {"station_id": "WX-001", "rain_1h_mm": 32.4, "rain_acc_mm": 118}, ev.STATION_READING,
     {"id": "WX-001", "rain_1h_mm": 32.4, "rain_acc_mm": 118.0}),
    ("wind", {"station_id": "WX-001", "mean_ms": 17.6, "gust_ms": 26.3}, ev.STATION_READING,
     {"id": "WX-001", "wind_mean_ms": 17.6, "wind_gust_ms": 26.3}),
    ("camera_status", {"camera_id": "CAM-00042", "state": "offline"}, ev.CAMERA_STATE_CHANGED,
     {"id": "CAM-00042", "state": "offline"}),
    ("warning_signal", {"hazard": "typhoon", "level": "orange"}, ev.SIGNAL_CHANGED,
     {"hazard": "typhoon", "level": "orange"}),
    ("response_level", {"level": "III"}, ev.RESPONSE_LEVEL_CHANGED, {"level": "III"}),
    ("field_report", {"team": "绿化三队", "text": "悬铃木倒伏", "lon": 121.4581, "lat": 31.229,
                      "object_id": "TR-000123"}, ev.FIELD_REPORT,
     {"team": "绿化三队", "text": "悬铃木倒伏", "lon": 121.4581, "lat": 31.229, "object_id": "TR-000123"}),
])
def test_every_kind_becomes_its_event(parser, kind, fields, event_type, payload):
    event = parser.parse(message(kind, **fields))
    assert (event.type, event.payload) == (event_type, payload)
    assert event.id == f"{kind}-1" and event.event_time == "2021-07-25T01:30:00.000Z" and event.source == "test"


@pytest.mark.parametrize("raw, reason", [
    ('{"id": "x", "type": "water_depth", ', "not valid JSON"),
    ("[1, 2]", "must be a JSON object"),
    (message("water_depth", sensor_id="WS-0001", depth_cm="deep"), "'depth_cm' is 'deep', not a number"),
    (message("water_depth", sensor_id="WS-0001", depth_cm=True), "not a number"),
    (message("water_depth", sensor_id="WS-0001", depth_cm=900), "outside 0–500"),
    (message("water_depth", sensor_id="WS-9999", depth_cm=10), "unknown sensor 'WS-9999'"),
    (message("wind", station_id="WX-404", mean_ms=1, gust_ms=2), "unknown station"),
    (message("wind", station_id="WX-001", mean_ms=20, gust_ms=10), "below the mean"),
    (message("camera_status", camera_id="CAM-00042", state="broken"), "expected one of online, offline"),
    (message("warning_signal", hazard="typhoon", level="purple"), "'level' is 'purple'"),
    (message("field_report", team="a", text="b", lon=2.35, lat=48.85), "outside the city area"),
    (message("field_report", team="a", text="b", lon=121.46, lat=31.23, object_id="TR-nope"), "unknown object"),
    (message("tsunami"), "unknown message type 'tsunami'"),
    (json.dumps({"type": "wind", "time": T}), "'id' is missing"),
    (json.dumps({"id": "a", "type": "response_level", "time": "2021-07-25T09:30:00", "level": "IV"}),
     "no timezone offset"),
    ("x" * (MAX_MESSAGE_BYTES + 1), "larger than 65,536"),
    (b"\xff\xfe\x00garbage", "not valid JSON"),
])
def test_bad_messages_are_rejected_with_a_reason(parser, raw, reason):
    with pytest.raises(MessageError, match=reason):
        parser.parse(raw)


def test_a_batch_gives_each_good_message_its_event_and_names_each_bad_one(parser):
    depth = json.loads(message("water_depth", sensor_id="WS-0001", depth_cm=12))
    raw = json.dumps({"id": "GW-07-0930", "type": "batch", "messages": [
        {**depth, "id": "r1"}, {**depth, "id": "r2", "depth_cm": "deep"}, {**depth, "id": "r3", "depth_cm": 14},
        {"id": "b", "type": "batch", "messages": [depth]}, "text"]})
    events, refused = parser.parse_all(raw)
    assert [(e.id, e.payload["depth_cm"]) for e in events] == [("r1", 12.0), ("r3", 14.0)]
    assert refused == ["batch 'GW-07-0930', message 2: 'depth_cm' is 'deep', not a number",
                       "batch 'GW-07-0930', message 4: must be a message object (batches do not nest)",
                       "batch 'GW-07-0930', message 5: must be a message object (batches do not nest)"]
    assert parser.parse_all(message("response_level", level="IV"))[0][0].type == ev.RESPONSE_LEVEL_CHANGED


@pytest.mark.parametrize("raw, reason", [
    (json.dumps({"id": "GW-1", "type": "batch", "messages": []}), "'messages' must be a non-empty list"),
    (json.dumps({"id": "GW-1", "type": "batch", "messages": {"a": 1}}), "'messages' must be a non-empty list"),
    (json.dumps({"type": "batch", "messages": [1]}), "'id' is missing"),
])
def test_a_batch_without_messages_is_refused_whole(parser, raw, reason):
    with pytest.raises(MessageError, match=reason):
        parser.parse_all(raw)


def test_one_message_where_a_batch_is_not_expected(parser):
    with pytest.raises(MessageError, match="a batch of messages where one message was expected"):
        parser.parse(json.dumps({"id": "GW-1", "type": "batch", "messages": [{}]}))


def test_xml_needs_a_cap_parser(parser):
    with pytest.raises(MessageError, match="does not take CAP"):
        parser.parse("<alert/>")


def station_session(tmp_path):
    session = Session(Store(tmp_path / "console.db"))
    session.ingest([register("stations", "WX-001", 121.47, 31.23, name="徐家汇", kind="weather",
                             expected_interval_s=600),
                    register("stations", "TG-HPP", 121.49, 31.24, name="黄浦公园", kind="tide",
                             expected_interval_s=300, warning_level_m=4.55)])
    return session


def test_station_readings_give_the_wind_and_tide_condition(tmp_path):
    session = station_session(tmp_path)
    parser = MessageParser(session.known, load_config().area, "test")
    layer = session.layers["stations"]

    def condition(station):
        return layer.attrs["condition"][layer.row_of(station)]

    assert condition("WX-001") == "no_reading"
    session.ingest([parser.parse(message("wind", station_id="WX-001", mean_ms=9.0, gust_ms=15.0))])
    assert condition("WX-001") == "normal"  # force 5 mean, force 7 gust
    session.ingest([parser.parse(json.dumps({"id": "w2", "type": "wind", "time": "2021-07-25T10:00:00+08:00",
                                             "station_id": "WX-001", "mean_ms": 12.0, "gust_ms": 25.0}))])
    assert condition("WX-001") == "gale"  # force 6 mean, force 10 gust
    # a rain message does not erase the wind, and an older wind message does not replace a newer one
    session.ingest([parser.parse(json.dumps({"id": "r1", "type": "rainfall", "time": "2021-07-25T10:05:00+08:00",
                                             "station_id": "WX-001", "rain_1h_mm": 40, "rain_acc_mm": 90})),
                    parser.parse(json.dumps({"id": "w0", "type": "wind", "time": "2021-07-25T08:00:00+08:00",
                                             "station_id": "WX-001", "mean_ms": 1.0, "gust_ms": 2.0}))])
    row = layer.row_of("WX-001")
    assert layer.attrs["wind_gust_ms"][row] == 25.0 and layer.attrs["rain_1h_mm"][row] == 40.0
    assert condition("WX-001") == "gale"
    session.ingest([parser.parse(message("tide_level", station_id="TG-HPP", level_m=4.61))])
    assert condition("TG-HPP") == "above_warning"
    state = session.store.projection_state()
    session.store.rebuild_projections()
    assert session.store.projection_state() == state


def test_signals_and_response_level_keep_the_newest_by_event_time(tmp_path):
    session = station_session(tmp_path)
    parser = MessageParser(session.known, load_config().area, "test")

    def signal(level, time, number):
        return parser.parse(json.dumps({"id": f"s{number}", "type": "warning_signal", "time": time,
                                        "hazard": "typhoon", "level": level}))

    session.ingest([signal("orange", "2021-07-25T04:00:00+08:00", 2), signal("blue", "2021-07-23T07:00:00+08:00", 1)])
    session.ingest([parser.parse(message("response_level", level="IV"))])
    assert session.city_state() == {"typhoon_signal": "orange", "response_level": "IV"}


def test_sensors_without_a_recent_reading_are_stale(tmp_path):
    session = station_session(tmp_path)
    parser = MessageParser(session.known, load_config().area, "test")
    session.ingest([parser.parse(message("wind", station_id="WX-001", mean_ms=5.0, gust_ms=8.0))])
    layer = session.layers["stations"]
    stale_code = len(layer.style_classes) - 1
    changes = []
    layer.events.changed.connect(lambda rows: changes.append(rows.tolist()))
    reading = np.datetime64("2021-07-25T01:30:00", "ms")
    assert layer.update_staleness(reading + np.timedelta64(600, "s"), 1.1).size == 0  # within its interval
    flipped = layer.update_staleness(reading + np.timedelta64(700, "s"), 1.1)  # 600 s × 1.1 = 660 s
    assert flipped.tolist() == [layer.row_of("WX-001")] and changes == [flipped.tolist()]
    assert layer.style_codes()[layer.row_of("WX-001")] == stale_code
    assert not layer.stale[layer.row_of("TG-HPP")]  # never reported: 'no reading', not stale
    session.ingest([parser.parse(json.dumps({"id": "w9", "type": "wind", "time": "2021-07-25T09:42:00+08:00",
                                             "station_id": "WX-001", "mean_ms": 5.0, "gust_ms": 8.0}))])
    layer.update_staleness(reading + np.timedelta64(800, "s"), 1.1)
    assert not layer.stale[layer.row_of("WX-001")]
    assert layer.style_codes()[layer.row_of("WX-001")] != stale_code
