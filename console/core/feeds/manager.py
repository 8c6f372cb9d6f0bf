"""The feeds of one session: their shared ingest queue, their parsers, starting, stopping and health."""
from __future__ import annotations

import queue
from typing import Any, Callable

from ..events import Event
from ..session import Session
from .base import Feed, FeedState, HealthSnapshot, drain
from .config import FeedConfig, build_feed
from .messages import MessageParser

UNHEALTHY = (FeedState.RECONNECTING, FeedState.DOWN, FeedState.STALE, FeedState.CONNECTING)


def _cap_parser() -> Callable[[bytes], dict[str, Any]]:
    from .cap import parse_cap  # loads the CAP schema lazily, on the first XML message

    return parse_cap


class FeedManager:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.queue: queue.SimpleQueue[Event] = queue.SimpleQueue()
        self.feeds: list[Feed] = []
        self.configs: list[FeedConfig] = []  # what the feeds were last configured from
        self._left: list[Event] = []  # taken from the queue, not ingested yet: the last pump's deadline passed

    def parser(self, source: str) -> MessageParser:
        """A parser that checks messages against the session's objects and the city's area."""
        return MessageParser(self.session.known, self.session.store.config.area, source, _cap_parser())

    def add(self, feed: Feed) -> Feed:
        self.feeds.append(feed)
        return feed

    def configure(self, configs: list[FeedConfig]) -> list[str]:
        """Stop the current feeds, then build and start the enabled ones of `configs`.
        Returns one error per feed that could not be built; the others run."""
        self.stop_all()
        self.feeds = []
        self.configs = list(configs)
        errors = []
        from ..exercise import ExerciseError, check_exercise_feeds  # (exercise builds on the feeds)

        try:
            check_exercise_feeds(configs, self.session.store)  # a drill never writes into real data
        except ExerciseError as exc:
            return [str(exc)]
        for config in configs:
            if not config.enabled:
                continue
            try:
                feed = self.add(build_feed(config, self.parser(config.name), self.queue))
            except ValueError as exc:
                errors.append(str(exc))
                continue
            if feed.kind == "scenario":
                feed.on_clock = self.session.clock.follow  # the console's clock runs at the scenario's time
        self.start_all()
        return errors

    def start_all(self) -> None:
        for feed in self.feeds:
            feed.start()

    def stop_all(self) -> None:
        for feed in self.feeds:
            feed.stop()

    def pump(self, limit: int = 50_000, deadline: float | None = None) -> list[Event]:
        """Ingest what the feeds have queued, as one batch (one transaction); returns the new events. With a
        `deadline` (Session.ingest_until), what is left then is the first of the next pump's batch."""
        batch, self._left = self._left + drain(self.queue, limit - len(self._left)), []
        if not batch:
            return []
        try:
            new, self._left = self.session.ingest_until(batch, deadline)
        except BaseException:
            self._left = batch  # nothing of it was stored: it comes first again next time (a locked file clears)
            raise
        return new

    def waiting(self) -> int:
        """How many events wait to be ingested."""
        return len(self._left) + self.queue.qsize()

    def health(self) -> list[HealthSnapshot]:
        return [feed.health.snapshot() for feed in self.feeds]

    def unhealthy(self) -> list[HealthSnapshot]:
        return [snapshot for snapshot in self.health() if snapshot.state in UNHEALTHY]
