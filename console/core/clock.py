"""The session clock: wall time when live, or a scenario's time running at a chosen speed.

Staleness and the charts read this clock, so a simulated typhoon at ×600 ages its sensors at ×600 too.
"""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone


class Clock:
    def __init__(self) -> None:
        self._anchor_time: datetime | None = None  # scenario time at the anchor, None when live
        self._anchor_wall = 0.0
        self.speed = 1.0

    @property
    def simulated(self) -> bool:
        return self._anchor_time is not None

    def now(self) -> datetime:
        if self._anchor_time is None:
            return datetime.now(timezone.utc)
        elapsed = (time.monotonic() - self._anchor_wall) * self.speed
        return self._anchor_time + timedelta(seconds=elapsed)

    def follow(self, scenario_time: datetime | None, speed: float) -> None:
        """Run from `scenario_time` at `speed` times real time (a simulation or a recorded feed);
        speed 0 holds the clock (paused). A feed that has no time yet passes None: nothing changes."""
        if scenario_time is None:
            return
        self._anchor_time = scenario_time.astimezone(timezone.utc)
        self._anchor_wall = time.monotonic()
        self.speed = speed

    def live(self) -> None:
        self._anchor_time = None
        self.speed = 1.0
