"""Ingest benchmark: water-depth readings from MQTT through parsing, the store and the layers, with the main
window open, against a bare paho subscriber and raw sqlite executemany of the same rows.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/ingest.py [--seconds 20] [--qos 1 0] [--no-backlog]
        [--per-message N] [--rate R]

What it does, in one run, per QoS (1 = the console's setting, then 0), and per mode:
  * starts its own mosquitto on a free port (temporary folder, no persistence, no queue limits);
  * the publisher is a separate process (it does not take the console's GIL, but it does share the machine's
    2 cores): water_depth readings for the demo's real sensors, round robin, unique ids, event times rising
    by 1 ms from now, '+08:00' offsets as the city sends them, as fast as the QoS allows (or --rate), for
    --seconds; one reading per MQTT message, or --per-message of them in a gateway's batch (docs/feeds.md);
    depths follow a slow storm curve per sensor (depth_cm), so alerts, incidents and tasks come and go as in
    a storm, or with --churn jump on every reading (alerts raised and cleared all the time: the worst case);
  * ceiling: a bare paho subscriber process (persistent session like the console; no parsing, no store)
    counts the same publisher's messages: what broker and paho alone deliver here, the console's upper bound;
  * console: a copy of a database holding the bundled demo (700 flood points, 53 stations, trees, cameras,
    sites), the real ConsoleApp main window shown offscreen at 1200x800 with the map visible, one MqttFeed
    configured through FeedManager.configure, and the console's own IngestPump and StallMeter;
  * live: the subscriber is there while the publisher runs; end to end = from the first publish to the pump
    tick that stored the last reading. backlog: the subscriber leaves (its session kept), the publisher fills
    the broker's queue, the subscriber returns and takes the backlog with the machine to itself (from its
    return): how fast the console can ingest when it does not share the cores with the publisher;
  * checked at the end: the events table holds every reading of the run, and every flood point's
    last_reading in the layer is its sensor's newest published time;
  * baseline: raw sqlite3 executemany of the same events rows (id, type, event_time, received_time,
    source, payload) into a fresh database made by the console's Store (WAL, same schema), one transaction.

Figures: readings/s = stored / elapsed; steady = median of the per-second counts without the first 2 s and
the last (partial) second; the longest GUI-thread stall (StallMeter: the longest gap of a 10 ms heartbeat),
how many heartbeat gaps exceeded the target and their 99th percentile (how often the window stutters);
pump tick durations (median, p99, max) and map repaint durations (median, max), the two things the GUI
thread does under load; the most events waiting on the ingest queue. Target: >= 20,000 readings/s with the
longest stall < 50 ms, judged at QoS 1 live.

The LAST line printed is one JSON object with every figure, its target and the ratios.
"""
from __future__ import annotations

import argparse
import gc
import json
import math
import os
import pwd
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from array import array
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RATE_TARGET = 20_000.0  # readings per second, end to end
STALL_TARGET_MS = 50.0
WIDTH, HEIGHT = 1200, 800
WARMUP_S = 2  # per-second counts left out of the steady median
IDLE_S = 15.0  # nothing more stored for this long after the publisher finished: the console run is over
SUBSCRIBER_IDLE_S = 5.0  # the same for the bare subscriber (no reconnect back-off to sit out)
PUBLISH_WINDOW = 5_000  # messages the publisher may have unacknowledged (QoS 1) or unwritten (QoS 0)
BEIJING = timezone(timedelta(hours=8))
MOSQUITTO = next((p for p in (shutil.which("mosquitto"), "/usr/sbin/mosquitto") if p and os.access(p, os.X_OK)),
                 None)


