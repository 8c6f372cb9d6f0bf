"""Trees (grade x gusts near the tree) and construction sites (wind force 5 / 6 stop-work, evacuation orders)."""
from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

import pytest

from console.core import events as ev
from console.core.events import Event
from console.core.rules import WIND_FORECAST, RulesEngine
from console.core.timefmt import to_utc_text

BASE = datetime(2021, 7, 25, 0, 0, tzinfo=timezone.utc)
A = (121.40, 31.20)
STATIONS = {"ids": ["WX-A", "WX-B", "WX-C", "TG-HPP"], "lon": [121.40, 121.60, 121.50, 121.4905],
            "lat": [31.20, 31.20, 31.35, 31.243], "kind": ["weather", "weather", "weather", "tide"],
            "warning_level_m": [None, None, None, 4.55]}


def east_of(point: tuple[float, float], metres: float) -> tuple[float, float]:
    return point[0] + metres / (111_320 * math.cos(math.radians(31.2))), point[1]


def objects(specs: list[tuple[str, float, dict]], origin=A) -> dict[str, list]:
    """(id, metres east of `origin`, attributes) -> the engine's columns."""
    out: dict[str, list] = {"ids": [], "lon": [], "lat": []}
    for object_id, metres, attrs in specs:
        lon, lat = east_of(origin, metres)
        out["ids"].append(object_id)
        out["lon"].append(lon)
        out["lat"].append(lat)
        for key, value in attrs.items():
            out.setdefault(key, []).append(value)
    return out


TREES = objects([("T-VH-2000", 2000, {"grade": "very_high", "status": "checked"}),
                 ("T-VH-500", 500, {"grade": "very_high", "status": "checked"}),
                 ("T-H-300", 300, {"grade": "high", "status": "checked"}),
                 ("T-VH-1000", 1000, {"grade": "very_high", "status": "pruned"}),
                 ("T-M-100", 100, {"grade": "medium", "status": "checked"}),
                 ("T-VH-GONE", 400, {"grade": "very_high", "status": "removed"})])
SITES = objects([("S-GONDOLA", 500, {"gondolas": 2, "tower_cranes": 0, "hoists": 0, "workers": 30}),
                 ("S-CRANE", 600, {"gondolas": 0, "tower_cranes": 1, "hoists": 1, "workers": 80}),
                 ("S-EMPTY", 700, {"gondolas": 0, "tower_cranes": 0, "hoists": 0, "workers": 0})])


def at(minute: float) -> str:
    return to_utc_text(BASE + timedelta(minutes=minute))


def wind(station: str, mean: float, gust: float, minute: float) -> Event:
    return Event(ev.STATION_READING, {"id": station, "wind_mean_ms": mean, "wind_gust_ms": gust}, at(minute),
                 "test", f"{station}-{minute:g}-wind")


def calm_elsewhere(minute: float) -> list[Event]:
    return [wind("WX-B", 3.0, 5.0, minute), wind("WX-C", 3.0, 5.0, minute)]


def signal(hazard: str, level: str, minute: float) -> Event:
    return Event(ev.SIGNAL_CHANGED, {"hazard": hazard, "level": level}, at(minute), "test", f"{hazard}-{minute:g}")


def response(level: str, minute: float) -> Event:
    return Event(ev.RESPONSE_LEVEL_CHANGED, {"level": level}, at(minute), "test", f"FCH-{minute:g}")


def raised(alerts: list[Event], rule: str) -> list[str]:
    return [a.payload["object_id"] for a in alerts if a.type == "alert.raised" and a.payload["rule"] == rule]


