"""Replay (issue 5, points 1-3): a recorded database opened read-only, the city as it was at any moment, seeking
from snapshots; determinism: a live run through a real Session (rules and dispatch on) is recorded, the state is
taken after every append, and seeking there (forward and back, in random order, by seq and by time) gives it again.

Plain Python, real SQLite files. The live run is a slice of Typhoon In-Fa for a few of the demo's objects.
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import sqlite3
import time
from collections import Counter
from datetime import datetime

import pytest

from console.core import events as ev
from console.core import history
from console.core import store as store_module
from console.core.config import load_config
from console.core.demo import DEMO_DIR, DEMO_REGISTERED_AT, load_dataset_manifest
from console.core.events import make_event
from console.core.feeds.messages import MessageParser
from console.core.loaders import load_objects
from console.core.replay import Recording, RecordingError, Replay, SnapshotCache
from console.core.replay.snapshots import cache_path
from console.core.scenario import InFaScenario
from console.core.session import Session
from console.core.store import READINGS_WHERE, Store, StoreError
from console.core.timefmt import BEIJING, parse_time, to_utc_text
from console.core.vital_signs import vital_signs
from helpers import live_batches, register

STATIONS_FROM = "2021-07-24T16:00:00+08:00"  # wind rising to the orange signal at 20:00: stop-work and evacuation
FLOODS_FROM = "2021-07-25T20:00:00+08:00"  # the night of the heavy rain: ponding alerts, drainage, rescue
END = "2021-07-26T01:00:00+08:00"
BATCH_SPAN_S = 600  # a live batch never spans more than 10 minutes of event time (as the ingest pump at x3600)
SUBSET = {"flood_points": 6, "trees": 400, "construction_sites": 150, "cameras": 600, "stations": 1}  # every n-th


def bj(text: str) -> str:
    return to_utc_text(datetime.fromisoformat(text).replace(tzinfo=BEIJING))


def registrations() -> list[ev.Event]:
    """Every n-th object of each demo dataset, registered as the demo is."""
    out = []
    for dataset in load_dataset_manifest():
        events, _ = load_objects(DEMO_DIR / dataset["file"], dataset["kind"], dataset.get("crs", "WGS84"),
                                 event_time=DEMO_REGISTERED_AT, config=load_config())
        objects = [o for e in events for o in e.payload["objects"]][::SUBSET[dataset["kind"]]]
        out.append(make_event(ev.OBJECTS_REGISTERED, {"kind": dataset["kind"], "objects": objects},
                              DEMO_REGISTERED_AT))
    return out


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A live run recorded; after every append that stored something: (seq, horizon, projection_state())."""
    folder = tmp_path_factory.mktemp("replay")
    path = folder / "recording.db"
    store = Store(path)
    session = Session(store)
    moments = []

    def record():
        """The state after an append, if it stored anything."""
        seq, horizon = store.conn.execute("SELECT max(seq), max(event_time) FROM events").fetchone()
        if not moments or moments[-1][0] != seq:
            moments.append((seq, horizon, store.projection_state()))

    def ingest(batch):
        session.ingest(batch)
        record()

    for event in registrations():
        ingest([event])
    parser = MessageParser(session.known, load_config().area, "scenario")
    scenario = InFaScenario.from_session(session, end=END)
    events = [parser.parse(json.dumps(m, ensure_ascii=False)) for m in scenario.messages()
              if m["type"] in ("warning_signal", "response_level")
              or (m["type"] != "water_depth" and m["time"] >= STATIONS_FROM)
              or (m["type"] == "water_depth" and m["time"] >= FLOODS_FROM)]
    rng = random.Random(5)
    held: list[ev.Event] = []
    for k, batch in enumerate(live_batches(events, 2000, BATCH_SPAN_S)):
        # one reading in a hundred arrives a batch late, after newer ones (its event time is older)
        late = [e for e in batch if e.type == ev.FLOOD_READING and rng.random() < 0.01]
        ingest([e for e in batch if e not in late] + held)
        held = late
        if k % 7 == 3:
            ingest(batch)  # delivered twice: nothing new, no moment
        # people at the desks: a crew accepts the oldest dispatched task, now and then an incident is closed
        session.clock.follow(parse_time(max(e.event_time for e in batch)), 0)
        tasks = session.query("tasks", "state = 'dispatched'", columns=("id",))
        if tasks and k % 3 == 0:
            session.set_task_state(tasks[0]["id"], "accepted", "crew")
            record()
        if k % 25 == 24:
            incidents = session.query("incidents", "state = 'open'", columns=("id",))
            if incidents:
                session.close_incident(incidents[-1]["id"], "duty officer", "handled")
                record()
    ingest(held)
    counts = Counter(r[1] for r in store.conn.execute("SELECT seq, type FROM events"))
    store.close()
    assert not os.path.exists(f"{path}-wal")
    return {"path": path, "moments": moments, "counts": counts, "cache": folder / "cache"}


