"""Helpers shared by tests (importable as `helpers`: pytest puts tests/ on the path)."""
import socket
import time
from pathlib import Path

import pytest

from console.core import events as ev
from console.core.events import make_event
from console.core.timefmt import parse_time

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


def wait_until(predicate, timeout: float = 5.0, what: str = "condition", interval: float = 0.005) -> None:
    """Poll `predicate` until it holds; fail the test naming `what` after `timeout` seconds."""
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def free_port() -> int:
    """A loopback port nobody listens on (for a server to start on, or for a connection to be refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def live_batches(events, size: int, span_s: float):
    """Events as a live console's ingest pump hands them over: consecutive runs of at most `size` events within
    `span_s` seconds of event time of the run's first."""
    batch, first = [], 0.0
    for event in events:
        moment = parse_time(event.event_time).timestamp()
        if batch and (len(batch) >= size or moment - first >= span_s):
            yield batch
            batch = []
        if not batch:
            first = moment
        batch.append(event)
    if batch:
        yield batch
