"""Replay playback with the console open: is the map fluid at ×600?

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/replay_playback.py [RECORDING] [--seconds 20] [--speed 600]

RECORDING defaults to the Typhoon In-Fa training recording (built once from the bundled scenario, as
`main.py replay` does). The real console window (1400x900, duty officer, every dock) plays the recording from
25 Jul 12:00 Beijing (the height of In-Fa) at the chosen speed for --seconds, with the map repainted on a 30 ms
timer as a screen would. Measured: the time of every map repaint (MapCanvas.paintEvent), of every player tick
(ReplayPlayer._tick: events from the recording through the session into the layers), the longest GUI-thread stall
(StallMeter, 10 ms heartbeat), and the scenario time covered. Baseline in the same run: the same repaints with the
player paused (the map alone). Target: repaints that keep the map fluid, median under 33 ms (30 frames a second)
with the longest stall under 100 ms.

The LAST line printed is one JSON object with every figure, its target and the ratio to the paused baseline.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

FRAME_TARGET_MS = 33.0
STALL_TARGET_MS = 100.0
START = "2021-07-25T04:00:00.000Z"  # 12:00 Beijing, 25 July 2021


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("recording", nargs="?", type=Path)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--speed", type=float, default=600.0)
    args = parser.parse_args(argv)

    from PySide6 import QtCore

    from console.core.replay import Replay
    from console.core.replay.training import training_recording
    from console.qt.app import ConsoleApp, qt_application
    from console.qt.map_canvas import MapCanvas
    from console.qt.timeline import ReplayPlayer

    path = args.recording or training_recording()
    started = time.perf_counter()
    replay = Replay(path)
    print(f"{path}: opened for replay in {time.perf_counter() - started:.1f} s", flush=True)
    app = qt_application()
    QtCore.QSettings.setDefaultFormat(QtCore.QSettings.Format.IniFormat)
    QtCore.QSettings.setPath(QtCore.QSettings.Format.IniFormat, QtCore.QSettings.Scope.UserScope,
                             str(Path("/tmp") / "replay-playback-settings"))
    player = ReplayPlayer(replay)
    console = ConsoleApp(app, replay.session, QtCore.QSettings(), "zh_CN", player=player)
    window = console.window
    window.resize(1400, 900)
    window.show()

    paints: list[float] = []
    ticks: list[float] = []
    original_paint, original_tick = MapCanvas.paintEvent, ReplayPlayer._tick

    def timed_paint(canvas, event) -> None:
        begin = time.perf_counter()
        original_paint(canvas, event)
        paints.append((time.perf_counter() - begin) * 1000)

    def timed_tick(self) -> None:
        begin = time.perf_counter()
        original_tick(self)
        ticks.append((time.perf_counter() - begin) * 1000)

    MapCanvas.paintEvent, ReplayPlayer._tick = timed_paint, timed_tick
    repaint = QtCore.QTimer()
    repaint.timeout.connect(window.canvas.viewport().update)  # a screen asks for frames continuously

    def run(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 20)

    try:
        begin = time.perf_counter()
        player.seek(START)
        first_seek_s = time.perf_counter() - begin
        run(2.0)
        repaint.start(30)
        paints.clear()
        run(min(5.0, args.seconds))  # baseline: the map alone, paused
        paused = list(paints)
        paints.clear()
        console.stall_meter.reset()
        player.set_speed(args.speed)
        from_time = player.position
        player.play()
        run(args.seconds)
        player.pause()
        playing = list(paints)
        stall = console.stall_meter.longest_ms
        to_time = player.position
    finally:
        repaint.stop()
        MapCanvas.paintEvent, ReplayPlayer._tick = original_paint, original_tick
        console.shutdown()
        replay.close()

    from console.core.timefmt import beijing_text, parse_time
    covered_h = (parse_time(to_time) - parse_time(from_time)).total_seconds() / 3600
    figures = {
        "recording": str(path), "speed": args.speed, "seconds": args.seconds, "first_seek_s": round(first_seek_s, 2),
        "scenario_hours_covered": round(covered_h, 2),
        "paint_median_ms": round(statistics.median(playing), 1) if playing else None,
        "paint_p95_ms": round(percentile(playing, 0.95), 1), "paint_max_ms": round(max(playing, default=0.0), 1),
        "paints": len(playing), "frames_per_s": round(len(playing) / args.seconds, 1),
        "tick_median_ms": round(statistics.median(ticks), 1) if ticks else None,
        "tick_p95_ms": round(percentile(ticks, 0.95), 1), "ticks": len(ticks),
        "longest_stall_ms": round(stall, 1),
        "baseline_paused_paint_median_ms": round(statistics.median(paused), 1) if paused else None,
        "frame_target_ms": FRAME_TARGET_MS, "stall_target_ms": STALL_TARGET_MS,
    }
    if playing and paused:
        figures["ratio_playing_to_paused_paint"] = round(statistics.median(playing) / statistics.median(paused), 2)
    figures["meets_target"] = bool(playing) and figures["paint_median_ms"] < FRAME_TARGET_MS and \
        stall < STALL_TARGET_MS
    print(f"played {beijing_text(from_time)} → {beijing_text(to_time)} ({covered_h:.1f} h of scenario time) "
          f"at ×{args.speed:g} for {args.seconds:g} s")
    print(f"map repaints while playing: median {figures['paint_median_ms']} ms, p95 {figures['paint_p95_ms']} ms, "
          f"max {figures['paint_max_ms']} ms, {figures['frames_per_s']} a second; paused: median "
          f"{figures['baseline_paused_paint_median_ms']} ms")
    print(f"player ticks: median {figures['tick_median_ms']} ms, p95 {figures['tick_p95_ms']} ms; "
          f"longest GUI stall {figures['longest_stall_ms']} ms")
    print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
