"""Acceptance (issue 4, point 6): Typhoon In-Fa through a real console Session at high speed, on the bundled demo.

The scenario's messages go through the feeds' parser and Session.ingest in batches of at most 5,000 messages and
10 minutes of scenario time (the ingest pump drains its queue every 100 ms: at x3600 that is 6 minutes; the rules
judge the wind once per batch, so an hours-long batch would see the orange signal before the wind that came first),
so the rules and the standing dispatch plan run as in the console.
To keep the run short, not every message of the span is played:
  - every warning signal and response level from the scenario's start (23 Jul 06:00 Beijing);
  - wind, rain, tide and camera messages from the start to 26 Jul 03:00 (stop-work orders as the wind rises, the
    evacuation orders at the orange signal on 24 Jul 20:00, tree alerts as the gusts reach force 8);
  - water depths from 25 Jul 18:00 to 26 Jul 03:00 (the night of the heavy rain: flood alerts, drainage, rescue).
The flood points simply report nothing before 25 Jul 18:00.
"""
from __future__ import annotations

import json
import shutil
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta

import pytest

from console.core import events as ev
from console.core.config import load_config
from console.core.feeds.messages import MessageParser
from console.core.scenario import InFaScenario
from console.core.session import Session
from console.core.store import Store
from console.core.timefmt import BEIJING, parse_time, to_utc_text
from helpers import live_batches

SPAN_END = "2021-07-26T03:00:00+08:00"
FLOOD_FROM = "2021-07-25T18:00:00+08:00"
BATCH = 5000
BATCH_SPAN_S = 600  # a batch never spans more than 10 minutes of scenario time, as the ingest pump's
STATION_TYPES = ("tide_level", "rainfall", "wind", "camera_status")


def bj(text: str) -> str:
    """Beijing time text -> stored UTC text."""
    return to_utc_text(datetime.fromisoformat(text).replace(tzinfo=BEIJING))


def minutes(a: str, b: str) -> float:
    return (parse_time(b) - parse_time(a)) / timedelta(minutes=1)


def alert_of_task(task_id: str) -> str:
    """task:<alert id>:<agency>:<action> -> the alert id."""
    return task_id.split(":", 1)[1].rsplit(":", 2)[0]


@pytest.fixture(scope="module")
def run(demo_db, tmp_path_factory):
    started = time.perf_counter()
    path = tmp_path_factory.mktemp("acceptance") / "console.db"
    shutil.copy(demo_db, path)
    store = Store(path)
    session = Session(store)
    parser = MessageParser(session.known, load_config().area, "scenario")
    scenario = InFaScenario.from_session(session, end=SPAN_END)
    start = scenario.start_time.isoformat()
    events = [parser.parse(json.dumps(m, ensure_ascii=False)) for m in scenario.messages()
              if m["type"] in ("warning_signal", "response_level") or m["type"] in STATION_TYPES
              or (m["type"] == "water_depth" and m["time"] >= FLOOD_FROM)]
    played = time.perf_counter()
    new = []
    for batch in live_batches(events, BATCH, BATCH_SPAN_S):
        new += session.ingest(batch)
    ingest_s = time.perf_counter() - played
    by_type = defaultdict(list)
    for e in new:
        by_type[e.type].append(e)
    out = {"session": session, "store": store, "events": events, "new": new, "by_type": by_type,
           "alerts": {r["id"]: r for r in store.rows("alerts")}, "incidents": store.rows("incidents"),
           "tasks": store.rows("tasks"), "start": start, "ingest_s": ingest_s,
           "last_time": max(e.event_time for e in events), "total_s": time.perf_counter() - started}
    yield out
    store.close()


def tasks(run, agency: str, action: str) -> list[dict]:
    return [t for t in run["tasks"] if (t["agency"], t["action"]) == (agency, action)]


def alerts(run, rule: str) -> list[dict]:
    return [a for a in run["alerts"].values() if a["rule"] == rule]


def test_the_run_is_fast_and_everything_was_derived_once(run):
    assert run["total_s"] < 90, run["total_s"]
    counts = Counter(e.type for e in run["new"])
    assert counts[ev.FLOOD_READING] > 50_000 and counts[ev.STATION_READING] > 30_000
    assert len({e.id for e in run["new"]}) == len(run["new"])
    # the last batch again: nothing new (no alert, incident, task or escalation derived twice)
    assert run["session"].ingest(run["events"][-BATCH:]) == []


def test_the_signals_at_their_real_times(run):
    signals = [(e.payload["hazard"], e.payload["level"], e.event_time) for e in run["by_type"][ev.SIGNAL_CHANGED]]
    assert ("typhoon", "blue", bj("2021-07-23T07:00:00")) in signals
    assert ("typhoon", "orange", bj("2021-07-24T20:00:00")) in signals
    levels = [(e.payload["level"], e.event_time) for e in run["by_type"][ev.RESPONSE_LEVEL_CHANGED]]
    assert ("IV", bj("2021-07-23T07:00:00")) in levels and ("II", bj("2021-07-24T20:00:00")) in levels
    assert run["session"].city_state()["typhoon_signal"] == "orange"


