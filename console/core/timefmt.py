"""Times: stored in UTC as fixed-width ISO-8601 text, shown in Beijing time.

Fixed width (millisecond precision, trailing Z) makes text order equal time order, so the store can
compare and index event times as plain strings.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Sequence

import numpy as np

BEIJING = timezone(timedelta(hours=8), "CST")
STORED_FORMAT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def to_utc_text(moment: datetime) -> str:
    """A timezone-aware datetime as stored text, e.g. '2021-07-25T01:00:00.000Z'."""
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: give a timezone")
    utc = moment.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_time(text: str) -> datetime:
    """Parse an ISO-8601 time with an offset or Z; a time without one is rejected, not guessed."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"time {text!r} has no timezone offset")
    return moment


def normalize_time(text: str) -> str:
    """Any accepted ISO-8601 time as stored UTC text."""
    if len(text) == 24 and STORED_FORMAT.fullmatch(text):
        return text  # already stored text: the common case on bulk import, and 20 times cheaper
    return to_utc_text(parse_time(text))


def utc_millis(texts: Sequence[str]) -> np.ndarray:
    """Stored UTC texts as int64 POSIX milliseconds, by numpy's own ISO reader (it wants no 'Z'); '' reads as NaT,
    the int64 minimum."""
    return np.array([text[:-1] for text in texts], dtype="datetime64[ms]").astype(np.int64)


def now_utc_text() -> str:
    return to_utc_text(datetime.now(timezone.utc))


def beijing_text(utc_text: str, seconds: bool = True) -> str:
    """Stored UTC text shown in Beijing time, e.g. '2021-07-25 09:00:00'."""
    if not utc_text:
        return ""
    fmt = "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"
    return parse_time(utc_text).astimezone(BEIJING).strftime(fmt)
