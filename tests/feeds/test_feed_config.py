"""The feed configuration file: round trip, clear errors, the bundled example, and building feeds."""
from __future__ import annotations

import importlib.util
import queue
import stat
import time
from pathlib import Path

import pytest

from console.core.config import load_config
from console.core.feeds.base import Feed, drain
from console.core.feeds.config import (
    FEED_TYPES,
    FeedConfig,
    FeedConfigError,
    build_feed,
    default_feed_config_path,
    load_feed_config,
    save_feed_config,
)
from console.core.feeds.http_poll import HttpPollFeed
from console.core.feeds.messages import KnownObjects, MessageParser
from console.core.feeds.recorded import CapFileFeed, RecordedFeed
from console.core.paths import RESOURCES

EXAMPLE = RESOURCES / "config" / "feeds.example.toml"


def every_type() -> list[FeedConfig]:
    return [
        FeedConfig("city-broker", "mqtt", True, {
            "host": "mqtt.example.cn", "port": 8883, "tls": True, "ca_certs": "/etc/ssl/city-ca.pem",
            "username": "ops", "password": 'p"a\\ss\tword', "topics": ["city/#", "extra/+/x"], "qos": 1}),
        FeedConfig("水务局 readings", "http", False, {
            "url": "https://data.example.cn/flood.json?key=1&x=é", "interval_s": 30, "timeout_s": 7.5,
            "headers": {"Authorization": "Bearer abc", "X-Api Key": "k=1"}, "max_bytes": 1048576,
            "stale_after_s": 600.0}),
        FeedConfig("recording", "recorded", True, {"path": "recordings/in-fa.ndjson", "speed": 3600,
                                                   "loop": False}),
        FeedConfig("cap-inbox", "cap_file", True, {"path": "/var/spool/cap"}),
        FeedConfig("exercise", "scenario", True, {"scenario": "in-fa", "speed": 0}),
        FeedConfig("演习-烟花", "exercise", False, {"scenario": "in-fa", "injects": "drills/infa.toml", "speed": 600,
                                               "start": "2021-07-25T18:00:00+08:00"}),
    ]


def test_round_trip_of_every_type(tmp_path):
    path = tmp_path / "nested" / "feeds.toml"
    feeds = every_type()
    assert {f.type for f in feeds} == set(FEED_TYPES)
    save_feed_config(path, feeds)
    loaded = load_feed_config(path)
    assert loaded == feeds
    assert all(f.base_dir == path.parent for f in loaded)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # it may hold passwords
    assert not list(path.parent.glob("*.tmp"))
    save_feed_config(path, loaded)  # and again, from what was loaded
    assert load_feed_config(path) == feeds


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "feeds.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_unknown_type_names_file_and_feed(tmp_path):
    path = write(tmp_path, '[[feed]]\nname = "radar"\ntype = "mqqt"\nhost = "x"\n')
    with pytest.raises(FeedConfigError) as info:
        load_feed_config(path)
    message = str(info.value)
    assert str(path) in message and "'radar'" in message and "unknown type 'mqqt'" in message
    assert "mqtt, http, recorded, cap_file, scenario" in message


