"""A writer killed with SIGKILL mid-ingest never corrupts the database nor loses a committed batch."""
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from console.core.store import WRITTEN_BEHIND_AFTER, Store

ROOT = Path(__file__).resolve().parents[2]
BATCH = 400
WRITER = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from console.core import events as ev
from console.core.events import make_event
from console.core.store import WRITTEN_BEHIND_AFTER, Store

store = Store(sys.argv[1])
start = int(sys.argv[2])
if start == 0:
    store.append([make_event(ev.OBJECTS_REGISTERED, {{"kind": "flood_points", "objects": [
        {{"id": f"FP-{{i}}", "lon": 121.4, "lat": 31.2, "attrs": {{"name": "p", "kind": "underpass"}}}}
        for i in range(50)]}}, "2021-07-20T00:00:00Z", id="registration")])
    print("registered", flush=True)
batch = start
while True:
    store.append([make_event(ev.FLOOD_READING, {{"id": f"FP-{{i % 50}}", "depth_cm": (batch + i) % 60}},
                             f"2021-07-25T00:00:{{i % 60:02d}}Z", id=f"b{{batch}}-{{i}}") for i in range({BATCH})])
    print(batch, flush=True)
    batch += 1
"""


def read_available(fd: int) -> bytes:
    try:
        return os.read(fd, 1 << 20)
    except BlockingIOError:
        return b""


def run_and_kill(script: str, args: list[str], lines: int, longest_wait_s: float, rng: random.Random) -> list[int]:
    """Run a writer until it printed `lines` lines, then a random moment more (up to `longest_wait_s`), and kill it
    with SIGKILL; the numbers it printed (what it reported stored)."""
    writer = subprocess.Popen([sys.executable, "-c", script, *args], stdout=subprocess.PIPE)
    assert writer.stdout is not None
    os.set_blocking(writer.stdout.fileno(), False)
    deadline = time.monotonic() + 60
    output = b""
    while output.count(b"\n") < lines and time.monotonic() < deadline:
        output += read_available(writer.stdout.fileno())
        time.sleep(0.01)
    time.sleep(rng.uniform(0, longest_wait_s))
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    output = (output + read_available(writer.stdout.fileno())).decode()
    writer.stdout.close()
    numbers = [int(line) for line in output.split() if line.isdigit()]
    assert numbers, "the writer stored nothing before it was killed"
    return numbers


def test_sigkill_mid_ingest_keeps_every_committed_batch(tmp_path):
    path = tmp_path / "console.db"
    rng = random.Random(3)
    committed: list[int] = []
    next_batch = 0
    for _ in range(15):
        # a few batches committed, then killed at a random moment, usually mid-transaction
        reported = run_and_kill(WRITER, [str(path), str(next_batch)], 3, 0.15, rng)
        committed += reported
        next_batch = reported[-1] + 1000  # ids of the next writer never collide with a half-written batch

        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {row[0] for row in conn.execute("SELECT id FROM events")}
        conn.close()
        missing = [b for b in committed if not all(f"b{b}-{i}" in stored for i in range(BATCH))]
        assert not missing, f"batches reported committed but missing after SIGKILL: {missing}"
        # a batch is all or nothing: no partial batch is left behind
        batches = {event_id.split("-")[0] for event_id in stored if event_id.startswith("b")}
        for tag in batches:
            assert sum(1 for e in stored if e.startswith(tag + "-")) == BATCH

    # the projections committed with the events: rebuilding from the log changes nothing
    store = Store(path)
    state = store.projection_state()
    store.rebuild_projections()
    assert store.projection_state() == state
    assert len(committed) >= 15


LIVE_WRITER = f"""
import random, sys, time
from datetime import datetime, timedelta, timezone
sys.path.insert(0, {str(ROOT)!r})
import console.core.store as store_module
from console.core import events as ev
from console.core.events import make_event
from console.core.session import Session

store_module.WRITE_BEHIND_S = 0.01  # rows held behind go out often, a few at a time: the marker keeps moving
store_module.FLUSH_ROWS = 5
store = store_module.Store(sys.argv[1])
session = Session(store)
start = int(sys.argv[2])
rng = random.Random(start)
BASE = datetime(2021, 7, 25, tzinfo=timezone.utc)


def register(layer, object_id, name, **attrs):
    return make_event(ev.OBJECTS_REGISTERED, {{"kind": layer, "objects": [
        {{"id": object_id, "lon": 121.4 + rng.random() / 10, "lat": 31.2, "attrs": {{"name": name, **attrs}}}}]}},
        "2021-07-20T00:00:00Z", id=f"reg-{{object_id}}-{{name}}")


if start == 0:
    session.ingest([register("flood_points", f"FP-{{i}}", "p", kind="underpass") for i in range(30)]
                   + [register("stations", f"ST-{{i}}", "s", warning_level_m=4.5) for i in range(4)])
print("ready", flush=True)
left, n = [], start
while True:
    batch = []
    for _ in range(40):
        n += 1
        late = rng.randrange(1, 120) * (rng.random() < 0.1)  # a tenth of them older than the newest
        when = (BASE + timedelta(seconds=n - late)).isoformat()
        if n % 7:
            batch.append(make_event(ev.FLOOD_READING, {{"id": f"FP-{{n % 30}}", "depth_cm": rng.uniform(0, 60)}},
                                    when, id=f"r{{n}}"))
        else:
            batch.append(make_event(ev.STATION_READING, {{"id": f"ST-{{n % 4}}", "level_m": rng.uniform(3, 6),
                                                          "wind_gust_ms": rng.uniform(0, 40)}}, when, id=f"r{{n}}"))
    if rng.random() < 0.1:  # a corrected registration: written at once, with what its row held behind
        batch.append(register("flood_points", f"FP-{{n % 30}}", f"p{{n}}", kind="underpass"))
    new, left = session.ingest_until(left + batch, time.perf_counter() + rng.uniform(0, 0.004))
    print(n, flush=True)
"""


def test_catching_up_after_sigkill_under_live_load_equals_a_rebuild(tmp_path):
    """The live path (rules, alerts, incidents and tasks, batches cut at a deadline, rows written behind and partly
    flushed) killed at random moments: every time the store opens again, catching up gives what the log gives."""
    path = tmp_path / "console.db"
    rng = random.Random(5)
    start, behind = 0, 0
    for round_ in range(6):
        counts = run_and_kill(LIVE_WRITER, [str(path), str(start)], 4, 0.3, rng)
        start = counts[-1] + 100_000 * (round_ + 1)  # the next writer's event ids are new

        copy = tmp_path / f"copy{round_}.db"  # caught up and rebuilt apart: the next writer catches up on its own
        for suffix in ("", "-wal"):
            if Path(f"{path}{suffix}").exists():
                shutil.copy(f"{path}{suffix}", f"{copy}{suffix}")
        conn = sqlite3.connect(copy)
        behind += conn.execute("SELECT count(*) FROM meta WHERE key = ?", (WRITTEN_BEHIND_AFTER,)).fetchone()[0]
        conn.close()
        store = Store(copy)
        try:
            assert store.meta(WRITTEN_BEHIND_AFTER) is None
            caught_up = store.projection_state()
            store.rebuild_projections()
            assert caught_up == store.projection_state(), f"round {round_}: catching up differs from a rebuild"
            assert store.conn.execute("SELECT count(*) FROM alerts").fetchone()[0] > 0
        finally:
            store.close()
    assert behind >= 3, "the writers were rarely killed with readings held behind: the test missed its point"
