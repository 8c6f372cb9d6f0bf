"""Playing a scenario: its messages delivered into the console at a chosen speed, or published to MQTT.

`ScenarioFeed` is a feed (kind "scenario") that plays a time-ordered iterator of message dicts
(docs/feeds.md) in-process, or a built-in scenario by name ("in-fa": InFaScenario over those of the bundled
demo objects the console knows; this is how a feed configuration asks for it). Scenario time runs at `speed`
times wall time from the first message (or a given start), and every message whose time has come is
serialised and handed to `Feed.deliver()`, which parses, validates and queues it like any other feed's. It
ticks every 50 ms and delivers everything due in one go, so it keeps up at ×3600 (an hour of the In-Fa
scenario, ~9,000 messages, a second); speed 0 plays everything as fast as possible. It can be paused,
resumed and sped up or slowed down while it plays; `on_clock(time, speed)` tells the console's clock
(`session.clock.follow`) where the scenario is whenever that changes (speed 0 while paused or finished).

`publish_scenario()` sends the same messages to an MQTT broker (through any `send(topic, payload)`, e.g.
`MqttPublisher.publish_nowait`) at a chosen speed, for exercising the real MQTT path.
"""
from __future__ import annotations

import json
import logging
import queue
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable, Iterator

from ..feeds.base import Feed, FeedState
from ..feeds.messages import MessageParser
from ..timefmt import beijing_text, parse_time, to_utc_text

__all__ = ["MAX_SPEED", "ScenarioFeed", "publish_scenario"]

MAX_SPEED = 3600.0
TICK_S = 0.05  # how often the player looks at the scenario clock
CHECK_EVERY = 2000  # within one tick's batch, how often to look for stop() and pause()
DETAIL_EVERY_S = 1.0  # how often the health detail (the scenario time) is refreshed

ClockCallback = Callable[[datetime, float], None]
log = logging.getLogger(__name__)


def _check_speed(speed: Any, allow_zero: bool = False) -> float:
    if isinstance(speed, bool) or not isinstance(speed, (int, float)) or not (
            1 <= speed <= MAX_SPEED or (allow_zero and speed == 0)):
        zero = "0 (as fast as possible) or " if allow_zero else ""
        raise ValueError(f"speed must be {zero}1 to {MAX_SPEED:g} times real time, got {speed!r}")
    return float(speed)


class MessageTime:
    """A message's event time as an aware UTC datetime (None if it has none that parses). Consecutive messages
    mostly share one time, so the last text is cached."""

    def __init__(self) -> None:
        self._text: Any = object()
        self._time: datetime | None = None

    def __call__(self, message: Any) -> datetime | None:
        text = message.get("time") if isinstance(message, dict) else None
        if text != self._text:
            self._text = text
            try:
                self._time = parse_time(text).astimezone(timezone.utc)
            except (TypeError, ValueError, AttributeError):
                self._time = None  # delivered at once: the parser says what is wrong with it
        return self._time


def _serialise(message: Any) -> str:
    if isinstance(message, dict) and message.get("type") == "cap" and isinstance(message.get("xml"), str):
        return message["xml"]  # a CAP alert goes to the parser as its XML; the dict carries its time for pacing
    if isinstance(message, (str, bytes)):
        return message.decode("utf-8", "replace") if isinstance(message, bytes) else message
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))


BUILT_IN = ("in-fa",)  # scenarios a feed configuration can name


