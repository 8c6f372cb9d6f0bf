"""The desk of a role: its task queue, its alerts and the incidents, with the actions its people take.

Everything here reads the session and acts through it (Session.set_task_state, add_task, open_incident,
close_incident); other views see the result because they read the same session. Selecting a row selects the
incident's object for every view.
"""
from __future__ import annotations

import json
import time
from typing import Callable

from PySide6 import QtCore, QtGui, QtWidgets

from console.core import events as ev
from console.core import incidents as inc
from console.core.feeds.base import feeds_paused, gui_heartbeat_late
from console.core.feeds.messages import RESPONSE_LEVELS, SIGNAL_LEVELS
from console.core.roles import ROLES, Role
from console.core.session import Session
from console.core.store import StoreError
from console.core.timefmt import beijing_text
from layers import LAYER_BY_KIND

from .i18n import translate
from .map_canvas import MAX_INCIDENT_MARKS
from .rows_model import ID_ROLE, Row, RowsModel, fit_columns
from .style import SEVERITY_COLOURS

REFRESH_MS = 1_000
# A step that finds the GUI's heartbeat overdue waits GIVE_WAY_MS, and again, up to GIVE_WAY_FOR_S in all.
GIVE_WAY_MS, GIVE_WAY_FOR_S = 1, 0.1
# The most urgent rows of each list; the counts above the lists cover them all, the map's rings every open incident.
# A refresh of 1,000 rows took 40-130 ms of the GUI thread in a storm; of 300, 25.
ROWS_SHOWN = 300
# Most urgent first: unfinished, overdue, waiting to be dispatched or taken up, this desk's own, soonest due.
TASK_ORDER = ("state IN ('done', 'declined', 'cancelled'), overdue DESC, CASE state WHEN 'new' THEN 0 WHEN "
              "'dispatched' THEN 1 WHEN 'accepted' THEN 2 WHEN 'en_route' THEN 3 ELSE 4 END, agency != '{key}', "
              "coalesce(due, '~'), created_at, id")
SEVERITY_ORDER = "CASE severity WHEN 'extreme' THEN 0 WHEN 'severe' THEN 1 WHEN 'moderate' THEN 2 ELSE 3 END"
ALERT_ORDER = f"state != 'active', {SEVERITY_ORDER}, fired_at DESC, id"
INCIDENT_ORDER = f"state != 'open', {SEVERITY_ORDER}, opened_at DESC, id"
TASK_COLUMNS = ("id", "incident_id", "agency", "action", "title", "state", "created_at", "dispatched_at", "due",
                "overdue")
ALERT_COLUMNS = ("id", "rule", "severity", "agency", "object_kind", "object_id", "title", "title_template",
                 "title_args", "fired_at", "state", "incident_id")
INCIDENT_COLUMNS = ("id", "title", "severity", "object_kind", "object_id", "object_name", "lon", "lat", "state",
                    "opened_at")
INCIDENT_EVENTS = {ev.ALERT_RAISED, ev.ALERT_CLEARED, ev.INCIDENT_OPENED, ev.INCIDENT_ALERT_LINKED,
                   ev.INCIDENT_CLOSED, ev.TASK_CREATED, ev.TASK_STATE_CHANGED, ev.TASK_OVERDUE}
OVERDUE_COLOUR = "#c0392b"
FINISHED_COLOUR = "#95a5a6"
# The buttons of an agency's desk: (task state it moves to, label)
AGENCY_STEPS = (("accepted", QtCore.QT_TRANSLATE_NOOP("TaskDesk", "Accept")),
                ("en_route", QtCore.QT_TRANSLATE_NOOP("TaskDesk", "En route")),
                ("on_scene", QtCore.QT_TRANSLATE_NOOP("TaskDesk", "On scene")),
                ("done", QtCore.QT_TRANSLATE_NOOP("TaskDesk", "Done")))
# Words inside alert titles that have a translation of their own (tree grades, signal colours)
TITLE_WORDS = {**{code: ("values", label) for code, label in LAYER_BY_KIND["trees"].value_labels["grade"].items()},
               **{c: ("signal", c) for c in ("blue", "yellow", "orange", "red")}}