# --- the broker -------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Broker:
    """A private mosquitto: no persistence (a benchmark), no limit on the messages queued per client, so a
    subscriber that falls behind shows as lag, not as lost messages; QoS 0 messages are queued for a persistent
    session that is away too (for the backlog runs)."""

    def __init__(self, folder: Path) -> None:
        if MOSQUITTO is None:
            raise SystemExit("mosquitto is not installed (Debian: apt-get install mosquitto)")
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.log = folder / "mosquitto.log"
        config = folder / "mosquitto.conf"
        config.write_text("\n".join([
            "allow_anonymous true", f"user {pwd.getpwuid(os.getuid()).pw_name}", "persistence false",
            "max_queued_messages 0", "max_queued_bytes 0", "queue_qos0_messages true", f"log_dest file {self.log}",
            f"listener {self.port} 127.0.0.1"]) + "\n")
        self.process = subprocess.Popen([MOSQUITTO, "-c", str(config)], stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    log = self.log.read_text(errors="replace")[-2000:]
                    raise SystemExit(f"mosquitto did not start:\n{log}") from None
                time.sleep(0.02)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


# --- the publisher and the bare subscriber: child processes of this script ----------------------------------
@dataclass(frozen=True)
class Load:
    """What the publisher sends: readings per MQTT message (1, or a gateway's batch), how many a second (0: as
    fast as the broker takes them), and how the water depths move."""
    per_message: int = 1
    rate: float = 0.0
    churn: bool = False

    def args(self) -> list[str]:
        return ["--per-message", str(self.per_message), "--rate", str(self.rate)] + (["--churn"] if self.churn else [])


def depth_cm(n: int, sensors: int, churn: bool) -> float:
    """Reading n's depth. Each sensor follows a slow storm curve of its own (up to 20-80 cm, flooding and
    draining about every 300 of its readings), so alerts come and go as sensors cross thresholds; with churn,
    every reading jumps 70 cm from the sensor's last, and alerts are raised and cleared all the time."""
    if churn:
        return n % 4000 / 10
    sensor, round_ = n % sensors, n // sensors
    return round(max(0.0, (20 + sensor % 61) * math.sin(2 * math.pi * round_ / 300 + sensor)), 1)


def reading(n: int, sensors: list[str], base: datetime, prefix: str, churn: bool) -> tuple[str, str]:
    """Reading number n: (topic, JSON text). Round robin over the sensors, event time base + n ms."""
    sensor = sensors[n % len(sensors)]
    when = (base + timedelta(milliseconds=n)).isoformat(timespec="milliseconds")
    payload = (f'{{"id":"{prefix}{n}","type":"water_depth","time":"{when}","sensor_id":"{sensor}",'
               f'"depth_cm":{depth_cm(n, len(sensors), churn)}}}')
    return f"city/water_depth/{sensor}", payload


def mqtt_message(n: int, load: Load, sensors: list[str], base: datetime, prefix: str) -> tuple[str, bytes]:
    """Readings n .. n + per_message - 1 as one MQTT message: the reading itself, or a gateway's batch of them
    (docs/feeds.md) when per_message > 1."""
    if load.per_message == 1:
        topic, payload = reading(n, sensors, base, prefix, load.churn)
        return topic, payload.encode()
    inner = ",".join(reading(i, sensors, base, prefix, load.churn)[1] for i in range(n, n + load.per_message))
    return "city/batch/bench-gateway", f'{{"id":"{prefix}batch{n}","type":"batch","messages":[{inner}]}}'.encode()


def publisher(port: int, qos: int, seconds: float, prefix: str, sensors_file: str, base_text: str,
              load: Load) -> None:
    """Publish readings (per_message to an MQTT message) for `seconds` as fast as the broker takes them; print
    one JSON line of figures (in readings). Single-threaded paho (no loop thread): publish() writes straight to
    the socket, loop(0) reads the acknowledgements, and at most PUBLISH_WINDOW readings are ever outstanding.
    With a `rate`, no more than that many readings a second."""
    import paho.mqtt.client as mqtt

    sensors = json.loads(Path(sensors_file).read_text())
    base = datetime.fromisoformat(base_text)
    done = [0]  # readings acknowledged (QoS 1) or written (QoS 0)
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"{prefix}publisher", clean_session=True)
    client.max_inflight_messages_set(PUBLISH_WINDOW)
    client.max_queued_messages_set(0)
    per_message, rate = load.per_message, load.rate
    client.on_publish = lambda *_: done.__setitem__(0, done[0] + per_message)
    client.connect("127.0.0.1", port, 60)
    while not client.is_connected():
        client.loop(0.1)
    n = 0
    first = time.monotonic()
    end = first + seconds
    while time.monotonic() < end:
        if rate and n > (time.monotonic() - first) * rate:
            client.loop(0.001)
        elif n - done[0] < PUBLISH_WINDOW:
            for _ in range(max(1, 50 // per_message)):
                client.publish(*mqtt_message(n, load, sensors, base, prefix), qos=qos)
                n += per_message
        client.loop(0 if n - done[0] < PUBLISH_WINDOW else 0.001)
    last = time.monotonic()
    drain_end = time.monotonic() + 30
    while done[0] < n and time.monotonic() < drain_end:
        client.loop(0.01)
    acked = time.monotonic()
    client.disconnect()
    print(json.dumps({"published": n, "done": done[0], "first": first, "last": last, "acked": acked}), flush=True)


def bare_subscriber(port: int, qos: int, client_id: str, times_file: str) -> None:
    """Count MQTT messages as a plain paho client (persistent session, like the console; no parsing, no store).
    Prints 'ready' once subscribed; exits SUBSCRIBER_IDLE_S after the last message; writes the arrival times."""
    import paho.mqtt.client as mqtt

    times = array("d")
    state = {"subscribed": False}
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=False)
    client.on_connect = lambda c, *_: c.subscribe("city/#", qos)
    client.on_subscribe = lambda *_: state.__setitem__("subscribed", True)
    client.on_message = lambda *_: times.append(time.monotonic())
    client.connect("127.0.0.1", port, 60)
    while not state["subscribed"]:
        client.loop(0.1)
    print("ready", flush=True)
    quiet_since = time.monotonic()
    seen = 0
    while time.monotonic() - quiet_since < (SUBSCRIBER_IDLE_S if times else 120):
        client.loop(0.1)
        if len(times) != seen:
            seen, quiet_since = len(times), time.monotonic()
    client.disconnect()
    Path(times_file).write_bytes(times.tobytes())


def start_publisher(port: int, qos: int, seconds: float, prefix: str, sensors_file: Path,
                    base: datetime, load: Load) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, __file__, "--role", "publish", "--port", str(port), "--qos", str(qos),
                             "--seconds", str(seconds), "--prefix", prefix, "--sensors", str(sensors_file),
                             "--base", base.isoformat(), *load.args()],
                            stdout=subprocess.PIPE, text=True)


