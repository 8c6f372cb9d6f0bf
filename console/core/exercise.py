"""Exercise mode (issue 5 point 4): a trainer plays a scenario or a recording into an exercise database of its own
and injects events, scripted (an inject file, docs/exercises.md) or by hand. Plain Python, no Qt.

The pieces, in the order a console uses them:

* `new_exercise_database(...)` makes a fresh file under <user data>/exercises/, marked `mode = exercise` with what
  it was started from; `open_exercise_store(path)` opens one and refuses any other file, so a real console
  database never receives exercise data; `load_exercise_objects(session)` fills it with the objects the exercise
  plays on (the demo's, or the recording's).
* `load_injects(path, catalogue)` reads and checks an inject file (TOML or JSON, one schema); every inject becomes
  docs/feeds.md messages (ids `inject-<n>`) and, for a sensor failure, a camera outage or a water-depth override,
  a rule on the base stream.
* `exercise_messages(base, injects)` merges them into the base stream (the scenario's or the recording's
  messages) in time order, lazily: the In-Fa scenario has 800,000 messages.
* `recording_messages(path)` is a recorded console database's input events as messages again; `exercise_feed()`
  (feed type "exercise" in feeds.toml) plays all of it through the ordinary ScenarioFeed, so the console's
  clock follows it and every message is validated like any feed's.
* `hand_inject(session, kind, ...)` is an inject made by hand on the map, at the session clock's time.
"""
from __future__ import annotations

import csv
import json
import queue
import re
import sqlite3
import threading
import tomllib
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from . import events as ev
from .config import Area, load_config
from .events import Event
from .feeds.messages import KnownObjects, MessageError, MessageParser
from .paths import OFFLINE_DATA, user_data_dir
from .scenario.player import MessageTime
from .store import NOT_READINGS_WHERE, Store, StoreError
from .timefmt import BEIJING, now_utc_text, to_utc_text

EXERCISE_MARK = "演习 EXERCISE"  # what every window, export and report of an exercise carries
MODE_KEY, EXERCISE_MODE = "mode", "exercise"
# what an exercise database remembers of how it was started (Store.meta)
META_KEYS = ("exercise_name", "exercise_scenario", "exercise_recording", "exercise_injects", "exercise_start",
             "exercise_end", "exercise_created")
DEMO_DIR = OFFLINE_DATA / "demo"
INJECT_KINDS = ("fallen_tree", "sensor_failure", "camera_offline", "flood_report", "field_report", "signal",
                "response_level", "water_depth", "message")
# who reports, when an inject does not say (Chinese: the console is Chinese-first)
DEFAULT_TEAMS = {"fallen_tree": "绿化市容巡查队", "flood_report": "排水巡查队", "field_report": "现场巡查组",
                 "sensor_failure": "监测运维中心"}
MESSAGE_KINDS = ("water_depth", "tide_level", "rainfall", "wind", "camera_status", "warning_signal",
                 "response_level", "field_report", "cap")
# the input events of a recording, which an exercise plays again; alerts, incidents and tasks are re-derived
INPUT_TYPES = (ev.FLOOD_READING, ev.STATION_READING, ev.CAMERA_STATE_CHANGED, ev.SIGNAL_CHANGED,
               ev.RESPONSE_LEVEL_CHANGED, ev.FIELD_REPORT, ev.CAP_ALERT)
OBJECT_TYPES = (ev.OBJECTS_REGISTERED, ev.TREE_ASSESSED)  # what a recording's objects are made of


class InjectError(ValueError):
    """An inject file (or a hand inject) that cannot be used; the message names the file and the inject."""


class ExerciseError(StoreError):
    """A database that is not an exercise database was offered for exercise data, or a similar refusal."""


