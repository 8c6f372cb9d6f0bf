"""Parsing and validating feed messages (docs/feeds.md) into events. Pure Python, safe off the GUI thread.

Every check that fails raises MessageError with a reason a duty officer can act on; nothing else escapes.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable

import orjson

from .. import events as ev
from ..config import Area
from ..events import Event
from ..timefmt import normalize_time

MAX_MESSAGE_BYTES = 64 * 1024  # a batch too: about 400 readings
BATCH = "batch"  # a gateway's message holding many (docs/feeds.md)
MAX_ID_CHARS = 128
MAX_TEXT_CHARS = 2000
SIGNAL_LEVELS = ("none", "blue", "yellow", "orange", "red")
RESPONSE_LEVELS = ("none", "IV", "III", "II", "I")
# A time with whole seconds, optional milliseconds and an offset ('+08:00', as the city's feeds send them):
# converting one costs 4 µs, so the stored (UTC) text of each (seconds, offset) seen is kept, and only the
# milliseconds change between messages. Anything else goes to normalize_time.
_ZONED_TIME = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{3}))?([+-]\d\d:\d\d)", re.ASCII)
TIMES_KEPT = 4096


class MessageError(ValueError):
    """Why a message was rejected."""


@dataclass
class KnownObjects:
    """The ids messages may name. The session replaces each field whole (an atomic assignment) when objects
    are registered; feed threads only read them."""

    flood_point_of_sensor: dict[str, str] = field(default_factory=dict)  # sensor id or flood point id
    stations: frozenset[str] = frozenset()
    cameras: frozenset[str] = frozenset()
    objects: frozenset[str] = frozenset()  # every object id, for field reports


class MessageParser:
    def __init__(self, known: KnownObjects, area: Area, source: str,
                 cap_parser: Callable[[bytes], dict[str, Any]] | None = None) -> None:
        self.known = known
        self.area = area
        self.source = source
        self.cap_parser = cap_parser
        self._utc_head: dict[tuple[str, str], str] = {}  # (seconds, offset) -> stored text up to the ms

    def parse(self, raw: bytes | str) -> Event:
        """The event of one message (a batch is refused: see parse_all)."""
        message = self._decode(raw)
        if not isinstance(message, dict):
            return message  # a CAP alert's event
        if message.get("type") == BATCH:
            raise MessageError("a batch of messages where one message was expected")
        return self._event(message)

    def parse_all(self, raw: bytes | str) -> tuple[list[Event], list[str]]:
        """The events of one message, or of each message of a batch, and why each one refused was refused (a bad
        message in a batch does not cost the others). A message refused whole raises MessageError."""
        message = self._decode(raw)
        if not isinstance(message, dict):
            return [message], []
        if message.get("type") != BATCH:
            return [self._event(message)], []
        batch_id = _text(message, "id", MAX_ID_CHARS)
        inner = message.get("messages")
        if not isinstance(inner, list) or not inner:
            raise MessageError(f"batch {batch_id!r}: 'messages' must be a non-empty list of messages")
        events, refused = [], []
        for number, one in enumerate(inner, 1):
            try:
                if not isinstance(one, dict) or one.get("type") == BATCH:
                    raise MessageError("must be a message object (batches do not nest)")
                events.append(self._event(one))
            except MessageError as exc:
                refused.append(f"batch {batch_id!r}, message {number}: {exc}")
        return events, refused

    def _decode(self, raw: bytes | str) -> dict | Event:
        """The message's JSON object, or the event of a CAP alert."""
        data = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
        if len(data) > MAX_MESSAGE_BYTES:
            raise MessageError(f"message of {len(data):,} bytes is larger than {MAX_MESSAGE_BYTES:,}")
        if data.lstrip()[:1] == b"<":
            return self._cap(data)
        try:
            # An object whose second byte is not NUL can only be UTF-8: orjson reads it three times faster than
            # the json module. That one also takes UTF-16/32 and a UTF-8 BOM (json.loads sniffs bytes for them).
            if data[:1] == b"{" and data[1:2] != b"\x00":
                message = orjson.loads(data)
            else:
                message = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:  # orjson's error is a json.JSONDecodeError
            raise MessageError(f"not valid JSON: {exc}") from None
        if not isinstance(message, dict):
            raise MessageError("a message must be a JSON object")
        return message

    def _event(self, message: dict) -> Event:
        message_id = _text(message, "id", MAX_ID_CHARS)
        kind = message.get("type")
        handler = _KINDS.get(kind) if isinstance(kind, str) else None
        if handler is None:
            raise MessageError(f"unknown message type {kind!r}; expected one of {', '.join(_KINDS)} or {BATCH}")
        try:
            time = self._stored_time(_text(message, "time", 40))
        except ValueError as exc:
            raise MessageError(f"'time': {exc}") from None
        event_type, payload = handler(self, message)
        return Event(type=event_type, payload=payload, event_time=time, source=self.source, id=message_id)

    def _stored_time(self, text: str) -> str:
        """normalize_time(text), remembering the UTC text of each second (see _ZONED_TIME)."""
        match = _ZONED_TIME.fullmatch(text)
        if match is None:
            return normalize_time(text)
        key = match.group(1, 3)
        head = self._utc_head.get(key)
        if head is None:
            stored = normalize_time(text)  # also rejects an impossible date, as always
            if len(self._utc_head) >= TIMES_KEPT:
                self._utc_head.clear()
            self._utc_head[key] = stored[:-4]  # ends with the milliseconds and "Z"
            return stored
        return f"{head}{match[2] or '000'}Z"

    def _cap(self, data: bytes) -> Event:
        if self.cap_parser is None:
            raise MessageError("XML message, but this feed does not take CAP alerts")
        try:
            alert = self.cap_parser(data)
        except ValueError as exc:
            raise MessageError(f"CAP alert rejected: {exc}") from None
        return Event(type=ev.CAP_ALERT, payload=alert, event_time=normalize_time(alert["sent"]),
                     source=self.source, id=f"cap:{alert['sender']}:{alert['identifier']}")

    # --- one method per message kind: (event type, payload) ------------------------------------------
    def _water_depth(self, m: dict) -> tuple[str, dict]:
        sensor = _text(m, "sensor_id", MAX_ID_CHARS)
        point = self.known.flood_point_of_sensor.get(sensor)
        if point is None:
            raise MessageError(f"unknown sensor {sensor!r}")
        return ev.FLOOD_READING, {"id": point, "depth_cm": _number(m, "depth_cm", 0, 500)}

    def _station(self, m: dict) -> str:
        station = _text(m, "station_id", MAX_ID_CHARS)
        if station not in self.known.stations:
            raise MessageError(f"unknown station {station!r}")
        return station

    def _tide_level(self, m: dict) -> tuple[str, dict]:
        return ev.STATION_READING, {"id": self._station(m), "level_m": _number(m, "level_m", -5, 15)}

    def _rainfall(self, m: dict) -> tuple[str, dict]:
        return ev.STATION_READING, {"id": self._station(m), "rain_1h_mm": _number(m, "rain_1h_mm", 0, 300),
                                    "rain_acc_mm": _number(m, "rain_acc_mm", 0, 2000)}

    def _wind(self, m: dict) -> tuple[str, dict]:
        station = self._station(m)
        mean, gust = _number(m, "mean_ms", 0, 90), _number(m, "gust_ms", 0, 90)
        if gust < mean:
            raise MessageError(f"gust {gust} m/s is below the mean wind {mean} m/s")
        return ev.STATION_READING, {"id": station, "wind_mean_ms": mean, "wind_gust_ms": gust}

    def _camera_status(self, m: dict) -> tuple[str, dict]:
        camera = _text(m, "camera_id", MAX_ID_CHARS)
        if camera not in self.known.cameras:
            raise MessageError(f"unknown camera {camera!r}")
        return ev.CAMERA_STATE_CHANGED, {"id": camera, "state": _choice(m, "state", ("online", "offline"))}

    def _warning_signal(self, m: dict) -> tuple[str, dict]:
        return ev.SIGNAL_CHANGED, {"hazard": _choice(m, "hazard", ("typhoon", "rainstorm")),
                                   "level": _choice(m, "level", SIGNAL_LEVELS)}

    def _response_level(self, m: dict) -> tuple[str, dict]:
        return ev.RESPONSE_LEVEL_CHANGED, {"level": _choice(m, "level", RESPONSE_LEVELS)}

    def _field_report(self, m: dict) -> tuple[str, dict]:
        lon, lat = _number(m, "lon", -180, 180), _number(m, "lat", -90, 90)
        if not self.area.contains(lon, lat):
            raise MessageError(f"position {lon:.5f}, {lat:.5f} is outside the city area")
        payload = {"team": _text(m, "team", 100), "text": _text(m, "text", MAX_TEXT_CHARS), "lon": lon, "lat": lat,
                   "object_id": None}
        if m.get("object_id") is not None:
            object_id = _text(m, "object_id", MAX_ID_CHARS)
            if object_id not in self.known.objects:
                raise MessageError(f"unknown object {object_id!r}")
            payload["object_id"] = object_id
        return ev.FIELD_REPORT, payload


