"""The layer tree: a checkbox per layer and basemap theme, and each layer's legend with counts."""
from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from console.core.feeds.base import pausing_feeds
from console.core.session import Session

from .i18n import translate
from .map_canvas import MapCanvas

ORDER = ("flood_points", "stations", "trees", "construction_sites", "cameras")
ROLE_TARGET = QtCore.Qt.ItemDataRole.UserRole
SQUARE_SYMBOLS = ("flood_points", "construction_sites")
COUNTS_MS = 250


def swatch(colour: str, square: bool = False) -> QtGui.QIcon:
    pixmap = QtGui.QPixmap(14, 14)
    pixmap.fill(QtCore.Qt.GlobalColor.transparent)
    painter = QtGui.QPainter(pixmap)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    painter.setPen(QtGui.QPen(QtGui.QColor(40, 40, 40), 1))
    painter.setBrush(QtGui.QColor(colour))
    (painter.drawRect if square else painter.drawEllipse)(2, 2, 10, 10)
    painter.end()
    return QtGui.QIcon(pixmap)


class LayerPanel(QtWidgets.QTreeWidget):
    def __init__(self, session: Session, canvas: MapCanvas, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.canvas = canvas
        basemap_item = canvas.basemap_item
        self.setHeaderHidden(True)
        self.setColumnCount(2)
        self.setIndentation(14)
        self.legend_items: dict[str, list[QtWidgets.QTreeWidgetItem]] = {}
        self._counts_timer = QtCore.QTimer(self, singleShot=True, interval=COUNTS_MS)
        self._counts_timer.timeout.connect(self.update_counts)
        self.layer_items: dict[str, QtWidgets.QTreeWidgetItem] = {}
        for kind in ORDER:
            layer = session.layers[kind]
            item = QtWidgets.QTreeWidgetItem(self, [translate("layers", layer.title)])
            item.setData(0, ROLE_TARGET, ("layer", kind))
            item.setCheckState(0, QtCore.Qt.CheckState.Checked if canvas.layer_visible(kind)
                               else QtCore.Qt.CheckState.Unchecked)
            font = item.font(0)
            font.setBold(True)
            item.setFont(0, font)
            self.layer_items[kind] = item
            self.legend_items[kind] = [
                QtWidgets.QTreeWidgetItem(item, [translate("legend", style.label)])
                for style in layer.style_classes]
            for child, style in zip(self.legend_items[kind], layer.style_classes):
                child.setIcon(0, swatch(style.color, square=kind in SQUARE_SYMBOLS))
                child.setFlags(QtCore.Qt.ItemFlag.ItemIsEnabled)
            item.setExpanded(kind != "cameras")
            layer.events.reset.connect(self.update_counts)
            layer.events.changed.connect(self._counts_later)
        base = QtWidgets.QTreeWidgetItem(self, [self.tr("Basemap")])
        base.setFont(0, self.layer_items["trees"].font(0))
        for theme in basemap_item.basemap.themes:
            child = QtWidgets.QTreeWidgetItem(base, [translate("layers", theme.title)])
            child.setData(0, ROLE_TARGET, ("basemap", theme.key))
            child.setCheckState(0, QtCore.Qt.CheckState.Checked)
        base.setExpanded(False)
        self.itemChanged.connect(self._on_item_changed)
        self.update_counts()
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)

    def _counts_later(self, *_: object) -> None:
        """Live changes come many times a second: the counts follow at most every COUNTS_MS."""
        if not self._counts_timer.isActive():
            self._counts_timer.start()

    @pausing_feeds
    def update_counts(self, *_: object) -> None:
        for kind, children in self.legend_items.items():
            layer = self.session.layers[kind]
            self.layer_items[kind].setText(1, f"{len(layer):,}")
            for child, count in zip(children, layer.class_counts()):
                child.setText(1, f"{count:,}")
                child.setTextAlignment(1, QtCore.Qt.AlignmentFlag.AlignRight)

    def set_layer_checked(self, kind: str, checked: bool) -> None:
        state = QtCore.Qt.CheckState.Checked if checked else QtCore.Qt.CheckState.Unchecked
        self.layer_items[kind].setCheckState(0, state)

    def _on_item_changed(self, item: QtWidgets.QTreeWidgetItem, column: int) -> None:
        target = item.data(0, ROLE_TARGET)
        if not target or column != 0:
            return
        visible = item.checkState(0) == QtCore.Qt.CheckState.Checked
        what, key = target
        if what == "layer":
            self.canvas.set_layer_visible(key, visible)
        else:
            self.canvas.basemap_item.set_theme_visible(key, visible)