# --- the objects an exercise plays on: ids and positions ----------------------------------------------------
@dataclass
class Catalogue:
    """id -> (lon, lat, name) per kind, and which flood point each sensor id belongs to."""

    flood_points: dict[str, tuple[float, float, str]] = field(default_factory=dict)
    sensors: dict[str, str] = field(default_factory=dict)  # sensor id or flood point id -> flood point id
    stations: dict[str, tuple[float, float, str]] = field(default_factory=dict)
    cameras: dict[str, tuple[float, float, str]] = field(default_factory=dict)
    trees: dict[str, tuple[float, float, str]] = field(default_factory=dict)
    sites: dict[str, tuple[float, float, str]] = field(default_factory=dict)

    def _add_flood_point(self, object_id: str, lon: float, lat: float, name: str, sensor: str) -> None:
        self.flood_points[object_id] = (lon, lat, name)
        self.sensors[object_id] = object_id
        if sensor:
            self.sensors[sensor] = object_id

    @classmethod
    def from_demo(cls, folder: Path = DEMO_DIR) -> Catalogue:
        """The bundled demo's objects, read from its files (no database needed)."""
        manifest = tomllib.loads((folder / "manifest.toml").read_text(encoding="utf-8"))["dataset"]
        files = {d["kind"]: folder / d["file"] for d in manifest}
        out = cls()
        for item in _read_features(files["flood_points"]):
            out._add_flood_point(item["id"], item["lon"], item["lat"], item.get("name") or "",
                                 item.get("sensor_id") or "")
        for kind, table, label in (("stations", out.stations, "name"), ("cameras", out.cameras, "name"),
                                   ("trees", out.trees, "street"), ("construction_sites", out.sites, "name")):
            if kind in files:
                for item in _read_features(files[kind]):
                    table[item["id"]] = (float(item["lon"]), float(item["lat"]), item.get(label) or "")
        return out

    @classmethod
    def from_database(cls, path: str | Path) -> Catalogue:
        """The objects of a console database (a recording), read-only."""
        from .replay.recording import uri_of

        conn = sqlite3.connect(uri_of(Path(path).resolve()), uri=True)
        try:
            return cls.from_connection(conn)
        except sqlite3.DatabaseError as exc:
            raise ExerciseError(f"{path}: not a console database with objects ({exc})") from None
        finally:
            conn.close()

    @classmethod
    def from_connection(cls, conn: sqlite3.Connection) -> Catalogue:
        """The objects of the projection tables of an open console database."""
        out = cls()
        for object_id, lon, lat, name, sensor in conn.execute("SELECT id, lon, lat, name, sensor_id FROM flood_points"):
            out._add_flood_point(object_id, lon, lat, name or "", sensor or "")
        for table, target, label in (("stations", out.stations, "name"), ("cameras", out.cameras, "name"),
                                     ("trees", out.trees, "street"), ("construction_sites", out.sites, "name")):
            for object_id, lon, lat, name in conn.execute(f"SELECT id, lon, lat, {label} FROM {table}"):
                target[object_id] = (lon, lat, name or "")
        return out

    def known(self) -> KnownObjects:
        """The ids as a MessageParser checks them."""
        return KnownObjects(flood_point_of_sensor=dict(self.sensors), stations=frozenset(self.stations),
                            cameras=frozenset(self.cameras),
                            objects=frozenset().union(self.flood_points, self.stations, self.cameras, self.trees,
                                                      self.sites))

    def position(self, object_id: str) -> tuple[float, float, str] | None:
        for table in (self.flood_points, self.stations, self.cameras, self.trees, self.sites):
            if object_id in table:
                return table[object_id]
        point = self.sensors.get(object_id)
        return None if point is None else self.flood_points[point]


def _read_features(path: Path) -> list[dict[str, Any]]:
    """CSV rows, or GeoJSON features as properties + lon, lat (a polygon's first vertex)."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        return list(csv.DictReader(text.splitlines()))
    out = []
    for feature in json.loads(text)["features"]:
        coordinates = feature["geometry"]["coordinates"]
        while isinstance(coordinates[0], list):
            coordinates = coordinates[0]
        out.append({**feature["properties"], "lon": coordinates[0], "lat": coordinates[1]})
    return out


# --- injects ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Inject:
    """One inject, checked and resolved: the messages it sends and what it does to the base stream."""

    number: int  # 1-based position in its file
    kind: str
    at: datetime  # aware, UTC
    until: datetime | None
    messages: tuple[tuple[datetime, dict], ...]  # (time, docs/feeds.md message)
    # the base messages it acts on: ("water_depth" | "station" | "camera", the ids they may name)
    target: tuple[str, frozenset[str]] | None = None
    depth_cm: float | None = None  # a water_depth override replaces the depth; otherwise the messages are withheld


# per kind: required fields, optional fields (besides kind, at, note)
_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "fallen_tree": ((), ("tree_id", "lon", "lat", "text", "team")),
    "sensor_failure": (("sensor_id",), ("until", "text", "team")),
    "camera_offline": (("camera_id",), ("until",)),
    "flood_report": (("text",), ("lon", "lat", "object_id", "team")),
    "field_report": (("text",), ("lon", "lat", "object_id", "team")),
    "signal": (("hazard", "level"), ()),
    "response_level": (("level",), ()),
    "water_depth": (("sensor_id", "depth_cm"), ("until",)),
    "message": (("message",), ()),
}


def load_injects(path: str | Path, catalogue: Catalogue | None = None, area: Area | None = None) -> list[Inject]:
    """The injects of a TOML or JSON file (docs/exercises.md), checked against the objects of `catalogue`
    (default: the bundled demo) and the city box. InjectError naming the file and the inject otherwise."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InjectError(f"{path}: cannot read the inject file: {exc}") from None
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InjectError(f"{path}: not valid {'JSON' if path.suffix.lower() == '.json' else 'TOML'}: {exc}") from None
    return parse_injects(data, str(path), catalogue, area)


