"""Command line: `emergency-console` (or `python main.py`) opens the console; subcommands run headless.

    emergency-console [--db PATH] [--lang zh_CN|en] [--no-demo]       open the console
    emergency-console import KIND FILE [--crs CRS] [--db PATH]          load a GeoJSON or CSV file
    emergency-console rebuild [--db PATH]                               rebuild projections from the log
    emergency-console info [--db PATH]                                  what the database holds
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from layers import LAYER_BY_KIND

from .core.crs import SUPPORTED_CRS_NAMES
from .core.paths import default_db_path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="emergency-console", description="Emergency command console")
    parser.add_argument("--db", type=Path, help=f"the console database (default: {default_db_path()})")
    parser.add_argument("--lang", choices=("zh_CN", "en"), help="user-interface language (default: zh_CN)")
    parser.add_argument("--no-demo", action="store_true", help="do not load the bundled Shanghai demo data")
    parser.add_argument("--quit-after-first-paint", action="store_true",
                        help="print the time to the first painted map and quit (for benchmarks)")
    commands = parser.add_subparsers(dest="command")
    load = commands.add_parser("import", help="load objects from a GeoJSON or CSV file")
    load.add_argument("kind", choices=sorted(LAYER_BY_KIND), help="which layer the objects belong to")
    load.add_argument("file", type=Path)
    load.add_argument("--crs", default="WGS84",
                      help=f"coordinate system of the file: {', '.join(SUPPORTED_CRS_NAMES)} or EPSG:n")
    commands.add_parser("rebuild", help="rebuild the current-state tables from the event log")
    commands.add_parser("info", help="print what the database holds")
    return parser


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    args = build_parser().parse_args(argv)
    from .core.store import Store, StoreError  # after parsing, so --help stays fast

    try:
        store = Store(args.db or default_db_path())
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.command == "import":
        return _import(store, args)
    if args.command == "rebuild":
        store.rebuild_projections()
        print(f"rebuilt the projections from {store.event_count():,} events")
        return 0
    if args.command == "info":
        return _info(store)
    return _gui(store, args, started)


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
    return 0


def _gui(store, args, started: float) -> int:
    from .core.demo import ensure_demo
    from .core.session import Session
    from .qt.app import run_gui

    session = Session(store)
    if not args.no_demo:
        for report in ensure_demo(session):
            if report.rejected:
                print(report.summary(), file=sys.stderr)
    return run_gui(session, args.lang, args.quit_after_first_paint, started)