@pytest.fixture(scope="module")
def replay(live):
    r = Replay(live["path"], snapshot_every=1500, cache_folder=live["cache"])
    yield r
    r.close()


def fingerprint(path) -> tuple[str, int]:
    return hashlib.sha256(open(path, "rb").read()).hexdigest(), os.stat(path).st_mtime_ns


def test_the_live_run_has_what_a_replay_must_show(live):
    counts = live["counts"]
    assert counts[ev.ALERT_RAISED] >= 50 and counts[ev.INCIDENT_OPENED] >= 20 and counts[ev.TASK_CREATED] >= 20
    assert counts[ev.TASK_STATE_CHANGED] >= 5 and counts[ev.INCIDENT_CLOSED] >= 1
    assert counts[ev.SIGNAL_CHANGED] >= 3 and counts[ev.FLOOD_READING] >= 1000 and counts[ev.STATION_READING] >= 1000
    assert len(live["moments"]) >= 100


def test_seeking_gives_the_live_state_forward_and_back(live, replay):
    moments = live["moments"]
    assert len(replay.cache.snapshot_seqs) > 10  # snapshots were crossed both ways
    order = list(range(len(moments)))
    random.Random(1).shuffle(order)
    for k in order:
        seq, _, state = moments[k]
        replay.seek_seq(seq)
        assert replay.seq == seq
        assert replay.store.projection_state() == state, f"state after seq {seq}"
    # the layers the views draw follow the projection tables
    for kind, layer in replay.session.layers.items():
        rows = {r["id"]: r for r in replay.store.rows(kind)}
        assert set(map(str, layer.ids)) == set(rows), kind
    floods = replay.session.layers["flood_points"]
    for row, object_id in enumerate(floods.ids):
        expected = rows_depth = replay.store.db["flood_points"].get(object_id)["depth_cm"]
        assert floods.attrs["depth_cm"][row] == pytest.approx(expected) or (rows_depth is None)


def test_seeking_by_time_lands_on_the_last_whole_append_by_then(live, replay):
    """A time t means every append whose events had all happened by t: the live state after the last batch whose
    horizon (newest event time so far) is <= t."""
    moments = live["moments"]
    assert set(replay.cache.moment_seqs.tolist()) >= {seq for seq, _, _ in moments}  # appends are moments
    horizons = [h for _, h, _ in moments]
    picks = random.Random(2).sample(range(len(moments)), 60)
    for k in picks:
        t = horizons[k]
        expected = max(j for j in range(len(moments)) if horizons[j] <= t)
        move = replay.seek(t)
        assert (move.seq, move.time) == (moments[expected][0], horizons[expected])
        assert replay.store.projection_state() == moments[expected][2]
    assert replay.seek("2021-07-19T00:00:00.000Z").seq == 0  # before the first event: the empty city
    assert all(not rows for rows in replay.store.projection_state().values())
    assert all(len(layer.ids) == 0 for layer in replay.session.layers.values())


def test_playing_forward_passes_the_events_through_the_session(live, replay):
    moments = live["moments"]
    start = len(moments) // 2
    replay.seek_seq(moments[start][0])
    # advance by time: to the last append by then (appends at the same time as the next one are passed over)
    stops = [k for k in range(start + 1, start + 40) if moments[k][1] < moments[k + 1][1]]
    heard = []
    replay.session.ingested.connect(heard.append)
    try:
        for k in stops:
            seq, horizon, state = moments[k]
            move = replay.advance(horizon)
            assert not move.jumped and move.seq == seq and move.events and move.events[-1].seq == seq
            assert replay.store.projection_state() == state
    finally:
        replay.session.ingested.disconnect(heard.append)
    assert sum(map(len, heard)) == moments[stops[-1]][0] - moments[start][0]
    assert replay.advance(moments[start][1]).seq == moments[stops[-1]][0]  # never backwards