def parse_injects(data: Any, where: str = "injects", catalogue: Catalogue | None = None,
                  area: Area | None = None) -> list[Inject]:
    """The injects of an already decoded file: {"inject": [ {...}, ... ]}, optionally with a title and a
    description."""
    if not isinstance(data, dict):
        raise InjectError(f"{where}: the file must hold a table with an 'inject' list")
    unknown = sorted(set(data) - {"inject", "title", "description"})
    if unknown:
        raise InjectError(f"{where}: unknown top-level key(s) {', '.join(unknown)}; expected inject, title, "
                          "description")
    items = data.get("inject")
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise InjectError(f"{where}: 'inject' must be a list of tables ([[inject]] in TOML)")
    resolver = _Resolver(catalogue or Catalogue.from_demo(), area or load_config().area)
    return [resolver.inject(item, number, f"{where}: inject #{number}") for number, item in enumerate(items, 1)]


class _Resolver:
    def __init__(self, catalogue: Catalogue, area: Area) -> None:
        self.catalogue = catalogue
        self.parser = MessageParser(catalogue.known(), area, "exercise", _parse_cap)

    def inject(self, item: Mapping[str, Any], number: int, label: str, id_prefix: str = "inject") -> Inject:
        kind = item.get("kind")
        if kind not in _FIELDS:
            raise InjectError(f"{label}: unknown kind {kind!r}; expected one of {', '.join(INJECT_KINDS)}")
        label = f"{label} ({kind})"
        required, optional = _FIELDS[kind]
        for key in ("at", *required):
            if item.get(key) is None:
                raise InjectError(f"{label}: '{key}' is missing")
        extra = sorted(set(item) - {"kind", "at", "note", *required, *optional})
        if extra:
            raise InjectError(f"{label}: unknown field(s) {', '.join(extra)}; a {kind} inject takes "
                              f"{', '.join(('at', *required, *optional, 'note'))}")
        at = _time(item["at"], f"{label}: 'at'")
        until = _time(item["until"], f"{label}: 'until'") if item.get("until") is not None else None
        if until is not None and until <= at:
            raise InjectError(f"{label}: 'until' ({until.isoformat()}) is not after 'at' ({at.isoformat()})")
        try:
            inject = getattr(self, "_" + kind)(item, number, at, until, f"{id_prefix}-{number}")
            for _, message in inject.messages:  # the console's own checks: ranges, known ids, the city box
                self.parser.parse(json.dumps(message, ensure_ascii=False) if message.get("type") != "cap"
                                  else message["xml"])
        except (MessageError, ValueError, TypeError) as exc:
            raise InjectError(f"{label}: {exc}") from None
        return inject

    # --- one method per kind: the Inject -------------------------------------------------------------------
    def _report(self, item: Mapping, number: int, at: datetime, message_id: str, kind: str,
                object_id: str | None = None) -> Inject:
        position = None
        if object_id is not None:
            position = self.catalogue.position(object_id)
            if position is None:
                raise ValueError(f"unknown object {object_id!r}")
        if item.get("lon") is not None or item.get("lat") is not None:
            lon, lat = item.get("lon"), item.get("lat")
            if lon is None or lat is None:
                raise ValueError("give both 'lon' and 'lat'")
        elif position is not None:
            lon, lat = position[0], position[1]
        else:
            raise ValueError("give a place: 'lon' and 'lat', or an object id")
        message = {"id": message_id, "type": "field_report", "time": _message_time(at),
                   "team": item.get("team") or DEFAULT_TEAMS.get(kind, DEFAULT_TEAMS["field_report"]),
                   "text": item.get("text"), "lon": lon, "lat": lat}
        if object_id is not None:
            message["object_id"] = self.catalogue.sensors.get(object_id, object_id)  # a sensor: its flood point
        return Inject(number, kind, at, None, ((at, message),))

    def _fallen_tree(self, item, number, at, until, message_id) -> Inject:
        tree = item.get("tree_id")
        if tree is not None and tree not in self.catalogue.trees:
            raise ValueError(f"unknown tree {tree!r}")
        if tree is None and (item.get("lon") is None or item.get("lat") is None):
            raise ValueError("'tree_id' or 'lon' and 'lat' is missing")
        name = self.catalogue.trees[tree][2] if tree else ""
        text = item.get("text") or f"{name}行道树倒伏，阻断道路，请求处置"
        return self._report({**item, "text": text}, number, at, message_id, "fallen_tree", tree)

    def _flood_report(self, item, number, at, until, message_id) -> Inject:
        return self._report(item, number, at, message_id, "flood_report", item.get("object_id"))

    def _field_report(self, item, number, at, until, message_id) -> Inject:
        return self._report(item, number, at, message_id, "field_report", item.get("object_id"))

    def _sensor_failure(self, item, number, at, until, message_id) -> Inject:
        sensor = item["sensor_id"]
        point = self.catalogue.sensors.get(sensor)
        if point is not None:
            aliases = frozenset(s for s, p in self.catalogue.sensors.items() if p == point)
            target, name = ("water_depth", aliases), self.catalogue.flood_points[point][2]
        elif sensor in self.catalogue.stations:
            target, name = ("station", frozenset({sensor})), self.catalogue.stations[sensor][2]
        else:
            raise ValueError(f"unknown sensor {sensor!r}: not a flood point, its sensor, or a station")
        text = item.get("text") or f"{name or sensor}（{sensor}）传感器故障，数据中断"
        report = self._report({"team": item.get("team"), "text": text}, number, at, message_id, "sensor_failure",
                              point or sensor)
        return Inject(number, "sensor_failure", at, until, report.messages, target)

    def _camera_offline(self, item, number, at, until, message_id) -> Inject:
        camera = item["camera_id"]
        if camera not in self.catalogue.cameras:
            raise ValueError(f"unknown camera {camera!r}")
        messages = [(at, {"id": message_id, "type": "camera_status", "time": _message_time(at), "camera_id": camera,
                          "state": "offline"})]
        if until is not None:  # back online when the outage ends
            messages.append((until, {"id": f"{message_id}-end", "type": "camera_status",
                                     "time": _message_time(until), "camera_id": camera, "state": "online"}))
        return Inject(number, "camera_offline", at, until, tuple(messages), ("camera", frozenset({camera})))

    def _signal(self, item, number, at, until, message_id) -> Inject:
        message = {"id": message_id, "type": "warning_signal", "time": _message_time(at), "hazard": item["hazard"],
                   "level": item["level"]}
        return Inject(number, "signal", at, None, ((at, message),))

    def _response_level(self, item, number, at, until, message_id) -> Inject:
        message = {"id": message_id, "type": "response_level", "time": _message_time(at), "level": item["level"]}
        return Inject(number, "response_level", at, None, ((at, message),))

    def _water_depth(self, item, number, at, until, message_id) -> Inject:
        sensor = item["sensor_id"]
        point = self.catalogue.sensors.get(sensor)
        if point is None:
            raise ValueError(f"unknown flood point or sensor {sensor!r}")
        depth = item["depth_cm"]
        message = {"id": message_id, "type": "water_depth", "time": _message_time(at), "sensor_id": sensor,
                   "depth_cm": depth}
        aliases = frozenset(s for s, p in self.catalogue.sensors.items() if p == point)
        valid = isinstance(depth, (int, float)) and not isinstance(depth, bool)
        return Inject(number, "water_depth", at, until, ((at, message),), ("water_depth", aliases),
                      float(depth) if valid else None)

    def _message(self, item, number, at, until, message_id) -> Inject:
        raw = item["message"]
        if not isinstance(raw, dict):
            raise ValueError("'message' must be a table holding a docs/feeds.md message")
        if raw.get("type") not in MESSAGE_KINDS:
            raise ValueError(f"message type {raw.get('type')!r}; expected one of {', '.join(MESSAGE_KINDS)}")
        if raw["type"] == "cap" and not isinstance(raw.get("xml"), str):
            raise ValueError("a cap message carries its CAP 1.2 alert as 'xml'")
        # the inject's time and number rule: a message's own 'time' or 'id' would break the file's order and ids
        message = {"id": message_id, "type": raw["type"], "time": _message_time(at),
                   **{k: v for k, v in raw.items() if k not in ("id", "type", "time")}}
        return Inject(number, "message", at, None, ((at, message),))


