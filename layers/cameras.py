"""Video cameras: position, owner, what each one watches and its stream address."""
from __future__ import annotations

from .base import FieldSpec, PointLayer, StyleClass
from .i18n import QT_TRANSLATE_NOOP

CAMERA_CLASSES = (
    StyleClass("online", QT_TRANSLATE_NOOP("legend", "Online"), "#34495e"),
    StyleClass("offline", QT_TRANSLATE_NOOP("legend", "Offline"), "#bdc3c7"),
)


class CameraLayer(PointLayer):
    kind = "cameras"
    title = QT_TRANSLATE_NOOP("layers", "Cameras")
    fields = (
        FieldSpec("name", str, QT_TRANSLATE_NOOP("fields", "Name"), required=True),
        FieldSpec("owner", str, QT_TRANSLATE_NOOP("fields", "Owner")),
        FieldSpec("watches", str, QT_TRANSLATE_NOOP("fields", "Watches")),
        FieldSpec("stream_url", str, QT_TRANSLATE_NOOP("fields", "Stream address"), required=True),
        FieldSpec("state", str, QT_TRANSLATE_NOOP("fields", "State"), choices=("online", "offline"),
                  default="online"),
    )
    live_fields = ("state",)
    style_field = "state"
    style_classes = CAMERA_CLASSES
    search_fields = ("name", "watches")
    value_labels = {
        "state": {
            "online": QT_TRANSLATE_NOOP("values", "Online"),
            "offline": QT_TRANSLATE_NOOP("values", "Offline"),
        },
    }
