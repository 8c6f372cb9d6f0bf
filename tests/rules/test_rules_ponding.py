"""Ponding at flood points: classes 15 / 25 / 40 cm, clearing with a hold-off, stable ids, no flapping."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from console.core import events as ev
from console.core.events import Event
from console.core.rules import ALERT_CLEARED, ALERT_RAISED, RulesEngine
from console.core.timefmt import to_utc_text

BASE = datetime(2021, 7, 25, 0, 0, tzinfo=timezone.utc)
FLOODS = {"ids": ["FP-U", "FP-R"], "lon": [121.45, 121.50], "lat": [31.22, 31.23], "kind": ["underpass", "road_spot"],
          "name": ["汶水路下立交", "南京西路"]}


def at(minute: float) -> str:
    return to_utc_text(BASE + timedelta(minutes=minute))


def depth(point: str, cm: float, minute: float) -> Event:
    return Event(ev.FLOOD_READING, {"id": point, "depth_cm": cm}, at(minute), "test", f"{point}-{minute:g}")


def engine() -> RulesEngine:
    return RulesEngine(flood_points=FLOODS)


def summary(alerts: list[Event]) -> list[tuple]:
    return [(e.type.split(".")[1], e.payload["rule"], e.payload["object_id"], e.event_time) for e in alerts]


def test_classes_raise_at_15_25_40_by_kind():
    rules = engine()
    batch = [depth("FP-U", cm, i * 5) for i, cm in enumerate([10, 14.9, 15, 24.9, 25, 39.9, 40])]
    batch += [depth("FP-R", cm, i * 5) for i, cm in enumerate([25, 39.9, 40])]
    got = summary(rules.evaluate(batch))
    assert sorted(got, key=lambda g: (g[2], g[3])) == [
        ("raised", "ponding.general", "FP-R", at(0)),
        ("raised", "ponding.road_closure", "FP-R", at(10)),  # a road spot never gets the underpass closure
        ("raised", "ponding.general", "FP-U", at(10)),
        ("raised", "ponding.underpass_closure", "FP-U", at(20)),
        ("raised", "ponding.road_closure", "FP-U", at(30)),
    ]


def test_the_alert_says_which_rule_on_which_reading_and_when():
    alert, = engine().evaluate([depth("FP-U", 27.5, 0)])[1:]
    p = alert.payload
    assert alert.type == ALERT_RAISED and alert.event_time == p["fired_at"] == at(0)
    assert p["rule"] == "ponding.underpass_closure" and p["agency"] == "water_affairs" and p["severity"] == "severe"
    assert p["alert_id"] == f"ponding.underpass_closure:FP-U@{at(0)}" and alert.id == f"alert.raised:{p['alert_id']}"
    assert p["readings"] == [{"event_id": "FP-U-0", "type": ev.FLOOD_READING, "object_id": "FP-U",
                              "quantity": "depth_cm", "value": 27.5, "time": at(0)}]
    assert p["title"] == "Close the underpass: 27.5 cm of water at 汶水路下立交"
    assert p["title_template"].format(**p["title_args"]) == p["title"]
    assert (p["object_kind"], p["object_id"], p["lon"], p["lat"]) == ("flood_points", "FP-U", 121.45, 31.22)
    road, = engine().evaluate([depth("FP-R", 41, 0)])[1:]
    assert road.payload["agency"] == "fire_rescue" and road.payload["rule"] == "ponding.road_closure"


def test_clears_only_after_30_minutes_below_the_line():
    rules = engine()
    raised = rules.evaluate([depth("FP-R", 20, 0)])
    assert summary(raised) == [("raised", "ponding.general", "FP-R", at(0))]
    # drains at minute 5; 30 minutes of event time later (minute 35) it clears, not before
    for minute in range(5, 35, 5):
        assert rules.evaluate([depth("FP-R", 3, minute)]) == []
    cleared, = rules.evaluate([depth("FP-R", 2, 35)])
    assert cleared.type == ALERT_CLEARED and cleared.event_time == at(35)
    assert cleared.payload["alert_id"] == raised[0].payload["alert_id"]
    assert cleared.payload["reason_code"] == "drained" and "since " + at(5) in cleared.payload["reason"]
    assert cleared.id == f"alert.cleared:{raised[0].payload['alert_id']}"
    assert rules.active_alerts() == []


def test_no_flapping_on_an_oscillating_depth():
    rules = engine()
    wobble = [depth("FP-R", 15.1 if i % 2 == 0 else 14.9, i * 5) for i in range(36)]  # three hours
    got = summary(rules.evaluate(wobble))
    assert got == [("raised", "ponding.general", "FP-R", at(0))]
    # it stays below from minute 175: cleared once, at 205
    got = summary(rules.evaluate([depth("FP-R", 14.9, 180 + i * 5) for i in range(12)]))
    assert got == [("cleared", "ponding.general", "FP-R", at(205))]


def test_a_rise_during_the_hold_off_restarts_it():
    rules = engine()
    batch = [depth("FP-R", 16, 0), depth("FP-R", 10, 5), depth("FP-R", 10, 25), depth("FP-R", 16, 30),
             depth("FP-R", 10, 35), depth("FP-R", 10, 60), depth("FP-R", 10, 65)]
    assert summary(rules.evaluate(batch)) == [("raised", "ponding.general", "FP-R", at(0)),
                                              ("cleared", "ponding.general", "FP-R", at(65))]


def test_same_batch_same_ids_and_never_twice():
    batch = [depth("FP-U", cm, i * 5) for i, cm in enumerate([5, 18, 30, 45, 20, 10, 8, 8, 8, 8, 8, 8, 8])]
    first, second = engine().evaluate(batch), engine().evaluate(batch)
    assert [(e.id, e.payload) for e in first] == [(e.id, e.payload) for e in second]
    assert len({e.id for e in first}) == len(first)
    rules = engine()
    assert rules.evaluate(batch) == first
    assert rules.evaluate(batch) == []  # the same readings again (a redelivered batch) change nothing
    assert rules.evaluate(batch[:5]) == []


def test_the_alerts_do_not_depend_on_how_the_stream_is_cut():
    stream = [depth(p, cm, i * 5) for i, cm in enumerate([5, 18, 30, 45, 20, 10, 8, 8, 8, 8, 8, 8, 8, 30, 2, 1] * 2)
              for p in ("FP-U", "FP-R")]
    whole = engine().evaluate(stream)
    rules = engine()
    one_by_one = [a for e in stream for a in rules.evaluate([e])]
    rules = engine()
    shuffled = [a for start in range(0, len(stream), 7) for a in rules.evaluate(stream[start:start + 7][::-1])]
    key = lambda e: (e.event_time, e.id)  # noqa: E731
    assert sorted(whole, key=key) == sorted(one_by_one, key=key) == sorted(shuffled, key=key)


def test_late_readings_change_nothing():
    rules = engine()
    rules.evaluate([depth("FP-R", 5, 60)])
    assert rules.evaluate([depth("FP-R", 50, 30)]) == []  # older than what the engine has seen
    assert rules.evaluate([depth("FP-X", 50, 70)]) == []  # an unknown point


def test_restored_alerts_are_neither_raised_again_nor_forgotten():
    rules = engine()
    raised = rules.evaluate([depth("FP-R", 20, 0)])
    restarted = engine()
    restarted.restore([raised[0].payload])
    assert restarted.active_alerts() == [{"alert_id": raised[0].payload["alert_id"], "rule": "ponding.general",
                                          "object_kind": "flood_points", "object_id": "FP-R"}]
    assert restarted.evaluate([depth("FP-R", 22, 5)]) == []
    cleared = restarted.evaluate([depth("FP-R", 1, 10 + 5 * i) for i in range(7)])
    assert [e.payload["alert_id"] for e in cleared] == [raised[0].payload["alert_id"]]
    # alert events in a batch (another console's, or the log replayed) count too
    other = engine()
    assert other.evaluate([raised[0], depth("FP-R", 22, 5)]) == []
    assert other.evaluate([cleared[0]]) == [] and other.active_alerts() == []
