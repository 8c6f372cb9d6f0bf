"""RecordedFeed (NDJSON playback) and CapFileFeed against real files in tmp_path."""
from __future__ import annotations

import json
import queue
import time
import xml.etree.ElementTree as ET

import pytest

from console.core import events as ev
from console.core.config import load_config
from console.core.feeds.base import FeedState, drain, feeds_paused
from console.core.feeds.messages import KnownObjects, MessageParser
from console.core.feeds.recorded import CapFileFeed, RecordedFeed
from helpers import wait_until

CAP_NS = "{urn:oasis:names:tc:emergency:cap:1.2}"



def simple_cap(data: bytes) -> dict:
    """A stand-in CAP parser (the real one is tested in test_cap.py)."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise ValueError(f"not well-formed XML: {exc}") from None
    return {key: root.findtext(f"{CAP_NS}{key}") for key in ("identifier", "sender", "sent")}


def make_parser() -> MessageParser:
    known = KnownObjects(flood_point_of_sensor={"WS-0001": "FP-0001"}, stations=frozenset({"TG-HPP", "WX-017"}),
                         cameras=frozenset({"CAM-00042"}), objects=frozenset())
    return MessageParser(known, load_config().area, "test-recorded", simple_cap)


class TimedSink:
    """A sink that notes when each event arrived."""

    def __init__(self) -> None:
        self.items: list[tuple[float, ev.Event]] = []

    def put(self, event) -> None:
        self.items.append((time.monotonic(), event))

    def qsize(self) -> int:
        return len(self.items)


@pytest.fixture
def feeds():
    started = []
    yield started
    for feed in started:
        feed.stop()


def line(id_: str, when: str, **fields) -> str:
    return json.dumps({"id": id_, "time": when, **fields}, ensure_ascii=False)


def depth(id_: str, when: str, cm: float = 10.0) -> str:
    return line(id_, when, type="water_depth", sensor_id="WS-0001", depth_cm=cm)


CAP_LINE = ('<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>A-1</identifier>'
            "<sender>smb@example.cn</sender><sent>2021-07-25T09:45:00+08:00</sent></alert>")


def test_speed_zero_plays_everything_with_line_numbers(tmp_path, feeds):
    path = tmp_path / "in-fa.ndjson"
    path.write_text("\n".join([
        depth("d1", "2021-07-25T09:00:00+08:00"),                                        # 1
        "",                                                                              # 2 blank: skipped
        '{"id": "broken", "type": "water_depth", "time": ',                              # 3 broken JSON
        line("t1", "2021-07-25T09:30:00+08:00", type="tide_level", station_id="TG-HPP", level_m=4.2),  # 4
        depth("late", "2021-07-25T08:00:00+08:00", cm=5.0),                              # 5 out of order
        depth("unknown", "2021-07-25T09:40:00+08:00").replace("WS-0001", "WS-9999"),     # 6 unknown sensor
        "   ",                                                                           # 7 blank
        CAP_LINE,                                                                        # 8 CAP on one line
        line("d2", "2021-07-25T10:00:00+08:00", type="water_depth", sensor_id="WS-0001", depth_cm=30),  # 9
        line("no-offset", "2021-07-25T10:05:00", type="response_level", level="III"),  # 10 time without offset
    ]) + "\n", encoding="utf-8")
    sink: queue.SimpleQueue = queue.SimpleQueue()
    feed = RecordedFeed("rec", make_parser(), sink, path, speed=0)
    feeds.append(feed)
    feed.start()
    wait_until(lambda: feed.health.snapshot().state == FeedState.FINISHED, what="FINISHED")
    events = drain(sink)
    assert [e.id for e in events] == ["d1", "t1", "late", "cap:smb@example.cn:A-1", "d2"]
    assert events[2].event_time == "2021-07-25T00:00:00.000Z" and events[3].type == ev.CAP_ALERT
    health = feed.health.snapshot()
    assert (health.accepted, health.rejected) == (5, 3)
    reasons = [r.reason for r in health.rejections]
    assert reasons[0].startswith("line 3: not valid JSON")
    assert reasons[1] == "line 6: unknown sensor 'WS-9999'"
    assert reasons[2].startswith("line 10: 'time'") and "no timezone offset" in reasons[2]
    assert health.rejections[1].excerpt.startswith('{"id": "unknown"')
    assert "8 messages" in health.detail and feed.lines_played == 8


def test_speed_3600_plays_an_hour_in_about_a_second(tmp_path, feeds):
    path = tmp_path / "hour.ndjson"
    path.write_text("\n".join([
        depth("a", "2021-07-25T09:00:00+08:00"),
        depth("b", "2021-07-25T09:30:00+08:00"),
        depth("late", "2021-07-25T08:30:00+08:00"),  # late data: played at once, not waited for
        depth("c", "2021-07-25T10:00:00+08:00"),
    ]) + "\n", encoding="utf-8")
    sink = TimedSink()
    feed = RecordedFeed("rec", make_parser(), sink, path, speed=3600)
    feeds.append(feed)
    began = time.monotonic()
    feed.start()
    wait_until(lambda: feed.health.snapshot().state == FeedState.FINISHED, timeout=10, what="FINISHED")
    elapsed = time.monotonic() - began
    assert 0.8 <= elapsed < 3.0, elapsed
    arrivals = {event.id: at for at, event in sink.items}
    assert list(arrivals) == ["a", "b", "late", "c"]
    assert arrivals["late"] - arrivals["b"] < 0.2  # not delayed
    assert 0.35 <= arrivals["b"] - arrivals["a"] < 1.5  # half an hour at ×3600 is half a second
    assert 0.35 <= arrivals["c"] - arrivals["b"] < 1.5  # measured from 09:30, not from the late 08:30


def test_stop_during_a_long_wait_is_prompt(tmp_path, feeds):
    path = tmp_path / "slow.ndjson"
    path.write_text(depth("a", "2021-07-25T09:00:00+08:00") + "\n" + depth("b", "2021-07-25T12:00:00+08:00") + "\n")
    sink: queue.SimpleQueue = queue.SimpleQueue()
    feed = RecordedFeed("rec", make_parser(), sink, path, speed=1)
    feeds.append(feed)
    feed.start()
    wait_until(lambda: feed.health.snapshot().accepted == 1, what="the first message")
    wait_until(lambda: "next message" in feed.health.snapshot().detail, what="the wait")
    began = time.monotonic()
    feed.stop()
    assert time.monotonic() - began < 1.0
    assert feed.health.snapshot().state == FeedState.DOWN
    assert [e.id for e in drain(sink)] == ["a"]


def test_loop_plays_again(tmp_path, feeds):
    path = tmp_path / "loop.ndjson"
    path.write_text(depth("a", "2021-07-25T09:00:00+08:00") + "\n" + depth("b", "2021-07-25T09:00:01+08:00") + "\n")
    sink: queue.SimpleQueue = queue.SimpleQueue()
    feed = RecordedFeed("rec", make_parser(), sink, path, speed=0, loop=True)
    feeds.append(feed)
    feed.start()
    wait_until(lambda: feed.lines_played >= 4, what="a second pass")
    assert feed.health.snapshot().state != FeedState.FINISHED
    feed.stop()
    assert [e.id for e in drain(sink)][:4] == ["a", "b", "a", "b"]  # same ids: the store keeps them once


def test_missing_file_and_bad_speed(tmp_path, feeds):
    feed = RecordedFeed("rec", make_parser(), queue.SimpleQueue(), tmp_path / "nope.ndjson", speed=0)
    feeds.append(feed)
    feed.start()
    wait_until(lambda: feed.health.snapshot().state == FeedState.DOWN, what="DOWN")
    assert "nope.ndjson" in feed.health.snapshot().detail
    for speed in (0.5, 5000, -1, True):
        with pytest.raises(ValueError, match="speed"):
            RecordedFeed("rec", make_parser(), queue.SimpleQueue(), tmp_path / "x", speed=speed)


def test_cap_file_feed_reads_a_folder_once(tmp_path, feeds):
    folder = tmp_path / "cap-inbox"
    folder.mkdir()
    (folder / "a-good.xml").write_text(CAP_LINE, encoding="utf-8")
    (folder / "b-broken.XML").write_text("<alert><unclosed>", encoding="utf-8")
    (folder / "notes.txt").write_text("not an alert", encoding="utf-8")
    sink: queue.SimpleQueue = queue.SimpleQueue()
    feed = CapFileFeed("cap", make_parser(), sink, folder)
    feeds.append(feed)
    feed.start()
    wait_until(lambda: feed.health.snapshot().state == FeedState.FINISHED, what="FINISHED")
    events = drain(sink)
    assert [e.type for e in events] == [ev.CAP_ALERT]
    health = feed.health.snapshot()
    assert health.rejected == 1 and health.rejections[0].reason.startswith("b-broken.XML: CAP alert rejected")
    assert "2 CAP files" in health.detail

    single = CapFileFeed("cap1", make_parser(), sink, folder / "a-good.xml")
    feeds.append(single)
    single.start()
    wait_until(lambda: single.health.snapshot().state == FeedState.FINISHED, what="FINISHED")
    assert single.health.snapshot().accepted == 1

    missing = CapFileFeed("cap2", make_parser(), sink, tmp_path / "absent.xml")
    feeds.append(missing)
    missing.start()
    wait_until(lambda: missing.health.snapshot().state == FeedState.DOWN, what="DOWN")
    assert "absent.xml" in missing.health.snapshot().detail


def test_a_feed_waits_until_the_outermost_pause_ends(tmp_path, feeds):
    """The GUI thread pauses the feeds while it stores a batch, and again inside it (a slot the batch sets off):
    the inner pause ending does not let them go on."""
    path = tmp_path / "in-fa.ndjson"
    path.write_text(depth("d1", "2021-07-25T09:00:00+08:00") + "\n", encoding="utf-8")
    sink: queue.SimpleQueue = queue.SimpleQueue()
    feed = RecordedFeed("rec", make_parser(), sink, path, speed=0)
    feeds.append(feed)
    with feeds_paused():
        with feeds_paused():
            feed.start()
        time.sleep(0.3)  # well under PAUSE_TIMEOUT_S, the longest a feed waits
        assert sink.empty()
    wait_until(lambda: not sink.empty(), what="the reading after the pause")
    assert [e.id for e in drain(sink)] == ["d1"]