def _parse_cap(data: bytes) -> dict[str, Any]:
    from .feeds.cap import parse_cap  # the CAP schema is loaded only when an inject carries an alert

    return parse_cap(data)


def _time(value: Any, label: str) -> datetime:
    """An aware UTC datetime from ISO-8601 text with an offset, or a TOML offset date-time."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise InjectError(f"{label} {value!r} is not an ISO-8601 time such as 2021-07-25T21:00:00+08:00") from None
    elif isinstance(value, date):
        raise InjectError(f"{label} {value!r} is a date; give a time with an offset, e.g. 2021-07-25T21:00:00+08:00")
    else:
        raise InjectError(f"{label} {value!r} is not a time; give e.g. 2021-07-25T21:00:00+08:00")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InjectError(f"{label} {value!s} has no offset; give one, e.g. +08:00 (Beijing) or Z")
    return moment.astimezone(timezone.utc)


def _message_time(moment: datetime) -> str:
    """Beijing time, as the city's feeds (and the In-Fa scenario) write it."""
    return moment.astimezone(BEIJING).isoformat(timespec="milliseconds" if moment.microsecond else "seconds")


# --- the merge ---------------------------------------------------------------------------------------------
class Overrides:
    """What injects do to the base stream: withhold a sensor's or camera's messages, or replace a flood point's
    depth, from `at` (inclusive) to `until` (exclusive; None: to the end). `add` may be called while a feed plays
    (a hand inject): lists and dicts are only ever appended to, which is safe under the GIL."""

    _KEYS = {"water_depth": ("water_depth", "sensor_id"), "tide_level": ("station", "station_id"),
             "rainfall": ("station", "station_id"), "wind": ("station", "station_id"),
             "camera_status": ("camera", "camera_id")}

    def __init__(self, injects: Iterable[Inject] = ()) -> None:
        self._rules: dict[tuple[str, str], list[Inject]] = {}
        for inject in injects:
            self.add(inject)

    def add(self, inject: Inject) -> None:
        if inject.target is not None:
            group, ids = inject.target
            for object_id in ids:
                self._rules.setdefault((group, object_id), []).append(inject)

    def apply(self, message: dict, moment: datetime | None) -> dict | None:
        """The base message as the exercise sees it: itself, changed, or None (withheld)."""
        if not self._rules or moment is None:
            return message
        key = self._KEYS.get(message.get("type"))
        rules = self._rules.get((key[0], message.get(key[1]))) if key else None
        if not rules:
            return message
        for inject in reversed(rules):  # the latest inject on a sensor wins
            if inject.at <= moment and (inject.until is None or moment < inject.until):
                if inject.depth_cm is None:
                    return None
                return {**message, "depth_cm": inject.depth_cm}
        return message


