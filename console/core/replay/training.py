"""The Typhoon In-Fa training recording: shipped in offline_data/training/ so that a trainer on a fresh machine
replays it at once (`main.py replay` with no file).

What ships is the recording as the console wrote it, with its snapshot cache, both xz-compressed (about 440 and 220
MB become a few MB each), and manifest.json giving each file's SHA-256 and size once unpacked. On first use they
are unpacked into the user's data folder in a few seconds: the recording to training/infa.db, the cache into the
replay cache, re-keyed to the unpacked file (a cache's key names its recording's path and mtime: snapshots.py). A
missing or damaged archive is reported and the recording is built from the bundled scenario instead, which takes
minutes. `offline_data/prepare_training.py` makes the archives with `build_recording`.
"""
from __future__ import annotations

import hashlib
import json
import lzma
import os
from datetime import timedelta
from pathlib import Path
from typing import Callable

from ..paths import OFFLINE_DATA, user_data_dir
from .recording import Recording, RecordingError
from .snapshots import cache_path, install

SHIPPED = OFFLINE_DATA / "training"
TITLE = "Typhoon In-Fa (烟花), 23-27 July 2021: bundled training scenario"
CHUNK = 1 << 20


class TrainingDataError(RecordingError):
    """The shipped training recording cannot be used (missing, damaged, unreadable manifest)."""


def training_recording(report: Callable[[str], None] = print, shipped: Path = SHIPPED) -> Path:
    """The training recording in the user's data folder: unpacked from the shipped archive the first time (or when
    a newer one ships); built from the scenario when the archive cannot be used."""
    path = user_data_dir() / "training" / "infa.db"
    try:
        manifest = _manifest(shipped)
        if not _is_unpacked(path, manifest["recording"]):
            report("unpacking the Typhoon In-Fa training recording (once; a few seconds)…")
            unpack(shipped / manifest["recording"]["file"], path, manifest["recording"])
        recording = Recording(path)
        try:
            snapshots = manifest["snapshots"]
            if not cache_path(recording).exists():
                packed = cache_path(recording).with_name(f"{path.name}.{os.getpid()}.shipped")
                unpack(shipped / snapshots["file"], packed, snapshots)
                install(recording, packed, snapshots["snapshot_every"])
        finally:
            recording.close()
    except TrainingDataError as exc:
        report(f"error: {exc}; building the recording from the bundled scenario instead (once; a few minutes)…")
        build_recording(path)
    return path


def unpack(archive: Path, target: Path, expected: dict) -> None:
    """Decompress `archive` to `target`, checking the SHA-256 and size the manifest gives; `target` appears only
    when both match (written beside it, then renamed)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    digest, size = hashlib.sha256(), 0
    try:
        with lzma.open(archive) as source, open(tmp, "wb") as out:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
    except (OSError, lzma.LZMAError, EOFError) as exc:
        tmp.unlink(missing_ok=True)
        raise TrainingDataError(f"{archive}: cannot be unpacked ({exc})") from exc
    if digest.hexdigest() != expected["sha256"] or size != expected["size"]:
        tmp.unlink(missing_ok=True)
        raise TrainingDataError(f"{archive}: damaged (its content does not match the SHA-256 in manifest.json)")
    for side in ("-wal", "-shm"):  # of an earlier file at the target
        Path(f"{target}{side}").unlink(missing_ok=True)
    os.replace(tmp, target)
    _marker(target).write_text(expected["sha256"], encoding="ascii")


def build_recording(path: Path) -> None:
    """Record the scenario through a live session into `path` (replacing it), as a console receiving it would."""
    from ..store import Store

    building = path.with_name(f"{path.stem}.building.db")
    for stale in (building, Path(f"{building}-wal"), Path(f"{building}-shm"), _marker(path)):
        stale.unlink(missing_ok=True)
    store = Store(building)
    store.set_meta("recording", TITLE)
    record_scenario(store)
    store.close()  # the last connection: SQLite folds the WAL into the file
    os.replace(building, path)


def record_scenario(store, minutes: int = 1, start=None, end=None) -> int:
    """The In-Fa scenario (or its start..end window) through a live session (rules, dispatch) into `store`, as a
    console receiving it would have stored it: one append per `minutes` of scenario time, so a replay can stop at
    any minute."""
    from ..demo import ensure_demo
    from ..feeds.messages import MessageParser
    from ..scenario import InFaScenario
    from ..session import Session
    from ..timefmt import parse_time

    session = Session(store)
    ensure_demo(session)
    parser = MessageParser(session.known, store.config.area, "in-fa")
    stored, batch, batch_end = 0, [], None
    for message in InFaScenario.from_demo(known=session.known).messages(start, end):
        moment = parse_time(message["time"])
        if batch and moment >= batch_end:
            stored += len(session.ingest(batch))
            batch = []
        if not batch:
            batch_end = moment + timedelta(minutes=minutes)
        batch.append(parser.parse(json.dumps(message, ensure_ascii=False)))
    stored += len(session.ingest(batch))
    return stored


def file_entry(path: Path, packed: Path) -> dict:
    """The manifest's entry for `path` shipped as `packed`."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return {"file": packed.name, "sha256": digest.hexdigest(), "size": path.stat().st_size}


def _manifest(shipped: Path) -> dict:
    try:
        manifest = json.loads((shipped / "manifest.json").read_text(encoding="utf-8"))
        for key in ("recording", "snapshots"):
            entry = manifest[key]
            str(entry["file"]), str(entry["sha256"]), int(entry["size"])
        int(manifest["snapshots"]["snapshot_every"])
        return manifest
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise TrainingDataError(f"{shipped / 'manifest.json'}: missing or unreadable ({exc})") from exc


def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _is_unpacked(path: Path, expected: dict) -> bool:
    """The file unpacked from this very archive and not changed since (its size; its content is read-only to us)."""
    marker = _marker(path)
    return (path.is_file() and marker.is_file() and path.stat().st_size == expected["size"]
            and marker.read_text(encoding="ascii").strip() == expected["sha256"])
