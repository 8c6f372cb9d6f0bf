"""Shared fixtures. Qt runs offscreen; nothing here needs a display or the network."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from console.core.events import make_event  # noqa: E402
from console.core import events as ev  # noqa: E402


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A console database holding the whole bundled demo, built once per test run."""
    from console.core.demo import ensure_demo
    from console.core.session import Session
    from console.core.store import Store

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    store = Store(path)
    reports = ensure_demo(Session(store))
    assert all(not r.rejected for r in reports), [r.summary() for r in reports if r.rejected]
    store.close()
    return path


@pytest.fixture
def demo_copy(demo_db, tmp_path) -> Path:
    """A private copy of the demo database that a test may change."""
    target = tmp_path / "console.db"
    shutil.copy(demo_db, target)
    return target


def register(layer_kind: str, object_id: str, lon: float, lat: float, /, time: str = "2021-07-20T00:00:00Z",
             **attrs):
    """An object.registered event for a test object."""
    payload = {"kind": layer_kind, "id": object_id, "lon": lon, "lat": lat, "attrs": attrs}
    if layer_kind == "construction_sites":
        d = 0.001
        payload["footprint"] = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d],
                                [lon - d, lat - d]]
    return make_event(ev.OBJECT_REGISTERED, payload, time)
