"""The after-action review window (console/qt/review.py) on the hand-built morning of tests/core/test_review.py:
what it shows, in Chinese, and what its HTML and PDF exports hold."""
from __future__ import annotations

import base64
import re
import shutil

import pytest
from core.test_review import morning  # noqa: F401  (the fixture: a history with known durations)

from console.core.review import build_review
from console.core.store import Store
from console.qt.i18n import install_language
from console.qt.review import EXERCISE_MARK, ReviewWindow, draw_map

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def chinese(qapp):
    install_language(qapp, "zh_CN")
    yield
    install_language(qapp, "en")


@pytest.fixture
def window(qtbot, morning, chinese):  # noqa: F811
    window = ReviewWindow(morning)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def cells_of_rows(page: str) -> list[list[str]]:
    """Each table row of the report as its cells' texts."""
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page)]


def test_the_report_shows_the_numbers_in_chinese(window):
    text = window.browser.toPlainText()
    assert "复盘" in window.windowTitle() and "复盘" in text  # 复盘: after-action review (shared/domain.md)
    # model labels come translated: agencies, actions, severities, task states, signal colours
    for label in ("水务", "消防救援", "绿化市容", "排水", "汶水路下立交", "长阳路积水点", "橙色", "已拒绝"):
        assert label in text, label
    assert "all pumps busy" in text and "water affairs desk" in text  # the decline, with its reason and who
    assert "2021-07-25 09:00" in text and "2021-07-25 12:30" in text  # the period, in Beijing time
    rows = {row[0]: row for row in cells_of_rows(window.html) if len(row) == 9}  # the agencies table
    # water affairs: 4 tasks, 3 done; dispatch → on scene median 25, 90th percentile 37; on scene → done 30 and 38
    # minutes; 1 overdue, 1 declined
    assert rows["水务"] == ["水务", "4", "3", *map(window.duration, (25, 37, 30, 38)), "1", "1"]
    assert rows["绿化市容"] == ["绿化市容", "1", "1", *map(window.duration, (40, 40, 90, 90)), "0", "0"]
    assert rows["消防救援"] == ["消防救援", "1", "0", "—", "—", "—", "—", "1", "0"]
    assert EXERCISE_MARK not in window.windowTitle()


def test_durations_read_as_minutes_then_hours(qtbot, morning):  # noqa: F811
    window = ReviewWindow(morning)  # English: the source text
    qtbot.addWidget(window)
    assert [window.duration(m) for m in (None, 7.5, 25, 37.4, 119, 125)] == [
        "—", "7.5 min", "25 min", "37 min", "119 min", "2 h 05 min"]


def test_export_html_is_one_self_contained_file(window, tmp_path):
    path = tmp_path / "review.html"
    window.export_html(path)
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page and "<style>" in page
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?!data:)[a-z]+:", page)  # nothing to fetch, from anywhere
    assert "http://" not in page and "https://" not in page
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == 2  # the timeline and the map
    assert all(base64.b64decode(image).startswith(PNG_SIGNATURE) for image in images)
    for text in ("汶水路下立交", "all pumps busy", window.duration(37), window.duration(75)):
        assert text in page, text


def test_export_pdf_writes_a_pdf(window, tmp_path):
    path = tmp_path / "review.pdf"
    window.export_pdf(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    assert len(data) > 50_000  # text, fonts and the two pictures, not an empty page


def test_the_map_draws_incidents_by_severity_sharp_enough_to_print(morning):  # noqa: F811
    image = draw_map(build_review(morning), width=300, height=200)
    assert image.devicePixelRatio() == 2 and (image.width(), image.height()) == (600, 400)
    colours = {image.pixelColor(x, y).name() for x in range(image.width()) for y in range(image.height())}
    assert "#c0392b" in colours  # the extreme tree incident
    assert "#f1c40f" in colours  # the moderate flood points


def test_an_exercise_says_so_everywhere(qtbot, morning, chinese, tmp_path):  # noqa: F811
    path = tmp_path / "exercise.db"
    morning.close()
    shutil.copy(morning.path, path)
    store = Store(path)
    store.set_meta("mode", "exercise")
    window = ReviewWindow(store)
    qtbot.addWidget(window)
    assert window.windowTitle().startswith(EXERCISE_MARK)
    assert window.browser.toPlainText().lstrip().startswith(EXERCISE_MARK)  # the top of the document
    assert "演习" in window.browser.toPlainText()
    assert window.suggested_name(".pdf") == "exercise-review-exercise.pdf"
    window.export_html(tmp_path / "out.html")
    assert EXERCISE_MARK in (tmp_path / "out.html").read_text(encoding="utf-8")
    store.close()


def test_a_real_event_is_not_marked(window):
    assert "演习" not in window.browser.toPlainText()
    assert window.suggested_name(".html") == "console-review.html"


def test_export_buttons_ask_for_a_file_with_a_non_native_dialog(window, tmp_path, monkeypatch):
    asked = {}

    def fake_dialog(parent, caption, start, file_filter, options):
        asked.update(start=start, options=options)
        return str(tmp_path / "chosen.html"), file_filter

    from PySide6 import QtWidgets
    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName", staticmethod(fake_dialog))
    window.export_html_action.trigger()
    assert asked["start"].endswith("console-review.html")
    assert asked["options"] & QtWidgets.QFileDialog.Option.DontUseNativeDialog
    assert (tmp_path / "chosen.html").exists()


def test_an_empty_database_gives_a_short_report(qtbot, tmp_path, chinese):
    store = Store(tmp_path / "empty.db")
    window = ReviewWindow(store)
    qtbot.addWidget(window)
    assert window.review.incidents == []
    window.export_pdf(tmp_path / "empty.pdf")
    assert (tmp_path / "empty.pdf").read_bytes().startswith(b"%PDF")
    store.close()
