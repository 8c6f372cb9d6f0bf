"""HttpPollFeed against a real HTTP server on 127.0.0.1 (no mocks): formats, ETag/304, errors and recovery."""
from __future__ import annotations

import json
import queue
import threading
import time
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from console.core import events as ev
from console.core.config import load_config
from console.core.feeds.base import Feed, FeedState, drain
from console.core.feeds.http_poll import HttpPollFeed
from console.core.feeds.messages import KnownObjects, MessageParser
from helpers import free_port, wait_until

INTERVAL_S = 0.05
CAP_NS = "{urn:oasis:names:tc:emergency:cap:1.2}"



def simple_cap(data: bytes) -> dict:
    """A stand-in CAP parser (the real one is tested in test_cap.py): enough to see the whole body arrive."""
    root = ET.fromstring(data)
    return {key: root.findtext(f"{CAP_NS}{key}") for key in ("identifier", "sender", "sent")}


def make_parser() -> MessageParser:
    known = KnownObjects(flood_point_of_sensor={"WS-0001": "FP-0001", "WS-0002": "FP-0002"},
                         stations=frozenset({"TG-HPP", "WX-017"}), cameras=frozenset({"CAM-00042"}),
                         objects=frozenset({"TR-000123"}))
    return MessageParser(known, load_config().area, "test-http", simple_cap)


class Reply:
    def __init__(self, status: int = 200, body: bytes | str | object = b"", headers: dict | None = None,
                 content_type: str = "application/json", length: bool = True) -> None:
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        self.status, self.headers, self.content_type, self.length = status, headers or {}, content_type, length
        self.body = body.encode() if isinstance(body, str) else body


class Server:
    """A real HTTP server whose answers the test decides: `respond(request_headers) -> Reply`."""

    def __init__(self, port: int = 0) -> None:
        self.requests: list[dict[str, str]] = []
        self.respond = lambda headers: Reply(200, [])
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                headers = dict(self.headers.items())
                server.requests.append(headers)
                reply = server.respond(headers)
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                if reply.length:
                    self.send_header("Content-Length", str(len(reply.body)))
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                if reply.status != 304:
                    self.wfile.write(reply.body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/feed.json"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


@pytest.fixture
def feeds():
    started: list[Feed] = []
    yield started
    for feed in started:
        feed.stop()


def start(feeds: list, url: str, **options) -> tuple[HttpPollFeed, queue.SimpleQueue]:
    sink: queue.SimpleQueue = queue.SimpleQueue()
    options.setdefault("interval_s", INTERVAL_S)
    options.setdefault("timeout_s", 2.0)
    feed = HttpPollFeed("test-http", make_parser(), sink, url, **options)
    feeds.append(feed)
    feed.start()
    return feed, sink


def message(kind: str, id_: str, **fields) -> dict:
    return {"id": id_, "type": kind, "time": "2021-07-25T09:30:00+08:00", **fields}


def test_json_array_etag_and_304(server, feeds):
    body = [message("water_depth", "wd-1", sensor_id="WS-0001", depth_cm=18.5),
            message("tide_level", "tl-1", station_id="TG-HPP", level_m=4.61),
            message("water_depth", "wd-2", sensor_id="WS-9999", depth_cm=3.0),  # unknown sensor: rejected alone
            message("wind", "wi-1", station_id="WX-017", mean_ms=17.6, gust_ms=26.3)]
    validators = {"ETag": '"v1"', "Last-Modified": "Sun, 25 Jul 2021 01:30:00 GMT"}

    def respond(headers):
        if headers.get("If-None-Match") == '"v1"':
            return Reply(304, headers=validators)
        return Reply(200, body, validators)

    server.respond = respond
    feed, sink = start(feeds, server.url, headers={"Authorization": "Bearer secret-token"})
    wait_until(lambda: len(server.requests) >= 4, what="four polls")
    feed.stop()

    events = drain(sink)
    assert [(e.type, e.id) for e in events] == [(ev.FLOOD_READING, "wd-1"), (ev.STATION_READING, "tl-1"),
                                                (ev.STATION_READING, "wi-1")]  # once: later polls got 304
    assert events[0].payload == {"id": "FP-0001", "depth_cm": 18.5}
    assert events[0].event_time == "2021-07-25T01:30:00.000Z" and events[0].source == "test-http"
    health = feed.health.snapshot()
    assert (health.accepted, health.rejected) == (3, 1)
    assert "unknown sensor 'WS-9999'" in health.rejections[0].reason
    first, second = server.requests[0], server.requests[1]
    assert "If-None-Match" not in first and first["Authorization"] == "Bearer secret-token"
    assert second["If-None-Match"] == '"v1"'
    assert second["If-Modified-Since"] == "Sun, 25 Jul 2021 01:30:00 GMT"
    assert second["Authorization"] == "Bearer secret-token"


def test_geojson_feature_collection(server, feeds):
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [121.4581, 31.2290]},
         "properties": message("field_report", "rpt-1", team="绿化三队", text="南京西路 悬铃木倒伏",
                               object_id="TR-000123")},
        {"type": "Feature", "geometry": None,
         "properties": message("camera_status", "cam-1", camera_id="CAM-00042", state="offline")},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [100.0, 10.0]},  # outside the city
         "properties": message("field_report", "rpt-2", team="t", text="far away")},
        {"type": "Feature", "geometry": None},  # no properties: rejected alone
    ]}
    server.respond = lambda headers: (Reply(304) if headers.get("If-None-Match") == '"gj"'
                                      else Reply(200, collection, {"ETag": '"gj"'}, "application/geo+json"))
    feed, sink = start(feeds, server.url)
    wait_until(lambda: feed.health.snapshot().rejected >= 2, what="the two rejections")
    wait_until(lambda: feed.health.snapshot().state == FeedState.CONNECTED, what="CONNECTED")
    feed.stop()

    events = {e.id: e for e in drain(sink)}
    assert set(events) == {"rpt-1", "cam-1"}
    report = events["rpt-1"]
    assert report.type == ev.FIELD_REPORT
    assert (report.payload["lon"], report.payload["lat"]) == (121.4581, 31.2290)  # from the Point geometry
    assert report.payload["object_id"] == "TR-000123"
    assert events["cam-1"].payload == {"id": "CAM-00042", "state": "offline"}
    reasons = [r.reason for r in feed.health.snapshot().rejections]
    assert len(reasons) == 2 and any("outside the city" in r for r in reasons)


