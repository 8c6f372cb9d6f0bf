"""The In-Fa training recording ships in offline_data/training/ and opens at once on a fresh machine."""
from __future__ import annotations

import json
import lzma
import shutil

import pytest

from console.core import history
from console.core.replay import Replay, training
from console.core.replay.training import SHIPPED, TrainingDataError, training_recording, unpack
from console.core.store import READINGS_WHERE


def test_the_shipped_recording_is_unpacked_once_and_replays_without_building_anything(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    manifest = json.loads((SHIPPED / "manifest.json").read_text(encoding="utf-8"))
    said: list[str] = []
    path = training_recording(report=said.append)
    assert path == tmp_path / "emergency-console" / "training" / "infa.db"
    assert said and "unpacking" in said[0] and not any("error" in s for s in said)
    assert path.stat().st_size == manifest["recording"]["size"]

    replay = Replay(path)
    try:
        assert replay.cache.built_s is None  # the shipped snapshots were installed, not built
        assert replay.recording.last_seq == manifest["events"] > 800_000
        assert [replay.recording.first_time, replay.recording.last_time] == manifest["span"]
        assert {b.level for b in replay.recording.bands() if b.key == "typhoon_signal"} >= {"blue", "orange"}
        replay.seek("2021-07-25T12:00:00.000Z")  # 20:00 Beijing on the 25th: In-Fa's rain over the city
        assert replay.session.query("alerts", "state = 'active'", columns=("id",), limit=1)
        assert replay.time.startswith("2021-07-25T12:00")
        # a schema 3 recording: its readings by object come through the log's own index (events_by_object)
        store = replay.store
        point = store.rows("flood_points")[0]["id"]
        rows = history.readings(store, point, since="2021-07-25T06:00:00.000Z")
        expected = store.conn.execute(f"SELECT event_time, payload FROM rec.events WHERE {READINGS_WHERE} AND "
                                      "json_extract(payload, '$.id') = ? AND event_time >= ? AND seq <= ? "
                                      "ORDER BY event_time, seq", (point, "2021-07-25T06:00:00.000Z",
                                                                   store.bound)).fetchall()
        assert rows == [(t, json.loads(p)) for t, p in expected] and len(rows) > 10
        plan = " ".join(str(r[-1]) for r in store.conn.execute("EXPLAIN QUERY PLAN " + history._READINGS_SQL[0], {
            "id": point, "indexed": store.readings_indexed(), "since": "", "until": "~"}))
        assert "USING INDEX events_by_object" in plan, plan
        assert history.latest_time(store, point) == rows[-1][0]
    finally:
        replay.close()

    said.clear()
    assert training_recording(report=said.append) == path and said == []  # already there: nothing to do


def test_a_damaged_archive_is_refused_by_name_and_leaves_nothing_behind(tmp_path):
    good = tmp_path / "good.bin"
    good.write_bytes(b"recorded events " * 1000)
    packed = tmp_path / "good.bin.xz"
    packed.write_bytes(lzma.compress(good.read_bytes()))
    entry = training.file_entry(good, packed)

    unpack(packed, tmp_path / "out" / "a.bin", entry)
    assert (tmp_path / "out" / "a.bin").read_bytes() == good.read_bytes()

    garbled = tmp_path / "garbled.xz"
    garbled.write_bytes(packed.read_bytes()[:40] + b"\0" * 30)
    with pytest.raises(TrainingDataError, match="garbled.xz.*cannot be unpacked"):
        unpack(garbled, tmp_path / "out" / "b.bin", entry)
    other = tmp_path / "other.xz"
    other.write_bytes(lzma.compress(b"something else"))
    with pytest.raises(TrainingDataError, match="other.xz.*damaged"):
        unpack(other, tmp_path / "out" / "c.bin", entry)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.bin", "a.bin.sha256"]


def test_without_a_usable_archive_the_recording_is_built_from_the_scenario(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    manifest = json.loads((SHIPPED / "manifest.json").read_text(encoding="utf-8"))
    shutil.copy(SHIPPED / "manifest.json", shipped / "manifest.json")
    (shipped / manifest["recording"]["file"]).write_bytes(b"not xz at all")
    built = []
    record = training.record_scenario  # the whole scenario takes minutes: the fallback records ten of them

    def record_ten_minutes(store):
        built.append(record(store, start="2021-07-25T09:00+08:00", end="2021-07-25T09:10+08:00"))
        return built[-1]

    monkeypatch.setattr(training, "record_scenario", record_ten_minutes)
    said: list[str] = []
    path = training_recording(report=said.append, shipped=shipped)
    assert any("infa.db.xz" in s and "cannot be unpacked" in s and "building" in s for s in said)
    assert built and built[0] > 700
    replay = Replay(path, cache_folder=tmp_path / "cache")
    try:
        assert replay.recording.last_seq > 700 and replay.cache.built_s is not None
    finally:
        replay.close()
