"""The MQTT feed against a real mosquitto broker (tests/feeds/conftest.py): no mocks."""
from __future__ import annotations

import json
import queue
import random
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from console.core import events as ev
from console.core.feeds.base import RATE_WINDOW_S, FeedState, drain
from console.core.feeds.messages import MessageParser
from console.core.feeds.mqtt import MqttFeed, MqttPublisher, MqttSettings, backoff_delay, topic_for
from console.core.session import Session
from console.core.store import Store
from helpers import register, wait_until

SENSORS = 20
BASE_TIME = datetime(2021, 7, 25, 9, 0, tzinfo=timezone(timedelta(hours=8)))


def settings(port: int, **overrides) -> MqttSettings:
    values = dict(host="127.0.0.1", port=port, client_id=f"console-test-{uuid.uuid4().hex[:8]}",
                  keepalive=5, min_backoff_s=0.1, max_backoff_s=1.0)
    return MqttSettings(**{**values, **overrides})


def reading(i: int, sensor: int | None = None, **changes) -> dict:
    """Water-depth message number i, for sensor i % SENSORS unless given; event time grows with i."""
    sensor = i % SENSORS if sensor is None else sensor
    message = {"id": f"WS-{sensor:04d}-m{i:05d}", "type": "water_depth",
               "time": (BASE_TIME + timedelta(seconds=i)).isoformat(), "sensor_id": f"WS-{sensor:04d}",
               "depth_cm": round((i * 7.3) % 120, 1)}
    return {**message, **changes}


@pytest.fixture
def session(tmp_path):
    store = Store(tmp_path / "db")
    s = Session(store)
    s.ingest([register("flood_points", f"FP-{k:03d}", 121.40 + 0.002 * k, 31.22, name=f"point {k}",
                       kind="underpass", sensor_id=f"WS-{k:04d}") for k in range(SENSORS)])
    assert len(s.known.flood_point_of_sensor) == 2 * SENSORS  # each point's sensor id and its own id
    yield s
    store.close()


@pytest.fixture
def closing():
    """Feeds and publishers to stop at teardown, even when the test failed."""
    things: list = []
    yield things
    for thing in reversed(things):
        if isinstance(thing, MqttFeed):
            thing.stop()
        else:
            thing.close(flush_timeout=0)


def start_feed(session: Session, mqtt_settings: MqttSettings, closing: list,
               sink: queue.SimpleQueue | None = None) -> MqttFeed:
    parser = MessageParser(session.known, session.store.config.area, source="mqtt")
    feed = MqttFeed("city", parser, sink if sink is not None else queue.SimpleQueue(), mqtt_settings)
    closing.append(feed)
    feed.start()
    wait_until(lambda: feed.health.snapshot().state == FeedState.CONNECTED, 10, "the feed to connect and subscribe")
    return feed


def start_publisher(mqtt_settings: MqttSettings, closing: list) -> MqttPublisher:
    publisher = MqttPublisher(mqtt_settings)
    closing.append(publisher)
    assert publisher.wait_connected(10), "the publisher did not connect"
    return publisher


def states(feed: MqttFeed) -> list[FeedState]:
    """The feed's state changes, without repeats."""
    out: list[FeedState] = []
    for _, state, _ in feed.history:
        if not out or out[-1] != state:
            out.append(state)
    return out


# --- no broker needed -------------------------------------------------------------------------------
def test_topics_follow_the_documented_scheme():
    assert topic_for(reading(1, sensor=3)) == "city/water_depth/WS-0003"
    assert topic_for({"type": "tide_level", "station_id": "TG-HPP"}) == "city/tide_level/TG-HPP"
    assert topic_for({"type": "rainfall", "station_id": "WX-017"}) == "city/rainfall/WX-017"
    assert topic_for({"type": "wind", "station_id": "WX-017"}) == "city/wind/WX-017"
    assert topic_for({"type": "camera_status", "camera_id": "CAM-00042"}) == "city/camera_status/CAM-00042"
    assert topic_for({"type": "warning_signal", "hazard": "typhoon"}) == "city/warning_signal/typhoon"
    assert topic_for({"type": "response_level", "level": "III"}) == "city/response_level"
    assert topic_for({"type": "field_report", "team": "绿化三队"}) == "city/field_report/绿化三队"
    assert topic_for({"type": "field_report", "team": "a/b+#"}) == "city/field_report/a_b__"  # no extra levels
    assert topic_for({"type": "batch", "gateway": "GW-PD-07", "messages": []}) == "city/batch/GW-PD-07"
    assert topic_for(b'<?xml version="1.0"?><alert/>') == "city/cap"
    assert topic_for("  <alert/>") == "city/cap"
    for bad in ({"type": "nonsense"}, {"type": "water_depth"}, {"type": "wind", "station_id": " "}, b"{}"):
        with pytest.raises(ValueError):
            topic_for(bad)


