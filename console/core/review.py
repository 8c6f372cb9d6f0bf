"""After-action review (复盘): how the response to an event or an exercise went, computed from one console database.

`build_review(store)` reads the log and the projection tables once and returns a `Review`: the period, the signal
and response-level timeline, every incident with its times (first reading, first alert, first dispatch, first on
scene, done) and its tasks' durations, the overdue and declined tasks, per-agency statistics and incidents opened
per hour by kind. Plain Python (no Qt): the Qt report (console/qt/review.py) only lays it out.

Durations are minutes. A task's four steps: reading → alert (the first reading that fired the task's alert),
alert → dispatch, dispatch → on scene, on scene → done; a step whose end never came (or that a late report skipped)
is None. Percentiles interpolate linearly between the sorted values (numpy's default).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np

from . import events as ev
from .incidents import TASK_ENDS
from .store import NOT_READINGS_WHERE, Store
from .timefmt import parse_time, to_utc_text

# Signal and response-level intervals, in the order the report draws their bands.
TIMELINE_KEYS = ("typhoon", "rainstorm", "response")


@dataclass
class Interval:
    key: str  # 'typhoon', 'rainstorm' (signals) or 'response' (the city's response level)
    level: str  # 'blue' … 'red', or 'IV' … 'I'
    start: str  # UTC text
    end: str  # UTC text: the next change, or the end of the period while still in force


@dataclass
class TaskTimes:
    id: str
    incident_id: str
    agency: str
    action: str
    state: str
    object_name: str
    alert_id: str  # the alert that gave rise to it ('' for a task added by hand on an incident without alerts)
    first_reading: str | None
    alert_at: str | None
    dispatched_at: str | None
    on_scene_at: str | None
    done_at: str | None
    ended_at: str | None  # declined or cancelled
    due: str | None
    overdue: bool  # not on scene by its deadline (judged from the times, see _task)
    escalated: bool  # the log holds its escalation to the duty officer
    reason: str  # why it was declined or cancelled
    declined_by: str
    reading_to_alert: float | None = None
    alert_to_dispatch: float | None = None
    dispatch_to_on_scene: float | None = None
    on_scene_to_done: float | None = None
    late_minutes: float | None = None  # overdue: past its deadline until on scene (or the end of the period)


@dataclass
class IncidentTimes:
    id: str
    title: str  # English, as stored
    title_alert: dict | None  # the alert the title comes from (rule, title_template, title_args): for translation
    severity: str
    object_kind: str
    object_id: str
    object_name: str
    lon: float | None
    lat: float | None
    state: str
    opened_at: str
    first_reading: str | None
    first_alert: str | None
    first_dispatch: str | None
    first_on_scene: str | None
    done: str | None  # the last task done once none is left unfinished, else when it was closed
    tasks: list[TaskTimes] = field(default_factory=list)
    elapsed: float = 0.0  # minutes from its start (first reading, first alert or opening) to done or period end
    finished: bool = False

    @property
    def start(self) -> str:
        return self.first_reading or self.first_alert or self.opened_at


@dataclass
class AgencyStats:
    agency: str
    tasks: int
    done: int
    on_scene_median: float | None  # dispatch → on scene, minutes
    on_scene_p90: float | None
    done_median: float | None  # on scene → done, minutes
    done_p90: float | None
    overdue: int
    declined: int


@dataclass
class Review:
    start: str  # UTC text of the first and last event (the object inventory loaded before the event left out)
    end: str
    exercise: bool
    events: int
    alerts: int
    intervals: list[Interval]
    incidents: list[IncidentTimes]  # by opening time
    agencies: list[AgencyStats]  # by agency name
    overdue: list[TaskTimes]  # by how late, latest first
    declined: list[TaskTimes]  # by time
    hours: list[str]  # UTC text of each hour's start, from the period's first hour to its last
    opened_per_hour: dict[str, list[int]]  # object kind ('' for a place) -> incidents opened in each hour

    @property
    def tasks(self) -> list[TaskTimes]:
        return [t for incident in self.incidents for t in incident.tasks]

    def slowest(self, n: int = 50) -> list[IncidentTimes]:
        """The incidents that took longest from their first reading to done (unfinished ones count to the end of
        the period: they took at least that long)."""
        return sorted(self.incidents, key=lambda i: (-i.elapsed, i.opened_at))[:n]


def minutes(start: str | None, end: str | None) -> float | None:
    """Minutes between two UTC texts, None unless both are known."""
    if not start or not end:
        return None
    return (parse_time(end) - parse_time(start)).total_seconds() / 60.0


def percentile(values: list[float], q: float) -> float | None:
    return float(np.percentile(values, q)) if values else None


def _period(store: Store) -> tuple[str, str]:
    """First and last event, leaving out object registrations: the inventory is loaded days before (the demo's
    is dated 20 July) and is not part of the event. Walks the event-time index from both ends."""
    query = ("SELECT event_time FROM events WHERE type != ? ORDER BY event_time {} LIMIT 1")
    first = store.conn.execute(query.format("ASC"), (ev.OBJECTS_REGISTERED,)).fetchone()
    last = store.conn.execute(query.format("DESC"), (ev.OBJECTS_REGISTERED,)).fetchone()
    if first is None:
        return "", ""
    return first[0], last[0]


def _intervals(store: Store, end: str) -> list[Interval]:
    rows = store.conn.execute(
        f"SELECT type, event_time, payload FROM events WHERE type IN (?, ?) AND {NOT_READINGS_WHERE} "
        "ORDER BY event_time, seq",
        (ev.SIGNAL_CHANGED, ev.RESPONSE_LEVEL_CHANGED)).fetchall()
    out: list[Interval] = []
    current: dict[str, Interval] = {}
    for kind, time, payload in rows:
        data = json.loads(payload)
        key = data.get("hazard", "") if kind == ev.SIGNAL_CHANGED else "response"
        level = data.get("level", "none")
        running = current.get(key)
        if running is not None and running.level == level:
            continue  # the same level announced again (CAP updates): one band
        if running is not None:
            running.end = time
            del current[key]
        if level != "none":
            current[key] = Interval(key, level, time, end)
            out.append(current[key])
    return sorted(out, key=lambda i: (TIMELINE_KEYS.index(i.key) if i.key in TIMELINE_KEYS else 99, i.start))


def _alerts(store: Store) -> dict[str, dict]:
    """Every alert that joined an incident, with the time of the earliest reading that fired it. The readings are
    JSON; SQLite's json_each takes their minimum without building Python objects for them."""
    rows = store.conn.execute("""
        SELECT a.id, a.incident_id, a.rule, a.severity, a.fired_at, a.title, a.title_template, a.title_args,
               (SELECT min(json_extract(r.value, '$.time')) FROM json_each(a.readings) r)
        FROM alerts a WHERE a.incident_id IS NOT NULL AND a.incident_id != ''""").fetchall()
    keys = ("id", "incident_id", "rule", "severity", "fired_at", "title", "title_template", "title_args",
            "first_reading")
    return {r[0]: dict(zip(keys, r)) for r in rows}


