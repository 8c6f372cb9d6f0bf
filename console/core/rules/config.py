"""The rules' thresholds, read from resources/config/rules.toml (every value with its unit and source)."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..paths import RESOURCES

RULES_FILE = RESOURCES / "config" / "rules.toml"
SEVERITIES = ("minor", "moderate", "severe", "extreme")
AGENCIES = ("duty_officer", "water_affairs", "fire_rescue", "greening", "construction")
SIGNAL_ORDER = ("none", "blue", "yellow", "orange", "red")  # feeds/messages.py SIGNAL_LEVELS
RESPONSE_ORDER = ("none", "IV", "III", "II", "I")  # feeds/messages.py RESPONSE_LEVELS
TREE_GRADES = ("very_high", "high", "medium", "low")  # layers/trees.py GRADES
SITE_STATUSES = ("normal", "work_stopped", "evacuating", "evacuated")  # layers/sites.py EVACUATION_ORDER
SITE_EQUIPMENT = ("tower_cranes", "hoists", "gondolas")
NEVER = 99  # a wind force no wind reaches: the rule is off for that object


@dataclass(frozen=True)
class NearWind:
    method: str  # 'idw' | 'nearest'
    stations: int
    power: float
    max_distance_m: float
    min_distance_m: float
    source: str


@dataclass(frozen=True)
class PondingRule:
    rule: str  # e.g. 'ponding.general'
    kinds: tuple[str, ...]
    raise_at_cm: float
    clear_below_cm: float
    clear_hold_ms: int
    severity: str
    agency: str
    source: str


@dataclass(frozen=True)
class TideRule:
    rule: str
    margin_m: float
    clear_margin_m: float
    clear_hold_ms: int
    severity: str
    agency: str
    source: str


@dataclass(frozen=True)
class RainLevel:
    color: str  # 'blue' | 'yellow' | 'orange' | 'red'
    order: int  # its index in SIGNAL_ORDER (blue 1 ... red 4)
    rain_1h_mm: float
    rain_6h_mm: float
    severity: str

    @property
    def rule(self) -> str:
        return f"rain.rainstorm_{self.color}"


@dataclass(frozen=True)
class RainRules:
    levels: tuple[RainLevel, ...]  # the enabled ones, lowest first
    window_ms: int
    tolerance_ms: int
    clear_hold_ms: int
    agency: str
    source: str


@dataclass(frozen=True)
class TreeRule:
    rule: str
    measure: str  # 'gust' | 'mean'
    min_force: dict[str, int]  # grade -> minimum force
    severity: dict[str, str]
    skip_statuses: tuple[str, ...]
    use_forecast: bool
    clear_hold_ms: int
    order: str  # 'nearest' | 'risk'
    agency: str
    source: str


@dataclass(frozen=True)
class SiteWindRule:
    rule: str
    min_force: int
    measure: str
    requires_any: tuple[str, ...]  # equipment fields; empty: every site
    skip_from_status: str
    clear_hold_ms: int
    severity: str
    agency: str
    source: str


@dataclass(frozen=True)
class EvacuationRule:
    rule: str
    typhoon_signals: tuple[str, ...]
    response_levels: tuple[str, ...]
    min_workers: int
    skip_from_status: str
    severity: str
    agency: str
    source: str


@dataclass(frozen=True)
class RulesConfig:
    force_lower_bounds_ms: tuple[float, ...]
    force_source: str
    near: NearWind
    ponding: tuple[PondingRule, ...]
    tide: TideRule
    rain: RainRules
    trees: TreeRule
    site_wind: tuple[SiteWindRule, ...]  # lowest force first
    evacuation: EvacuationRule

    def rule_names(self) -> list[str]:
        return ([r.rule for r in self.ponding] + [self.tide.rule] + [lv.rule for lv in self.rain.levels]
                + [self.trees.rule] + [r.rule for r in self.site_wind] + [self.evacuation.rule])


def _minutes(value: Any) -> int:
    minutes = float(value)
    if minutes < 0:
        raise ValueError(f"a hold-off of {minutes} min is negative")
    return int(round(minutes * 60_000))


def _choice(value: Any, choices: tuple[str, ...], what: str) -> str:
    if value not in choices:
        raise ValueError(f"{what} is {value!r}, expected one of {', '.join(choices)}")
    return str(value)


def load_rules_config(path: Path | None = None) -> RulesConfig:
    """The rules' thresholds from `path`, or the bundled defaults. A bad file raises ValueError naming it."""
    path = Path(path or RULES_FILE)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        return _parse(raw)
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValueError(f"cannot read the rules from {path}: {exc!r}") from exc