def exercise_messages(base: Iterable[dict], injects: Sequence[Inject], start: datetime | None = None,
                      end: datetime | None = None, overrides: Overrides | None = None) -> Iterator[dict]:
    """The base messages (in time order) with the injects' messages merged in by time, and the injects' rules
    applied to the base (a failed sensor's later readings withheld, an overridden depth replaced). Lazy: it pulls
    one base message at a time. An inject's message goes after the base messages of the same time (so the
    trainer's response level wins over the scenario's at that moment). Inject messages outside [start, end) are
    left out; their rules still apply."""
    overrides = overrides if overrides is not None else Overrides(injects)
    planned = sorted(((moment, inject.number, i, message) for inject in injects
                      for i, (moment, message) in enumerate(inject.messages)
                      if (start is None or moment >= start) and (end is None or moment < end)),
                     key=lambda p: p[:3])
    time_of = MessageTime()
    i = 0
    for message in base:
        moment = time_of(message)
        while moment is not None and i < len(planned) and planned[i][0] < moment:
            yield planned[i][3]
            i += 1
        message = overrides.apply(message, moment)
        if message is not None:
            yield message
    for item in planned[i:]:
        yield item[3]


def is_message_file(path: str | Path) -> bool:
    """A recorded feed (NDJSON: one docs/feeds.md message a line) rather than a console database."""
    return Path(path).suffix.lower() in (".ndjson", ".jsonl")


def _file_messages(path: str | Path, start: datetime | None, end: datetime | None) -> Iterator[dict]:
    """The messages of an NDJSON file within [start, end), in the file's order (a recording is in time order)."""
    time_of = MessageTime()
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                message = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ExerciseError(f"{path}, line {number}: not JSON ({exc.msg})") from None
            moment = time_of(message)
            if moment is not None and ((start is not None and moment < start) or (end is not None and moment >= end)):
                continue
            yield message


# --- a recording as messages --------------------------------------------------------------------------------
def recording_messages(path: str | Path, start: datetime | None = None, end: datetime | None = None,
                       decisions: bool = False) -> Iterator[dict]:
    """The input events of a recorded console database as docs/feeds.md messages, in event-time order, read
    read-only and lazily (the file is opened on the first message, on the thread that reads them).

    Readings, camera states, signals, response levels, field reports and CAP alerts are played again; alerts,
    incidents and tasks are not (the exercise derives them again as the trainees act), nor signals the console
    derived from CAP alerts (the alert is played, so they follow again), nor, unless `decisions`, the signals and
    response levels people set by hand (the trainees decide those). An NDJSON file (is_message_file) is played
    as it is: its messages are already the feeds' own."""
    if is_message_file(path):
        yield from _file_messages(path, start, end)
        return
    from .replay.recording import Recording

    recording = Recording(path)
    try:
        where, params = [f"type IN ({','.join('?' * len(INPUT_TYPES))})", "seq <= ?"], [*INPUT_TYPES,
                                                                                       recording.last_seq]
        for bound, operator in ((start, ">="), (end, "<")):
            if bound is not None:
                where.append(f"event_time {operator} ?")
                params.append(to_utc_text(bound))
        # ORDER BY event_time, seq follows the events_by_time index (event time, then rowid = seq): no sort
        rows = recording.conn.execute(f"SELECT id, type, event_time, source, payload FROM events WHERE "
                                      f"{' AND '.join(where)} ORDER BY event_time, seq", params)
        for event_id, event_type, event_time, source, payload in rows:
            event = Event(event_type, json.loads(payload), event_time, source, event_id)
            if not decisions and "by" in event.payload:
                continue
            yield from message_of(event)
    finally:
        recording.close()