def _alert_of_task(task_id: str, agency: str, action: str, alerts: dict[str, dict]) -> str:
    """The alert a plan task was made for: its id is task:<alert id>:<agency>:<action> (incidents.task_id_for)."""
    prefix, suffix = "task:", f":{agency}:{action}"
    if task_id.startswith(prefix) and task_id.endswith(suffix):
        alert_id = task_id[len(prefix):-len(suffix)]
        if alert_id in alerts:
            return alert_id
    return ""


def _declined_by(history: str | None) -> str:
    for state, by, *_ in reversed(json.loads(history or "[]")):
        if state == "declined":
            return by or ""
    return ""


def _task(row: dict, incident: IncidentTimes, alerts: dict[str, dict], first_alert_id: str, end: str) -> TaskTimes:
    alert_id = _alert_of_task(row["id"], row["agency"], row["action"], alerts) or first_alert_id
    alert = alerts.get(alert_id, {})
    task = TaskTimes(
        id=row["id"], incident_id=row["incident_id"], agency=row["agency"], action=row["action"], state=row["state"],
        object_name=incident.object_name or incident.title, alert_id=alert_id,
        first_reading=alert.get("first_reading"), alert_at=alert.get("fired_at"),
        dispatched_at=row["dispatched_at"], on_scene_at=row["on_scene_at"], done_at=row["done_at"],
        ended_at=row["ended_at"], due=row["due"], overdue=False, escalated=bool(row["overdue"]),
        reason=row["reason"] or "",
        declined_by=_declined_by(row["history"]) if row["state"] == "declined" else "")
    task.reading_to_alert = minutes(task.first_reading, task.alert_at)
    task.alert_to_dispatch = minutes(task.alert_at, task.dispatched_at)
    task.dispatch_to_on_scene = minutes(task.dispatched_at, task.on_scene_at)
    task.on_scene_to_done = minutes(task.on_scene_at, task.done_at)
    # Late or not is judged from the times rather than from the escalation flag: the flag is set by whichever check
    # ran (and the dispatcher also flags a crew that was on scene in time but finished after the deadline), while a
    # review asks one question: was the crew on scene by its deadline? Arriving at the deadline itself is in time.
    if task.due:
        arrived = task.on_scene_at or task.done_at  # a late report may skip 'on scene'
        if arrived:
            task.overdue = arrived > task.due
        else:  # never arrived: late once the deadline passed before it was declined, cancelled or the period ended
            task.overdue = (task.ended_at or end) >= task.due
        if task.overdue:
            task.late_minutes = minutes(task.due, arrived or task.ended_at or end)
    return task


def _earliest(values) -> str | None:
    values = [v for v in values if v]
    return min(values) if values else None


