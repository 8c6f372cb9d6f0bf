"""The attribute panel: what the selected object is, with translated labels and Beijing times."""
from __future__ import annotations

import numpy as np
from PySide6 import QtWidgets

from console.core.crs import mercator_to_lonlat
from console.core.session import Session
from console.core.timefmt import beijing_text

from .i18n import translate

TIME_FIELDS = {"last_reading"}


class IdentifyPanel(QtWidgets.QWidget):
    def __init__(self, session: Session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.heading = QtWidgets.QLabel()
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-weight: bold; font-size: 11pt; padding: 4px 2px;")
        self.table = QtWidgets.QTableWidget(0, 2)
        self.table.horizontalHeader().setVisible(False)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.NoSelection)
        self.table.setWordWrap(True)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.heading)
        layout.addWidget(self.table)
        session.selection_changed.connect(self.show_selection)
        for layer in session.layers.values():
            layer.events.changed.connect(self._on_layer_changed)
        self.show_selection(*session.selection)

    def _on_layer_changed(self, rows: np.ndarray) -> None:
        """Show the selected object again if it may be among the rows that changed (rows of whichever layer: at
        worst once too often). Feeds change hundreds of rows a second, and filling the table each time was a
        tenth of what updating the layers cost the GUI thread."""
        kind, object_id = self.session.selection
        layer = self.session.layers.get(kind)
        row = None if layer is None else layer.row_of(object_id)
        if row is not None and bool(np.any(rows == row)):
            self.show_selection(kind, object_id)

    def show_selection(self, kind: str, object_id: str) -> None:
        feature = self.session.selected_feature()
        if feature is None:
            self.heading.setText(self.tr("Click an object on the map to see its attributes."))
            self.table.setRowCount(0)
            return
        layer = self.session.layers[kind]
        self.heading.setText(f"{translate('layers', layer.title)} · {layer.display_name(layer.row_of(object_id))}")
        rows = [(self.tr("ID"), str(object_id))]
        for spec in layer.fields:
            rows.append((translate("fields", spec.label), self._display(layer, spec.name, feature[spec.name])))
        lon, lat = self._lonlat(layer, object_id)
        rows.append((self.tr("Longitude, latitude"), f"{lon:.6f}, {lat:.6f}"))
        self.table.setRowCount(len(rows))
        for index, (label, value) in enumerate(rows):
            self.table.setItem(index, 0, QtWidgets.QTableWidgetItem(label))
            self.table.setItem(index, 1, QtWidgets.QTableWidgetItem(value))
        self.table.resizeColumnToContents(0)
        self.table.resizeRowsToContents()

    def _lonlat(self, layer, object_id: str) -> tuple[float, float]:
        row = layer.row_of(object_id)
        lon, lat = mercator_to_lonlat(layer.x[row], layer.y[row])
        return float(lon), float(lat)

    @staticmethod
    def _display(layer, name: str, value) -> str:
        if value is None:
            return "—"
        if name in TIME_FIELDS:
            return beijing_text(value)
        labels = layer.value_labels.get(name)
        if labels and value in labels:
            return translate("values", labels[value])
        if name == layer.style_field:  # a class: say it in the legend's words
            style = next((s for s in layer.style_classes if s.value == value), None)
            if style is not None:
                return translate("legend", style.label)
        if isinstance(value, float):
            return f"{value:.2f}".rstrip("0").rstrip(".")
        return str(value)
