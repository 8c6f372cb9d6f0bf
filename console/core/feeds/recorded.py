"""Feeds from files: a recorded NDJSON stream played back at a chosen speed, and CAP alerts read from disk.

A recording holds one message per line (docs/feeds.md), each with its event `time`; a line starting with
'<' is a CAP alert written on one line. Playback waits the time between consecutive messages divided by
the speed; a line whose time is earlier than one already played (late data) is delivered at once. Every
rejection names the line (or file) it came from.
"""
from __future__ import annotations

import json
import queue
import re
import time
from datetime import datetime
from pathlib import Path

from ..timefmt import beijing_text, parse_time, to_utc_text
from .base import Feed, FeedState
from .messages import MAX_MESSAGE_BYTES, MessageParser

MAX_SPEED = 3600.0
LOOP_PAUSE_S = 1.0  # between two passes of a looping recording
_CAP_SENT = re.compile(rb"<(?:[\w.-]+:)?sent\s*>\s*([^<\s]+)\s*<")


class RecordedFeed(Feed):
    """Plays the NDJSON file at `path` at `speed` times real time (1 … 3600), or as fast as possible (0)."""

    kind = "recorded"

    def __init__(self, name: str, parser: MessageParser, sink: queue.SimpleQueue, path: str | Path,
                 speed: float = 60.0, loop: bool = False, stale_after_s: float | None = None) -> None:
        super().__init__(name, parser, sink, stale_after_s)
        if isinstance(speed, bool) or not isinstance(speed, (int, float)) or not (
                speed == 0 or 1 <= speed <= MAX_SPEED):
            raise ValueError(f"feed {name!r}: speed must be 0 (as fast as possible) or 1 to {MAX_SPEED:g}, "
                             f"got {speed!r}")
        self.path = Path(path)
        self.speed = float(speed)
        self.loop = bool(loop)
        self.lines_played = 0  # non-blank lines handed to the parser, over all passes

    def _run(self) -> None:
        self.health.set_state(FeedState.CONNECTING, str(self.path))
        passes = 0
        while not self.stopping:
            try:
                played = self._play_once()
            except OSError as exc:
                self.health.set_state(FeedState.DOWN, f"cannot read {self.path}: {exc.strerror or exc}")
                return
            passes += 1
            if self.stopping:
                break
            if not self.loop or played == 0:
                self.health.set_state(FeedState.FINISHED, f"end of {self.path.name}: {played} messages played"
                                      + (f" ({passes} passes)" if passes > 1 else ""))
                return
            if self._stop.wait(LOOP_PAUSE_S):
                break
        self.health.set_state(FeedState.DOWN, f"stopped at message {self.lines_played}")

    def _play_once(self) -> int:
        """One pass over the file; returns how many messages it played (fewer if stopped)."""
        played = 0
        anchor: tuple[float, datetime] | None = None  # (monotonic clock, event time) of the first timed line
        latest: datetime | None = None  # the newest event time played so far
        speed_text = "as fast as possible" if self.speed == 0 else f"×{self.speed:g}"
        with self.path.open("rb") as lines:
            self.health.set_state(FeedState.CONNECTED, f"playing {self.path.name} {speed_text}")
            for number, line in enumerate(lines, start=1):
                raw = line.strip()
                if not raw:
                    continue
                moment = _event_time(raw)
                if moment is not None and self.speed > 0:
                    if anchor is None:
                        anchor = (time.monotonic(), moment)
                    elif latest is not None and moment > latest:
                        due = anchor[0] + (moment - anchor[1]).total_seconds() / self.speed
                        wait = due - time.monotonic()
                        if wait > 0:
                            self.health.set_state(FeedState.CONNECTED, f"{speed_text}: next message "
                                                  f"{beijing_text(to_utc_text(moment))} (line {number})")
                            if self._stop.wait(wait):
                                return played
                if moment is not None and (latest is None or moment > latest):
                    latest = moment
                if self.stopping:
                    return played
                self.deliver(raw, f"line {number}: ")
                played += 1
                self.lines_played += 1
        return played


class CapFileFeed(Feed):
    """Reads one CAP XML file, or every *.xml file in a folder (in name order), once; then FINISHED."""

    kind = "cap_file"

    def __init__(self, name: str, parser: MessageParser, sink: queue.SimpleQueue, path: str | Path,
                 stale_after_s: float | None = None) -> None:
        super().__init__(name, parser, sink, stale_after_s)
        self.path = Path(path)

    def _run(self) -> None:
        self.health.set_state(FeedState.CONNECTING, str(self.path))
        try:
            if self.path.is_dir():
                files = sorted(p for p in self.path.iterdir() if p.suffix.lower() == ".xml" and p.is_file())
            else:
                self.path.stat()  # a missing file fails here, with the reason
                files = [self.path]
        except OSError as exc:
            self.health.set_state(FeedState.DOWN, f"cannot read {self.path}: {exc.strerror or exc}")
            return
        self.health.set_state(FeedState.CONNECTED, f"reading {len(files)} CAP file{'' if len(files) == 1 else 's'}")
        for file in files:
            if self.stopping:
                self.health.set_state(FeedState.DOWN, "stopped")
                return
            try:
                size = file.stat().st_size
                if size > MAX_MESSAGE_BYTES:
                    self.health.record_message(False, f"{file.name}: file of {size:,} bytes is larger than "
                                               f"{MAX_MESSAGE_BYTES:,}", file.name)
                    continue
                data = file.read_bytes()
            except OSError as exc:
                self.health.record_message(False, f"{file.name}: cannot read: {exc.strerror or exc}", file.name)
                continue
            self.deliver(data, f"{file.name}: ")
        where = self.path.name if not self.path.is_dir() else f"{self.path.name}/"
        self.health.set_state(FeedState.FINISHED, f"read {len(files)} CAP file{'' if len(files) == 1 else 's'} "
                              f"from {where}")


def _event_time(raw: bytes) -> datetime | None:
    """The event time a line carries (a message's `time`, a CAP alert's `sent`), or None when it has none
    that parses: the line is then played at once, and the parser says what is wrong with it."""
    try:
        if raw.startswith(b"<"):
            match = _CAP_SENT.search(raw)
            text = match.group(1).decode("ascii") if match else None
        else:
            message = json.loads(raw)
            text = message.get("time") if isinstance(message, dict) else None
        return parse_time(text) if isinstance(text, str) else None
    except (ValueError, UnicodeDecodeError):
        return None
