"""The standing dispatch plan: alerts become incidents and tasks, late tasks are escalated.

`Dispatcher.derive(events)` takes the new events of a batch (alerts the rules just raised, and whatever people did:
tasks dispatched, accepted, done) and returns the events that follow from them under resources/config/dispatch.toml:
an incident per object with alerts, a task per agency and action, and `task.overdue` for every task not on scene by
its deadline. Deadlines are judged in event time (the latest of the batch, or the clock's time through `overdue`),
so a replay gives the same escalations as the live run did.
"""
from __future__ import annotations

import heapq
import tomllib
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property, lru_cache
from operator import attrgetter
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from . import events as ev
from . import incidents as inc
from .events import Event
from .paths import RESOURCES
from .rules.config import AGENCIES
from .timefmt import BEIJING, parse_time, to_utc_text

DISPATCH_FILE = RESOURCES / "config" / "dispatch.toml"
_EVENT_TIME = attrgetter("event_time")


@dataclass(frozen=True)
class TaskPlan:
    agency: str
    action: str
    auto: bool  # dispatched at once by the plan, else 'new' for the duty officer
    on_scene: bool  # has an on-scene deadline


@dataclass(frozen=True)
class DispatchConfig:
    night_starts: int  # Beijing hour
    night_ends: int
    on_scene_minutes: Mapping[str, tuple[int, int]]  # agency -> (day, night)
    rules: Mapping[str, tuple[TaskPlan, ...]]  # rule -> its tasks

    def deadline(self, agency: str, dispatched_at: str) -> str | None:
        """When a task given to `agency` at `dispatched_at` (UTC text) must be on scene (UTC text)."""
        minutes = self.on_scene_minutes.get(agency)
        return None if minutes is None else _deadline(dispatched_at, minutes, self.night_starts, self.night_ends)

    def plan(self, agency: str, action: str) -> TaskPlan | None:
        return self._plans.get((agency, action))

    @cached_property
    def _plans(self) -> dict[tuple[str, str], TaskPlan]:
        """The first plan for each (agency, action), as the rules list them."""
        plans: dict[tuple[str, str], TaskPlan] = {}
        for tasks in self.rules.values():
            for task in tasks:
                plans.setdefault((task.agency, task.action), task)
        return plans


@lru_cache(maxsize=4096)  # a flood of alerts gives many tasks the same dispatch time
def _deadline(dispatched_at: str, minutes: tuple[int, int], night_starts: int, night_ends: int) -> str:
    moment = parse_time(dispatched_at)
    hour = moment.astimezone(BEIJING).hour
    night = hour >= night_starts or hour < night_ends
    return to_utc_text(moment + timedelta(minutes=minutes[1] if night else minutes[0]))


def load_dispatch_config(path: Path = DISPATCH_FILE) -> DispatchConfig:
    """Read and check dispatch.toml; a mistake names the file and the entry."""
    try:
        return _dispatch_config(tomllib.loads(path.read_text(encoding="utf-8")), path)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: {exc}") from exc
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"{path}: a missing or malformed entry ({exc!r})") from exc


def _dispatch_config(raw: dict[str, Any], path: Path) -> DispatchConfig:
    def fail(message: str) -> ValueError:
        return ValueError(f"{path}: {message}")

    night = raw["night"]
    minutes = {}
    for agency, table in raw.get("on_scene_minutes", {}).items():
        if agency not in AGENCIES:
            raise fail(f"on_scene_minutes.{agency}: unknown agency (one of {', '.join(AGENCIES)})")
        day, at_night = int(table["day"]), int(table["night"])
        if day <= 0 or at_night <= 0:
            raise fail(f"on_scene_minutes.{agency}: minutes must be above zero")
        minutes[agency] = (day, at_night)
    rules = {}
    for rule, table in raw.get("rules", {}).items():
        plans = []
        for task in table.get("tasks", []):
            if task["agency"] not in AGENCIES:
                raise fail(f"rules.{rule}: unknown agency {task['agency']!r}")
            if task["action"] not in inc.ACTION_LABELS:
                raise fail(f"rules.{rule}: unknown action {task['action']!r}")
            plans.append(TaskPlan(task["agency"], task["action"], bool(task.get("auto", False)),
                                  bool(task.get("on_scene", True))))
        rules[rule] = tuple(plans)
    starts, ends = int(night["starts"]), int(night["ends"])
    if not (0 <= starts < 24 and 0 <= ends < 24):
        raise fail("night: hours are 0-23")
    return DispatchConfig(starts, ends, minutes, rules)


