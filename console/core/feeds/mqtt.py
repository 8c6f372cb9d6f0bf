"""The MQTT feed: the city's sensors and services publish to a broker, the console subscribes (docs/feeds.md).

Design, and what "no acknowledged message is lost" means here
------------------------------------------------------------
The console subscribes to `city/#` at QoS 1 with a **persistent session** (MQTT 3.1.1, `clean_session=False`,
a stable client id). The broker keeps the subscription and queues QoS-1 messages while the console is away
(network loss, broker restart with persistence, console closed), and re-sends any message the console has
not acknowledged once it is back. paho acknowledges a message (PUBACK) when `on_message` returns; ours only
validates the message and puts its event on the in-memory ingest queue (`Feed.deliver`). So:

* every message the broker handed us and we acknowledged is on the ingest queue (or was rejected, with its
  reason, in the feed's health); the console drains that queue into the store (one transaction per batch)
  within a fraction of a second. Only a crash of the console inside that window loses acknowledged
  messages; that is accepted for this design (acking after the commit would need the GUI thread to talk
  back to the feed thread for every batch).
* a message we have not acknowledged (the connection dropped, or the feed was stopped, before `on_message`
  returned) is re-sent by the broker after we reconnect;
* a message can therefore arrive twice (the broker re-sends after a lost PUBACK, a publisher re-sends after
  a lost PUBACK to it). Every message has a stable id and the store ignores an event id it already holds,
  so a duplicate changes nothing.

We subscribe again in every `on_connect` (a broker without persistence, or a session that expired, has
forgotten the subscription), and we reconnect ourselves, with exponential back-off and jitter, so that a
broker restart does not make every console of the city reconnect in the same instant. Everything paho does
runs on the feed's own thread: `_run()` creates the client and drives `client.loop()`.

`MqttPublisher` is the other side, for the scenario simulator and the tests; `topic_for()` maps a message
to its topic.
"""
from __future__ import annotations

import logging
import queue
import random
import socket
import ssl
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import paho.mqtt.client as mqtt

from .base import Feed, FeedState
from .messages import MessageParser

log = logging.getLogger(__name__)

POLL_S = 0.1  # how long one client.loop() may wait: also how quickly stop() is noticed
BURST = 200  # packets read from the read-ahead buffer between two client.loop() calls (keepalive, writes)
READ_AHEAD = 64 * 1024  # bytes asked of the socket at a time
CONNECT_TIMEOUT_S = 5.0  # TCP connect, and then waiting for the broker's CONNACK (stop() may wait this long)
HISTORY_KEPT = 200


def _default_client_id() -> str:
    return f"emergency-console-{socket.gethostname()}"


@dataclass(frozen=True)
class MqttSettings:
    host: str = "localhost"
    port: int = 1883
    topics: tuple[str, ...] = ("city/#",)
    client_id: str = field(default_factory=_default_client_id)  # stable: it names the persistent session
    qos: int = 1
    username: str | None = None
    password: str | None = None
    tls: bool = False
    ca_certs: str | None = None  # None: the system's trusted certificates
    certfile: str | None = None  # client certificate, when the broker wants one
    keyfile: str | None = None
    keepalive: int = 30
    min_backoff_s: float = 0.5
    max_backoff_s: float = 30.0

    def __post_init__(self) -> None:
        if not self.host:
            raise ValueError("MQTT host is empty")
        if not 0 < self.port < 65536:
            raise ValueError(f"MQTT port {self.port} is not a port number")
        if isinstance(self.topics, str):  # a lone topic given as text
            object.__setattr__(self, "topics", (self.topics,))
        if not self.topics:
            raise ValueError("no MQTT topics to subscribe to")
        if not self.client_id or len(self.client_id.encode("utf-8")) > 65535:
            raise ValueError("the MQTT client id must be a non-empty text")
        if self.qos not in (0, 1, 2):
            raise ValueError(f"MQTT QoS {self.qos} is not 0, 1 or 2")
        if not 0 < self.min_backoff_s <= self.max_backoff_s:
            raise ValueError(f"back-off {self.min_backoff_s}–{self.max_backoff_s} s: need 0 < min ≤ max")
        if self.password is not None and self.username is None:
            raise ValueError("an MQTT password needs a username")


def backoff_delay(attempt: int, min_s: float, max_s: float, rng: random.Random | None = None) -> float:
    """Seconds to wait before reconnect attempt `attempt` (0 first): min(max, min·2^n), jittered ×0.5–1.5."""
    base = min(max_s, min_s * 2 ** min(attempt, 60))
    return base * (rng or random).uniform(0.5, 1.5)


def _configure(client: mqtt.Client, settings: MqttSettings) -> None:
    """Credentials and TLS, the same for the feed and the publisher."""
    if settings.username is not None:
        client.username_pw_set(settings.username, settings.password)
    if settings.tls:
        client.tls_set(ca_certs=settings.ca_certs, certfile=settings.certfile, keyfile=settings.keyfile)
    client.connect_timeout = CONNECT_TIMEOUT_S


