"""The main window on the demo: layers, picking, search, districts, language, settings, screenshot."""
import sys

import numpy as np
from PySide6 import QtCore, QtWidgets

from console.core import events as ev
from console.core.events import make_event
from helpers import SCREENSHOTS


def canvas_point(canvas, x, y):
    """Widget coordinates of a map point."""
    scene = canvas.view.mapViewToScene(QtCore.QPointF(x, y))
    return canvas.mapFromScene(scene)


def test_window_opens_on_the_demo_in_chinese(console):
    window = console.window
    assert window.windowTitle() == "应急指挥控制台 — 上海"
    layers = window.session.layers
    assert len(layers["trees"]) == 50_000 and len(layers["cameras"]) == 30_000
    assert 650 <= len(layers["flood_points"]) <= 750 and 4_400 <= len(layers["construction_sites"]) <= 4_800
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus == ["文件(&F)", "数据源(&E)", "视图(&V)", "角色(&R)", "语言(&L)", "帮助(&H)"]
    assert window.layer_panel.layer_items["trees"].text(0) == "行道树"
    assert window.layer_panel.layer_items["trees"].text(1) == "50,000"


def test_screenshot_of_the_main_window(console, qtbot):
    window = console.window
    qtbot.wait(50)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    image = window.grab().toImage()
    assert image.save(str(SCREENSHOTS / "main_window.png"))
    # the map shows land and coloured objects, not a blank canvas
    canvas = window.canvas.grab().toImage()
    colours = {canvas.pixel(x, y) for x in range(0, canvas.width(), 7) for y in range(0, canvas.height(), 7)}
    assert len(colours) > 20


def test_a_layer_toggles_from_the_layer_tree(console, qtbot):
    window = console.window
    item = window.layer_panel.layer_items["trees"]
    point_item = window.canvas.point_items["trees"]
    assert point_item.isVisible()
    item.setCheckState(0, QtCore.Qt.CheckState.Unchecked)
    assert not window.canvas.layer_visible("trees") and not point_item.isVisible()
    item.setCheckState(0, QtCore.Qt.CheckState.Checked)
    assert window.canvas.layer_visible("trees") and point_item.isVisible()


def test_a_click_identifies_the_object_under_the_cursor(console, qtbot):
    window = console.window
    canvas = window.canvas
    layer = window.session.layers["flood_points"]
    row = int(np.flatnonzero(layer.attrs["kind"] == "underpass")[0])
    x, y = float(layer.x[row]), float(layer.y[row])
    canvas.centre_on(x, y, half_width=150)
    qtbot.wait(20)
    target = canvas_point(canvas, x + 3 * canvas.metres_per_pixel(), y)  # a few pixels off the centre
    qtbot.mouseClick(canvas.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=target)
    assert window.session.selection == ("flood_points", layer.ids[row])
    panel = window.identify_panel
    assert layer.attrs["name"][row] in panel.heading.text()
    values = {panel.table.item(i, 0).text(): panel.table.item(i, 1).text() for i in range(panel.table.rowCount())}
    assert values["类型"] == "下立交"
    assert values["积水等级"] == "无读数"  # the class in the legend's words, not its number
    assert values["编号"] == layer.ids[row]
    # a click on empty water clears the selection
    xmin, ymin, _, _ = canvas.view_box()
    canvas.set_view_box(13_700_000, 3_700_000, 13_710_000, 3_710_000)  # open sea east of the city
    qtbot.mouseClick(canvas.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=QtCore.QPoint(50, 50))
    assert window.session.selection == ("", "")