def finish_publisher(process: subprocess.Popen) -> dict:
    out, _ = process.communicate(timeout=120)
    if process.returncode != 0 or not out.strip():
        raise RuntimeError(f"the publisher failed (exit {process.returncode})")
    return json.loads(out.strip().splitlines()[-1])


# --- figures ------------------------------------------------------------------------------------------------
def per_second(times: list[float], counts: list[int], start: float) -> list[int]:
    """Events per whole second since `start`, the last (partial) second left out."""
    if not times:
        return []
    bins = [0] * (int(times[-1] - start) + 1)
    for t, n in zip(times, counts):
        bins[int(t - start)] += n
    return bins[:-1]


def steady(bins: list[int]) -> float:
    core = bins[WARMUP_S:] if len(bins) > WARMUP_S + 2 else bins
    return float(statistics.median(core)) if core else 0.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


# --- the runs ----------------------------------------------------------------------------------------------
# Live: the subscriber is connected while the publisher runs (end to end, from the first publish). Backlog: the
# subscriber's persistent session is kept while it is away and the publisher fills it; then the subscriber
# comes back and takes the backlog with the machine to itself (from its return).
def run_ceiling(broker: Broker, qos: int, seconds: float, folder: Path, sensors_file: Path, backlog: bool,
                load: Load) -> dict:
    prefix = f"ceiling-{'backlog' if backlog else 'live'}-q{qos}-"
    times_file = folder / f"{prefix}times.bin"
    command = [sys.executable, __file__, "--role", "subscribe", "--port", str(broker.port), "--qos", str(qos),
               "--prefix", prefix, "--times", str(times_file)]
    subscriber = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    if subscriber.stdout.readline().strip() != "ready":
        raise RuntimeError("the bare subscriber did not subscribe")
    if backlog:
        subscriber.kill()  # away without a word: the broker keeps the session and queues for it
        subscriber.wait()
    published = finish_publisher(start_publisher(broker.port, qos, seconds, prefix, sensors_file,
                                                 datetime(2021, 7, 24, 9, tzinfo=BEIJING), load))
    if backlog:
        subscriber = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    subscriber.communicate(timeout=600)
    times = array("d")
    times.frombytes(times_file.read_bytes())
    start = times[0] if backlog else published["first"]  # backlog: from the first message back
    elapsed = times[-1] - start
    return {"published": published["published"], "publish_rate": published["published"] / (published["last"] -
                                                                                           published["first"]),
            "received": len(times) * load.per_message, "rate": len(times) * load.per_message / elapsed,
            "steady": steady(per_second(list(times), [load.per_message] * len(times), start)), "elapsed_s": elapsed}