class _ReadAhead:
    """The broker connection, read in large chunks. paho reads every packet with a select() and three recv()
    calls (type, length, body): four system calls per message, each giving the GIL away, on a 2-core machine
    that the broker and the city's publishers share. Through this wrapper one recv() brings in dozens of
    messages; `pending()` (which paho asks of TLS sockets) tells its loop that there is more to read without
    select(). Everything else is the wrapped socket's (plain TCP or TLS)."""

    def __init__(self, sock: Any) -> None:
        self._sock = sock
        self._data = b""
        self._pos = 0

    def recv(self, size: int) -> bytes:
        if self._pos >= len(self._data):
            data = self._sock.recv(max(size, READ_AHEAD))  # BlockingIOError, TLS and socket errors pass as before
            if len(data) <= size:
                return data
            self._data, self._pos = data, 0
        chunk = self._data[self._pos:self._pos + size]
        self._pos += len(chunk)
        return chunk

    def pending(self) -> int:
        inner = getattr(self._sock, "pending", None)
        return len(self._data) - self._pos + (inner() if inner is not None else 0)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _Client(mqtt.Client):
    """paho's client on a read-ahead socket. `_create_socket` is paho's own (2.x) way to open the connection
    (TCP, then TLS); should a later paho not call it, the feed works as before, only slower."""

    def _create_socket(self) -> Any:
        return _ReadAhead(super()._create_socket())


