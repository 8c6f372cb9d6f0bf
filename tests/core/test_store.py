"""The event log and its projections, on real SQLite files."""
import random
import sqlite3

import pytest

from console.core import events as ev
from console.core import history
from console.core import session as session_module
from console.core.events import make_event
from console.core.projections import HANDLERS, insert_rows
from console.core.session import Session
from console.core.store import MIGRATIONS, MIN_PIECE, NOT_READINGS_WHERE, SCHEMA_VERSION, Store, StoreError, _piece_size
from console.core.timefmt import beijing_text, normalize_time
from helpers import register
from layers import LAYER_BY_KIND


def reading(sensor: str, depth: float, time: str, event_id: str | None = None):
    return make_event(ev.FLOOD_READING, {"id": sensor, "depth_cm": depth}, time, id=event_id)


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "console.db")
    yield s
    s.close()


def test_new_database_is_wal_with_current_schema(store):
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.schema_version == SCHEMA_VERSION
    assert store.event_count() == 0


def test_append_assigns_sequence_and_received_time(store):
    result = store.append([register("flood_points", "FP-1", 121.47, 31.23, name="a", kind="underpass"),
                           reading("FP-1", 12, "2021-07-25T09:00:00+08:00")])
    assert [e.seq for e in result.events] == [1, 2]
    assert all(e.received_time.endswith("Z") for e in result.events)
    row = store.conn.execute("SELECT event_time FROM events WHERE seq = 2").fetchone()
    assert row[0] == "2021-07-25T01:00:00.000Z"  # stored in UTC
    assert beijing_text(row[0]) == "2021-07-25 09:00:00"  # shown in Beijing time


def test_a_message_seen_twice_changes_nothing(store):
    store.append([register("flood_points", "FP-1", 121.47, 31.23, name="a", kind="underpass")])
    first = reading("FP-1", 30, "2021-07-25T01:00:00Z", event_id="m-1")
    assert len(store.append([first, first]).events) == 1  # twice in one batch
    again = store.append([reading("FP-1", 99, "2021-07-25T02:00:00Z", event_id="m-1")])
    assert again.events == [] and again.changed == {}
    assert store.rows("flood_points")[0]["depth_cm"] == 30
    assert store.event_count() == 2


def test_a_batch_stores_what_is_new_in_its_order_whatever_came_before(store):
    store.append([register("flood_points", "FP-1", 121.47, 31.23, name="a", kind="underpass")])
    seen = reading("FP-1", 30, "2021-07-25T01:00:00Z", event_id="m-1")
    store.append([seen])
    batch = [reading("FP-1", 31, "2021-07-25T01:05:00Z", event_id="m-2"), seen,
             reading("FP-1", 32, "2021-07-25T01:10:00Z", event_id="m-3"),
             reading("FP-1", 99, "2021-07-25T01:15:00Z", event_id="m-2")]  # m-2 again: the first one counts
    result = store.append(batch)
    assert [(e.id, e.seq) for e in result.events] == [("m-2", 3), ("m-3", 4)]
    logged = store.conn.execute("SELECT id, seq, json_extract(payload, '$.depth_cm') FROM events WHERE seq > 2")
    assert logged.fetchall() == [("m-2", 3, 31), ("m-3", 4, 32)]
    assert store.rows("flood_points")[0]["depth_cm"] == 32


def test_new_ids_go_in_without_asking_the_log_for_them_first(store):
    """The log's unique id refuses what it has: a batch of new events asks for no ids; one with an id seen before
    asks, and stores the others with consecutive seqs."""
    store.append([register("flood_points", "FP-1", 121.47, 31.23, name="a", kind="underpass")])
    statements = []
    store.conn.set_trace_callback(statements.append)
    store.append([reading("FP-1", 30 + n, f"2021-07-25T01:0{n}:00Z", event_id=f"m-{n}") for n in range(3)])
    assert not [sql for sql in statements if sql.startswith("SELECT id FROM events")]
    statements.clear()
    result = store.append([reading("FP-1", 40, "2021-07-25T01:05:00Z", event_id="m-5"),
                           reading("FP-1", 99, "2021-07-25T01:06:00Z", event_id="m-1")])
    assert [sql for sql in statements if sql.startswith("SELECT id FROM events")]
    assert [(e.id, e.seq) for e in result.events] == [("m-5", 5)]
    assert store.conn.execute("SELECT id, seq FROM events WHERE seq > 1 ORDER BY seq").fetchall() == \
        [("m-0", 2), ("m-1", 3), ("m-2", 4), ("m-5", 5)]


