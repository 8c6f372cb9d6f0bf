"""Feeds → Configure feeds: add, edit and remove feeds; saved to the feeds file and applied at once."""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from PySide6 import QtCore, QtWidgets

from console.core.feeds.config import (
    FEED_TYPES,
    OPTIONS,
    REQUIRED,
    FeedConfig,
    FeedConfigError,
    check_feed,
    save_feed_config,
)


def option_value(text: str) -> Any:
    """An option typed as TOML (1883, true, ["city/#"], {Authorization = "…"}); anything else is text."""
    try:
        return tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError:
        return text


def option_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(f'"{v}"' for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f'{k} = "{v}"' for k, v in value.items()) + "}"
    return str(value)


class FeedDialog(QtWidgets.QDialog):
    def __init__(self, configs: list[FeedConfig], path: Path, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Configure feeds"))
        self.path = path
        self.configs = list(configs)
        self.saved: list[FeedConfig] | None = None
        self.list = QtWidgets.QListWidget()
        self.list.currentRowChanged.connect(self._show)
        add, remove = QtWidgets.QPushButton(self.tr("Add")), QtWidgets.QPushButton(self.tr("Remove"))
        add.clicked.connect(self.add_feed)
        remove.clicked.connect(self._remove)
        self.name = QtWidgets.QLineEdit()
        self.type = QtWidgets.QComboBox()
        self.type.addItems(FEED_TYPES)
        self.type.currentTextChanged.connect(self._type_changed)
        self.enabled = QtWidgets.QCheckBox(self.tr("Enabled"))
        self.options = QtWidgets.QTableWidget(0, 2)
        self.options.setHorizontalHeaderLabels([self.tr("Option"), self.tr("Value")])
        self.options.horizontalHeader().setStretchLastSection(True)
        self.options.verticalHeader().setVisible(False)
        add_option = QtWidgets.QPushButton(self.tr("Add option"))
        add_option.clicked.connect(lambda: self._add_option_row("", ""))
        form = QtWidgets.QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Type"), self.type)
        form.addRow("", self.enabled)
        right = QtWidgets.QVBoxLayout()
        right.addLayout(form)
        right.addWidget(QtWidgets.QLabel(self.tr("Options (TOML values; see resources/config/feeds.example.toml)")))
        right.addWidget(self.options)
        right.addWidget(add_option, 0, QtCore.Qt.AlignmentFlag.AlignLeft)
        left = QtWidgets.QVBoxLayout()
        left.addWidget(self.list)
        buttons_row = QtWidgets.QHBoxLayout()
        buttons_row.addWidget(add)
        buttons_row.addWidget(remove)
        left.addLayout(buttons_row)
        body = QtWidgets.QHBoxLayout()
        body.addLayout(left, 1)
        body.addLayout(right, 2)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Save |
                                             QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        self.error = QtWidgets.QLabel()  # why the feeds cannot be saved, in place rather than in a pop-up
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c0392b;")
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(body)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(760, 420)
        self._current = -1
        for config in self.configs:
            self.list.addItem(config.name)
        if self.configs:
            self.list.setCurrentRow(0)
        self._set_editable(bool(self.configs))

    # --- editing -------------------------------------------------------------------------------
    def add_feed(self) -> None:
        self._store_current()
        self.configs.append(FeedConfig(name=self.tr("new feed"), type="mqtt", options={"host": "localhost"}))
        self.list.addItem(self.configs[-1].name)
        self.list.setCurrentRow(len(self.configs) - 1)
        self._set_editable(True)

    def _remove(self) -> None:
        row = self.list.currentRow()
        if row < 0:
            return
        self._current = -1
        del self.configs[row]
        self.list.takeItem(row)
        self._set_editable(bool(self.configs))

    def _show(self, row: int) -> None:
        self._store_current()
        self._current = row
        if row < 0:
            return
        config = self.configs[row]
        self.name.setText(config.name)
        self.type.blockSignals(True)
        self.type.setCurrentText(config.type)
        self.type.blockSignals(False)
        self.enabled.setChecked(config.enabled)
        self.options.setRowCount(0)
        for key, value in config.options.items():
            self._add_option_row(key, option_text(value))

    def _store_current(self) -> None:
        """Copy the form back into the feed being edited."""
        if not 0 <= self._current < len(self.configs):
            return
        options = {}
        for row in range(self.options.rowCount()):
            key = (self.options.item(row, 0).text() if self.options.item(row, 0) else "").strip()
            value = self.options.item(row, 1).text() if self.options.item(row, 1) else ""
            if key:
                options[key] = option_value(value.strip())
        old = self.configs[self._current]
        self.configs[self._current] = FeedConfig(self.name.text().strip(), self.type.currentText(),
                                                 self.enabled.isChecked(), options, old.base_dir)
        self.list.item(self._current).setText(self.name.text().strip())

    def _type_changed(self, feed_type: str) -> None:
        for row in reversed(range(self.options.rowCount())):  # drop what the new type does not take
            key = self.options.item(row, 0).text() if self.options.item(row, 0) else ""
            if key and key not in OPTIONS[feed_type]:
                self.options.removeRow(row)
        present = {self.options.item(r, 0).text() for r in range(self.options.rowCount()) if self.options.item(r, 0)}
        for key in REQUIRED[feed_type]:
            if key not in present:
                self._add_option_row(key, "")
        self.options.setToolTip(", ".join(sorted(OPTIONS[feed_type])))

    def _add_option_row(self, key: str, value: str) -> None:
        row = self.options.rowCount()
        self.options.insertRow(row)
        self.options.setItem(row, 0, QtWidgets.QTableWidgetItem(key))
        self.options.setItem(row, 1, QtWidgets.QTableWidgetItem(value))

    def _set_editable(self, editable: bool) -> None:
        for widget in (self.name, self.type, self.enabled, self.options):
            widget.setEnabled(editable)

    # --- saving --------------------------------------------------------------------------------
    def validate(self) -> list[FeedConfig]:
        """The edited feeds, checked; raises FeedConfigError naming the first bad feed."""
        self._store_current()
        names = [c.name for c in self.configs]
        duplicate = next((n for n in names if names.count(n) > 1), None)
        if duplicate:
            raise FeedConfigError(f"two feeds are named {duplicate!r}")
        return [check_feed(config) for config in self.configs]

    def _save(self) -> None:
        try:
            configs = self.validate()
            save_feed_config(self.path, configs)
        except (FeedConfigError, OSError) as exc:
            self.error.setText(self.tr("Cannot save the feeds: %1").replace("%1", str(exc)))
            return
        self.saved = configs
        self.accept()
