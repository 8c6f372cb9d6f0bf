"""The Typhoon In-Fa scenario and its player, on the bundled demo objects (no Qt)."""
from __future__ import annotations

import json
import queue
import shutil
import threading
import time
from collections import Counter, defaultdict
from datetime import datetime, timezone

import numpy as np
import pytest

from console.core.config import load_config
from console.core.feeds.base import FeedState, drain
from console.core.feeds.messages import MessageParser
from console.core.scenario import TIMELINE, InFaScenario, ScenarioFeed, publish_scenario
from console.core.session import Session
from console.core.store import Store
from console.core.timefmt import BEIJING

SAMPLE_EVERY = 16  # parse every 16th message of the ~810,000: over 50,000, spread over the whole span


def bj(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BEIJING)


@pytest.fixture(scope="module")
def session(demo_db, tmp_path_factory):
    """A real store and session holding the bundled demo (conftest's demo_db runs ensure_demo), copied here."""
    path = tmp_path_factory.mktemp("scenario") / "console.db"
    shutil.copy(demo_db, path)
    store = Store(path)
    yield Session(store)
    store.close()


@pytest.fixture(scope="module")
def scenario(session):
    return InFaScenario.from_session(session)


@pytest.fixture(scope="module")
def parser(session):
    return MessageParser(session.known, load_config().area, "scenario")


@pytest.fixture(scope="module")
def wusong(scenario):
    """The weather station nearest the Wusong tide gauge (the demo's 吴淞口气象站)."""
    assert "TG-WS" in scenario.gauge_ids
    d = np.hypot(scenario.weather_lon - 121.5060, scenario.weather_lat - 31.3920)
    return scenario.weather_ids[int(np.argmin(d))]


@pytest.fixture(scope="module")
def run(scenario, parser, wusong):
    """One pass over the whole default span, keeping what the tests look at."""
    out = {"count": 0, "order_ok": True, "ids_ok": True, "kinds": Counter(), "signals": [], "rejected": [],
           "sampled": 0, "hpp_max": defaultdict(float), "wusong_gust": defaultdict(float),
           "deep25": Counter(), "max_depth": {}, "rain_acc": {}, "cameras": defaultdict(list), "first": [],
           "window": []}
    window = (bj("2021-07-25T09:00").isoformat(), bj("2021-07-25T09:20").isoformat())
    last_time, group = "", set()
    started = time.perf_counter()
    for m in scenario.messages():
        n = out["count"] = out["count"] + 1
        t = m["time"]
        if t != last_time:
            out["order_ok"] &= t > last_time and t.endswith("+08:00")
            last_time, group = t, set()
        # ids: unique within one time, and each carries its own time, so unique overall
        stamp = t[:4] + t[5:7] + t[8:10] + "T" + t[11:13] + t[14:16]
        out["ids_ok"] &= m["id"] not in group and stamp in m["id"]
        group.add(m["id"])
        kind = m["type"]
        out["kinds"][kind] += 1
        if n <= 1000:
            out["first"].append(m)
        if window[0] <= t < window[1]:
            out["window"].append(m)
        if kind in ("warning_signal", "response_level"):
            out["signals"].append(m)
        if kind == "water_depth":
            if m["depth_cm"] >= 25:
                out["deep25"][t] += 1
            out["max_depth"][t] = max(out["max_depth"].get(t, 0.0), m["depth_cm"])
        elif kind == "tide_level" and m["station_id"] == "TG-HPP":
            out["hpp_max"][t[:10]] = max(out["hpp_max"][t[:10]], m["level_m"])
        elif kind == "wind" and m["station_id"] == wusong:
            out["wusong_gust"][t[:10]] = max(out["wusong_gust"][t[:10]], m["gust_ms"])
        elif kind == "rainfall":
            out["rain_acc"][m["station_id"]] = m["rain_acc_mm"]
        elif kind == "camera_status":
            out["cameras"][m["camera_id"]].append(m["state"])
    out["seconds"] = time.perf_counter() - started
    # parse a sample spread over the span, and every signal, as the console's feeds would
    for i, m in enumerate(scenario.messages()):
        if i % SAMPLE_EVERY == 0 or m["type"] in ("warning_signal", "response_level", "camera_status"):
            try:
                parser.parse(json.dumps(m, ensure_ascii=False))
            except ValueError as exc:
                out["rejected"].append((m, str(exc)))
            out["sampled"] += 1
    return out


