"""Weather stations (wind, rain) and the Huangpu tide gauges, with their latest readings."""
from __future__ import annotations

from .base import STALE, FieldSpec, PointLayer, StyleClass
from .i18n import QT_TRANSLATE_NOOP

STATION_KINDS = ("weather", "tide")
# What a station's latest readings mean, most severe first (computed by the projections from config).
CONDITION_CLASSES = (
    StyleClass("above_warning", QT_TRANSLATE_NOOP("legend", "Tide above warning level"), "#8e44ad"),
    StyleClass("storm", QT_TRANSLATE_NOOP("legend", "Wind force 10 or gusts 12 and above"), "#c0392b"),
    StyleClass("gale", QT_TRANSLATE_NOOP("legend", "Wind force 8 or gusts 10 and above"), "#e67e22"),
    StyleClass("strong", QT_TRANSLATE_NOOP("legend", "Wind force 6 or gusts 8 and above"), "#f1c40f"),
    StyleClass("normal", QT_TRANSLATE_NOOP("legend", "Normal"), "#27ae60"),
    StyleClass("no_reading", QT_TRANSLATE_NOOP("legend", "No reading"), "#ffffff"),
    STALE,
)


class StationLayer(PointLayer):
    kind = "stations"
    title = QT_TRANSLATE_NOOP("layers", "Weather and tide stations")
    fields = (
        FieldSpec("name", str, QT_TRANSLATE_NOOP("fields", "Name"), required=True),
        FieldSpec("kind", str, QT_TRANSLATE_NOOP("fields", "Kind"), required=True, choices=STATION_KINDS),
        FieldSpec("district", str, QT_TRANSLATE_NOOP("fields", "District")),
        FieldSpec("expected_interval_s", float, QT_TRANSLATE_NOOP("fields", "Expected reading interval (s)"),
                  minimum=1),
        FieldSpec("warning_level_m", float, QT_TRANSLATE_NOOP("fields", "Warning level (m)"), minimum=-5,
                  maximum=15),
        FieldSpec("wind_mean_ms", float, QT_TRANSLATE_NOOP("fields", "Mean wind (m/s)"), minimum=0, maximum=90),
        FieldSpec("wind_gust_ms", float, QT_TRANSLATE_NOOP("fields", "Gust (m/s)"), minimum=0, maximum=90),
        FieldSpec("rain_1h_mm", float, QT_TRANSLATE_NOOP("fields", "Rain, last hour (mm)"), minimum=0,
                  maximum=300),
        FieldSpec("rain_acc_mm", float, QT_TRANSLATE_NOOP("fields", "Rain since the event began (mm)"),
                  minimum=0, maximum=2000),
        FieldSpec("level_m", float, QT_TRANSLATE_NOOP("fields", "Water level (m)"), minimum=-5, maximum=15),
        FieldSpec("condition", str, QT_TRANSLATE_NOOP("fields", "Condition"),
                  choices=tuple(c.value for c in CONDITION_CLASSES[:-1]), default="no_reading"),
        FieldSpec("last_reading", str, QT_TRANSLATE_NOOP("fields", "Last reading")),
    )
    live_fields = ("wind_mean_ms", "wind_gust_ms", "rain_1h_mm", "rain_acc_mm", "level_m", "condition",
                   "last_reading")
    style_field = "condition"
    style_classes = CONDITION_CLASSES
    value_labels = {
        "kind": {
            "weather": QT_TRANSLATE_NOOP("values", "Weather station"),
            "tide": QT_TRANSLATE_NOOP("values", "Tide gauge"),
        },
    }


def wind_force(speed_ms: float, force_lower_bounds_ms: tuple[float, ...]) -> int:
    """The Beaufort force of a wind speed, given the lower bound of forces 1, 2, … in m/s (GB/T 28591)."""
    return sum(speed_ms >= bound for bound in force_lower_bounds_ms)
