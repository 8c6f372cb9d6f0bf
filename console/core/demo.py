"""The bundled Shanghai demo: objects from offline_data/demo, registered as events on first use."""
from __future__ import annotations

import tomllib
from pathlib import Path

from .loaders import LoadReport, load_objects
from .paths import OFFLINE_DATA
from .session import Session

DEMO_DIR = OFFLINE_DATA / "demo"
# The demo objects exist before the In-Fa scenario starts (Beijing 2021-07-20 08:00).
DEMO_REGISTERED_AT = "2021-07-20T00:00:00Z"
BATCH = 20000


def load_dataset_manifest(folder: Path = DEMO_DIR) -> list[dict]:
    return tomllib.loads((folder / "manifest.toml").read_text(encoding="utf-8"))["dataset"]


def ensure_demo(session: Session, folder: Path = DEMO_DIR) -> list[LoadReport]:
    """Load the demo datasets into the session's store unless it already holds them."""
    if session.store.meta("demo_loaded"):
        return []
    reports = []
    for dataset in load_dataset_manifest(folder):
        events, report = load_objects(folder / dataset["file"], dataset["kind"], dataset.get("crs", "WGS84"),
                                      event_time=DEMO_REGISTERED_AT, config=session.store.config)
        for start in range(0, len(events), BATCH):
            session.ingest(events[start:start + BATCH])
        reports.append(report)
    session.store.set_meta("demo_loaded", "1")
    return reports
