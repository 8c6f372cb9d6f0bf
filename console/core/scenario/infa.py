"""Typhoon In-Fa (烟花, 2106) over Shanghai, 23–27 July 2021, as a stream of feed messages (docs/feeds.md).

`InFaScenario(flood_points, stations, cameras, seed=...)` is a seeded, documented model: the same objects and
the same seed always give the same messages. `messages()` yields them in time order, lazily: the small
per-station series (50 stations × 540 ten-minute steps, 3 gauges × 1,080 five-minute steps) are computed once,
and the water depth at the ~700 flood points is integrated step by step while the iterator runs, so memory
stays at a few megabytes however many of the ~810,000 messages of the default span are taken.

What is real and what is invented
=================================
Real (sources named): the typhoon's track, intensity and timing (JTWC best track, offline_data/typhoon);
the places and warning levels of the three Huangpu gauges (domain.md); the timeline entries marked
``real=True`` in TIMELINE below (domain.md; Xinmin Evening News 2021-07-27, "全市防汛防台响应行动终于
降回最低级别"; Eastday / People's Daily 2021-07-26 on the 11:00 downgrade; the Shanghai Meteorological Service's
26 Jul 22:15 rainstorm yellow); the calibration targets quoted with each model (the 30.1 m/s Wusong gust of
25 Jul 09:00; the flood-control office's 23 Jul forecast of Huangpu Park high tides — 24 Jul 01:00 about
4.60 m, 25 Jul about 4.90 m, 26 Jul about 5.00 m, storm surge 0.5–0.9 m already on 23 Jul and 0.7–1.2 m at
the peak; the SMB's 23 Jul forecast of 120–180 mm of rain, locally 200–350 mm, over 24–26 Jul).
Invented: every reading (the fields below are plausible models, not observations), every station, flood
point and camera (synthetic demo objects), the timeline entries marked ``real=False``, and the camera outages.

Time
====
Times are Beijing time (UTC+8) in the messages, as the Shanghai services publish them; the JTWC track is in
UTC and is converted. The default span is 2021-07-23 06:00 to 2021-07-27 00:00 Beijing time (90 h): one hour
before the blue typhoon signal, so that the demo comes alive at once.

Track and wind
==============
* Track: the six-hourly JTWC points are interpolated linearly in time (position, wind). JTWC winds are
  1-minute sustained winds in knots; China's CMA uses 2-minute means, about 0.93 of the 1-minute value
  (shared/data/PROVENANCE.md), so VMAX_2MIN = knots × 0.5144 × 0.93 m/s (ONE_TO_TWO_MINUTE). Every wind
  speed here is a 2-minute mean, as the `wind` message's `mean_ms` is.
* Vortex: Holland (1980) profile V(r) = Vmax · √((Rm/r)^B · exp(1 − (Rm/r)^B)) with Rm = 55 km and B = 1.0
  (a broad profile: In-Fa was a large, slow storm whose gales reached far from the centre), tapered beyond
  250 km by exp(−((r − 250 km) / 250 km)²) so that winds 800 km away stay light. The wind blows cyclonically
  (anticlockwise) with a 20° inflow angle; half the storm's translation velocity is added (the stronger
  right-front quadrant), and a background south-easterly monsoon of 3 m/s (±30 % diurnal, strongest at
  14:00) that fades where the storm's own circulation takes over (× (1 − V(r) / Vmax)).
* Station exposure: the vortex wind is an open-water value. A station's mean wind is that times
  0.55 + 0.47 · exp(−d / 8 km), d being its distance from a rough outline of the coast and the Yangtze
  estuary (COASTLINE: a few dozen vertices, good to a few km), so a shore station gets ~1.0 and the rough
  urban interior ~0.55; gust factor 1.62 − 0.22 · exp(−d / 8 km) (1.40 on the coast, 1.62 in town, where
  roughness makes winds gustier). Mean wind carries an AR(1) noise (6 %, correlation 0.85 per 10 min) per
  station; gusts another 5 % independent noise. Both are given in 0.1 m/s, the gust never below the mean.
  Check: 25 Jul 09:00 the centre is ~190 km from Wusong with Vmax 26 m/s (2-min): the Wusong coastal
  station gets ~19 m/s mean and ~27 m/s gusts (domain: Wusong 30.1 m/s), rising to ~35 m/s in the evening
  as the centre comes within ~130 km; the city's median gust is ~19–21 m/s (force 8–9; domain: gusts of
  force 9–11) from 25 Jul morning to 26 Jul morning, exposed coastal stations up to ~35 m/s.

Rain
====
Rain rate at a place x and time t (mm/h) = E(x, t) · S(x) · B(x, t) · N(t):
* E: a city-mean background (RAIN_BASE, 0.1–0.8 mm/h) plus rain episodes (RAIN_EPISODES, Gaussian in
  time), invented to follow the real story: showers on 23 Jul; the first outer spiral band on 24 Jul late
  morning (the real rainstorm yellow of 08:40 forecast hourly rates over 50 mm); the rain shield on 25 Jul;
  the main band around 26 Jul 00:30, on the night's high tide; the east-side band over the south-west on
  26 Jul night (the real yellow of 22:15: 6-hour totals of 80 mm expected in Jinshan, Fengxian, Songjiang,
  Qingpu, Minhang, south Pudong), weighted 0.5–2 × from north-east to south-west.
* S: a smooth seeded field (six Gaussian bumps of ±25 % in log space, 15–35 km wide).
* B: spiral rain bands around the moving centre: phase Φ = 2φ + 7 ln(r / 100 km) − 2πt / 6 h − Φ₀ (two
  logarithmic spiral arms sweeping past a fixed point every few hours), intensity ((1 + cos Φ) / 2)^4 on a
  floor of 0.3, normalised to mean 1: band passages bring ~2.3 × the mean rate for an hour or two, lulls
  half of it. Φ₀ is chosen so that a crest crosses People's Square at the main episode's peak. After
  26 Jul noon the floor rises to 0.8 (the decaying storm's rain turns stratiform over land).
* N: per weather station, log-normal AR(1) noise (σ 0.4, correlation 0.7 per 10 min, capped at 3 ×):
  convective cells. A flood point uses the noise of its nearest station, so that its rain agrees with
  what that station reports.
* Reported: the 10-minute amount in 0.1 mm (tipping-bucket) steps; `rain_1h_mm` is the last six of them,
  `rain_acc_mm` the sum since the scenario's start. Seed 20210725 on the demo stations: totals 115–300 mm,
  median ~200 mm (the SMB's forecast: 120–180 mm, locally 200–350 mm); the wettest hour 65 mm, the
  wettest 6 hours 110 mm (26 Jul night).

Water depth at flood points (every 5 minutes)
=============================================
A bucket per flood point (a linear reservoir): ponding starts when the rain rate I exceeds the point's
effective drainage capacity C (Shanghai's drains are designed for ~36 mm/h in the old city; in a typhoon,
leaves and branches block the inlets, so the effective capacity is lower): inflow q = c · max(0, I − C) / 10
cm/h, c being the catchment-to-ponding-area ratio; outflow D / τ. Exact step for constant inflow:
D ← D · e^(−Δt/τ) + q · τ · (1 − e^(−Δt/τ)).
* underpasses: c 10–24 (ramps and streets drain into the sag), C 15–30 mm/h, τ 1.5–3 h (pumped, slow);
* road spots: c 3–7, C 18–32 mm/h, τ 0.5–1.2 h;
* when Huangpu Park is above 4.2 m the outfalls drain against the tide: C drops by up to 20 % (at 4.8 m).
Readings: depth plus 0.3 cm sensor noise, 0 below 1 cm (the sensor's dead band), in 0.1 cm. Seed 20210725
on the demo points: a few dozen underpasses pond on 24 Jul around 13:00 (~4 % of the points at 15 cm or
more); at the peak (26 Jul ~01:00) ~12 % of the points are at 15 cm or more, ~4 % at 25 cm, ~1 % at 40 cm
(the worst underpass ~90 cm); all are back below 1 cm by early afternoon on 26 Jul and stay dry through the
weaker 26 Jul night band.

Tide levels (every 5 minutes, Wusong datum)
===========================================
level = z0 + A(t) cos θ − m4 sin 2θ + k1 cos θ₁ + surge + river + noise, per gauge (GAUGES):
* θ = 2π (t − HW − lag) / 12.42 h (M2), with high water at Huangpu Park on 24 Jul 01:00 (the real
  forecast's time); A(t) = m2 + s2 cos(2π (t − spring) / 14.77 d), springs peaking 26 Jul 01:00 (full moon
  was on 24 Jul 2021; the tide's age in the East China Sea is 1–2 days); a diurnal term k1 (period 23.93 h)
  makes the night tide (子潮) the higher one, as in Shanghai's summer; m4 gives the short flood, long ebb.
* surge: a forerunner of 0.6 m × clip((1400 − r) / 800, 0, 1) × max(0, cos(bearing − 150°)) (the easterly
  set-up while the storm lies to the south-east, gone once it is west of the city) plus 0.0009 · max(0, w)²,
  w being the model wind at Wusong blowing from the east-north-east (onshore into the estuary); both with a
  2-hour lag. Gauges take a share (Mishidu 45 %, 2.5 h later).
* river: upland water from the rain — the stations' mean accumulated rain with a 12-hour lag, times
  0.0003 (Wusong), 0.0005 (Huangpu Park), 0.0025 m/mm (Mishidu, on the upper Huangpu from Lake Tai).
Seed 20210725: Huangpu Park peaks at ~4.3 m in the night of 23 Jul (below its 4.55 m warning), 4.4 m on
24 Jul 00:40, 4.8 m on 25 Jul 01:30 and 5.1 m on 26 Jul 02:10 (the forecast: 4.60, 4.90, 5.00 m); surge
0.4 m on 23 Jul, 0.9–1.0 m at the peak (forecast 0.5–0.9 and 0.7–1.2 m). Wusong passes 4.80 m in the nights
of 25 and 26 Jul, Mishidu its 3.50 m on 26 Jul, as the rain comes down the upper Huangpu.

Cameras
=======
About 240 cameras (drawn with river-bank, underpass and site cameras and exposed places preferred) go
offline when the modelled gust at the camera first passes a threshold drawn from 17–26 m/s (poles sway,
power and fibre fail), or, for those where it never does, at a random time of the storm's peak; they come
back after a log-normal time (median 4 h); 10 % stay offline to the end of the span and 12 % drop out once
more, briefly, later.
"""
from __future__ import annotations

