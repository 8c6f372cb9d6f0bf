"""CAP 1.2 alerts: defused parsing, schema validation, the dict the console keeps, and the MessageParser path."""
from __future__ import annotations

import json
import socket
import time

import pytest

from console.core import events as ev
from console.core.config import load_config
from console.core.feeds import cap
from console.core.feeds.cap import CapError, parse_cap
from console.core.feeds.messages import KnownObjects, MessageError, MessageParser
from console.core.paths import OFFLINE_DATA

EXAMPLE = OFFLINE_DATA / "cap" / "cap_amber_alert_example.xml"

TYPHOON = """<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>SH-TY-20240915-001</identifier>
  <sender>shanghai.meteorology.example</sender>
  <sent>2024-09-15T20:00:00+08:00</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <info>
    <language>zh-CN</language>
    <category>Met</category>
    <event>台风橙色预警信号</event>
    <urgency>Expected</urgency>
    <severity>Severe</severity>
    <certainty>Likely</certainty>
    <onset>2024-09-16T02:00:00+08:00</onset>
    <expires>2024-09-17T08:00:00+08:00</expires>
    <senderName>上海中心气象台</senderName>
    <headline>上海中心气象台发布台风橙色预警信号</headline>
    <description>受台风“贝碧嘉”影响，12小时内本市将出现11级以上大风。</description>
    <instruction>停止户外作业，加固临时设施，远离广告牌。</instruction>
    <area>
      <areaDesc>上海市</areaDesc>
      <polygon>30.70,121.00 31.90,121.00 31.90,122.00 30.70,122.00 30.70,121.00</polygon>
      <circle>31.23,121.47 50</circle>
      <geocode><valueName>GB/T 2260</valueName><value>310000</value></geocode>
    </area>
  </info>
</alert>
"""


def typhoon(**replace: str) -> bytes:
    """The typhoon alert, with some of its text replaced."""
    text = TYPHOON
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text.encode("utf-8")


def rejected(data: bytes) -> str:
    with pytest.raises(CapError) as caught:
        parse_cap(data)
    return str(caught.value)


def test_bundled_example_parses():
    alert = parse_cap(EXAMPLE.read_bytes())
    assert (alert["identifier"], alert["sender"], alert["sent"]) == (
        "KAR0-0306112239-SW", "KARO@CLETS.DOJ.CA.GOV", "2003-06-11T22:39:00-07:00")
    assert (alert["status"], alert["msg_type"], alert["scope"]) == ("Actual", "Alert", "Public")
    assert alert["references"] is None and alert["note"] is None
    first = alert["info"][0]
    assert (first["event"], first["urgency"], first["severity"], first["certainty"]) == (
        "Child Abduction", "Immediate", "Severe", "Likely")
    assert first["category"] == ["Rescue"] and first["language"] == "en-US"
    assert first["onset"] is None and first["expires"] is None
    area = first["areas"][0]
    assert area["desc"] == "Los Angeles County"
    assert area["geocodes"] == [{"valueName": "SAME", "value": "006037"}]
    assert area["polygons"] == [] and area["circles"] == []
    assert [info["language"] for info in alert["info"]] == ["en-US", "es-US"]
    assert alert["info"][1]["event"] == "Abducción de Niño"


def test_chinese_typhoon_alert_round_trips():
    alert = parse_cap(typhoon())
    assert json.loads(json.dumps(alert, ensure_ascii=False)) == alert  # plain JSON, Chinese intact
    info = alert["info"][0]
    assert info["language"] == "zh-CN"
    assert info["event"] == "台风橙色预警信号"
    assert info["headline"] == "上海中心气象台发布台风橙色预警信号"
    assert info["description"] == "受台风“贝碧嘉”影响，12小时内本市将出现11级以上大风。"
    assert info["sender_name"] == "上海中心气象台"
    assert (info["onset"], info["expires"]) == ("2024-09-16T02:00:00+08:00", "2024-09-17T08:00:00+08:00")
    area = info["areas"][0]
    assert area["desc"] == "上海市"
    # CAP writes lat,lon; the console keeps [lon, lat]
    assert area["polygons"] == [[[121.0, 30.7], [121.0, 31.9], [122.0, 31.9], [122.0, 30.7], [121.0, 30.7]]]
    assert area["circles"] == [{"lon": 121.47, "lat": 31.23, "radius_km": 50.0}]
    assert area["geocodes"] == [{"valueName": "GB/T 2260", "value": "310000"}]
    assert area["altitude"] is None and area["ceiling"] is None


def test_language_defaults_to_en_us():
    assert parse_cap(typhoon(**{"<language>zh-CN</language>": ""}))["info"][0]["language"] == "en-US"


def test_billion_laughs_is_refused_fast_without_expanding():
    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    bomb = (f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">{entities}]>'
            '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol9;</identifier></alert>').encode()
    start = time.perf_counter()
    reason = rejected(bomb)
    assert time.perf_counter() - start < 1.0
    assert "DTD" in reason and "XML bomb" in reason


def test_external_entity_is_refused():
    xxe = typhoon(**{'<?xml version="1.0" encoding="UTF-8"?>':
                     '<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
                     "<identifier>SH-TY-20240915-001</identifier>": "<identifier>&xxe;</identifier>"})
    reason = rejected(xxe)
    assert "DTD" in reason and "root" not in reason