def test_single_object_and_cap_xml(server, feeds):
    cap = (b'<?xml version="1.0" encoding="UTF-8"?>\n<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">'
           b"<identifier>SMB-2021-0725-01</identifier><sender>smb@example.cn</sender>"
           b"<sent>2021-07-25T08:00:00+08:00</sent></alert>")
    answers = [Reply(200, message("response_level", "fch-1", level="III")),
               Reply(200, cap, content_type="application/cap+xml")]
    server.respond = lambda headers: answers.pop(0) if answers else Reply(304)
    feed, sink = start(feeds, server.url)
    wait_until(lambda: feed.health.snapshot().accepted >= 2, what="two messages")
    feed.stop()
    events = drain(sink)
    assert [e.type for e in events] == [ev.RESPONSE_LEVEL_CHANGED, ev.CAP_ALERT]
    assert events[1].payload["identifier"] == "SMB-2021-0725-01"
    assert events[1].event_time == "2021-07-25T00:00:00.000Z"


def test_server_error_then_recovery(server, feeds):
    failing = threading.Event()
    failing.set()
    server.respond = lambda headers: (Reply(500, "boom", content_type="text/plain") if failing.is_set()
                                      else Reply(200, [message("rainfall", "rf-1", station_id="WX-017",
                                                               rain_1h_mm=32.4, rain_acc_mm=118.0)]))
    feed, sink = start(feeds, server.url)
    wait_until(lambda: feed.health.snapshot().state == FeedState.RECONNECTING, what="RECONNECTING")
    assert "HTTP 500" in feed.health.snapshot().detail
    wait_until(lambda: len(server.requests) >= 3, what="retries")  # it keeps trying, backing off
    assert feed.health.snapshot().state == FeedState.RECONNECTING
    failing.clear()
    wait_until(lambda: feed.health.snapshot().state == FeedState.CONNECTED, what="recovery to CONNECTED")
    wait_until(lambda: feed.health.snapshot().accepted == 1, what="the message after recovery")
    assert [e.id for e in drain(sink)] == ["rf-1"]



