"""Command line: `emergency-console` (or `python main.py`) opens the console; subcommands run headless.

    emergency-console [--db PATH] [--lang zh_CN|en] [--no-demo] [--feeds FILE] [--speed N]   open the console
    emergency-console import KIND FILE [--crs CRS]       load a GeoJSON, CSV or GeoPackage file
    emergency-console simulate [--broker HOST[:PORT]] [--speed N] [--start T] [--end T]   play Typhoon In-Fa
    emergency-console rebuild                            rebuild projections from the log
    emergency-console info                               what the database holds
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from layers import LAYER_BY_KIND

from .core.crs import SUPPORTED_CRS_NAMES
from .core.paths import default_db_path
from .core.roles import DEFAULT_ROLE, ROLES

BROKER_TIMEOUT_S = 10.0
# The demo's typhoon: 20 hours of it in the first minute. Faster, its ~3,000 readings a second with rules and tasks
# outrun what the console stores on a 2-core machine (~3,800/s with the window open), and sensors go stale.
DEMO_SPEED = 1200.0
DEMO_SCENARIO = "台风“烟花”推演 (In-Fa)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="emergency-console", description="Emergency command console")
    parser.add_argument("--db", type=Path, help=f"the console database (default: {default_db_path()})")
    parser.add_argument("--lang", choices=("zh_CN", "en"), help="user-interface language (default: zh_CN)")
    parser.add_argument("--role", choices=sorted(ROLES), default=DEFAULT_ROLE,
                        help="whose view the console opens with (default: duty_officer); more from the Role menu")
    parser.add_argument("--no-demo", action="store_true",
                        help="do not load the bundled Shanghai demo data, nor play its typhoon scenario")
    parser.add_argument("--feeds", type=Path,
                        help="the feeds file (default: the user's feeds.toml; without one, the demo plays the "
                             "Typhoon In-Fa scenario)")
    parser.add_argument("--speed", type=float, default=DEMO_SPEED,
                        help=f"speed of the demo's typhoon scenario, 1 to 3600 times real time "
                             f"(default {DEMO_SPEED:g})")
    parser.add_argument("--quit-after-first-paint", action="store_true",
                        help="print the time to the first painted map and quit (for benchmarks)")
    commands = parser.add_subparsers(dest="command")
    load = commands.add_parser("import", help="load objects from a GeoJSON or CSV file")
    load.add_argument("kind", choices=sorted(LAYER_BY_KIND), help="which layer the objects belong to")
    load.add_argument("file", type=Path)
    load.add_argument("--crs", default="WGS84",
                      help=f"coordinate system of the file: {', '.join(SUPPORTED_CRS_NAMES)} or EPSG:n")
    simulate = commands.add_parser("simulate", help="play the Typhoon In-Fa scenario (July 2021): publish it to "
                                   "an MQTT broker, or without one, ingest it into the database")
    simulate.add_argument("--broker", help="HOST[:PORT] of an MQTT broker (port 1883 by default)")
    simulate.add_argument("--speed", type=float, default=600.0,
                          help="times real time, 1 to 3600, or 0 for as fast as possible (default 600)")
    simulate.add_argument("--start", help="scenario time to start at, ISO-8601 with offset "
                                          "(default 2021-07-23T06:00+08:00)")
    simulate.add_argument("--end", help="scenario time to stop at (default 2021-07-27T00:00+08:00)")
    replay = commands.add_parser("replay", help="replay a recorded console database (read-only), with a timeline; "
                                 "without a file, the Typhoon In-Fa training recording (built once)")
    replay.add_argument("file", type=Path, nargs="?", help="a console database (default: the In-Fa recording)")
    replay.add_argument("--speed", type=float, default=600.0, help="playback speed, 1 to 3600 (default 600)")
    drill = commands.add_parser("exercise", help="start an exercise in its own database: a scenario or a recording "
                                "played as if live, with a trainer's injects (docs/exercises.md)")
    drill.add_argument("--recording", type=Path, help="a recorded console database, or an NDJSON file of feed "
                                                      "messages (docs/feeds.md), to start from (default: the "
                                                      "built-in In-Fa scenario)")
    drill.add_argument("--injects", type=Path, help="a TOML or JSON file of timed injects "
                                                    "(e.g. resources/exercises/infa-drill.toml)")
    drill.add_argument("--name", help="a name for the exercise database")
    drill.add_argument("--start", help="scenario time to start at, ISO-8601 with an offset")
    drill.add_argument("--end", help="scenario time to stop at")
    drill.add_argument("--speed", type=float, default=600.0, help="1 to 3600 times real time (default 600)")
    drill.add_argument("--resume", type=Path, help="carry on with an exercise database made before")
    review = commands.add_parser("review", help="the after-action review of a console database (read-only): "
                                 "shown in a window, or exported with --html / --pdf")
    review.add_argument("file", type=Path, nargs="?", help="a console database (default: --db, or yours)")
    review.add_argument("--html", type=Path, help="write the review as one self-contained HTML file")
    review.add_argument("--pdf", type=Path, help="write the review as PDF")
    commands.add_parser("rebuild", help="rebuild the current-state tables from the event log")
    commands.add_parser("info", help="print what the database holds")
    return parser


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    args = build_parser().parse_args(argv)
    if args.command == "simulate" and args.broker:
        return _publish_scenario(args)  # needs no database
    from .core.store import Store, StoreError  # after parsing, so --help stays fast

    if args.command == "review":
        return _review(args)
    if args.command == "replay":
        return _replay(args)
    if args.command == "exercise":
        return _exercise(args, started)
    try:
        store = Store(args.db or default_db_path())
    except (StoreError, OSError) as exc:  # OSError: the data folder cannot be made
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        return _with_store(store, args, started)
    finally:
        store.close()  # writes what the projections hold behind (store.WRITE_BEHIND_S) for other readers


def _with_store(store, args, started: float) -> int:
    if args.command == "import":
        return _import(store, args)
    if args.command == "simulate":
        return _simulate_into(store, args)
    if args.command == "rebuild":
        store.rebuild_projections()
        print(f"rebuilt the projections from {store.event_count():,} events")
        return 0
    if args.command == "info":
        return _info(store)
    return _gui(store, args, started)


def _replay(args) -> int:
    from .core.replay import RecordingError, Replay
    from .core.replay.training import training_recording

    try:
        path = args.file or training_recording(report=lambda text: print(text, flush=True))
        print(f"opening {path} for replay (the first time, snapshots are built for fast seeking)…", flush=True)
        replay = Replay(path)
    except (RecordingError, OSError) as exc:  # OSError: the data folder is full or not writable
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from PySide6 import QtCore

    from .qt.app import ConsoleApp, qt_application
    from .qt.timeline import ReplayPlayer

    app = qt_application()
    settings = QtCore.QSettings()
    language = args.lang or str(settings.value("language", "zh_CN"))
    player = ReplayPlayer(replay)
    player.set_speed(args.speed)
    console = ConsoleApp(app, replay.session, settings, language, role=args.role, player=player)
    player.seek(player.start)
    app.aboutToQuit.connect(console.shutdown)
    console.window.show()
    code = app.exec()
    replay.close()
    return code


def _exercise(args, started: float) -> int:
    """An exercise runs in a database of its own, marked as such: never the live one."""
    from .core.config import load_config
    from .core.exercise import (
        Catalogue,
        ExerciseError,
        InjectError,
        exercise_feed_config,
        is_message_file,
        load_exercise_objects,
        load_injects,
        new_exercise_database,
        open_exercise_store,
    )
    from .core.session import Session
    from .qt.app import run_gui

    try:
        if args.resume:
            path = args.resume
        else:
            start, end = _scenario_window(args)
            if args.injects:  # checked before anything is made: a bad file leaves no empty exercise behind
                on_demo = args.recording is None or is_message_file(args.recording)
                catalogue = Catalogue.from_demo() if on_demo else Catalogue.from_database(args.recording)
                load_injects(args.injects, catalogue, load_config().area)
            path = new_exercise_database(name=args.name, scenario=None if args.recording else "in-fa",
                                         recording=args.recording, injects=args.injects, start=start, end=end)
        store = open_exercise_store(path)
        session = Session(store)
        load_exercise_objects(session)
        configs = [exercise_feed_config(store, speed=args.speed)]
    except (ExerciseError, InjectError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"exercise database: {path}", flush=True)
    try:
        return run_gui(session, args.lang, configs, args.quit_after_first_paint, started, args.role)
    finally:
        store.close()  # writes what the projections hold behind


def _review(args) -> int:
    from .core.store import Store, StoreError

    path = args.file or args.db or default_db_path()
    try:
        store = Store(path, read_only=True)
    except (StoreError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from PySide6 import QtCore

    from .qt.app import qt_application
    from .qt.i18n import install_language
    from .qt.review import ReviewWindow

    app = qt_application()
    install_language(app, args.lang or str(QtCore.QSettings().value("language", "zh_CN")))
    window = ReviewWindow(store)
    for target, export in ((args.html, window.export_html), (args.pdf, window.export_pdf)):
        if target:
            export(target)
            print(f"wrote {target}")
    if args.html or args.pdf:
        return 0
    window.show()
    return app.exec()


def _import(store, args) -> int:
    from .core.loaders import LoadError, load_objects
    from .core.session import Session

    try:
        events, report = load_objects(args.file, args.kind, args.crs, config=store.config)
    except (LoadError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    new = Session(store).ingest(events)
    print(report.summary())
    print(f"{len(new)} new events stored in {store.path}")
    return 0 if events or not report.rejected else 1


def _info(store) -> int:
    print(f"{store.path}: schema {store.schema_version}, {store.event_count():,} events")
    for kind in LAYER_BY_KIND:
        print(f"  {kind}: {len(store.rows(kind)):,}")
    conn = store.conn
    for table, state in (("alerts", "state = 'active'"), ("incidents", "state = 'open'"),
                         ("tasks", "state NOT IN ('done', 'declined', 'cancelled')")):
        total, live = conn.execute(f"SELECT count(*), count(*) FILTER (WHERE {state}) FROM {table}").fetchone()
        print(f"  {table}: {total:,} ({live:,} {'active' if table == 'alerts' else 'open'})")
    return 0


def _scenario_window(args):
    from .core.timefmt import parse_time

    return (parse_time(args.start) if args.start else None, parse_time(args.end) if args.end else None)


def _publish_scenario(args) -> int:
    from .core.feeds.mqtt import MqttPublisher, MqttSettings
    from .core.scenario.infa import InFaScenario
    from .core.scenario.player import publish_scenario

    host, _, port = args.broker.partition(":")
    try:
        start, end = _scenario_window(args)
        settings = MqttSettings(host=host, port=int(port or 1883))
        scenario = InFaScenario.from_demo()
        print(f"publishing Typhoon In-Fa to {host}:{settings.port} at ×{args.speed:g}; Ctrl+C stops")
        with MqttPublisher(settings) as publisher:
            if not publisher.wait_connected(BROKER_TIMEOUT_S):
                raise OSError(f"cannot reach the MQTT broker at {host}:{settings.port}")
            sent = publish_scenario(scenario.messages(start, end), publisher.publish_nowait, args.speed,
                                    on_progress=lambda n, t: print(f"  {n:,} messages, scenario time {t}"))
            if not publisher.flush(BROKER_TIMEOUT_S):
                raise OSError(f"the broker did not acknowledge {publisher.pending:,} of {sent:,} messages")
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    print(f"published {sent:,} messages, all acknowledged")
    return 0


def _simulate_into(store, args) -> int:
    """Play the scenario through the console's own feed path into the database, without a window."""
    from .core.demo import ensure_demo
    from .core.feeds.config import FeedConfig
    from .core.feeds.manager import FeedManager
    from .core.session import Session

    session = Session(store)
    ensure_demo(session)
    feeds = FeedManager(session)
    start, end = _scenario_window(args)
    options = {"scenario": "in-fa", "speed": args.speed, **({"start": start} if start else {}),
               **({"end": end} if end else {})}
    errors = feeds.configure([FeedConfig(DEMO_SCENARIO, "scenario", options=options)])
    if errors:
        print("error: " + "; ".join(errors), file=sys.stderr)
        return 2
    stored = 0
    try:
        while not all(s.state == "finished" for s in feeds.health()) or not feeds.queue.empty():
            stored += len(feeds.pump())
            time.sleep(0.05)
    except KeyboardInterrupt:
        feeds.stop_all()
    health = feeds.health()[0]
    print(f"{stored:,} events stored in {store.path}; {health.rejected:,} messages rejected")
    return 0


def _feed_configs(args, demo: bool):
    """The feeds to start: the feeds file if there is one; else, with the demo, its typhoon scenario."""
    from .core.feeds.config import FeedConfig, default_feed_config_path, load_feed_config

    path = args.feeds or default_feed_config_path()
    if args.feeds or path.exists():
        return load_feed_config(path)
    return [FeedConfig(DEMO_SCENARIO, "scenario", options={"scenario": "in-fa", "speed": args.speed})] if demo else []


def _gui(store, args, started: float) -> int:
    from .core.demo import ensure_demo
    from .core.session import Session
    from .qt.app import run_gui

    session = Session(store)
    if not args.no_demo:
        for report in ensure_demo(session):
            if report.rejected:
                print(report.summary(), file=sys.stderr)
    try:
        configs = _feed_configs(args, demo=not args.no_demo)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return run_gui(session, args.lang, configs, args.quit_after_first_paint, started, args.role)