_STATION_GROUPS = (("tide_level", (("level_m", "level_m"),)),
                   ("rainfall", (("rain_1h_mm", "rain_1h_mm"), ("rain_acc_mm", "rain_acc_mm"))),
                   ("wind", (("wind_mean_ms", "mean_ms"), ("wind_gust_ms", "gust_ms"))))


def message_of(event: Event) -> list[dict]:
    """The docs/feeds.md message(s) that MessageParser turns into `event` (the inverse of its mapping); [] for an
    event no message makes (derived, or an object)."""
    p, head = event.payload, {"id": event.id, "time": event.event_time}
    if event.type == ev.FLOOD_READING:
        return [{**head, "type": "water_depth", "sensor_id": p["id"], "depth_cm": p["depth_cm"]}]
    if event.type == ev.STATION_READING:
        groups = [(kind, fields) for kind, fields in _STATION_GROUPS if all(k in p for k, _ in fields)]
        return [{**head, "type": kind, "station_id": p["id"], **{name: p[key] for key, name in fields},
                 # one event makes one message; a payload of several kinds (none of the parser's) gets one per kind
                 **({"id": f"{event.id}-{kind}"} if len(groups) > 1 else {})} for kind, fields in groups]
    if event.type == ev.CAMERA_STATE_CHANGED:
        return [{**head, "type": "camera_status", "camera_id": p["id"], "state": p["state"]}]
    if event.type == ev.SIGNAL_CHANGED:
        if event.source == "cap" or "cap_identifier" in p:
            return []  # derived from a CAP alert, which is played itself
        return [{**head, "type": "warning_signal", "hazard": p["hazard"], "level": p["level"]}]
    if event.type == ev.RESPONSE_LEVEL_CHANGED:
        return [{**head, "type": "response_level", "level": p["level"]}]
    if event.type == ev.FIELD_REPORT:
        message = {**head, "type": "field_report", **{k: p[k] for k in ("team", "text", "lon", "lat")}}
        if p.get("object_id"):
            message["object_id"] = p["object_id"]
        return [message]
    if event.type == ev.CAP_ALERT:
        return [{**head, "type": "cap", "xml": cap_xml(p)}]
    return []


_CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"


def cap_xml(alert: Mapping[str, Any]) -> str:
    """A CAP 1.2 alert (XML text) from the dict console.core.feeds.cap.parse_cap made of it: parsing it again
    gives the same dict. Elements in the schema's order."""
    root = ET.Element("alert", xmlns=_CAP_NS)

    def put(parent: ET.Element, tag: str, value: Any) -> None:
        if value is not None:
            ET.SubElement(parent, tag).text = value if isinstance(value, str) else _decimal(value)

    for key, tag in (("identifier", "identifier"), ("sender", "sender"), ("sent", "sent"), ("status", "status"),
                     ("msg_type", "msgType"), ("scope", "scope"), ("note", "note"), ("references", "references")):
        put(root, tag, alert.get(key))
    for info in alert.get("info") or []:
        block = ET.SubElement(root, "info")
        put(block, "language", info.get("language"))
        for category in info.get("category") or []:
            put(block, "category", category)
        for key in ("event", "urgency", "severity", "certainty", "effective", "onset", "expires"):
            put(block, key, info.get(key))
        for key, tag in (("sender_name", "senderName"), ("headline", "headline"), ("description", "description"),
                         ("instruction", "instruction"), ("web", "web")):
            put(block, tag, info.get(key))
        for area in info.get("areas") or []:
            element = ET.SubElement(block, "area")
            put(element, "areaDesc", area.get("desc"))
            for polygon in area.get("polygons") or []:
                put(element, "polygon", " ".join(f"{_decimal(lat)},{_decimal(lon)}" for lon, lat in polygon))
            for circle in area.get("circles") or []:
                put(element, "circle", f"{_decimal(circle['lat'])},{_decimal(circle['lon'])} "
                                       f"{_decimal(circle['radius_km'])}")
            for code in area.get("geocodes") or []:
                geocode = ET.SubElement(element, "geocode")
                put(geocode, "valueName", code.get("valueName"))
                put(geocode, "value", code.get("value"))
            put(element, "altitude", area.get("altitude"))
            put(element, "ceiling", area.get("ceiling"))
    return ET.tostring(root, encoding="unicode")