def test_the_views_queries_see_the_log_only_up_to_the_moment(live, replay, tmp_path):
    seq, horizon, _ = live["moments"][-30]
    replay.seek_seq(seq)
    store = replay.store
    assert store.event_count() == seq
    assert store.conn.execute("SELECT max(seq) FROM events").fetchone()[0] == seq
    point = max(store.rows("flood_points"), key=lambda r: r["last_reading"] or "")["id"]
    got = history.readings(store, point)
    with sqlite3.connect(live["path"]) as rec:
        expected = rec.execute(f"SELECT event_time, payload FROM events WHERE json_extract(payload, '$.id') = ? "
                               f"AND {READINGS_WHERE} AND seq <= ? ORDER BY event_time, seq", (point, seq)).fetchall()
    assert got == [(t, json.loads(p)) for t, p in expected] and got
    plan = " ".join(str(r[-1]) for r in store.conn.execute("EXPLAIN QUERY PLAN " + history._READINGS_SQL[0], {
        "id": point, "indexed": store.readings_indexed(), "since": "", "until": horizon}))
    # through the views, the recording's runs then each run's range of the object's readings
    assert plan.startswith("SEARCH rec.reading_runs USING INTEGER PRIMARY KEY (rowid<?) "
                           "SEARCH rec.readings_by_object USING PRIMARY KEY (run=? AND object_id=?"), plan
    # the city's vital signs on the replay equal those on a console database cut at that moment
    cut = tmp_path / "cut.db"
    shutil.copy(live["path"], cut)
    cut_store = Store(cut)
    cut_store.conn.execute("DELETE FROM events WHERE seq > ?", (seq,))
    cut_store.rebuild_projections()
    now = parse_time(horizon)
    a, b = vital_signs(store, now), vital_signs(cut_store, now)
    for name in ("alerts", "overdue_tasks", "flood_points"):
        assert {k: v.tolist() for k, v in getattr(a, name).items()} == {k: v.tolist() for k, v in
                                                                      getattr(b, name).items()}, name
    for name in ("open_incidents", "trees_at_risk", "sites_stop_orders", "sites_evacuation_orders"):
        assert getattr(a, name).tolist() == getattr(b, name).tolist(), name
    cut_store.close()


def test_the_recording_is_never_changed(live, tmp_path):
    path = tmp_path / "copy.db"
    shutil.copy(live["path"], path)
    os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    before = fingerprint(path)
    replay = Replay(path, snapshot_every=3000, cache_folder=tmp_path / "cache")
    moments = live["moments"]
    replay.seek_seq(moments[-1][0])
    replay.seek_seq(moments[10][0])
    replay.advance(moments[40][1])
    replay.store.set_meta("note", "a trainer's note")
    with pytest.raises(StoreError):  # a user action on a replay is refused, not recorded
        replay.session.set_city_state("typhoon_signal", "red", "duty officer")
    with pytest.raises(StoreError):  # so are events that are not the recording's next ones
        replay.store.append([make_event(ev.SIGNAL_CHANGED, {"hazard": "typhoon", "level": "red"})])
    replay.close()
    assert fingerprint(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "copy.db"]  # no -wal, no -shm
    assert Store(path).meta("note") is None