@dataclass
class _Task:
    incident_id: str
    agency: str
    action: str
    state: str
    due: str | None
    overdue: bool


class Dispatcher:
    """What the plan needs to remember: the open incident of each object, and every task not yet finished."""

    def __init__(self, config: DispatchConfig | None = None) -> None:
        self.config = config or load_dispatch_config()
        self.open_incident: dict[tuple[str, str], str] = {}  # (object kind, object id) -> incident id
        self.tasks: dict[str, _Task] = {}  # unfinished tasks by id
        self._deadlines: list[tuple[str, str]] = []  # heap of (due, task id); stale entries dropped when due
        self._busy: dict[str, set[tuple[str, str]]] = {}  # incident -> (agency, action) of its unfinished tasks
        self._closed: set[str] = set()

    @classmethod
    def from_rows(cls, incidents: Iterable[Mapping[str, Any]], tasks: Iterable[Mapping[str, Any]],
                  config: DispatchConfig | None = None) -> Dispatcher:
        """A dispatcher that carries on from the incidents and tasks projection tables."""
        dispatcher = cls(config)
        for row in incidents:
            if row["state"] == "open":
                dispatcher.open_incident[(row["object_kind"], row["object_id"])] = row["id"]
        for row in tasks:
            if row["state"] not in inc.TASK_ENDS:
                dispatcher._add(row["id"], _Task(row["incident_id"], row["agency"], row["action"], row["state"],
                                                 row["due"], bool(row["overdue"])))
        return dispatcher

    def derive(self, events: Sequence[Event]) -> list[Event]:
        """The incidents, tasks and escalations that follow from these events (already in log order)."""
        out: list[Event] = []
        for event in events:
            if event.type in ev.READING_TYPES:
                continue  # most of a batch; they act through the alerts the rules raise
            if event.type == ev.TASK_STATE_CHANGED:
                out += self._late_arrival(event)
            self.observe(event)
            if event.type == ev.ALERT_RAISED:
                for new in self._on_alert(event.payload, event.event_time):
                    self.observe(new)
                    out.append(new)
        latest = max(map(_EVENT_TIME, events), default="")
        if latest:
            for new in self.overdue(latest):
                self.observe(new)
                out.append(new)
        return out

    def _late_arrival(self, event: Event) -> list[Event]:
        """A crew that reports on scene after its deadline was late, even if no check ran in between."""
        task = self.tasks.get(event.payload["task_id"])
        if (task is None or event.payload["state"] not in inc.ARRIVED or task.state in inc.ARRIVED
                or not task.due or task.overdue or task.due >= event.event_time):
            return []  # not an arrival, or one in time (a crew on scene in time may finish any time later)
        late = inc.task_overdue(event.payload["task_id"], task.due)
        self.observe(late)
        return [late]

    def overdue(self, now: str) -> list[Event]:
        """task.overdue for every task past its on-scene deadline at `now` (UTC text), once each: from the heap of
        deadlines, so that a batch does not look at every unfinished task of a storm."""
        heap = self._deadlines
        due_now = []
        while heap and heap[0][0] <= now:
            due_now.append(heapq.heappop(heap))
        late = [(due, task_id) for due, task_id in due_now if self._late(task_id, due)]
        for entry in late:  # kept until the escalation is observed: a caller may not append it
            heapq.heappush(heap, entry)
        return [inc.task_overdue(task_id, due) for due, task_id in late]

    def _late(self, task_id: str, due: str) -> bool:
        task = self.tasks.get(task_id)
        return task is not None and task.due == due and not task.overdue and task.state not in inc.ARRIVED

    def deadline(self, agency: str, action: str, dispatched_at: str) -> str | None:
        plan = self.config.plan(agency, action)
        if plan is not None and not plan.on_scene:
            return None
        return self.config.deadline(agency, dispatched_at)

    # --- keeping up with the log ---------------------------------------------------------------------
    def observe(self, event: Event) -> None:
        p = event.payload
        if event.type == ev.INCIDENT_OPENED:
            if p["incident_id"] not in self._closed:
                self.open_incident[(p["object_kind"], p["object_id"])] = p["incident_id"]
        elif event.type == ev.INCIDENT_CLOSED:
            self._closed.add(p["incident_id"])
            for key, incident in list(self.open_incident.items()):
                if incident == p["incident_id"]:
                    del self.open_incident[key]
        elif event.type == ev.TASK_CREATED:
            if p["task_id"] not in self.tasks:
                self._add(p["task_id"], _Task(p["incident_id"], p["agency"], p["action"], p["state"], p.get("due"),
                                              False))
        elif event.type == ev.TASK_STATE_CHANGED:
            task = self.tasks.get(p["task_id"])
            if task is None:
                return
            try:
                inc.check_transition(task.state, p["state"], p.get("reason") or "")
            except inc.TaskError:
                return  # the projection ignores it too
            if p["state"] in inc.TASK_ENDS:
                del self.tasks[p["task_id"]]
                self._busy.get(task.incident_id, set()).discard((task.agency, task.action))
            else:
                task.state = p["state"]
                if p.get("due") and p["due"] != task.due:
                    task.due = p["due"]
                    heapq.heappush(self._deadlines, (task.due, p["task_id"]))
        elif event.type == ev.TASK_OVERDUE:
            task = self.tasks.get(p["task_id"])
            if task is not None:
                task.overdue = True

    def _add(self, task_id: str, task: _Task) -> None:
        self.tasks[task_id] = task
        if task.due:
            heapq.heappush(self._deadlines, (task.due, task_id))
        self._busy.setdefault(task.incident_id, set()).add((task.agency, task.action))

    # --- the plan ------------------------------------------------------------------------------------
    def _on_alert(self, alert: Mapping[str, Any], time: str) -> list[Event]:
        plans = self.config.rules.get(alert["rule"])
        if not plans:
            return []
        out = []
        key = (alert["object_kind"], alert["object_id"])
        incident = self.open_incident.get(key)
        if incident is None:
            incident = inc.incident_id_for_alert(alert["alert_id"])
            out.append(inc.incident_opened(incident, alert["title"], alert["severity"], alert["object_kind"],
                                           alert["object_id"], alert.get("object_name") or alert["object_id"],
                                           alert["lon"], alert["lat"], [alert["alert_id"]], inc.RULES_ACTOR, time))
        else:
            out.append(inc.alert_linked(incident, alert, time))
        busy = self._busy.get(incident, set())
        for plan in plans:
            if (plan.agency, plan.action) in busy:
                continue  # the crew already on it handles the worse water too
            state = "dispatched" if plan.auto else "new"
            due = self.deadline(plan.agency, plan.action, time) if plan.auto else None
            title = f"{inc.ACTION_LABELS[plan.action]}: {alert.get('object_name') or alert['object_id']}"
            out.append(inc.task_created(inc.task_id_for(alert["alert_id"], plan.agency, plan.action), incident,
                                        plan.agency, plan.action, title, alert["lon"], alert["lat"], state,
                                        inc.RULES_ACTOR, time, due))
        return out