def test_backoff_is_exponential_capped_and_jittered():
    rng = random.Random(7)
    for attempt, base in [(0, 0.5), (1, 1.0), (2, 2.0), (5, 16.0), (6, 30.0), (200, 30.0)]:
        delays = [backoff_delay(attempt, 0.5, 30, rng) for _ in range(200)]
        assert base * 0.5 <= min(delays) and max(delays) <= base * 1.5
        assert max(delays) - min(delays) > base * 0.5  # really jittered, not a constant
    with pytest.raises(ValueError):
        MqttSettings(min_backoff_s=5, max_backoff_s=1)
    with pytest.raises(ValueError):
        MqttSettings(qos=3)
    assert MqttSettings().client_id.startswith("emergency-console-") and MqttSettings().topics == ("city/#",)


def test_unreachable_broker_is_retried_and_stop_ends_the_wait_at_once(session, closing, unused_port):
    feed = MqttFeed("city", MessageParser(session.known, session.store.config.area, "mqtt"), queue.SimpleQueue(),
                    settings(unused_port, min_backoff_s=20, max_backoff_s=60))
    closing.append(feed)
    feed.start()
    wait_until(lambda: "retry in" in feed.health.snapshot().detail, 5, "a failed connection attempt")
    snapshot = feed.health.snapshot()
    assert snapshot.state == FeedState.RECONNECTING
    assert "unreachable" in snapshot.detail and "Connection refused" in snapshot.detail, snapshot.detail
    started = time.monotonic()
    feed.stop()
    assert time.monotonic() - started < 1.0  # the 10–30 s back-off sleep ended at once
    assert not feed._thread.is_alive()
    assert feed.health.snapshot().state == FeedState.DOWN
    assert states(feed) == [FeedState.CONNECTING, FeedState.RECONNECTING, FeedState.DOWN]


def test_a_server_that_never_answers_is_given_up_on_and_retried(session, closing, monkeypatch):
    import socket

    from console.core.feeds import mqtt as mqtt_module

    monkeypatch.setattr(mqtt_module, "CONNECT_TIMEOUT_S", 0.3)
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts TCP connections, never says a word
        feed = MqttFeed("city", MessageParser(session.known, session.store.config.area, "mqtt"),
                        queue.SimpleQueue(), settings(silent.getsockname()[1], min_backoff_s=0.05, max_backoff_s=0.1))
        closing.append(feed)
        feed.start()
        wait_until(lambda: sum("did not answer within 0.3 s" in d for _, _, d in feed.history) >= 2, 5,
                 "two attempts to time out")
        feed.stop()
    assert feed.health.snapshot().state == FeedState.DOWN


# --- against mosquitto ------------------------------------------------------------------------------
def test_messages_arrive_as_events_and_bad_ones_are_rejected_with_reasons(mosquitto, session, closing):
    mqtt_settings = settings(mosquitto.port)
    sink: queue.SimpleQueue = queue.SimpleQueue()
    feed = start_feed(session, mqtt_settings, closing, sink)
    publisher = start_publisher(mqtt_settings, closing)

    first = reading(1, sensor=4)
    publisher.publish(topic_for(first), json.dumps(first))
    event = sink.get(timeout=10)
    assert (event.id, event.type, event.source) == (first["id"], ev.FLOOD_READING, "mqtt")
    assert event.payload == {"id": "FP-004", "depth_cm": first["depth_cm"]}  # sensor id → its flood point
    assert event.event_time == "2021-07-25T01:00:01.000Z"

    bad = [
        ("city/water_depth/WS-0001", b'{"id": "broken", "type": "water_depth", "time": ', "not valid JSON"),
        ("city/water_depth/WS-0001", json.dumps(reading(2, depth_cm="deep")), "'depth_cm' is 'deep', not a number"),
        ("city/water_depth/WS-9999", json.dumps(reading(3, sensor=9999)), "unknown sensor 'WS-9999'"),
        ("city/water_depth/WS-0001", json.dumps(reading(4, padding="x" * 70_000)), "larger than 65,536"),
    ]
    for topic, payload, _ in bad:
        publisher.publish(topic, payload)
    good = reading(5)
    publisher.publish(topic_for(good), json.dumps(good))
    assert sink.get(timeout=10).id == good["id"]  # the feed kept running after the bad ones
    assert drain(sink) == []

    snapshot = feed.health.snapshot()
    assert (snapshot.accepted, snapshot.rejected) == (2, 4)
    assert len(snapshot.rejections) == 4
    for rejection, (_, _, reason) in zip(snapshot.rejections, bad):
        assert reason in rejection.reason, rejection
    assert snapshot.rejections[1].excerpt.startswith('{"id": "WS-0002-m00002"')
    assert snapshot.state == FeedState.CONNECTED and feed._thread.is_alive()