import csv
import json
import math
import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np
import shapely

from ..paths import OFFLINE_DATA
from ..timefmt import BEIJING, parse_time

__all__ = ["DEFAULT_END", "DEFAULT_SEED", "DEFAULT_START", "InFaScenario", "TIMELINE", "TimelineEntry",
           "TRACK_FILE", "demo_objects", "load_track"]

TRACK_FILE = OFFLINE_DATA / "typhoon" / "jtwc_bt_202109_in-fa.csv"
DEMO_DIR = OFFLINE_DATA / "demo"
DEFAULT_SEED = 20210725
DEFAULT_START = datetime(2021, 7, 23, 6, 0, tzinfo=BEIJING)
DEFAULT_END = datetime(2021, 7, 27, 0, 0, tzinfo=BEIJING)
STEP_S = 300  # water depth and tide levels: every 5 minutes (the sensors' expected interval)
WEATHER_EVERY = 2  # wind and rain: every second step, 10 minutes (the stations' expected interval, 600 s)

KNOT_MS = 0.514444
# JTWC best-track winds are 1-minute sustained winds; China (CMA) uses 2-minute means, roughly 0.93 of the
# 1-minute value (shared/data/PROVENANCE.md). Every wind here is converted to a 2-minute mean.
ONE_TO_TWO_MINUTE = 0.93

# --- wind model
RMAX_KM = 55.0
HOLLAND_B = 1.0
TAPER_START_KM, TAPER_WIDTH_KM = 250.0, 250.0
INFLOW_ANGLE = math.radians(20.0)
TRANSLATION_SHARE = 0.5
MONSOON_MS, MONSOON_TOWARD_DEG = 3.0, 315.0  # a south-easterly, blowing towards the north-west
EXPOSURE_INLAND, EXPOSURE_COAST_EXTRA, EXPOSURE_SCALE_KM = 0.55, 0.47, 8.0
GUST_FACTOR_INLAND, GUST_FACTOR_COAST_LESS = 1.62, 0.22