def test_current_value_is_the_newest_by_event_time(store):
    store.append([register("flood_points", "FP-1", 121.47, 31.23, name="a", kind="underpass")])
    store.append([reading("FP-1", 30, "2021-07-25T02:00:00Z")])
    late = store.append([reading("FP-1", 5, "2021-07-25T01:00:00Z")])  # arrives late, older
    row = store.rows("flood_points")[0]
    assert row["depth_cm"] == 30 and row["depth_class"] == 2
    assert row["last_reading"] == "2021-07-25T02:00:00.000Z"
    assert late.changed == {}


def test_depth_classes_follow_the_configured_bounds(store):
    store.append([register("flood_points", f"FP-{d}", 121.47, 31.23, name="a", kind="underpass")
                  for d in (0, 14.9, 15, 25, 40)])
    store.append([reading(f"FP-{d}", d, "2021-07-25T02:00:00Z") for d in (0, 14.9, 15, 25, 40)])
    classes = {r["id"]: r["depth_class"] for r in store.rows("flood_points")}
    assert classes == {"FP-0": 0, "FP-14.9": 0, "FP-15": 1, "FP-25": 2, "FP-40": 3}


def random_history(rng: random.Random, count: int):
    """A shuffled-in-time mix of every event type, including ones the projections must ignore."""
    objects = [register("flood_points", f"FP-{i}", 121.4 + i / 100, 31.2, name=f"f{i}", kind="underpass")
               for i in range(5)]
    objects += [register("trees", f"TR-{i}", 121.4, 31.2 + i / 100, species="悬铃木", grade="low", status="checked")
                for i in range(5)]
    objects += [register("construction_sites", f"CS-{i}", 121.5, 31.2 + i / 100, name=f"s{i}",
                         evacuation_status="normal") for i in range(3)]
    objects += [register("cameras", f"CAM-{i}", 121.5, 31.3, name=f"c{i}", stream_url="rtsp://x.invalid/1")
                for i in range(3)]
    history = list(objects)
    for _ in range(count):
        hour = rng.randrange(0, 48)
        time = f"2021-07-{24 + hour // 24}T{hour % 24:02d}:{rng.randrange(60):02d}:00Z"
        pick = rng.randrange(6)
        if pick == 0:
            history.append(reading(f"FP-{rng.randrange(6)}", rng.uniform(0, 60), time))  # FP-5 is unknown
        elif pick == 1:
            history.append(make_event(ev.TREE_STATUS_CHANGED, {"id": f"TR-{rng.randrange(5)}",
                                                                "status": rng.choice(["pruned", "braced"])}, time))
        elif pick == 2:
            history.append(make_event(ev.TREE_ASSESSED, {"id": f"TR-{rng.randrange(5)}",
                                                          "grade": rng.choice(["high", "very_high"])}, time))
        elif pick == 3:
            history.append(make_event(ev.SITE_EVACUATION_CHANGED, {
                "id": f"CS-{rng.randrange(3)}",
                "status": rng.choice(["normal", "work_stopped", "evacuating", "evacuated"])}, time))
        elif pick == 4:
            history.append(make_event(ev.SITE_EVACUATION_REVERSED, {
                "id": f"CS-{rng.randrange(3)}", "status": "normal", "by": "sup", "reason": "drill"}, time))
        else:
            history.append(make_event(ev.CAMERA_STATE_CHANGED, {"id": f"CAM-{rng.randrange(3)}",
                                                                 "state": rng.choice(["online", "offline"])}, time))
    return history


def test_rebuild_from_the_log_equals_the_incremental_state(store):
    rng = random.Random(7)
    history = random_history(rng, 600)
    position = 0
    while position < len(history):  # batches of random size, as feeds deliver them
        size = rng.randrange(1, 40)
        store.append(history[position:position + size])
        position += size
    incremental = store.projection_state()
    assert sum(len(rows) for rows in incremental.values()) == 16
    store.rebuild_projections()
    assert store.projection_state() == incremental
    # and the state really moved: readings, statuses and evacuations were applied
    assert any(r["depth_cm"] is not None for r in store.rows("flood_points"))
    assert {r["status"] for r in store.rows("trees")} & {"pruned", "braced"}


