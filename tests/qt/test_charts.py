"""The sensor chart follows the selection and the feeds; the vital-signs panel draws the model's curves."""
from __future__ import annotations

from datetime import datetime, timezone

import numpy as np
import pytest

from console.core import events as ev
from console.core.events import make_event
from console.core.session import Session
from console.core.store import Store
from console.qt.charts import BeijingTimeAxis, SensorChart, VitalSignsPanel
from helpers import register

NOW = datetime(2021, 7, 25, 12, 0, tzinfo=timezone.utc)
DEPTHS = [0.0, 8.0, 18.0, 31.0, 27.0]  # at 11:00, 11:10, ... 11:40 UTC


def reading(cm: float, minute: int, point: str = "FP-1") -> ev.Event:
    return make_event(ev.FLOOD_READING, {"id": point, "depth_cm": cm}, f"2021-07-25T11:{minute:02d}:00Z")


@pytest.fixture
def session(tmp_path):
    store = Store(tmp_path / "console.db")
    session = Session(store, derive=False)
    session.ingest([register("flood_points", "FP-1", 121.45, 31.22, kind="underpass", name="汶水路下立交"),
                    register("flood_points", "FP-2", 121.46, 31.22, kind="road_spot", name="路段"),
                    register("stations", "TG-1", 121.49, 31.24, kind="tide", name="吴淞口", warning_level_m=4.8)])
    session.ingest([reading(cm, 10 * i) for i, cm in enumerate(DEPTHS)] + [reading(55.0, 5, "FP-2")])
    session.clock.follow(NOW, 0)  # held at 12:00 UTC (20:00 Beijing)
    yield session
    store.close()


@pytest.fixture
def chart(qtbot, session):
    widget = SensorChart(session)
    qtbot.addWidget(widget)
    widget.resize(760, 420)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_selecting_a_flood_point_plots_its_readings_and_thresholds(chart, session):
    assert chart.curves == {}
    session.select("flood_points", "FP-1")
    x, y = chart.curves["depth_cm"].getData()
    assert y.tolist() == DEPTHS
    assert x.tolist() == [1627210800.0 + 600 * i for i in range(5)]  # 2021-07-25T11:00Z onwards
    # 15 and 25 are reached; 40 is the next step, so it is drawn too
    assert [line.value() for line in chart.lines] == [15.0, 25.0, 40.0]
    assert [line.label.toPlainText() for line in chart.lines] == ["Ponding 15 cm", "Underpass closure 25 cm",
                                                                  "Road closure 40 cm"]
    assert "汶水路下立交" in chart.heading.text()
    chart.grab().save("/tmp/test_sensor_chart.png")


def test_a_new_reading_extends_the_curve_and_others_do_not_redraw(chart, session, qtbot):
    session.select("flood_points", "FP-1")
    curve = chart.curves["depth_cm"]
    session.ingest([reading(44.0, 55, "FP-2")])  # another point: nothing to redraw
    qtbot.wait(400)
    assert chart.curves["depth_cm"] is curve
    session.ingest([reading(41.0, 50)])
    qtbot.waitUntil(lambda: len(chart.curves["depth_cm"].getData()[1]) == 6, timeout=2000)
    assert chart.curves["depth_cm"].getData()[1].tolist() == DEPTHS + [41.0]


def test_a_tide_gauge_shows_its_warning_level_and_nothing_else_shows_a_hint(chart, session):
    session.select("stations", "TG-1")
    assert [line.value() for line in chart.lines] == [4.8]
    levels = chart.curves["level_m"].getData()[1]
    assert levels is None or len(levels) == 0
    assert "no readings in the last 12 hours" in chart.heading.text()
    session.select("", "")
    assert chart.curves == {} and chart.lines == []
    assert chart.heading.text().startswith("Select a flood point")


def test_time_axis_is_in_beijing_time(chart):
    axis = chart.plot.getAxis("bottom")
    assert isinstance(axis, BeijingTimeAxis)
    assert axis.tickStrings([1627210800.0], 1, 3600) == ["19:00"]  # 11:00 UTC
    assert axis.tickStrings([1627142400.0], 1, 3600) == ["07-25"]  # 16:00 UTC = midnight in Beijing


def test_vital_signs_panel_draws_the_model_and_refreshes_after_ingest(qtbot, session):
    panel = VitalSignsPanel(session)
    qtbot.addWidget(panel)
    panel.resize(1000, 720)
    panel.show()
    qtbot.waitUntil(lambda: panel.signs is not None, timeout=3000)
    x, y = panel.curves["flood_points.3"].getData()
    assert x.tolist() == panel.signs.times.tolist()
    assert y[-1] == 1  # FP-2 at 55 cm, read at 11:05
    assert panel.curves["flood_points.2"].getData()[1][-1] == 1  # FP-1 at 27 cm
    signs = panel.signs
    session.ingest([reading(12.0, 58, "FP-2")])
    qtbot.waitUntil(lambda: panel.signs is not signs, timeout=5000)
    assert panel.curves["flood_points.3"].getData()[1][-1] == 0
    assert np.all(panel.curves["open_incidents"].getData()[1] == 0)
    assert panel.refresh_s < 0.5
    panel.grab().save("/tmp/test_vital_signs.png")