class ScenarioFeed(Feed):
    """Plays `messages` (dicts in time order), or the built-in `scenario` ("in-fa", or an object with
    `messages(start, end)` and `start_time`), at `speed` (1 … 3600) times real time, or at once (0).

    Scenario time starts at `start` (default: the first message's time). `scenario_time` is the current
    scenario time (UTC; None before the first message is ready). `on_clock(time, speed)` is called when
    playing starts, on pause (speed 0), resume, speed change and at the end (speed 0): the console passes
    `session.clock.follow`. It runs on the feed's thread at the start and the end, otherwise on the caller's.
    """

    kind = "scenario"

    def __init__(self, name: str, parser: MessageParser, sink: queue.SimpleQueue,
                 messages: Iterable[dict] | None = None, speed: float = 60.0, start: datetime | None = None,
                 on_clock: ClockCallback | None = None, stale_after_s: float | None = None,
                 scenario: Any = None, end: datetime | None = None, seed: int | None = None) -> None:
        super().__init__(name, parser, sink, stale_after_s)
        for moment in (start, end):
            if moment is not None and moment.tzinfo is None:
                raise ValueError(f"naive time {moment!r}: give a timezone")
        if (messages is None) == (scenario is None):
            raise ValueError("give either the messages or a scenario to play")
        if isinstance(scenario, str) and scenario not in BUILT_IN:
            raise ValueError(f"unknown scenario {scenario!r}; built in: {', '.join(BUILT_IN)}")
        self.scenario = scenario
        self._window = (start, end)
        self._seed = seed
        self._messages: Iterator[dict] | None = None if messages is None else iter(messages)
        self._speed = _check_speed(speed, allow_zero=True)
        self._start = None if start is None else start.astimezone(timezone.utc)
        self.on_clock = on_clock
        self._lock = threading.Lock()
        self._anchor_time: datetime | None = None  # scenario time at the anchor
        self._anchor_wall = 0.0  # time.monotonic() at the anchor
        self._paused = False
        self._finished = False
        self.delivered = 0  # messages handed to the parser so far

    @classmethod
    def for_scenario(cls, name: str, parser: MessageParser, sink: queue.SimpleQueue, scenario: Any,
                     speed: float = 60.0, start: datetime | None = None, end: datetime | None = None,
                     on_clock: ClockCallback | None = None) -> ScenarioFeed:
        """A feed for an object with `messages(start, end)` and `start_time` (e.g. an InFaScenario)."""
        return cls(name, parser, sink, speed=speed, start=start or scenario.start_time, end=end,
                   on_clock=on_clock, scenario=scenario)

    # --- state, for the GUI thread ------------------------------------------------------------------
    @property
    def speed(self) -> float:
        return self._speed

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def finished(self) -> bool:
        return self._finished

    @property
    def scenario_time(self) -> datetime | None:
        with self._lock:
            return self._now_locked()

    def _now_locked(self) -> datetime | None:
        if self._anchor_time is None or self._paused or self._finished or self._speed == 0:
            return self._anchor_time  # at speed 0, the time of the last message delivered
        return self._anchor_time + timedelta(seconds=(time.monotonic() - self._anchor_wall) * self._speed)

    def _rebase_locked(self) -> datetime | None:
        """Move the anchor to now (before a change of speed or pause), returning the scenario time."""
        now = self._now_locked()
        if now is not None:
            self._anchor_time, self._anchor_wall = now, time.monotonic()
        return now

    def _notify(self, moment: datetime | None, speed: float) -> None:
        if moment is None or self.on_clock is None:
            return
        try:
            self.on_clock(moment, speed)
        except Exception:  # a broken clock callback must not stop the feed
            log.exception("feed %s: on_clock callback failed", self.name)

    # --- control ------------------------------------------------------------------------------------
    def pause(self) -> None:
        with self._lock:
            if self._paused or self._finished:
                return
            moment = self._rebase_locked()
            self._paused = True
        if moment is not None:
            self.health.set_state(FeedState.CONNECTED, f"paused at {_bj(moment)}")
        self._notify(moment, 0.0)

    def resume(self) -> None:
        with self._lock:
            if not self._paused or self._finished:
                return
            self._paused = False
            self._anchor_wall = time.monotonic()
            moment, speed = self._anchor_time, self._speed
        self._notify(moment, speed)

    def set_speed(self, speed: float) -> None:
        speed = _check_speed(speed, allow_zero=True)
        with self._lock:
            moment = self._rebase_locked()
            self._speed = speed
            playing = not (self._paused or self._finished)
        if playing:
            self._notify(moment, speed)

    # --- the feed's thread --------------------------------------------------------------------------
    def _source(self) -> Iterator[dict]:
        if self._messages is None:
            scenario = self.scenario
            if isinstance(scenario, str):  # "in-fa": the bundled demo objects this console knows
                from .infa import DEFAULT_SEED, InFaScenario
                seed = DEFAULT_SEED if self._seed is None else self._seed
                scenario = InFaScenario.from_demo(self.parser.known, seed=seed)
            start, end = self._window
            if self._start is None:
                self._start = scenario.start_time.astimezone(timezone.utc) if start is None else self._start
            self._messages = iter(scenario.messages(start, end))
        return self._messages

    def _run(self) -> None:
        self.health.set_state(FeedState.CONNECTING, "preparing the scenario")
        time_of = MessageTime()
        try:
            messages = self._source()
            pending = next(messages, None)  # the first message may take a while (the models run here)
        except (OSError, ValueError, KeyError) as exc:
            self.health.set_state(FeedState.DOWN, f"cannot prepare the scenario: {exc}")
            return
        with self._lock:
            first = time_of(pending) if pending is not None else None
            self._anchor_time = self._start or first or datetime.now(timezone.utc)
            self._anchor_wall = time.monotonic()
            moment, speed = self._anchor_time, (0.0 if self._paused else self._speed)
        self._notify(moment, speed)
        self.health.set_state(FeedState.CONNECTED, f"{_speed_text(self._speed)} from {_bj(moment)}")
        last_detail = time.monotonic()
        while not self.stopping:
            with self._lock:
                now, paused = self._now_locked(), self._paused
            if not paused:
                batch = 0
                at_once = self._speed == 0
                while pending is not None:
                    due = time_of(pending)
                    if due is not None and not at_once and due > now:
                        break
                    self.deliver(_serialise(pending))
                    self.delivered += 1
                    if at_once and due is not None:
                        with self._lock:
                            self._anchor_time, self._anchor_wall = max(due, self._anchor_time), time.monotonic()
                    pending = next(messages, None)
                    batch += 1
                    if batch % CHECK_EVERY == 0 and (self.stopping or self._paused or at_once != (self._speed == 0)):
                        break
                if pending is None:
                    self._finish()
                    return
                if time.monotonic() - last_detail >= DETAIL_EVERY_S:
                    last_detail = time.monotonic()
                    self.health.set_state(FeedState.CONNECTED, f"{_speed_text(self._speed)} at {_bj(now)}")
                if at_once and self._speed == 0 and not self._paused:
                    if self.stopping:
                        break
                    continue  # as fast as possible: no tick
            if self._stop.wait(TICK_S):
                break
        with self._lock:
            moment = self._rebase_locked()
        self.health.set_state(FeedState.DOWN, f"stopped at {_bj(moment)} after {self.delivered:,} messages")

    def _finish(self) -> None:
        with self._lock:
            moment = self._rebase_locked()
            self._finished = True
        self.health.set_state(FeedState.FINISHED, f"played to the end ({_bj(moment)}): {self.delivered:,} messages")
        self._notify(moment, 0.0)