def test_evacuation_status_only_moves_forward_unless_reversed(store):
    session = Session(store)
    session.ingest([register("construction_sites", "CS-1", 121.5, 31.2, name="s", evacuation_status="normal")])
    session.set_site_evacuation("CS-1", "evacuating")
    backwards = make_event(ev.SITE_EVACUATION_CHANGED, {"id": "CS-1", "status": "work_stopped"})
    session.ingest([backwards])  # a feed saying 'work stopped' after 'evacuating' does not move it back
    assert store.rows("construction_sites")[0]["evacuation_status"] == "evacuating"
    with pytest.raises(PermissionError):
        session.set_site_evacuation("CS-1", "normal", by="duty officer")
    reversal = session.set_site_evacuation("CS-1", "normal", by="supervisor Li", reason="false alarm",
                                           supervisor=True)
    assert reversal.type == ev.SITE_EVACUATION_REVERSED
    assert store.rows("construction_sites")[0]["evacuation_status"] == "normal"
    layer = session.layers["construction_sites"]
    assert layer.attrs["evacuation_status"][layer.row_of("CS-1")] == "normal"


def test_session_notifies_each_layer_once_per_batch(store):
    session = Session(store)
    session.ingest([register("flood_points", f"FP-{i}", 121.47, 31.23, name="a", kind="underpass")
                    for i in range(10)])
    calls = []
    session.layers["flood_points"].events.changed.connect(lambda rows: calls.append(len(rows)))
    session.ingest([reading(f"FP-{i}", 20, "2021-07-25T02:00:00Z") for i in range(10)])
    assert calls == [10]
    layer = session.layers["flood_points"]
    assert set(layer.attrs["depth_class"]) == {1}


def test_readings_of_known_objects_change_only_their_live_fields_in_the_layer(store, monkeypatch):
    """A row only readings changed goes into its layer without the projection to map metres; a row an object's
    registration changed in the same batch (it moved), or an object the layer does not have yet, goes in whole."""
    session = Session(store)
    session.ingest([register("flood_points", f"FP-{i}", 121.47 + i / 100, 31.23, name=f"p{i}", kind="underpass")
                    for i in range(3)])
    layer = session.layers["flood_points"]
    projected = []
    real = session_module.rows_for_layer
    monkeypatch.setattr(session_module, "rows_for_layer",
                        lambda layer, rows: projected.extend(r["id"] for r in rows) or real(layer, rows))
    x0 = layer.x.copy()
    session.ingest([reading(f"FP-{i}", 30 + i, "2021-07-25T02:00:00Z") for i in range(3)])
    assert projected == []
    assert list(layer.attrs["depth_cm"]) == [30, 31, 32] and list(layer.attrs["depth_class"]) == [2, 2, 2]
    assert list(layer.attrs["last_reading"]) == ["2021-07-25T02:00:00.000Z"] * 3
    assert list(layer.x) == list(x0) and list(layer.attrs["name"]) == ["p0", "p1", "p2"]

    session.ingest([reading("FP-0", 10, "2021-07-25T02:05:00Z"),
                    register("flood_points", "FP-1", 121.60, 31.23, name="moved", kind="underpass"),
                    reading("FP-1", 12, "2021-07-25T02:05:00Z"),
                    register("flood_points", "FP-3", 121.50, 31.24, name="new", kind="road_spot"),
                    reading("FP-3", 50, "2021-07-25T02:05:00Z")])
    assert sorted(projected) == ["FP-1", "FP-3"]
    row1, row3 = layer.row_of("FP-1"), layer.row_of("FP-3")
    assert layer.x[row1] > x0[2] and layer.attrs["name"][row1] == "moved" and layer.attrs["depth_cm"][row1] == 12
    assert layer.attrs["depth_cm"][row3] == 50 and layer.attrs["depth_class"][row3] == 3
    assert layer.attrs["depth_cm"][layer.row_of("FP-0")] == 10 and layer.x[0] == x0[0]
    assert list(layer.style_codes()) == [1, 1, 3, 4]  # the legend classes follow the live fields


