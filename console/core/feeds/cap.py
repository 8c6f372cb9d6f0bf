"""CAP 1.2 alerts (docs/feeds.md, "CAP 1.2 alerts"): defused XML, checked against the bundled schema, as a plain dict.

`parse_cap(data)` is the `cap_parser` of MessageParser; every rejection is a CapError (a ValueError) whose message
says why. Pure Python, no network, safe off the GUI thread.
"""
from __future__ import annotations

import math
import threading
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as DefusedET
import xmlschema

from ..heap import freeze_long_lived
from ..paths import OFFLINE_DATA

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
SCHEMA_PATH = OFFLINE_DATA / "cap" / "CAP-v1.2.xsd"
_NS = {"cap": CAP_NS}

freeze_long_lived()  # xmlschema's tables, built as it is imported (27,000 objects), live as long as the console
_schema: xmlschema.XMLSchema | None = None
_schema_lock = threading.Lock()  # feed threads may ask for the schema at the same time


class CapError(ValueError):
    """Why a CAP alert was rejected."""


def parse_cap(data: bytes) -> dict[str, Any]:
    """A CAP 1.2 alert as a JSON-serialisable dict, or CapError saying why it was refused."""
    try:
        # forbid_dtd refuses any DOCTYPE up front, so no entity is ever declared, let alone expanded or fetched
        root = DefusedET.fromstring(data, forbid_dtd=True)
    except defusedxml.DefusedXmlException:
        raise CapError("XML with a DTD or entities is refused (possible XML bomb)") from None
    except ParseError as exc:
        raise CapError(f"not well-formed XML: {exc}") from None
    expected = f"{{{CAP_NS}}}alert"
    if root.tag != expected:
        namespace, _, name = root.tag[1:].rpartition("}") if root.tag.startswith("{") else ("", "", root.tag)
        raise CapError(f"root element <{name}> in namespace {namespace or '(none)'!r}; "
                       f"expected <alert> in {CAP_NS!r} (CAP 1.2)")
    # validate the tree defusedxml already built (the raw bytes never meet a non-defused parser); allow='none':
    # validating may open no file or URL, not even an xsi:schemaLocation the alert names
    error = next(_cap_schema().iter_errors(xmlschema.XMLResource(root, allow="none")), None)
    if error is not None:
        reason = (error.reason or error.message or "invalid").split("\n")[0]
        where = error.path or "/alert"
        raise CapError(f"not valid CAP 1.2 at {where}: {reason}".replace(f"{{{CAP_NS}}}", "")[:300])
    for key in ("identifier", "sender"):
        # they make the event id; CAP 1.2 forbids spaces and commas in them (references are 'sender,id,sent ...')
        value = _text(root, key) or ""
        if not value or any(c.isspace() or c == "," for c in value):
            raise CapError(f"<{key}> {value[:60]!r} must be non-empty, without spaces or commas")
    return {
        "identifier": _text(root, "identifier"), "sender": _text(root, "sender"), "sent": _text(root, "sent"),
        "status": _text(root, "status"), "msg_type": _text(root, "msgType"), "scope": _text(root, "scope"),
        "references": _text(root, "references"), "note": _text(root, "note"),
        "info": [_info(info) for info in root.findall("cap:info", _NS)],
    }


def _cap_schema() -> xmlschema.XMLSchema:
    """The CAP 1.2 schema, built once. allow='sandbox' only lets it read files beside the xsd, and
    use_fallback=False keeps xmlschema from loading its own copies of well-known schemas: nothing is fetched."""
    global _schema
    with _schema_lock:
        if _schema is None:
            _schema = xmlschema.XMLSchema(str(SCHEMA_PATH), allow="sandbox", defuse="always", use_fallback=False)
            freeze_long_lived()  # it lives as long as the console (heap.py)
        return _schema


def _text(parent: Element, name: str) -> str | None:
    element = parent.find(f"cap:{name}", _NS)
    return None if element is None or element.text is None else element.text.strip()


def _info(info: Element) -> dict[str, Any]:
    return {
        "language": _text(info, "language") or "en-US",  # the schema's default
        "category": [(c.text or "").strip() for c in info.findall("cap:category", _NS)],
        **{key: _text(info, key) for key in ("event", "urgency", "severity", "certainty", "onset", "effective",
                                             "expires")},
        "sender_name": _text(info, "senderName"), "headline": _text(info, "headline"),
        "description": _text(info, "description"), "instruction": _text(info, "instruction"),
        "web": _text(info, "web"),
        "areas": [_area(area) for area in info.findall("cap:area", _NS)],
    }


def _area(area: Element) -> dict[str, Any]:
    altitude, ceiling = _text(area, "altitude"), _text(area, "ceiling")  # xs:decimal, checked by the schema
    return {
        "desc": _text(area, "areaDesc"),
        "polygons": [_polygon((p.text or "").strip()) for p in area.findall("cap:polygon", _NS)],
        "circles": [_circle((c.text or "").strip()) for c in area.findall("cap:circle", _NS)],
        "geocodes": [{"valueName": _text(g, "valueName"), "value": _text(g, "value")}
                     for g in area.findall("cap:geocode", _NS)],
        "altitude": None if altitude is None else float(altitude),
        "ceiling": None if ceiling is None else float(ceiling),
    }


def _point(pair: str, what: str) -> list[float]:
    """CAP writes 'lat,lon' (WGS 84); the console uses [lon, lat]."""
    try:
        lat_text, lon_text = pair.split(",")  # a wrong count is a ValueError too
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        raise CapError(f"{what}: {pair[:40]!r} is not a 'lat,lon' pair of numbers") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # also refuses nan
        raise CapError(f"{what}: {pair[:40]!r} is outside -90..90 latitude, -180..180 longitude")
    return [lon, lat]


def _polygon(text: str) -> list[list[float]]:
    points = [_point(pair, "polygon") for pair in text.split()]
    if len(points) < 4:
        raise CapError(f"polygon has {len(points)} points; CAP needs at least 4, the first repeated last")
    if points[0] != points[-1]:
        raise CapError("polygon is not closed: its first and last points differ")
    return points


def _circle(text: str) -> dict[str, float]:
    center, _, radius_text = text.partition(" ")
    lon, lat = _point(center, "circle")
    try:
        radius = float(radius_text)
    except ValueError:
        radius = math.nan
    if not (math.isfinite(radius) and radius >= 0):
        raise CapError(f"circle {text[:60]!r}: expected 'lat,lon radius' with the radius in km")
    return {"lon": lon, "lat": lat, "radius_km": radius}
