"""A writer killed with SIGKILL mid-ingest never corrupts the database nor loses a committed batch."""
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from console.core.store import Store

ROOT = Path(__file__).resolve().parents[2]
BATCH = 400
WRITER = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from console.core import events as ev
from console.core.events import make_event
from console.core.store import Store

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


def test_sigkill_mid_ingest_keeps_every_committed_batch(tmp_path):
    path = tmp_path / "console.db"
    rng = random.Random(3)
    committed: list[int] = []
    next_batch = 0
    for _ in range(15):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(next_batch)],
                                  stdout=subprocess.PIPE)
        assert writer.stdout is not None
        os.set_blocking(writer.stdout.fileno(), False)
        deadline = time.monotonic() + 30
        output = b""
        while output.count(b"\n") < 3 and time.monotonic() < deadline:  # let it commit a few batches
            output += read_available(writer.stdout.fileno())
            time.sleep(0.01)
        time.sleep(rng.uniform(0, 0.15))  # then kill it at a random moment, usually mid-transaction
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        output = (output + read_available(writer.stdout.fileno())).decode()
        writer.stdout.close()
        reported = [int(line) for line in output.split() if line.isdigit()]
        assert reported, "the writer committed nothing before it was killed"
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