def test_a_gateway_batch_arrives_as_one_event_per_good_reading(mosquitto, session, closing):
    mqtt_settings = settings(mosquitto.port)
    sink: queue.SimpleQueue = queue.SimpleQueue()
    feed = start_feed(session, mqtt_settings, closing, sink)
    publisher = start_publisher(mqtt_settings, closing)
    readings = [reading(i) for i in range(1, 41)]
    readings[6] = reading(7, sensor=9999)
    batch = {"id": "GW-PD-07-0001", "type": "batch", "gateway": "GW-PD-07", "messages": readings}
    publisher.publish(topic_for(batch), json.dumps(batch))
    wait_until(lambda: feed.health.snapshot().accepted == 39, 10, "the batch's readings")
    events = drain(sink)
    assert [e.id for e in events] == [r["id"] for r in readings if r is not readings[6]]
    snapshot = feed.health.snapshot()
    assert snapshot.rejected == 1 and snapshot.rejections[0].reason == \
        "batch 'GW-PD-07-0001', message 7: unknown sensor 'WS-9999'"
    assert snapshot.rate == 40 / RATE_WINDOW_S  # messages, not MQTT messages


def test_messages_sent_while_the_console_is_away_arrive_when_it_returns(mosquitto, session, closing):
    mqtt_settings = settings(mosquitto.port)  # one client id: the console's persistent session
    sink: queue.SimpleQueue = queue.SimpleQueue()
    feed = start_feed(session, mqtt_settings, closing, sink)
    feed.stop()
    assert feed.health.snapshot().state == FeedState.DOWN
    publisher = start_publisher(mqtt_settings, closing)

    away = [reading(i) for i in range(10)]
    for message in away[:5]:
        publisher.publish(topic_for(message), json.dumps(message))
    mosquitto.stop()  # the session and its queued messages survive a broker restart (persistence)
    mosquitto.start()
    for message in away[5:]:
        publisher.publish(topic_for(message), json.dumps(message), timeout=15)  # queued until reconnected
    assert sink.empty()

    feed.start()  # the same client id resumes the session: the broker sends what it queued
    received = []
    deadline = time.monotonic() + 10
    while len({e.id for e in received}) < len(away) and time.monotonic() < deadline:
        received.extend(drain(sink))
        time.sleep(0.02)
    assert {e.id for e in received} == {m["id"] for m in away}
    assert [e.id for e in received] == [m["id"] for m in away]  # in order, once each
    assert any("session resumed" in detail for _, _, detail in feed.history)
    assert session.ingest(received) and session.ingest(received) == []  # a second delivery changes nothing


def test_the_feed_subscribes_again_when_the_broker_forgot_its_session(mosquitto, session, closing):
    sink: queue.SimpleQueue = queue.SimpleQueue()
    feed = start_feed(session, settings(mosquitto.port), closing, sink)
    mosquitto.stop()
    (mosquitto.directory / "data" / "mosquitto.db").unlink()  # a broker without the console's session
    mosquitto.start()
    wait_until(lambda: states(feed)[-2:] == [FeedState.RECONNECTING, FeedState.CONNECTED], 10,
             "the feed to reconnect and subscribe again")
    assert "new session" in [detail for _, _, detail in feed.history][-2]
    publisher = start_publisher(settings(mosquitto.port), closing)
    message = reading(42)
    publisher.publish(topic_for(message), json.dumps(message))
    assert sink.get(timeout=10).id == message["id"]


