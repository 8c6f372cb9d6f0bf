"""Simulated scenarios: seeded models that produce feed messages (docs/feeds.md), and their players.

`InFaScenario` (infa.py) models Typhoon In-Fa over Shanghai in July 2021 for the console's objects;
`ScenarioFeed` (player.py) plays any time-ordered iterator of messages into the console at a chosen speed,
and `publish_scenario` sends one to an MQTT broker instead. No Qt here.
"""
from .infa import DEFAULT_END, DEFAULT_SEED, DEFAULT_START, TIMELINE, InFaScenario, TimelineEntry
from .player import MAX_SPEED, ScenarioFeed, publish_scenario

__all__ = ["DEFAULT_END", "DEFAULT_SEED", "DEFAULT_START", "MAX_SPEED", "TIMELINE", "InFaScenario", "ScenarioFeed",
           "TimelineEntry", "publish_scenario"]
