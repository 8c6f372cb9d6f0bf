"""End to end on Typhoon In-Fa: the scenario's messages for the bundled demo objects, through the feeds' parser, into
the rules: flood alerts on 25-26 Jul, tree alerts as the gusts rise, stop-work orders, then evacuation orders at the
orange signal (24 Jul 20:00 Beijing), lifted at 26 Jul 11:00."""
from __future__ import annotations

import json
import time
from collections import Counter
from datetime import datetime

import pytest

from console.core.config import load_config
from console.core.feeds.messages import KnownObjects, MessageParser
from console.core.rules import ALERT_CLEARED, ALERT_RAISED, RulesEngine
from console.core.rules.demo import demo_inputs, engine_kwargs
from console.core.scenario import InFaScenario
from console.core.timefmt import BEIJING, beijing_text, to_utc_text

WINDOW = ("2021-07-24T12:00:00+08:00", "2021-07-26T13:00:00+08:00")
BATCH = 5000  # about what the console's ingest pump hands over per tick at high replay speeds


def bj(text: str) -> str:
    """Beijing time text -> stored UTC text."""
    return to_utc_text(datetime.fromisoformat(text).replace(tzinfo=BEIJING))


@pytest.fixture(scope="module")
def run():
    started = time.perf_counter()
    inputs = demo_inputs()
    floods = inputs["flood_points"]
    known = KnownObjects(flood_point_of_sensor={**{i: i for i in floods["ids"]},
                                                **dict(zip(floods["sensor_id"], floods["ids"]))},
                         stations=frozenset(inputs["stations"]["ids"]))
    parser = MessageParser(known, load_config().area, "test")
    scenario = InFaScenario.from_demo(known=known, end=WINDOW[1])
    # the window's messages, and the signals and response levels issued before it (the city state it starts in)
    events = [parser.parse(json.dumps(m)) for m in scenario.messages()
              if m["time"] >= WINDOW[0] or m["type"] in ("warning_signal", "response_level")]
    engine = RulesEngine(**engine_kwargs(inputs))
    alerts, evaluate_s = [], 0.0
    for start in range(0, len(events), BATCH):
        t = time.perf_counter()
        alerts += engine.evaluate(events[start:start + BATCH])
        evaluate_s += time.perf_counter() - t
    return {"engine": engine, "events": events, "alerts": alerts, "inputs": inputs, "evaluate_s": evaluate_s,
            "total_s": time.perf_counter() - started}


def of(alerts, kind: str, rule: str) -> list:
    return [a for a in alerts if a.type == kind and a.payload["rule"] == rule]


def test_alert_ids_are_unique_and_clears_follow_their_raise(run):
    alerts = run["alerts"]
    assert len({a.id for a in alerts}) == len(alerts) > 10_000
    raised = {a.payload["alert_id"]: a for a in alerts if a.type == ALERT_RAISED}
    for a in alerts:
        if a.type == ALERT_CLEARED:
            assert a.event_time >= raised[a.payload["alert_id"]].event_time
    assert run["engine"].evaluate(run["events"][-BATCH:]) == []  # the last batch again: nothing new
    assert run["total_s"] < 30, run["total_s"]


def test_flood_alerts_on_25_and_26_july(run):
    alerts = run["alerts"]
    days = Counter((a.payload["rule"], beijing_text(a.event_time)[:10]) for a in alerts
                   if a.type == ALERT_RAISED and a.payload["rule"].startswith("ponding."))
    assert days[("ponding.general", "2021-07-26")] >= 30
    assert days[("ponding.underpass_closure", "2021-07-26")] >= 10
    assert days[("ponding.road_closure", "2021-07-26")] >= 1
    assert days[("ponding.general", "2021-07-25")] >= 1
    for a in of(alerts, ALERT_RAISED, "ponding.underpass_closure"):
        assert a.payload["point_kind"] == "underpass" and a.payload["depth_cm"] >= 25
    # the water has drained by early afternoon on 26 Jul: every ponding alert of the night is cleared, each at
    # least 30 minutes after the depth went below its line
    open_ = {a["alert_id"] for a in run["engine"].active_alerts() if a["rule"].startswith("ponding.")}
    assert not open_
    for a in of(alerts, ALERT_CLEARED, "ponding.general"):
        assert a.payload["reason_code"] == "drained"


def test_tree_alerts_as_the_gusts_rise(run):
    trees = of(run["alerts"], ALERT_RAISED, "trees.failure_risk")
    first = min(a.event_time for a in trees)
    assert bj("2021-07-24T16:00:00") <= first <= bj("2021-07-25T06:00:00")
    # the first alerts are very-high-risk trees at force 8, nearest to the gusting station first
    wave = [a for a in trees if a.event_time == first]
    assert {a.payload["grade"] for a in wave} == {"very_high"} and {a.payload["force"] for a in wave} >= {8}
    ranks = [a.payload["rank"] for a in sorted(wave, key=lambda a: a.payload["rank"])]
    assert ranks == list(range(1, len(wave) + 1))
    for a in trees:
        assert a.payload["force"] >= a.payload["min_force"]
    grades = Counter(a.payload["grade"] for a in trees)
    very_high = sum(g == "very_high" for g in run["inputs"]["trees"]["grade"])
    assert grades["very_high"] >= 0.8 * very_high  # gusts of force 8 reach nearly the whole city on 25 Jul
    assert grades["very_high"] / very_high > grades["low"] / sum(g == "low" for g in run["inputs"]["trees"]["grade"])


def test_stop_work_then_evacuation_at_the_orange_signal(run):
    alerts = run["alerts"]
    orange = bj("2021-07-24T20:00:00")
    gondolas = of(alerts, ALERT_RAISED, "sites.stop_gondolas")
    height = of(alerts, ALERT_RAISED, "sites.stop_work_at_height")
    assert min(a.event_time for a in gondolas) < orange and min(a.event_time for a in height) < orange
    evacuate = of(alerts, ALERT_RAISED, "sites.evacuate")
    assert len(evacuate) == len(run["inputs"]["sites"]["ids"]) == 4628  # every site has workers
    assert {a.event_time for a in evacuate} == {orange}
    assert {a.payload["typhoon_signal"] for a in evacuate} == {"orange"}
    assert {a.payload["response_level"] for a in evacuate} == {"II"}
    # under the evacuation orders no new stop-work order; lifted at 11:00 on 26 Jul, together
    lifted = bj("2021-07-26T11:00:00")
    assert all(not orange <= a.event_time < lifted for a in gondolas + height)
    assert {a.event_time for a in of(alerts, ALERT_CLEARED, "sites.evacuate")} == {lifted}
    assert any(a.event_time >= lifted for a in height)  # force 6 still blows: work at height stays stopped


def test_tide_and_rain(run):
    alerts = run["alerts"]
    gauges = {a.payload["object_id"] for a in of(alerts, ALERT_RAISED, "tide.above_warning")}
    assert gauges == {"TG-HPP", "TG-WS", "TG-MSD"}
    for a in of(alerts, ALERT_RAISED, "tide.above_warning"):
        assert a.payload["level_m"] >= a.payload["warning_level_m"]
    rain = [a for a in alerts if a.type == ALERT_RAISED and a.payload["rule"].startswith("rain.")]
    assert rain and {a.payload["signal_in_force"] for a in rain} == {"yellow"}  # yellow since 24 Jul 08:40
    assert {a.payload["recommended_signal"] for a in rain} == {"orange"}
