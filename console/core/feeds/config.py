"""Feed configuration: one TOML file listing every feed (resources/config/feeds.example.toml documents it).

    [[feed]]
    name = "city-sensors"     # unique; shown in the feed-health panel and stored as the events' source
    type = "http"             # mqtt | http | recorded | cap_file | scenario | exercise
    enabled = true
    url = "https://…"         # then the options of that type

`load_feed_config(path)` checks every feed and raises FeedConfigError naming the file and the feed;
`save_feed_config(path, feeds)` writes the same format back; `build_feed(config, parser, sink)` makes the feed.
"""
from __future__ import annotations

import math
import os
import queue
import re
import sys
import tomllib
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..paths import APP_NAME
from .base import Feed
from .messages import MessageParser

FEED_TYPES = ("mqtt", "http", "recorded", "cap_file", "scenario", "exercise")
MAX_NAME_CHARS = 64


class FeedConfigError(ValueError):
    """A feed configuration that cannot be used; the message names the file and the feed."""


@dataclass
class FeedConfig:
    name: str
    type: str
    enabled: bool = True
    options: dict[str, Any] = field(default_factory=dict)
    # the folder of the file this came from: relative paths in the options are relative to it
    base_dir: Path | None = field(default=None, compare=False, repr=False)


# --- checks of one option: value -> value, or ValueError saying what is wrong ----------------------------
def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"must be a non-empty text, got {value!r}")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, got {value!r}")
    return value


def _number(low: float, high: float = math.inf, low_open: bool = False) -> Callable[[Any], float]:
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or not (
                (value > low if low_open else value >= low) and value <= high):
            bound = f"above {low:g}" if low_open else f"at least {low:g}"
            raise ValueError(f"must be a number {bound}" + (f" and at most {high:g}" if high < math.inf else "")
                             + f", got {value!r}")
        return value
    return check


def _integer(low: int, high: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"must be a whole number from {low} to {high}, got {value!r}")
        return value
    return check


