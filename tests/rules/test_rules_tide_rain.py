"""Tide levels against the gauges' warning levels; rainstorm recommendations from 1-hour and 6-hour rain."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from console.core import events as ev
from console.core.events import Event
from console.core.rules import RulesEngine
from console.core.timefmt import to_utc_text

BASE = datetime(2021, 7, 25, 0, 0, tzinfo=timezone.utc)
STATIONS = {"ids": ["TG-HPP", "TG-WS", "WX-1", "WX-2"], "lon": [121.4905, 121.506, 121.46, 121.43],
            "lat": [31.243, 31.392, 31.23, 31.19], "kind": ["tide", "tide", "weather", "weather"],
            "warning_level_m": [4.55, 4.80, None, None], "name": ["黄浦公园", "吴淞口", "中山南一路", "徐家汇"]}


def at(minute: float) -> str:
    return to_utc_text(BASE + timedelta(minutes=minute))


def tide(station: str, level: float, minute: float) -> Event:
    return Event(ev.STATION_READING, {"id": station, "level_m": level}, at(minute), "test", f"{station}-{minute:g}")


def rain(station: str, one_hour: float, total: float | None, minute: float) -> Event:
    payload = {"id": station, "rain_1h_mm": one_hour}
    if total is not None:
        payload["rain_acc_mm"] = total
    return Event(ev.STATION_READING, payload, at(minute), "test", f"{station}-{minute:g}-rain")


def signal(level: str, minute: float, hazard: str = "rainstorm") -> Event:
    return Event(ev.SIGNAL_CHANGED, {"hazard": hazard, "level": level}, at(minute), "test", f"SMB-{hazard}-{minute:g}")


def summary(alerts: list[Event]) -> list[tuple]:
    return [(e.type.split(".")[1], e.payload["rule"], e.payload["object_id"], e.event_time,
             e.payload.get("reason_code")) for e in alerts]


def test_tide_at_its_warning_level_and_clearing_after_the_hold_off():
    rules = RulesEngine(stations=STATIONS)
    levels = [4.40, 4.54, 4.55, 4.61, 4.58, 4.54, 4.50, 4.56, 4.52, 4.45, 4.40, 4.35, 4.30, 4.25, 4.20]
    got = summary(rules.evaluate([tide("TG-HPP", v, 5 * i) for i, v in enumerate(levels)] +
                                 [tide("TG-WS", 4.79, 5 * i) for i in range(15)]))
    # up at 4.55 (minute 10); below from minute 25, up again at 35 (resets the hold-off), below from 40:
    # cleared at 70 (30 minutes); Wusong at 4.79 stays under its 4.80
    assert got == [("raised", "tide.above_warning", "TG-HPP", at(10), None),
                   ("cleared", "tide.above_warning", "TG-HPP", at(70), "below_warning")]
    alert = rules.evaluate([tide("TG-WS", 4.80, 80)])[0]
    assert alert.payload["warning_level_m"] == 4.80 and alert.payload["agency"] == "water_affairs"
    assert alert.payload["title"] == "Tide 4.80 m at 吴淞口, at or above its warning level 4.80 m"
    assert rules.evaluate([tide("WX-1", 9.0, 85)]) == []  # no warning level: never an alert


def test_one_hour_rain_recommends_blue_then_yellow_superseding_it():
    rules = RulesEngine(stations=STATIONS)
    got = summary(rules.evaluate([rain("WX-1", 34.9, 40, 0), rain("WX-1", 35.0, 60, 10), rain("WX-1", 49.9, 80, 20),
                                  rain("WX-1", 50.0, 90, 30)]))
    assert got == [("raised", "rain.rainstorm_blue", "WX-1", at(10), None),
                   ("raised", "rain.rainstorm_yellow", "WX-1", at(30), None),
                   ("cleared", "rain.rainstorm_blue", "WX-1", at(30), "superseded")]
    blue = rules.active_alerts()
    assert [a["rule"] for a in blue] == ["rain.rainstorm_yellow"]


def test_recommendations_respect_the_signal_in_force():
    rules = RulesEngine(stations=STATIONS)
    got = summary(rules.evaluate([signal("blue", 0), rain("WX-1", 40.0, 40, 10), rain("WX-2", 55.0, 55, 10)]))
    assert got == [("raised", "rain.rainstorm_yellow", "WX-2", at(10), None)]  # blue is already in force
    alert = rules.active_alerts()[0]
    # the duty officer issues the yellow signal: the recommendation was acted on
    got = summary(rules.evaluate([signal("yellow", 15), rain("WX-2", 56.0, 60, 20)]))
    assert got == [("cleared", "rain.rainstorm_yellow", "WX-2", at(20), "signal_issued")]
    assert alert["rule"] == "rain.rainstorm_yellow"


def test_recommendation_payload():
    rules = RulesEngine(stations=STATIONS)
    alert, = rules.evaluate([rain("WX-1", 36.0, 70.5, 0)])
    p = alert.payload
    assert p["agency"] == "duty_officer" and p["recommended_signal"] == "blue" and p["signal_in_force"] == "none"
    assert [(r["quantity"], r["value"]) for r in p["readings"]] == [("rain_1h_mm", 36.0), ("rain_6h_mm", 36.0)]
    assert p["title"] == ("Rainstorm blue criteria met at 中山南一路: 36.0 mm in 1 h, 36.0 mm in 6 h "
                          "(signal in force: none)")


def test_six_hour_rain_from_the_totals():
    """9 mm an hour never meets a 1-hour line, but 6 hours of it reach the 50 mm blue line. The total already held
    100 mm when the engine started listening: that rain is older than the window and must not count."""
    rules = RulesEngine(stations=STATIONS)
    batch = [rain("WX-1", 9.0, 100.0 + 1.5 * k, 10 * k) for k in range(60)]
    got = rules.evaluate(batch)
    alert = got[0]
    # while the history is shorter than 6 h the sum is what fell since the first reading (a lower bound):
    # 1.5 mm per 10 minutes passes 50 mm at minute 340 (51 mm)
    assert alert.payload["rule"] == "rain.rainstorm_blue" and alert.event_time == at(340)
    assert alert.payload["rain_6h_mm"] == pytest.approx(51.0)
    assert len(got) == 1
    # the rain stops: the 6-hour sum falls below 50 mm once the window has slid 4 h past the wet hours;
    # an hour after that the recommendation clears
    batch = [rain("WX-1", 0.0, 100.0 + 1.5 * 59, 600 + 10 * k) for k in range(60)]
    cleared = summary(rules.evaluate(batch))
    assert cleared[0][:2] == ("cleared", "rain.rainstorm_blue") and cleared[0][4] == "below_criteria"
    assert at(600 + 60) <= cleared[0][3] <= at(600 + 6 * 60)


def test_six_hour_window_uses_the_reading_six_hours_back():
    rules = RulesEngine(stations=STATIONS)
    # 10 hours of readings: 60 mm in the first 2 hours, then 5 mm an hour (never 35 mm in one hour)
    totals = [60.0 * k / 12 if k <= 12 else 60.0 + 5 * (k - 12) / 6 for k in range(61)]
    alerts = rules.evaluate([rain("WX-2", 5.0, totals[k], 10 * k) for k in range(61)])
    assert [(a.type.split(".")[1], a.payload["rule"].split("_")[1], a.event_time, a.payload.get("rain_6h_mm"),
             a.payload.get("reason_code")) for a in alerts] == [
        ("raised", "blue", at(100), 50.0, None),  # 50 mm since the first reading (history shorter than 6 h)
        ("raised", "yellow", at(360), 80.0, None),  # the reading 6 h back (minute 0) is now held: 80 mm
        ("cleared", "blue", at(360), None, "superseded"),
        ("cleared", "yellow", at(430), None, "below_criteria"),  # below 80 mm since 370, for an hour
        ("raised", "blue", at(430), 50.8, None),  # still above 50 mm: the blue criteria hold
        ("cleared", "blue", at(500), None, "below_criteria"),  # below 50 mm since 440
    ]


def test_a_falling_total_starts_a_new_count():
    rules = RulesEngine(stations=STATIONS)
    rules.evaluate([rain("WX-1", 0.0, 300.0, 0)])
    alert, = rules.evaluate([rain("WX-1", 20.0, 60.0, 10)])  # a new event: 60 mm since it began
    assert alert.payload["rain_6h_mm"] == 60.0 and alert.payload["rule"] == "rain.rainstorm_blue"
