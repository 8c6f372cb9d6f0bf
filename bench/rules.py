"""Rules benchmark: RulesEngine.evaluate (numpy) on batches of 20,000 readings against the demo's 50,000 street
trees, 4,628 construction sites, 700 flood points and 53 stations, against a plain per-object Python loop
implementing the same rules (console.core.rules.reference.ReferenceRules), in the same run.

    .venv/bin/python bench/rules.py [--repeats 7] [--baseline-repeats 3] [--size 20000]

The readings are the Typhoon In-Fa scenario's own messages (InFaScenario on the bundled demo objects, parsed by
MessageParser: water depth every 5 min at 700 points, tide every 5 min at 3 gauges, wind and rain every 10 min at
50 stations, plus the signal and response changes that fall inside the batch). Batches, each exactly --size
readings (+ the signals in their span):
  * peak:      the scenario cut into consecutive batches of --size readings from its start (23 Jul 06:00),
               the first batch starting at or after 25 Jul 18:00 Beijing (the storm 150-200 km away, gusts of
               force 8-12), with the state carried over from every earlier batch (not timed): a batch of live
               operation at the height of the storm;
  * cold:      the same readings on a fresh engine: every crossing is new (thousands of tree and stop-work
               alerts at once), the worst alert volume a reading batch gives;
  * quiet:     the first batch at or after 24 Jul 02:00 Beijing, state carried over: nothing crosses a line; the
               cost of judging 20,000 readings against every object when no alert results;
  * downgrade: the batch holding 26 Jul 11:00 (typhoon orange -> yellow, response II -> III), state carried
               over: 4,628 evacuation orders lifted and ~4,000 stop-work orders issued in one batch.
Each is timed on a fresh deep copy of its starting state (the copies are not timed; a gc.collect() runs before
each timing): median and minimum over --repeats for the engine, over --baseline-repeats for the plain loop; both
must give the same alert events (compared by id and payload). The static tables (each tree's and site's nearest
stations and weights) are built once, before timing, by the same function for both. The ~740,000 parsed scenario
events the benchmark holds are moved out of the garbage collector's way (gc.freeze()): the console does not keep
the log in memory, and full collections scanning them would be charged to whichever run triggered them.

Target (the issue's): the engine's median <= 100 ms for a batch of 20,000 readings, judged on the peak batch
(top-level engine_ms, baseline_ms, ratio, meets_target in the JSON); the table shows every batch against it. The
cold and downgrade batches are stress cases: they emit 10,000-14,000 alert events at once, and building an event
(payload, title, readings) costs ~10 us in Python whoever evaluates the rules, so they take 2-3 times the target.
The LAST line printed is one JSON object with every figure, its target and the ratios.
"""
from __future__ import annotations

import argparse
import copy
import gc
import json
import platform
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from console.core import events as ev  # noqa: E402
from console.core.config import load_config  # noqa: E402
from console.core.feeds.messages import KnownObjects, MessageParser  # noqa: E402
from console.core.rules import RulesEngine  # noqa: E402
from console.core.rules.demo import demo_inputs, engine_kwargs  # noqa: E402
from console.core.rules.reference import ReferenceRules  # noqa: E402
from console.core.scenario import InFaScenario  # noqa: E402
from console.core.timefmt import beijing_text  # noqa: E402

TARGET_MS = 100.0
PEAK_FROM = "2021-07-25T10:00:00.000Z"  # 18:00 Beijing
QUIET_FROM = "2021-07-23T18:00:00.000Z"  # 24 Jul 02:00 Beijing
DOWNGRADE_AT = "2021-07-26T03:00:00.000Z"  # 11:00 Beijing
READING_TYPES = (ev.FLOOD_READING, ev.STATION_READING)


def scenario_events(inputs: dict) -> list:
    floods = inputs["flood_points"]
    known = KnownObjects(flood_point_of_sensor={**{i: i for i in floods["ids"]},
                                                **dict(zip(floods["sensor_id"], floods["ids"]))},
                         stations=frozenset(inputs["stations"]["ids"]))
    parser = MessageParser(known, load_config().area, "bench")
    scenario = InFaScenario.from_demo(known=known, end="2021-07-26T16:00:00+08:00")
    return [parser.parse(json.dumps(m)) for m in scenario.messages()]


def batches_of(events: list, size: int) -> list[list]:
    """Consecutive batches of `size` readings each, with the other events that fall among them."""
    out, batch, readings = [], [], 0
    for event in events:
        batch.append(event)
        readings += event.type in READING_TYPES
        if readings == size:
            out.append(batch)
            batch, readings = [], 0
    if batch:
        out.append(batch)
    return out


def key(event) -> tuple:
    return event.event_time, event.type, event.id


