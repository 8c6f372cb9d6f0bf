"""A sensor's readings come from the log through the readings index, in event-time order; the threshold lines
that apply to each kind of sensor."""
from __future__ import annotations

import numpy as np
import pytest

from console.core import events as ev
from console.core import history
from console.core import store as store_module
from console.core.events import make_event
from console.core.rules.config import load_rules_config
from console.core.session import Session
from console.core.store import Store
from helpers import register


@pytest.fixture(params=[1, 4, 10_000], ids=["indexed", "half-indexed", "not-indexed-yet"])
def store(tmp_path, monkeypatch, request):
    """Readings come from readings_by_object and from the log's newest events: all, some or none indexed yet."""
    monkeypatch.setattr(store_module, "READINGS_INDEX_EVERY", request.param)
    store = Store(tmp_path / "console.db")
    session = Session(store, derive=False)
    session.ingest([register("flood_points", "FP-1", 121.45, 31.22, kind="underpass", name="汶水路下立交"),
                    register("flood_points", "FP-2", 121.46, 31.23, kind="road_spot", name="路段"),
                    register("stations", "ST-1", 121.47, 31.24, kind="weather", name="徐家汇"),
                    register("stations", "TG-1", 121.49, 31.24, kind="tide", name="吴淞口", warning_level_m=4.8)])
    session.ingest([
        make_event(ev.FLOOD_READING, {"id": "FP-1", "depth_cm": 10.0}, "2021-07-25T01:10:00Z"),
        make_event(ev.FLOOD_READING, {"id": "FP-2", "depth_cm": 99.0}, "2021-07-25T01:05:00Z"),
        make_event(ev.FLOOD_READING, {"id": "FP-1", "depth_cm": 30.0}, "2021-07-25T01:20:00Z"),
        make_event(ev.STATION_READING, {"id": "ST-1", "wind_mean_ms": 12.0, "wind_gust_ms": 18.0},
                   "2021-07-25T01:00:00Z"),
        make_event(ev.STATION_READING, {"id": "ST-1", "rain_1h_mm": 40.0}, "2021-07-25T01:00:00Z"),
    ])
    # a late reading: stored after the 01:20 one but taken at 01:15; it takes its place by event time
    session.ingest([make_event(ev.FLOOD_READING, {"id": "FP-1", "depth_cm": 20.0}, "2021-07-25T01:15:00Z")])
    yield store
    store.close()


def test_readings_of_one_object_in_event_time_order(store):
    rows = history.readings(store, "FP-1")
    assert [(t, p["depth_cm"]) for t, p in rows] == [("2021-07-25T01:10:00.000Z", 10.0),
                                                     ("2021-07-25T01:15:00.000Z", 20.0),
                                                     ("2021-07-25T01:20:00.000Z", 30.0)]
    assert all(p["id"] == "FP-1" for _, p in rows)
    assert [p["depth_cm"] for _, p in history.readings(store, "FP-1", since="2021-07-25T01:15:00.000Z",
                                                       until="2021-07-25T01:15:00.000Z")] == [20.0]
    assert history.latest_time(store, "FP-1") == "2021-07-25T01:20:00.000Z"
    assert history.readings(store, "nobody") == [] and history.latest_time(store, "nobody") is None


def test_the_query_reads_the_readings_table_and_only_the_newest_events(store):
    params = {"id": "FP-1", "indexed": 0, "since": "a", "until": "b"}
    indexed, newest = (" ".join(str(row[-1]) for row in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))
                       for sql in history._READINGS_SQL)
    # the runs up to the seq indexed, then in each the object's range of times
    runs, per_run = "SEARCH k USING INTEGER PRIMARY KEY (rowid<?)", "SEARCH r USING PRIMARY KEY (run=? AND object_id=?"
    assert indexed.startswith(f"{runs} {per_run} AND event_time>? AND event_time<?)"), indexed
    assert newest == "SEARCH events USING INTEGER PRIMARY KEY (rowid>?)", newest  # not a scan of the whole log


