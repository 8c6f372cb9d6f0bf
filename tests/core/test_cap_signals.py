"""Warning signals from CAP alerts and from the duty officer: both set the city's state, and the rules act on it."""
from __future__ import annotations

import pytest

from console.core import events as ev
from console.core.cap_signals import signals_from_cap
from console.core.config import load_config
from console.core.events import Event
from console.core.feeds.cap import parse_cap
from console.core.feeds.messages import KnownObjects, MessageParser
from console.core.session import Session
from console.core.store import Store
from helpers import register

ORANGE = """<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>SH-TY-20210724-003</identifier>
  <sender>shanghai.meteorology.example</sender>
  <sent>2021-07-24T20:00:00+08:00</sent>
  <status>STATUS</status>
  <msgType>MSGTYPE</msgType>
  <scope>Public</scope>
  <info>
    <language>zh-CN</language>
    <category>Met</category>
    <event>EVENT</event>
    <urgency>Expected</urgency>
    <severity>SEVERITY</severity>
    <certainty>Likely</certainty>
    <headline>HEADLINE</headline>
    <area><areaDesc>上海市</areaDesc></area>
  </info>
</alert>
"""


def cap_event(event="台风", headline="上海中心气象台发布台风橙色预警信号", severity="Severe", status="Actual",
              msg_type="Alert", identifier="SH-TY-20210724-003") -> Event:
    text = (ORANGE.replace("EVENT", event).replace("HEADLINE", headline).replace("SEVERITY", severity)
            .replace("STATUS", status).replace("MSGTYPE", msg_type).replace("SH-TY-20210724-003", identifier))
    parser = MessageParser(KnownObjects(), load_config().area, "cap-feed", cap_parser=parse_cap)
    return parser.parse(text.encode())


@pytest.fixture
def session(tmp_path):
    store = Store(tmp_path / "console.db")
    session = Session(store)
    session.ingest([register("construction_sites", "CS-1", 121.4650, 31.2360, name="工地", tower_cranes=1,
                             hoists=0, gondolas=1, workers=120, evacuation_status="normal")])
    yield session
    store.close()


@pytest.mark.parametrize(("event", "headline", "severity", "expected"), [
    ("台风", "上海中心气象台发布台风橙色预警信号", "Severe", ("typhoon", "orange")),
    ("暴雨", "暴雨黄色预警", "Moderate", ("rainstorm", "yellow")),
    ("Typhoon", "Typhoon Red Warning", "Extreme", ("typhoon", "red")),
    ("台风", "台风预警", "Minor", ("typhoon", "blue")),  # no colour word: the CAP severity stands for it
    ("Typhoon", "Typhoon warning: leave expired shelters covered", "Moderate", ("typhoon", "yellow")),  # not "red"
])
def test_the_signal_is_read_from_the_event_and_headline(event, headline, severity, expected):
    signals = signals_from_cap([cap_event(event, headline, severity)])
    assert [(s.payload["hazard"], s.payload["level"]) for s in signals] == [expected]
    assert signals[0].event_time == "2021-07-24T12:00:00.000Z"  # sent (no onset given), in UTC


def test_other_hazards_exercises_and_cancellations():
    assert signals_from_cap([cap_event("大风", "大风蓝色预警")]) == []
    assert signals_from_cap([cap_event(status="Exercise")]) == []
    cancelled = signals_from_cap([cap_event(msg_type="Cancel", identifier="SH-TY-20210726-001")])
    assert [(s.payload["hazard"], s.payload["level"]) for s in cancelled] == [("typhoon", "none")]


def test_a_cap_orange_signal_sets_the_city_state_and_evacuates_the_sites(session):
    new = session.ingest([cap_event()])
    assert session.city_state()["typhoon_signal"] == "orange"
    signal = next(e for e in new if e.type == ev.SIGNAL_CHANGED)
    assert signal.payload["cap_identifier"] == "SH-TY-20210724-003"
    evacuations = session.query("alerts", "rule = 'sites.evacuate'")
    assert [(a["object_id"], a["fired_at"]) for a in evacuations] == [("CS-1", "2021-07-24T12:00:00.000Z")]
    assert session.ingest([cap_event()]) == []  # the same CAP message again changes nothing


def test_the_duty_officer_sets_the_response_level_and_a_signal(session):
    event = session.set_city_state("response_level", "II", "duty_officer")
    assert session.city_state()["response_level"] == "II" and event.payload["by"] == "duty_officer"
    assert [a["rule"] for a in session.query("alerts")] == ["sites.evacuate"]  # level II: evacuation orders
    session.set_city_state("rainstorm_signal", "yellow", "duty_officer")
    assert session.city_state()["rainstorm_signal"] == "yellow"
    with pytest.raises(ValueError):
        session.set_city_state("typhoon_signal", "purple", "duty_officer")
    with pytest.raises(ValueError):
        session.set_city_state("earthquake_signal", "red", "duty_officer")