def _parse(raw: dict[str, Any]) -> RulesConfig:
    wind = raw["wind"]
    bounds = tuple(float(b) for b in wind["force_lower_bounds_ms"])
    if list(bounds) != sorted(bounds):
        raise ValueError("wind.force_lower_bounds_ms must ascend")
    near_raw = wind["near"]
    near = NearWind(method=_choice(near_raw["method"], ("idw", "nearest"), "wind.near.method"),
                    stations=int(near_raw["stations"]), power=float(near_raw["power"]),
                    max_distance_m=float(near_raw["max_distance_km"]) * 1000.0,
                    min_distance_m=float(near_raw["min_distance_m"]), source=str(near_raw.get("source", "")))
    if near.stations < 1:
        raise ValueError("wind.near.stations must be at least 1")

    def common(table: dict[str, Any], name: str) -> dict[str, Any]:
        return {"severity": _choice(table["severity"], SEVERITIES, f"{name}.severity"),
                "agency": _choice(table["agency"], AGENCIES, f"{name}.agency"), "source": str(table["source"])}

    ponding = []
    for name, table in raw["ponding"].items():
        rule = PondingRule(rule=f"ponding.{name}", kinds=tuple(table["kinds"]), raise_at_cm=float(table["raise_at_cm"]),
                           clear_below_cm=float(table["clear_below_cm"]),
                           clear_hold_ms=_minutes(table["clear_hold_min"]), **common(table, f"ponding.{name}"))
        if rule.clear_below_cm > rule.raise_at_cm:
            raise ValueError(f"{rule.rule}: clear_below_cm is above raise_at_cm")
        ponding.append(rule)

    (tide_name, tide_raw), = raw["tide"].items()
    tide = TideRule(rule=f"tide.{tide_name}", margin_m=float(tide_raw["margin_m"]),
                    clear_margin_m=float(tide_raw["clear_margin_m"]),
                    clear_hold_ms=_minutes(tide_raw["clear_hold_min"]),
                    **common(tide_raw, f"tide.{tide_name}"))

    rain_raw = raw["rain"]
    levels = []
    for color, table in rain_raw["levels"].items():
        order = SIGNAL_ORDER.index(_choice(color, SIGNAL_ORDER[1:], "rain level"))
        if table.get("enabled", True):
            levels.append(RainLevel(color=color, order=order, rain_1h_mm=float(table["rain_1h_mm"]),
                                    rain_6h_mm=float(table["rain_6h_mm"]),
                                    severity=_choice(table["severity"], SEVERITIES, f"rain.levels.{color}.severity")))
    levels.sort(key=lambda lv: lv.order)
    rain = RainRules(levels=tuple(levels), window_ms=_minutes(rain_raw["rain_6h_window_min"]),
                     tolerance_ms=_minutes(rain_raw["window_tolerance_min"]),
                     clear_hold_ms=_minutes(rain_raw["clear_hold_min"]),
                     agency=_choice(rain_raw["agency"], AGENCIES, "rain.agency"), source=str(rain_raw["source"]))

    (tree_name, tree_raw), = raw["trees"].items()
    min_force = {grade: int(tree_raw["min_gust_force"].get(grade, NEVER)) for grade in TREE_GRADES}
    trees = TreeRule(rule=f"trees.{tree_name}", measure=_choice(tree_raw["measure"], ("gust", "mean"), "trees.measure"),
                     min_force=min_force,
                     severity={g: _choice(tree_raw["severity"].get(g, "moderate"), SEVERITIES, "trees.severity")
                               for g in TREE_GRADES},
                     skip_statuses=tuple(tree_raw.get("skip_statuses", ())),
                     use_forecast=bool(tree_raw["use_forecast"]),
                     clear_hold_ms=_minutes(tree_raw["clear_hold_min"]),
                     order=_choice(tree_raw["order"], ("nearest", "risk"), "trees.order"),
                     agency=_choice(tree_raw["agency"], AGENCIES, "trees.agency"), source=str(tree_raw["source"]))

    sites_raw = dict(raw["sites"])
    evac_raw = sites_raw.pop("evacuate")
    site_wind = []
    for name, table in sites_raw.items():
        requires = tuple(table["requires_any"])
        for item in requires:
            _choice(item, SITE_EQUIPMENT, f"sites.{name}.requires_any")
        site_wind.append(SiteWindRule(
            rule=f"sites.{name}", min_force=int(table["min_force"]),
            measure=_choice(table["measure"], ("gust", "mean"), f"sites.{name}.measure"), requires_any=requires,
            skip_from_status=_choice(table["skip_from_status"], SITE_STATUSES, f"sites.{name}.skip_from_status"),
            clear_hold_ms=_minutes(table["clear_hold_min"]), **common(table, f"sites.{name}")))
    site_wind.sort(key=lambda r: r.min_force)
    evacuation = EvacuationRule(
        rule="sites.evacuate",
        typhoon_signals=tuple(_choice(s, SIGNAL_ORDER, "sites.evacuate.typhoon_signals") for s in
                              evac_raw["typhoon_signals"]),
        response_levels=tuple(_choice(s, RESPONSE_ORDER, "sites.evacuate.response_levels") for s in
                              evac_raw["response_levels"]),
        min_workers=int(evac_raw["min_workers"]),
        skip_from_status=_choice(evac_raw["skip_from_status"], SITE_STATUSES, "sites.evacuate.skip_from_status"),
        **common(evac_raw, "sites.evacuate"))
    config = RulesConfig(force_lower_bounds_ms=bounds, force_source=str(wind["source"]), near=near,
                         ponding=tuple(ponding), tide=tide, rain=rain, trees=trees, site_wind=tuple(site_wind),
                         evacuation=evacuation)
    names = config.rule_names()
    if len(set(names)) != len(names):
        raise ValueError(f"rule names repeat: {names}")
    return config
