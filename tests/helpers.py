"""Helpers shared by tests (importable as `helpers`: pytest puts tests/ on the path)."""
import time
from pathlib import Path

import pytest

from console.core import events as ev
from console.core.events import make_event

SCREENSHOTS = Path(__file__).resolve().parents[1] / "build" / "screenshots"


def register(layer_kind: str, object_id: str, lon: float, lat: float, /, time: str = "2021-07-20T00:00:00Z",
             **attrs):
    """An objects.registered event for one test object."""
    entry = {"id": object_id, "lon": lon, "lat": lat, "attrs": attrs}
    if layer_kind == "construction_sites":
        d = 0.001
        entry["footprint"] = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d],
                              [lon - d, lat - d]]
    return make_event(ev.OBJECTS_REGISTERED, {"kind": layer_kind, "objects": [entry]}, time)


def wait_until(predicate, timeout: float = 5.0, what: str = "condition") -> None:
    """Poll `predicate` until it holds; fail the test naming `what` after `timeout` seconds."""
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.005)
