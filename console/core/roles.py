"""Role views: what each desk of the operations centre sees of the one shared picture.

A role names the layers it starts with, the alerts it is shown and its task queue. Agencies see their own alerts and
tasks, and the other agencies' tasks on the incidents they share ("where it touches its own"); the duty officer sees
everything. Views filter what they read from the session; no role changes what another sees.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from layers.i18n import QT_TRANSLATE_NOOP


@dataclass(frozen=True)
class Role:
    key: str
    label: str
    layers: tuple[str, ...]  # layers shown when the view opens
    alert_agencies: tuple[str, ...]  # the rules' agencies whose alerts this desk is shown; () = all
    sees_all: bool = False

    # The desk's queries, as SQL over the projection tables: a storm holds tens of thousands of tasks, and the desk
    # reads only the most urgent of them (LIMIT), sorted by SQLite, not all of them in Python.
    def shares(self) -> tuple[str, list[Any]]:
        """SQL: the incidents this desk has a task on (any state)."""
        return "SELECT incident_id FROM tasks WHERE agency = ?", [self.key]

    def owns(self, task: dict[str, Any]) -> bool:
        """A task in this desk's queue (else another agency's, shown because it shares the incident)."""
        return self.sees_all or task.get("agency") == self.key

    def task_filter(self) -> tuple[str, list[Any]]:
        """WHERE clause and parameters: this desk's own tasks and the other agencies' on incidents it shares."""
        if self.sees_all:
            return "1", []
        shares, params = self.shares()
        return f"(agency = ? OR incident_id IN ({shares}))", [self.key, *params]

    def alert_filter(self) -> tuple[str, list[Any]]:
        """WHERE clause: alerts of this desk's agencies, or on an incident it has a task on."""
        if self.sees_all:
            return "1", []
        shares, params = self.shares()
        marks = ",".join("?" * len(self.alert_agencies))
        return f"(agency IN ({marks}) OR incident_id IN ({shares}))", [*self.alert_agencies, *params]

    def incident_filter(self) -> tuple[str, list[Any]]:
        """WHERE clause: the incidents this desk has a task on (all of them for the duty officer)."""
        if self.sees_all:
            return "1", []
        shares, params = self.shares()
        return f"id IN ({shares})", params


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