def _speed_text(speed: float) -> str:
    return "as fast as possible" if speed == 0 else f"×{speed:g}"


def _bj(moment: datetime | None) -> str:
    return beijing_text(to_utc_text(moment)) if moment is not None else "—"


def publish_scenario(messages: Iterable[Any], publisher_send: Callable[[str, str], Any], speed: float = 60.0, *,
                     topic_for: Callable[[Any], str] | None = None, stop: threading.Event | None = None,
                     on_progress: Callable[[int, datetime | None], None] | None = None,
                     progress_every: int = 10_000) -> int:
    """Publish every message as `publisher_send(topic, payload)` at `speed` times real time (0: as fast as
    possible), paced by the messages' event times; returns how many were sent (fewer if `stop` was set).

    The topic is `topic_for(message)`, by default console.core.feeds.mqtt.topic_for (city/<type>/<id>).
    Typical use::

        with MqttPublisher(settings) as publisher:
            publish_scenario(InFaScenario.from_session(session).messages(), publisher.publish_nowait, 600)
    """
    speed = _check_speed(speed, allow_zero=True)
    if topic_for is None:
        from ..feeds.mqtt import topic_for  # imported here: the scenario works without the MQTT module
    time_of = MessageTime()
    anchor: tuple[float, datetime] | None = None
    sent = 0
    moment = None
    for message in messages:
        if stop is not None and stop.is_set():
            break
        moment = time_of(message)
        if speed > 0 and moment is not None:
            if anchor is None:
                anchor = (time.monotonic(), moment)
            else:
                wait = anchor[0] + (moment - anchor[1]).total_seconds() / speed - time.monotonic()
                if wait > 0 and (stop.wait(wait) if stop is not None else time.sleep(wait)):
                    break
        publisher_send(topic_for(message), _serialise(message))
        sent += 1
        if on_progress is not None and sent % progress_every == 0:
            on_progress(sent, moment)
    if on_progress is not None:
        on_progress(sent, moment)
    return sent