def alert_title(alert: Row) -> str:
    """An alert's title in the interface language (the stored title is English)."""
    args = {key: translate(*TITLE_WORDS[value]) if isinstance(value, str) and value in TITLE_WORDS else value
            for key, value in json.loads(alert.get("title_args") or "{}").items()}
    try:
        return translate("alerts", alert["title_template"]).format_map(args)
    except (KeyError, ValueError, AttributeError):  # a translation that lost a placeholder: the English one
        return alert["title"]


def _time(text: str | None) -> str:
    return beijing_text(text, seconds=False)[5:] if text else ""


class TaskDesk(QtWidgets.QWidget):
    """Tasks, alerts and incidents as one role sees them."""

    incidents_shown = QtCore.Signal(list)  # [(lon, lat, severity)] of open incidents to mark, least severe first
    place_chosen = QtCore.Signal(float, float, str)  # lon, lat, title of a chosen incident that has no object

    def __init__(self, session: Session, role: str = "duty_officer", parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.role: Role = ROLES[role]
        self._dirty = True
        self._steps: list[Callable[[], None]] = []  # what is left of a refresh in steps (_next_step)
        self._waiting_since = 0.0  # perf_counter() when the next step first gave way to the heartbeat, or 0
        self._spent = 0.0  # seconds the steps so far took
        self._incidents: dict[str, Row] = {}
        self.summary = QtWidgets.QLabel()
        self.show_finished = QtWidgets.QCheckBox(self.tr("Show finished"))
        self.show_finished.toggled.connect(self.refresh)
        self.tabs = QtWidgets.QTabWidget()
        self.task_model = RowsModel([
            (self.tr("State"), self._task_state_text),
            (self.tr("Agency"), lambda t: translate("agencies", inc.AGENCY_LABELS.get(t["agency"], t["agency"]))),
            (self.tr("Task"), lambda t: translate("actions", inc.ACTION_LABELS.get(t["action"], t["action"]))),
            (self.tr("Where"), self._task_place),
            (self.tr("Dispatched"), lambda t: _time(t["dispatched_at"])),
            (self.tr("Due on scene"), lambda t: _time(t["due"])),
        ], self._task_colour, self)
        self.alert_model = RowsModel([
            (self.tr("Fired"), lambda a: _time(a["fired_at"])),
            (self.tr("Severity"), lambda a: translate("severities", inc.SEVERITY_LABELS.get(a["severity"], ""))),
            (self.tr("Alert"), alert_title),
            (self.tr("Agency"), lambda a: translate("agencies", inc.AGENCY_LABELS.get(a["agency"], a["agency"]))),
            (self.tr("State"), lambda a: self.tr("Active") if a["state"] == "active" else self.tr("Cleared")),
        ], lambda a: SEVERITY_COLOURS.get(a["severity"]) if a["state"] == "active" else FINISHED_COLOUR, self)
        self.incident_model = RowsModel([
            (self.tr("Opened"), lambda i: _time(i["opened_at"])),
            (self.tr("Severity"), lambda i: translate("severities", inc.SEVERITY_LABELS.get(i["severity"], ""))),
            (self.tr("Incident"), self._incident_text),
            (self.tr("State"), lambda i: self.tr("Open") if i["state"] == "open" else self.tr("Closed")),
        ], lambda i: SEVERITY_COLOURS.get(i["severity"]) if i["state"] == "open" else FINISHED_COLOUR, self)
        self.task_view = self._table(self.task_model)
        self.alert_view = self._table(self.alert_model)
        self.incident_view = self._table(self.incident_model)
        self.tabs.addTab(self.task_view, self.tr("Tasks"))
        self.tabs.addTab(self.alert_view, self.tr("Alerts"))
        self.tabs.addTab(self.incident_view, self.tr("Incidents"))
        self.details = QtWidgets.QTextBrowser()
        self.details.setMinimumWidth(280)
        self.details.setOpenLinks(False)

        self.buttons: dict[str, QtWidgets.QPushButton] = {}
        bar = QtWidgets.QHBoxLayout()
        if self.role.sees_all:
            self._button(bar, "dispatch", self.tr("Dispatch"), lambda: self.move_task("dispatched"))
            self._button(bar, "add_task", self.tr("Add task…"), self._ask_new_task)
            self._button(bar, "cancel", self.tr("Cancel…"), lambda: self._ask_reason("cancelled"))
            self._button(bar, "open_incident", self.tr("Open incident on selection"), self.open_incident_on_selection)
            self._button(bar, "close_incident", self.tr("Close incident"), self.close_incident)
            self._button(bar, "city_state", self.tr("Signals and response level…"), self._ask_city_state)
        else:
            for state, label in AGENCY_STEPS:
                self._button(bar, state, QtCore.QCoreApplication.translate("TaskDesk", label),
                             lambda _=False, s=state: self.move_task(s))
            self._button(bar, "declined", self.tr("Decline…"), lambda: self._ask_reason("declined"))
        bar.addStretch(1)
        top = QtWidgets.QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.show_finished)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        # the list takes the height; the chosen incident's story reads beside it
        split = QtWidgets.QSplitter(QtCore.Qt.Orientation.Horizontal)
        split.addWidget(self.tabs)
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout.addWidget(split, 1)
        layout.addLayout(bar)

        self.status = QtWidgets.QLabel()  # the last action's outcome or error
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        for view in (self.task_view, self.alert_view, self.incident_view):
            view.selectionModel().currentRowChanged.connect(lambda *_: self._on_current_changed())
        self.tabs.currentChanged.connect(lambda *_: self._on_current_changed())
        self.tabs.currentChanged.connect(lambda *_: self._fit_columns())
        session.ingested.connect(self._on_ingested)
        session.jumped.connect(self._on_jumped)
        self.destroyed.connect(lambda *_: (session.ingested.disconnect(self._on_ingested),
                                           session.jumped.disconnect(self._on_jumped)))
        self._timer = QtCore.QTimer(self)
        self._timer.timeout.connect(self._refresh_if_dirty)
        self._update_buttons()  # the first read comes when the desk is shown (_dirty)

    def showEvent(self, event: QtGui.QShowEvent) -> None:  # noqa: N802 - Qt's name
        # Only a desk on screen reads the session: a hidden tab, or a window closed before its store, does not.
        super().showEvent(event)
        self._timer.start(REFRESH_MS)
        self._refresh_if_dirty()

    def hideEvent(self, event: QtGui.QHideEvent) -> None:  # noqa: N802
        self._timer.stop()
        if self._steps:  # a refresh in steps under way: done anew when the desk is shown again
            self._steps, self._dirty = [], True
        super().hideEvent(event)

    # --- construction ----------------------------------------------------------------------------
    def _table(self, model: RowsModel) -> QtWidgets.QTableView:
        view = QtWidgets.QTableView()
        view.setModel(model)
        view.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        view.verticalHeader().setVisible(False)
        view.verticalHeader().setDefaultSectionSize(22)
        view.horizontalHeader().setStretchLastSection(True)
        view.setWordWrap(False)
        return view

    def _button(self, bar: QtWidgets.QHBoxLayout, key: str, label: str, slot) -> None:
        button = QtWidgets.QPushButton(label)
        button.clicked.connect(slot)
        bar.addWidget(button)
        self.buttons[key] = button

    # --- reading the session ---------------------------------------------------------------------
    def _on_ingested(self, events: list) -> None:
        if any(e.type in INCIDENT_EVENTS for e in events):
            self._dirty = True

    def _on_jumped(self) -> None:
        self._dirty = True

    def _refresh_if_dirty(self) -> None:
        if self._dirty and not self._steps:
            self._steps, self._spent = self._refresh_steps(), 0.0
            self._next_step()

    def _next_step(self) -> None:
        """One step of a refresh per turn of the event loop: in a storm, a whole refresh took 30-75 ms of the GUI
        thread, and input, repaints and ingest ticks waited for it."""
        if not self._steps:
            return  # a refresh of its own came first
        started = time.perf_counter()
        if gui_heartbeat_late():
            # something else just held the GUI thread (an ingest tick, a repaint): the heartbeat and input go first,
            # rather than waiting for both; a timer, not a posted event, to come after the timers already due
            self._waiting_since = self._waiting_since or started
            if started - self._waiting_since < GIVE_WAY_FOR_S:
                QtCore.QTimer.singleShot(GIVE_WAY_MS, self, self._next_step)
                return
        self._waiting_since = 0.0
        with feeds_paused():  # see refresh
            self._steps.pop(0)()
        self._spent += time.perf_counter() - started
        if self._steps:
            QtCore.QTimer.singleShot(0, self, self._next_step)
        else:  # a refresh that takes a while (thousands of rows) runs less often: at most a tenth of the time
            self._timer.setInterval(int(max(REFRESH_MS, 10_000 * self._spent)))

    def refresh(self) -> None:
        """Read tasks, alerts and incidents again, at once, and keep the selected rows selected."""
        self._steps = []  # a refresh in steps under way is overtaken
        # Feeds wait: the steps' queries and Qt calls give up the GIL, and a busy feed thread kept it up to the switch
        # interval each time (base.py, pausing_feeds): a traced step took 20 ms, 5 of them on the CPU.
        with feeds_paused():
            for step in self._refresh_steps():
                step()

    def _refresh_steps(self) -> list[Callable[[], None]]:
        self._dirty = False  # what comes in from now on asks for another refresh
        return [self._read_incidents, self._mark_incidents, self._read_tasks, self._read_alerts, self._show_summary]

    def _read_incidents(self) -> None:
        where, params = self.role.incident_filter()
        incidents = self.session.query("incidents", where + self._unfinished(" AND state = 'open'"), params,
                                       INCIDENT_ORDER, INCIDENT_COLUMNS, ROWS_SHOWN)
        self._incidents = {i["id"]: i for i in incidents}
        self._show_rows(self.incident_view, self.incident_model, incidents)

    def _mark_incidents(self) -> None:
        """The map's rings: a step of its own (a storm's list and rings together took 10-40 ms of the GUI thread).
        Construction sites are left off: an orange signal puts every site (4,600) under an order, and the sites
        layer and the desk show them; rings mark the places that need a crew, most severe on top (the map shows
        MAX_INCIDENT_MARKS: no more are read)."""
        where, params = self.role.incident_filter()
        rings = self.session.store.conn.execute(
            f"SELECT lon, lat, severity FROM incidents WHERE {where} AND state = 'open' AND lon IS NOT NULL AND "
            f"object_kind IS NOT 'construction_sites' ORDER BY {INCIDENT_ORDER} LIMIT {MAX_INCIDENT_MARKS}",
            params).fetchall()
        self.incidents_shown.emit(rings[::-1])

    def _read_tasks(self) -> None:
        where, params = self.role.task_filter()
        tasks = self.session.query("tasks", where + self._unfinished(f" AND state NOT IN {inc.TASK_ENDS}"), params,
                                   TASK_ORDER.format(key=self.role.key), TASK_COLUMNS, ROWS_SHOWN)
        missing = list({t["incident_id"] for t in tasks} - set(self._incidents))
        if missing:  # the places of tasks whose incident is not listed (closed, or beyond the rows shown)
            marks = ",".join("?" * len(missing))
            self._incidents.update((i["id"], i) for i in self.session.query(
                "incidents", f"id IN ({marks})", missing, columns=INCIDENT_COLUMNS))
        self._show_rows(self.task_view, self.task_model, tasks)

    def _read_alerts(self) -> None:
        where, params = self.role.alert_filter()
        alerts = self.session.query("alerts", where + self._unfinished(" AND state = 'active'"), params,
                                    ALERT_ORDER, ALERT_COLUMNS, ROWS_SHOWN)
        self._show_rows(self.alert_view, self.alert_model, alerts)

    def _unfinished(self, condition: str) -> str:
        """`condition` unless the desk shows finished rows too."""
        return "" if self.show_finished.isChecked() else condition

    def _show_rows(self, view: QtWidgets.QTableView, model: RowsModel, rows: list[Row]) -> None:
        current = self._current_id(view)
        model.set_rows(rows)
        index = model.row_index(current) if current else None
        if index is not None:
            view.selectRow(index)

    def _show_summary(self) -> None:
        self._fit_columns()  # columns follow their text: a state becomes "已派遣 · 超时"
        own, waiting, overdue, active = self._counts()
        text = self.tr("%1: %2 open tasks, %3 waiting, %4 overdue · %5 active alerts").replace(
            "%1", translate("roles", self.role.label)).replace("%2", f"{own:,}").replace(
            "%3", f"{waiting:,}").replace("%4", f"{overdue:,}").replace("%5", f"{active:,}")
        self.summary.setText(f"<b>{text}</b>" if not overdue else f"<b style='color:{OVERDUE_COLOUR}'>{text}</b>")
        self._update_buttons()
        self._show_details()

    def _fit_columns(self) -> None:
        """Only the table on show (the others are fitted when their tab is chosen)."""
        fit_columns(self.tabs.currentWidget())

    def _counts(self) -> tuple[int, int, int, int]:
        """This desk's open tasks, those waiting for it, those overdue; the active alerts it is shown."""
        role, conn = self.role, self.session.store.conn
        mine = "1" if role.sees_all else "agency = ?"
        waiting = "new" if role.sees_all else "dispatched"
        own, waits, late = conn.execute(
            f"SELECT count(*), coalesce(sum(state = ?), 0), coalesce(sum(overdue AND state NOT IN {inc.ARRIVED}), 0) "
            f"FROM tasks WHERE {mine} AND state NOT IN {inc.TASK_ENDS}",
            [waiting, *([] if role.sees_all else [role.key])]).fetchone()
        where, params = role.alert_filter()
        active = conn.execute(f"SELECT count(*) FROM alerts WHERE {where} AND state = 'active'", params).fetchone()[0]
        return own, waits, late, active

    # --- what a row says -------------------------------------------------------------------------
    def _task_state_text(self, task: Row) -> str:
        text = translate("task_states", inc.TASK_STATE_LABELS.get(task["state"], task["state"]))
        if task["overdue"] and task["state"] not in inc.ARRIVED + inc.TASK_ENDS:
            text = self.tr("%1 · OVERDUE").replace("%1", text)
        return text

    def _task_colour(self, task: Row) -> str | None:
        if task["state"] in inc.TASK_ENDS:
            return FINISHED_COLOUR
        if task["overdue"] and task["state"] not in inc.ARRIVED:
            return OVERDUE_COLOUR
        if not self.role.owns(task):
            return "#5d6d7e"  # another agency's task on a shared incident: shown, but not this desk's to act on
        return None

    def _task_place(self, task: Row) -> str:
        incident = self._incidents.get(task["incident_id"])
        return self._incident_text(incident) if incident else task["title"]

    def _incident_text(self, incident: Row) -> str:
        layer = LAYER_BY_KIND.get(incident["object_kind"] or "")
        kind = translate("layers", layer.title) if layer else self.tr("Place")
        return f"{kind} · {incident['object_name'] or incident['title']}"

    # --- selection -------------------------------------------------------------------------------
    def _current_id(self, view: QtWidgets.QTableView) -> str | None:
        index = view.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    def selected_task(self) -> Row | None:
        task_id = self._current_id(self.task_view)
        return self.session.task(task_id) if task_id and self.tabs.currentWidget() is self.task_view else None

    def selected_incident(self) -> Row | None:
        """The incident of the current row, whichever tab it is on."""
        view = self.tabs.currentWidget()
        row_id = self._current_id(view)
        if not row_id:
            return None
        if view is self.incident_view:
            incident_id = row_id
        elif view is self.task_view:
            incident_id = (self.session.task(row_id) or {}).get("incident_id")
        else:
            incident_id = next((a["incident_id"] for a in self.alert_model.rows if a["id"] == row_id), None)
        return self.session.incident(incident_id) if incident_id else None

    def select_task(self, task_id: str) -> bool:
        """Make a task the current row (tests, and links from other views)."""
        index = self.task_model.row_index(task_id)
        if index is None:
            return False
        self.tabs.setCurrentWidget(self.task_view)
        self.task_view.selectRow(index)
        return True

    def _on_current_changed(self) -> None:
        incident = self.selected_incident()
        if incident and incident["object_id"]:
            self.session.select(incident["object_kind"], incident["object_id"])
        elif incident:
            self.place_chosen.emit(incident["lon"], incident["lat"], incident["title"])
        self._update_buttons()
        self._show_details()

    def _update_buttons(self) -> None:
        task = self.selected_task()
        incident = self.selected_incident()
        mine = task is not None and self.role.owns(task)

        def can(state: str, reason: str = "x") -> bool:
            try:
                inc.check_transition(task["state"], state, reason)
            except inc.TaskError:
                return False
            return True
        for key, button in self.buttons.items():
            if not self.session.derive:  # a replay shows what was done; nothing can be done to it
                button.setEnabled(False)
            elif key in ("add_task", "close_incident"):
                button.setEnabled(incident is not None and incident["state"] == "open")
            elif key == "open_incident":
                button.setEnabled(bool(self.session.selection[1]))
            elif key == "city_state":
                button.setEnabled(True)
            elif key == "dispatch":
                button.setEnabled(mine and task["state"] == "new")
            else:
                button.setEnabled(mine and can(key))

    def _show_details(self) -> None:
        incident = self.selected_incident()
        if incident is None:
            hint = self.tr("Select a task, an alert or an incident.")
            self.details.setHtml(f"<i>{hint}</i>")
            return
        tasks = self.session.query("tasks", "incident_id = ?", [incident["id"]], order_by="created_at")
        alerts = self.session.query("alerts", "incident_id = ?", [incident["id"]], order_by="fired_at")
        opened = self.tr("opened %1").replace("%1", _time(incident["opened_at"]))
        lines = [f"<b>{self._incident_text(incident)}</b> · {opened}"]
        lines += [f"⚠ {_time(a['fired_at'])} {alert_title(a)}" for a in alerts]
        for task in tasks:
            history = json.loads(task["history"])
            steps = " → ".join(f"{translate('task_states', inc.TASK_STATE_LABELS.get(s, s))} {_time(at)}"
                               + (f" ({reason})" if reason else "") for s, _by, at, reason in history)
            lines.append(f"• {translate('agencies', inc.AGENCY_LABELS.get(task['agency'], ''))} "
                         f"{translate('actions', inc.ACTION_LABELS.get(task['action'], task['action']))}: {steps}")
        linked = self.session.linked_objects(incident["lon"], incident["lat"])
        counts = ", ".join(f"{translate('layers', LAYER_BY_KIND[kind].title)} {len(found)}"
                           for kind, found in linked.items() if found)
        if counts:
            lines.append(self.tr("Nearby: %1").replace("%1", counts))
        self.details.setHtml("<br>".join(lines))

    # --- actions ---------------------------------------------------------------------------------
    def move_task(self, state: str, reason: str = "") -> bool:
        """Move the selected task; says why not when it cannot."""
        task = self.selected_task()
        if task is None:
            return False
        return self._act(lambda: self.session.set_task_state(task["id"], state, self.role.key, reason))

    def add_task(self, agency: str, action: str, dispatch: bool = True) -> bool:
        incident = self.selected_incident()
        if incident is None:
            return False
        return self._act(lambda: self.session.add_task(incident["id"], agency, action, self.role.key, dispatch))

    def open_incident_on_selection(self) -> bool:
        kind, object_id = self.session.selection
        if not object_id:
            return False
        return self._act(lambda: self.session.open_incident(self.role.key, kind, object_id))

    def open_incident_at(self, lon: float, lat: float) -> bool:
        """An incident at a place on the map with no object of its own (a fallen tree reported by phone)."""
        title = self.tr("Incident at %1, %2").replace("%1", f"{lon:.5f}").replace("%2", f"{lat:.5f}")
        return self._act(lambda: self.session.open_incident(self.role.key, lon=lon, lat=lat, title=title))

    def close_incident(self) -> bool:
        incident = self.selected_incident()
        if incident is None:
            return False
        return self._act(lambda: self.session.close_incident(incident["id"], self.role.key))

    def _act(self, action) -> bool:
        try:
            action()
        except (inc.TaskError, KeyError, ValueError, StoreError) as exc:
            self.status.setText(f"<span style='color:{OVERDUE_COLOUR}'>{exc}</span>")
            return False
        self.status.setText("")
        self.refresh()
        return True

    def _ask_reason(self, state: str) -> None:
        title = self.tr("Decline the task") if state == "declined" else self.tr("Cancel the task")
        reason, ok = QtWidgets.QInputDialog.getText(self, title, self.tr("Reason:"))
        if ok and reason.strip():
            self.move_task(state, reason.strip())

    def set_city_state(self, changes: dict[str, str]) -> bool:
        """Set signals and the response level ({'typhoon_signal': 'orange', ...}) that differ from the current."""
        current = self.session.city_state()
        return all(self._act(lambda k=key, v=value: self.session.set_city_state(k, v, self.role.key))
                   for key, value in changes.items() if current.get(key, "none") != value)

    def _ask_city_state(self) -> None:
        dialog = CityStateDialog(self.session.city_state(), self)
        if dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted:
            self.set_city_state(dialog.choice())

    def _ask_new_task(self) -> None:
        dialog = NewTaskDialog(self)
        if dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted:
            self.add_task(*dialog.choice())