def run_console(app, demo_db: Path, broker: Broker, qos: int, seconds: float, folder: Path, sensors: list[str],
                sensors_file: Path, backlog: bool, load: Load) -> tuple[dict, list[tuple]]:
    from PySide6 import QtCore

    from console.core import events as ev
    from console.core.feeds.base import FeedState
    from console.core.feeds.config import FeedConfig
    from console.core.session import Session
    from console.core.store import Store
    from console.core.timefmt import normalize_time
    from console.qt.app import ConsoleApp
    from console.qt.ingest import IngestPump, StallMeter
    from console.qt.map_canvas import MapCanvas

    class TimedPump(IngestPump):
        """The console's pump, also recording when each tick ran, how long it took and how many of the run's
        readings it stored (`readings`; the session also stores what follows from them: alerts, incidents)."""

        def __init__(self, *args) -> None:
            super().__init__(*args)
            self.ticks: list[tuple[float, float, int]] = []  # (end, milliseconds, new readings)
            self.readings = 0
            self.feeds.session.ingested.connect(self._count)

        def _count(self, events) -> None:
            self.readings += sum(e.type == ev.FLOOD_READING and e.id.startswith(prefix) for e in events)

        def pump(self) -> None:
            before, start = self.readings, time.perf_counter()
            super().pump()
            end = time.perf_counter()
            self.ticks.append((time.monotonic(), (end - start) * 1000, self.readings - before))

    # How long each repaint of the map takes (the other thing the GUI thread does under load), timed by
    # wrapping the canvas class's paintEvent for this run.
    paints: list[float] = []
    original_paint = MapCanvas.paintEvent

    def timed_paint(canvas, event) -> None:
        start = time.perf_counter()
        original_paint(canvas, event)
        paints.append((time.perf_counter() - start) * 1000)
    MapCanvas.paintEvent = timed_paint

    # Every heartbeat of the StallMeter, for how often the GUI thread stalls, not only its longest stall.
    beats: list[float] = []
    original_beat = StallMeter._tick

    def timed_beat(meter) -> None:
        beats.append(time.perf_counter())
        original_beat(meter)
    StallMeter._tick = timed_beat

    # How long each garbage collection takes (whichever thread runs it holds the GIL): generation, ms.
    collections: list[tuple[int, float]] = []
    gc_start = [0.0]

    def gc_timer(phase: str, info: dict) -> None:
        if phase == "start":
            gc_start[0] = time.perf_counter()
        else:
            collections.append((info["generation"], (time.perf_counter() - gc_start[0]) * 1000))
    gc.callbacks.append(gc_timer)

    mode = "backlog" if backlog else "live"
    db = folder / f"console-{mode}-q{qos}.db"
    shutil.copy(demo_db, db)
    store = Store(db)
    session = Session(store)
    console = ConsoleApp(app, session, QtCore.QSettings(), "zh_CN")
    console.pump.stop()
    console.pump = pump = TimedPump(console.feeds, console)
    window = console.window
    painted = []
    window.canvas.first_painted.connect(lambda: painted.append(True))
    window.resize(WIDTH, HEIGHT)
    window.show()
    prefix = f"console-{mode}-q{qos}-"
    # Event times from now on, as a live city sends them: a task's deadline then lies half an hour ahead of the
    # console's clock, as it would (from a 2021 base, every task was overdue at the first escalation check).
    base = datetime.now(BEIJING).replace(microsecond=0)
    feed_config = FeedConfig("bench", "mqtt", options={"host": "127.0.0.1", "port": broker.port, "qos": qos,
                                                       "client_id": f"{prefix}console"})

    def start_feed(wait: bool = True):
        console.feeds.configure([feed_config])
        feed = console.feeds.feeds[0]
        if wait:
            until(app, lambda: feed.health.snapshot().state == FeedState.CONNECTED, 30, "the feed did not connect")
        return feed

    try:
        until(app, lambda: bool(painted), 30, "the map did not paint")
        canvas_size = (window.canvas.viewport().width(), window.canvas.viewport().height())
        feed = start_feed()
        max_queue = [0]
        sampler = QtCore.QTimer()
        sampler.timeout.connect(lambda: max_queue.__setitem__(0, max(max_queue[0], console.feeds.waiting())))
        sampler.start(20)
        if backlog:
            console.feeds.stop_all()  # a clean goodbye: the broker keeps the session and queues for it
            published = finish_publisher(start_publisher(broker.port, qos, seconds, prefix, sensors_file, base,
                                                         load))
            pump.ticks.clear()
            paints.clear()
            collections.clear()
            console.stall_meter.reset()
            beats.clear()
            start = time.monotonic()
            feed = start_feed(wait=False)  # at QoS 0 the SUBACK comes after the whole backlog
        else:
            pump.ticks.clear()
            paints.clear()
            collections.clear()
            console.stall_meter.reset()
            beats.clear()
            process = start_publisher(broker.port, qos, seconds, prefix, sensors_file, base, load)
            until(app, lambda: process.poll() is not None, seconds + 60, "the publisher did not finish")
            published = finish_publisher(process)
            start = published["first"]
        quiet = [time.monotonic(), pump.readings]

        def finished() -> bool:
            if pump.readings != quiet[1]:
                quiet[:] = [time.monotonic(), pump.readings]
            return pump.readings >= published["published"] or time.monotonic() - quiet[0] > IDLE_S
        until(app, finished, 600, "ingest did not finish")
        stall_ms = console.stall_meter.longest_ms
        interval = console.stall_meter.interval_ms
        gaps = [(b - a) * 1000 - interval for a, b in zip(beats, beats[1:])]
        paint_ms = list(paints)
        gc_ms = list(collections)
        sampler.stop()
        health = feed.health.snapshot()
        reconnects = sum(state == FeedState.RECONNECTING for _, state, _ in feed.history)
        console.feeds.stop_all()

        busy = [t for t in pump.ticks if t[2]]
        end = busy[-1][0] if busy else float("nan")
        stored = store.conn.execute("SELECT count(*) FROM events WHERE type = ? AND id LIKE ?",
                                    (ev.FLOOD_READING, prefix + "%")).fetchone()[0]
        derived = dict(store.conn.execute("SELECT type, count(*) FROM events WHERE source = 'rules' GROUP BY type"))
        # every flood point shows its sensor's newest reading (the highest n sent to that sensor)
        n_sent = published["published"]
        layer = session.layers["flood_points"]
        point_of = session.known.flood_point_of_sensor
        up_to_date = 0
        for i, sensor in enumerate(sensors):
            last_n = n_sent - 1 - ((n_sent - 1 - i) % len(sensors))
            expected = normalize_time((base + timedelta(milliseconds=last_n)).isoformat(timespec="milliseconds"))
            up_to_date += layer.attrs["last_reading"][layer.row_of(point_of[sensor])] == expected
        ms = [t[1] for t in busy]
        rows = store.conn.execute("SELECT id, type, event_time, received_time, source, payload FROM events "
                                  "WHERE id LIKE ? ORDER BY seq", (prefix + "%",)).fetchall()
        result = {
            "published": n_sent, "publish_rate": n_sent / (published["last"] - published["first"]),
            "accepted": health.accepted, "rejected": health.rejected, "stored": stored, "reconnects": reconnects,
            "alerts_raised": derived.get(ev.ALERT_RAISED, 0), "derived": sum(derived.values()),
            "points_up_to_date": int(up_to_date), "points": len(sensors),
            "rate": pump.readings / (end - start), "elapsed_s": end - start,
            "lag_s": end - published["last"] if not backlog else float("nan"),
            "steady": steady(per_second([t[0] for t in pump.ticks], [t[2] for t in pump.ticks], start)),
            "stall_ms": stall_ms, "tick_median_ms": percentile(ms, 0.5), "tick_p99_ms": percentile(ms, 0.99),
            "tick_max_ms": max(ms, default=0.0), "ticks": len(ms), "max_queue": max_queue[0],
            "paint_median_ms": percentile(paint_ms, 0.5), "paint_max_ms": max(paint_ms, default=0.0),
            "stalls_over_target": sum(gap > STALL_TARGET_MS for gap in gaps),
            "stall_p99_ms": percentile(gaps, 0.99), "beats": len(beats),
            "paints": len(paint_ms), "gc_max_ms": max((ms for _, ms in gc_ms), default=0.0),
            "gc_full": sum(generation == 2 for generation, _ in gc_ms),
            "gc_full_max_ms": max((ms for generation, ms in gc_ms if generation == 2), default=0.0),
            "canvas": f"{canvas_size[0]}x{canvas_size[1]}", "map_visible": window.canvas.isVisible()}
        return result, rows
    finally:
        console.shutdown()
        store.close()
        MapCanvas.paintEvent = original_paint
        StallMeter._tick = original_beat
        gc.callbacks.remove(gc_timer)


