"""The same rules as RulesEngine, as a plain per-object Python loop: the benchmark's baseline (bench/rules.py) and
the tests' oracle (the same batches must give the same alert events).

It takes readings, signals and the response level, and tree and site status changes; not object registrations,
wind forecasts or alert events. The static tables (objects, each tree's and site's nearest stations and their
weights) are read once, at construction, from a RulesEngine built on the same inputs; everything done per batch is
plain Python: no numpy.
"""
from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from typing import Any, Mapping, Sequence

from .. import events as ev
from ..events import Event
from . import alerts as al
from .config import NEVER, SIGNAL_ORDER, SITE_EQUIPMENT, SITE_STATUSES, TREE_GRADES, RulesConfig
from .engine import CITY_KEYS, FAMILY_RANK, RulesEngine, _Out
from .kernels import NO_TIME, gc_paused, ms_text


def _nan(value: Any) -> float:
    return math.nan if value is None else float(value)


class _State:
    """One rule's state per object, in lists."""

    def __init__(self, n: int) -> None:
        self.active = [False] * n
        self.since: list[int | None] = [None] * n
        self.alert: list[str | None] = [None] * n


class ReferenceRules:
    def __init__(self, flood_points: Mapping[str, Any] | None = None, stations: Mapping[str, Any] | None = None,
                 trees: Mapping[str, Any] | None = None, sites: Mapping[str, Any] | None = None,
                 config: RulesConfig | None = None, city_state: Mapping[str, Any] | None = None) -> None:
        engine = RulesEngine(flood_points, stations, trees, sites, config=config, city_state=city_state)
        self.config = cfg = engine.config
        self._times = engine._times
        self.bounds = list(cfg.force_lower_bounds_ms)

        def table(t) -> dict[str, Any]:
            out = {"ids": list(t.ids), "index": dict(t.index), "lon": t.lon.tolist(), "lat": t.lat.tolist(),
                   "name": list(t.name)}
            for column, values in t.cols.items():
                out[column] = [None if (isinstance(v, float) and math.isnan(v)) else v for v in values.tolist()]
            return out

        self.floods, self.stations = table(engine.floods), table(engine.stations)
        self.trees, self.sites = table(engine.trees), table(engine.sites)
        for t in (self.floods, self.stations, self.trees, self.sites):
            for column in ("last_t", "wind_t", "rain_t", "level_t", "attr_t"):
                if column in t:
                    t[column] = [None if v == NO_TIME else v for v in t[column]]
        self.nb = {}
        for kind in ("trees", "construction_sites"):
            nb = engine._nb[kind]
            self.nb[kind] = [[(int(s), float(w), float(d)) for s, w, d in zip(i, wt, dist)]
                             for i, wt, dist in zip(nb.index.tolist(), nb.weight.tolist(), nb.distance.tolist())]
        n_f, n_s, n_t, n_c = (len(t["ids"]) for t in (self.floods, self.stations, self.trees, self.sites))
        self.state = {rule.rule: _State(n_f) for rule in cfg.ponding}
        self.state[cfg.tide.rule] = _State(n_s)
        for level in cfg.rain.levels:
            self.state[level.rule] = _State(n_s)
        self.state[cfg.trees.rule] = _State(n_t)
        for rule in cfg.site_wind:
            self.state[rule.rule] = _State(n_c)
        self.state[cfg.evacuation.rule] = _State(n_c)
        self.rain_history: dict[int, list[tuple[int, float]]] = {}
        self.city = {key: (value, None if t == NO_TIME else t, reading)
                     for key, (value, t, reading) in engine.city.items()}
        self.evac_on, self.evac_reading, self.evac_t = engine._evac_on, engine._evac_reading, engine._evac_t
        if self.evac_t == NO_TIME:
            self.evac_t = None
        self.wind_t: int | None = None
        self.dirty = True

    # --------------------------------------------------------------------------------------------------
    def evaluate(self, batch: Sequence[Event]) -> list[Event]:
        with gc_paused():  # as the engine does: the comparison is of the rules, not of the collector
            return self._evaluate(batch)

    def _evaluate(self, batch: Sequence[Event]) -> list[Event]:
        out = _Out()
        flood: dict[int, list] = {}
        wind: dict[int, list] = {}
        rain: dict[int, list] = {}
        level: dict[int, list] = {}
        city: list[int] = []
        saw_wind = False
        for pos, event in enumerate(batch):
            kind, payload = event.type, event.payload
            if kind == ev.FLOOD_READING:
                row = self.floods["index"].get(payload["id"])
                if row is not None:
                    t = self._times.one(event.event_time)
                    flood.setdefault(row, []).append((t, pos, float(payload["depth_cm"])))
            elif kind == ev.STATION_READING:
                row = self.stations["index"].get(payload["id"])
                if row is None:
                    continue
                t = self._times.one(event.event_time)
                if "wind_gust_ms" in payload or "wind_mean_ms" in payload:
                    saw_wind = True
                    wind.setdefault(row, []).append((t, pos, _nan(payload.get("wind_gust_ms")),
                                                     _nan(payload.get("wind_mean_ms"))))
                if "rain_1h_mm" in payload or "rain_acc_mm" in payload:
                    rain.setdefault(row, []).append((t, pos, _nan(payload.get("rain_1h_mm")),
                                                     _nan(payload.get("rain_acc_mm"))))
                if "level_m" in payload:
                    level.setdefault(row, []).append((t, pos, float(payload["level_m"])))
            elif kind in (ev.SIGNAL_CHANGED, ev.RESPONSE_LEVEL_CHANGED):
                city.append(pos)
            elif kind in (ev.TREE_ASSESSED, ev.TREE_STATUS_CHANGED):
                row = self.trees["index"].get(payload.get("id"))
                if row is not None:
                    for column in ("grade", "status"):
                        if payload.get(column):
                            self.trees[column][row] = payload[column]
                    self._touch(self.trees, row, event)
            elif kind in (ev.SITE_EVACUATION_CHANGED, ev.SITE_EVACUATION_REVERSED):
                row = self.sites["index"].get(payload.get("id"))
                status = payload.get("status")
                if row is not None and status in SITE_STATUSES:
                    rank = SITE_STATUSES.index(status)
                    if kind == ev.SITE_EVACUATION_REVERSED or rank >= self.sites["status"][row]:
                        self.sites["status"][row] = rank
                        self._touch(self.sites, row, event)
        signal = self._city(batch, city, out)
        self._ponding(batch, flood, out)
        self._tide(batch, level, out)
        self._rain(batch, rain, signal, out)
        if self.evac_on:
            self._evacuate(out)
        if saw_wind or self.dirty:
            self._wind(batch, wind, out)
        return out.events()

    def _touch(self, table: dict, row: int, event: Event) -> None:
        t = self._times.one(event.event_time)
        if table["attr_t"][row] is None or t >= table["attr_t"][row]:
            table["attr_t"][row], table["attr_text"][row] = t, event.event_time
        self.dirty = True

    @staticmethod
    def _kept(readings: list, last: int | None) -> list:
        out, previous = [], None
        for item in sorted(readings, key=lambda r: (r[0], r[1])):
            if (last is None or item[0] > last) and item[0] != previous:
                out.append(item)
            previous = item[0]
        return out

    # --- the city -----------------------------------------------------------------------------------------
    def _condition(self) -> bool:
        rule = self.config.evacuation
        return self.city["typhoon_signal"][0] in rule.typhoon_signals or \
            self.city["response_level"][0] in rule.response_levels

    def _city(self, batch, positions, out) -> list[tuple[int | None, int]]:
        value = self.city["rainstorm_signal"][0]
        timeline = [(None, SIGNAL_ORDER.index(value) if value in SIGNAL_ORDER else 0)]
        items = sorted((self._times.one(batch[p].event_time), p) for p in positions)
        cause = None
        for n, (t, p) in enumerate(items):
            event = batch[p]
            if event.type == ev.RESPONSE_LEVEL_CHANGED:
                key, value = "response_level", event.payload.get("level")
            else:
                key, value = CITY_KEYS.get(event.payload.get("hazard"), ""), event.payload.get("level")
            if key in self.city and value is not None and (self.city[key][1] is None or t >= self.city[key][1]):
                kind = ev.RESPONSE_LEVEL_CHANGED if key == "response_level" else ev.SIGNAL_CHANGED
                before = self._condition()
                self.city[key] = (value, t, al.reading(event.id, kind, "city", key, value, event.event_time))
                if before != self._condition():
                    cause = self.city[key][2]
                if key == "rainstorm_signal":
                    timeline.append((t, SIGNAL_ORDER.index(value) if value in SIGNAL_ORDER else 0))
            if n + 1 < len(items) and items[n + 1][0] == t:
                continue
            on = self._condition()
            if on and not self.evac_on and cause is not None:
                self.evac_on, self.evac_reading, self.evac_t = True, cause, t
                self._evacuate(out)
            elif not on and self.evac_on and cause is not None:
                self.evac_on = False
                rule = self.config.evacuation
                state = self.state[rule.rule]
                sites = self.sites
                typhoon, response = self.city["typhoon_signal"][0], self.city["response_level"][0]
                reason = (f"typhoon signal {typhoon}, response level {response}: the evacuation condition no longer "
                          "holds")
                for row in range(len(state.active)):
                    if state.active[row]:
                        if state.alert[row] is not None:
                            out.add(FAMILY_RANK["sites.evacuate"],
                                    al.cleared(state.alert[row], rule.rule, "construction_sites",
                                               self.sites["ids"][row], cause["time"], "condition_ended", reason,
                                               [dict(cause)]))
                        state.active[row], state.alert[row] = False, None
                        if sites["attr_t"][row] is None or t > sites["attr_t"][row]:
                            sites["attr_t"][row], sites["attr_text"][row] = t, cause["time"]
                self.evac_reading, self.evac_t = None, None
            cause = None
        return timeline

    def _evacuate(self, out) -> None:
        rule = self.config.evacuation
        state = self.state[rule.rule]
        sites = self.sites
        reading, t = self.evac_reading, self.evac_t
        if reading is None:
            return
        skip = SITE_STATUSES.index(rule.skip_from_status)
        typhoon, response = self.city["typhoon_signal"][0], self.city["response_level"][0]
        for row in range(len(sites["ids"])):
            if state.active[row] or sites["workers"][row] < rule.min_workers or sites["status"][row] >= skip:
                continue
            attr_t = sites["attr_t"][row]
            fired = sites["attr_text"][row] if attr_t is not None and (t is None or attr_t > t) else reading["time"]
            workers = sites["workers"][row]
            event = al.raised(rule.rule, rule.severity, rule.agency, "construction_sites", sites["ids"][row],
                              sites["name"][row], sites["lon"][row], sites["lat"][row], fired, [dict(reading)],
                              {"workers": str(workers), "typhoon": typhoon, "response": response},
                              workers=workers, typhoon_signal=typhoon, response_level=response)
            state.active[row], state.alert[row] = True, event.payload["alert_id"]
            out.add(FAMILY_RANK["sites.evacuate"], event)

    # --- per-reading rules ------------------------------------------------------------------------------
    @staticmethod
    def _step(state: _State, row: int, t: int, raise_when: bool, below: bool, hold_ms: int,
              extra_clear: bool = False) -> tuple[str | None, int | None]:
        """One reading through a two-state rule: ('raised' | 'cleared' | None, the below-run start)."""
        if below:
            if state.since[row] is None:
                state.since[row] = t
        else:
            state.since[row] = None
        start = state.since[row]
        clear_when = (below and t - start >= hold_ms) or extra_clear
        if clear_when:
            if state.active[row]:
                state.active[row] = False
                return "cleared", start
            return None, start
        if raise_when and not state.active[row]:
            state.active[row] = True
            return "raised", start
        return None, start

    def _ponding(self, batch, flood, out) -> None:
        floods = self.floods
        kept = {row: self._kept(items, floods["last_t"][row]) for row, items in sorted(flood.items())}
        family = FAMILY_RANK["ponding"]
        for rule in self.config.ponding:
            state = self.state[rule.rule]
            for row, items in kept.items():
                applies = floods["kind"][row] in rule.kinds
                for t, pos, depth in items:
                    what, start = self._step(state, row, t, applies and depth >= rule.raise_at_cm,
                                             depth < rule.clear_below_cm, rule.clear_hold_ms)
                    if what is None:
                        continue
                    event = batch[pos]
                    readings = [al.reading(event.id, event.type, floods["ids"][row], "depth_cm", depth,
                                           event.event_time)]
                    if what == "raised":
                        alert = al.raised(rule.rule, rule.severity, rule.agency, "flood_points", floods["ids"][row],
                                          floods["name"][row], floods["lon"][row], floods["lat"][row],
                                          event.event_time, readings, {"depth_cm": al.fmt(depth)}, depth_cm=depth,
                                          point_kind=floods["kind"][row], raise_at_cm=rule.raise_at_cm)
                        state.alert[row] = alert.payload["alert_id"]
                        out.add(family, alert)
                    elif state.alert[row] is not None:
                        reason = (f"water below {al.fmt(rule.clear_below_cm)} cm since {ms_text(start)} "
                                  f"(hold-off {rule.clear_hold_ms // 60000} min)")
                        out.add(family, al.cleared(state.alert[row], rule.rule, "flood_points", floods["ids"][row],
                                                   event.event_time, "drained", reason, readings))
                        state.alert[row] = None
        for row, items in kept.items():
            if items:
                floods["last_t"][row], floods["depth"][row] = items[-1][0], items[-1][2]

    def _tide(self, batch, level, out) -> None:
        stations = self.stations
        rule = self.config.tide
        state = self.state[rule.rule]
        family = FAMILY_RANK["tide"]
        for row, items in sorted(level.items()):
            warning = stations["warning"][row]
            for t, pos, value in self._kept(items, stations["level_t"][row]):
                raise_when = warning is not None and value >= warning + rule.margin_m
                below = warning is not None and value < warning - rule.clear_margin_m
                what, start = self._step(state, row, t, raise_when, below, rule.clear_hold_ms)
                stations["level_t"][row], stations["level"][row] = t, value
                if what is None:
                    continue
                event = batch[pos]
                readings = [al.reading(event.id, event.type, stations["ids"][row], "level_m", value, event.event_time)]
                if what == "raised":
                    alert = al.raised(rule.rule, rule.severity, rule.agency, "stations", stations["ids"][row],
                                      stations["name"][row], stations["lon"][row], stations["lat"][row],
                                      event.event_time, readings,
                                      {"level_m": al.fmt(value, 2), "warning_m": al.fmt(warning, 2)}, level_m=value,
                                      warning_level_m=warning)
                    state.alert[row] = alert.payload["alert_id"]
                    out.add(family, alert)
                elif state.alert[row] is not None:
                    reason = (f"level below {al.fmt(warning - rule.clear_margin_m, 2)} m since {ms_text(start)} "
                              f"(hold-off {rule.clear_hold_ms // 60000} min)")
                    out.add(family, al.cleared(state.alert[row], rule.rule, "stations", stations["ids"][row],
                                               event.event_time, "below_warning", reason, readings))
                    state.alert[row] = None

    def _six_hours(self, row: int, t: int, r1: float, acc: float) -> float:
        cfg = self.config.rain
        history = self.rain_history.setdefault(row, [])
        if not math.isnan(acc):
            history.append((t, acc))
        times = [h[0] for h in history]
        target = t - cfg.window_ms
        then = math.nan
        j = bisect_right(times, target) - 1
        if j >= 0 and times[j] >= target - cfg.tolerance_ms:
            then = history[j][1]
        elif j + 1 < len(history) and times[j + 1] <= t:
            then = history[j + 1][1]
        six = acc - then
        if six < 0:
            six = acc
        if math.isnan(six):
            return r1
        if math.isnan(r1):
            return six
        return max(six, r1)

    def _rain(self, batch, rain, timeline, out) -> None:
        stations = self.stations
        cfg = self.config.rain
        levels = list(cfg.levels)
        family = FAMILY_RANK["rain"]
        changes = [t for t, _ in timeline[1:]]
        for row, items in sorted(rain.items()):
            for t, pos, r1, acc in self._kept(items, stations["rain_t"][row]):
                stations["rain_t"][row] = t
                r6 = self._six_hours(row, t, r1, acc)
                in_force = timeline[bisect_right(changes, t)][1]
                conditions = {lv.order: (r1 >= lv.rain_1h_mm) or (r6 >= lv.rain_6h_mm) for lv in levels}
                met = max([lv.order for lv in levels if conditions[lv.order]], default=0)
                higher_active, higher_raised = False, ""
                for lv in reversed(levels):
                    state = self.state[lv.rule]
                    cond = conditions[lv.order]
                    issued = in_force >= lv.order
                    was_active = state.active[row]
                    what, start = self._step(
                        state, row, t,
                        cond and met == lv.order and in_force < lv.order and not higher_active,
                        not cond, cfg.clear_hold_ms, extra_clear=issued or bool(higher_raised))
                    if what is not None:
                        event = batch[pos]
                        readings = [al.reading(event.id, event.type, stations["ids"][row], "rain_1h_mm", r1,
                                               event.event_time),
                                    al.reading(event.id, event.type, stations["ids"][row], "rain_6h_mm", round(r6, 1),
                                               event.event_time, derived="rain_acc_mm difference over 6 h")]
                        if what == "raised":
                            signal_now = SIGNAL_ORDER[in_force]
                            alert = al.raised(lv.rule, lv.severity, cfg.agency, "stations", stations["ids"][row],
                                              stations["name"][row], stations["lon"][row], stations["lat"][row],
                                              event.event_time, readings,
                                              {"color": lv.color, "rain_1h_mm": al.fmt(r1), "rain_6h_mm": al.fmt(r6),
                                               "signal": signal_now},
                                              recommended_signal=lv.color, signal_in_force=signal_now,
                                              rain_1h_mm=r1, rain_6h_mm=round(r6, 1))
                            state.alert[row] = alert.payload["alert_id"]
                            out.add(family, alert)
                        elif was_active and state.alert[row] is not None:
                            if higher_raised:
                                code, reason = "superseded", f"superseded by the {higher_raised} criteria"
                            elif issued:
                                code, reason = "signal_issued", f"rainstorm signal {SIGNAL_ORDER[in_force]} in force"
                            else:
                                code, reason = "below_criteria", (f"{lv.color} criteria not met since {ms_text(start)} "
                                                                  f"(hold-off {cfg.clear_hold_ms // 60000} min)")
                            out.add(family, al.cleared(state.alert[row], lv.rule, "stations", stations["ids"][row],
                                                       event.event_time, code, reason, readings))
                            state.alert[row] = None
                    if what == "raised":
                        higher_raised = lv.color
                    higher_active = higher_active or state.active[row]
        for history in self.rain_history.values():
            if history:
                keep_from = history[-1][0] - cfg.window_ms - cfg.tolerance_ms
                history[:] = history[bisect_left([h[0] for h in history], keep_from):]

    # --- wind ---------------------------------------------------------------------------------------------
    def _wind(self, batch, wind, out) -> None:
        st = self.stations
        high = {q: {"v": list(st[q]), "t": list(st["wind_t"]), "eid": list(st["wind_eid"]),
                    "text": list(st["wind_text"])} for q in ("gust", "mean")}
        t_eval = self.wind_t
        for row, items in sorted(wind.items()):
            kept = self._kept(items, st["wind_t"][row])
            for q, k in (("gust", 2), ("mean", 3)):
                best = None
                for item in kept:
                    if not math.isnan(item[k]) and (best is None or item[k] > best[k]):
                        best = item
                if best is not None:
                    high[q]["v"][row], high[q]["t"][row] = best[k], best[0]
                    high[q]["eid"][row], high[q]["text"][row] = batch[best[1]].id, batch[best[1]].event_time
                if kept and not math.isnan(kept[-1][k]):
                    st[q][row] = kept[-1][k]
            if kept:
                last = kept[-1]
                st["wind_t"][row], st["wind_text"][row], st["wind_eid"][row] = (last[0], batch[last[1]].event_time,
                                                                                 batch[last[1]].id)
                t_eval = last[0] if t_eval is None else max(t_eval, last[0])
        self.dirty = False
        if t_eval is None:
            return
        self.wind_t = t_eval
        when = ms_text(t_eval)
        self._trees(high, t_eval, when, out)
        self._sites(high, t_eval, when, out)

    def _idw(self, neighbours, values) -> tuple[float | None, list]:
        num = den = 0.0
        used = []
        for j, (s, w, d) in enumerate(neighbours):
            v = values[s] if s >= 0 else None
            if s >= 0 and w > 0 and v is not None and not math.isnan(v):
                num += w * v
                den += w
                used.append((j, s, v, d))
        return (num / den if den > 0 else None), used

    def _force(self, value: float | None) -> int:
        return -1 if value is None else bisect_right(self.bounds, value)

    def _judge(self, state: _State, row: int, neighbours, values_high, values_last, threshold: int, t_eval: int,
               hold_ms: int) -> tuple[bool, bool, float | None, int, list]:
        g_high, used = self._idw(neighbours, values_high)
        f_high = self._force(g_high)
        f_last = self._force(self._idw(neighbours, values_last)[0])
        above = f_high >= threshold
        if above:
            state.since[row] = t_eval if f_last < threshold else None
        elif state.since[row] is None:
            state.since[row] = t_eval
        held = state.active[row] and not above and t_eval - state.since[row] >= hold_ms
        return above, held, g_high, f_high, used

    def _raised_readings(self, used, high, quantity) -> tuple[list, int | None, str | None, float]:
        readings, latest_t, latest_text, strongest = [], None, None, None
        for _, s, v, d in used:
            readings.append(al.reading(high["eid"][s], ev.STATION_READING, self.stations["ids"][s], quantity, v,
                                       high["text"][s], distance_m=round(d)))
            if latest_t is None or high["t"][s] > latest_t:
                latest_t, latest_text = high["t"][s], high["text"][s]
            if strongest is None or v > strongest[0]:
                strongest = (v, d)
        return readings, latest_t, latest_text, strongest[1]

    def _latest_readings(self, neighbours, measure) -> list:
        st = self.stations
        return [al.reading(st["wind_eid"][s], ev.STATION_READING, st["ids"][s], f"wind_{measure}_ms", st[measure][s],
                           st["wind_text"][s], distance_m=round(d))
                for s, w, d in neighbours if s >= 0 and w > 0 and st[measure][s] is not None
                and not math.isnan(st[measure][s])]

    def _trees(self, high, t_eval, when, out) -> None:
        rule = self.config.trees
        trees = self.trees
        state = self.state[rule.rule]
        h = high[rule.measure]
        quantity = f"wind_{rule.measure}_ms"
        raised, cleared = [], []
        for row in range(len(trees["ids"])):
            eligible = trees["status"][row] not in rule.skip_statuses
            grade = trees["grade"][row]
            threshold = rule.min_force.get(grade, NEVER) if eligible and grade in TREE_GRADES else NEVER
            above, held, gust, force, used = self._judge(state, row, self.nb["trees"][row], h["v"],
                                                         self.stations[rule.measure], threshold, t_eval,
                                                         rule.clear_hold_ms)
            if above and eligible and not state.active[row]:
                readings, latest_t, latest_text, distance = self._raised_readings(used, h, quantity)
                rank = TREE_GRADES.index(grade)
                key = (distance, rank, row) if rule.order == "nearest" else (rank, -gust, distance, row)
                raised.append((key, row, readings, latest_t, latest_text, distance, gust, force, threshold))
            if held and eligible:
                cleared.append((row, "below", threshold))
        for row in range(len(trees["ids"])):
            if state.active[row] and trees["status"][row] in rule.skip_statuses:
                cleared.append((row, "status", NEVER))
        raised.sort(key=lambda item: item[0])
        family = FAMILY_RANK["trees"]
        for rank, (_, row, readings, latest_t, latest_text, distance, gust, force, threshold) in \
                enumerate(raised, start=1):
            attr_t = trees["attr_t"][row]
            fired = trees["attr_text"][row] if attr_t is not None and attr_t > latest_t else latest_text
            grade = trees["grade"][row]
            event = al.raised(rule.rule, rule.severity[grade], rule.agency, "trees", trees["ids"][row],
                              trees["name"][row], trees["lon"][row], trees["lat"][row], fired, readings,
                              {"grade": grade.replace("_", " "), "force": str(force), "wind_ms": al.fmt(gust)},
                              grade=grade, wind_ms=round(gust, 2), force=force, min_force=threshold,
                              basis="observed", distance_m=round(distance), rank=rank)
            state.active[row], state.alert[row] = True, event.payload["alert_id"]
            out.add(family, event)
        for row, code, threshold in cleared:
            if state.alert[row] is None:
                state.active[row] = False
                continue
            if code == "status":
                reason = f"tree status {trees['status'][row]}"
            else:
                reason = (f"gusts below force {threshold} since {ms_text(state.since[row])} "
                          f"(hold-off {rule.clear_hold_ms // 60000} min)")
            out.add(family, al.cleared(state.alert[row], rule.rule, "trees", trees["ids"][row], when,
                                       "object_status" if code == "status" else "below_threshold", reason,
                                       self._latest_readings(self.nb["trees"][row], rule.measure)))
            state.active[row], state.alert[row] = False, None

    def _sites(self, high, t_eval, when, out) -> None:
        sites = self.sites
        evacuating = self.state[self.config.evacuation.rule].active
        family = FAMILY_RANK["sites"]
        for rule in self.config.site_wind:
            state = self.state[rule.rule]
            h = high[rule.measure]
            quantity = f"wind_{rule.measure}_ms"
            skip = SITE_STATUSES.index(rule.skip_from_status)
            held_rows = []
            for row in range(len(sites["ids"])):
                applies = not rule.requires_any or any(sites[e][row] > 0 for e in rule.requires_any)
                eligible = applies and sites["status"][row] < skip and not evacuating[row]
                above, held, wind, force, used = self._judge(state, row, self.nb["construction_sites"][row], h["v"],
                                                             self.stations[rule.measure], rule.min_force, t_eval,
                                                             rule.clear_hold_ms)
                if held:
                    held_rows.append(row)
                if not (above and eligible and not state.active[row]):
                    continue
                readings, latest_t, latest_text, distance = self._raised_readings(used, h, quantity)
                attr_t = sites["attr_t"][row]
                fired = sites["attr_text"][row] if attr_t is not None and attr_t > latest_t else latest_text
                equipment = {e: sites[e][row] for e in SITE_EQUIPMENT}
                event = al.raised(rule.rule, rule.severity, rule.agency, "construction_sites", sites["ids"][row],
                                  sites["name"][row], sites["lon"][row], sites["lat"][row], fired, readings,
                                  {"force": str(force), "wind_ms": al.fmt(wind)}, wind_ms=round(wind, 2),
                                  force=force, min_force=rule.min_force, measure=rule.measure,
                                  distance_m=round(distance), **equipment)
                state.active[row], state.alert[row] = True, event.payload["alert_id"]
                out.add(family, event)
            for row in held_rows:
                if state.alert[row] is not None:
                    reason = (f"wind below force {rule.min_force} since {ms_text(state.since[row])} "
                              f"(hold-off {rule.clear_hold_ms // 60000} min)")
                    out.add(family, al.cleared(state.alert[row], rule.rule, "construction_sites", sites["ids"][row],
                                               when, "below_threshold", reason,
                                               self._latest_readings(self.nb["construction_sites"][row],
                                                                     rule.measure)))
                state.active[row], state.alert[row] = False, None