def test_missing_url_names_file_and_feed(tmp_path):
    path = write(tmp_path, '[[feed]]\nname = "ok"\ntype = "cap_file"\npath = "x"\n\n'
                           '[[feed]]\nname = "water"\ntype = "http"\ninterval_s = 30\n')
    with pytest.raises(FeedConfigError) as info:
        load_feed_config(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and "feed 'water' (type http)" in message and "'url' is missing" in message


@pytest.mark.parametrize(("body", "expected"), [
    ('type = "http"\nurl = "https://x.cn/a"\ninterval_s = -5', "'interval_s' must be a number above 0"),
    ('type = "http"\nurl = "https://x.cn/a"\ntimeout_s = "fast"', "'timeout_s' must be a number above 0"),
    ('type = "http"\nurl = "ftp://x.cn/a"', "'url' must be an http:// or https:// address"),
    ('type = "http"\nurl = "https://x.cn/a"\nintervall_s = 5', "unknown option 'intervall_s'"),
    ('type = "http"\nurl = "https://x.cn/a"\nheaders = ["a"]', "'headers' must be a table of texts"),
    ('type = "recorded"\npath = "a.ndjson"\nspeed = 5000', "'speed' must be 0 (as fast as possible) or a number"),
    ('type = "recorded"\npath = "a.ndjson"\nloop = "yes"', "'loop' must be true or false"),
    ('type = "mqtt"\nhost = "b"\nport = 70000', "'port' must be a whole number from 1 to 65535"),
    ('type = "mqtt"\nport = 1883', "'host' is missing"),
    ('type = "recorded"', "'path' is missing"),
    ('type = "http"\nenabled = 1\nurl = "https://x.cn/a"', "'enabled' must be true or false"),
])
def test_bad_values_are_explained(tmp_path, body, expected):
    path = write(tmp_path, f'[[feed]]\nname = "f1"\n{body}\n')
    with pytest.raises(FeedConfigError) as info:
        load_feed_config(path)
    assert str(path) in str(info.value) and "'f1'" in str(info.value)
    assert expected in str(info.value)


@pytest.mark.parametrize(("text", "expected"), [
    ('[[feed]]\nname = "a"\ntype = "http"\nurl = "http://x/"\n[[feed]]\nname = "a"\ntype = "http"\nurl = "http://y/"',
     "feed 'a': the name is used by an earlier feed"),
    ('[[feed]]\ntype = "http"\nurl = "http://x/"', "feed #1: 'name' is missing"),
    ('[[feed]]\nname = "a"\nurl = "http://x/"', "feed 'a': 'type' is missing"),
    ('[[feed]\nname = "a"', "not valid TOML"),
    ('[feeds]\nname = "a"', "unknown top-level key(s) feeds"),
])
def test_file_level_errors(tmp_path, text, expected):
    path = write(tmp_path, text + "\n")
    with pytest.raises(FeedConfigError, match="^" + str(path).replace("\\", "\\\\")) as info:
        load_feed_config(path)
    assert expected in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(FeedConfigError, match="no such feed configuration file"):
        load_feed_config(tmp_path / "absent.toml")
    assert load_feed_config(tmp_path / "absent.toml", missing_ok=True) == []


def test_save_refuses_what_it_could_not_load(tmp_path):
    with pytest.raises(FeedConfigError, match="'url' is missing"):
        save_feed_config(tmp_path / "f.toml", [FeedConfig("w", "http", True, {})])
    with pytest.raises(FeedConfigError, match="used twice"):
        save_feed_config(tmp_path / "f.toml", [FeedConfig("w", "cap_file", True, {"path": "a"})] * 2)
    assert not (tmp_path / "f.toml").exists()


def test_the_bundled_example_loads_and_documents_every_type():
    feeds = load_feed_config(EXAMPLE)
    assert [f.type for f in feeds] == list(FEED_TYPES)
    assert not any(f.enabled for f in feeds)  # nothing starts until the user enables it
    http = feeds[1]
    assert http.options["interval_s"] > 0 and "Authorization" in http.options["headers"]
    assert feeds[0].options["tls"] is True and "password" in feeds[0].options


def test_default_path_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert default_feed_config_path() == tmp_path / "cfg" / "emergency-console" / "feeds.toml"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_feed_config_path() == tmp_path / "home" / ".config" / "emergency-console" / "feeds.toml"


def make_parser() -> MessageParser:
    return MessageParser(KnownObjects(), load_config().area, "test-config")


def test_build_feed_makes_the_right_class(tmp_path):
    save_feed_config(tmp_path / "feeds.toml", every_type())
    configs = {f.type: f for f in load_feed_config(tmp_path / "feeds.toml")}
    sink: queue.SimpleQueue = queue.SimpleQueue()

    http = build_feed(configs["http"], make_parser(), sink)
    assert isinstance(http, HttpPollFeed) and http.name == "水务局 readings"
    assert (http.interval_s, http.timeout_s, http.max_bytes) == (30, 7.5, 1048576)
    assert http.headers["X-Api Key"] == "k=1" and http.health.stale_after_s == 600.0

    recorded = build_feed(configs["recorded"], make_parser(), sink)
    assert isinstance(recorded, RecordedFeed) and recorded.speed == 3600 and recorded.loop is False
    assert recorded.path == tmp_path / "recordings" / "in-fa.ndjson"  # relative to the configuration file

    cap = build_feed(configs["cap_file"], make_parser(), sink)
    assert isinstance(cap, CapFileFeed) and cap.path == Path("/var/spool/cap")

    for kind, module in (("mqtt", "console.core.feeds.mqtt"), ("scenario", "console.core.scenario.player")):
        try:
            available = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:
            available = False
        if available:
            feed = build_feed(configs[kind], make_parser(), sink)
            assert isinstance(feed, Feed) and feed.name == configs[kind].name
        else:  # written by others, maybe not yet: the error says what is missing
            with pytest.raises(FeedConfigError, match=f"feed '{configs[kind].name}' .*not available"):
                build_feed(configs[kind], make_parser(), sink)


def test_build_feed_explains_a_constructor_error():
    bad = FeedConfig("b", "mqtt", True, {"host": "broker", "password": "secret"})  # a password needs a username
    if importlib.util.find_spec("console.core.feeds.mqtt") is None:
        pytest.skip("console.core.feeds.mqtt is not written yet")
    with pytest.raises(FeedConfigError, match="feed 'b' \\(type mqtt\\): .*username"):
        build_feed(bad, make_parser(), queue.SimpleQueue())


def test_an_exercise_feed_needs_a_scenario_or_a_recording(tmp_path):
    for options, expected in (({"speed": 60}, "give either 'scenario' or 'recording', not both or neither"),
                              ({"scenario": "in-fa", "recording": "r.db"}, "not both or neither"),
                              ({"scenario": "in-fa", "injects": 3}, "'injects' must be a non-empty text"),
                              ({"scenario": "in-fa", "loop": True}, "unknown option 'loop'")):
        path = tmp_path / "feeds.toml"
        body = "".join(f"{k} = {v!r}\n".replace("'", '"') if not isinstance(v, bool) else f"{k} = true\n"
                       for k, v in options.items())
        path.write_text(f'[[feed]]\nname = "drill"\ntype = "exercise"\n{body}', encoding="utf-8")
        with pytest.raises(FeedConfigError, match=f"feed 'drill' \\(type exercise\\): .*{expected}"):
            load_feed_config(path)


def test_build_an_exercise_feed_plays_the_merged_stream(tmp_path):
    from console.core.scenario.player import ScenarioFeed

    (tmp_path / "drills").mkdir()
    (tmp_path / "drills" / "drill.toml").write_text(
        '[[inject]]\nat = 2021-07-23T06:00:00+08:00\nkind = "response_level"\nlevel = "I"\n', encoding="utf-8")
    save_feed_config(tmp_path / "feeds.toml", [FeedConfig("drill", "exercise", True, {
        "scenario": "in-fa", "injects": "drills/drill.toml", "speed": 0, "start": "2021-07-23T06:00:00+08:00",
        "end": "2021-07-23T06:05:00+08:00"})])
    config = load_feed_config(tmp_path / "feeds.toml")[0]
    sink: queue.SimpleQueue = queue.SimpleQueue()
    feed = build_feed(config, make_parser(), sink)  # relative inject path: beside the feeds file
    assert isinstance(feed, ScenarioFeed) and feed.kind == "scenario"  # so the console's clock follows it
    assert [i.kind for i in feed.injects] == ["response_level"]
    feed.start()
    try:
        deadline = time.monotonic() + 60
        while not feed.finished and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        feed.stop()
    assert feed.finished
    # the parser knows no objects, so the scenario has none: its signals and the inject remain, in time order
    events = drain(sink)
    assert [e.id for e in events][-1] == "inject-1" and events[-1].payload == {"level": "I"}

    bad = FeedConfig("drill", "exercise", True, {"scenario": "in-fa", "injects": str(tmp_path / "absent.toml")})
    with pytest.raises(FeedConfigError, match="feed 'drill' \\(type exercise\\): .*absent.toml: cannot read"):
        build_feed(bad, make_parser(), sink)