class NewTaskDialog(QtWidgets.QDialog):
    """The duty officer adds a task to an incident: which agency, what to do, dispatched now or not."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add a task"))
        self.agency = QtWidgets.QComboBox()
        for key, label in inc.AGENCY_LABELS.items():
            if key not in ("duty_officer", "rules"):
                self.agency.addItem(translate("agencies", label), key)
        self.action = QtWidgets.QComboBox()
        for key, label in inc.ACTION_LABELS.items():
            self.action.addItem(translate("actions", label), key)
        self.dispatch = QtWidgets.QCheckBox(self.tr("Dispatch now"))
        self.dispatch.setChecked(True)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Ok
                                             | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QtWidgets.QFormLayout(self)
        form.addRow(self.tr("Agency"), self.agency)
        form.addRow(self.tr("Task"), self.action)
        form.addRow(self.dispatch)
        form.addRow(buttons)

    def choice(self) -> tuple[str, str, bool]:
        return self.agency.currentData(), self.action.currentData(), self.dispatch.isChecked()


class CityStateDialog(QtWidgets.QDialog):
    """The duty officer sets the warning signals and the response level (an order by phone, before any feed)."""

    def __init__(self, current: dict[str, str], parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Signals and response level"))
        self.boxes: dict[str, QtWidgets.QComboBox] = {}
        form = QtWidgets.QFormLayout(self)
        none = self.tr("None")
        for key, label, levels in (
                ("typhoon_signal", self.tr("Typhoon signal"), SIGNAL_LEVELS),
                ("rainstorm_signal", self.tr("Rainstorm signal"), SIGNAL_LEVELS),
                ("response_level", self.tr("Response level"), RESPONSE_LEVELS)):
            box = QtWidgets.QComboBox()
            for level in levels:
                text = none if level == "none" else (translate("signal", level) if key.endswith("signal") else level)
                box.addItem(text, level)
            box.setCurrentIndex(max(0, box.findData(current.get(key, "none"))))
            self.boxes[key] = box
            form.addRow(label, box)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Ok
                                             | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def choice(self) -> dict[str, str]:
        return {key: box.currentData() for key, box in self.boxes.items()}
