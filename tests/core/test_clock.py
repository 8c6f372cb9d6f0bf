"""The session clock: wall time when live, a scenario's time at its speed otherwise."""
import time
from datetime import datetime, timedelta, timezone

from console.core.clock import Clock


def test_live_clock_is_wall_time():
    clock = Clock()
    assert not clock.simulated
    assert abs(clock.now() - datetime.now(timezone.utc)) < timedelta(seconds=1)


def test_following_a_scenario_runs_at_its_speed_and_holds_when_paused():
    clock = Clock()
    start = datetime(2021, 7, 25, 1, 0, tzinfo=timezone.utc)
    clock.follow(start, 3600)
    time.sleep(0.2)
    elapsed = clock.now() - start
    assert clock.simulated and timedelta(minutes=10) <= elapsed < timedelta(minutes=30)  # 0.2 s × 3600 = 12 min
    clock.follow(start + timedelta(hours=1), 0)
    frozen = clock.now()
    time.sleep(0.05)
    assert clock.now() == frozen == start + timedelta(hours=1)
    clock.follow(None, 600)  # a feed with no time yet changes nothing
    assert clock.now() == frozen
    clock.live()
    assert not clock.simulated