# --- trees ---------------------------------------------------------------------------------------------------------
def test_force_8_gusts_alert_very_high_trees_only_nearest_first():
    rules = RulesEngine(stations=STATIONS, trees=TREES)
    alerts = rules.evaluate([wind("WX-A", 9.0, 18.0, 0)] + calm_elsewhere(0))
    assert raised(alerts, "trees.failure_risk") == ["T-VH-500", "T-VH-1000", "T-VH-2000"]  # not high, not removed
    first = alerts[0].payload
    assert first["agency"] == "greening" and first["severity"] == "extreme" and first["grade"] == "very_high"
    assert first["force"] == 8 and first["min_force"] == 8 and first["rank"] == 1 and first["basis"] == "observed"
    assert first["distance_m"] == pytest.approx(500, abs=2)
    assert first["readings"][0] == {"event_id": "WX-A-0-wind", "type": ev.STATION_READING, "object_id": "WX-A",
                                    "quantity": "wind_gust_ms", "value": 18.0, "time": at(0),
                                    "distance_m": first["distance_m"]}
    assert {r["object_id"] for r in first["readings"]} == {"WX-A", "WX-B", "WX-C"}
    assert first["fired_at"] == at(0) and first["title"].startswith("Tree failure risk: very high risk tree")
    # the same gusts again: nothing new; force 9: the high-risk tree too, and only it
    assert rules.evaluate([wind("WX-A", 9.0, 18.5, 10)] + calm_elsewhere(10)) == []
    alerts = rules.evaluate([wind("WX-A", 10.0, 21.0, 20)] + calm_elsewhere(20))
    assert raised(alerts, "trees.failure_risk") == ["T-H-300"]


def test_order_by_risk_when_configured():
    from dataclasses import replace

    from console.core.rules import load_rules_config
    config = load_rules_config()
    config = replace(config, trees=replace(config.trees, order="risk"))
    rules = RulesEngine(stations=STATIONS, trees=TREES, config=config)
    alerts = rules.evaluate([wind("WX-A", 12.0, 25.0, 0)] + calm_elsewhere(0))  # force 10
    assert raised(alerts, "trees.failure_risk") == ["T-VH-500", "T-VH-1000", "T-VH-2000", "T-H-300", "T-M-100"]


def test_tree_alerts_clear_after_three_hours_of_lower_gusts_or_when_removed():
    rules = RulesEngine(stations=STATIONS, trees=TREES)
    rules.evaluate([wind("WX-A", 9.0, 18.0, 0)] + calm_elsewhere(0))
    gone = Event(ev.TREE_STATUS_CHANGED, {"id": "T-VH-2000", "status": "removed"}, at(5), "test", "felled")
    cleared = rules.evaluate([gone])
    assert [(a.payload["object_id"], a.payload["reason_code"]) for a in cleared] == [("T-VH-2000", "object_status")]
    quiet = []
    for minute in range(10, 200, 10):
        quiet += rules.evaluate([wind("WX-A", 5.0, 12.0, minute)] + calm_elsewhere(minute))
    assert [(a.payload["object_id"], a.event_time, a.payload["reason_code"]) for a in quiet] == [
        ("T-VH-500", at(190), "below_threshold"), ("T-VH-1000", at(190), "below_threshold")]
    assert quiet[0].payload["readings"][0]["value"] == 12.0  # the latest readings


def test_a_regraded_tree_is_judged_at_once():
    rules = RulesEngine(stations=STATIONS, trees=TREES)
    rules.evaluate([wind("WX-A", 10.0, 21.0, 0)] + calm_elsewhere(0))  # force 9: very high and high trees
    assessed = Event(ev.TREE_ASSESSED, {"id": "T-M-100", "grade": "very_high"}, at(30), "test", "tomography")
    alert, = rules.evaluate([assessed])
    assert alert.payload["object_id"] == "T-M-100" and alert.event_time == at(30)  # the assessment's time


def test_a_forecast_gust_counts_while_it_is_valid():
    rules = RulesEngine(stations=STATIONS, trees=TREES)
    forecast = Event(WIND_FORECAST, {"id": "WX-A", "wind_gust_ms": 19.0, "valid_until": at(120)}, at(0), "test",
                     "fc-1")
    alerts = rules.evaluate([forecast, wind("WX-A", 5.0, 10.0, 0)] + calm_elsewhere(0))
    assert raised(alerts, "trees.failure_risk") == ["T-VH-500", "T-VH-1000", "T-VH-2000"]
    assert alerts[0].payload["basis"] == "forecast" and alerts[0].payload["readings"][0]["type"] == WIND_FORECAST


