"""The vectorised engine gives exactly the alerts of the plain per-object loop (reference.py) on random streams:
readings out of order, repeated and late; signals, response levels and object changes; batches of every size."""
from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from console.core import events as ev
from console.core.events import Event
from console.core.rules import RulesEngine
from console.core.rules.reference import ReferenceRules
from console.core.timefmt import to_utc_text

BASE = datetime(2021, 7, 25, 0, 0, tzinfo=timezone.utc)
SIGNALS = ("none", "blue", "yellow", "orange", "red")
RESPONSES = ("none", "IV", "III", "II", "I")


def city(rng: np.random.Generator) -> dict:
    def place(n):
        return rng.uniform(121.2, 121.7, n).tolist(), rng.uniform(31.0, 31.4, n).tolist()

    lon, lat = place(30)
    floods = {"ids": [f"FP-{i:03d}" for i in range(30)], "lon": lon, "lat": lat,
              "kind": rng.choice(["underpass", "road_spot"], 30).tolist()}
    lon, lat = place(8)
    stations = {"ids": [f"WX-{i}" for i in range(6)] + ["TG-1", "TG-2"], "lon": lon, "lat": lat,
                "kind": ["weather"] * 6 + ["tide"] * 2, "warning_level_m": [None] * 6 + [4.0, 4.5]}
    lon, lat = place(500)
    trees = {"ids": [f"TR-{i:04d}" for i in range(500)], "lon": lon, "lat": lat,
             "grade": rng.choice(["very_high", "high", "medium", "low"], 500, p=[0.2, 0.3, 0.3, 0.2]).tolist(),
             "status": rng.choice(["checked", "pruned", "braced", "removed"], 500, p=[0.7, 0.1, 0.1, 0.1]).tolist()}
    lon, lat = place(80)
    sites = {"ids": [f"CS-{i:03d}" for i in range(80)], "lon": lon, "lat": lat,
             "gondolas": rng.integers(0, 3, 80).tolist(), "tower_cranes": rng.integers(0, 2, 80).tolist(),
             "hoists": rng.integers(0, 2, 80).tolist(), "workers": (rng.integers(0, 3, 80) * 40).tolist(),
             "evacuation_status": ["normal"] * 80}
    return {"flood_points": floods, "stations": stations, "trees": trees, "sites": sites}


def stream(rng: np.random.Generator, objects: dict, steps: int = 200) -> list[Event]:
    out: list[Event] = []
    floods, stations = objects["flood_points"]["ids"], objects["stations"]["ids"]
    depth = np.zeros(len(floods))
    total = np.zeros(6)
    for k in range(steps):
        when = to_utc_text(BASE + timedelta(minutes=5 * k))
        depth = np.clip(depth + rng.normal(0, 4, len(floods)) + (3 if k < steps / 2 else -4), 0, 80)
        out += [Event(ev.FLOOD_READING, {"id": f, "depth_cm": round(float(d), 1)}, when, "t", f"{f}-{k}")
                for f, d in zip(floods, depth)]
        for j, gauge in enumerate(stations[6:]):
            level = 4.2 + 0.6 * math.sin(k / 12 + j) + rng.normal(0, 0.05)
            out.append(Event(ev.STATION_READING, {"id": gauge, "level_m": round(level, 2)}, when, "t", f"{gauge}-{k}"))
        if k % 2 == 0:
            storm = 4 + 16 * math.sin(math.pi * k / 140) if k < 140 else 3.0  # then 5 calm hours
            for j, station in enumerate(stations[:6]):
                mean = max(0.0, storm + rng.normal(0, 3))
                payload = {"id": station, "wind_mean_ms": round(mean, 1), "wind_gust_ms": round(mean * 1.5, 1)}
                out.append(Event(ev.STATION_READING, payload, when, "t", f"{station}-w{k}"))
                hourly = float(rng.gamma(2.0, 16)) if rng.random() < 0.5 else 0.0
                total[j] += hourly / 6
                payload = {"id": station, "rain_1h_mm": round(hourly, 1), "rain_acc_mm": round(float(total[j]), 1)}
                if rng.random() < 0.1:
                    del payload["rain_acc_mm"]
                out.append(Event(ev.STATION_READING, payload, when, "t", f"{station}-r{k}"))
        if rng.random() < 0.08:
            hazard = rng.choice(["typhoon", "rainstorm"])
            out.append(Event(ev.SIGNAL_CHANGED, {"hazard": hazard, "level": rng.choice(SIGNALS)}, when, "t",
                             f"sig-{k}"))
        if rng.random() < 0.05:
            out.append(Event(ev.RESPONSE_LEVEL_CHANGED, {"level": rng.choice(RESPONSES)}, when, "t", f"resp-{k}"))
        if rng.random() < 0.1:
            tree = rng.choice(objects["trees"]["ids"])
            out.append(Event(ev.TREE_STATUS_CHANGED, {"id": tree, "status": rng.choice(["checked", "removed"])},
                             when, "t", f"tree-{k}"))
            out.append(Event(ev.TREE_ASSESSED, {"id": rng.choice(objects["trees"]["ids"]),
                                                "grade": rng.choice(["very_high", "low"])}, when, "t", f"grade-{k}"))
        if rng.random() < 0.1:
            site = rng.choice(objects["sites"]["ids"])
            kind = ev.SITE_EVACUATION_REVERSED if rng.random() < 0.3 else ev.SITE_EVACUATION_CHANGED
            out.append(Event(kind, {"id": site, "status": rng.choice(["normal", "work_stopped", "evacuating"])},
                             when, "t", f"site-{k}"))
    return out


def cut(rng: np.random.Generator, events: list[Event]) -> list[list[Event]]:
    """Batches of random sizes, shuffled inside, with some events repeated and some delivered late."""
    batches, start = [], 0
    while start < len(events):
        size = int(rng.choice([1, 3, 40, 250, 900]))
        batch = events[start:start + size]
        start += size
        batch = [batch[i] for i in rng.permutation(len(batch))]
        if start > 500 and rng.random() < 0.3:
            batch += [events[int(i)] for i in rng.integers(max(0, start - 800), min(start, len(events)), 10)]
        batches.append(batch)
    return batches


def key(event: Event) -> tuple:
    return event.event_time, event.type, event.id


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_engine_equals_the_plain_loop(seed):
    rng = np.random.default_rng(seed)
    objects = city(rng)
    engine, reference = RulesEngine(**objects), ReferenceRules(**objects)
    counts: dict[str, int] = {}
    for batch in cut(rng, stream(rng, objects)):
        got, want = engine.evaluate(batch), reference.evaluate(batch)
        assert [(e.id, e.payload) for e in sorted(got, key=key)] == [(e.id, e.payload) for e in sorted(want, key=key)]
        for e in got:
            name = f"{e.payload['rule']}:{e.type.split('.')[1]}"
            counts[name] = counts.get(name, 0) + 1
    # the stream raised and cleared every rule
    rules = ["ponding.general", "ponding.underpass_closure", "ponding.road_closure", "tide.above_warning",
             "trees.failure_risk", "sites.stop_gondolas", "sites.stop_work_at_height", "sites.evacuate",
             "rain.rainstorm_yellow", "rain.rainstorm_orange"]
    assert {f"{rule}:{what}" for rule in rules for what in ("raised", "cleared")} <= set(counts), counts