def test_bands_marks_and_density(live, replay):
    recording = replay.recording
    counts = live["counts"]
    with sqlite3.connect(live["path"]) as rec:
        signals = rec.execute("SELECT event_time, json_extract(payload, '$.hazard'), json_extract(payload, '$.level') "
                              "FROM events WHERE type = ? ORDER BY event_time, seq", (ev.SIGNAL_CHANGED,)).fetchall()
    bands = recording.bands()
    typhoon = [b for b in bands if b.key == "typhoon_signal"]
    expected = []
    for when, hazard, level in signals:
        if hazard == "typhoon" and (not expected or expected[-1][1] != level):
            expected.append((when, level))
    assert [(b.start, b.level) for b in typhoon] == [(t, lv) for t, lv in expected if lv != "none"]
    assert all(a.end == b.start for a, b in zip(typhoon, typhoon[1:]))
    assert {b.key for b in bands} >= {"typhoon_signal", "response_level"}
    assert all(b.start <= b.end for b in bands)

    marks = recording.marks()
    assert Counter(m.kind for m in marks) == {"alert": counts[ev.ALERT_RAISED],
                                              "incident": counts[ev.INCIDENT_OPENED]}
    assert [m.time for m in marks] == sorted(m.time for m in marks)
    first, last = marks[0], marks[-1]
    assert recording.next_mark("2021-07-01T00:00:00.000Z") == first
    assert recording.previous_mark("2030-01-01T00:00:00.000Z") == last
    assert recording.next_mark(last.time) is None and recording.previous_mark(first.time) is None
    middle = marks[len(marks) // 2]
    assert recording.next_mark(middle.time).time > middle.time
    assert recording.previous_mark(middle.time).time < middle.time

    edges, density = recording.density(48)
    assert len(edges) == 49 and len(density) == 48 and density.sum() == sum(counts.values())
    edges, density = recording.density(10, bj("2021-07-25T20:00:00"), bj("2021-07-26T00:00:00"))
    assert density.sum() > 0 and edges[0] == parse_time(bj("2021-07-25T20:00:00")).timestamp()

    # stepping to the next alert lands after the append that raised it: the alert is there
    replay.seek(first.time)
    for _ in range(3):
        before = replay.seq
        move = replay.step(+1)
        assert move.seq > before
        raised = {r[0] for r in replay.store.conn.execute("SELECT id FROM alerts")}
        with sqlite3.connect(live["path"]) as rec:
            first_new = rec.execute("SELECT json_extract(payload, '$.alert_id') FROM events WHERE type = ? AND seq > ? "
                                    "ORDER BY seq LIMIT 1", (ev.ALERT_RAISED, before)).fetchone()[0]
        assert first_new in raised
    back = replay.step(-1)
    assert back.seq < move.seq


def small_recording(path, readings: int = 40):
    store = Store(path)
    session = Session(store, derive=False)
    session.ingest([register("flood_points", "fp1", 121.47, 31.23, name="FP1", kind="underpass")])
    for i in range(readings):
        time.sleep(0.002)  # appends in the same millisecond would make one moment (see console.core.replay)
        session.ingest([make_event(ev.FLOOD_READING, {"id": "fp1", "depth_cm": float(i)},
                                   f"2021-07-25T00:{i:02d}:00Z")])
    store.close()


def test_a_stale_cache_is_rebuilt(tmp_path):
    path = tmp_path / "small.db"
    small_recording(path)
    cache = tmp_path / "cache"
    first = Replay(path, snapshot_every=7, cache_folder=cache)
    assert first.cache.built_s is not None
    first.close()
    again = Replay(path, snapshot_every=7, cache_folder=cache)
    assert again.cache.built_s is None  # reused
    again.close()
    store = Store(path)  # the recording grows: its size, mtime and last seq change
    store.append([make_event(ev.FLOOD_READING, {"id": "fp1", "depth_cm": 77.0}, "2021-07-25T01:00:00Z")])
    store.close()
    grown = Replay(path, snapshot_every=7, cache_folder=cache)
    assert grown.cache.built_s is not None
    grown.seek("2021-07-25T02:00:00Z")
    assert grown.store.rows("flood_points")[0]["depth_cm"] == 77.0
    grown.close()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "emptied", "one_byte"])
