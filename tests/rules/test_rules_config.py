"""rules.toml: every threshold with its unit in its name and its source; values as domain.md gives them."""
from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest

from console.core.config import load_config
from console.core.rules.config import RULES_FILE, load_rules_config

# Keys holding numbers that have no unit (counts, exponents, forces on the GB/T 28591 scale named as such).
DIMENSIONLESS = {"schema", "stations", "power", "min_workers", "min_force"}
UNIT_SUFFIXES = ("_cm", "_m", "_mm", "_min", "_km", "_ms", "_force")


def leaves(table: dict, path: str = ""):
    for key, value in table.items():
        where = f"{path}.{key}" if path else key
        if isinstance(value, dict):
            yield from leaves(value, where)
        else:
            yield where, key, value


def test_every_number_has_its_unit_in_its_name():
    raw = tomllib.loads(RULES_FILE.read_text(encoding="utf-8"))
    for where, key, value in leaves(raw):
        numbers = isinstance(value, (int, float)) and not isinstance(value, bool) or (
            isinstance(value, list) and value and all(isinstance(v, (int, float)) for v in value))
        if numbers and key not in DIMENSIONLESS:
            assert key.endswith(UNIT_SUFFIXES) or ".min_gust_force." in where, where


def test_every_rule_table_names_its_source():
    raw = tomllib.loads(RULES_FILE.read_text(encoding="utf-8"))
    tables = [raw["wind"], raw["wind"]["near"], raw["rain"], *raw["ponding"].values(), *raw["tide"].values(),
              *raw["trees"].values(), *raw["sites"].values()]
    for table in tables:
        assert len(table.get("source", "")) > 20, table


def test_defaults_follow_the_domain_brief():
    config = load_rules_config()
    bounds = {r.rule: (r.raise_at_cm, r.kinds) for r in config.ponding}
    assert bounds == {"ponding.general": (15.0, ("underpass", "road_spot")),
                      "ponding.underpass_closure": (25.0, ("underpass",)),
                      "ponding.road_closure": (40.0, ("underpass", "road_spot"))}
    assert all(r.clear_hold_ms == 30 * 60_000 for r in config.ponding)
    assert [(lv.color, lv.rain_1h_mm, lv.rain_6h_mm) for lv in config.rain.levels] == [
        ("blue", 35.0, 50.0), ("yellow", 50.0, 80.0), ("orange", 80.0, 100.0)]  # red is off until confirmed
    assert config.rain.window_ms == 6 * 3600_000
    assert config.trees.min_force == {"very_high": 8, "high": 9, "medium": 10, "low": 12}
    assert [(r.rule, r.min_force, r.requires_any) for r in config.site_wind] == [
        ("sites.stop_gondolas", 5, ("gondolas",)), ("sites.stop_work_at_height", 6, ())]
    assert config.evacuation.typhoon_signals == ("orange", "red")
    assert config.evacuation.response_levels == ("II", "I")


def test_the_force_table_is_the_one_the_map_uses():
    assert load_rules_config().force_lower_bounds_ms == load_config().wind.force_lower_bounds_ms


def test_a_bad_file_is_refused_with_its_name(tmp_path):
    bad = tmp_path / "rules.toml"
    bad.write_text(RULES_FILE.read_text(encoding="utf-8").replace('agency = "greening"', 'agency = "gardeners"'),
                   encoding="utf-8")
    with pytest.raises(ValueError, match="rules.toml.*gardeners"):
        load_rules_config(bad)
    bad.write_text("[wind]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="rules.toml"):
        load_rules_config(bad)


def test_rules_import_without_qt():
    code = ("import sys, console.core.rules, console.core.rules.reference, console.core.rules.demo; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph')]; "
            "sys.exit(1 if bad else 0)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
