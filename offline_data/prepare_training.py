"""Build the bundled Typhoon In-Fa training recording (offline_data/training/).

Usage (from the repository root)::

    .venv/bin/python offline_data/prepare_training.py

Plays the bundled In-Fa scenario through a live console session (rules, incidents, tasks), one append per minute of
scenario time, into a fresh console database; compacts it; builds its snapshot cache for seeking; and writes both
xz-compressed with manifest.json (SHA-256 and size of each unpacked file). `main.py replay` with no file unpacks them
into the user's data folder (console/core/replay/training.py). Takes several minutes; run it again after a change to
the scenario, the rules or the store's schema, so that the shipped recording shows what the console now does.
"""
from __future__ import annotations

import json
import lzma
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from console.core.replay import DEFAULT_SNAPSHOT_EVERY, Recording, SnapshotCache  # noqa: E402
from console.core.replay.training import SHIPPED, build_recording, file_entry  # noqa: E402


def compress(path: Path, packed: Path) -> None:
    with open(path, "rb") as source, lzma.open(packed, "wb", preset=9) as out:
        shutil.copyfileobj(source, out, 1 << 20)


def main() -> int:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        recording_path = Path(tmp) / "infa.db"
        build_recording(recording_path)
        conn = sqlite3.connect(recording_path)
        conn.execute("VACUUM")  # compact: the live session's free pages compress badly
        conn.execute("PRAGMA journal_mode=DELETE")  # one file, no WAL beside it
        conn.close()
        print(f"recorded in {time.perf_counter() - started:.0f} s", flush=True)
        recording = Recording(recording_path)
        cache = SnapshotCache.open(recording, Path(tmp) / "cache", DEFAULT_SNAPSHOT_EVERY)
        events, span = recording.last_seq, [recording.first_time, recording.last_time]
        recording.close()
        SHIPPED.mkdir(exist_ok=True)
        manifest = {"title": "Typhoon In-Fa (烟花), 23-27 July 2021", "events": events, "span": span,
                    "console_commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                                     capture_output=True, text=True).stdout.strip()}
        for key, path, packed in (("recording", recording_path, SHIPPED / "infa.db.xz"),
                                  ("snapshots", cache.path, SHIPPED / "infa.snapshots.db.xz")):
            compress(path, packed)
            manifest[key] = file_entry(path, packed)
        manifest["snapshots"]["snapshot_every"] = DEFAULT_SNAPSHOT_EVERY
    (SHIPPED / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                           encoding="utf-8")
    print(f"{events} events; written to {SHIPPED} in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
