"""RulesEngine.from_session: built from a console session's layers and city state (read-only); its alerts are events
the store takes like any other, once."""
from __future__ import annotations

from datetime import timedelta

import pytest

from console.core import events as ev
from console.core.events import Event
from console.core.rules import ALERT_RAISED, RulesEngine
from console.core.session import RULES_SLICE, Session, time_slices
from console.core.store import Store
from console.core.timefmt import parse_time
from helpers import register


@pytest.fixture
def session(tmp_path):
    store = Store(tmp_path / "console.db")
    session = Session(store)
    session.ingest([
        register("flood_points", "FP-1", 121.4537, 31.2243, kind="underpass", name="汶水路下立交", sensor_id="WS-1",
                 expected_interval_s=300),
        register("stations", "WX-1", 121.4629, 31.2344, kind="weather", name="中山南一路", expected_interval_s=600),
        register("stations", "TG-HPP", 121.4905, 31.2430, kind="tide", name="黄浦公园", expected_interval_s=300,
                 warning_level_m=4.55),
        register("trees", "TR-1", 121.4640, 31.2350, species="悬铃木", grade="very_high", status="checked",
                 street="南京西路"),
        register("construction_sites", "CS-1", 121.4650, 31.2360, name="工地", tower_cranes=1, hoists=0, gondolas=1,
                 workers=120, evacuation_status="normal"),
        Event(ev.SIGNAL_CHANGED, {"hazard": "typhoon", "level": "orange"}, "2021-07-24T12:00:00.000Z", "test",
              "SMB-typhoon-orange"),
        Event(ev.FLOOD_READING, {"id": "FP-1", "depth_cm": 5.0}, "2021-07-25T00:00:00.000Z", "test", "WS-1-0"),
    ])
    yield session
    store.close()


def test_built_from_the_layers_and_the_city_state(session):
    engine = RulesEngine.from_session(session)
    assert engine.floods.ids.tolist() == ["FP-1"] and engine.floods.cols["kind"].tolist() == ["underpass"]
    assert engine.stations.cols["warning"].tolist()[1] == 4.55
    assert engine.trees.name.tolist() == ["南京西路 悬铃木"]
    assert engine.sites.cols["workers"].tolist() == [120] and engine.sites.cols["gondolas"].tolist() == [1]
    assert engine.floods.lon[0] == pytest.approx(121.4537, abs=1e-9)  # back from EPSG:3857
    assert engine.city["typhoon_signal"][0] == "orange"
    # the typhoon orange in force: the site's evacuation order comes with the first batch, fired at the signal
    alerts = engine.evaluate([])
    assert [(a.payload["rule"], a.event_time) for a in alerts] == [("sites.evacuate", "2021-07-24T12:00:00.000Z")]
    # readings older than what the layer holds are ignored
    assert engine.evaluate([Event(ev.FLOOD_READING, {"id": "FP-1", "depth_cm": 30.0}, "2021-07-24T23:00:00.000Z",
                                  "test", "WS-1-late")]) == []


def test_each_kind_of_station_reading_keeps_its_own_time(session):
    session.ingest([Event(ev.STATION_READING, {"id": "WX-1", "wind_mean_ms": 3.0, "wind_gust_ms": 5.0},
                          "2021-07-25T00:00:00.000Z", "test", "WX-1-w0"),
                    Event(ev.STATION_READING, {"id": "WX-1", "rain_1h_mm": 1.0, "rain_acc_mm": 2.0},
                          "2021-07-25T00:10:00.000Z", "test", "WX-1-r10")])
    engine = RulesEngine.from_session(session)
    row = engine.stations.index["WX-1"]
    assert engine.stations.cols["wind_text"][row] == "2021-07-25T00:00:00.000Z"
    # wind at 00:05 is newer than the last wind reading, though older than the last rain reading
    alerts = engine.evaluate([Event(ev.STATION_READING, {"id": "WX-1", "wind_mean_ms": 11.0, "wind_gust_ms": 18.0},
                                    "2021-07-25T00:05:00.000Z", "test", "WX-1-w5")])
    assert [a.payload["rule"] for a in alerts] == ["sites.evacuate", "trees.failure_risk"]