def test_cap_1_1_namespace_is_refused():
    reason = rejected(typhoon(**{"cap:1.2": "cap:1.1"}))
    assert "urn:oasis:names:tc:emergency:cap:1.1" in reason and "urn:oasis:names:tc:emergency:cap:1.2" in reason


def test_no_namespace_is_refused():
    reason = rejected(typhoon(**{' xmlns="urn:oasis:names:tc:emergency:cap:1.2"': ""}))
    assert "(none)" in reason and "urn:oasis:names:tc:emergency:cap:1.2" in reason


@pytest.mark.parametrize("replace, words", [
    ({"<sent>2024-09-15T20:00:00+08:00</sent>": ""}, ["sent"]),
    ({"<status>Actual</status>": "<status>Real</status>"}, ["/alert/status", "Actual"]),
    ({"<sent>2024-09-15T20:00:00+08:00</sent>": "<sent>2024-09-15T12:00:00Z</sent>"}, ["/alert/sent"]),
])
def test_schema_violation_is_refused_with_its_path(replace, words):
    reason = rejected(typhoon(**replace))
    assert reason.startswith("not valid CAP 1.2")
    assert all(word in reason for word in words), reason


@pytest.mark.parametrize("replace", [
    {"<identifier>SH-TY-20240915-001</identifier>": "<identifier> </identifier>"},
    {"<identifier>SH-TY-20240915-001</identifier>": "<identifier>SH TY,1</identifier>"},
    {"<sender>shanghai.meteorology.example</sender>": "<sender></sender>"},
])
def test_identifier_and_sender_must_make_a_clean_event_id(replace):
    assert "spaces or commas" in rejected(typhoon(**replace))


@pytest.mark.parametrize("polygon, words", [
    ("30.70,121.00 31.90,121.00 30.70,121.00", ["3 points"]),
    ("abc", ["'abc'", "lat,lon"]),
    ("30.70,121.00 31.90,abc 31.90,122.00 30.70,121.00", ["'31.90,abc'"]),
    ("30.70,121.00 31.90,121.00 31.90,122.00 30.70,122.00", ["not closed"]),
    ("95.0,121.00 31.90,121.00 31.90,122.00 95.0,121.00", ["outside"]),
])
def test_malformed_polygon_is_refused(polygon, words):
    reason = rejected(typhoon(**{"30.70,121.00 31.90,121.00 31.90,122.00 30.70,122.00 30.70,121.00": polygon}))
    assert "polygon" in reason and all(word in reason for word in words), reason


@pytest.mark.parametrize("circle", ["31.23,121.47", "31.23,121.47 -5", "31.23,200 50", "31.23 121.47 50"])
def test_malformed_circle_is_refused(circle):
    assert "circle" in rejected(typhoon(**{"31.23,121.47 50": circle}))


@pytest.mark.parametrize("data", [b"not xml at all", b"", b"<alert", "<a>\u53f0</b>".encode()])
def test_not_xml_is_refused(data):
    assert "not well-formed XML" in rejected(data)


def test_validation_never_touches_the_network(monkeypatch):
    """Schema locations in the alert and a lax xmldsig Signature must not make xmlschema fetch anything."""
    def no_network(*args, **kwargs):
        raise AssertionError("CAP parsing tried the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(cap, "_schema", None)  # build the schema again, under the guard
    signed = typhoon(**{
        '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">':
            '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="'
            'urn:oasis:names:tc:emergency:cap:1.2 http://example.invalid/cap.xsd '
            'http://www.w3.org/2000/09/xmldsig# http://example.invalid/xmldsig.xsd">',
        "</alert>": '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo/></Signature></alert>'})
    assert parse_cap(signed)["identifier"] == "SH-TY-20240915-001"
    assert cap._cap_schema() is cap._cap_schema()  # built once, then cached


def parser() -> MessageParser:
    return MessageParser(KnownObjects(), load_config().area, "test", cap_parser=parse_cap)


def test_message_parser_makes_a_cap_alert_event():
    event = parser().parse(typhoon())
    assert event.type == ev.CAP_ALERT == "cap.alert"
    assert event.id == "cap:shanghai.meteorology.example:SH-TY-20240915-001"
    assert event.event_time == "2024-09-15T12:00:00.000Z"
    assert event.source == "test"
    assert event.payload["info"][0]["headline"] == "上海中心气象台发布台风橙色预警信号"


def test_message_parser_rejects_a_bomb_with_the_reason():
    bomb = b'<!DOCTYPE a [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><alert>&b;</alert>'
    with pytest.raises(MessageError, match="CAP alert rejected: XML with a DTD or entities is refused"):
        parser().parse(bomb)


def test_the_loaded_schema_is_moved_out_of_the_collectors_way(monkeypatch):
    """The schema lives as long as the console: frozen once built, full collections under load do not walk it."""
    import gc

    monkeypatch.setattr(cap, "_schema", None)
    schema = cap._cap_schema()
    assert not any(o is schema for o in gc.get_objects())  # tracked objects exclude the frozen ones
    assert gc.is_tracked(schema) and cap._cap_schema() is schema