def test_closed_port_then_server_comes_up(feeds):
    port = free_port()
    feed, sink = start(feeds, f"http://127.0.0.1:{port}/feed.json")
    wait_until(lambda: feed.health.snapshot().state == FeedState.RECONNECTING, what="RECONNECTING")
    detail = feed.health.snapshot().detail
    assert "cannot reach" in detail and "retrying" in detail, detail
    late = Server(port)
    try:
        late.respond = lambda headers: Reply(200, [message("warning_signal", "sig-1", hazard="typhoon",
                                                           level="orange")])
        # back-off is capped at 8 intervals (0.4 s), so the feed finds the server quickly
        wait_until(lambda: feed.health.snapshot().state == FeedState.CONNECTED, what="CONNECTED")
        wait_until(lambda: feed.health.snapshot().accepted == 1, what="the signal")
        feed.stop()
    finally:
        late.close()
    assert [(e.type, e.payload) for e in drain(sink)] == [(ev.SIGNAL_CHANGED, {"hazard": "typhoon",
                                                                               "level": "orange"})]


def test_garbage_body_is_one_rejection_and_polling_goes_on(server, feeds):
    answers = [Reply(200, b"\x00\x01 this is not JSON at all", content_type="text/plain"),
               Reply(200, [message("camera_status", "cam-2", camera_id="CAM-00042", state="online")])]
    server.respond = lambda headers: answers.pop(0) if answers else Reply(200, [])
    feed, sink = start(feeds, server.url)
    wait_until(lambda: feed.health.snapshot().accepted == 1, what="the message after the garbage")
    wait_until(lambda: len(server.requests) >= 4, what="more polls")
    feed.stop()
    health = feed.health.snapshot()
    assert health.rejected == 1
    assert "neither JSON nor XML" in health.rejections[0].reason
    assert [e.id for e in drain(sink)] == ["cam-2"]


@pytest.mark.parametrize("with_length", [True, False], ids=["content-length", "no-length"])
def test_oversized_response_is_rejected(server, feeds, with_length):
    big = [message("water_depth", f"wd-{i}", sensor_id="WS-0001", depth_cm=1.0) for i in range(100)]
    server.respond = lambda headers: Reply(200, big, length=with_length)
    feed, sink = start(feeds, server.url, max_bytes=2048)
    wait_until(lambda: feed.health.snapshot().rejected >= 1, what="a rejection")
    feed.stop()
    health = feed.health.snapshot()
    assert "response too large" in health.rejections[0].reason
    assert health.accepted == 0 and drain(sink) == []


def test_stop_is_prompt_while_waiting(server, feeds):
    feed, _ = start(feeds, server.url, interval_s=60)
    wait_until(lambda: feed.health.snapshot().state == FeedState.CONNECTED, what="CONNECTED")
    began = time.monotonic()
    feed.stop()
    assert time.monotonic() - began < 1.0
    assert feed.health.snapshot().state == FeedState.DOWN

    broken, _ = start(feeds, f"http://127.0.0.1:{free_port()}/", interval_s=60)  # backing off up to 8 min
    wait_until(lambda: broken.health.snapshot().state == FeedState.RECONNECTING, what="RECONNECTING")
    began = time.monotonic()
    broken.stop()
    assert time.monotonic() - began < 1.0


def test_backoff_grows_with_jitter_and_is_capped():
    feed = HttpPollFeed("b", make_parser(), queue.SimpleQueue(), "http://127.0.0.1:9/", interval_s=10)
    delays = [[feed.backoff_s(n) for _ in range(50)] for n in (1, 2, 3, 4, 5, 20)]
    assert all(5 <= d <= 10 for d in delays[0]) and all(10 <= d <= 20 for d in delays[1])
    assert all(d <= 80 for row in delays for d in row) and max(delays[-1]) > 60
    assert len(set(delays[0])) > 1  # jitter


def test_bad_url_is_refused():
    with pytest.raises(ValueError, match="http:// or https://"):
        HttpPollFeed("x", make_parser(), queue.SimpleQueue(), "file:///etc/passwd")
