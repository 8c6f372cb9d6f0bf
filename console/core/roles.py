"""Role views: what each desk of the operations centre sees of the one shared picture.

A role names the layers it starts with, the alerts it is shown and its task queue. Agencies see their own alerts and
tasks, and the other agencies' tasks on the incidents they share ("where it touches its own"); the duty officer sees
everything. Views filter what they read from the session; no role changes what another sees.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from layers.i18n import QT_TRANSLATE_NOOP


@dataclass(frozen=True)
class Role:
    key: str
    label: str
    layers: tuple[str, ...]  # layers shown when the view opens
    alert_agencies: tuple[str, ...]  # the rules' agencies whose alerts this desk is shown; () = all
    sees_all: bool = False

    def sees_alert(self, alert: Mapping[str, Any], incident_agencies: Mapping[str, set[str]]) -> bool:
        """An alert for this desk: its own rule's agency, or an incident this desk has a task on."""
        if self.sees_all or alert.get("agency") in self.alert_agencies:
            return True
        return self.key in incident_agencies.get(alert.get("incident_id") or "", ())

    def task_relation(self, task: Mapping[str, Any], incident_agencies: Mapping[str, set[str]]) -> str:
        """'own' (this desk's queue), 'shared' (another agency's task on an incident this desk works on) or ''."""
        if self.sees_all or task.get("agency") == self.key:
            return "own"
        return "shared" if self.key in incident_agencies.get(task.get("incident_id") or "", ()) else ""


ALL_LAYERS = ("flood_points", "stations", "trees", "construction_sites", "cameras")
ROLES: dict[str, Role] = {role.key: role for role in (
    Role("duty_officer", QT_TRANSLATE_NOOP("roles", "Duty officer"), ALL_LAYERS, (), sees_all=True),
    Role("fire_rescue", QT_TRANSLATE_NOOP("roles", "Fire and rescue"),
         ("flood_points", "stations", "construction_sites", "cameras"), ("fire_rescue",)),
    Role("water_affairs", QT_TRANSLATE_NOOP("roles", "Water affairs"),
         ("flood_points", "stations", "construction_sites", "cameras"), ("water_affairs", "construction")),
    Role("greening", QT_TRANSLATE_NOOP("roles", "Greening"), ("trees", "stations", "cameras"), ("greening",)),
)}
DEFAULT_ROLE = "duty_officer"


def incident_agencies(tasks: Iterable[Mapping[str, Any]]) -> dict[str, set[str]]:
    """incident id -> the agencies with a task on it (any state)."""
    out: dict[str, set[str]] = {}
    for task in tasks:
        out.setdefault(task["incident_id"], set()).add(task["agency"])
    return out
