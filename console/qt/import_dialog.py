"""File → Import data: choose a layer, a file and its coordinate system; bad records are listed, not fatal."""
from __future__ import annotations

from pathlib import Path

from PySide6 import QtWidgets

from console.core.loaders import LoadError, LoadReport, load_objects
from console.core.session import Session

from .i18n import translate
from .layer_panel import ORDER

CRS_CHOICES = ("WGS84", "CGCS2000", "GCJ-02", "BD-09", "EPSG:4549")


class ImportDialog(QtWidgets.QDialog):
    def __init__(self, session: Session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(self.tr("Import data"))
        self.kind_box = QtWidgets.QComboBox()
        for kind in ORDER:
            self.kind_box.addItem(translate("layers", session.layers[kind].title), kind)
        self.path_edit = QtWidgets.QLineEdit()
        self.path_edit.setPlaceholderText(self.tr("GeoJSON, CSV or GeoPackage file"))
        browse = QtWidgets.QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        path_row = QtWidgets.QHBoxLayout()
        path_row.addWidget(self.path_edit)
        path_row.addWidget(browse)
        self.crs_box = QtWidgets.QComboBox()
        self.crs_box.setEditable(True)
        self.crs_box.addItems(CRS_CHOICES)
        self.crs_box.setToolTip(self.tr("The coordinate system the file is in; GCJ-02 for Amap or Tencent data, "
                                        "BD-09 for Baidu; any EPSG:n"))
        form = QtWidgets.QFormLayout()
        form.addRow(self.tr("Layer"), self.kind_box)
        form.addRow(self.tr("File"), path_row)
        form.addRow(self.tr("Coordinate system"), self.crs_box)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Ok |
                                             QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._import)
        buttons.rejected.connect(self.reject)
        self.error = QtWidgets.QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c0392b;")
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())

    def _browse(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self, self.tr("Import data"), "", self.tr("Data files (*.geojson *.json *.csv *.gpkg)"))
        if path:
            self.path_edit.setText(path)

    def import_file(self, path: str, kind: str, crs: str) -> LoadReport:
        """Load the file into the session; raises LoadError or ValueError when it cannot be read at all."""
        events, report = load_objects(Path(path), kind, crs, config=self.session.store.config)
        self.session.ingest(events)
        return report

    def _import(self) -> None:
        kind, crs, path = self.kind_box.currentData(), self.crs_box.currentText(), self.path_edit.text().strip()
        try:
            report = self.import_file(path, kind, crs)
        except (LoadError, ValueError) as exc:
            self.error.setText(self.tr("Cannot import: %1").replace("%1", str(exc)))
            return  # keep the dialog open so the user can fix the choice
        self.accept()
        box = QtWidgets.QMessageBox(self.parentWidget())
        box.setWindowTitle(self.tr("Import finished"))
        box.setText(self.tr("%1: %2 objects loaded, %3 rejected.").replace("%1", report.file)
                    .replace("%2", str(report.accepted)).replace("%3", str(len(report.rejected))))
        if report.rejected:
            box.setIcon(QtWidgets.QMessageBox.Icon.Warning)
            box.setDetailedText("\n".join(str(r) for r in report.rejected))
        box.open()