def test_a_corrupt_cache_is_rebuilt(tmp_path, damage):
    path = tmp_path / "small.db"
    small_recording(path)
    cache = tmp_path / "cache"
    Replay(path, snapshot_every=5, cache_folder=cache).close()
    file = cache_path(Recording(path), cache)
    size = file.stat().st_size
    if damage == "garbage":
        file.write_bytes(os.urandom(size))
    elif damage == "truncated":
        with open(file, "r+b") as f:
            f.truncate(size // 3)
    elif damage == "one_byte":  # inside a row: SQLite reads it without complaint, the digest does not match
        data = bytearray(file.read_bytes())
        data[-100] ^= 0x01
        file.write_bytes(bytes(data))
    else:
        file.write_bytes(b"")
    replay = Replay(path, snapshot_every=5, cache_folder=cache)
    assert replay.cache.built_s is not None
    replay.seek("2021-07-25T00:20:00Z")
    assert replay.store.rows("flood_points")[0]["depth_cm"] == 20.0
    replay.close()


def test_a_cache_damaged_while_open_is_rebuilt_on_the_next_seek(tmp_path):
    path = tmp_path / "small.db"
    small_recording(path, readings=50)
    cache = tmp_path / "cache"
    replay = Replay(path, snapshot_every=5, cache_folder=cache)
    with open(replay.cache.path, "r+b") as f:  # the pages the first seek reads (SQLite has not cached them yet)
        f.seek(4096)
        f.write(bytes(replay.cache.size_bytes - 4096))
    move = replay.seek("2021-07-25T00:12:00Z")
    assert move.reloaded and replay.store.rows("flood_points")[0]["depth_cm"] == 12.0
    assert replay.session.layers["flood_points"].attrs["depth_cm"][0] == 12.0
    replay.close()


def test_what_cannot_be_replayed_is_said_clearly(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n" * 100)
    with pytest.raises(RecordingError, match="not a console recording"):
        Recording(text)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE things (a)")
    with pytest.raises(RecordingError, match="not a console recording"):
        Recording(other)
    newer = tmp_path / "newer.db"
    Store(newer).close()
    with sqlite3.connect(newer) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(RecordingError, match="newer than this console"):
        Recording(newer)
    with pytest.raises(RecordingError, match="no such file"):
        Recording(tmp_path / "missing.db")


def test_a_database_still_open_elsewhere_is_read_through_its_wal(tmp_path):
    path = tmp_path / "live.db"
    small_recording(path, readings=10)
    writer = Store(path)  # a console still running on it: its last events are in the -wal
    writer.append([make_event(ev.FLOOD_READING, {"id": "fp1", "depth_cm": 55.0}, "2021-07-25T00:30:00Z")])
    assert os.path.getsize(f"{path}-wal") > 0
    main_before = fingerprint(path)
    replay = Replay(path, snapshot_every=4, cache_folder=tmp_path / "cache")
    replay.seek("2021-07-25T01:00:00Z")
    assert replay.store.rows("flood_points")[0]["depth_cm"] == 55.0
    replay.close()
    assert fingerprint(path) == main_before
    writer.close()


def test_readings_indexed_by_a_console_still_writing_are_not_read_twice(tmp_path):
    path = tmp_path / "live.db"
    small_recording(path, readings=10)  # too few for a run of readings_by_object: all in the log's newest
    writer = Store(path)
    writer.append([make_event(ev.FLOOD_READING, {"id": "fp1", "depth_cm": 55.0}, "2021-07-25T00:30:00Z")])
    replay = Replay(path, snapshot_every=4, cache_folder=tmp_path / "cache")
    replay.seek("2021-07-25T01:00:00Z")
    writer.index_readings()  # the console puts them in the table while the replay is open
    assert writer.conn.execute("SELECT count(*) FROM readings_by_object").fetchone()[0] == 11
    assert [p["depth_cm"] for _, p in history.readings(replay.store, "fp1")] == [*map(float, range(10)), 55.0]
    replay.close()
    writer.close()


def test_a_schema_4_recording_reads_its_readings_table_as_one_run(tmp_path, monkeypatch):
    path = tmp_path / "v4.db"
    monkeypatch.setattr(store_module, "READINGS_INDEX_EVERY", 4)
    small_recording(path, readings=10)
    with sqlite3.connect(path) as conn:  # as a version 4 console left it: the table keyed by object, without runs
        conn.execute("DROP TABLE reading_runs")
        conn.execute("ALTER TABLE readings_by_object RENAME TO with_runs")
        conn.execute("CREATE TABLE readings_by_object (object_id TEXT NOT NULL, event_time TEXT NOT NULL, "
                     "seq INTEGER NOT NULL, PRIMARY KEY (object_id, event_time, seq)) WITHOUT ROWID")
        conn.execute("INSERT INTO readings_by_object SELECT object_id, event_time, seq FROM with_runs")
        conn.execute("DROP TABLE with_runs")
        conn.execute("PRAGMA user_version = 4")
        in_table = conn.execute("SELECT count(*) FROM readings_by_object").fetchone()[0]
    assert 0 < in_table < 10  # some readings in the table, the newest only in the log
    replay = Replay(path, snapshot_every=4, cache_folder=tmp_path / "cache")
    replay.seek("2021-07-25T01:00:00Z")
    assert [p["depth_cm"] for _, p in history.readings(replay.store, "fp1")] == list(map(float, range(10)))
    plan = " ".join(str(r[-1]) for r in replay.store.conn.execute("EXPLAIN QUERY PLAN " + history._READINGS_SQL[0], {
        "id": "fp1", "indexed": replay.store.readings_indexed(), "since": "", "until": "~"}))
    assert "SEARCH rec.readings_by_object USING PRIMARY KEY (object_id=?" in plan, plan
    replay.seek_seq(5)  # the registration and four readings
    assert [p["depth_cm"] for _, p in history.readings(replay.store, "fp1")] == [0.0, 1.0, 2.0, 3.0]
    replay.close()


def test_snapshot_cache_reports_its_size(live, replay):
    assert replay.cache.size_bytes == os.path.getsize(replay.cache.path) > 0
    assert isinstance(replay.cache, SnapshotCache)


def test_skipping_overridden_readings_gives_the_state_applying_them_all_gives(tmp_path):
    """ReplayStore.apply_to (and the snapshots) skip readings a later one overrides (store.superseded): late readings,
    stations reporting some quantities of a group or several groups at once, a station registered between its
    readings, one never registered; against every event through the projector, at many bounds."""
    from console.core.replay.store import ReplayStore, superseded

    path = tmp_path / "mixed.db"
    store = Store(path)
    store.append([register("flood_points", f"fp{i}", 114.0 + i / 100, 22.5) for i in range(3)]
                 + [register("stations", f"st{i}", 114.0 + i / 100, 22.6, warning_level_m=4.0) for i in range(3)])
    rng = random.Random(7)
    quantities = ("wind_mean_ms", "wind_gust_ms", "rain_1h_mm", "rain_acc_mm", "level_m")
    second = 0
    for k in range(120):
        batch = []
        for _ in range(rng.randint(1, 12)):
            second += rng.randint(0, 2)
            when = to_utc_text(datetime.fromtimestamp(1_627_000_000 + second - rng.choice((0, 0, 0, 5, 30)),
                                                      tz=BEIJING))
            if rng.random() < 0.45:
                batch.append(make_event(ev.FLOOD_READING, {"id": f"fp{rng.randint(0, 2)}",
                                                           "depth_cm": rng.randint(0, 60)}, when, "mqtt"))
            else:
                carried = rng.sample(quantities, rng.choice((1, 1, 2, 3, 5)))
                batch.append(make_event(ev.STATION_READING, {"id": f"st{rng.randint(0, 4)}",
                                                             **{q: rng.uniform(0, 40) for q in carried}}, when, "mqtt"))
        if k == 60:
            batch.append(register("stations", "st3", 114.1, 22.6, time=when))
        store.append(batch)
    last = store.conn.execute("SELECT max(seq) FROM events").fetchone()[0]
    store.close()
    recording = Recording(path)
    every, skipping = ReplayStore(recording), ReplayStore(recording)
    dropped = 0
    for target in sorted(rng.sample(range(1, last + 1), 40)) + [last]:
        with every.transaction():
            for events in every.recorded_batches(every.bound, target):
                every._apply(events, {})
        with skipping.transaction():
            if rng.random() < 0.3:  # from the start, or on from where it is
                skipping.clear()
            rows = [r for b in skipping.raw_batches(skipping.bound, target) for r in b]
            dropped += len(rows) - len(superseded(rows))
            skipping.apply_to(target)
        assert skipping.bound == every.bound == target
        assert skipping.projection_state() == every.projection_state(), target
    assert dropped > 100  # it did skip
    every.close()
    skipping.close()
    recording.close()