def test_the_readings_table_takes_the_log_in_runs(store):
    indexed = store.readings_indexed()
    in_table = store.conn.execute("SELECT count(*) FROM readings_by_object").fetchone()[0]
    in_log = store.conn.execute(f"SELECT count(*) FROM events WHERE {store_module.READINGS_WHERE}").fetchone()[0]
    newest = store.conn.execute(f"SELECT count(*) FROM events WHERE seq > ? AND {store_module.READINGS_WHERE}",
                                (indexed,)).fetchone()[0]
    assert in_table + newest == in_log == 6
    every = store_module.READINGS_INDEX_EVERY
    assert (in_table, newest) == {1: (6, 0), 4: (5, 1), 10_000: (0, 6)}[every]
    # each run (named by the last seq it covers) holds the readings after the one before, and its times are recorded
    runs = store.conn.execute("SELECT run, earliest, latest FROM reading_runs ORDER BY run").fetchall()
    assert runs == store.conn.execute("SELECT run, min(event_time), max(event_time) FROM readings_by_object "
                                      "GROUP BY run ORDER BY run").fetchall()
    assert len(runs) == {1: 2, 4: 1, 10_000: 0}[every]
    bounds = [0] + [run for run, _, _ in runs]
    for after, upto in zip(bounds, bounds[1:]):
        seqs = [seq for seq, in store.conn.execute("SELECT seq FROM readings_by_object WHERE run = ?", (upto,))]
        assert seqs and all(after < seq <= upto for seq in seqs)


def test_a_run_committed_after_the_query_began_is_read_from_the_log_only(store, monkeypatch):
    """The store's maintenance thread may commit a run between history reading the seq indexed and its queries: the
    table is read only up to that seq, the rest from the log, so no reading comes twice."""
    expected = history.readings(store, "FP-1")
    monkeypatch.setattr(store, "readings_indexed", lambda: 0)  # read before any run was committed
    assert history.readings(store, "FP-1") == expected
    assert history.latest_time(store, "FP-1") == "2021-07-25T01:20:00.000Z"


def test_series_picks_the_rows_carrying_the_quantity(store):
    rows = history.readings(store, "ST-1")
    times, gusts = history.series(rows, "wind_gust_ms")
    assert gusts.tolist() == [18.0] and times.tolist() == [1627174800.0]  # 2021-07-25T01:00Z in POSIX seconds
    assert history.series(rows, "rain_1h_mm")[1].tolist() == [40.0]
    assert history.series(rows, "level_m")[0].size == 0


def test_threshold_lines(store):
    config = store.config
    rules = load_rules_config()
    flood = history.threshold_lines("flood_point", {}, config)
    assert [(line.quantity, line.value) for line in flood] == [("depth_cm", 15), ("depth_cm", 25), ("depth_cm", 40)]
    assert "%1" in flood[1].label
    tide = history.threshold_lines("tide", {"warning_level_m": 4.8}, config)
    assert [(line.quantity, line.value) for line in tide] == [("level_m", 4.8)]
    assert history.threshold_lines("tide", {"warning_level_m": None}, config) == []
    weather = history.threshold_lines("weather", {}, config, rules)
    wind = [line.value for line in weather if line.quantity == "wind_mean_ms"]
    rain = [line.value for line in weather if line.quantity == "rain_1h_mm"]
    assert wind == [10.8, 17.2]  # forces 6 and 8, GB/T 28591
    assert rain == [35.0, 50.0, 80.0]  # blue, yellow, orange; red is off in rules.toml
    assert history.sensor_kind("stations", {"kind": "tide"}) == "tide"
    assert history.sensor_kind("stations", {"kind": "weather"}) == "weather"
    assert history.sensor_kind("flood_points", {}) == "flood_point"
    assert history.sensor_kind("trees", {}) == ""
    assert np.all(np.diff(history.epoch_seconds(["2021-07-25T01:00:00.000Z", "2021-07-25T01:00:00.500Z"])) == 0.5)