def test_a_reading_changes_no_layer_field_but_the_live_ones(store):
    """The layers take a row only readings changed through its live fields alone (Session._update_layers): every
    layer field a reading's handler changes must be one of them."""
    store.append([register("flood_points", "FP-1", 121.47, 31.23, name="a", kind="underpass"),
                  register("stations", "WX-1", 121.48, 31.24, name="b", kind="weather", warning_level_m=4.5)])
    payloads = {ev.FLOOD_READING: {"id": "FP-1", "depth_cm": 42.0},
                ev.STATION_READING: {"id": "WX-1", "wind_mean_ms": 20.0, "wind_gust_ms": 30.0, "rain_1h_mm": 50.0,
                                     "rain_acc_mm": 80.0, "level_m": 4.8}}
    assert set(payloads) == ev.READING_TYPES
    for event_type, payload in payloads.items():
        table, handler = HANDLERS[event_type]
        row = store.rows(table)[0]
        new = handler(row, payload, make_event(event_type, payload, "2021-07-25T02:00:00Z"), store.config)
        layer = LAYER_BY_KIND[table]
        changed = {name for name in new if new[name] != row[name]} & {spec.name for spec in layer.fields}
        assert changed and changed <= set(layer.live_fields), event_type


def test_session_reopens_the_same_state(tmp_path):
    path = tmp_path / "console.db"
    first = Session(Store(path))
    first.ingest([register("trees", "TR-1", 121.47, 31.23, species="香樟", grade="high", status="checked")])
    first.store.close()
    again = Session(Store(path))
    layer = again.layers["trees"]
    assert list(layer.ids) == ["TR-1"] and layer.attrs["grade"][0] == "high"


def test_read_only_store_refuses_writes(tmp_path):
    path = tmp_path / "console.db"
    Store(path).close()
    read_only = Store(path, read_only=True)
    with pytest.raises(StoreError):
        read_only.append([register("trees", "TR-1", 121.47, 31.23, species="a", grade="low", status="checked")])


def test_newer_schema_and_foreign_files_are_refused_clearly(tmp_path):
    newer = tmp_path / "newer.db"
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        Store(newer)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="not a usable console database"):
        Store(junk)


def test_times_without_offset_are_rejected():
    with pytest.raises(ValueError, match="timezone"):
        normalize_time("2021-07-25T09:00:00")
    assert normalize_time("2021-07-25T09:00:00+08:00") == "2021-07-25T01:00:00.000Z"


def test_a_version_1_database_is_migrated_and_keeps_its_data(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    MIGRATIONS[0](conn)  # the first released schema, as an older console left it
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO events (seq, id, type, event_time, received_time, source, payload) VALUES "
                 "(1, 'e1', 'objects.registered', '2021-07-20T00:00:00.000Z', '2021-07-20T00:00:00.000Z', 'x', ?)",
                 ('{"kind": "trees", "objects": [{"id": "TR-1", "lon": 121.47, "lat": 31.23, '
                  '"attrs": {"species": "a", "grade": "low", "status": "checked"}}]}',))
    conn.commit()
    conn.close()
    store = Store(path)
    assert store.schema_version == SCHEMA_VERSION
    assert store.rows("stations") == [] and store.rows("city_state") == []
    store.rebuild_projections()
    assert [r["id"] for r in store.rows("trees")] == ["TR-1"]


def test_a_version_3_database_gets_its_readings_table_and_loses_the_index(tmp_path):
    path = tmp_path / "v3.db"
    conn = sqlite3.connect(path)
    for migration in MIGRATIONS[:3]:
        migration(conn)
    conn.execute("PRAGMA user_version = 3")
    readings = [(seq, f"r{seq}", "flood_point.reading", f"2021-07-25T01:{59 - seq:02d}:00.000Z",
                 '{"id": "FP-%d", "depth_cm": %d}' % (seq % 2, seq)) for seq in range(1, 7)]
    conn.executemany("INSERT INTO events (seq, id, type, event_time, received_time, source, payload) "
                     "VALUES (?, ?, ?, ?, '2021-07-25T02:00:00.000Z', 'x', ?)", readings)
    conn.commit()
    conn.close()
    store = Store(path)
    assert store.schema_version == SCHEMA_VERSION
    assert store.readings_indexed() == 6
    assert store.conn.execute("SELECT object_id, event_time, seq FROM readings_by_object").fetchall() == sorted(
        (f"FP-{seq % 2}", time, seq) for seq, _, _, time, _ in readings)
    assert not store.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'events_by_object'").fetchall()
    assert [p["depth_cm"] for _, p in history.readings(store, "FP-1")] == [5, 3, 1]  # by event time


