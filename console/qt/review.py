"""The after-action review (复盘) window: console.core.review laid out as one HTML document.

The same HTML is shown in a QTextBrowser, written out as a self-contained file (inline CSS, the map and the timeline
as data: PNGs, nothing fetched from a network) and printed to PDF through Qt's printing, so the three never differ.
Qt's rich text knows only a subset of HTML and CSS (tables, spans, colours, fonts; no flex, no inline-block), so the
pictures (signal bands, incidents per hour, the map) are drawn with QPainter into images rather than built of markup.
"""
from __future__ import annotations

import base64
import html
import time
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np
from PySide6 import QtCore, QtGui, QtPrintSupport, QtWidgets

from console.core import incidents as inc
from console.core.basemap_loader import load_basemap
from console.core.crs import lonlat_to_mercator
from console.core.review import Review, build_review, minutes
from console.core.store import Store
from console.core.timefmt import BEIJING, beijing_text, parse_time
from layers import LAYER_BY_KIND
from layers.basemap import Basemap

from .basemap_item import WATER, BasemapItem, DistrictLabelItem
from .i18n import translate
from .style import LEVEL_COLOURS
from .task_desk import alert_title

# The same in every language, on the window and at the top of every export: nobody may take an exercise for real.
EXERCISE_MARK = "演习 EXERCISE"
MAX_ROWS = 100  # rows of the overdue and declined lists; the rest are counted
SLOWEST = 50
# The PDF is laid out on an A4 page in CSS pixels (96 per inch: 794 × 1123) with 15 mm (57 px) margins, leaving 680
# for the text and the pictures. The images hold twice as many pixels so the PDF stays sharp.
A4_PX = QtCore.QSizeF(794, 1123)
MARGIN_PX = 57
PAGE_PX = int(A4_PX.width()) - 2 * MARGIN_PX
PIXEL_RATIO = 2
SEVERITY_FILL = {"minor": "#95a5a6", "moderate": "#f1c40f", "severe": "#e67e22", "extreme": "#c0392b"}
# Chinese signals and response levels share the four colours (IV blue … I red)
LEVEL_TEXT = {"yellow": "#333333", "III": "#333333"}  # dark text where white would not read
KIND_FILL = {"flood_points": "#2e86c1", "trees": "#27ae60", "construction_sites": "#a04000", "stations": "#7d3c98",
             "": "#7f8c8d"}
CSS = """
body { font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", sans-serif;
       font-size: 10pt; color: #222222; }
h1 { font-size: 17pt; margin-bottom: 2px; }
h2 { font-size: 13pt; margin-top: 18px; margin-bottom: 4px; color: #1b4f72; }
p { margin-top: 2px; margin-bottom: 4px; }
table.data { border-collapse: collapse; margin-top: 4px; margin-bottom: 6px; }
table.data th { background-color: #eaecee; font-weight: bold; text-align: left; font-size: 9pt; }
table.data td { font-size: 9pt; }
table.data td.n { text-align: right; }
tr.task td { color: #555555; }
.muted { color: #777777; font-size: 9pt; }
.late { color: #c0392b; font-weight: bold; }
.exercise { background-color: #c0392b; color: #ffffff; font-size: 15pt; font-weight: bold; }
"""


def png_data_uri(image: QtGui.QImage) -> str:
    data = QtCore.QByteArray()
    buffer = QtCore.QBuffer(data)
    buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(bytes(data)).decode("ascii")


