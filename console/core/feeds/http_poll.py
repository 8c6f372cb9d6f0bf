"""A feed that polls an HTTP(S) URL: JSON messages, a GeoJSON FeatureCollection, or a CAP alert (docs/feeds.md).

Stdlib only (urllib.request). Each poll sends the previous response's ETag and Last-Modified, so an unchanged
source answers 304 and costs nothing. Every message in a response is delivered on its own, so one bad message
is rejected alone. Network errors and HTTP errors put the feed in RECONNECTING and back off (exponentially,
with jitter, at most eight intervals); the first good answer puts it back in CONNECTED.
"""
from __future__ import annotations

import http.client
import ipaddress
import json
import queue
import random
import urllib.error
import urllib.parse
import urllib.request
from email.message import Message
from typing import Any

from .base import Feed, FeedState
from .messages import MessageParser

MAX_RESPONSE_BYTES = 16 * 1024 * 1024
BACKOFF_CAP_INTERVALS = 8
USER_AGENT = "emergency-console/0.1 (feed poller)"
ACCEPT = ("application/json, application/geo+json, application/cap+xml;q=0.9, application/xml;q=0.8, "
          "text/xml;q=0.8, */*;q=0.1")
# message kinds whose position is lon/lat fields: a GeoJSON Point fills them when the properties leave them out
POSITIONED_KINDS = frozenset({"field_report"})


class _PollError(Exception):
    """A poll that failed: the server did not answer, or answered with an error status."""

    def __init__(self, detail: str, retry_after_s: float | None = None) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s