def test_a_version_4_database_keeps_its_indexed_readings_as_one_run(tmp_path):
    """Migration 5 keys the readings table by run: what version 4 indexed becomes the run of the seq it was indexed
    up to, what it had not indexed yet is still read from the log, and later runs follow."""
    path = tmp_path / "v4.db"
    conn = sqlite3.connect(path)
    for migration in MIGRATIONS[:3]:
        migration(conn)
    insert = ("INSERT INTO events (seq, id, type, event_time, received_time, source, payload) "
              "VALUES (?, ?, 'flood_point.reading', ?, '2021-07-25T02:00:00.000Z', 'x', ?)")
    times = {seq: f"2021-07-25T01:{(seq * 7) % 60:02d}:00.000Z" for seq in range(1, 7)}
    readings = [(seq, f"r{seq}", times[seq], '{"id": "FP-1", "depth_cm": %d}' % seq) for seq in times]
    conn.executemany(insert, readings[:4])
    MIGRATIONS[3](conn)  # version 4 indexed the first four
    conn.executemany(insert, readings[4:])
    conn.execute("PRAGMA user_version = 4")
    conn.commit()
    conn.close()
    store = Store(path)
    assert store.schema_version == SCHEMA_VERSION and store.readings_indexed() == 4
    assert store.conn.execute("SELECT run, seq FROM readings_by_object ORDER BY seq").fetchall() == [
        (4, seq) for seq in range(1, 5)]
    assert store.conn.execute("SELECT * FROM reading_runs").fetchall() == [(4, min(times[s] for s in range(1, 5)),
                                                                           max(times[s] for s in range(1, 5)))]
    by_time = [seq for seq, _ in sorted(times.items(), key=lambda item: item[1])]
    assert [p["depth_cm"] for _, p in history.readings(store, "FP-1")] == by_time
    store.append([reading("FP-1", 7, "2021-07-25T01:59:00Z")])
    store.index_readings()
    assert [run for run, in store.conn.execute("SELECT run FROM reading_runs ORDER BY run")] == [4, 7]
    assert [p["depth_cm"] for _, p in history.readings(store, "FP-1")] == [*by_time, 7]
    store.close()


def test_a_version_5_database_keeps_readings_out_of_the_type_index_and_its_queries_use_it(tmp_path):
    """Migration 6: the (type, event time) index leaves the readings out, and the queries by type of the other events
    (review, replay, exercises) still go through it."""
    path = tmp_path / "v5.db"
    conn = sqlite3.connect(path)
    for migration in MIGRATIONS[:5]:
        migration(conn)
    conn.execute("PRAGMA user_version = 5")
    conn.commit()
    conn.close()
    store = Store(path)
    store.append([register("flood_points", "FP-1", 121.47, 31.23, name="a", kind="underpass"),
                  *(reading("FP-1", n, f"2021-07-25T01:0{n}:00Z") for n in range(5)),
                  make_event(ev.SIGNAL_CHANGED, {"hazard": "typhoon", "level": "blue"}, "2021-07-25T01:02:30Z")])
    conn = store.conn
    assert store.schema_version == SCHEMA_VERSION
    index = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'events_by_type'").fetchone()[0]
    assert index.endswith(f"WHERE {NOT_READINGS_WHERE}")
    plan = " ".join(row[-1] for row in conn.execute(
        f"EXPLAIN QUERY PLAN SELECT type FROM events WHERE type IN (?, ?) AND {NOT_READINGS_WHERE} "
        "ORDER BY event_time, seq", (ev.SIGNAL_CHANGED, ev.RESPONSE_LEVEL_CHANGED)))
    assert "events_by_type" in plan
    assert [e.payload["level"] for e in [*store.iter_event_batches()][0] if e.type == ev.SIGNAL_CHANGED] == ["blue"]
    store.close()