def test_demo_has_the_stations(session):
    layer = session.layers["stations"]
    kinds = Counter(layer.attrs["kind"])
    assert kinds == {"weather": 50, "tide": 3}
    levels = {i: layer.attrs["warning_level_m"][layer.row_of(i)] for i in ("TG-HPP", "TG-WS", "TG-MSD")}
    assert levels == {"TG-HPP": 4.55, "TG-WS": 4.80, "TG-MSD": 3.50}
    districts = Counter(d for d, k in zip(layer.attrs["district"], layer.attrs["kind"]) if k == "weather")
    assert len(districts) == 16 and districts["崇明区"] >= 4


def test_span_and_count(scenario, run):
    assert scenario.start_time == bj("2021-07-23T06:00") and scenario.end_time == bj("2021-07-27T00:00")
    assert run["count"] == scenario.count() > 750_000
    steps = 90 * 12
    assert run["kinds"]["water_depth"] == steps * 700
    assert run["kinds"]["tide_level"] == steps * 3
    assert run["kinds"]["rainfall"] == run["kinds"]["wind"] == steps // 2 * 50
    assert 200 <= run["kinds"]["camera_status"] <= 800
    assert run["count"] / run["seconds"] >= 50_000, f"{run['count'] / run['seconds']:,.0f} messages/s"


def test_messages_are_time_ordered_with_unique_ids(run):
    assert run["order_ok"]
    assert run["ids_ok"]


def test_a_sample_spread_over_the_span_all_parse(run):
    assert run["sampled"] >= 50_000
    assert run["rejected"] == []


def test_signals_and_response_levels_at_the_real_times(run, parser):
    got = [(parser.parse(json.dumps(m)).event_time, m.get("hazard", "response"), m["level"]) for m in run["signals"]]
    expected_real = [
        ("2021-07-22T23:00:00.000Z", "typhoon", "blue"),  # 23 Jul 07:00 Beijing (domain.md)
        ("2021-07-22T23:00:00.000Z", "response", "IV"),
        ("2021-07-24T00:40:00.000Z", "rainstorm", "yellow"),
        ("2021-07-24T00:40:00.000Z", "response", "III"),
        ("2021-07-24T12:00:00.000Z", "typhoon", "orange"),
        ("2021-07-24T12:00:00.000Z", "response", "II"),
        ("2021-07-26T03:00:00.000Z", "typhoon", "yellow"),  # 26 Jul 11:00 Beijing (domain.md)
        ("2021-07-26T03:00:00.000Z", "response", "III"),
        ("2021-07-26T03:00:00.000Z", "rainstorm", "blue"),
        ("2021-07-26T14:15:00.000Z", "rainstorm", "yellow"),
    ]
    for item in expected_real:
        assert item in got, item
    typhoon = [level for _, hazard, level in got if hazard == "typhoon"]
    assert typhoon[:3] == ["blue", "yellow", "orange"] and "red" not in typhoon  # the peak was orange
    assert [g[0] for g in got] == sorted(g[0] for g in got)
    in_span = [e for e in TIMELINE if bj("2021-07-23T06:00") <= e.time < bj("2021-07-27T00:00")]
    assert len(got) == len(in_span)
    assert sum(e.real for e in in_span) == len(expected_real)


def test_huangpu_park_above_its_warning_level_on_25_july_only_later(run):
    hpp = run["hpp_max"]
    assert hpp["2021-07-23"] < 4.55
    assert hpp["2021-07-25"] > 4.55
    assert max(hpp.values()) < 5.6


def test_flood_points_rise_at_the_peak_and_drain(run):
    deep = run["deep25"]
    peak_time, peak = max(deep.items(), key=lambda kv: kv[1])
    assert peak >= 10, "at the storm's peak some flood points reach 25 cm"
    assert bj("2021-07-24T00:00").isoformat() <= peak_time < bj("2021-07-26T12:00").isoformat()
    assert peak < 700 * 0.2  # a realistic share, not the whole city
    depths = run["max_depth"]
    assert depths[max(depths)] < 15, "drained back below 15 cm by the end"
    assert depths[min(depths)] == 0.0