def test_stop_work_orders_as_the_wind_reaches_force_5_and_6_before_the_orange(run):
    orange = bj("2021-07-24T20:00:00")
    first_station = min(e.event_time for e in run["events"] if e.type == ev.STATION_READING)
    for rule, action, force in (("sites.stop_gondolas", "notify_stop_gondolas", 5),
                                ("sites.stop_work_at_height", "notify_stop_work", 6)):
        raised = [e for e in run["by_type"][ev.ALERT_RAISED] if e.payload["rule"] == rule]
        assert len(raised) >= 100, rule
        first = min(e.event_time for e in raised)
        # not at the first reading (the wind rises to it), on 24 Jul, before the orange signal
        assert first_station < first and bj("2021-07-24T00:00:00") <= first < orange, (rule, first)
        assert sum(e.event_time < orange for e in raised) >= 100
        for e in raised:
            assert e.payload["force"] >= force and e.payload["wind_ms"] >= (8.0 if force == 5 else 10.8)
        # water affairs publish the order to the site: a task per site, dispatched by the plan, no deadline
        orders = tasks(run, "water_affairs", action)
        assert len(orders) == len({e.payload["object_id"] for e in raised if e.event_time < orange})
        assert {t["state"] for t in orders} == {"dispatched"} and {t["due"] for t in orders} == {None}
        assert min(t["dispatched_at"] for t in orders) == first


def test_evacuation_orders_for_every_site_at_the_orange_signal(run):
    orange = bj("2021-07-24T20:00:00")
    sites = run["session"].layers["construction_sites"]
    evacuate = alerts(run, "sites.evacuate")
    assert len(evacuate) == len(sites.ids) == 4628
    assert {a["fired_at"] for a in evacuate} == {orange}
    orders = tasks(run, "water_affairs", "notify_evacuation")
    assert len(orders) == 4628 and {t["dispatched_at"] for t in orders} == {orange}
    assert {t["created_by"] for t in orders} == {"rules"} and {t["due"] for t in orders} == {None}
    # one incident per site: the stop-work orders before and the evacuation order are in the same one
    site_incidents = [i for i in run["incidents"] if i["object_kind"] == "construction_sites"]
    assert len(site_incidents) == 4628 == len({i["object_id"] for i in site_incidents})
    by_id = {i["id"]: i for i in site_incidents}
    assert {by_id[t["incident_id"]]["object_id"] for t in orders} == set(map(str, sites.ids))
    # each reads as its worst alert: the evacuation order (extreme) over any stop-work order before it
    assert {i["severity"] for i in site_incidents} == {"extreme"}
    assert all(i["title"].startswith("Evacuate the ") for i in site_incidents)
    evacuation_incident = {a["object_id"]: a["incident_id"] for a in evacuate}
    stopped = alerts(run, "sites.stop_gondolas") + alerts(run, "sites.stop_work_at_height")
    assert stopped and all(a["incident_id"] == evacuation_incident[a["object_id"]] for a in stopped)


def test_tree_alerts_and_tasks_for_greening_as_the_gusts_rise(run):
    trees = alerts(run, "trees.failure_risk")
    assert len(trees) >= 1000
    first = min(a["fired_at"] for a in trees)
    assert bj("2021-07-24T16:00:00") <= first <= bj("2021-07-25T06:00:00")
    # the bulk comes on 25 Jul, as the typhoon comes closest
    assert sum(bj("2021-07-25T00:00:00") <= a["fired_at"] < bj("2021-07-26T00:00:00") for a in trees) > 0.8 * len(
        trees)
    greening = tasks(run, "greening", "make_tree_safe")
    # one task per tree (a tree alerted again joins its incident), waiting for the duty officer: no deadline
    assert len(greening) == len({a["object_id"] for a in trees})
    assert {t["state"] for t in greening} == {"new"} and {t["due"] for t in greening} == {None}
    assert all(t["created_at"] == run["alerts"][alert_of_task(t["id"])]["fired_at"] for t in greening)
    assert not any(t["overdue"] for t in greening)