class MqttFeed(Feed):
    """Subscribes to the city's topics and delivers every message to the ingest queue (see the module notes).

    Health: CONNECTING (first attempt) → CONNECTED (CONNACK and SUBACK received) → RECONNECTING while the
    broker is unreachable, with the reason and the next retry in the detail → DOWN after `stop()` (or when
    the settings cannot work, e.g. a missing TLS file). `history` keeps the recent state changes.
    """

    kind = "mqtt"

    def __init__(self, name: str, parser: MessageParser, sink: queue.SimpleQueue, settings: MqttSettings,
                 stale_after_s: float | None = None, rng: random.Random | None = None) -> None:
        super().__init__(name, parser, sink, stale_after_s)
        self.settings = settings
        self._rng = rng or random.Random()
        self._history: deque[tuple[float, FeedState, str]] = deque(maxlen=HISTORY_KEPT)
        self._history_lock = threading.Lock()
        self._state = FeedState.IDLE
        # per connection, touched only on the feed thread
        self._refused: str | None = None
        self._accepted = False

    # --- state ------------------------------------------------------------------------------------
    def _set_state(self, state: FeedState, detail: str = "") -> None:
        self._state = state
        self.health.set_state(state, detail)
        with self._history_lock:
            self._history.append((time.monotonic(), state, detail))

    @property
    def history(self) -> list[tuple[float, FeedState, str]]:
        """Recent state changes: (monotonic time, state, detail), oldest first."""
        with self._history_lock:
            return list(self._history)

    @property
    def where(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    # --- the feed thread --------------------------------------------------------------------------
    def _make_client(self) -> mqtt.Client:
        s = self.settings
        client = _Client(mqtt.CallbackAPIVersion.VERSION2, client_id=s.client_id, clean_session=False,
                         protocol=mqtt.MQTTv311, reconnect_on_failure=False)
        _configure(client, s)
        client.on_connect = self._on_connect
        client.on_subscribe = self._on_subscribe
        client.on_message = self._on_message
        # Only needed for the host and port: reconnect() below makes every connection, on this thread.
        client.connect_async(s.host, s.port, s.keepalive)
        return client

    def _run(self) -> None:
        self._set_state(FeedState.CONNECTING, f"connecting to {self.where}")
        try:
            client = self._make_client()
        except (OSError, ValueError) as exc:  # e.g. a TLS file that cannot be read: retrying will not help
            self._set_state(FeedState.DOWN, f"cannot set up the MQTT client: {exc}")
            return
        attempt = 0
        try:
            while not self.stopping:
                try:
                    problem, was_connected = self._connection(client)
                except Exception as exc:  # noqa: BLE001 - a surprise from paho must not end the feed silently
                    log.exception("MQTT feed %s: unexpected error", self.name)
                    problem, was_connected = f"unexpected error: {exc!r}", False
                if problem is None:  # stopping
                    break
                if was_connected:
                    attempt = 0  # a connection that worked: start the back-off again from the bottom
                delay = backoff_delay(attempt, self.settings.min_backoff_s, self.settings.max_backoff_s, self._rng)
                attempt += 1
                self._set_state(FeedState.RECONNECTING, f"{problem}, retry in {delay:.1f} s")
                if self._stop.wait(delay):
                    break
                self._set_state(FeedState.RECONNECTING, f"reconnecting to {self.where} (attempt {attempt + 1})")
        finally:
            self._set_state(FeedState.DOWN, "stopped")

    def _connection(self, client: mqtt.Client) -> tuple[str | None, bool]:
        """One connection, from connecting until it is lost (the reason) or the feed stops (None).
        Also says whether the broker accepted the connection."""
        self._refused, self._accepted = None, False
        try:
            rc = client.reconnect()
        except ssl.SSLError as exc:  # e.g. a certificate we do not trust
            return f"TLS with broker {self.where} failed: {exc}", False
        except (OSError, ValueError) as exc:  # refused, unreachable, name not found
            return f"broker {self.where} unreachable: {exc}", False
        if rc != mqtt.MQTT_ERR_SUCCESS:
            return f"cannot connect to {self.where}: {mqtt.error_string(rc)}", False
        deadline = time.monotonic() + CONNECT_TIMEOUT_S
        while not self.stopping:
            try:
                rc = client.loop(POLL_S)
                sock = client.socket()
                burst = 0
                # what the read-ahead holds, without a select() per packet (loop_read reads one packet a call)
                while rc == mqtt.MQTT_ERR_SUCCESS and burst < BURST and isinstance(sock, _ReadAhead) \
                        and sock.pending() and not self.stopping:
                    rc = client.loop_read()
                    burst += 1
            except OSError as exc:
                rc, error = mqtt.MQTT_ERR_CONN_LOST, str(exc)
            else:
                # NO_CONN here: paho closed the socket itself, when a ping (or the CONNACK) took longer than
                # the keepalive time
                error = ("no answer within the keepalive time" if rc == mqtt.MQTT_ERR_NO_CONN
                         else mqtt.error_string(rc).rstrip("."))
            if self._refused is not None:
                self._close(client)
                return f"broker {self.where} refused the connection: {self._refused}", False
            if rc != mqtt.MQTT_ERR_SUCCESS:
                if self._accepted:
                    return f"connection to {self.where} lost: {error}", True
                return f"connection to {self.where} failed before the broker accepted it: {error}", False
            if not self._accepted and time.monotonic() > deadline:
                self._close(client)
                return f"broker {self.where} did not answer within {CONNECT_TIMEOUT_S:g} s", False
        # Stopping: say goodbye, so that the broker keeps the session without waiting for the keepalive to
        # run out; the acknowledgements of messages already delivered go out before the DISCONNECT.
        self._close(client)
        return None, True

    @staticmethod
    def _close(client: mqtt.Client) -> None:
        """Send DISCONNECT (paho writes it at once and closes the socket: its only public way to close)."""
        if client.socket() is None:
            return
        try:
            client.disconnect()
            end = time.monotonic() + 1.0
            while client.socket() is not None and time.monotonic() < end:
                if client.loop(0.05) != mqtt.MQTT_ERR_SUCCESS:
                    break
        except OSError:
            pass

    # --- paho callbacks (on the feed thread, inside client.loop()) --------------------------------
    def _on_connect(self, client: mqtt.Client, userdata: Any, flags: mqtt.ConnectFlags,
                    reason_code: Any, properties: Any) -> None:
        if reason_code.is_failure:
            self._refused = str(reason_code)
            return
        self._accepted = True
        # Subscribe every time: the broker may have lost the session (no persistence, or it expired).
        client.subscribe([(topic, self.settings.qos) for topic in self.settings.topics])
        session = "session resumed" if flags.session_present else "new session"
        self._set_state(self._state, f"connected to {self.where} ({session}), subscribing")

    def _on_subscribe(self, client: mqtt.Client, userdata: Any, mid: int, reason_codes: list,
                      properties: Any) -> None:
        refused = [topic for topic, code in zip(self.settings.topics, reason_codes) if code.is_failure]
        topics = ", ".join(self.settings.topics)
        if refused:
            self._set_state(FeedState.CONNECTED, f"{self.where}: the broker refused the subscription to "
                                                 f"{', '.join(refused)}")
        else:
            self._set_state(FeedState.CONNECTED, f"{self.where}, subscribed to {topics} (QoS {self.settings.qos})")

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        # paho sends the PUBACK when this returns: by then the event is on the ingest queue (or rejected).
        try:
            self.deliver(message.payload)
        except Exception as exc:  # noqa: BLE001 - a bug in validation must not stop the feed
            self.health.record_message(False, f"internal error while validating: {exc!r}", message.payload)


class MqttPublisher:
    """Publishes messages to the broker (scenario simulator, tests). paho runs its own network thread and
    reconnects by itself; a message published while disconnected is queued by paho and sent after the
    reconnect. Uses a clean session and its own client id (the console's id would take its session over)."""

    def __init__(self, settings: MqttSettings, client_id: str | None = None) -> None:
        self.settings = settings
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2,
                                  client_id=client_id or f"{settings.client_id}-pub-{uuid.uuid4().hex[:8]}",
                                  clean_session=True, protocol=mqtt.MQTTv311)
        _configure(self.client, settings)
        self.client.max_queued_messages_set(0)  # unlimited
        self.client.reconnect_delay_set(settings.min_backoff_s, settings.max_backoff_s)  # type: ignore[arg-type]
        self._connected = threading.Event()
        self._lock = threading.Lock()
        self._published = self._acked = 0
        self.refused: str | None = None
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_publish = self._on_publish
        self.client.connect_async(settings.host, settings.port, settings.keepalive)
        self.client.loop_start()

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            self.refused = str(reason_code)
        else:
            self.refused = None
            self._connected.set()

    def _on_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        self._connected.clear()

    def _on_publish(self, client, userdata, mid, reason_code, properties) -> None:
        with self._lock:
            self._acked += 1

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def wait_connected(self, timeout: float = 10.0) -> bool:
        return self._connected.wait(timeout)

    @property
    def pending(self) -> int:
        """Messages published and not yet acknowledged by the broker (QoS > 0) or not yet sent (QoS 0)."""
        with self._lock:
            return self._published - self._acked

    def publish_nowait(self, topic: str, payload: bytes | str, qos: int = 1) -> mqtt.MQTTMessageInfo:
        """Queue a message; `info.is_published()` turns true when the broker acknowledged it (QoS 1)."""
        info = self.client.publish(topic, payload, qos=qos)
        if info.rc == mqtt.MQTT_ERR_NO_CONN:
            # paho keeps the message and sends it after the reconnect, but leaves rc at NO_CONN, which makes
            # info.wait_for_publish() and info.is_published() raise RuntimeError even after the PUBACK.
            info.rc = mqtt.MQTT_ERR_SUCCESS
        elif info.rc != mqtt.MQTT_ERR_SUCCESS:
            raise RuntimeError(f"cannot publish to {topic}: {mqtt.error_string(info.rc)}")
        with self._lock:
            self._published += 1
        return info

    def publish(self, topic: str, payload: bytes | str, qos: int = 1, timeout: float = 10.0) -> mqtt.MQTTMessageInfo:
        """Publish and wait for the broker's acknowledgement (PUBACK for QoS 1); TimeoutError if it did not
        come in time (the message stays queued and paho keeps trying)."""
        info = self.publish_nowait(topic, payload, qos)
        info.wait_for_publish(timeout)
        if not info.is_published():
            raise TimeoutError(f"no acknowledgement from {self.settings.host}:{self.settings.port} for a message "
                               f"to {topic} within {timeout} s")
        return info

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every published message is acknowledged; False if some are still pending at the timeout."""
        end = time.monotonic() + timeout
        while self.pending > 0:
            if time.monotonic() > end:
                return False
            time.sleep(0.02)
        return True

    def close(self, flush_timeout: float = 5.0) -> None:
        """Wait (up to `flush_timeout`) for pending acknowledgements, then disconnect and stop paho's thread."""
        if flush_timeout > 0:
            self.flush(flush_timeout)
        self.client.disconnect()
        self.client.loop_stop()

    def __enter__(self) -> MqttPublisher:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