def test_wusong_gusts_and_rain_totals_are_plausible(run):
    gusts = run["wusong_gust"]
    assert gusts["2021-07-25"] >= 20
    assert gusts["2021-07-23"] < 12  # the storm is still ~800 km away
    totals = np.array(list(run["rain_acc"].values()))
    assert len(totals) == 50
    assert 80 <= totals.min() and np.median(totals) <= 260 and totals.max() <= 400


def test_cameras_go_offline_and_most_come_back(run):
    histories = run["cameras"]
    assert all(states[0] == "offline" for states in histories.values())
    back = sum(states[-1] == "online" for states in histories.values())
    assert 0.7 * len(histories) <= back < len(histories)


def test_same_seed_same_messages(session, run):
    again = InFaScenario.from_session(session)
    assert list(zip(range(1000), again.messages())) == list(enumerate(run["first"]))
    other = InFaScenario.from_session(session, seed=1)
    first = [m for _, m in zip(range(1000), other.messages())]
    assert [m["id"] for m in first] == [m["id"] for m in run["first"]]  # same objects, same times
    assert first != run["first"]  # other readings


def test_a_window_is_the_same_as_that_part_of_the_whole(scenario, run):
    window = list(scenario.messages(bj("2021-07-25T09:00"), bj("2021-07-25T09:20")))
    assert window == run["window"]
    assert len(window) == 4 * 703 + 2 * 100 + sum(
        1 for m in run["window"] if m["type"] == "camera_status")


def _feed(session, parser, scenario, start, end, speed, clock_calls):
    def on_clock(moment, speed_):
        clock_calls.append((moment, speed_))
        session.clock.follow(moment, speed_)

    sink: queue.SimpleQueue = queue.SimpleQueue()
    feed = ScenarioFeed.for_scenario("in-fa", parser, sink, scenario, speed=speed, start=start, end=end,
                                     on_clock=on_clock)
    return feed, sink