class HttpPollFeed(Feed):
    """Polls `url` every `interval_s` seconds; `headers` (e.g. Authorization) go with every request."""

    kind = "http"

    def __init__(self, name: str, parser: MessageParser, sink: queue.SimpleQueue, url: str,
                 interval_s: float = 60.0, timeout_s: float = 10.0, headers: dict[str, str] | None = None,
                 max_bytes: int = MAX_RESPONSE_BYTES, stale_after_s: float | None = None) -> None:
        super().__init__(name, parser, sink, stale_after_s)
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"feed {name!r}: url must be an http:// or https:// address, got {url!r}")
        if not interval_s > 0 or not timeout_s > 0 or not max_bytes > 0:
            raise ValueError(f"feed {name!r}: interval_s, timeout_s and max_bytes must be above zero")
        self.url = url
        self.interval_s = float(interval_s)
        self.timeout_s = float(timeout_s)
        self.headers = dict(headers or {})
        self.max_bytes = int(max_bytes)
        self.etag: str | None = None
        self.last_modified: str | None = None
        self.polls = 0  # completed requests (any answer), for the health panel and tests
        # a proxy from the environment cannot reach this machine's loopback: talk to it directly
        handlers = [urllib.request.ProxyHandler({})] if _is_loopback(parts.hostname) else []
        self._opener = urllib.request.build_opener(*handlers)

    # --- the thread ------------------------------------------------------------------------------------
    def _run(self) -> None:
        self.health.set_state(FeedState.CONNECTING, self.url)
        failures = 0
        while not self.stopping:
            try:
                detail = self.poll_once()
            except _PollError as exc:
                failures += 1
                delay = self.backoff_s(failures)
                if exc.retry_after_s is not None:
                    delay = min(max(delay, exc.retry_after_s), self.interval_s * BACKOFF_CAP_INTERVALS)
                self.health.set_state(FeedState.RECONNECTING,
                                      f"{exc} (attempt {failures}, retrying in {delay:.1f} s)")
                if self._stop.wait(delay):
                    break
                continue
            failures = 0
            self.health.set_state(FeedState.CONNECTED, detail)
            if self._stop.wait(self.interval_s):
                break
        self.health.set_state(FeedState.DOWN, "stopped")

    def backoff_s(self, failures: int) -> float:
        """The wait after `failures` failed polls in a row: doubling from one interval, at most eight, with jitter."""
        cap = self.interval_s * BACKOFF_CAP_INTERVALS
        return min(cap, self.interval_s * 2 ** min(failures - 1, 30)) * random.uniform(0.5, 1.0)

    # --- one poll ----------------------------------------------------------------------------------------
    def poll_once(self) -> str:
        """One request; delivers what it brought. Returns a detail for the health panel, or raises _PollError."""
        request = urllib.request.Request(self.url, headers={"User-Agent": USER_AGENT, "Accept": ACCEPT})
        for key, value in self.headers.items():
            request.add_header(key, value)
        if self.etag:
            request.add_header("If-None-Match", self.etag)
        if self.last_modified:
            request.add_header("If-Modified-Since", self.last_modified)
        try:
            with self._opener.open(request, timeout=self.timeout_s) as response:
                status, headers = response.status, response.headers
                body = self._read_limited(response, headers)
        except urllib.error.HTTPError as exc:
            exc.close()
            self.polls += 1
            if exc.code == 304:
                return "HTTP 304: nothing new"
            raise _PollError(f"HTTP {exc.code} {exc.reason}", _retry_after(exc.headers)) from None
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
            reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
            raise _PollError(f"cannot reach {self.url}: {reason}") from None
        self.polls += 1
        if body is None:
            return f"HTTP {status}: response too large"
        count = self._handle_body(body, headers.get_content_type())
        # remember the validators only once the body was handled: an unchanged source then answers 304
        self.etag = headers.get("ETag") or None
        self.last_modified = headers.get("Last-Modified") or None
        return f"HTTP {status}: {count} message{'' if count == 1 else 's'}"

    def _read_limited(self, response, headers: Message) -> bytes | None:
        """The body, or None (and a rejection) when it is larger than max_bytes: read no more than that."""
        length = headers.get("Content-Length")
        too_large = length is not None and length.isdigit() and int(length) > self.max_bytes
        body = b"" if too_large else response.read(self.max_bytes + 1)
        if too_large or len(body) > self.max_bytes:
            shown = f"{int(length):,} bytes" if too_large else f"more than {self.max_bytes:,} bytes"
            self.health.record_message(False, f"response too large: {shown}, the limit is {self.max_bytes:,}",
                                       body[:120])
            return None
        return body

    def _handle_body(self, body: bytes, content_type: str) -> int:
        """Deliver every message in a 200 body; returns how many were handed to the parser."""
        stripped = body.strip()
        if not stripped:
            return 0
        if "xml" in content_type or stripped.startswith(b"<"):
            self.deliver(body)  # a CAP alert: the parser takes the whole document
            return 1
        try:
            data = json.loads(stripped.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            self.health.record_message(False, f"response is neither JSON nor XML ({content_type}): {exc}", body)
            return 0
        messages = _messages_in(data)
        if messages is None:
            self.health.record_message(False, "response is JSON but neither a message, a list of messages nor a "
                                       f"GeoJSON FeatureCollection (found {type(data).__name__})", body)
            return 0
        for message in messages:
            self.deliver(json.dumps(message, ensure_ascii=False).encode("utf-8"))
        return len(messages)


def _messages_in(data: Any) -> list[Any] | None:
    """The messages a JSON response holds: an array, one object, or a GeoJSON Feature(Collection)."""
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        return None
    if data.get("type") == "FeatureCollection":
        features = data.get("features")
        return [_message_of_feature(f) for f in features] if isinstance(features, list) else None
    if data.get("type") == "Feature":
        return [_message_of_feature(data)]
    return [data]


def _message_of_feature(feature: Any) -> Any:
    """A feature's properties as a message; a Point geometry fills lon/lat for kinds that take a position.
    A feature without properties is passed on as it is, so the parser rejects it with a reason."""
    if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
        return feature
    message = dict(feature["properties"])
    geometry = feature.get("geometry")
    if message.get("type") in POSITIONED_KINDS and isinstance(geometry, dict) and geometry.get("type") == "Point":
        coordinates = geometry.get("coordinates")
        if isinstance(coordinates, list) and len(coordinates) >= 2:
            message.setdefault("lon", coordinates[0])
            message.setdefault("lat", coordinates[1])
    return message


def _retry_after(headers: Message | None) -> float | None:
    value = headers.get("Retry-After") if headers is not None else None
    return float(value) if value is not None and value.strip().isdigit() else None


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