def test_the_attributes_follow_the_selected_object_and_only_it(console, monkeypatch):
    session, panel = console.window.session, console.window.identify_panel
    layer = session.layers["flood_points"]
    selected, other = (str(i) for i in layer.ids[:2])
    session.select("flood_points", selected)
    shown = []
    monkeypatch.setattr(panel, "show_selection", lambda *args: shown.append(args))
    session.ingest([make_event(ev.FLOOD_READING, {"id": other, "depth_cm": 33.0})])
    assert shown == []  # a reading of another flood point leaves the table as it is
    monkeypatch.undo()
    session.ingest([make_event(ev.FLOOD_READING, {"id": selected, "depth_cm": 44.0})])
    values = {panel.table.item(i, 0).text(): panel.table.item(i, 1).text() for i in range(panel.table.rowCount())}
    assert values["积水深度 (厘米)"] == "44"


def test_a_click_inside_a_site_footprint_identifies_the_site(console, qtbot):
    window = console.window
    for kind in ("trees", "cameras", "flood_points"):
        window.layer_panel.layer_items[kind].setCheckState(0, QtCore.Qt.CheckState.Unchecked)
    sites = window.session.layers["construction_sites"]
    ring = sites.footprints[10]
    window.canvas.set_view_box(*ring.min(axis=0), *ring.max(axis=0), padding=0.5)
    qtbot.wait(20)
    inside = ring[:-1].mean(axis=0)
    qtbot.mouseClick(window.canvas.viewport(), QtCore.Qt.MouseButton.LeftButton,
                     pos=canvas_point(window.canvas, *inside))
    assert window.session.selection == ("construction_sites", sites.ids[10])


def test_search_by_id_selects_and_centres(console):
    window = console.window
    trees = window.session.layers["trees"]
    assert window.search("TR-000123") == 1
    row = trees.row_of("TR-000123")
    assert window.session.selection == ("trees", "TR-000123")
    xmin, ymin, xmax, ymax = window.canvas.view_box()
    assert xmin < trees.x[row] < xmax and ymin < trees.y[row] < ymax
    assert xmax - xmin < 5_000  # street scale
    assert window.search("no such thing anywhere") == 0


def test_zoom_to_district(console):
    window = console.window
    box = window.district_box
    box.setCurrentIndex(box.findData("黄浦区"))
    box.activated.emit(box.currentIndex())
    bounds = window.canvas.basemap.bounds_of("districts", "黄浦区")
    xmin, ymin, xmax, ymax = window.canvas.view_box()
    assert xmin <= bounds[0] and xmax >= bounds[2] and ymin <= bounds[1] and ymax >= bounds[3]
    assert (xmax - xmin) < 3 * (bounds[2] - bounds[0]) + 3 * (bounds[3] - bounds[1])


def test_status_bar_shows_cursor_position_and_scale(console, qtbot):
    window = console.window
    canvas = window.canvas
    canvas.centre_on(13_522_000, 3_662_000, half_width=1000)
    qtbot.mouseMove(canvas.viewport(), canvas_point(canvas, 13_522_000, 3_662_000))
    qtbot.wait(20)
    assert "121.4" in window.cursor_label.text() and "31.2" in window.cursor_label.text()
    assert window.scale_label.text().startswith("比例尺 1:")


def test_language_switches_to_english_and_back(console, qtbot):
    old_view = console.window.canvas.view_box()
    language_menu = next(a.menu() for a in console.window.menuBar().actions() if a.text() == "语言(&L)")
    english = next(a for a in language_menu.actions() if a.data() == "en")
    english.trigger()
    window = console.window
    qtbot.waitExposed(window)
    qtbot.wait(20)
    assert window.windowTitle() == "Emergency Command Console — Shanghai"
    assert window.layer_panel.layer_items["trees"].text(0) == "Street trees"
    xmin, ymin, xmax, ymax = window.canvas.view_box()
    pixel = window.canvas.metres_per_pixel()
    assert abs((xmin + xmax) - (old_view[0] + old_view[2])) / 2 < pixel  # same place
    assert abs((ymin + ymax) - (old_view[1] + old_view[3])) / 2 < pixel
    assert abs((xmax - xmin) - (old_view[2] - old_view[0])) < 2 * pixel  # same scale
    console.switch_language("zh_CN")
    assert console.window.windowTitle() == "应急指挥控制台 — 上海"


