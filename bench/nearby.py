"""Nearby-cameras benchmark: PointIndex queries on the demo's 30,000 cameras against brute-force numpy (every
camera measured, filtered and sorted) in the same run.

    .venv/bin/python bench/nearby.py [--queries 2000] [--seed 1]

Cameras: offline_data/demo/cameras.csv (30,000, WGS84 → EPSG:3857, as the console loads them). Query points:
the position of a random camera moved by a normal offset of 500 m in each axis (incidents happen where the
city is, and rarely exactly at a camera). Cases: the camera panel's query (k = 6 within 1,000 m), a wider one
(k = 6 within 5,000 m) and every camera within 1,000 m. Each query is timed alone (perf_counter_ns); both sides
must give the same rows and distances. Target: the index's median for the panel's query under 1 ms.
The LAST line printed is one JSON object with every figure, its target and the ratios.
"""
from __future__ import annotations

import argparse
import csv
import json
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from console.core.crs import lonlat_to_mercator  # noqa: E402
from console.core.nearby import PointIndex, ground_scale  # noqa: E402

TARGET_MS = 1.0
CAMERAS = ROOT / "offline_data" / "demo" / "cameras.csv"
CASES = (("k6_1000m", 6, 1000.0), ("k6_5000m", 6, 5000.0), ("within_1000m", None, 1000.0))


def load_cameras() -> tuple[np.ndarray, np.ndarray]:
    with CAMERAS.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    lon = np.array([float(r["lon"]) for r in rows])
    lat = np.array([float(r["lat"]) for r in rows])
    return lonlat_to_mercator(lon, lat)


def brute_force(x, y, qx, qy, k, radius_m) -> list[tuple[int, float]]:
    """What a plain numpy loop-free search does: measure all, keep those in range, sort them."""
    distances = np.hypot(x - qx, y - qy) * ground_scale(qy)
    rows = np.flatnonzero(distances <= radius_m)
    rows = rows[np.lexsort((rows, distances[rows]))]
    if k is not None:
        rows = rows[:k]
    return [(int(r), float(distances[r])) for r in rows]


def timed(fn, queries) -> tuple[list[float], list]:
    times, answers = [], []
    for qx, qy in queries:
        start = time.perf_counter_ns()
        answers.append(fn(qx, qy))
        times.append((time.perf_counter_ns() - start) / 1e6)
    return times, answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    x, y = load_cameras()
    builds = []
    for _ in range(5):
        start = time.perf_counter()
        index = PointIndex(x, y)
        builds.append((time.perf_counter() - start) * 1000)
    rng = np.random.default_rng(args.seed)
    picks = rng.integers(len(x), size=args.queries)
    queries = list(zip((x[picks] + rng.normal(0, 500, args.queries)).tolist(),
                       (y[picks] + rng.normal(0, 500, args.queries)).tolist()))

    print(f"{len(x):,} cameras, {args.queries:,} queries; index built in {statistics.median(builds):.1f} ms "
          f"(median of 5)")
    print(f"{'case':<14}{'index median':>14}{'p95':>9}{'brute median':>14}{'ratio':>8}{'found':>8}")
    results = {}
    for name, k, radius in CASES:
        if k is None:
            ours = lambda qx, qy, r=radius: index.within(qx, qy, r)  # noqa: E731
        else:
            ours = lambda qx, qy, k=k, r=radius: index.nearest(qx, qy, k, r)  # noqa: E731
        base = lambda qx, qy, k=k, r=radius: brute_force(x, y, qx, qy, k, r)  # noqa: E731
        ours(*queries[0]), base(*queries[0])  # warm up
        ours_ms, ours_answers = timed(ours, queries)
        base_ms, base_answers = timed(base, queries)
        if ours_answers != base_answers:
            bad = next(i for i, (a, b) in enumerate(zip(ours_answers, base_answers)) if a != b)
            sys.exit(f"{name}: query {bad} differs: index {ours_answers[bad]} vs brute force {base_answers[bad]}")
        median, base_median = statistics.median(ours_ms), statistics.median(base_ms)
        found = statistics.mean(len(a) for a in ours_answers)
        results[name] = {"index_median_ms": round(median, 4),
                         "index_p95_ms": round(float(np.percentile(ours_ms, 95)), 4),
                         "brute_median_ms": round(base_median, 4), "ratio": round(base_median / median, 1),
                         "mean_found": round(found, 2)}
        print(f"{name:<14}{median:>11.4f} ms{results[name]['index_p95_ms']:>6.3f} ms{base_median:>11.4f} ms"
              f"{base_median / median:>7.1f}x{found:>8.1f}")

    panel = results["k6_1000m"]
    print(json.dumps({
        "bench": "nearby", "cameras": len(x), "queries": args.queries, "seed": args.seed,
        "build_ms": round(statistics.median(builds), 2),
        "index_median_ms": panel["index_median_ms"], "brute_median_ms": panel["brute_median_ms"],
        "ratio": panel["ratio"], "target_ms": TARGET_MS, "meets_target": panel["index_median_ms"] < TARGET_MS,
        "cases": results, "python": platform.python_version(), "numpy": np.__version__,
    }))


if __name__ == "__main__":
    main()
