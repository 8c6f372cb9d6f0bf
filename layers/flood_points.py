"""Flood points (积水点): road ponding spots and underpasses (下立交) with water-depth sensors."""
from __future__ import annotations

from bisect import bisect_right

from .base import STALE, FieldSpec, PointLayer, StyleClass
from .i18n import QT_TRANSLATE_NOOP

KINDS = ("underpass", "road_spot")

# Depth classes; the bounds between them come from configuration (resources/config/thresholds.toml).
NO_READING = -1
DEPTH_CLASSES = (
    StyleClass(NO_READING, QT_TRANSLATE_NOOP("legend", "No reading"), "#ffffff"),
    StyleClass(0, QT_TRANSLATE_NOOP("legend", "Dry or minor (< 15 cm)"), "#2e86de"),
    StyleClass(1, QT_TRANSLATE_NOOP("legend", "Ponding 15–25 cm"), "#f6c343"),
    StyleClass(2, QT_TRANSLATE_NOOP("legend", "Underpass closure 25–40 cm"), "#f0932b"),
    StyleClass(3, QT_TRANSLATE_NOOP("legend", "Road closure ≥ 40 cm"), "#c0392b"),
    STALE,
)


class FloodPointLayer(PointLayer):
    kind = "flood_points"
    title = QT_TRANSLATE_NOOP("layers", "Flood points")
    fields = (
        FieldSpec("name", str, QT_TRANSLATE_NOOP("fields", "Name"), required=True),
        FieldSpec("kind", str, QT_TRANSLATE_NOOP("fields", "Kind"), required=True, choices=KINDS),
        FieldSpec("district", str, QT_TRANSLATE_NOOP("fields", "District")),
        FieldSpec("sensor_id", str, QT_TRANSLATE_NOOP("fields", "Sensor")),
        FieldSpec("expected_interval_s", float, QT_TRANSLATE_NOOP("fields", "Expected reading interval (s)"),
                  minimum=1),
        FieldSpec("depth_cm", float, QT_TRANSLATE_NOOP("fields", "Water depth (cm)"), minimum=0, maximum=500),
        FieldSpec("depth_class", int, QT_TRANSLATE_NOOP("fields", "Depth class"), minimum=-1, maximum=3),
        FieldSpec("last_reading", str, QT_TRANSLATE_NOOP("fields", "Last reading")),
    )
    live_fields = ("depth_cm", "depth_class", "last_reading")
    style_field = "depth_class"
    style_classes = DEPTH_CLASSES
    search_fields = ("name", "sensor_id")
    value_labels = {
        "kind": {
            "underpass": QT_TRANSLATE_NOOP("values", "Underpass"),
            "road_spot": QT_TRANSLATE_NOOP("values", "Road ponding spot"),
        },
    }


def depth_class(depth_cm: float | None, bounds_cm: tuple[float, ...]) -> int:
    """The class index of a water depth given the ascending class bounds (e.g. 15, 25, 40)."""
    if depth_cm is None or depth_cm != depth_cm:  # none, or NaN
        return NO_READING
    return bisect_right(bounds_cm, depth_cm)  # how many bounds it reached
