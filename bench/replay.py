"""Replay benchmark (issue 5, point 2): seeks to random times in a 24-hour log of five million events, from snapshots,
against rebuilding the projections from the start of the log in the same run.

    .venv/bin/python bench/replay.py [--seeks 40] [--baselines 5] [--keep-cache] [--seed 1]

The log (made once, kept in --work, default /tmp/emergency-console-bench; ~2.5 GB): the bundled demo's objects
registered as the console does (ensure_demo: 700 flood points, 53 stations, 50,000 trees, 4,628 sites, 30,000
cameras), then 24 hours (25 Jul 2021 UTC) of live feeds written straight into the events table: every flood point
every 15 s, every station's wind, rain and level every 15 s, one append (one received_time) per second as the ingest
pump makes them, 1 % of the readings arriving one to three seconds late (older event times after newer ones); the
typhoon and rainstorm signals and response levels of a typhoon day; ~4,000 alerts, each with its incident, a task
or two going through their life cycle and the alert cleared later. About five million events in all.

Measured, in one run: the snapshot cache build (unless --keep-cache finds a valid one) and its size; the first seek
(fills the layers of an empty session: 90,000 objects); --seeks seeks to uniformly random times through a replay
Session (projections restored and the layers updated: what the console pays, without drawing); for --baselines of
those times, the projections rebuilt from the start of the log (an empty private store applying every event up to
the moment, as Store.rebuild_projections does); playback at x600 (advance by 60 s of log per 100 ms tick).
Targets: seek median < 200 ms, max < 1 s. The LAST line printed is one JSON object with every figure.
"""
from __future__ import annotations

import argparse
import json
import platform
import random
import shutil
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from console.core import events as ev  # noqa: E402
from console.core import incidents as inc  # noqa: E402
from console.core.demo import ensure_demo  # noqa: E402
from console.core.replay import DEFAULT_SNAPSHOT_EVERY, Recording, Replay  # noqa: E402
from console.core.replay.store import ReplayStore  # noqa: E402
from console.core.rules import alerts  # noqa: E402
from console.core.session import Session  # noqa: E402
from console.core.store import Store, index_readings_between  # noqa: E402
from console.core.timefmt import to_utc_text  # noqa: E402

LOG_VERSION = "2"  # bump when the generated log changes
DAY0 = datetime(2021, 7, 25, tzinfo=timezone.utc)
PERIOD_S = 15  # every sensor reports every 15 s
TARGET_MEDIAN_MS, TARGET_MAX_MS = 200.0, 1000.0
SIGNALS = (("01:00", "typhoon", "blue"), ("03:00", "rainstorm", "blue"), ("06:00", "typhoon", "yellow"),
           ("09:00", "rainstorm", "yellow"), ("12:00", "typhoon", "orange"), ("14:00", "rainstorm", "orange"),
           ("16:00", "typhoon", "red"), ("20:00", "rainstorm", "none"), ("23:00", "typhoon", "none"))
LEVELS = (("01:00", "IV"), ("06:00", "III"), ("12:00", "II"), ("23:30", "none"))
INDEXES = ("events_by_time", "events_by_type")


def t_text(seconds: float) -> str:
    return to_utc_text(DAY0 + timedelta(seconds=seconds))