# --- construction sites -------------------------------------------------------------------------------------------
def test_force_5_stops_gondolas_force_6_stops_work_at_height():
    rules = RulesEngine(stations=STATIONS, sites=SITES)
    assert raised(rules.evaluate([wind("WX-A", 7.9, 12.0, 0)] + calm_elsewhere(0)), "sites.stop_gondolas") == []
    alerts = rules.evaluate([wind("WX-A", 8.5, 13.0, 10)] + calm_elsewhere(10))  # mean force 5
    assert raised(alerts, "sites.stop_gondolas") == ["S-GONDOLA"] and raised(alerts, "sites.stop_work_at_height") == []
    p = alerts[0].payload
    assert p["agency"] == "construction" and p["measure"] == "mean" and p["force"] == 5 and p["gondolas"] == 2
    assert p["readings"][0]["quantity"] == "wind_mean_ms"
    alerts = rules.evaluate([wind("WX-A", 11.0, 16.0, 20)] + calm_elsewhere(20))  # mean force 6: every site
    assert raised(alerts, "sites.stop_work_at_height") == ["S-GONDOLA", "S-CRANE", "S-EMPTY"]
    assert raised(alerts, "sites.stop_gondolas") == []  # one order per site per rule
    assert rules.evaluate([wind("WX-A", 11.5, 16.0, 30)] + calm_elsewhere(30)) == []


def test_orange_signal_evacuates_every_site_with_workers():
    rules = RulesEngine(stations=STATIONS, sites=SITES)
    rules.evaluate([wind("WX-A", 11.0, 16.0, 0)] + calm_elsewhere(0))
    alerts = rules.evaluate([signal("typhoon", "yellow", 10)])
    assert alerts == []
    alerts = rules.evaluate([signal("typhoon", "orange", 60), response("II", 60)])
    assert raised(alerts, "sites.evacuate") == ["S-GONDOLA", "S-CRANE"]  # not the site without workers
    p = alerts[0].payload
    assert p["fired_at"] == at(60) and p["readings"][0]["event_id"] == "typhoon-60"
    assert p["title"].endswith("typhoon signal orange, response level II") and p["workers"] == 30
    # down to yellow and III at 26 Jul 11:00 in the real event: the orders are lifted, together
    cleared = rules.evaluate([signal("typhoon", "yellow", 120), response("III", 120)])
    assert [(a.payload["object_id"], a.payload["reason_code"]) for a in cleared] == [
        ("S-GONDOLA", "condition_ended"), ("S-CRANE", "condition_ended")]
    assert cleared[0].payload["readings"][0]["event_id"] == "FCH-120"  # the change that ended it


def test_response_level_ii_alone_evacuates_and_evacuating_sites_are_skipped():
    rules = RulesEngine(stations=STATIONS, sites=SITES)
    moving = Event(ev.SITE_EVACUATION_CHANGED, {"id": "S-CRANE", "status": "evacuating"}, at(0), "test", "sup-1")
    alerts = rules.evaluate([moving, response("II", 5)])
    assert raised(alerts, "sites.evacuate") == ["S-GONDOLA"]
    # under an evacuation order no stop-work order; the site without workers still gets one
    alerts = rules.evaluate([wind("WX-A", 11.0, 16.0, 10)] + calm_elsewhere(10))
    assert raised(alerts, "sites.stop_work_at_height") == ["S-EMPTY"]


def test_stop_work_orders_clear_after_two_hours_of_lighter_wind():
    rules = RulesEngine(stations=STATIONS, sites=SITES)
    first = rules.evaluate([wind("WX-A", 11.0, 16.0, 0)] + calm_elsewhere(0))
    assert raised(first, "sites.stop_gondolas") == ["S-GONDOLA"]  # force 6 is also force 5 and above
    lighter = []
    for minute in range(10, 150, 10):
        lighter += rules.evaluate([wind("WX-A", 9.0, 14.0, minute)] + calm_elsewhere(minute))  # force 5
    assert [(a.type, a.payload["rule"], a.payload["object_id"], a.event_time) for a in lighter] == [
        ("alert.cleared", "sites.stop_work_at_height", site, at(130)) for site in ("S-GONDOLA", "S-CRANE", "S-EMPTY")]
    assert {a["rule"] for a in rules.active_alerts()} == {"sites.stop_gondolas"}  # force 5 still stops gondolas


def test_wind_ids_are_stable():
    batch = [wind("WX-A", 11.0, 21.0, 0)] + calm_elsewhere(0) + [signal("typhoon", "orange", 0)]
    one = RulesEngine(stations=STATIONS, trees=TREES, sites=SITES).evaluate(batch)
    two = RulesEngine(stations=STATIONS, trees=TREES, sites=SITES).evaluate(batch)
    assert [(a.id, a.payload) for a in one] == [(a.id, a.payload) for a in two]
    assert len({a.id for a in one}) == len(one) > 5
