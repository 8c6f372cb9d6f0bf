"""Replay: a recorded console database, opened read-only, shown as the city was at any moment.

`Recording` (recording.py) is the recorded file: its span, event density, warning bands and alert marks.
`SnapshotCache` (snapshots.py) holds, per recording, row versions at periodic points of the log and the log's
moments, built once and kept beside the user's data. `ReplayStore` (store.py) is what a replaying `Session` uses as
its store: private projection tables and the recording's events up to the current moment. `Replay` (engine.py)
seeks and plays.

What "a moment" is
------------------
The state is always that of a prefix of the log: the events with seq <= a bound, applied in seq order, as the live
console applied them. A live console only ever showed whole appends: the events of one `Store.append` (a batch from a
feed and the alerts, incidents and tasks derived from it, committed together) share one received_time. So the moments
of a recording are the ends of its appends: the seqs after which received_time changes (two appends in the same
millisecond make one moment, whose state the live console also had).

Each moment has a time: the horizon, the newest event time among the events up to it. Event times are not in seq
order (a late reading arrives after newer ones, derived events carry the time of what caused them), but the horizon
never goes back. Seeking to a time t goes to the last moment whose horizon is <= t: every append whose events had all
happened by t, in the order they were received. When a recording was made live at real speed (or by the scenario,
whose messages come in event-time order), that is what the console showed when its clock read t; it is never a state
half-way through an append (a reading without its alert). `Replay.seek_seq` goes to an exact seq, for tests and for
stepping to an alert (`Replay.step`), which lands on the end of the append that raised it.
"""
from .engine import DEFAULT_SNAPSHOT_EVERY, Move, Replay
from .recording import Band, Mark, Recording, RecordingError
from .snapshots import SnapshotCache, cache_dir
from .store import ReplayStore

__all__ = ["DEFAULT_SNAPSHOT_EVERY", "Band", "Mark", "Move", "Recording", "RecordingError", "Replay", "ReplayStore",
           "SnapshotCache", "cache_dir"]