def _incidents(store: Store, alerts: dict[str, dict], end: str) -> list[IncidentTimes]:
    conn = store.conn
    columns = ("id", "incident_id", "agency", "action", "state", "dispatched_at", "on_scene_at", "done_at",
               "ended_at", "due", "overdue", "reason", "history")
    tasks_of: dict[str, list[dict]] = {}
    for values in conn.execute(f"SELECT {', '.join(columns)} FROM tasks ORDER BY created_at, id"):
        row = dict(zip(columns, values))
        tasks_of.setdefault(row["incident_id"], []).append(row)
    alerts_of: dict[str, list[dict]] = {}
    for alert in sorted(alerts.values(), key=lambda a: (a["fired_at"] or "", a["id"])):
        alerts_of.setdefault(alert["incident_id"], []).append(alert)
    severity_rank = {"minor": 0, "moderate": 1, "severe": 2, "extreme": 3}
    out = []
    columns = ("id", "title", "severity", "object_kind", "object_id", "object_name", "lon", "lat", "state",
               "opened_at", "closed_at")
    for values in conn.execute(f"SELECT {', '.join(columns)} FROM incidents ORDER BY opened_at, id"):
        row = dict(zip(columns, values))
        its_alerts = alerts_of.get(row["id"], [])
        # the incident reads as its most severe alert (the first of them): the one its title came from
        title_alert = max(its_alerts, key=lambda a: severity_rank.get(a["severity"], -1), default=None)
        incident = IncidentTimes(
            id=row["id"], title=row["title"] or "", title_alert=title_alert, severity=row["severity"] or "",
            object_kind=row["object_kind"] or "", object_id=row["object_id"] or "",
            object_name=row["object_name"] or "", lon=row["lon"], lat=row["lat"], state=row["state"],
            opened_at=row["opened_at"], first_reading=_earliest(a["first_reading"] for a in its_alerts),
            first_alert=its_alerts[0]["fired_at"] if its_alerts else None, first_dispatch=None, first_on_scene=None,
            done=None)
        first_alert_id = its_alerts[0]["id"] if its_alerts else ""
        incident.tasks = [_task(t, incident, alerts, first_alert_id, end) for t in tasks_of.get(row["id"], [])]
        incident.first_dispatch = _earliest(t.dispatched_at for t in incident.tasks)
        incident.first_on_scene = _earliest(t.on_scene_at for t in incident.tasks)
        finished = [t.done_at for t in incident.tasks if t.done_at]
        if finished and all(t.state in TASK_ENDS for t in incident.tasks):
            incident.done = max(finished)
        elif row["state"] == "closed":
            incident.done = row["closed_at"]
        incident.finished = incident.done is not None
        incident.elapsed = minutes(incident.start, incident.done or end) or 0.0
        out.append(incident)
    return out


def _agency_stats(tasks: list[TaskTimes]) -> list[AgencyStats]:
    out = []
    for agency in sorted({t.agency for t in tasks}):
        mine = [t for t in tasks if t.agency == agency]
        to_scene = [t.dispatch_to_on_scene for t in mine if t.dispatch_to_on_scene is not None]
        to_done = [t.on_scene_to_done for t in mine if t.on_scene_to_done is not None]
        out.append(AgencyStats(
            agency=agency, tasks=len(mine), done=sum(t.state == "done" for t in mine),
            on_scene_median=percentile(to_scene, 50), on_scene_p90=percentile(to_scene, 90),
            done_median=percentile(to_done, 50), done_p90=percentile(to_done, 90),
            overdue=sum(t.overdue for t in mine), declined=sum(t.state == "declined" for t in mine)))
    return out


def _per_hour(incidents: list[IncidentTimes], start: str, end: str) -> tuple[list[str], dict[str, list[int]]]:
    """Incidents opened in each hour of the period, by object kind (Beijing hours start on UTC hours)."""
    if not start:
        return [], {}
    first = parse_time(start).replace(minute=0, second=0, microsecond=0)
    count = int((parse_time(end) - first).total_seconds() // 3600) + 1
    hours = [to_utc_text(first + timedelta(hours=i)) for i in range(count)]
    per_kind: dict[str, list[int]] = {}
    for incident in incidents:
        index = int((parse_time(incident.opened_at) - first).total_seconds() // 3600)
        if 0 <= index < count:
            per_kind.setdefault(incident.object_kind, [0] * count)[index] += 1
    return hours, per_kind


def build_review(store: Store) -> Review:
    """The after-action review of everything in `store` (open it read-only: nothing is written)."""
    start, end = _period(store)
    alerts = _alerts(store)
    incidents = _incidents(store, alerts, end)
    tasks = [t for incident in incidents for t in incident.tasks]
    hours, per_hour = _per_hour(incidents, start, end)
    return Review(
        start=start, end=end, exercise=store.meta("mode") == "exercise", events=store.event_count(),
        alerts=store.conn.execute("SELECT count(*) FROM alerts").fetchone()[0],
        intervals=_intervals(store, end), incidents=incidents, agencies=_agency_stats(tasks),
        overdue=sorted((t for t in tasks if t.overdue), key=lambda t: (-(t.late_minutes or 0.0), t.id)),
        declined=sorted((t for t in tasks if t.state == "declined"), key=lambda t: (t.ended_at or "", t.id)),
        hours=hours, opened_per_hour=per_hour)