def test_payloads_are_stored_as_compact_json_whatever_their_numbers(store):
    """orjson writes the payloads; what it refuses and JSON can say (an integer beyond 64 bits) still goes in."""
    import numpy as np

    store.append([register("flood_points", "FP-1", 121.47, 31.23, name="积水点", kind="underpass", big=2 ** 70),
                  reading("FP-1", np.float64(12.5), "2021-07-25T09:00:00+08:00")])
    texts = [row[0] for row in store.conn.execute("SELECT payload FROM events ORDER BY seq")]
    assert '"big":1180591620717411303424' in texts[0] and "积水点" in texts[0] and ": " not in texts[0]
    assert texts[1] == '{"id":"FP-1","depth_cm":12.5}'
    assert [e.payload for batch in store.iter_event_batches() for e in batch][1] == {"id": "FP-1", "depth_cm": 12.5}


def test_the_projector_remembers_rows_only_as_the_database_gives_them_back(store):
    """Between batches the Projector keeps the rows it wrote instead of reading them again, but only those that come
    back unchanged: an int in a REAL column comes back a float, NaN comes back NULL."""
    def point(object_id: str, interval):
        return register("flood_points", object_id, 121.47, 31.23, name=object_id, kind="underpass",
                        expected_interval_s=interval)

    store.append([point("FP-1", 300), point("FP-2", float("nan")), point("FP-3", 300.0), point("FP-4", 300.0),
                  reading("FP-4", 12.0, "2021-07-25T09:00:00+08:00")])
    remembered = store.projector._recent["flood_points"]
    assert set(remembered) == {"FP-3", "FP-4"}
    for object_id, row in remembered.items():
        held = store.db["flood_points"].get(object_id)
        assert [(type(v), v) for v in row.values()] == [(type(v), v) for v in held.values()]
    assert store.db["flood_points"].get("FP-1")["expected_interval_s"] == 300.0
    assert store.db["flood_points"].get("FP-2")["expected_interval_s"] is None


def _held_depths(store) -> dict[str, float | None]:
    """The depths as the database file holds them (what another connection reads), not flushing first."""
    return dict(store.conn.execute("SELECT id, depth_cm FROM flood_points ORDER BY id"))


def test_what_readings_change_is_written_behind_and_out_when_due(store, monkeypatch):
    import console.core.store as store_module

    monkeypatch.setattr(store_module, "WRITE_BEHIND_S", 3600.0)  # not due, however slow the machine
    store.append([register("flood_points", "FP-1", 121.47, 31.23, name="一号"),
                  register("flood_points", "FP-2", 121.48, 31.23, name="二号")])
    result = store.append([reading("FP-1", 12.0, "2021-07-25T09:00:00+08:00")])
    assert result.changed["flood_points"][0]["depth_cm"] == 12.0  # the layers hear of it at once
    assert _held_depths(store) == {"FP-1": None, "FP-2": None}  # the file does not, yet
    assert store.meta(store_module.WRITTEN_BEHIND_AFTER) == "2"
    store.append([reading("FP-2", 30.0, "2021-07-25T09:00:00+08:00")])
    assert _held_depths(store) == {"FP-1": None, "FP-2": None}
    monkeypatch.setattr(store_module, "WRITE_BEHIND_S", 0.0)  # the next append comes after the wait
    store.append([make_event(ev.CAMERA_STATE_CHANGED, {"id": "CAM-1", "state": "offline"},
                             "2021-07-25T09:01:00+08:00")])
    assert _held_depths(store) == {"FP-1": 12.0, "FP-2": 30.0}
    assert store.meta(store_module.WRITTEN_BEHIND_AFTER) is None


def test_reading_the_tables_writes_what_was_behind_first(store):
    store.append([register("flood_points", "FP-1", 121.47, 31.23, name="一号")])
    store.append([reading("FP-1", 12.0, "2021-07-25T09:00:00+08:00")])
    assert [row["depth_cm"] for row in store.rows("flood_points")] == [12.0]
    assert _held_depths(store) == {"FP-1": 12.0}