def _speed(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (value == 0 or 1 <= value <= 3600):
        raise ValueError(f"must be 0 (as fast as possible) or a number from 1 to 3600, got {value!r}")
    return value


def _text_list(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f"must be a list of texts, got {value!r}")
    return value


def _text_table(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ValueError(f"must be a table of texts, e.g. {{ Authorization = \"Bearer …\" }}, got {value!r}")
    return value


def _http_url(value: Any) -> str:
    parts = urllib.parse.urlsplit(_text(value))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"must be an http:// or https:// address, got {value!r}")
    return value


_STALE = {"stale_after_s": _number(0, low_open=True)}
# per type: option -> check; REQUIRED lists the options a feed of that type cannot do without
OPTIONS: dict[str, dict[str, Callable[[Any], Any]]] = {
    "mqtt": {"host": _text, "port": _integer(1, 65535), "tls": _bool, "ca_certs": _text, "certfile": _text,
             "keyfile": _text, "username": _text, "password": _text, "client_id": _text, "topics": _text_list,
             "qos": _integer(0, 2), "keepalive": _integer(5, 65535), "min_backoff_s": _number(0, low_open=True),
             "max_backoff_s": _number(0, low_open=True), **_STALE},
    "http": {"url": _http_url, "interval_s": _number(0, low_open=True), "timeout_s": _number(0, low_open=True),
             "headers": _text_table, "max_bytes": _integer(1, 2**40), **_STALE},
    "recorded": {"path": _text, "speed": _speed, "loop": _bool, **_STALE},
    "cap_file": {"path": _text, **_STALE},
    "scenario": {"scenario": _text, "speed": _speed, **_STALE},
    # console.core.exercise: a scenario or a recording with the injects of a file merged in (docs/exercises.md)
    "exercise": {"scenario": _text, "recording": _text, "injects": _text, "speed": _speed, "start": _text,
                 "end": _text, "seed": _integer(0, 2**32 - 1), **_STALE},
}
REQUIRED = {"mqtt": ("host",), "http": ("url",), "recorded": ("path",), "cap_file": ("path",), "scenario": (),
            "exercise": ()}  # exercise: 'scenario' or 'recording' (check_feed)
# types whose feed classes belong to other modules that may take more options than listed here: pass those on
OPEN_TYPES = frozenset({"mqtt", "scenario"})
PATH_OPTIONS = frozenset({"path", "ca_certs", "certfile", "keyfile", "recording", "injects"})


def check_feed(feed: FeedConfig, where: str = "") -> FeedConfig:
    """`feed`, if it is usable; FeedConfigError naming `where` (a file) and the feed otherwise."""
    prefix = f"{where}: " if where else ""
    label = f"feed {feed.name!r}" if isinstance(feed.name, str) and feed.name else "a feed"
    if not isinstance(feed.name, str) or not feed.name.strip() or len(feed.name) > MAX_NAME_CHARS:
        raise FeedConfigError(f"{prefix}{label}: 'name' must be a text of 1 to {MAX_NAME_CHARS} characters")
    if feed.type not in FEED_TYPES:
        raise FeedConfigError(f"{prefix}{label}: unknown type {feed.type!r}; expected one of {', '.join(FEED_TYPES)}")
    label = f"feed {feed.name!r} (type {feed.type})"
    if not isinstance(feed.enabled, bool):
        raise FeedConfigError(f"{prefix}{label}: 'enabled' must be true or false, got {feed.enabled!r}")
    known = OPTIONS[feed.type]
    for key in REQUIRED[feed.type]:
        if key not in feed.options:
            raise FeedConfigError(f"{prefix}{label}: '{key}' is missing")
    for key, value in feed.options.items():
        check = known.get(key)
        if check is None:
            if feed.type in OPEN_TYPES:
                continue
            raise FeedConfigError(f"{prefix}{label}: unknown option '{key}'; "
                                  f"expected one of {', '.join(sorted(known))}")
        try:
            check(value)
        except ValueError as exc:
            raise FeedConfigError(f"{prefix}{label}: '{key}' {exc}") from None
    if feed.type == "exercise" and ("scenario" in feed.options) == ("recording" in feed.options):
        raise FeedConfigError(f"{prefix}{label}: give either 'scenario' or 'recording', not both or neither")
    return feed


def load_feed_config(path: str | Path, missing_ok: bool = False) -> list[FeedConfig]:
    """Every feed in the TOML file at `path` (in file order), checked. A missing file is an error unless
    `missing_ok`, when it means no feeds."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if missing_ok:
            return []
        raise FeedConfigError(f"{path}: no such feed configuration file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FeedConfigError(f"{path}: cannot read the feed configuration: {exc}") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FeedConfigError(f"{path}: not valid TOML: {exc}") from None
    unknown = sorted(set(raw) - {"feed"})
    if unknown:
        raise FeedConfigError(f"{path}: unknown top-level key(s) {', '.join(unknown)}; feeds are [[feed]] tables")
    tables = raw.get("feed", [])
    if not isinstance(tables, list):
        raise FeedConfigError(f"{path}: 'feed' must be written as [[feed]] tables, one per feed")
    feeds: list[FeedConfig] = []
    seen: set[str] = set()
    for number, table in enumerate(tables, start=1):
        options = dict(table)
        name = options.pop("name", None)
        if not isinstance(name, str) or not name.strip():
            raise FeedConfigError(f"{path}: feed #{number}: 'name' is missing or not a text")
        feed = FeedConfig(name=name, type=options.pop("type", None), enabled=options.pop("enabled", True),
                          options=options, base_dir=path.parent)
        if feed.type is None:
            raise FeedConfigError(f"{path}: feed {name!r}: 'type' is missing; expected one of {', '.join(FEED_TYPES)}")
        check_feed(feed, str(path))
        if name in seen:
            raise FeedConfigError(f"{path}: feed {name!r}: the name is used by an earlier feed; names must be unique")
        seen.add(name)
        feeds.append(feed)
    return feeds


def save_feed_config(path: str | Path, feeds: list[FeedConfig]) -> None:
    """Write `feeds` as TOML to `path` (atomically, readable by the user only: it may hold passwords)."""
    path = Path(path)
    names = [feed.name for feed in feeds]
    for feed in feeds:
        check_feed(feed, str(path))
        if names.count(feed.name) > 1:
            raise FeedConfigError(f"{path}: feed {feed.name!r}: the name is used twice; names must be unique")
    lines = ["# Feeds of the emergency console; see resources/config/feeds.example.toml for every option.", ""]
    for feed in feeds:
        lines += ["[[feed]]", f"name = {_toml_value(feed.name)}", f"type = {_toml_value(feed.type)}",
                  f"enabled = {_toml_value(feed.enabled)}"]
        for key, value in feed.options.items():
            if key in ("name", "type", "enabled"):
                raise FeedConfigError(f"{path}: feed {feed.name!r}: '{key}' is not an option")
            if value is not None:
                try:
                    lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
                except ValueError as exc:
                    raise FeedConfigError(f"{path}: feed {feed.name!r}: option '{key}': {exc}") from None
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as out:
        out.write("\n".join(lines))
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


def default_feed_config_path() -> Path:
    """The user's feed configuration: $XDG_CONFIG_HOME (or ~/.config)/emergency-console/feeds.toml on Linux."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / APP_NAME / "feeds.toml"


def build_feed(config: FeedConfig, parser: MessageParser, sink: queue.SimpleQueue) -> Feed:
    """The feed `config` describes (not started). FeedConfigError if it cannot be made."""
    check_feed(config)
    options = {key: _resolve(config, value) if key in PATH_OPTIONS else value
               for key, value in config.options.items()}
    label = f"feed {config.name!r} (type {config.type})"
    try:
        if config.type == "http":
            from .http_poll import HttpPollFeed

            return HttpPollFeed(config.name, parser, sink, **options)
        if config.type == "recorded":
            from .recorded import RecordedFeed

            return RecordedFeed(config.name, parser, sink, **options)
        if config.type == "cap_file":
            from .recorded import CapFileFeed

            return CapFileFeed(config.name, parser, sink, **options)
        if config.type == "mqtt":
            return _build_mqtt(config, parser, sink, options)
        if config.type == "exercise":
            from ..exercise import exercise_feed

            return exercise_feed(config.name, parser, sink, **options)
        return _build_scenario(config, parser, sink, options)
    except FeedConfigError:
        raise
    except (TypeError, ValueError) as exc:
        raise FeedConfigError(f"{label}: {exc}") from None


def _build_mqtt(config: FeedConfig, parser: MessageParser, sink: queue.SimpleQueue, options: dict) -> Feed:
    try:
        from .mqtt import MqttFeed, MqttSettings
    except ImportError as exc:
        raise FeedConfigError(f"feed {config.name!r} (type mqtt): the MQTT feed is not available: {exc}") from None
    stale_after_s = options.pop("stale_after_s", None)
    if "topics" in options:
        options["topics"] = tuple(options["topics"])
    if options.get("tls") and "port" not in options:
        options["port"] = 8883  # MQTT over TLS
    return MqttFeed(config.name, parser, sink, MqttSettings(**options), stale_after_s=stale_after_s)


def _build_scenario(config: FeedConfig, parser: MessageParser, sink: queue.SimpleQueue, options: dict) -> Feed:
    try:
        from ..scenario.player import ScenarioFeed
    except ImportError as exc:
        raise FeedConfigError(f"feed {config.name!r} (type scenario): the scenario player is not available "
                              f"(console.core.scenario.player: {exc})") from None
    return ScenarioFeed(config.name, parser, sink, **options)


def _resolve(config: FeedConfig, value: Any) -> Any:
    """A path option made absolute: '~' is the home folder; relative is relative to the configuration file."""
    if not isinstance(value, str):
        return value
    candidate = Path(value).expanduser()
    if not candidate.is_absolute() and config.base_dir is not None:
        candidate = config.base_dir / candidate
    return str(candidate)


# --- writing TOML: texts, numbers, booleans, lists of them, and one-line tables of them --------------------
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _toml_key(key: str) -> str:
    if not isinstance(key, str) or not key:
        raise ValueError(f"option names must be texts, got {key!r}")
    return key if _BARE_KEY.fullmatch(key) else _toml_string(key)


def _toml_string(text: str) -> str:
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char in "\b\t\n\f\r":
            out.append({"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} cannot be written")
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, Path):
        return _toml_string(str(value))
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise ValueError(f"{type(value).__name__} values cannot be written to the feed configuration")