def test_flood_alerts_and_drainage_tasks_with_the_rain(run):
    general = alerts(run, "ponding.general")
    underpass = alerts(run, "ponding.underpass_closure")
    road = alerts(run, "ponding.road_closure")
    assert len(general) >= 30 and len(underpass) >= 10 and len(road) >= 1
    flood_from = bj(FLOOD_FROM.replace("+08:00", ""))
    # none while the first readings come in: the water rises with the rain in the night of 25-26 Jul
    assert min(a["fired_at"] for a in general) > bj("2021-07-25T20:00:00")
    assert all(bj("2021-07-25T20:00:00") < a["fired_at"] < bj("2021-07-26T03:00:00") for a in underpass + road)
    assert min(a["fired_at"] for a in general) > flood_from
    drain = tasks(run, "water_affairs", "drain")
    closure = tasks(run, "water_affairs", "close_underpass")
    assert len(drain) == len({a["object_id"] for a in general}) and len(drain) >= 30
    assert len(closure) == len({a["object_id"] for a in underpass}) >= 10
    # night: water affairs have 60 minutes to be on scene
    for t in drain + closure:
        assert t["state"] == "dispatched" and minutes(t["dispatched_at"], t["due"]) == 60


def test_rescue_tasks_for_fire_and_rescue_where_the_water_gets_deep(run):
    road = alerts(run, "ponding.road_closure")
    rescue = tasks(run, "fire_rescue", "rescue")
    closing = tasks(run, "water_affairs", "close_road")
    assert len(rescue) == len(closing) == len({a["object_id"] for a in road}) >= 1
    incidents = {i["id"]: i for i in run["incidents"]}
    for t in rescue:
        alert = run["alerts"][alert_of_task(t["id"])]
        assert alert["rule"] == "ponding.road_closure" and json.loads(alert["readings"])[0]["value"] >= 40
        assert t["dispatched_at"] == alert["fired_at"] and minutes(t["dispatched_at"], t["due"]) == 15
        incident = incidents[t["incident_id"]]
        assert incident["object_id"] == alert["object_id"] and incident["severity"] == "extreme"
        # the same incident holds the water affairs' tasks: one thing, handled once
        agencies = {(x["agency"], x["action"]) for x in run["tasks"] if x["incident_id"] == t["incident_id"]}
        assert {("water_affairs", "drain"), ("water_affairs", "close_road"), ("fire_rescue", "rescue")} <= agencies


def test_every_auto_task_is_dispatched_at_its_alert_s_time(run):
    by_rules = [t for t in run["tasks"] if t["created_by"] == "rules"]
    assert len(by_rules) == len(run["tasks"]) > 10_000
    plans = Counter()
    for t in by_rules:
        alert = run["alerts"][alert_of_task(t["id"])]
        assert t["created_at"] == alert["fired_at"]
        assert alert["incident_id"] == t["incident_id"]
        if t["agency"] == "greening":
            assert t["state"] == "new" and t["dispatched_at"] is None
        else:
            assert t["state"] == "dispatched" and t["dispatched_at"] == alert["fired_at"]
        plans[t["agency"], t["action"]] += 1
    assert set(plans) == {("water_affairs", "notify_stop_gondolas"), ("water_affairs", "notify_stop_work"),
                          ("water_affairs", "notify_evacuation"), ("greening", "make_tree_safe"),
                          ("water_affairs", "drain"), ("water_affairs", "close_underpass"),
                          ("water_affairs", "close_road"), ("fire_rescue", "rescue"),
                          ("water_affairs", "flood_wall_patrol")}


def test_one_incident_per_object(run):
    keys = Counter((i["object_kind"], i["object_id"]) for i in run["incidents"])
    assert keys.most_common(1)[0][1] == 1
    assert all(i["state"] == "open" and i["opened_by"] == "rules" for i in run["incidents"])
    planned = {a["object_kind"] + "/" + a["object_id"] for a in run["alerts"].values()
               if not a["rule"].startswith("rain.")}
    assert {k + "/" + o for k, o in keys} == planned
    # every alert of a planned rule is in its object's incident; rain recommendations stay alerts
    by_object = {(i["object_kind"], i["object_id"]): i["id"] for i in run["incidents"]}
    for a in run["alerts"].values():
        if a["rule"].startswith("rain."):
            assert a["incident_id"] is None
        else:
            assert a["incident_id"] == by_object[a["object_kind"], a["object_id"]]
    assert Counter(k for k, _ in keys)["flood_points"] >= 30


def test_late_tasks_escalate_at_their_deadline(run):
    overdue = run["by_type"][ev.TASK_OVERDUE]
    assert overdue  # nobody answers in this run: the crews' tasks all go late
    tasks_by_id = {t["id"]: t for t in run["tasks"]}
    assert len({e.payload["task_id"] for e in overdue}) == len(overdue)
    for e in overdue:
        task = tasks_by_id[e.payload["task_id"]]
        assert e.event_time == task["due"] == e.payload["due"] and task["overdue"] == 1
    # exactly the tasks with a deadline before the last reading
    late = {t["id"] for t in run["tasks"] if t["due"] and t["due"] <= run["last_time"]}
    assert {e.payload["task_id"] for e in overdue} == late
    agencies = Counter(tasks_by_id[e.payload["task_id"]]["agency"] for e in overdue)
    assert agencies["water_affairs"] >= 10 and agencies["fire_rescue"] >= 1
