"""Alert rules: readings, signals and the response level in; alert events out (plain Python and numpy, no Qt).

    engine = RulesEngine.from_session(session)      # or RulesEngine(flood_points=..., stations=..., ...)
    alerts = engine.evaluate(new_events)             # alert.raised / alert.cleared events

Thresholds and their sources: resources/config/rules.toml (load_rules_config). Event payloads: alerts.py.
"""
from .alerts import ALERT_CLEARED, ALERT_RAISED, TITLES, WIND_FORECAST
from .config import RulesConfig, load_rules_config
from .engine import RulesEngine

__all__ = ["ALERT_CLEARED", "ALERT_RAISED", "TITLES", "WIND_FORECAST", "RulesConfig", "RulesEngine",
           "load_rules_config"]
