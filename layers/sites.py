"""Construction sites (工地) with their footprints, lifting equipment, workers and evacuation status."""
from __future__ import annotations

from .base import FieldSpec, PolygonLayer, StyleClass
from .i18n import QT_TRANSLATE_NOOP

# The evacuation status only moves forward, unless a supervisor reverses it (its own event).
EVACUATION_ORDER = ("normal", "work_stopped", "evacuating", "evacuated")
SITE_KINDS = ("building", "municipal")

EVACUATION_CLASSES = (
    StyleClass("normal", QT_TRANSLATE_NOOP("legend", "Working normally"), "#a1887f"),
    StyleClass("work_stopped", QT_TRANSLATE_NOOP("legend", "Work stopped"), "#f1c40f"),
    StyleClass("evacuating", QT_TRANSLATE_NOOP("legend", "Evacuating"), "#e67e22"),
    StyleClass("evacuated", QT_TRANSLATE_NOOP("legend", "Evacuated"), "#8e44ad"),
)


class SiteLayer(PolygonLayer):
    kind = "construction_sites"
    title = QT_TRANSLATE_NOOP("layers", "Construction sites")
    fields = (
        FieldSpec("name", str, QT_TRANSLATE_NOOP("fields", "Name"), required=True),
        FieldSpec("kind", str, QT_TRANSLATE_NOOP("fields", "Kind"), choices=SITE_KINDS),
        FieldSpec("district", str, QT_TRANSLATE_NOOP("fields", "District")),
        FieldSpec("tower_cranes", int, QT_TRANSLATE_NOOP("fields", "Tower cranes"), minimum=0, maximum=100),
        FieldSpec("hoists", int, QT_TRANSLATE_NOOP("fields", "Hoists"), minimum=0, maximum=100),
        FieldSpec("gondolas", int, QT_TRANSLATE_NOOP("fields", "Gondolas"), minimum=0, maximum=500),
        FieldSpec("workers", int, QT_TRANSLATE_NOOP("fields", "Workers on site"), minimum=0, maximum=100000),
        FieldSpec("evacuation_status", str, QT_TRANSLATE_NOOP("fields", "Evacuation status"), required=True,
                  choices=EVACUATION_ORDER, default="normal"),
    )
    live_fields = ("evacuation_status",)
    style_field = "evacuation_status"
    style_classes = EVACUATION_CLASSES
    value_labels = {
        "kind": {
            "building": QT_TRANSLATE_NOOP("values", "Building"),
            "municipal": QT_TRANSLATE_NOOP("values", "Municipal works"),
        },
        "evacuation_status": {
            "normal": QT_TRANSLATE_NOOP("values", "Working normally"),
            "work_stopped": QT_TRANSLATE_NOOP("values", "Work stopped"),
            "evacuating": QT_TRANSLATE_NOOP("values", "Evacuating"),
            "evacuated": QT_TRANSLATE_NOOP("values", "Evacuated"),
        },
    }


def is_forward(current: str, new: str) -> bool:
    """True when `new` is the same as or later than `current` in the evacuation order."""
    return EVACUATION_ORDER.index(new) >= EVACUATION_ORDER.index(current)