def test_window_layout_view_and_layers_are_remembered(console, qtbot):
    from console.qt.main_window import MainWindow

    window = console.window
    window.resize(760, 700)  # within the offscreen screen (800 x 800), which restoreGeometry clamps to
    qtbot.wait(20)
    window.canvas.set_view_box(13_520_000, 3_660_000, 13_530_000, 3_670_000, padding=0)
    window.layer_panel.layer_items["cameras"].setCheckState(0, QtCore.Qt.CheckState.Unchecked)
    window.close()
    again = MainWindow(window.session, console.basemap, QtCore.QSettings())
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    qtbot.wait(20)
    assert again.size() == window.size()
    assert not again.canvas.layer_visible("cameras")
    xmin, ymin, xmax, ymax = again.canvas.view_box()
    again.close()  # before the fixture closes the store its timers read
    assert abs((xmin + xmax) / 2 - 13_525_000) < 50 and abs((ymin + ymax) / 2 - 3_665_000) < 50


def test_qt_calls_do_not_leak_references_to_none(qapp):
    """PySide6 6.12.0 on Python 3.11 drops a reference to None per void call and aborts (tech-notes)."""
    before = sys.getrefcount(None)
    for _ in range(10_000):
        QtWidgets.QApplication.processEvents()
    assert sys.getrefcount(None) >= before - 100


def test_import_dialog_loads_good_records_and_lists_bad_ones(console, qtbot, tmp_path):
    from console.qt.import_dialog import ImportDialog

    path = tmp_path / "cams.csv"
    path.write_text("id,lon,lat,name,owner,watches,stream_url\n"
                    "CAM-NEW-1,121.47,31.23,新摄像头,公安,路口,rtsp://cam.invalid/1\n"
                    "CAM-NEW-2,121.47,31.23,坏记录,公安,路口,\n", encoding="utf-8")
    dialog = ImportDialog(console.session)
    qtbot.addWidget(dialog)
    report = dialog.import_file(str(path), "cameras", "WGS84")
    assert report.accepted == 1 and report.rejected[0].location == "line 3"
    assert "stream_url" in report.rejected[0].reason
    assert console.session.layers["cameras"].row_of("CAM-NEW-1") is not None
    # the legend's counts follow within a quarter of a second (they are not recounted on every live change)
    qtbot.waitUntil(lambda: console.window.layer_panel.layer_items["cameras"].text(1) == "30,001", timeout=2000)


def test_live_changes_repaint_the_map_without_drawing_the_basemap_again(console, monkeypatch):
    """The basemap and district names are cached pixmaps: a repaint for new readings only draws the layers, while a
    zoom draws them anew."""
    from console.core import events as ev
    from console.core.events import make_event

    canvas = console.window.canvas
    drawn = []

    class Counted(list):  # what each item's paint() goes through: the basemap's themes, the district labels
        def __iter__(self):
            drawn.append(self.name)
            return super().__iter__()

    themes, labels = Counted(canvas.basemap_item.basemap.themes), Counted(canvas.labels.labels)
    themes.name, labels.name = "basemap", "labels"
    monkeypatch.setattr(canvas.basemap_item.basemap, "themes", themes)
    monkeypatch.setattr(canvas.labels, "labels", labels)
    canvas.viewport().repaint()
    drawn.clear()
    point = str(console.session.layers["flood_points"].ids[0])
    console.session.ingest([make_event(ev.FLOOD_READING, {"id": point, "depth_cm": 45.0})])
    item = canvas.point_items["flood_points"]
    painted = []
    monkeypatch.setattr(item, "_paint_symbols", lambda *args, _original=item._paint_symbols: (
        painted.append(item.layer.kind), _original(*args)))
    canvas.viewport().repaint()
    assert painted == ["flood_points"] and drawn == []
    canvas.zoom(0.5)
    canvas.viewport().repaint()
    assert set(drawn) == {"basemap", "labels"}