def test_no_acknowledged_message_is_lost_when_the_broker_restarts(mosquitto, session, closing):
    """The issue's acceptance test: a steady publisher, the broker stopped mid-stream and restarted; every
    message the broker acknowledged ends up stored exactly once."""
    total, rate = 3000, 600.0  # messages, per second: about 5 s of publishing
    # The console backs off longer than the publisher, so that the publisher is usually back first and the
    # broker must queue messages for the console's session (a clean session loses them; the test above checks
    # that case deterministically).
    sink: queue.SimpleQueue = queue.SimpleQueue()
    feed = start_feed(session, settings(mosquitto.port, min_backoff_s=1.0, max_backoff_s=2.0), closing, sink)
    publisher = start_publisher(settings(mosquitto.port, min_backoff_s=0.05, max_backoff_s=0.1), closing)
    messages = [reading(i) for i in range(total)]
    sent: list = []  # (id, MQTTMessageInfo), in order

    def publish_all() -> None:
        started = time.monotonic()
        for i, message in enumerate(messages):
            sent.append((message["id"], publisher.publish_nowait(topic_for(message), json.dumps(message))))
            if i % 10 == 9:  # a steady pace, whatever the broker is doing
                time.sleep(max(0.0, started + (i + 1) / rate - time.monotonic()))

    thread = threading.Thread(target=publish_all, name="publisher", daemon=True)
    thread.start()
    wait_until(lambda: len(sent) >= total // 3, 10, "a third of the messages to be published")
    mosquitto.stop()
    outage_started = len(sent)
    wait_until(lambda: not publisher.connected, 5, "the publisher to notice the broker is gone")
    time.sleep(1.5)
    mosquitto.start()
    outage_ended = len(sent)
    assert outage_ended - outage_started > 300  # the publisher kept going while the broker was down
    wait_until(lambda: publisher.connected, 5, "the publisher to reconnect")
    publisher_first = feed.health.snapshot().state == FeedState.RECONNECTING

    stored: set[str] = set()
    delivered: list[str] = []
    duplicates = 0
    deadline = time.monotonic() + 60
    while True:
        batch = drain(sink)
        if batch:
            delivered.extend(e.id for e in batch)
            fresh = list(dict.fromkeys(e.id for e in batch if e.id not in stored))
            new = session.ingest(batch)
            # a redelivered message adds nothing (besides the readings: the alerts and tasks they raised)
            assert [e.id for e in new if e.source != "rules"] == fresh
            duplicates += len(batch) - len(fresh)
            stored.update(fresh)
        finished = not thread.is_alive() and publisher.pending == 0
        acked = {mid for mid, info in sent if info.is_published()}
        if finished and acked <= stored:
            break
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    thread.join(1)

    acked = {mid for mid, info in sent if info.is_published()}
    in_store = {r[0] for r in session.store.conn.execute("SELECT id FROM events WHERE type = ?",
                                                         (ev.FLOOD_READING,))}
    missing = acked - in_store
    assert not missing, (f"{len(missing)} acknowledged messages not stored, e.g. {sorted(missing)[:5]}; "
                         f"feed history {states(feed)}\n{mosquitto.log_tail()}")
    assert len(acked) == total  # paho queued what was published during the outage and sent it afterwards
    assert len(in_store) == len(set(delivered)) == total  # each message stored once, however often delivered
    assert len(delivered) == total + duplicates
    print(f"\n{total} messages, {outage_ended - outage_started} published during the outage, "
          f"{duplicates} redelivered duplicates ignored, publisher back before the console: {publisher_first}")

    # The feed noticed the outage and came back by itself.
    seen = states(feed)
    assert seen[:2] == [FeedState.CONNECTING, FeedState.CONNECTED], seen
    assert FeedState.RECONNECTING in seen[2:], seen
    assert seen[-1] == FeedState.CONNECTED, seen
    assert any("lost" in detail for _, state, detail in feed.history if state == FeedState.RECONNECTING)

    # The current depth at every point is that of its newest reading by event time.
    newest = {f"FP-{i % SENSORS:03d}": m["depth_cm"] for i, m in enumerate(messages)}
    assert {r["id"]: r["depth_cm"] for r in session.store.rows("flood_points")} == newest


def test_tls_and_password(mosquitto, session, closing):
    ca = mosquitto.add_tls_listener()
    mosquitto.require_password("console", "s3cret")
    secure = dict(port=mosquitto.tls_port, tls=True, ca_certs=str(ca), username="console")
    parser = MessageParser(session.known, session.store.config.area, "mqtt")

    wrong = MqttFeed("city", parser, queue.SimpleQueue(), settings(**secure, password="wrong"))
    closing.append(wrong)
    wrong.start()
    wait_until(lambda: "refused" in wrong.health.snapshot().detail, 10, "the broker to refuse a wrong password")
    assert wrong.health.snapshot().state == FeedState.RECONNECTING
    assert "Not authorized" in wrong.health.snapshot().detail, wrong.health.snapshot().detail
    wrong.stop()

    untrusted = MqttFeed("city", parser, queue.SimpleQueue(), settings(**{**secure, "ca_certs": None},
                                                                        password="s3cret"))
    closing.append(untrusted)
    untrusted.start()
    wait_until(lambda: "retry in" in untrusted.health.snapshot().detail, 10, "a certificate the feed does not trust")
    detail = untrusted.health.snapshot().detail
    assert detail.startswith("TLS with broker") and "CERTIFICATE_VERIFY_FAILED" in detail, detail
    untrusted.stop()

    good = settings(**secure, password="s3cret")
    sink: queue.SimpleQueue = queue.SimpleQueue()
    start_feed(session, good, closing, sink)
    publisher = start_publisher(good, closing)
    message = reading(7)
    publisher.publish(topic_for(message), json.dumps(message))
    assert sink.get(timeout=10).id == message["id"]