def test_the_session_appends_alerts_with_their_readings_once(session):
    batch = [Event(ev.FLOOD_READING, {"id": "FP-1", "depth_cm": 42.0}, "2021-07-25T00:05:00.000Z", "test", "WS-1-5"),
             Event(ev.STATION_READING, {"id": "WX-1", "wind_mean_ms": 11.2, "wind_gust_ms": 18.0},
                   "2021-07-25T00:05:00.000Z", "test", "WX-1-5"),
             Event(ev.STATION_READING, {"id": "TG-HPP", "level_m": 4.60}, "2021-07-25T00:05:00.000Z", "test", "TG-5")]
    before = session.store.event_count()
    new = session.ingest(batch)
    alerts = [e for e in new if e.type == ALERT_RAISED]
    # the readings first, then their alerts, in the same append (one transaction)
    assert [e.id for e in new[:3]] == [e.id for e in batch] and all(e.seq for e in new)
    assert sorted(a.payload["rule"] for a in alerts) == [
        "ponding.general", "ponding.road_closure", "ponding.underpass_closure", "tide.above_warning",
        "trees.failure_risk"]  # no stop-work orders: the site is under an evacuation order
    # that order came with the orange signal, in the fixture's first batch
    evacuation = [r for r in session.store.rows("alerts") if r["rule"] == "sites.evacuate"]
    assert [r["fired_at"] for r in evacuation] == ["2021-07-24T12:00:00.000Z"]
    assert {r["id"] for r in session.store.rows("alerts")} == {a.payload["alert_id"] for a in alerts} | {
        evacuation[0]["id"]}
    assert session.ingest(batch) == []  # the same readings again add nothing, and raise nothing again
    assert session.store.event_count() == before + len(new)
    # a console restarted on the same database carries on: the active alerts are neither raised again nor lost
    restarted = Session(session.store)
    assert restarted.ingest([Event(ev.FLOOD_READING, {"id": "FP-1", "depth_cm": 45.0}, "2021-07-25T00:10:00.000Z",
                                   "test", "WS-1-10")])[0].id == "WS-1-10"
    assert session.store.event_count() == before + len(new) + 1
    assert sorted(a["rule"] for a in restarted.rules.active_alerts()) == sorted(
        [a.payload["rule"] for a in alerts] + ["sites.evacuate"])


def objects_without_signal() -> list[Event]:
    return [register("stations", "WX-1", 121.4629, 31.2344, kind="weather", name="中山南一路", expected_interval_s=600),
            register("construction_sites", "CS-1", 121.4650, 31.2360, name="工地", tower_cranes=1, hoists=0,
                     gondolas=1, workers=120, evacuation_status="normal")]


def test_a_long_batch_gives_the_alerts_of_short_ones(tmp_path):
    """Gusts reach force 6 at 01:00 and the orange signal comes at 03:00: the site gets its stop-work orders at
    01:00 and its evacuation order at 03:00 whether the three hours come in one batch (a bulk import) or in the
    live console's short ones; in one evaluation the signal would have hidden the stop-work orders."""
    readings = [Event(ev.STATION_READING, {"id": "WX-1", "wind_mean_ms": 6.0 + minute / 20, "wind_gust_ms": 9.0 +
                                           minute / 12}, f"2021-07-24T{minute // 60:02d}:{minute % 60:02d}:00.000Z",
                      "test", f"w-{minute}") for minute in range(0, 240, 10)]
    orange = Event(ev.SIGNAL_CHANGED, {"hazard": "typhoon", "level": "orange"}, "2021-07-24T03:00:00.000Z", "test",
                   "orange")
    history = sorted(readings + [orange], key=lambda e: e.event_time)
    outcomes = []
    for name, batches in (("one batch", [history]), ("one event a batch", [[e] for e in history])):
        store = Store(tmp_path / f"{name}.db")
        session = Session(store)
        session.ingest(objects_without_signal())
        for batch in batches:
            session.ingest(batch)
        outcomes.append(sorted((r["rule"], r["fired_at"]) for r in session.query("alerts")))
        store.close()
    # the same alerts; a wind alert fires at the latest reading it was judged on: within one slice (10 min)
    assert [rule for rule, _ in outcomes[0]] == [rule for rule, _ in outcomes[1]]
    for (_, long_batch), (_, short_batches) in zip(*outcomes):
        assert timedelta(0) <= parse_time(long_batch) - parse_time(short_batches) <= RULES_SLICE
    rules = dict(outcomes[0])
    assert "sites.stop_work_at_height" in rules and rules["sites.evacuate"] == "2021-07-24T03:00:00.000Z"


def test_time_slices_cut_by_event_time():
    events = [Event(ev.FLOOD_READING, {"id": "FP-1", "depth_cm": 1.0}, f"2021-07-24T00:{m:02d}:00.000Z", "t", str(m))
              for m in (25, 0, 9, 10, 11, 40)]
    pieces = time_slices(events, timedelta(minutes=10))
    assert [[e.id for e in piece] for piece in pieces] == [["0", "9", "10"], ["11"], ["25"], ["40"]]
    assert time_slices([], timedelta(minutes=10)) == [[]]