def _image(width: int, height: int, fill: str) -> QtGui.QImage:
    image = QtGui.QImage(width * PIXEL_RATIO, height * PIXEL_RATIO, QtGui.QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(PIXEL_RATIO)  # paint in display pixels
    image.fill(QtGui.QColor(fill))
    return image


@lru_cache(maxsize=1)
def _basemap() -> Basemap:
    return load_basemap()


def draw_map(review: Review, width: int = PAGE_PX, height: int = 520, basemap: Basemap | None = None
             ) -> QtGui.QImage:
    """The incidents on the basemap (land, districts, water, district names), coloured by severity, the most severe
    on top; framed on the incidents (at least 15 km across) or on the whole city when there are none."""
    basemap = basemap or _basemap()
    placed = [i for i in review.incidents if i.lon is not None and i.lat is not None]
    if placed:
        x, y = lonlat_to_mercator(np.array([i.lon for i in placed]), np.array([i.lat for i in placed]))
        x, y = np.atleast_1d(x), np.atleast_1d(y)
        cx, cy = (x.min() + x.max()) / 2, (y.min() + y.max()) / 2
        span_x, span_y = max(np.ptp(x) * 1.15, 15_000.0), max(np.ptp(y) * 1.15, 15_000.0)
    else:
        x = y = np.zeros(0)
        xmin, ymin, xmax, ymax = basemap.extent()
        cx, cy, span_x, span_y = (xmin + xmax) / 2, (ymin + ymax) / 2, xmax - xmin, ymax - ymin
    scale = min(width / span_x, height / span_y)  # metres to pixels, the same both ways (no distortion)
    image = _image(width, height, WATER)
    painter = QtGui.QPainter(image)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    world = QtGui.QTransform(scale, 0, 0, -scale, width / 2 - cx * scale, height / 2 + cy * scale)
    painter.setTransform(world)
    # the console's own basemap items paint into any painter: the map looks as it does in the console
    BasemapItem(basemap).paint(painter, None)
    painter.resetTransform()
    radius = 2.5 if len(placed) > 2000 else 4.0
    painter.setPen(QtGui.QPen(QtGui.QColor(255, 255, 255, 200), 0.6))
    rank = {name: i for i, name in enumerate(inc.SEVERITIES)}
    order = sorted(range(len(placed)), key=lambda k: rank.get(placed[k].severity, -1))
    for k in order:
        painter.setBrush(QtGui.QColor(SEVERITY_FILL.get(placed[k].severity, "#7f8c8d")))
        px, py = width / 2 + (x[k] - cx) * scale, height / 2 - (y[k] - cy) * scale
        painter.drawEllipse(QtCore.QPointF(px, py), radius, radius)
    painter.setTransform(world)
    DistrictLabelItem(basemap).paint(painter, None)  # names over the points, on their white halo
    painter.resetTransform()
    painter.setPen(QtGui.QColor("#555555"))
    painter.setBrush(QtCore.Qt.BrushStyle.NoBrush)
    painter.drawRect(QtCore.QRectF(0.5, 0.5, width - 1, height - 1))
    painter.end()
    return image


def _tick_hours(span_hours: float) -> int:
    """Hours between time-axis labels: about eight labels across."""
    return next((step for step in (1, 2, 3, 6, 12, 24, 48) if span_hours / step <= 8), 96)


def draw_timeline(review: Review, row_labels: dict[str, str], bars_label: str = "", width: int = PAGE_PX
                  ) -> QtGui.QImage:
    """Bands for the signals and the response level (one row each, coloured by level), and below them the incidents
    opened in each hour, stacked by kind; one time axis in Beijing time."""
    left, right, band, gap, bars = 104, 8, 20, 4, 130
    rows = list(row_labels)
    top_bars = len(rows) * (band + gap) + 10
    height = top_bars + bars + 34
    image = _image(width, height, "#ffffff")
    if not review.start:
        return image
    start, end = parse_time(review.start), parse_time(review.end)
    if review.hours:  # the bars start on the hour: so does the axis
        start = min(start, parse_time(review.hours[0]))
    span_s = max((end - start).total_seconds(), 3600.0)
    plot = width - left - right

    def at(moment: datetime) -> float:
        return left + plot * (moment - start).total_seconds() / span_s

    painter = QtGui.QPainter(image)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    font = painter.font()
    font.setPixelSize(11)
    painter.setFont(font)
    for row, key in enumerate(rows):
        top = row * (band + gap)
        painter.setPen(QtGui.QColor("#333333"))
        painter.drawText(QtCore.QRectF(0, top, left - 6, band), QtCore.Qt.AlignmentFlag.AlignRight
                         | QtCore.Qt.AlignmentFlag.AlignVCenter, row_labels[key])
        painter.fillRect(QtCore.QRectF(left, top, plot, band), QtGui.QColor("#f2f3f4"))
        for interval in (i for i in review.intervals if i.key == key):
            x0, x1 = at(parse_time(interval.start)), at(parse_time(interval.end))
            box = QtCore.QRectF(x0, top, max(x1 - x0, 1.0), band)
            painter.fillRect(box, QtGui.QColor(LEVEL_COLOURS.get(interval.level, "#7f8c8d")))
            text = translate("signal", interval.level) if key != "response" else interval.level
            if painter.fontMetrics().horizontalAdvance(text) + 6 < box.width():
                painter.setPen(QtGui.QColor(LEVEL_TEXT.get(interval.level, "#ffffff")))
                painter.drawText(box, QtCore.Qt.AlignmentFlag.AlignCenter, text)
    # incidents opened per hour, stacked by kind. One burst (every site ordered to stop work in the same hour) would
    # flatten all the rest: past three times the usual busy hour the scale stops, and the clipped bar says its count.
    counts = np.array(list(review.opened_per_hour.values()), dtype=float).reshape(-1, len(review.hours))
    totals = counts.sum(axis=0)
    busy = totals[totals > 0]
    top = float(totals.max()) if busy.size else 0.0
    if busy.size and top > 3 * np.percentile(busy, 90):
        top = float(np.ceil(1.5 * np.percentile(busy, 90)))
    base = top_bars + bars
    painter.setPen(QtGui.QColor("#bbbbbb"))
    painter.drawLine(QtCore.QPointF(left, base), QtCore.QPointF(left + plot, base))
    painter.drawLine(QtCore.QPointF(left, top_bars), QtCore.QPointF(left + plot, top_bars))
    painter.setPen(QtGui.QColor("#333333"))
    right_aligned = QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter
    painter.drawText(QtCore.QRectF(0, top_bars - 7, left - 6, 14), right_aligned, f"{top:.0f}")
    painter.drawText(QtCore.QRectF(0, top_bars + 14, left - 6, 60), QtCore.Qt.AlignmentFlag.AlignRight
                     | QtCore.Qt.TextFlag.TextWordWrap, bars_label)
    hour_width = plot * 3600 / span_s
    x_of_hour = [at(parse_time(h)) for h in review.hours]
    if top:
        painter.setPen(QtCore.Qt.PenStyle.NoPen)
        below = np.zeros(len(review.hours))
        for kind, values in zip(review.opened_per_hour, counts):
            painter.setBrush(QtGui.QColor(KIND_FILL.get(kind, "#7f8c8d")))
            for h in np.flatnonzero(values):
                y0 = base - bars * min(below[h] + values[h], top) / top
                y1 = base - bars * min(below[h], top) / top
                if y1 > y0:
                    painter.drawRect(QtCore.QRectF(x_of_hour[h], y0, max(hour_width - 0.5, 0.8), y1 - y0))
            below += values
        painter.setPen(QtGui.QColor("#333333"))
        for h in np.flatnonzero(totals > top):
            painter.drawText(QtCore.QRectF(x_of_hour[h] + hour_width + 2, top_bars + 1, 60, 14),
                             QtCore.Qt.AlignmentFlag.AlignLeft | QtCore.Qt.AlignmentFlag.AlignVCenter,
                             f"↑ {totals[h]:.0f}")
    # time axis in Beijing time: a label every `step` hours from midnight, the date at midnight
    step = timedelta(hours=_tick_hours(span_s / 3600))
    midnight = start.astimezone(BEIJING).replace(hour=0, minute=0, second=0, microsecond=0)
    moment = midnight + step * -(-(start - midnight) // step)  # the first tick at or after the start
    painter.setPen(QtGui.QColor("#555555"))
    while moment <= end:
        x = at(moment)
        painter.drawLine(QtCore.QPointF(x, base), QtCore.QPointF(x, base + 4))
        label = moment.strftime("%m-%d") if moment.hour == 0 else moment.strftime("%H:%M")
        box = QtCore.QRectF(min(max(x - 40, 0), width - 80), base + 5, 80, 14)  # kept inside the picture
        painter.drawText(box, QtCore.Qt.AlignmentFlag.AlignHCenter, label)
        moment += step
    painter.end()
    return image


def _number(value: float) -> str:
    """Whole minutes, but a tenth below ten minutes (where a tenth is six seconds that matter)."""
    return f"{value:.1f}" if value < 10 and abs(value - round(value)) >= 0.05 else f"{value:.0f}"


def _short_time(utc_text: str | None) -> str:
    """'07-25 10:00' in Beijing time (the period's dates are in the report's heading)."""
    return beijing_text(utc_text, seconds=False)[5:] if utc_text else "—"


def _row(values, numeric: tuple[int, ...] = (), tag: str = "td", css_class: str = "") -> str:
    """One table row from ready (escaped) cell texts; the columns in `numeric` align right."""
    cells = "".join(f'<{tag}{" class=n" if i in numeric else ""}>{v}</{tag}>' for i, v in enumerate(values))
    return f'<tr class="{css_class}">{cells}</tr>' if css_class else f"<tr>{cells}</tr>"


def _table(headers: list[str], rows: list[str], widths: tuple[int, ...] = ()) -> str:
    """A table from header texts and ready rows; `widths` in per cent of the page, column by column (else Qt's
    rich text shares the width out evenly). Cellpadding, because Qt ignores CSS padding in cells."""
    head = "".join(f'<th width="{w}%">{h}</th>' for h, w in zip(headers, widths)) + "".join(
        f"<th>{h}</th>" for h in headers[len(widths):])
    return ('<table class="data" width="100%" border="1" cellspacing="0" cellpadding="3" bordercolor="#cccccc">'
            f"<tr>{head}</tr>" + "".join(rows) + "</table>")


def _h2(text: str, new_page: bool = False) -> str:
    """A section heading (text already translated: lupdate does not see tr() inside f-strings); `new_page` starts a
    printed page, so the map or a long table does not begin at the foot of one."""
    return f"<h2 style='page-break-before: always'>{text}</h2>" if new_page else f"<h2>{text}</h2>"


def _p(text: str, css_class: str = "") -> str:
    return f"<p class={css_class}>{text}</p>" if css_class else f"<p>{text}</p>"


class ReviewWindow(QtWidgets.QMainWindow):
    """The report of one console database: shown, and exported as HTML or PDF."""

    def __init__(self, store: Store, parent=None) -> None:
        super().__init__(parent)
        self.store = store
        started = time.perf_counter()
        self.review = build_review(store)
        self.build_seconds = time.perf_counter() - started
        self.html = self.report_html()
        self.browser = QtWidgets.QTextBrowser()
        self.browser.setOpenLinks(False)  # the report has no links to follow; nothing may reach a network
        self.browser.setHtml(self.html)
        # the tables' borders overflow a 100 % width by a pixel or two: no scroll bar for that; the window is kept
        # wide enough for the pictures instead
        self.browser.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.browser.setMinimumWidth(PAGE_PX + 40)
        self.setCentralWidget(self.browser)
        toolbar = self.addToolBar(self.tr("Export"))
        toolbar.setObjectName("review_toolbar")
        toolbar.setToolButtonStyle(QtCore.Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.export_html_action = toolbar.addAction(self.tr("Export HTML…"), self.choose_html_file)
        self.export_pdf_action = toolbar.addAction(self.tr("Export PDF…"), self.choose_pdf_file)
        title = self.tr("After-action review: %1").replace("%1", store.path.name)
        self.setWindowTitle(f"{EXERCISE_MARK} · {title}" if self.review.exercise else title)
        self.resize(980, 900)

    # --- words -------------------------------------------------------------------------------------
    def duration(self, value: float | None) -> str:
        """Minutes as people read them: '25 min', or '49 h 05 min' from two hours on."""
        if value is None:
            return "—"
        if value < 120:
            return self.tr("%1 min").replace("%1", _number(value))
        hours, rest = divmod(round(value), 60)
        return self.tr("%1 h %2 min").replace("%1", str(hours)).replace("%2", f"{rest:02d}")

    def agency(self, code: str) -> str:
        return html.escape(translate("agencies", inc.AGENCY_LABELS.get(code, code)))

    def action(self, code: str) -> str:
        return html.escape(translate("actions", inc.ACTION_LABELS.get(code, code)))

    def task_state(self, code: str) -> str:
        return html.escape(translate("task_states", inc.TASK_STATE_LABELS.get(code, code)))

    def severity(self, code: str) -> str:
        label = html.escape(translate("severities", inc.SEVERITY_LABELS.get(code, code)))
        return f'<span style="color:{SEVERITY_FILL.get(code, "#7f8c8d")}">●</span> {label}'

    def kind(self, code: str) -> str:
        layer = LAYER_BY_KIND.get(code)
        return translate("layers", layer.title) if layer else self.tr("Places marked by hand")

    def timeline_labels(self) -> dict[str, str]:
        return {"typhoon": self.tr("Typhoon signal"), "rainstorm": self.tr("Rainstorm signal"),
                "response": self.tr("Response level")}

    # --- the report ---------------------------------------------------------------------------------
    def report_html(self) -> str:
        """The whole report as one self-contained HTML document."""
        r = self.review
        title = self.tr("After-action review")
        parts = []
        if r.exercise:
            parts.append(f'<table width="100%" cellpadding="6" cellspacing="0"><tr><td class="exercise" align="center">'
                         f'{EXERCISE_MARK}</td></tr></table>')
        parts.append(f"<h1>{html.escape(title)}</h1>")
        parts.append(self._heading())
        parts.append(self._timeline())
        parts.append(self._map())
        parts.append(self._agencies())
        parts.append(self._slowest())
        parts.append(self._overdue())
        parts.append(self._declined())
        doc_title = f"{EXERCISE_MARK} · {title}" if r.exercise else title
        return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(doc_title)}</title>'
                f'<style>{CSS}</style></head><body>{"".join(parts)}</body></html>')

    def _heading(self) -> str:
        r = self.review
        if not r.start:
            return _p(self.tr("The database holds no events yet."))
        tasks = r.tasks
        period = self.tr("%1 to %2 (Beijing time), %3").replace("%1", beijing_text(r.start, seconds=False)).replace(
            "%2", beijing_text(r.end, seconds=False)).replace("%3", self.duration(minutes(r.start, r.end)))
        source = self.tr("Database: %1").replace("%1", html.escape(str(self.store.path)))
        summary = self.tr("%1 events, %2 alerts, %3 incidents (%4 finished), %5 tasks (%6 done, %7 overdue, "
                          "%8 declined).")
        for i, value in enumerate((r.events, r.alerts, len(r.incidents), sum(i.finished for i in r.incidents),
                                   len(tasks), sum(t.state == "done" for t in tasks), len(r.overdue),
                                   len(r.declined)), start=1):
            summary = summary.replace(f"%{i}", f"{value:,}")
        note = self.tr("Times are Beijing time. A task is overdue when its crew was not on scene by its deadline.")
        return (f"<p><b>{period}</b></p><p>{summary}</p><p class=muted>{source}<br>{note}</p>")

    def _timeline(self) -> str:
        r = self.review
        labels = self.timeline_labels()
        image = draw_timeline(r, labels, self.tr("Incidents opened per hour"))
        image_size = image.deviceIndependentSize()
        legend = " &nbsp; ".join(f'<span style="color:{KIND_FILL.get(k, "#7f8c8d")}">■</span> '
                                 f"{html.escape(self.kind(k))} {sum(v):,}" for k, v in r.opened_per_hour.items())
        rows = [_row([html.escape(labels.get(i.key, i.key)), self._level(i.key, i.level), _short_time(i.start),
                      _short_time(i.end), self.duration(minutes(i.start, i.end))], numeric=(4,))
                for i in sorted(r.intervals, key=lambda i: (i.start, i.key))]
        table = _table([self.tr("Signal or level"), self.tr("Level"), self.tr("From"), self.tr("To"),
                        self.tr("Duration")], rows) if rows else ""
        return (_h2(self.tr("Timeline")) +
                f'<p><img src="{png_data_uri(image)}" width="{image_size.width():.0f}" '
                f'height="{image_size.height():.0f}"></p><p class=muted>{legend}</p>{table}')

    def _level(self, key: str, level: str) -> str:
        text = html.escape(translate("signal", level) if key != "response" else level)
        return f'<span style="color:{LEVEL_COLOURS.get(level, "#7f8c8d")}">■</span> {text}'

    def _map(self) -> str:
        r = self.review
        image = draw_map(r)
        size = image.deviceIndependentSize()
        by_severity = {}
        for incident in r.incidents:
            by_severity[incident.severity] = by_severity.get(incident.severity, 0) + 1
        legend = " &nbsp; ".join(f"{self.severity(s)} {by_severity[s]:,}" for s in reversed(inc.SEVERITIES)
                                 if s in by_severity)
        return (_h2(self.tr("Where the incidents were"), new_page=True) +
                f'<p><img src="{png_data_uri(image)}" width="{size.width():.0f}" height="{size.height():.0f}"></p>'
                f"<p class=muted>{legend}</p>")

    def _agencies(self) -> str:
        rows = [_row([self.agency(a.agency), f"{a.tasks:,}", f"{a.done:,}", self.duration(a.on_scene_median),
                      self.duration(a.on_scene_p90), self.duration(a.done_median), self.duration(a.done_p90),
                      f"{a.overdue:,}", f"{a.declined:,}"], numeric=tuple(range(1, 9)))
                for a in self.review.agencies]
        if not rows:
            return _h2(self.tr("Agencies")) + _p(self.tr("No tasks."))
        spanned = "".join(f"<th rowspan=2>{h}</th>" for h in (self.tr("Agency"), self.tr("Tasks"), self.tr("Done")))
        spanned += "".join(f"<th colspan=2>{h}</th>" for h in (self.tr("Dispatch to on scene"),
                                                                self.tr("On scene to done")))
        spanned += "".join(f"<th rowspan=2>{h}</th>" for h in (self.tr("Overdue"), self.tr("Declined")))
        median, p90 = self.tr("median"), self.tr("90th percentile")
        return (_h2(self.tr("Agencies")) +
                '<table class="data" width="100%" border="1" cellspacing="0" cellpadding="3" bordercolor="#cccccc">'
                f"<tr>{spanned}</tr>{_row([median, p90, median, p90], tag='th')}{''.join(rows)}</table>")

    def _incident_name(self, incident) -> str:
        described = alert_title(incident.title_alert) if incident.title_alert else incident.title
        name = incident.object_name or described
        return f"<b>{html.escape(name)}</b><br><span class=muted>{html.escape(described)}</span>"

    def _slowest(self) -> str:
        r = self.review
        rows = []
        for incident in r.slowest(SLOWEST):
            total = self.duration(incident.elapsed)
            if not incident.finished:
                total = f'<span class="late">≥ {total}</span><br>' + self.tr("unfinished")
            rows.append(_row([
                self._incident_name(incident), self.severity(incident.severity), _short_time(incident.opened_at),
                self.duration(minutes(incident.first_reading, incident.first_alert)),
                self.duration(minutes(incident.first_alert, incident.first_dispatch)),
                self.duration(minutes(incident.first_dispatch, incident.first_on_scene)),
                self.duration(minutes(incident.first_on_scene, incident.done)), total], numeric=(3, 4, 5, 6, 7)))
            for task in incident.tasks:  # the same steps, per agency
                state = self.task_state(task.state)
                if task.overdue:
                    state = f'<span class="late">{state} · ' + self.tr("overdue") + "</span>"
                rows.append(_row([
                    f"&nbsp;&nbsp;↳ {self.agency(task.agency)}: {self.action(task.action)}", state,
                    _short_time(task.dispatched_at), self.duration(task.reading_to_alert),
                    self.duration(task.alert_to_dispatch), self.duration(task.dispatch_to_on_scene),
                    self.duration(task.on_scene_to_done), ""], numeric=(3, 4, 5, 6), css_class="task"))
        headers = [self.tr("Incident"), self.tr("Severity or task state"), self.tr("Opened / dispatched"),
                   self.tr("Reading to alert"), self.tr("Alert to dispatch"), self.tr("Dispatch to on scene"),
                   self.tr("On scene to done"), self.tr("Total")]
        heading = self.tr("The %1 slowest incidents").replace("%1", str(min(SLOWEST, len(r.incidents))))
        note = self.tr("From the first reading (or the opening) to done; an unfinished incident counts to the end of "
                       "the period. Below each incident, the same steps for each agency's task.")
        body = _table(headers, rows, (28, 11, 11, 9, 9, 10, 10, 12)) if rows else _p(self.tr("No incidents."))
        return _h2(heading, new_page=True) + _p(note, "muted") + body

    def _more(self, total: int) -> str:
        if total <= MAX_ROWS:
            return ""
        return _p(self.tr("… and %1 more.").replace("%1", f"{total - MAX_ROWS:,}"), "muted")

    def _overdue(self) -> str:
        tasks = self.review.overdue
        rows = [_row([self.agency(t.agency), self.action(t.action), html.escape(t.object_name),
                      _short_time(t.dispatched_at), _short_time(t.due), _short_time(t.on_scene_at or t.done_at),
                      f'<span class="late">{self.duration(t.late_minutes)}</span>', self.task_state(t.state)],
                     numeric=(6,)) for t in tasks[:MAX_ROWS]]
        headers = [self.tr("Agency"), self.tr("Task"), self.tr("Object"), self.tr("Dispatched"), self.tr("Deadline"),
                   self.tr("On scene"), self.tr("Late by"), self.tr("State")]
        heading = self.tr("Overdue tasks (%1)").replace("%1", f"{len(tasks):,}")
        body = (_table(headers, rows, (10, 16, 24, 11, 11, 11, 9, 8)) + self._more(len(tasks)) if rows
                else _p(self.tr("None.")))
        return _h2(heading) + body

    def _declined(self) -> str:
        tasks = self.review.declined
        rows = [_row([self.agency(t.agency), self.action(t.action), html.escape(t.object_name),
                      _short_time(t.ended_at), html.escape(t.declined_by), html.escape(t.reason)])
                for t in tasks[:MAX_ROWS]]
        headers = [self.tr("Agency"), self.tr("Task"), self.tr("Object"), self.tr("Declined at"), self.tr("By"),
                   self.tr("Reason")]
        heading = self.tr("Declined tasks (%1)").replace("%1", f"{len(tasks):,}")
        body = (_table(headers, rows, (10, 16, 22, 11, 14, 27)) + self._more(len(tasks)) if rows
                else _p(self.tr("None.")))
        return _h2(heading) + body

    # --- export ---------------------------------------------------------------------------------------
    def suggested_name(self, suffix: str) -> str:
        stem = f"{self.store.path.stem}-review"
        return f"{stem}-exercise{suffix}" if self.review.exercise else f"{stem}{suffix}"

    def export_html(self, path: str | Path) -> None:
        Path(path).write_text(self.html, encoding="utf-8")

    def export_pdf(self, path: str | Path) -> None:
        """Print the report on A4 pages. The pages are drawn here rather than by QTextDocument.print_, which adds
        its own 2 cm margins and scales pictures by the screen's resolution; this way every page also carries its
        number and, for an exercise, the exercise mark."""
        printer = QtPrintSupport.QPrinter(QtPrintSupport.QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QtPrintSupport.QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        printer.setPageSize(QtGui.QPageSize(QtGui.QPageSize.PageSizeId.A4))
        printer.setFullPage(True)
        printer.setPageMargins(QtCore.QMarginsF(0, 0, 0, 0), QtGui.QPageLayout.Unit.Millimeter)
        printer.setDocName(self.windowTitle())
        document = QtGui.QTextDocument()
        document.setDocumentMargin(MARGIN_PX)  # the root frame's margins are each page's margins
        document.setPageSize(A4_PX)
        document.setHtml(self.html)
        page_w, page_h = A4_PX.width(), A4_PX.height()
        painter = QtGui.QPainter(printer)
        scale = printer.pageRect(QtPrintSupport.QPrinter.Unit.DevicePixel).width() / page_w
        font = QtGui.QFont(painter.font())
        font.setPixelSize(10)
        pages = document.pageCount()
        for page in range(pages):
            if page:
                printer.newPage()
            painter.save()
            painter.scale(scale, scale)
            painter.save()
            painter.translate(0, -page * page_h)
            document.drawContents(painter, QtCore.QRectF(0, page * page_h, page_w, page_h))
            painter.restore()
            painter.setFont(font)
            painter.setPen(QtGui.QColor("#777777"))
            footer = QtCore.QRectF(MARGIN_PX, page_h - MARGIN_PX + 14, PAGE_PX, 16)
            painter.drawText(footer, QtCore.Qt.AlignmentFlag.AlignHCenter, f"{page + 1} / {pages}")
            if self.review.exercise:
                painter.setPen(QtGui.QColor("#c0392b"))
                painter.drawText(QtCore.QRectF(MARGIN_PX, MARGIN_PX - 30, PAGE_PX, 16),
                                 QtCore.Qt.AlignmentFlag.AlignRight, EXERCISE_MARK)
            painter.restore()
        painter.end()

    def _choose(self, caption: str, suffix: str, file_filter: str) -> str:
        start = str(Path.home() / self.suggested_name(suffix))
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, caption, start, file_filter,
                                                        options=QtWidgets.QFileDialog.Option.DontUseNativeDialog)
        return path

    def choose_html_file(self) -> None:
        path = self._choose(self.tr("Export the review as HTML"), ".html", self.tr("HTML files (*.html)"))
        if path:
            self.export_html(path)

    def choose_pdf_file(self) -> None:
        path = self._choose(self.tr("Export the review as PDF"), ".pdf", self.tr("PDF files (*.pdf)"))
        if path:
            self.export_pdf(path)