def _wait(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_feed_at_3600_delivers_every_message_of_the_window_in_order(session, parser, scenario, run):
    start, end = bj("2021-07-25T09:00"), bj("2021-07-25T09:20")
    calls = []
    feed, sink = _feed(session, parser, scenario, start, end, 3600, calls)
    began = time.monotonic()
    feed.start()
    _wait(lambda: feed.health.snapshot().state == FeedState.FINISHED)
    elapsed = time.monotonic() - began
    feed.stop()
    events = drain(sink)
    assert [e.id for e in events] == [m["id"] for m in run["window"]]
    health = feed.health.snapshot()
    assert health.accepted == len(events) and health.rejected == 0
    assert 0.2 < elapsed < 5.0  # 20 scenario minutes at ×3600 take a third of a second, plus the models
    assert calls[0] == (start.astimezone(timezone.utc), 3600.0)
    assert calls[-1][1] == 0.0  # the clock stops at the end
    assert feed.scenario_time >= bj("2021-07-25T09:15")
    assert session.clock.simulated and session.clock.now() == calls[-1][0]
    session.ingest(events)
    assert session.layers["stations"].feature(session.layers["stations"].row_of("TG-HPP"))["level_m"] > 0


def test_feed_signals_reach_the_city_state(session, parser, scenario):
    feed, sink = _feed(session, parser, scenario, bj("2021-07-23T06:55"), bj("2021-07-23T07:05"), 3600, [])
    feed.start()
    _wait(lambda: feed.finished)
    feed.stop()
    session.ingest(drain(sink))
    state = session.city_state()
    assert state["typhoon_signal"] == "blue" and state["response_level"] == "IV"


def test_pause_stops_delivery_and_speed_changes_reach_the_clock(session, parser, scenario):
    calls = []
    feed, sink = _feed(session, parser, scenario, bj("2021-07-25T10:00"), bj("2021-07-25T11:00"), 3600, calls)
    feed.start()
    _wait(lambda: feed.delivered > 0)
    feed.pause()
    time.sleep(0.15)  # let a batch in progress finish
    count, moment = feed.delivered, feed.scenario_time
    time.sleep(0.3)
    assert feed.delivered == count and feed.scenario_time == moment and not feed.finished
    assert calls[-1] == (moment, 0.0)
    feed.set_speed(1800)
    assert feed.speed == 1800
    feed.resume()
    assert calls[-1] == (moment, 1800.0)
    _wait(lambda: feed.finished)
    feed.stop()
    assert len(drain(sink)) == feed.delivered == 12 * 703 + 6 * 100 + sum(
        1 for m in scenario.messages(bj("2021-07-25T10:00"), bj("2021-07-25T11:00")) if m["type"] == "camera_status")
    with pytest.raises(ValueError):
        feed.set_speed(-1)
    with pytest.raises(ValueError):
        feed.set_speed(7200)


def test_stopping_a_feed_mid_way(session, parser, scenario):
    feed, sink = _feed(session, parser, scenario, None, None, 1, [])
    feed.start()
    _wait(lambda: feed.delivered > 0)
    feed.stop()
    assert feed.health.snapshot().state == FeedState.DOWN
    assert 0 < feed.delivered < 2000


def test_feed_of_the_built_in_scenario_by_name_at_once(session, parser):
    """As a feed configuration builds it: type "scenario", scenario "in-fa", speed 0 (as fast as possible)."""
    sink: queue.SimpleQueue = queue.SimpleQueue()
    feed = ScenarioFeed("exercise", parser, sink, scenario="in-fa", speed=0, end=bj("2021-07-23T07:30"))
    feed.start()
    _wait(lambda: feed.finished)
    feed.stop()
    events = drain(sink)
    health = feed.health.snapshot()
    assert health.state == FeedState.FINISHED and health.rejected == 0
    assert len(events) == feed.delivered == 18 * 703 + 9 * 100 + 2  # with the blue signal and response IV
    assert feed.scenario_time == bj("2021-07-23T07:25")
    with pytest.raises(ValueError):
        ScenarioFeed("x", parser, sink, scenario="lekima")
    with pytest.raises(ValueError):
        ScenarioFeed("x", parser, sink)


def test_publish_scenario_topics_and_pacing(scenario):
    sent = []
    messages = list(scenario.messages(bj("2021-07-25T09:00"), bj("2021-07-25T09:10")))
    count = publish_scenario(messages, lambda topic, payload: sent.append((topic, payload)), speed=0)
    assert count == len(sent) == len(messages)
    topics = {t.split("/")[1] for t, _ in sent}
    assert {"water_depth", "tide_level", "rainfall", "wind"} <= topics
    assert sent[0][0].startswith("city/") and json.loads(sent[0][1]) == messages[0]
    began = time.monotonic()
    publish_scenario(messages, lambda topic, payload: None, speed=3600)  # 10 minutes at ×3600: ~0.17 s
    assert 0.1 < time.monotonic() - began < 2.0
    stop = threading.Event()
    stop.set()
    assert publish_scenario(messages, lambda topic, payload: None, speed=1, stop=stop) == 0


def test_scenario_from_plain_objects_and_time_bounds():
    floods = [{"id": "FP-1", "lon": 121.47, "lat": 31.23, "sensor_id": "WS-1", "kind": "underpass"}]
    stations = [{"id": "WX-1", "lon": 121.50, "lat": 31.38, "kind": "weather"},
                {"id": "TG-X", "lon": 121.49, "lat": 31.25, "kind": "tide", "warning_level_m": 4.55}]
    scenario = InFaScenario(floods, stations, [], seed=7, start="2021-07-25T08:00:00+08:00",
                            end=bj("2021-07-25T09:00"))
    messages = list(scenario.messages())
    assert len(messages) == scenario.count() == 12 * 2 + 6 * 2
    assert messages[0]["time"] == "2021-07-25T08:00:00+08:00" and messages[-1]["time"] == "2021-07-25T08:55:00+08:00"
    assert {m["type"] for m in messages} == {"water_depth", "tide_level", "rainfall", "wind"}
    assert messages[0]["id"] == "TG-X-20210725T080000"
    with pytest.raises(ValueError):
        InFaScenario(floods, stations, [], end=bj("2021-07-22T00:00"))
