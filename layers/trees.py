"""Hazardous street trees (行道树), graded by trunk tomography (the tree "health code")."""
from __future__ import annotations

from .base import FieldSpec, PointLayer, StyleClass
from .i18n import QT_TRANSLATE_NOOP

GRADES = ("very_high", "high", "medium", "low")  # 极高 / 高 / 中 / 低
STATUSES = ("checked", "pruned", "braced", "removed")

GRADE_CLASSES = (
    StyleClass("very_high", QT_TRANSLATE_NOOP("legend", "Very high risk"), "#d62728"),
    StyleClass("high", QT_TRANSLATE_NOOP("legend", "High risk"), "#ff7f0e"),
    StyleClass("medium", QT_TRANSLATE_NOOP("legend", "Medium risk"), "#e6c619"),
    StyleClass("low", QT_TRANSLATE_NOOP("legend", "Low risk"), "#2ca02c"),
)


class TreeLayer(PointLayer):
    kind = "trees"
    title = QT_TRANSLATE_NOOP("layers", "Street trees")
    fields = (
        FieldSpec("species", str, QT_TRANSLATE_NOOP("fields", "Species"), required=True),
        FieldSpec("dbh_cm", float, QT_TRANSLATE_NOOP("fields", "Trunk diameter DBH (cm)"), minimum=1, maximum=400),
        FieldSpec("decay_pct", float, QT_TRANSLATE_NOOP("fields", "Cross-section decayed (%)"), minimum=0, maximum=100),
        # Residual wall ratio t/R from tomography; below about 0.3 is the classic warning line.
        FieldSpec("t_r", float, QT_TRANSLATE_NOOP("fields", "Residual wall ratio t/R"), minimum=0, maximum=1),
        FieldSpec("grade", str, QT_TRANSLATE_NOOP("fields", "Risk grade"), required=True, choices=GRADES),
        FieldSpec("status", str, QT_TRANSLATE_NOOP("fields", "Status"), required=True, choices=STATUSES),
        FieldSpec("last_inspection", str, QT_TRANSLATE_NOOP("fields", "Last inspection")),
        FieldSpec("district", str, QT_TRANSLATE_NOOP("fields", "District")),
        FieldSpec("street", str, QT_TRANSLATE_NOOP("fields", "Street")),
    )
    style_field = "grade"
    style_classes = GRADE_CLASSES
    search_fields = ("street", "species")
    label_fields = ("street", "species")
    value_labels = {
        "grade": {
            "very_high": QT_TRANSLATE_NOOP("values", "Very high"),
            "high": QT_TRANSLATE_NOOP("values", "High"),
            "medium": QT_TRANSLATE_NOOP("values", "Medium"),
            "low": QT_TRANSLATE_NOOP("values", "Low"),
        },
        "status": {
            "checked": QT_TRANSLATE_NOOP("values", "Checked"),
            "pruned": QT_TRANSLATE_NOOP("values", "Pruned"),
            "braced": QT_TRANSLATE_NOOP("values", "Braced"),
            "removed": QT_TRANSLATE_NOOP("values", "Removed"),
        },
    }
