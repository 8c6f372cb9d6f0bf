"""Helpers shared by tests (importable as `helpers`: pytest puts tests/ on the path)."""
from pathlib import Path

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