def test_a_registration_is_written_at_once_with_what_its_row_had_behind(store):
    store.append([register("flood_points", "FP-1", 121.47, 31.23, name="一号")])
    store.append([reading("FP-1", 12.0, "2021-07-25T09:00:00+08:00")])
    store.append([register("flood_points", "FP-1", 121.47, 31.23, name="一号（更正）"),
                  register("flood_points", "FP-2", 121.48, 31.23, name="二号")])
    held = {row[0]: row[1:] for row in store.conn.execute("SELECT id, name, depth_cm FROM flood_points")}
    assert held == {"FP-1": ("一号（更正）", 12.0), "FP-2": ("二号", None)}


def test_readings_a_crash_left_behind_are_projected_when_the_store_opens(tmp_path):
    path = tmp_path / "console.db"
    store = Store(path)
    store.append([register("flood_points", "FP-1", 121.47, 31.23, name="一号"),
                  register("stations", "ST-1", 121.40, 31.20, name="站")])
    store.append([reading("FP-1", 12.0, "2021-07-25T09:00:00+08:00"),
                  make_event(ev.STATION_READING, {"id": "ST-1", "wind_gust_ms": 21.5}, "2021-07-25T09:00:00+08:00")])
    store.append([reading("FP-1", 40.0, "2021-07-25T09:05:00+08:00")])
    store.conn.close()  # a crash: nothing flushed
    reopened = Store(path)
    try:
        assert _held_depths(reopened) == {"FP-1": 40.0}
        assert reopened.conn.execute("SELECT wind_gust_ms FROM stations").fetchone()[0] == 21.5
        assert reopened.meta("readings_written_behind_after_seq") is None
    finally:
        reopened.close()


def test_a_rolled_back_append_takes_back_only_its_own_readings(store, monkeypatch):
    import console.core.store as store_module

    store.append([register("flood_points", "FP-1", 121.47, 31.23, name="一号")])
    store.append([reading("FP-1", 12.0, "2021-07-25T09:00:00+08:00")])
    monkeypatch.setattr(store_module, "WRITE_BEHIND_S", 0.0)  # the failing append writes FP-1's row first

    def failing(events):
        raise RuntimeError("rules failed")

    with pytest.raises(RuntimeError):
        store.append([reading("FP-1", 55.0, "2021-07-25T09:05:00+08:00")], derive=failing)
    assert [row["depth_cm"] for row in store.rows("flood_points")] == [12.0]
    assert store.event_count() == 2


def test_rows_behind_go_out_oldest_first_a_few_per_append(store, monkeypatch):
    import console.core.store as store_module

    monkeypatch.setattr(store_module, "WRITE_BEHIND_S", 3600.0)
    store.append([register("flood_points", f"FP-{n}", 121.47, 31.23, name=f"{n}号") for n in (1, 2, 3)])
    for n, seq_time in ((1, "09:00"), (2, "09:01"), (3, "09:02")):
        store.append([reading(f"FP-{n}", 10.0 * n, f"2021-07-25T{seq_time}:00+08:00")])
    assert store.meta(store_module.WRITTEN_BEHIND_AFTER) == "3"  # before FP-1's reading, seq 4
    monkeypatch.setattr(store_module, "WRITE_BEHIND_S", 0.0)
    monkeypatch.setattr(store_module, "FLUSH_ROWS", 2)
    store.append([reading("FP-1", 15.0, "2021-07-25T09:03:00+08:00")])  # writes FP-1 and FP-2, keeps this one
    assert _held_depths(store) == {"FP-1": 10.0, "FP-2": 20.0, "FP-3": None}
    assert store.meta(store_module.WRITTEN_BEHIND_AFTER) == "5"  # before FP-3's reading, seq 6
    store.flush_projections(when_due=True)
    assert _held_depths(store) == {"FP-1": 15.0, "FP-2": 20.0, "FP-3": 30.0}
    assert store.meta(store_module.WRITTEN_BEHIND_AFTER) is None


def test_reading_one_table_writes_only_its_rows_behind(store):
    store.append([register("flood_points", "FP-1", 121.47, 31.23, name="一号"),
                  register("stations", "ST-1", 121.40, 31.20, name="站")])
    store.append([reading("FP-1", 12.0, "2021-07-25T09:00:00+08:00"),
                  make_event(ev.STATION_READING, {"id": "ST-1", "wind_gust_ms": 21.5}, "2021-07-25T09:00:00+08:00")])
    assert [row["wind_gust_ms"] for row in store.rows("stations")] == [21.5]
    assert _held_depths(store) == {"FP-1": None}  # still behind: the status bar's reads do not write every row
    store.rows("city_state")
    assert _held_depths(store) == {"FP-1": None}


