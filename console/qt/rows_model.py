"""A read-only table model over projection rows (dicts): columns are (header, text of a row) pairs.

Thousands of tasks refresh every second; a model reset with the rows kept as plain dicts costs a few
milliseconds, where a QTableWidget would build an item per cell."""
from __future__ import annotations

from typing import Any, Callable, Sequence

from PySide6 import QtCore, QtGui, QtWidgets

Row = dict[str, Any]
ID_ROLE = QtCore.Qt.ItemDataRole.UserRole
FIT_SAMPLE = 40  # rows whose text sizes the columns: the first (most urgent) ones, not all thousands
CELL_PADDING_PX = 16


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


def fit_columns(view: QtWidgets.QTableView) -> None:
    """Size each column to its header and to the widest text of its first FIT_SAMPLE rows, measured from the rows
    themselves: Qt's resizeColumnsToContents asks the model for every cell through Python and lays each one out,
    which took 50-170 ms of the GUI thread on a storm's task list."""
    cells, headers = view.fontMetrics(), view.horizontalHeader().fontMetrics()
    model: RowsModel = view.model()
    rows = model.rows[:FIT_SAMPLE]
    for column, (title, text) in enumerate(model.columns):
        widest = max((cells.horizontalAdvance(t) for t in {text(row) for row in rows}), default=0)
        view.horizontalHeader().resizeSection(column, max(widest, headers.horizontalAdvance(title)) + CELL_PADDING_PX)