# A rough outline of the shore: Hangzhou Bay, the East China Sea coast and the Yangtze estuary's south bank,
# Chongming island, and Changxing / Hengsha (lon, lat). Good to a few km: it only sets how exposed a place is.
COASTLINE = (
    ((121.05, 30.74), (121.18, 30.70), (121.33, 30.70), (121.45, 30.77), (121.60, 30.82), (121.80, 30.85),
     (121.92, 30.87), (121.97, 30.93), (121.95, 31.00), (121.88, 31.10), (121.83, 31.20), (121.75, 31.28),
     (121.62, 31.35), (121.52, 31.39), (121.42, 31.45), (121.32, 31.51), (121.22, 31.57)),
    ((121.20, 31.85), (121.45, 31.80), (121.70, 31.68), (121.90, 31.58), (121.97, 31.52), (121.85, 31.50),
     (121.65, 31.52), (121.45, 31.58), (121.30, 31.68), (121.20, 31.80), (121.20, 31.85)),
    ((121.60, 31.40), (121.75, 31.37), (121.90, 31.33)),
)

# --- rain model (Beijing time, mm/h): a city-mean background plus rain episodes; invented, following the real story
RAIN_BASE = (
    ("2021-07-23T06:00", 0.1), ("2021-07-23T12:00", 0.3), ("2021-07-23T18:00", 0.1), ("2021-07-24T04:00", 0.3),
    ("2021-07-24T07:00", 0.8), ("2021-07-24T20:00", 0.8), ("2021-07-25T00:00", 0.8), ("2021-07-26T06:00", 0.8),
    ("2021-07-26T11:00", 0.8), ("2021-07-26T17:00", 0.6), ("2021-07-27T03:00", 0.4), ("2021-07-27T12:00", 0.1),
    ("2021-07-30T00:00", 0.0),
)
# (peak time, peak city-mean rate mm/h, half-width sigma h, south-west weighted): Gaussian bumps in time
RAIN_EPISODES = (
    ("2021-07-24T11:30", 10.0, 1.2, False),  # the first outer spiral band (rainstorm yellow at 08:40, real)
    ("2021-07-25T08:00", 4.0, 2.0, False),  # the rain shield arrives
    ("2021-07-25T16:00", 3.0, 2.0, False),
    ("2021-07-26T00:30", 12.0, 1.5, False),  # the main band, on the night's high tide
    ("2021-07-26T22:00", 3.0, 1.5, True),   # the east-side band over the south-west (rainstorm yellow 22:15, real)
)
BAND_ARMS, BAND_PITCH, BAND_PERIOD_H, BAND_POWER = 2, 7.0, 6.0, 4
BAND_FLOOR = (("2021-07-26T06:00", 0.3), ("2021-07-26T14:00", 0.8))  # stratiform after 26 Jul noon
# The bands' timing is set so that a band crest crosses the city centre at the main episode's peak.
BAND_CREST = ("2021-07-26T00:30", 121.4737, 31.2317)  # time, People's Square
RAIN_NOISE_MAX = 3.0  # cells are capped at 3 × the local rate
RAIN_NOISE_SIGMA, RAIN_NOISE_CORR = 0.4, 0.7

# --- flood points: (catchment ratio c, sewer capacity C mm/h, drain time τ h) ranges by kind
FLOOD_PARAMS = {"underpass": ((10.0, 24.0), (15.0, 30.0), (1.5, 3.0)),
                "road_spot": ((3.0, 7.0), (18.0, 32.0), (0.5, 1.2))}
FLOOD_DEAD_BAND_CM, FLOOD_NOISE_CM = 1.0, 0.3

# --- tides: per gauge (Wusong datum, m; lag in hours after Huangpu Park); unknown gauges use the nearest one
M2_H, K1_H, SPRING_NEAP_D = 12.4206, 23.9345, 14.765
HW_HUANGPU_PARK = datetime(2021, 7, 24, 1, 0, tzinfo=BEIJING)  # the flood-control office's forecast time
SPRING_PEAK = datetime(2021, 7, 26, 1, 0, tzinfo=BEIJING)


@dataclass(frozen=True)
class Gauge:
    lon: float
    lat: float
    z0: float
    m2: float
    s2: float
    k1: float
    m4: float
    lag_h: float
    surge_share: float
    river_m_per_mm: float


GAUGES = {
    "TG-WS": Gauge(121.5060, 31.3920, 2.20, 1.35, 0.45, 0.20, 0.10, -0.75, 1.00, 0.0003),
    "TG-HPP": Gauge(121.4905, 31.2430, 2.25, 1.25, 0.40, 0.18, 0.10, 0.0, 1.00, 0.0005),
    "TG-MSD": Gauge(121.2400, 30.9600, 2.20, 0.45, 0.12, 0.08, 0.05, 2.5, 0.45, 0.0025),
}
FORERUNNER_M, SURGE_WIND_COEF, SURGE_LAG_H, RIVER_LAG_H = 0.6, 0.0009, 2.0, 12.0
ONSHORE_FROM_DEG = 67.5  # wind from the east-north-east piles water into the Yangtze estuary
TIDE_NOISE_M = 0.01

# --- cameras
N_CAMERA_OUTAGES = 240
CAMERA_WEIGHT = {"河道": 3.0, "下立交": 2.5, "工地": 2.0}


@dataclass(frozen=True)
class TimelineEntry:
    time: datetime  # Beijing time
    hazard: str  # 'typhoon' or 'rainstorm' for a warning signal; 'response' for the response level
    level: str
    real: bool
    source: str


def _bj(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BEIJING)