def test_catching_up_after_a_crash_gives_what_the_log_gives(tmp_path):
    """A row written after readings it held (here a corrected registration) is not given them again: the state after
    catching up equals the projections rebuilt from the log."""
    path = tmp_path / "console.db"
    store = Store(path)
    store.append([register("flood_points", "FP-1", 121.47, 31.23, name="一号"),
                  register("flood_points", "FP-2", 121.48, 31.23, name="二号")])
    store.append([reading("FP-2", 20.0, "2021-07-25T09:00:00+08:00")])  # behind: the catch-up starts here
    store.append([reading("FP-1", 12.0, "2021-07-25T09:00:00+08:00")])
    store.append([register("flood_points", "FP-1", 121.47, 31.23, name="一号（更正）")])  # written with its reading
    store.conn.close()  # a crash
    reopened = Store(path)
    try:
        caught_up = reopened.projection_state()
        reopened.rebuild_projections()
        assert caught_up == reopened.projection_state()
    finally:
        reopened.close()


def test_the_rules_built_inside_an_append_read_the_stations_held_behind(tmp_path):
    """A failed ingest makes the session build its rules again, inside the next append; they read the stations
    through the store, which writes the rows held behind in that same transaction."""
    store = Store(tmp_path / "console.db")
    session = Session(store)
    try:
        session.ingest([register("stations", "ST-1", 121.40, 31.20, name="站"),
                        register("flood_points", "FP-1", 121.47, 31.23, name="一号")])
        session.ingest([make_event(ev.STATION_READING, {"id": "ST-1", "wind_gust_ms": 21.5},
                                   "2021-07-25T09:00:00+08:00")])
        session._rules = None  # as after a failed ingest
        session.ingest([reading("FP-1", 12.0, "2021-07-25T09:01:00+08:00")])
        assert store.event_count() == 4
        assert store.conn.execute("SELECT wind_gust_ms FROM stations").fetchone()[0] == 21.5
    finally:
        store.close()


def test_a_batch_with_a_deadline_goes_in_an_eighth_then_what_the_time_left_fits():
    """Store.append's pieces: without a deadline the batch is one piece. With one, an eighth first; then, at the cost
    per event the pieces so far showed, as many as the time left fits (the rest if it fits them all), and never
    fewer than MIN_PIECE."""
    assert _piece_size(800, 0, 0.0, None) == 800
    assert _piece_size(800, 0, 0.0, 0.014) == 100
    assert _piece_size(700, 100, 0.002, 0.006) == 300  # 20 µs an event, 6 ms left
    assert _piece_size(700, 100, 0.002, 0.5) == 700
    assert _piece_size(700, 100, 0.002, float("inf")) == 700
    assert _piece_size(700, 100, 0.002, 0.0001) == MIN_PIECE
    assert _piece_size(120, 0, 0.0, 0.014) == MIN_PIECE


def test_rows_go_in_in_statements_of_a_power_of_two_rows_and_update_in_place():
    """insert_rows: every row, in order, in statements of 512, 256, … rows (a few shapes, kept in the statement
    cache); with an ON CONFLICT tail a row already there is updated."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER, text TEXT)")
    statements = []
    conn.set_trace_callback(statements.append)
    insert_rows(conn, "INSERT INTO t (id, n, text)", [(f"r{i}", i, "水" * (i % 3)) for i in range(1337)])
    shapes = [sql.count("(") - 1 for sql in statements if sql.startswith("INSERT")]  # a group per row, and the names
    assert shapes == [512, 512, 256, 32, 16, 8, 1]
    assert conn.execute("SELECT id, n, text FROM t ORDER BY rowid").fetchall() == \
        [(f"r{i}", i, "水" * (i % 3)) for i in range(1337)]
    insert_rows(conn, "INSERT INTO t (id, n, text)", [("r5", -5, "new"), ("r1337", 1337, "")],
                "ON CONFLICT (id) DO UPDATE SET n = excluded.n, text = excluded.text")
    assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 1338
    assert conn.execute("SELECT n, text FROM t WHERE id = 'r5'").fetchone() == (-5, "new")
