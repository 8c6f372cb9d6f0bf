"""The cameras panel lists the cameras nearest to the selection, nearest first, and opens their streams."""
from __future__ import annotations

import pytest
from pyproj import Geod
from PySide6 import QtCore, QtGui

from console.core import events as ev
from console.core.events import Event
from console.core.session import Session
from console.core.store import Store
from console.qt import camera_panel
from console.qt.camera_panel import K_NEAREST, RADIUS_M, CameraPanel
from helpers import register

LON, LAT = 121.4537, 31.2243  # an underpass in Xuhui
# Camera id -> (offset east in degrees, offset north in degrees, state). At 31.2°N 0.001° of longitude is about
# 95 m on the ground and 0.001° of latitude about 111 m.
CAMERAS = {
    "CAM-A": (0.002, 0.0, "online"),     # ~190 m
    "CAM-B": (-0.001, 0.0, "online"),    # ~95 m
    "CAM-C": (0.0, 0.003, "offline"),    # ~333 m
    "CAM-D": (0.004, 0.0, "online"),     # ~381 m
    "CAM-E": (0.0, -0.005, "online"),    # ~554 m
    "CAM-F": (-0.006, 0.0, "online"),    # ~571 m
    "CAM-G": (0.0, 0.007, "online"),     # ~776 m: the seventh within 1,000 m, one too many to list
    "CAM-H": (0.02, 0.0, "online"),      # ~1,900 m: outside the radius
}
NEAREST_FIRST = ["CAM-B", "CAM-A", "CAM-C", "CAM-D", "CAM-E", "CAM-F", "CAM-G", "CAM-H"]


@pytest.fixture
def session(tmp_path):
    store = Store(tmp_path / "console.db")
    session = Session(store)
    session.ingest([register("flood_points", "FP-1", LON, LAT, kind="underpass", name="汶水路下立交")] + [
        register("cameras", cid, LON + dx, LAT + dy, name=f"{cid} 路口", owner="公安", watches="道路",
                 stream_url=f"rtsp://video-gw.shanghai.invalid/live/{cid}", state=state)
        for cid, (dx, dy, state) in CAMERAS.items()])
    yield session
    store.close()


@pytest.fixture
def panel(qtbot, session):
    widget = CameraPanel(session)
    qtbot.addWidget(widget)
    widget.resize(640, 320)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def listed(panel) -> list[str]:
    return [panel.table.item(i, 0).text().split()[0] for i in range(panel.table.rowCount())]


def column(panel, index) -> list[str]:
    return [panel.table.item(i, index).text() for i in range(panel.table.rowCount())]


def ground_m(camera_id, lon=LON, lat=LAT) -> float:
    dx, dy, _ = CAMERAS[camera_id]
    return Geod(ellps="WGS84").inv(lon, lat, LON + dx, LAT + dy)[2]


def test_nothing_selected_lists_nothing(panel):
    assert panel.table.rowCount() == 0
    assert "Select an object" in panel.heading.text()
    assert not panel.open_button.isEnabled()


def test_a_selected_flood_point_lists_the_nearest_cameras_within_the_radius(panel, session):
    session.select("flood_points", "FP-1")
    assert (K_NEAREST, RADIUS_M) == (6, 1000.0)
    assert listed(panel) == NEAREST_FIRST[:6]
    assert "汶水路下立交" in panel.heading.text()
    distances = [float(text.replace(",", "")) for text in column(panel, 1)]
    assert distances == sorted(distances)
    for camera_id, shown in zip(listed(panel), distances):
        # Against the geodesic on the ellipsoid: Web Mercator's sphere is up to 0.5 % off north-south here.
        assert shown == pytest.approx(ground_m(camera_id), rel=0.006)
    assert column(panel, 2) == ["Online", "Online", "Offline", "Online", "Online", "Online"]  # value labels
    assert column(panel, 3)[0] == "公安" and column(panel, 4)[0] == "道路"


def test_offline_cameras_are_greyed(panel, session):
    session.select("flood_points", "FP-1")
    offline = listed(panel).index("CAM-C")
    grey = panel.palette().color(QtGui.QPalette.ColorGroup.Disabled, QtGui.QPalette.ColorRole.Text)
    for col in range(panel.table.columnCount()):
        assert panel.table.item(offline, col).foreground().color() == grey
        assert panel.table.item(0, col).foreground().color() != grey


def test_a_selected_camera_lists_the_cameras_near_it_but_not_itself(panel, session):
    session.select("cameras", "CAM-B")
    lon_b, lat_b = LON + CAMERAS["CAM-B"][0], LAT
    expected = sorted((c for c in CAMERAS if c != "CAM-B"), key=lambda c: ground_m(c, lon_b, lat_b))
    expected = [c for c in expected if ground_m(c, lon_b, lat_b) <= RADIUS_M][:K_NEAREST]
    assert listed(panel) == expected
    assert "CAM-B" not in listed(panel)