TIMELINE: tuple[TimelineEntry, ...] = tuple(TimelineEntry(_bj(t), h, lv, real, src) for t, h, lv, real, src in (
    ("2021-07-23T07:00", "typhoon", "blue", True, "domain.md; Xinmin Evening News 2021-07-27"),
    ("2021-07-23T07:00", "response", "IV", True, "domain.md; Xinmin Evening News 2021-07-27"),
    ("2021-07-24T08:40", "rainstorm", "yellow", True, "Xinmin Evening News 2021-07-27"),
    ("2021-07-24T08:40", "response", "III", True, "Xinmin Evening News 2021-07-27"),
    ("2021-07-24T10:00", "typhoon", "yellow", False,
     "invented time: the yellow came between the blue (23 Jul 07:00) and the orange (24 Jul 20:00)"),
    ("2021-07-24T20:00", "typhoon", "orange", True, "Xinmin Evening News 2021-07-27 (the peak was orange)"),
    ("2021-07-24T20:00", "response", "II", True, "Xinmin Evening News 2021-07-27 (Fengxian, Jinshan: I)"),
    ("2021-07-26T11:00", "typhoon", "yellow", True, "domain.md; Eastday / People's Daily 2021-07-26"),
    ("2021-07-26T11:00", "response", "III", True, "domain.md; Eastday / People's Daily 2021-07-26"),
    ("2021-07-26T11:00", "rainstorm", "blue", True, "Eastday / People's Daily 2021-07-26"),
    ("2021-07-26T16:40", "typhoon", "blue", False,
     "invented for the city: the time of Chongming district's own yellow-to-blue update (real, district level)"),
    ("2021-07-26T16:40", "response", "IV", False,
     "invented time: the response went down to IV on 26 Jul, then up again in the night (Xinmin)"),
    ("2021-07-26T22:15", "rainstorm", "yellow", True, "Shanghai Meteorological Service, 2021-07-26 22:15"),
    ("2021-07-26T22:15", "response", "III", False,
     "invented time, placed with the rainstorm yellow: 'IV went up to III for a while' in the night (Xinmin)"),
    ("2021-07-27T06:20", "response", "IV", True, "Xinmin Evening News 2021-07-27"),
))


# ------------------------------------------------------------------------------------------------- track

