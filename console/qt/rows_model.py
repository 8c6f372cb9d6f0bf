"""A read-only table model over projection rows (dicts): columns are (header, text of a row) pairs.

Thousands of tasks refresh every second; a model reset with the rows kept as plain dicts costs a few
milliseconds, where a QTableWidget would build an item per cell."""
from __future__ import annotations

from typing import Any, Callable, Sequence

from PySide6 import QtCore, QtGui

Row = dict[str, Any]
ID_ROLE = QtCore.Qt.ItemDataRole.UserRole


class RowsModel(QtCore.QAbstractTableModel):
    def __init__(self, columns: Sequence[tuple[str, Callable[[Row], str]]],
                 colour: Callable[[Row], str | None] = lambda row: None, parent=None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.colour = colour
        self.rows: list[Row] = []

    def set_rows(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def row_index(self, row_id: str) -> int | None:
        return next((i for i, row in enumerate(self.rows) if row["id"] == row_id), None)

    def rowCount(self, parent=None) -> int:  # noqa: N802 - Qt's name
        return 0 if parent is not None and parent.isValid() else len(self.rows)

    def columnCount(self, parent=None) -> int:  # noqa: N802
        return 0 if parent is not None and parent.isValid() else len(self.columns)

    def data(self, index: QtCore.QModelIndex, role: int = QtCore.Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == QtCore.Qt.ItemDataRole.DisplayRole:
            return self.columns[index.column()][1](row)
        if role == QtCore.Qt.ItemDataRole.ForegroundRole:
            colour = self.colour(row)
            return QtGui.QBrush(QtGui.QColor(colour)) if colour else None
        if role == ID_ROLE:
            return row["id"]
        return None

    def headerData(self, section: int, orientation, role: int = QtCore.Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == QtCore.Qt.Orientation.Horizontal and role == QtCore.Qt.ItemDataRole.DisplayRole:
            return self.columns[section][0]
        return None
