"""Warning signals from CAP alerts: a meteorological bureau's CAP message for a typhoon or rainstorm signal sets
the city's signal, as a `city.signal_changed` event the rules then take into account.

China's meteorological CAP messages name the hazard and colour in the event and headline ("台风橙色预警",
"上海市中心气象台发布暴雨黄色预警信号"); English ones say "Typhoon Orange Warning". Where no colour word is given,
the CAP severity stands for it as China's warning levels map onto CAP (blue Minor, yellow Moderate, orange
Severe, red Extreme). A Cancel message, or an alert whose info has expired, lowers the signal to none.
Only `Actual` alerts count: exercises, tests and drafts change nothing.
"""
from __future__ import annotations

import re
from typing import Any, Iterable

from . import events as ev
from .events import Event, make_event
from .timefmt import normalize_time


def _words(chinese: str, english: str) -> re.Pattern:
    # English as whole words: "red" is not in "expired"
    return re.compile(rf"{chinese}|\b{english}\b", re.IGNORECASE)


HAZARD_WORDS = {"typhoon": _words("台风", "typhoon"), "rainstorm": _words("暴雨", "rainstorm")}
COLOUR_WORDS = {"red": _words("红色", "red"), "orange": _words("橙色", "orange"), "yellow": _words("黄色", "yellow"),
                "blue": _words("蓝色", "blue")}  # most severe first, should a text name two
SEVERITY_COLOUR = {"Minor": "blue", "Moderate": "yellow", "Severe": "orange", "Extreme": "red"}
SOURCE = "cap"


def signals_from_cap(events: Iterable[Event]) -> list[Event]:
    """The signal changes that the CAP alerts among `events` announce."""
    out = []
    for event in events:
        if event.type != ev.CAP_ALERT or event.payload.get("status") != "Actual":
            continue
        alert = event.payload
        for index, info in enumerate(alert.get("info") or []):
            found = _signal(info)
            if found is None:
                continue
            hazard, level = found
            if alert.get("msg_type") == "Cancel":
                level = "none"
            moment = normalize_time(info.get("onset") or info.get("effective") or alert.get("sent")
                                    or event.event_time)
            payload = {"hazard": hazard, "level": level, "cap_identifier": alert.get("identifier"),
                       "headline": info.get("headline")}
            out.append(make_event(ev.SIGNAL_CHANGED, payload, moment, SOURCE,
                                  id=f"signal-from-cap:{alert.get('identifier')}:{index}"))
    return out


def _signal(info: dict[str, Any]) -> tuple[str, str] | None:
    """(hazard, colour) of a CAP info block about a typhoon or rainstorm signal, else None."""
    text = " ".join(str(info.get(key) or "") for key in ("event", "headline"))
    hazard = next((name for name, words in HAZARD_WORDS.items() if words.search(text)), None)
    if hazard is None:
        return None
    colour = next((name for name, words in COLOUR_WORDS.items() if words.search(text)), None)
    colour = colour or SEVERITY_COLOUR.get(info.get("severity") or "")
    return None if colour is None else (hazard, colour)