_KINDS: dict[str, Callable[[MessageParser, dict], tuple[str, dict]]] = {
    "water_depth": MessageParser._water_depth,
    "tide_level": MessageParser._tide_level,
    "rainfall": MessageParser._rainfall,
    "wind": MessageParser._wind,
    "camera_status": MessageParser._camera_status,
    "warning_signal": MessageParser._warning_signal,
    "response_level": MessageParser._response_level,
    "field_report": MessageParser._field_report,
}


def _text(m: dict, key: str, max_chars: int) -> str:
    value = m.get(key)
    if not isinstance(value, str) or not value.strip():
        raise MessageError(f"'{key}' is missing or not a text" if value is None else f"'{key}' must be a text")
    if len(value) > max_chars:
        raise MessageError(f"'{key}' is longer than {max_chars} characters")
    return value.strip()


def _number(m: dict, key: str, low: float, high: float) -> float:
    value = m.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise MessageError(f"'{key}' is missing" if value is None else f"'{key}' is {value!r}, not a number")
    if not math.isfinite(value) or not low <= value <= high:
        raise MessageError(f"'{key}' is {value}, outside {low}–{high}")
    return float(value)


def _choice(m: dict, key: str, choices: tuple[str, ...]) -> str:
    value = m.get(key)
    if value not in choices:
        raise MessageError(f"'{key}' is {value!r}, expected one of {', '.join(choices)}")
    return value