def timed(make, batch, repeats: int) -> tuple[list[float], list]:
    times, out = [], None
    for _ in range(repeats):
        out = rules = None  # the previous run's alerts and state go first
        rules = make()
        gc.collect()
        started = time.perf_counter()
        out = rules.evaluate(batch)
        times.append((time.perf_counter() - started) * 1000)
    return times, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--baseline-repeats", type=int, default=3)
    parser.add_argument("--size", type=int, default=20000)
    args = parser.parse_args()

    t = time.perf_counter()
    inputs = demo_inputs()
    kwargs = engine_kwargs(inputs)
    events = scenario_events(inputs)
    print(f"scenario: {len(events):,} events parsed ({time.perf_counter() - t:.1f} s); "
          f"{len(kwargs['trees']['ids']):,} trees, {len(kwargs['sites']['ids']):,} sites, "
          f"{len(kwargs['flood_points']['ids']):,} flood points, {len(kwargs['stations']['ids'])} stations",
          flush=True)

    # Starting states: fresh, and carried over the scenario up to each warm batch (in batches of --size).
    t = time.perf_counter()
    engine, reference = RulesEngine(**kwargs), ReferenceRules(**kwargs)
    fresh_engine, fresh_reference = copy.deepcopy(engine), copy.deepcopy(reference)
    print(f"engine built in {time.perf_counter() - t:.2f} s (both, with the nearest-station tables)", flush=True)
    cases: dict[str, dict] = {}
    t = time.perf_counter()
    for batch in batches_of(events, args.size):
        if batch[0].event_time >= QUIET_FROM and "quiet" not in cases:
            cases["quiet"] = {"batch": batch, "engine": copy.deepcopy(engine), "reference": copy.deepcopy(reference)}
        if batch[0].event_time >= PEAK_FROM and "peak" not in cases:
            cases["peak"] = {"batch": batch, "engine": copy.deepcopy(engine), "reference": copy.deepcopy(reference)}
        if batch[0].event_time <= DOWNGRADE_AT <= batch[-1].event_time:
            cases["downgrade"] = {"batch": batch, "engine": copy.deepcopy(engine),
                                  "reference": copy.deepcopy(reference)}
            break
        engine.evaluate(batch)
        reference.evaluate(batch)
    cases["cold"] = {"batch": cases["peak"]["batch"], "engine": fresh_engine, "reference": fresh_reference}
    print(f"warm states carried over the scenario in {time.perf_counter() - t:.1f} s", flush=True)
    del events
    gc.collect()
    gc.freeze()

    figures: dict = {"target_ms": TARGET_MS, "readings_per_batch": args.size, "trees": len(kwargs["trees"]["ids"]),
                     "sites": len(kwargs["sites"]["ids"]), "flood_points": len(kwargs["flood_points"]["ids"]),
                     "stations": len(kwargs["stations"]["ids"]), "repeats": args.repeats,
                     "baseline_repeats": args.baseline_repeats, "python": platform.python_version(),
                     "machine": platform.machine(), "cases": {}}
    rows = []
    for name in ("peak", "quiet", "cold", "downgrade"):
        case = cases[name]
        batch = case["batch"]
        ours, out = timed(lambda c=case: copy.deepcopy(c["engine"]), batch, args.repeats)
        theirs, expected = timed(lambda c=case: copy.deepcopy(c["reference"]), batch, args.baseline_repeats)
        same = [(e.id, e.payload) for e in sorted(out, key=key)] == [(e.id, e.payload) for e in
                                                                       sorted(expected, key=key)]
        mix = Counter("water_depth" if e.type == ev.FLOOD_READING else
                      "wind" if "wind_gust_ms" in e.payload else "rain" if "rain_1h_mm" in e.payload else
                      "tide" if "level_m" in e.payload else e.type for e in batch)
        kinds = Counter((e.type.split(".")[1], e.payload["rule"]) for e in out)
        entry = {"span_beijing": [beijing_text(batch[0].event_time, False), beijing_text(batch[-1].event_time, False)],
                 "events": len(batch), "mix": dict(mix), "alerts_raised": sum(e.type.endswith("raised") for e in out),
                 "alerts_cleared": sum(e.type.endswith("cleared") for e in out),
                 "by_rule": {f"{k[0]}:{k[1]}": v for k, v in sorted(kinds.items())},
                 "engine_ms_median": round(statistics.median(ours), 2), "engine_ms_min": round(min(ours), 2),
                 "engine_ms_all": [round(x, 2) for x in ours],
                 "baseline_ms_median": round(statistics.median(theirs), 2), "baseline_ms_min": round(min(theirs), 2),
                 "ratio_median": round(statistics.median(theirs) / statistics.median(ours), 2),
                 "same_alerts_as_baseline": same,
                 "meets_target": statistics.median(ours) <= TARGET_MS}
        figures["cases"][name] = entry
        rows.append((name, entry))
        print(f"  {name}: engine {entry['engine_ms_median']:.1f} ms, baseline {entry['baseline_ms_median']:.1f} ms",
              flush=True)

    print()
    print(f"Rules on {args.size:,} readings against {figures['trees']:,} trees and {figures['sites']:,} sites "
          f"(median of {args.repeats} / {args.baseline_repeats} runs, ms)")
    header = (f"{'batch':10s} {'span (Beijing)':33s} {'raised':>7s} {'cleared':>8s} {'engine':>8s} {'min':>7s} "
              f"{'loop':>8s} {'ratio':>6s} {'same':>5s} {'<=100ms':>8s}")
    print(header)
    print("-" * len(header))
    for name, e in rows:
        print(f"{name:10s} {e['span_beijing'][0] + ' - ' + e['span_beijing'][1][11:]:33s} {e['alerts_raised']:7d} "
              f"{e['alerts_cleared']:8d} {e['engine_ms_median']:8.1f} {e['engine_ms_min']:7.1f} "
              f"{e['baseline_ms_median']:8.1f} {e['ratio_median']:6.1f} {str(e['same_alerts_as_baseline']):>5s} "
              f"{str(e['meets_target']):>8s}")
    print()
    for name, e in rows:
        print(f"{name}: mix {e['mix']}; alerts {e['by_rule']}")
    peak = figures["cases"]["peak"]
    figures.update({"engine_ms": peak["engine_ms_median"], "baseline_ms": peak["baseline_ms_median"],
                    "ratio": peak["ratio_median"], "meets_target": peak["meets_target"]})
    figures["meets_target_all"] = all(e["meets_target"] for _, e in rows)
    figures["same_alerts_all"] = all(e["same_alerts_as_baseline"] for _, e in rows)
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