def _decimal(value: float) -> str:
    """A float as exact decimal text without an exponent (xs:decimal), which reads back as the same float."""
    return format(Decimal(repr(float(value))), "f")


# --- exercise databases -------------------------------------------------------------------------------------
def is_exercise(store: Store) -> bool:
    return store.meta(MODE_KEY) == EXERCISE_MODE


def new_exercise_database(folder: str | Path | None = None, name: str | None = None, *, scenario: str | None = None,
                          recording: str | Path | None = None, injects: str | Path | None = None,
                          start: datetime | None = None, end: datetime | None = None) -> Path:
    """A fresh exercise database, <folder>/exercises/<YYYY-MM-DD-HHMM>-<name>.db (folder: the user's data folder),
    marked as an exercise with what it is started from. Never an existing file: a clash gets -2, -3, ..."""
    if (scenario is None) == (recording is None):
        raise ExerciseError("an exercise starts from a scenario (e.g. 'in-fa') or from a recording, not both")
    if recording is not None and not Path(recording).is_file():
        raise ExerciseError(f"recording {recording}: no such file")
    folder = Path(folder) if folder is not None else user_data_dir()
    slug = re.sub(r"[^\w-]+", "-", name or scenario or Path(recording).stem).strip("-")[:40] or "exercise"
    target = folder / "exercises" / f"{datetime.now().strftime('%Y-%m-%d-%H%M')}-{slug}.db"
    target.parent.mkdir(parents=True, exist_ok=True)
    number = 1
    while True:
        try:
            with open(target, "x"):  # created here, so no other console's file is ever taken over
                break
        except FileExistsError:
            number += 1
            target = target.with_name(f"{target.stem.rsplit('~', 1)[0]}~{number}.db")
    store = Store(target)
    try:
        store.set_meta(MODE_KEY, EXERCISE_MODE)
        meta = {"exercise_name": name or slug, "exercise_scenario": scenario,
                "exercise_recording": str(Path(recording).resolve()) if recording is not None else None,
                "exercise_injects": str(Path(injects).resolve()) if injects is not None else None,
                "exercise_start": start.isoformat() if start is not None else None,
                "exercise_end": end.isoformat() if end is not None else None, "exercise_created": now_utc_text()}
        for key, value in meta.items():
            if value is not None:
                store.set_meta(key, value)
    finally:
        store.close()
    return target


def open_exercise_store(path: str | Path, **store_options: Any) -> Store:
    """The exercise database at `path`; ExerciseError if the file is missing or is not an exercise database (it
    is looked at read-only first, so a real console database is not even migrated)."""
    path = Path(path)
    if not path.is_file():
        raise ExerciseError(f"{path}: no such exercise database")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (MODE_KEY,)).fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        row = None
    if row is None or row[0] != EXERCISE_MODE:
        raise ExerciseError(f"{path}: not an exercise database; exercise data never goes into a real console "
                            "database (start a new exercise instead)")
    return Store(path, **store_options)


def exercise_meta(store: Store) -> dict[str, str]:
    """What the exercise was started from (META_KEYS that are set), for the window title and the review."""
    return {key: value for key in META_KEYS if (value := store.meta(key)) is not None}


def load_exercise_objects(session: Any) -> int:
    """Fill an exercise database with the objects it plays on, once: the recording's, or the bundled demo's.
    Returns how many events were added."""
    store = session.store
    if not is_exercise(store):
        raise ExerciseError(f"{store.path}: not an exercise database")
    if store.meta("exercise_objects_loaded"):
        return 0
    recording = store.meta("exercise_recording")
    if recording and not is_message_file(recording):  # a message file plays on the bundled demo's objects
        added = copy_objects(recording, session)
    else:
        from .demo import ensure_demo

        before = store.event_count()
        ensure_demo(session)
        added = store.event_count() - before
    store.set_meta("exercise_objects_loaded", "1")
    return added


def copy_objects(recording: str | Path, session: Any, batch: int = 20) -> int:
    """The objects of a recorded console database (registrations and tree assessments, with their ids) ingested
    into `session`'s exercise database. Returns how many were new."""
    from .replay.recording import Recording

    if not is_exercise(session.store):
        raise ExerciseError(f"{session.store.path}: not an exercise database")
    source = Recording(recording)
    added = 0
    try:
        rows = source.conn.execute(f"SELECT id, type, event_time, source, payload FROM events WHERE type IN "
                                   f"({','.join('?' * len(OBJECT_TYPES))}) AND {NOT_READINGS_WHERE} AND seq <= ? "
                                   "ORDER BY seq",
                                   (*OBJECT_TYPES, source.last_seq))
        while chunk := rows.fetchmany(batch):  # registrations carry thousands of objects each
            added += len(session.ingest([Event(t, json.loads(p), when, src, i) for i, t, when, src, p in chunk]))
    finally:
        source.close()
    return added