@dataclass(frozen=True)
class Track:
    """The JTWC best track: times in POSIX seconds (UTC); winds as 2-minute means in m/s."""

    t: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    vmax_2min_ms: np.ndarray

    def at(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Centre lat, lon, 2-minute Vmax and translation velocity (east, north, m/s) at times `t`."""
        lat = np.interp(t, self.t, self.lat)
        lon = np.interp(t, self.t, self.lon)
        vmax = np.interp(t, self.t, self.vmax_2min_ms)
        h = 3 * 3600.0
        dx, dy = _km(np.interp(t + h, self.t, self.lon), np.interp(t + h, self.t, self.lat),
                     np.interp(t - h, self.t, self.lon), np.interp(t - h, self.t, self.lat))
        return lat, lon, vmax, dx * 1000 / (2 * h), dy * 1000 / (2 * h)


def load_track(path: Path = TRACK_FILE) -> Track:
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    t = np.array([datetime(int(r["Year"]), int(r["Month"]), int(r["Day"]), int(r["Hour"]),
                           tzinfo=timezone.utc).timestamp() for r in rows])
    knots = np.array([float(r["VMax"]) for r in rows])
    return Track(t=t, lat=np.array([float(r["Lat"]) for r in rows]), lon=np.array([float(r["Lon"]) for r in rows]),
                 vmax_2min_ms=knots * KNOT_MS * ONE_TO_TWO_MINUTE)


def _km(lon, lat, lon0, lat0):
    """East and north offsets in km of (lon, lat) from (lon0, lat0): local equirectangular, fine to ~1,000 km."""
    coslat = np.cos(np.radians((np.asarray(lat) + np.asarray(lat0)) / 2))
    return (np.asarray(lon) - lon0) * 111.32 * coslat, (np.asarray(lat) - lat0) * 110.57


@lru_cache(maxsize=None)
def _knots(points: tuple[tuple[str, float], ...]) -> tuple[np.ndarray, np.ndarray]:
    return np.array([_bj(k).timestamp() for k, _ in points]), np.array([v for _, v in points], dtype=float)


def _profile(points: tuple[tuple[str, float], ...], t: np.ndarray) -> np.ndarray:
    """A piecewise-linear function of time given as (Beijing time text, value) knots."""
    return np.interp(t, *_knots(points))


# ------------------------------------------------------------------------------------------------ fields

def vortex_wind(track: Track, lon: np.ndarray, lat: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Open-water 2-minute wind (east, north components, m/s) at points (n,) and times (T,): arrays (T, n)."""
    clat, clon, vmax, vx, vy = (a[:, None] for a in track.at(np.asarray(t, dtype=float)))
    dx, dy = _km(lon[None, :], lat[None, :], clon, clat)
    r = np.maximum(np.hypot(dx, dy), 1.0)
    x = (RMAX_KM / r) ** HOLLAND_B
    shape = np.sqrt(x * np.exp(1.0 - x)) * np.exp(-(np.maximum(r - TAPER_START_KM, 0) / TAPER_WIDTH_KM) ** 2)
    speed = vmax * shape
    phi = np.arctan2(dy, dx)
    # anticlockwise tangent turned by the inflow angle towards the centre
    ux = -np.sin(phi) * math.cos(INFLOW_ANGLE) - np.cos(phi) * math.sin(INFLOW_ANGLE)
    uy = np.cos(phi) * math.cos(INFLOW_ANGLE) - np.sin(phi) * math.sin(INFLOW_ANGLE)
    hours = (np.asarray(t, dtype=float)[:, None] / 3600.0 + 8.0) % 24.0  # Beijing hour of day
    # the monsoon fades where the storm's own circulation takes over
    monsoon = MONSOON_MS * (1.0 + 0.3 * np.cos(2 * np.pi * (hours - 14.0) / 24.0)) * (1.0 - shape)
    toward = math.radians(90.0 - MONSOON_TOWARD_DEG)
    u = speed * ux + TRANSLATION_SHARE * vx * shape + monsoon * math.cos(toward)
    v = speed * uy + TRANSLATION_SHARE * vy * shape + monsoon * math.sin(toward)
    return u, v


def coast_distance_km(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    scale = 111.32 * math.cos(math.radians(31.2))
    coast = shapely.MultiLineString([[(x * scale, y * 110.57) for x, y in line] for line in COASTLINE])
    return shapely.distance(shapely.points(np.asarray(lon) * scale, np.asarray(lat) * 110.57), coast)


def _ar1(rng: np.random.Generator, steps: int, n: int, corr: float) -> np.ndarray:
    """Standard-normal AR(1) series (steps, n) with lag-one correlation `corr`."""
    out = np.empty((steps, n))
    if steps == 0:
        return out
    innovations = rng.standard_normal((steps, n))
    out[0] = innovations[0]
    keep, fresh = corr, math.sqrt(1 - corr * corr)
    for k in range(1, steps):
        out[k] = keep * out[k - 1] + fresh * innovations[k]
    return out


class _RainField:
    """The deterministic part E(t) · S(x, t) · B(x, t) of the rain rate (mm/h)."""

    def __init__(self, track: Track, rng: np.random.Generator) -> None:
        self.track = track
        n = 6
        self.bump_lon = rng.uniform(120.9, 122.0, n)
        self.bump_lat = rng.uniform(30.7, 31.8, n)
        self.bump_amp = rng.normal(0.0, 0.25, n)
        self.bump_km = rng.uniform(15.0, 35.0, n)
        self.phase0 = 0.0
        when, lon, lat = BAND_CREST
        self.phase0 = float(self._phase(np.array([lon]), np.array([lat]), np.array([_bj(when).timestamp()]))[0, 0])

    def _phase(self, lon: np.ndarray, lat: np.ndarray, t: np.ndarray) -> np.ndarray:
        clat, clon = (a[:, None] for a in self.track.at(t)[:2])
        dx, dy = _km(lon[None, :], lat[None, :], clon, clat)
        r = np.maximum(np.hypot(dx, dy), 5.0)
        return BAND_ARMS * np.arctan2(dy, dx) + BAND_PITCH * np.log(r / 100.0) \
            - 2 * np.pi * t[:, None] / (BAND_PERIOD_H * 3600.0) - self.phase0

    def static(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        dx, dy = _km(lon[:, None], lat[:, None], self.bump_lon[None, :], self.bump_lat[None, :])
        return np.exp((self.bump_amp * np.exp(-0.5 * (dx * dx + dy * dy) / self.bump_km ** 2)).sum(axis=1))

    @staticmethod
    def south_west(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        return np.clip((31.35 - lat) / 0.45, 0, 1) * np.clip((121.75 - lon) / 0.5, 0, 1)

    def rate(self, lon: np.ndarray, lat: np.ndarray, static: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Rain rate (T, n) at points (n,) with their static factor, at times (T,)."""
        t = np.asarray(t, dtype=float)
        band = ((1.0 + np.cos(self._phase(lon, lat, t))) / 2.0) ** BAND_POWER
        floor = _profile(BAND_FLOOR, t)[:, None]
        mean_band = math.comb(2 * BAND_POWER, BAND_POWER) / 4.0 ** BAND_POWER
        bands = (floor + band) / (floor + mean_band)
        city = np.repeat(_profile(RAIN_BASE, t)[:, None], lon.size, axis=1)
        for when, peak, sigma_h, south_west in RAIN_EPISODES:
            episode = peak * np.exp(-0.5 * ((t - _bj(when).timestamp()) / (sigma_h * 3600)) ** 2)
            weight = 0.5 + 1.5 * self.south_west(lon, lat) if south_west else np.ones(lon.size)
            city += episode[:, None] * weight[None, :]
        return city * static[None, :] * bands


# -------------------------------------------------------------------------------------------- scenario

def _as_time(value: datetime | str | None, default: datetime) -> datetime:
    if value is None:
        return default
    moment = parse_time(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: give a timezone")
    return moment


class InFaScenario:
    """The In-Fa scenario for given objects (dicts with at least id, lon, lat; see the module docstring).

    flood_points: + `sensor_id` (else the point's id is the sensor) and `kind` ('underpass' | 'road_spot');
    stations: + `kind` ('weather' | 'tide'); weather stations report wind and rain, tide gauges levels;
    cameras: + optional `watches` (what the camera looks at), which makes river and underpass cameras likelier
    to fail.
    """

    def __init__(self, flood_points: Sequence[dict[str, Any]], stations: Sequence[dict[str, Any]],
                 cameras: Sequence[dict[str, Any]] = (), seed: int = DEFAULT_SEED,
                 start: datetime | str | None = None, end: datetime | str | None = None,
                 track: Track | None = None) -> None:
        self.seed = int(seed)
        self._start = _as_time(start, DEFAULT_START)
        self._end = _as_time(end, DEFAULT_END)
        if self._end <= self._start:
            raise ValueError(f"the scenario ends ({self._end}) before it starts ({self._start})")
        self.track = track or load_track()
        floods = sorted(flood_points, key=lambda o: str(o["id"]))
        self.flood_ids = [str(o["id"]) for o in floods]
        self.sensor_ids = [str(o.get("sensor_id") or o["id"]) for o in floods]
        self.flood_kind = np.array([str(o.get("kind") or "road_spot") for o in floods], dtype=object)
        self.flood_lon = np.array([float(o["lon"]) for o in floods])
        self.flood_lat = np.array([float(o["lat"]) for o in floods])
        by_kind = sorted(stations, key=lambda o: str(o["id"]))
        weather = [s for s in by_kind if str(s.get("kind", "weather")) == "weather"]
        tide = [s for s in by_kind if str(s.get("kind")) == "tide"]
        self.weather_ids = [str(s["id"]) for s in weather]
        self.weather_lon = np.array([float(s["lon"]) for s in weather])
        self.weather_lat = np.array([float(s["lat"]) for s in weather])
        self.gauge_ids = [str(s["id"]) for s in tide]
        self.gauges = [GAUGES.get(str(s["id"])) or self._nearest_gauge(float(s["lon"]), float(s["lat"]))
                       for s in tide]
        cams = sorted(cameras, key=lambda o: str(o["id"]))
        self.camera_ids = [str(c["id"]) for c in cams]
        self.camera_lon = np.array([float(c["lon"]) for c in cams])
        self.camera_lat = np.array([float(c["lat"]) for c in cams])
        self.camera_watches = [str(c.get("watches") or "") for c in cams]
        # one independent stream per model part; a fresh generator per use, so results never depend on the
        # order in which the parts are computed or on how often messages() is called
        self._streams = np.random.SeedSequence(self.seed).spawn(8)
        self.rain_field = _RainField(self.track, self._rng(0))

    def _rng(self, part: int) -> np.random.Generator:
        return np.random.default_rng(self._streams[part])

    @staticmethod
    def _nearest_gauge(lon: float, lat: float) -> Gauge:
        best = min(GAUGES.values(), key=lambda g: float(np.hypot(*_km(lon, lat, g.lon, g.lat))))
        return Gauge(lon, lat, *(getattr(best, f) for f in ("z0", "m2", "s2", "k1", "m4", "lag_h", "surge_share",
                                                          "river_m_per_mm")))

    @classmethod
    def from_session(cls, session, seed: int = DEFAULT_SEED, **kwargs: Any) -> InFaScenario:
        """The scenario for the objects a console session holds (its flood points, stations and cameras)."""
        from ..crs import mercator_to_lonlat

        def objects(kind: str, fields: tuple[str, ...]) -> list[dict[str, Any]]:
            layer = session.layers[kind]
            lon, lat = mercator_to_lonlat(layer.x, layer.y)
            out = []
            for row, object_id in enumerate(layer.ids):
                item = {"id": str(object_id), "lon": float(lon[row]), "lat": float(lat[row])}
                for name in fields:
                    value = layer.attrs[name][row]
                    item[name] = None if isinstance(value, float) and value != value else value
                out.append(item)
            return out

        return cls(objects("flood_points", ("sensor_id", "kind")),
                   objects("stations", ("kind", "warning_level_m")),
                   objects("cameras", ("watches",)), seed=seed, **kwargs)

    @classmethod
    def from_demo(cls, known: Any = None, seed: int = DEFAULT_SEED, folder: Path = DEMO_DIR,
                  **kwargs: Any) -> InFaScenario:
        """The scenario for the bundled demo objects (offline_data/demo), without a session. Given `known`
        (the session's KnownObjects, as a feed's parser holds them), only the objects the console knows."""
        floods, stations, cameras = demo_objects(folder)
        if known is not None:
            floods = [f for f in floods if str(f.get("sensor_id") or f["id"]) in known.flood_point_of_sensor]
            stations = [s for s in stations if str(s["id"]) in known.stations]
            cameras = [c for c in cameras if str(c["id"]) in known.cameras]
        return cls(floods, stations, cameras, seed=seed, **kwargs)

    # --- time ------------------------------------------------------------------------------------
    @property
    def start_time(self) -> datetime:
        return self._start

    @property
    def end_time(self) -> datetime:
        """The end of the span (exclusive): the last readings are one step before it."""
        return self._end

    @cached_property
    def step_times(self) -> np.ndarray:
        """POSIX seconds of every 5-minute step in the span."""
        t0, t1 = self._start.timestamp(), self._end.timestamp()
        return t0 + STEP_S * np.arange(int(math.ceil((t1 - t0) / STEP_S)))

    @cached_property
    def _time_text(self) -> tuple[list[str], list[str]]:
        """Per step: the ISO time (Beijing) and the compact stamp used in message ids."""
        base = self._start.astimezone(BEIJING)
        times, stamps = [], []
        for k in range(self.step_times.size):
            moment = base + timedelta(seconds=STEP_S * k)
            times.append(moment.strftime("%Y-%m-%dT%H:%M:%S+08:00"))
            stamps.append(moment.strftime("%Y%m%dT%H%M%S"))
        return times, stamps

    def count(self) -> int:
        """How many messages the whole span holds."""
        steps = self.step_times.size
        weather_steps = (steps + WEATHER_EVERY - 1) // WEATHER_EVERY
        return (steps * (len(self.flood_ids) + len(self.gauge_ids)) + weather_steps * 2 * len(self.weather_ids)
                + len(self._sporadic))

    # --- the fields at the stations ------------------------------------------------------------------
    @cached_property
    def weather(self) -> dict[str, np.ndarray]:
        """Per 10-minute step (T, stations): mean and gust wind, 10-minute rain, last-hour and total rain."""
        t = self.step_times[::WEATHER_EVERY]
        lon, lat = self.weather_lon, self.weather_lat
        n = lon.size
        u, v = vortex_wind(self.track, lon, lat, t)
        coast = np.exp(-coast_distance_km(lon, lat) / EXPOSURE_SCALE_KM)
        exposure = EXPOSURE_INLAND + EXPOSURE_COAST_EXTRA * coast
        gust_factor = GUST_FACTOR_INLAND - GUST_FACTOR_COAST_LESS * coast
        mean = np.hypot(u, v) * exposure[None, :] * (1.0 + 0.06 * _ar1(self._rng(1), t.size, n, 0.85))
        mean = np.round(np.maximum(mean, 0.0), 1)
        gust = mean * gust_factor[None, :] * (1.0 + 0.05 * self._rng(2).standard_normal((t.size, n)))
        gust = np.maximum(np.round(gust, 1), mean)
        noise = np.exp(RAIN_NOISE_SIGMA * _ar1(self._rng(3), t.size, n, RAIN_NOISE_CORR) - RAIN_NOISE_SIGMA ** 2 / 2)
        noise = np.minimum(noise, RAIN_NOISE_MAX)
        # the rain of the 10 minutes ending at each step, at the interval's middle
        static = self.rain_field.static(lon, lat)
        rate = self.rain_field.rate(lon, lat, static, t - STEP_S * WEATHER_EVERY / 2) * noise
        rain_10 = np.round(rate * (STEP_S * WEATHER_EVERY / 3600.0), 1)
        rain_10[0] = 0.0  # the span starts here: nothing before it is counted
        acc = np.cumsum(rain_10, axis=0)
        hourly = acc - np.vstack([np.zeros((6, n)), acc[:-6]])[: t.size]
        return {"t": t, "mean": mean, "gust": gust, "rain_10": rain_10, "rain_1h": np.round(hourly, 1),
                "rain_acc": np.round(acc, 1), "noise": noise}

    @cached_property
    def huangpu_park(self) -> np.ndarray:
        """The model level at Huangpu Park on every step (drives the flood points' outfalls)."""
        return self._tide_levels([GAUGES["TG-HPP"]], noise=False)[:, 0]

    @cached_property
    def tide(self) -> np.ndarray:
        """Levels (T, gauges) on every 5-minute step."""
        return self._tide_levels(self.gauges, noise=True)

    @cached_property
    def _surge(self) -> tuple[np.ndarray, np.ndarray]:
        """The storm surge at the estuary (m) on a 5-minute grid that starts 12 h before the span (spin-up)."""
        spin = 12 * 3600 // STEP_S
        t = self.step_times[0] + STEP_S * np.arange(-spin, self.step_times.size + 12)
        wusong = GAUGES["TG-WS"]
        clat, clon = self.track.at(t)[:2]
        dx, dy = _km(clon, clat, wusong.lon, wusong.lat)
        r = np.hypot(dx, dy)
        bearing = np.degrees(np.arctan2(dx, dy)) % 360  # of the centre, seen from Wusong
        forerunner = FORERUNNER_M * np.clip((1400 - r) / 800, 0, 1) * np.maximum(0, np.cos(np.radians(bearing - 150)))
        u, v = vortex_wind(self.track, np.array([wusong.lon]), np.array([wusong.lat]), t)
        toward = math.radians(90.0 - (ONSHORE_FROM_DEG + 180.0))
        onshore = np.maximum(0, u[:, 0] * math.cos(toward) + v[:, 0] * math.sin(toward))
        forcing = forerunner + SURGE_WIND_COEF * onshore ** 2
        return t, _lagged(forcing, SURGE_LAG_H * 3600 / STEP_S)

    @cached_property
    def _river(self) -> np.ndarray:
        """Mean accumulated rain of the weather stations (mm) on every step, smoothed over RIVER_LAG_H."""
        if not self.weather_ids:
            return np.zeros(self.step_times.size)
        acc = np.repeat(self.weather["rain_acc"].mean(axis=1), WEATHER_EVERY)[: self.step_times.size]
        return _lagged(acc, RIVER_LAG_H * 3600 / STEP_S)

    def _tide_levels(self, gauges: Sequence[Gauge], noise: bool) -> np.ndarray:
        t = self.step_times
        out = np.empty((t.size, len(gauges)))
        surge_t, surge = self._surge
        rng = self._rng(4) if noise else None
        for j, g in enumerate(gauges):
            tt = t - g.lag_h * 3600
            theta = 2 * np.pi * (tt - HW_HUANGPU_PARK.timestamp()) / (M2_H * 3600)
            amplitude = g.m2 + g.s2 * np.cos(2 * np.pi * (tt - SPRING_PEAK.timestamp()) / (SPRING_NEAP_D * 86400))
            diurnal = g.k1 * np.cos(2 * np.pi * (tt - HW_HUANGPU_PARK.timestamp()) / (K1_H * 3600))
            level = g.z0 + amplitude * np.cos(theta) - g.m4 * np.sin(2 * theta) + diurnal
            level += g.surge_share * np.interp(tt, surge_t, surge) + g.river_m_per_mm * self._river
            if rng is not None:
                level += TIDE_NOISE_M * rng.standard_normal(t.size)
            out[:, j] = np.round(level, 2)
        return out

    @cached_property
    def _flood_model(self) -> dict[str, np.ndarray]:
        rng = self._rng(5)
        n = len(self.flood_ids)
        c, cap, tau = np.empty(n), np.empty(n), np.empty(n)
        draws = rng.random((3, n))
        for kind, ((c0, c1), (k0, k1), (t0, t1)) in FLOOD_PARAMS.items():
            m = self.flood_kind == kind
            if kind == "road_spot":
                m |= ~np.isin(self.flood_kind, list(FLOOD_PARAMS))
            c[m] = c0 + (c1 - c0) * draws[0, m]
            cap[m] = k0 + (k1 - k0) * draws[1, m]
            tau[m] = t0 + (t1 - t0) * draws[2, m]
        if self.weather_ids:
            dx, dy = _km(self.flood_lon[:, None], self.flood_lat[:, None], self.weather_lon[None, :],
                         self.weather_lat[None, :])
            nearest = np.argmin(np.hypot(dx, dy), axis=1)
        else:
            nearest = np.zeros(n, dtype=int)
        static = self.rain_field.static(self.flood_lon, self.flood_lat)
        return {"c": c, "cap": cap, "tau_s": tau * 3600, "nearest": nearest, "static": static}

    def flood_depths(self) -> Iterator[np.ndarray]:
        """The true water depth (cm) at every flood point, step by step (no sensor noise or dead band)."""
        model = self._flood_model
        n = len(self.flood_ids)
        depth = np.zeros(n)
        decay = np.exp(-STEP_S / model["tau_s"])
        hold = model["tau_s"] / 3600.0 * (1.0 - decay)  # hours: inflow (cm/h) × hold = depth gained in a step
        noise = self.weather["noise"] if self.weather_ids else None
        backwater = 1.0 - 0.2 * np.clip((self.huangpu_park - 4.2) / 0.6, 0, 1)
        for k, t in enumerate(self.step_times):
            rate = self.rain_field.rate(self.flood_lon, self.flood_lat, model["static"], np.array([t - STEP_S / 2]))[0]
            if noise is not None:
                rate = rate * noise[min(k // WEATHER_EVERY + (k % WEATHER_EVERY > 0), noise.shape[0] - 1),
                                    model["nearest"]]
            inflow = model["c"] * np.maximum(0.0, rate - model["cap"] * backwater[k]) / 10.0
            depth = depth * decay + inflow * hold
            yield depth

    # --- sporadic messages: signals, response levels, cameras ----------------------------------------
    @cached_property
    def _sporadic(self) -> list[tuple[float, dict[str, Any]]]:
        t0, t1 = self.step_times[0], self._end.timestamp()
        out: list[tuple[float, dict[str, Any]]] = []
        for entry in TIMELINE:
            when = entry.time.timestamp()
            if not t0 <= when < t1:
                continue
            stamp = entry.time.strftime("%Y%m%dT%H%M")
            time_text = entry.time.strftime("%Y-%m-%dT%H:%M:%S+08:00")
            if entry.hazard == "response":
                out.append((when, {"id": f"FCH-{stamp}", "type": "response_level", "time": time_text,
                                   "level": entry.level}))
            else:
                out.append((when, {"id": f"SMB-{entry.hazard}-{stamp}", "type": "warning_signal", "time": time_text,
                                   "hazard": entry.hazard, "level": entry.level}))
        out += self._camera_events(t0, t1)
        out.sort(key=lambda item: item[0])  # stable: signals before cameras at the same minute
        return out

    def _camera_events(self, t0: float, t1: float) -> list[tuple[float, dict[str, Any]]]:
        n = len(self.camera_ids)
        if n == 0:
            return []
        rng = self._rng(6)
        weight = np.array([CAMERA_WEIGHT.get(w, 1.0) for w in self.camera_watches])
        weight *= 1.0 + 2.0 * np.exp(-coast_distance_km(self.camera_lon, self.camera_lat) / EXPOSURE_SCALE_KM)
        chosen = np.sort(rng.choice(n, size=min(N_CAMERA_OUTAGES, n), replace=False, p=weight / weight.sum()))
        lon, lat = self.camera_lon[chosen], self.camera_lat[chosen]
        t = self.step_times[::WEATHER_EVERY]
        u, v = vortex_wind(self.track, lon, lat, t)
        coast = np.exp(-coast_distance_km(lon, lat) / EXPOSURE_SCALE_KM)
        gust = np.hypot(u, v) * (EXPOSURE_INLAND + EXPOSURE_COAST_EXTRA * coast) \
            * (GUST_FACTOR_INLAND - GUST_FACTOR_COAST_LESS * coast)
        threshold = rng.uniform(17.0, 26.0, chosen.size)
        peak0, peak1 = _bj("2021-07-25T08:00").timestamp(), _bj("2021-07-26T06:00").timestamp()
        fallback = rng.uniform(peak0, peak1, chosen.size)
        minute = rng.integers(0, 10, chosen.size) * 60
        duration = np.clip(rng.lognormal(math.log(4 * 3600), 0.8, chosen.size), 1800, 30 * 3600)
        stays = rng.random(chosen.size) < 0.10
        again = rng.random(chosen.size) < 0.12
        gap = rng.uniform(3600, 6 * 3600, chosen.size)
        flap = rng.uniform(600, 3600, chosen.size)
        events = []
        for j, i in enumerate(chosen):
            over = np.flatnonzero(gust[:, j] >= threshold[j])
            down = (t[over[0]] if over.size else math.floor(fallback[j] / 600) * 600) + minute[j]
            times = [(down, "offline")]
            if not stays[j]:
                up = down + round(duration[j] / 60) * 60
                times.append((up, "online"))
                if again[j]:
                    down2 = up + round(gap[j] / 60) * 60
                    times += [(down2, "offline"), (down2 + round(flap[j] / 60) * 60, "online")]
            for when, state in times:
                if t0 <= when < t1:
                    moment = datetime.fromtimestamp(when, BEIJING)
                    events.append((when, {"id": f"{self.camera_ids[i]}-{moment.strftime('%Y%m%dT%H%M%S')}",
                                          "type": "camera_status",
                                          "time": moment.strftime("%Y-%m-%dT%H:%M:%S+08:00"),
                                          "camera_id": self.camera_ids[i], "state": state}))
        return events

    # --- the messages -----------------------------------------------------------------------------
    def messages(self, start: datetime | str | None = None, end: datetime | str | None = None
                 ) -> Iterator[dict[str, Any]]:
        """Every message with start <= time < end (default: the whole span), in time order.

        Within one time: signals and response levels, camera changes, then tide, rain, wind, water depth.
        The models always run from the span's start, so a window gives the same messages as the whole span.
        """
        t_from = _as_time(start, self._start).timestamp()
        t_to = _as_time(end, self._end).timestamp()
        times, stamps = self._time_text
        sporadic = self._sporadic
        s = 0
        weather = self.weather if self.weather_ids else None
        tide = self.tide if self.gauge_ids else None
        flood_prefix = [f"{sensor}-" for sensor in self.sensor_ids]
        sensors = self.sensor_ids
        noise_rng = self._rng(7)
        depths = self.flood_depths()
        for k, t in enumerate(self.step_times):
            depth = next(depths)
            # sensor noise is drawn on every step, emitted or not, so that a window matches the whole span
            reading = depth + FLOOD_NOISE_CM * noise_rng.standard_normal(depth.size)
            if t >= t_to:
                break
            while s < len(sporadic) and sporadic[s][0] <= t:
                if sporadic[s][0] >= t_from:
                    yield sporadic[s][1]
                s += 1
            if t < t_from:
                continue
            when, stamp = times[k], stamps[k]
            for j, gauge in enumerate(self.gauge_ids):
                yield {"id": f"{gauge}-{stamp}", "type": "tide_level", "time": when, "station_id": gauge,
                       "level_m": float(tide[k, j])}
            if weather is not None and k % WEATHER_EVERY == 0:
                w = k // WEATHER_EVERY
                hourly, acc = weather["rain_1h"][w].tolist(), weather["rain_acc"][w].tolist()
                mean, gust = weather["mean"][w].tolist(), weather["gust"][w].tolist()
                for j, station in enumerate(self.weather_ids):
                    yield {"id": f"{station}-{stamp}-rain", "type": "rainfall", "time": when, "station_id": station,
                           "rain_1h_mm": hourly[j], "rain_acc_mm": acc[j]}
                for j, station in enumerate(self.weather_ids):
                    yield {"id": f"{station}-{stamp}-wind", "type": "wind", "time": when, "station_id": station,
                           "mean_ms": mean[j], "gust_ms": gust[j]}
            values = (np.round(np.where(depth >= FLOOD_DEAD_BAND_CM, np.clip(reading, 0.0, 500.0), 0.0), 1)
                      + 0.0).tolist()
            yield from ({"id": prefix + stamp, "type": "water_depth", "time": when, "sensor_id": sensor,
                         "depth_cm": value} for prefix, sensor, value in zip(flood_prefix, sensors, values))
        while s < len(sporadic) and sporadic[s][0] < t_to:
            if sporadic[s][0] >= t_from:
                yield sporadic[s][1]
            s += 1


def demo_objects(folder: Path = DEMO_DIR) -> tuple[list[dict], list[dict], list[dict]]:
    """The flood points, stations and cameras of the bundled demo (as listed in its manifest), as dicts."""
    files = {d["kind"]: folder / d["file"] for d in
             tomllib.loads((folder / "manifest.toml").read_text(encoding="utf-8"))["dataset"]}
    return tuple(_read_objects(files[kind]) if kind in files else []  # type: ignore[return-value]
                 for kind in ("flood_points", "stations", "cameras"))


def _read_objects(path: Path) -> list[dict[str, Any]]:
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        return [dict(row) for row in csv.DictReader(text.splitlines())]
    return [{**f["properties"], "lon": f["geometry"]["coordinates"][0], "lat": f["geometry"]["coordinates"][1]}
            for f in json.loads(text)["features"]]


def _lagged(x: np.ndarray, tau_steps: float) -> np.ndarray:
    """First-order lag (exponential smoothing) with time constant `tau_steps` steps."""
    out = np.empty_like(x, dtype=float)
    if x.size == 0:
        return out
    a = 1.0 - math.exp(-1.0 / tau_steps)
    level = float(x[0])
    for i, value in enumerate(x):
        level += a * (value - level)
        out[i] = level
    return out