def run_baseline(rows: list[tuple], folder: Path, name: str) -> dict:
    """The same rows, inserted with one executemany in one transaction into a fresh database created by the
    console's Store (WAL, synchronous=NORMAL, the same events table and indexes)."""
    from console.core.store import Store

    store = Store(folder / f"baseline-{name}.db")
    conn = store.conn
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany("INSERT INTO events (id, type, event_time, received_time, source, payload) "
                     "VALUES (?, ?, ?, ?, ?, ?)", rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    store.close()
    return {"rows": len(rows), "rate": len(rows) / elapsed if elapsed else 0.0}


class StallStacks:
    """Diagnostics (--stall-stacks): a thread that, every 10 ms, looks at the GUI heartbeat (the StallMeter's)
    and, when it is over 100 ms late, records what the main thread is running (its innermost frames)."""

    def __init__(self, late_s: float = 0.1, depth: int = 14) -> None:
        import threading
        from collections import Counter

        self.late_s, self.depth = late_s, depth
        self.counts: Counter[str] = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stall-stacks", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import threading
        import traceback

        from console.core.feeds import base

        main = threading.main_thread().ident
        while not self._stop.wait(0.01):
            if self.late_s < time.monotonic() - base._heartbeat < 10:
                frame = sys._current_frames().get(main)
                if frame is not None:
                    stack = traceback.extract_stack(frame)[-self.depth:]
                    self.counts[" < ".join(f"{Path(f.filename).name}:{f.name}:{f.lineno}"
                                           for f in reversed(stack))] += 1

    def report(self, top: int = 12) -> None:
        self._stop.set()
        self._thread.join()
        total = sum(self.counts.values())
        print(f"GUI thread while stalled over {self.late_s * 1000:.0f} ms: {total} samples of 10 ms, top stacks "
              "(innermost first):")
        for stack, n in self.counts.most_common(top):
            print(f"  {n:5d}  {stack}")


def until(app, condition, timeout_s: float, what: str) -> None:
    """Run the Qt event loop (timers, paints, the pump: as app.exec() would) until `condition()` holds."""
    from PySide6 import QtCore

    deadline = time.monotonic() + timeout_s
    loop, check = QtCore.QEventLoop(), QtCore.QTimer()
    failed = []

    def test() -> None:
        if condition():
            loop.quit()
        elif time.monotonic() > deadline:
            failed.append(True)
            loop.quit()
    check.timeout.connect(test)
    check.start(20)
    if not condition():
        loop.exec()
    check.stop()
    if failed:
        raise RuntimeError(f"{what} within {timeout_s:g} s")


def build_demo(folder: Path) -> tuple[Path, list[str]]:
    from console.core.demo import ensure_demo
    from console.core.session import Session
    from console.core.store import Store

    path = folder / "demo.db"
    store = Store(path)
    session = Session(store)
    ensure_demo(session)
    sensors = sorted(s for s in session.layers["flood_points"].attrs["sensor_id"] if s)
    store.close()
    return path, sensors


# --- main ----------------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="how long the publisher publishes, per run")
    parser.add_argument("--qos", type=int, nargs="+", default=[1, 0], choices=(0, 1))
    parser.add_argument("--no-backlog", action="store_true", help="only the live runs")
    parser.add_argument("--per-message", type=int, default=1,
                        help="readings per MQTT message: 1, or a gateway's batch of that many (docs/feeds.md)")
    parser.add_argument("--rate", type=float, default=0.0,
                        help="readings a second the publisher offers (default: as fast as the broker takes them)")
    parser.add_argument("--stall-stacks", action="store_true",
                        help="print what the GUI thread was running while it was stalled for over 100 ms")
    # the child processes
    parser.add_argument("--role", choices=("publish", "subscribe"), help=argparse.SUPPRESS)
    for option in ("--port", "--prefix", "--sensors", "--base", "--times"):
        parser.add_argument(option, help=argparse.SUPPRESS)
    parser.add_argument("--churn", action="store_true",
                        help="every reading jumps 70 cm (alerts raised and cleared all the time), not slow curves")
    args = parser.parse_args(argv)
    load = Load(args.per_message, args.rate, args.churn)
    if args.role == "publish":
        publisher(int(args.port), args.qos[0], args.seconds, args.prefix, args.sensors, args.base, load)
        return 0
    if args.role == "subscribe":
        bare_subscriber(int(args.port), args.qos[0], f"{args.prefix}subscriber", args.times)
        return 0

    from PySide6 import QtCore

    from console.qt.app import qt_application

    folder = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    # A private settings file: the console's saved view and language neither come from nor go to the user's.
    QtCore.QSettings.setDefaultFormat(QtCore.QSettings.Format.IniFormat)
    QtCore.QSettings.setPath(QtCore.QSettings.Format.IniFormat, QtCore.QSettings.Scope.UserScope,
                             str(folder / "settings"))
    broker = Broker(folder / "broker")
    modes = ("live",) if args.no_backlog else ("live", "backlog")
    results: dict[tuple[int, str], tuple[dict, dict]] = {}
    baselines: dict[int, dict] = {}
    try:
        app = qt_application()
        t = time.perf_counter()
        demo_db, sensors = build_demo(folder)
        sensors_file = folder / "sensors.json"
        sensors_file.write_text(json.dumps(sensors))
        print(f"demo database: {len(sensors)} flood-point sensors ({time.perf_counter() - t:.1f} s)", flush=True)
        for qos in args.qos:
            for mode in modes:
                ceiling = run_ceiling(broker, qos, args.seconds, folder, sensors_file, mode == "backlog",
                                      load)
                stacks = StallStacks() if args.stall_stacks else None
                console, rows = run_console(app, demo_db, broker, qos, args.seconds, folder, sensors, sensors_file,
                                            mode == "backlog", load)
                if stacks is not None:
                    stacks.report()
                results[qos, mode] = (ceiling, console)
                print(f"QoS {qos} {mode}: ceiling {ceiling['rate']:,.0f}/s, console {console['stored']:,} of "
                      f"{console['published']:,} at {console['rate']:,.0f}/s, stall {console['stall_ms']:.0f} ms",
                      flush=True)
                if mode == "live":
                    baselines[qos] = run_baseline(rows, folder, f"q{qos}")
    finally:
        broker.stop()
        shutil.rmtree(folder, ignore_errors=True)

    figures: dict[str, float | int | str | bool] = {
        "seconds": args.seconds, "readings_per_mqtt_message": load.per_message, "offered_per_s": load.rate,
        "churn": load.churn,
        "window_px": f"{WIDTH}x{HEIGHT}",
        "target_readings_per_s": RATE_TARGET,
        "target_stall_ms": STALL_TARGET_MS, "target_judged_on": "qos1_live"}
    print()
    print(f"Water-depth readings per second, {args.seconds:g} s of publishing per run. live: end to end, first "
          "publish -> last reading stored and in the layer; backlog: the feed returns to a full broker queue, "
          "from its return. Target >= "
          f"{RATE_TARGET:,.0f}/s with the longest GUI stall < {STALL_TARGET_MS:g} ms, judged at QoS 1 live.")
    header = (f"{'QoS':>3s} {'run':8s} {'path':31s} {'sent':>9s} {'arrived':>9s} {'per s':>8s} {'steady/s':>9s} "
              f"{'stall ms':>9s} {'tick p50/p99/max ms':>20s} {'paint p50/max':>13s} {'max queue':>9s}")
    print(header)
    print("-" * len(header))
    for (qos, mode), (ceiling, console) in results.items():
        ticks = f"{console['tick_median_ms']:.1f}/{console['tick_p99_ms']:.1f}/{console['tick_max_ms']:.1f}"
        paint = f"{console['paint_median_ms']:.1f}/{console['paint_max_ms']:.1f}"
        print(f"{qos:3d} {mode:8s} {'ceiling: bare paho subscriber':31s} {ceiling['published']:9,d} "
              f"{ceiling['received']:9,d} {ceiling['rate']:8,.0f} {ceiling['steady']:9,.0f}")
        print(f"{qos:3d} {mode:8s} {'console: parse, store, layers':31s} {console['published']:9,d} "
              f"{console['stored']:9,d} {console['rate']:8,.0f} {console['steady']:9,.0f} {console['stall_ms']:9.1f} "
              f"{ticks:>20s} {paint:>13s} {console['max_queue']:9,d}")
        key = f"qos{qos}_{mode}"
        figures.update({
            f"{key}_readings_per_s": round(console["rate"]), f"{key}_steady_per_s": round(console["steady"]),
            f"{key}_vs_target": round(console["rate"] / RATE_TARGET, 3),
            f"{key}_stall_ms": round(console["stall_ms"], 1),
            f"{key}_stall_vs_target": round(console["stall_ms"] / STALL_TARGET_MS, 3),
            f"{key}_stall_p99_ms": round(console["stall_p99_ms"], 1),
            f"{key}_stalls_over_target": console["stalls_over_target"], f"{key}_heartbeats": console["beats"],
            f"{key}_tick_median_ms": round(console["tick_median_ms"], 1),
            f"{key}_tick_p99_ms": round(console["tick_p99_ms"], 1),
            f"{key}_tick_max_ms": round(console["tick_max_ms"], 1),
            f"{key}_paint_median_ms": round(console["paint_median_ms"], 1),
            f"{key}_paint_max_ms": round(console["paint_max_ms"], 1),
            f"{key}_gc_max_ms": round(console["gc_max_ms"], 1), f"{key}_gc_full": console["gc_full"],
            f"{key}_gc_full_max_ms": round(console["gc_full_max_ms"], 1),
            f"{key}_max_queue": console["max_queue"], f"{key}_published": console["published"],
            f"{key}_stored": console["stored"], f"{key}_rejected": console["rejected"],
            f"{key}_alerts_raised": console["alerts_raised"], f"{key}_derived_events": console["derived"],
            f"{key}_reconnects": console["reconnects"],
            f"{key}_points_up_to_date": console["points_up_to_date"],
            f"{key}_publish_per_s": round(console["publish_rate"]),
            f"{key}_ceiling_per_s": round(ceiling["rate"]), f"{key}_ceiling_steady_per_s": round(ceiling["steady"]),
            f"{key}_ceiling_received": ceiling["received"], f"{key}_ceiling_published": ceiling["published"],
            f"{key}_vs_ceiling": round(console["rate"] / ceiling["rate"], 3)})
        if mode == "live":
            figures[f"{key}_lag_s"] = round(console["lag_s"], 2)
    for qos, baseline in baselines.items():
        live = results[qos, "live"][1]
        print(f"{qos:3d} {'live':8s} {'baseline: sqlite executemany':31s} {baseline['rows']:9,d} "
              f"{baseline['rows']:9,d} {baseline['rate']:8,.0f}   console / executemany = "
              f"{live['rate'] / baseline['rate']:.3f}")
        figures.update({f"qos{qos}_executemany_rows_per_s": round(baseline["rate"]),
                        f"qos{qos}_live_vs_executemany": round(live["rate"] / baseline["rate"], 4)})
    for (qos, mode), (_, console) in results.items():
        print(f"QoS {qos} {mode}: publisher sent {console['publish_rate']:,.0f}/s; "
              + (f"lag after the last publish {console['lag_s']:.1f} s; " if mode == "live" else "")
              + f"rejected {console['rejected']}; alerts raised {console['alerts_raised']:,} "
              f"(events derived: {console['derived']:,}); feed reconnects {console['reconnects']}; "
              f"GUI stalls over {STALL_TARGET_MS:g} ms: {console['stalls_over_target']} in {console['beats']:,} "
              f"heartbeats (p99 {console['stall_p99_ms']:.1f} ms); "
              f"paints {console['paints']}; longest garbage collection {console['gc_max_ms']:.1f} ms "
              f"({console['gc_full']} full, longest {console['gc_full_max_ms']:.1f} ms); "
              f"flood points showing their newest reading "
              f"{console['points_up_to_date']}/{console['points']}; map {console['canvas']} "
              f"visible={console['map_visible']}")
    if (1, "live") in results:
        ceiling, console = results[1, "live"]
        rate_ok, stall_ok = console["rate"] >= RATE_TARGET, console["stall_ms"] < STALL_TARGET_MS
        figures.update(target_ok=bool(rate_ok and stall_ok), rate_ok=bool(rate_ok), stall_ok=bool(stall_ok),
                       ceiling_below_target=bool(ceiling["rate"] < RATE_TARGET))
        print(f"target at QoS 1 live: {console['rate']:,.0f}/s (>= {RATE_TARGET:,.0f}: {'yes' if rate_ok else 'NO'}), "
              f"longest stall {console['stall_ms']:.1f} ms (< {STALL_TARGET_MS:g}: {'yes' if stall_ok else 'NO'}); "
              f"the bare paho subscriber reached {ceiling['rate']:,.0f}/s with the same publisher")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