def make_log(path: Path) -> None:
    """The 24-hour log: the demo registered through a Session, the rest written with executemany."""
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    store = Store(tmp)
    session = Session(store)
    ensure_demo(session)
    floods = [(r["id"], r["lon"], r["lat"], r["name"]) for r in store.rows("flood_points")]
    stations = [(r["id"], r["kind"]) for r in store.rows("stations")]
    conn = store.conn
    saved = {name: sql for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                                      "AND name IN (?, ?)", INDEXES)}
    for name in saved:  # building the indexes once at the end is much faster than keeping them up to date
        conn.execute(f"DROP INDEX {name}")
    seq = conn.execute("SELECT max(seq) FROM events").fetchone()[0]
    rng = random.Random(20210725)
    depth = [rng.uniform(0, 10) for _ in floods]
    late: dict[int, list] = {}  # tick -> events held back (arriving late)
    pending: dict[int, list] = {}  # tick -> derived events (alerts, incidents, tasks) due then
    open_alert: dict[int, tuple] = {}
    conn.execute("BEGIN")
    rows: list[tuple] = []

    def put(tick: int, e_type: str, payload: dict, event_time: str, event_id: str, source: str) -> None:
        nonlocal seq
        seq += 1
        rows.append((seq, event_id, e_type, event_time, t_text(tick + 0.3), source,
                     json.dumps(payload, ensure_ascii=False, separators=(",", ":"))))

    for k, (hhmm, hazard, level) in enumerate(SIGNALS):
        pending.setdefault(_tick(hhmm), []).append((ev.SIGNAL_CHANGED, {"hazard": hazard, "level": level},
                                                    t_text(_tick(hhmm)), f"sig{k}", "cap"))
    for k, (hhmm, level) in enumerate(LEVELS):
        pending.setdefault(_tick(hhmm), []).append((ev.RESPONSE_LEVEL_CHANGED, {"level": level},
                                                    t_text(_tick(hhmm)), f"lvl{k}", "cap"))
    for tick in range(86_400):
        for item in pending.pop(tick, ()):
            put(tick, *item)
        for item in late.pop(tick, ()):
            put(tick, *item)
        phase = tick % PERIOD_S
        for i in range(phase, len(floods), PERIOD_S):  # each flood point once per period, spread over it
            depth[i] = max(0.0, depth[i] + rng.gauss(0.02 if 30_000 < tick < 70_000 else -0.03, 0.6))
            item = (ev.FLOOD_READING, {"id": floods[i][0], "depth_cm": round(depth[i], 1)}, t_text(tick),
                    f"f{tick}-{i}", "mqtt")
            _send(rng, late, tick, item, put)
            if depth[i] >= 25 and i not in open_alert and rng.random() < 0.2:
                open_alert[i] = _raise(pending, tick, floods[i], rng)
            elif depth[i] < 15 and i in open_alert:
                alert_id, _ = open_alert.pop(i)
                pending.setdefault(tick + 1, []).append(
                    (ev.ALERT_CLEARED, {"alert_id": alert_id, "rule": "ponding.general", "reason": "below"},
                     t_text(tick), f"clr{alert_id}", "rules"))
        for j in range(phase, len(stations) * 3, PERIOD_S):
            station, kind = stations[j // 3]
            part = j % 3
            payload = ({"id": station, "wind_mean_ms": round(rng.uniform(5, 25), 1), "wind_gust_ms": 30.0}
                       if part == 0 else {"id": station, "rain_1h_mm": round(rng.uniform(0, 60), 1),
                                          "rain_acc_mm": round(rng.uniform(0, 300), 1)}
                       if part == 1 else {"id": station, "level_m": round(rng.uniform(2, 5), 2)})
            _send(rng, late, tick, (ev.STATION_READING, payload, t_text(tick), f"s{tick}-{j}", "mqtt"), put)
        if len(rows) >= 200_000:
            conn.executemany("INSERT INTO events VALUES (?,?,?,?,?,?,?)", rows)
            rows.clear()
    conn.executemany("INSERT INTO events VALUES (?,?,?,?,?,?,?)", rows)
    for sql in saved.values():
        conn.execute(sql)
    index_readings_between(conn, store.readings_indexed(), seq)
    conn.execute("COMMIT")
    store.set_meta("bench_log", LOG_VERSION)
    store.close()
    tmp.replace(path)
    for side in ("-wal", "-shm"):
        Path(f"{tmp}{side}").unlink(missing_ok=True)


def _tick(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 3600 + int(m) * 60


def _send(rng: random.Random, late: dict, tick: int, item: tuple, put) -> None:
    if rng.random() < 0.01:
        late.setdefault(tick + rng.randint(1, 3), []).append(item)  # arrives after newer readings
    else:
        put(tick, *item)


def _raise(pending: dict, tick: int, flood: tuple, rng: random.Random) -> tuple:
    """An alert on a flood point, its incident and tasks, the tasks' life cycle over the next hour."""
    point, lon, lat, name = flood
    when = t_text(tick)
    raised = alerts.raised("ponding.general", "moderate", "water_affairs", "flood_points", point, name, lon, lat,
                           when, [], {"depth_cm": "25.0"})
    alert_id = raised.payload["alert_id"]
    incident = f"inc:{alert_id}"
    out = [raised, inc.incident_opened(incident, raised.payload["title"], "moderate", "flood_points", point, name,
                                       lon, lat, [alert_id], "rules", when)]
    flow = ("accepted", "en_route", "on_scene", "done")
    for agency, action in (("water_affairs", "drain"), ("fire_rescue", "rescue"))[:rng.randint(1, 2)]:
        task = f"task:{alert_id}:{agency}:{action}"
        out.append(inc.task_created(task, incident, agency, action, name, lon, lat, "dispatched", "rules", when,
                                    t_text(tick + 3600)))
        at = tick
        for state in flow[:rng.randint(1, 4)]:
            at += rng.randint(60, 900)
            pending.setdefault(at, []).append((ev.TASK_STATE_CHANGED, inc.task_state_changed(
                task, state, "crew", "", t_text(at)).payload, t_text(at), f"{task}:{state}", "console"))
    for e in out:
        pending.setdefault(tick + 1, []).append((e.type, e.payload, e.event_time, e.id, e.source))
    return alert_id, tick


def timed(fn, *args):
    started = time.perf_counter()
    result = fn(*args)
    return result, (time.perf_counter() - started) * 1000


def rebuild_from_start(store: ReplayStore, target: int) -> None:
    """Every event up to the target through the projector, as Store.rebuild_projections does (not apply_to, which
    skips the readings overridden before the target)."""
    for events in store.recorded_batches(store.bound, target):
        store._apply(events, {})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/emergency-console-bench"))
    parser.add_argument("--seeks", type=int, default=40)
    parser.add_argument("--baselines", type=int, default=5)
    parser.add_argument("--keep-cache", action="store_true", help="reuse a valid snapshot cache from an earlier run")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    log = args.work / f"replay-5m-v{LOG_VERSION}.db"
    cache = args.work / "replay-cache"
    figures: dict = {"python": platform.python_version(), "machine": platform.machine()}
    if not log.exists():
        print(f"making the log {log} (once) ...", flush=True)
        _, figures["log_make_s"] = timed(make_log, log)
        figures["log_make_s"] /= 1000
    if not args.keep_cache:
        shutil.rmtree(cache, ignore_errors=True)
    recording = Recording(log)
    figures["events"] = recording.last_seq
    figures["log_bytes"] = log.stat().st_size
    print(f"log: {recording.last_seq:,} events, {log.stat().st_size / 1e9:.2f} GB, "
          f"{recording.first_time} .. {recording.last_time}", flush=True)

    replay, open_ms = timed(Replay, recording, DEFAULT_SNAPSHOT_EVERY, cache)
    figures["open_s"] = open_ms / 1000
    figures["snapshot_build_s"] = replay.cache.built_s
    figures["cache_bytes"] = replay.cache.size_bytes
    figures["snapshots"] = len(replay.cache.snapshot_seqs)
    figures["moments"] = len(replay.cache.moment_seqs)
    print(f"snapshot cache: {figures['cache_bytes'] / 1e6:.1f} MB, {figures['snapshots']} points, "
          f"{figures['moments']:,} moments; built in {replay.cache.built_s or 0:.1f} s "
          f"({'reused' if replay.cache.built_s is None else 'this run'})", flush=True)

    rng = random.Random(args.seed)
    start_ms, end_ms = (DAY0.timestamp() * 1000, (DAY0 + timedelta(days=1)).timestamp() * 1000)
    moments = [to_utc_text(datetime.fromtimestamp(rng.uniform(start_ms, end_ms) / 1000, timezone.utc))
               for _ in range(args.seeks)]
    _, figures["first_seek_ms"] = timed(replay.seek, t_text(0))  # empty session -> the whole city
    seeks = []
    for moment in moments:
        move, ms = timed(replay.seek, moment)
        seeks.append(ms)
        print(f"  seek {moment}  seq {move.seq:>9,}  {ms:7.1f} ms  rows changed "
              f"{sum(map(len, move.changed.values())):>6,}", flush=True)
    figures["seek_median_ms"] = statistics.median(seeks)
    figures["seek_max_ms"] = max(seeks)
    figures["seek_p90_ms"] = statistics.quantiles(seeks, n=10)[-1] if len(seeks) >= 2 else seeks[0]

    # baseline: the projections rebuilt from the start of the log, for some of the same moments
    rebuild, pairs = [], []
    store = ReplayStore(recording)
    for k, moment in enumerate(moments[:args.baselines]):
        target = replay.moment(moment)
        with store.transaction():
            store.clear()
            _, ms = timed(rebuild_from_start, store, target)
        rebuild.append(ms)
        pairs.append(ms / seeks[k])
        print(f"  rebuild from the start to {moment}: {ms / 1000:6.1f} s  ({ms / seeks[k]:,.0f}x the seek)",
              flush=True)
    replay.seek(moments[args.baselines - 1] if args.baselines else moments[-1])
    if args.baselines and store.projection_state() != replay.store.projection_state():
        raise SystemExit("the rebuilt state differs from the seek's")
    store.close()
    figures["rebuild_median_ms"] = statistics.median(rebuild) if rebuild else None
    figures["ratio_rebuild_over_seek_median"] = statistics.median(pairs) if pairs else None

    # playback at x600: 100 ms ticks of 60 s of log each, for 10 minutes of log from a random moment
    replay.seek(moments[0])
    ticks = []
    now = datetime.fromisoformat(replay.time.replace("Z", "+00:00"))
    for _ in range(10):
        now += timedelta(seconds=60)
        _, ms = timed(replay.advance, now)
        ticks.append(ms)
    figures["advance_x600_tick_median_ms"] = statistics.median(ticks)
    figures["advance_x600_tick_max_ms"] = max(ticks)
    replay.close()

    ok = figures["seek_median_ms"] < TARGET_MEDIAN_MS and figures["seek_max_ms"] < TARGET_MAX_MS
    print(f"seek median {figures['seek_median_ms']:.1f} ms (target < {TARGET_MEDIAN_MS:.0f}), "
          f"max {figures['seek_max_ms']:.1f} ms (target < {TARGET_MAX_MS:.0f}); rebuild from the start median "
          f"{(figures['rebuild_median_ms'] or 0) / 1000:.1f} s: {figures['ratio_rebuild_over_seek_median'] or 0:,.0f}x"
          f"; first seek {figures['first_seek_ms']:.0f} ms; x600 tick median "
          f"{figures['advance_x600_tick_median_ms']:.1f} ms, max {figures['advance_x600_tick_max_ms']:.1f} ms; "
          f"{'OK' if ok else 'MISSED'}")
    figures.update(target_seek_median_ms=TARGET_MEDIAN_MS, target_seek_max_ms=TARGET_MAX_MS, targets_met=ok)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