# --- the exercise feed ----------------------------------------------------------------------------------------
def exercise_feed(name: str, parser: MessageParser, sink: queue.SimpleQueue, *, scenario: str | None = None,
                  recording: str | None = None, injects: str | None = None, speed: float = 60.0,
                  start: str | datetime | None = None, end: str | datetime | None = None, seed: int | None = None,
                  stale_after_s: float | None = None, on_clock: Callable | None = None):
    """A ScenarioFeed (kind "scenario", so the console's clock follows it) playing the scenario or the recording
    with the injects merged in. The inject file is checked here, so a bad one is refused when the feed is built;
    the base stream is made on the feed's thread, when it starts. `feed.overrides` takes hand injects' rules."""
    from .scenario.player import BUILT_IN, ScenarioFeed

    if (scenario is None) == (recording is None):
        raise ValueError("give either 'scenario' or 'recording'")
    if scenario is not None and scenario not in BUILT_IN:
        raise ValueError(f"unknown scenario {scenario!r}; built in: {', '.join(BUILT_IN)}")
    window = [_time(t, f"'{key}'") if t is not None else None for key, t in (("start", start), ("end", end))]
    if recording is not None and not Path(recording).is_file():
        raise ValueError(f"recording {recording}: no such file")
    on_demo = recording is None or is_message_file(recording)
    catalogue = Catalogue.from_demo() if on_demo else Catalogue.from_database(recording)
    plan = load_injects(injects, catalogue, parser.area) if injects else []
    overrides = Overrides(plan)

    def base() -> Iterator[dict]:
        if recording is not None:
            yield from recording_messages(recording, *window)
            return
        from .scenario.infa import DEFAULT_SEED, InFaScenario

        chosen = InFaScenario.from_demo(parser.known, seed=DEFAULT_SEED if seed is None else seed)
        yield from chosen.messages(*window)

    feed = ScenarioFeed(name, parser, sink, messages=exercise_messages(base(), plan, *window, overrides=overrides),
                        speed=speed, start=window[0], on_clock=on_clock, stale_after_s=stale_after_s)
    feed.overrides = overrides
    feed.injects = plan
    return feed


def exercise_feed_config(store: Store, speed: float = 60.0, name: str = "exercise"):
    """The feed (a FeedConfig of type "exercise") an exercise database was started for, from its meta."""
    from .feeds.config import FeedConfig

    if not is_exercise(store):
        raise ExerciseError(f"{store.path}: not an exercise database")
    options: dict[str, Any] = {"speed": speed}
    for key in ("scenario", "recording", "injects", "start", "end"):
        value = store.meta(f"exercise_{key}")
        if value:
            options[key] = value
    return FeedConfig(name, "exercise", True, options)


def check_exercise_feeds(configs: Iterable[Any], store: Store) -> None:
    """ExerciseError if an enabled "exercise" feed would write into a database that is not an exercise's."""
    if is_exercise(store):
        return
    for config in configs:
        if config.type == "exercise" and config.enabled:
            raise ExerciseError(f"feed {config.name!r}: an exercise feed plays only into an exercise database, "
                                f"and {store.path} is a real one")


# --- by hand --------------------------------------------------------------------------------------------------
_hand_lock = threading.Lock()


def hand_inject(session: Any, kind: str, at: datetime | None = None, overrides: Overrides | None = None,
                catalogue: Catalogue | None = None, **fields: Any) -> list[Event]:
    """An inject made by hand (e.g. on the map): checked like a file's, stamped with the session clock's time
    (or `at`), ingested at once; its rule on the base stream (a sensor failure, a depth override) goes to
    `overrides` (the running exercise feed's `feed.overrides`). Only into an exercise database."""
    if not is_exercise(session.store):
        raise ExerciseError(f"{session.store.path}: injects go only into an exercise database")
    if fields.get("until") is not None:
        raise InjectError("a hand inject has no 'until'; end it with another inject")
    moment = at or session.clock.now()
    resolver = _Resolver(catalogue or Catalogue.from_connection(session.store.conn), session.store.config.area)
    with _hand_lock:
        inject = resolver.inject({"kind": kind, "at": moment, **fields}, 0, "hand inject",
                                 id_prefix=f"hand-{uuid.uuid4().hex[:12]}")
    parser = MessageParser(session.known, session.store.config.area, "exercise-hand", _parse_cap)
    events = [parser.parse(message["xml"] if message.get("type") == "cap" else json.dumps(message, ensure_ascii=False))
              for _, message in inject.messages]
    if overrides is not None:
        overrides.add(inject)
    return session.ingest(events)

