"""Shared fixtures. Qt runs offscreen; nothing here needs a display or the network."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


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