def test_show_near_a_place_and_a_selection_the_panel_cannot_place(panel, session):
    layer = session.layers["cameras"]
    row = layer.row_of("CAM-H")
    panel.show_near(float(layer.x[row]), float(layer.y[row]), "Incident 7: tree down")
    assert "Incident 7: tree down" in panel.heading.text()
    assert listed(panel) == ["CAM-H"]  # a point is not a camera: the camera on it is listed, at 0 m
    assert column(panel, 1) == ["0"]
    session.select("incidents", "INC-7")  # the incident view selects, then calls show_near: keep the list
    assert listed(panel) == ["CAM-H"]
    session.select("", "")
    assert listed(panel) == []


def test_no_camera_in_range_says_so(panel):
    panel.show_near(0.0, 0.0, "Gulf of Guinea")
    assert listed(panel) == []
    assert "No camera within 1,000 m" in panel.message.text()


def test_a_camera_going_offline_updates_the_list_and_keeps_the_choice(panel, session):
    session.select("flood_points", "FP-1")
    panel.table.selectRow(1)  # CAM-A
    session.ingest([Event(ev.CAMERA_STATE_CHANGED, {"id": "CAM-A", "state": "offline"}, "2021-07-25T01:00:00.000Z",
                          "test", "CAM-A-off")])
    assert column(panel, 2)[1] == "Offline"
    assert panel.table.currentRow() == 1 and panel.open_button.isEnabled()


def test_without_qtmultimedia_the_system_player_gets_the_stream(panel, session, monkeypatch):
    opened = []
    monkeypatch.setattr(camera_panel, "QtMultimedia", None)
    monkeypatch.setattr(QtGui.QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True)
    session.select("flood_points", "FP-1")
    panel.table.selectRow(2)
    panel.open_button.click()
    assert opened == ["rtsp://video-gw.shanghai.invalid/live/CAM-C"]
    assert "system" in panel.message.text()


def test_double_click_opens_the_stream_and_a_refusal_is_reported(qtbot, panel, session, monkeypatch):
    opened = []
    monkeypatch.setattr(camera_panel, "QtMultimedia", None)
    monkeypatch.setattr(QtGui.QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) and False)
    session.select("flood_points", "FP-1")
    rect = panel.table.visualItemRect(panel.table.item(0, 0))
    # A real double click: the press selects the cell, the double click on the same cell opens it.
    qtbot.mouseClick(panel.table.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(panel.table.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == ["rtsp://video-gw.shanghai.invalid/live/CAM-B"]
    assert "No program on this computer opens rtsp://video-gw.shanghai.invalid/live/CAM-B" in panel.message.text()


def test_qtmultimedia_availability_is_what_the_import_says():
    try:
        from PySide6 import QtMultimedia  # noqa: F401
        importable = True
    except ImportError:
        importable = False
    assert (camera_panel.QtMultimedia is not None) == importable


@pytest.mark.skipif(camera_panel.QtMultimedia is None, reason="QtMultimedia (the 'video' extra) is not installed")
def test_with_qtmultimedia_a_player_window_shows_the_error_of_a_bad_stream(qtbot, panel, session, tmp_path):
    missing = (tmp_path / "none.mp4").as_uri()
    session.ingest([register("cameras", "CAM-X", LON, LAT, name="CAM-X 坏流", stream_url=missing)])
    session.select("flood_points", "FP-1")
    index = listed(panel).index("CAM-X")
    panel.open_stream(index)
    player = panel.players["CAM-X"]
    assert player.isVisible() and player.windowTitle() == "CAM-X 坏流"
    qtbot.waitUntil(lambda: "Cannot play the stream" in player.status.text(), timeout=10000)
    panel.open_stream(index)  # again: the same window, raised
    assert list(panel.players) == ["CAM-X"]
    player.close()
    qtbot.waitUntil(lambda: not panel.players, timeout=5000)


def test_a_deleted_panel_stops_listening(qtbot, session):
    panel = CameraPanel(session)
    panel.deleteLater()
    qtbot.wait(10)
    QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)
    session.select("flood_points", "FP-1")  # would raise if the destroyed panel were still connected
    assert session.selection == ("flood_points", "FP-1")


def test_screenshot(panel, session):
    session.select("flood_points", "FP-1")
    panel.table.selectRow(0)
    assert panel.grab().save("/tmp/camera_panel.png")