# --- topics (docs/feeds.md) ---------------------------------------------------------------------------
_TOPIC_KEY = {
    "water_depth": "sensor_id",
    "tide_level": "station_id",
    "rainfall": "station_id",
    "wind": "station_id",
    "camera_status": "camera_id",
    "warning_signal": "hazard",
    "response_level": None,
    "field_report": "team",
    "batch": "gateway",
}


def _topic_level(value: Any, what: str) -> str:
    """One topic level: a non-empty text without the characters MQTT gives a meaning (/ + # and NUL)."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"a message needs '{what}' (a text) for its topic")
    return value.strip().translate({ord("/"): "_", ord("+"): "_", ord("#"): "_", 0: "_"})


def topic_for(message: dict[str, Any] | bytes | str) -> str:
    """The topic a message is published on: `city/<type>/<id>` (docs/feeds.md); CAP XML goes to `city/cap`."""
    if isinstance(message, (bytes, str)):
        text = message.encode("utf-8") if isinstance(message, str) else message
        if text.lstrip()[:1] == b"<":
            return "city/cap"
        raise ValueError("only CAP XML is published as raw text; give JSON messages as a dict")
    kind = message.get("type")
    if kind not in _TOPIC_KEY:
        raise ValueError(f"unknown message type {kind!r}; expected one of {', '.join(_TOPIC_KEY)}")
    key = _TOPIC_KEY[kind]
    if key is None:
        return f"city/{kind}"
    return f"city/{kind}/{_topic_level(message.get(key), key)}"
