"""Generate the synthetic demo objects of the Shanghai console, placed on the real map.

Usage (from the repository root)::

    .venv/bin/python offline_data/generate_demo.py [--seed 20210725]

Reads the prepared basemap (``offline_data/basemap/``, written by ``prepare_basemap.py``) and writes
``offline_data/demo/``: ``flood_points.geojson``, ``trees.csv``, ``construction_sites.geojson``,
``cameras.csv``, ``stations.csv`` and ``manifest.toml``. The same seed gives byte-identical files. All objects are invented
(CC0); only the map under them is real. Coordinates are WGS84 lon/lat rounded to 6 decimals.

Where the numbers come from
===========================
"domain" below is the project's domain brief (the Shanghai city-operations platform, 一网统管, and the
typhoon example it describes); other figures are public orders of magnitude, flagged as such.

Geometry and masks
------------------
* All geometry is built in metres (UTM zone 51N, EPSG:32651, scale error < 0.05 % over Shanghai) and
  converted back to lon/lat at the end; every output position is tested, after rounding, against the
  district polygons (``districts.geojson``) so that each object lies in exactly the district it names.
* Placeable land = the main polygons of the 16 districts (the uninhabited parts are left out: Jiuduansha
  shoals, the Qingcaosha reservoir, Sheshan and the Jinshan islands), minus Dianshan Lake (the closed GSHHG
  lake shore), minus the rivers: 250 m either side of the WDBII Huangpu line and 80 m either side of Suzhou
  Creek (about half their widths plus margin), and 250 m either side of the Pudong / Puxi district border,
  which follows the real Huangpu centre line (the WDBII line is schematic and lies up to a few hundred
  metres off, e.g. west of the Bund). Objects on the real OSM roads are only required to be in a district,
  because OSM puts the roads where they are.
* "Urbanisation" u(x, y) in [0, 1] drives every density. It is the largest of: a plateau over the central
  city, 1 / (1 + (r / 8.5 km)^4) around People's Square (u ≈ 1 inside the Inner Ring, 0.5 at 8.5 km, about
  the Middle Ring: the seven central districts and Pudong's west, Lujiazui to Century Park); a suburban band
  0.32 / (1 + (r / 16 km)^4) (roughly the Outer Ring); Gaussian bumps for the new towns and town centres
  (Jiading, Songjiang, Qingpu, Nanqiao, Lingang, Xinzhuang, Zhangjiang, Chuansha ... see URBAN_CENTRES:
  amplitude 0.12–0.5, sigma 1.5–3 km); and a rural floor of 0.035.
* Sampling is vectorised rejection sampling (uniform candidates in metres, kept with probability equal to
  the weight, then shapely ``contains_xy`` on the land polygon); one numpy generator per object type, all
  spawned from the seed, so changing one generator does not reshuffle the others.

Synthetic street network
------------------------
Outside the OSM road extract (People's Square / the Bund), streets are straight segments whose centres are
drawn with density ∝ u^1.2, N_STREETS = 21,000 of them; this gives 8–10 km of street per km² in the centre
(the OSM extract has ~13 km/km² counting both carriageways of dual roads) and ~13,000 km in total (the
order of Shanghai's road network, about 20,000 km of urban roads and highways). Lengths are log-normal
(σ 0.35) with a median of 250 m in the centre growing to 800 m in rural areas (blocks are larger outside),
clipped to 120–1,500 m; orientation follows a smoothly varying grid angle (±20°) or its perpendicular, ±3°.
The street lines themselves are not written out: they only carry the trees, cameras and flood points.
Each street gets a real road name of its district (ROAD_NAMES, ~230 names): every name is pinned to an
anchor point in its district (drawn by density) and a street takes the name of the nearest anchor of the
same orientation class (the second nearest for 20 % of streets), so a name covers one neighbourhood, not
the whole district. The names are real roads of the district, but not at their real positions.

Flood points (积水点) — flood_points.geojson
-----------------------------------------
* 700 points: 575 underpasses (下立交) and 125 road ponding spots. Domain: Shanghai has about 700 ponding
  monitors and 575 underpasses (443 monitored, 230 on video). Each gets a water-depth sensor (WS-xxxx)
  reporting every 300 s (a typical telemetry interval for such gauges).
* Underpasses sit at street crossings (street ends, or real at-grade crossings of two named OSM arterials,
  primary to tertiary), drawn with weight u^1.1 on top of the street density (so ∝ u^2.3 overall:
  underpasses cluster under the elevated roads and railways of the central city) and at least 300 m apart. Road spots lie along streets with weight
  u^0.8 (low-lying old streets and new suburban roads both pond), also 300 m apart from all flood points.
* Names: "<street><cross street>下立交" / "<street><cross street>积水点", the cross street being a nearby
  name of the other orientation; made unique by trying further names, then a side suffix (东/西/南/北).

Street trees (行道树) — trees.csv
--------------------------------
* 50,000 trees, a sample of Shanghai's ~1.3 million street trees (domain): the streets covered by a
  (fictitious) 2021 pre-flood-season tomography survey. 6,000 stand along the real OSM roads (named, surface
  roads: no elevated, tunnel, ramp or link ways; the whole street is surveyed, streets chosen at random with
  arterials preferred), the other 44,000 along synthetic streets chosen with weight u^0.8 (the survey
  prioritises the central city and its old plane trees).
* Planting: both sides of the street, spacing uniform 6–10 m (Shanghai's usual 6–8 m plus gaps), 8 ± 1 m
  from the centre line (kerb plus pavement), 7 % of slots empty (driveways, gaps). On the OSM roads a tree is
  dropped if it is within 5 m of another road line (junctions) or in the median of a dual carriageway.
* Species (SPECIES): plane tree 悬铃木 dominates Shanghai's street trees (about a third, the commonly
  published figure; the project brief asks ~35 %), then camphor 香樟 (about a quarter), then ginkgo, soapberry, golden-rain tree, southern
  magnolia, privet, dawn redwood, zelkova, silk tree, elaeocarpus, hackberry. Each street has one dominant
  species (88 % of its trees, the rest replacements from the overall mix), drawn from a mix that shifts from
  the central one (plane 50 %, camphor 20 %) to the suburban one (camphor 34 %, plane 18 %) with u;
  seed 20210725 gives plane 37 %, camphor 27 %.
* DBH: per species range (plane 30–80 cm, camphor 15–60 cm, ...): a street-level age drawn from u (central
  streets were planted earlier) plus tree-level noise, mapped into the species range.
* Tomography: a tree is decayed with probability species_rate × (0.4 + age), age in 0–1 (SPECIES gives
  the rates: plane 0.30, silk tree 0.28, camphor 0.20 ... ginkgo and dawn redwood 0.06); the decayed fraction of
  the cross-section d is Beta(1.3, 3.5) × 0.8 for decayed trees (so decay_pct is 0–80) and 0–4 % (sound
  wood, tomograph noise) otherwise. For a central cavity of radius r in a trunk of radius R, d = (r/R)^2
  and the residual wall ratio t/R = 1 − √d; an off-centre cavity leaves a thinner wall, so
  t_r = (1 − √d) × e with e ~ Beta(8, 2) for decayed trees (≈1 for sound ones), clipped to 0.05–1.0.
* Grade (Chinese four-grade "health code" 极高/高/中/低; domain), rules in the spirit of Mattheck's
  t/R < 0.3 warning line and ISA TRAQ: t_r < 0.3 on a tree of DBH ≥ 20 cm → very_high if t_r < 0.22 or it also
  has a structural defect (lean, crack, root damage: 4 % + 4 % × age of trees), else high;
  t_r < 0.3 on a small tree → medium (low consequence); 0.3 ≤ t_r < 0.5 → medium, high with a defect;
  decay ≥ 20 % or a defect alone → medium; else low. Result ≈ 1 / 3 / 15 / 81 % (seed 20210725:
  1.2 / 2.9 / 14.9 / 81.0 %).
* Status by grade (checked / pruned / braced / removed): low 97/3/0/0 %, medium 78/18/4/0 %,
  high 40/33/26/1 %, very_high 30/27/35/8 % (the high grades are pruned or braced before the wind comes;
  a handful of very high-risk trees were removed).
* last_inspection: a working day (weekends at a quarter of the weight) between 2021-03-01 and 2021-07-22,
  the day before the In-Fa blue signal; high and very_high trees were re-inspected after 2021-05-15, ahead of
  the flood season (汛期, from 1 June).

Construction sites (工地) — construction_sites.geojson
---------------------------------------------------
* 4,628 sites (domain: in Typhoon Co-May, 2025, all 4,628 building and municipal sites stopped work),
  85 % building and 15 % municipal. Centres drawn with weight u^0.9 × (1 − 0.5 × central plateau), with a
  lower rural floor (0.012): most construction is in the new towns and the suburbs between the Middle and
  Outer Rings, with redevelopment in the centre and little on Chongming.
* Footprints: rectangles rotated to the local street grid ± 5°, corners jittered by up to 1.5 % of a side.
  Building sites: sides log-normal, median 140 m (σ 0.5) and aspect log-normal (σ 0.35), clipped to
  46–375 m (so the jittered sides stay within 40–400 m). Municipal works (roads, drains, metro stations)
  are strips 150–375 m × 42–60 m along the grid.
  A site must be wholly on placeable land, cross no river line or OSM road, and overlap no other site.
* Equipment follows a hidden stage (foundation 30 %, structure 45 %, finishing 25 %): tower cranes
  (0–6) mostly in the structure stage and by area (one per ~2 ha), hoists (0–8) follow the cranes in
  structure and finishing, gondolas (0–10) are used for facades in finishing. Municipal works: no hoists or
  gondolas, rarely a crane. Workers (10–800): 20 + 0.006 per m² of footprint (× log-normal noise σ 0.35)
  + 40 per crane for building sites, 10 + 0.002 per m² for municipal works. evacuation_status is "normal"
  (the In-Fa scenario moves it forward).

Cameras — cameras.csv
---------------------
* 30,000 cameras (domain: more than 30,000 video feeds on the platform): 230 at underpasses (domain:
  230 underpasses on video; 8–28 m from the flood point), 500 at construction sites (on the boundary of the
  larger sites), 600 along the Huangpu and Suzhou Creek banks (200–260 m / 40–70 m from the WDBII line, and
  kept 250 m off the real Huangpu centre, the Pudong district border), and the rest along the street network by
  length: crossings (路口) 40 %, roads (道路) 33 %, residential compounds (小区, 40–150 m off the street)
  20 %, parks and green spaces (公园, 30–250 m off) 7 %.
* Owners by what they watch: crossings 公安 75 / 交通 25 %; roads 公安 50 / 交通 30 / 城管 12 / 应急 8 %;
  compounds 公安 90 / 城管 10 %; parks 绿化市容 80 / 公安 20 %; underpasses 水务 55 / 交通 30 / 应急 15 %;
  river banks 水务 90 / 应急 10 %; construction sites 城管 60 / 应急 40 %. Overall about two thirds 公安,
  as in Chinese cities where the public-security video networks dominate.
* stream_url is rtsp://video-gw.shanghai.invalid/live/<id>: the .invalid TLD (RFC 2606) can never resolve.

Weather stations and tide gauges — stations.csv
-----------------------------------------------
* 50 automatic weather stations (kind "weather", WX-001 …, wind and rain every 600 s, the usual 10-minute
  reporting cycle of Chinese automatic weather stations). Shanghai runs a few hundred; these are a sample:
  - 12 fixed ones (FIXED_WEATHER): Xujiahui (徐家汇), the city's reference observatory, and a station at each
    suburban district seat (宝山, 嘉定, 崇明, 闵行, 浦东, 南汇, 金山, 青浦, 松江, 奉贤), named after the real
    national stations of those places but at approximate positions (a few hundred metres to a few km off);
    plus a coastal station at Wusongkou (吴淞口), where In-Fa's 30.1 m/s gust was measured (domain).
  - the others drawn per district to a fixed count (WEATHER_PER_DISTRICT: 1–2 in each central district,
    the rest roughly by area, 5 over Chongming), with weight 0.3 + 0.7 √u on placeable land (denser in town,
    but the countryside is covered too: a weather network is much more even than the city), 5 km apart from
    every other station where the district allows it, else 3.5 or 2.5 km.
  Names: "<town>自动站" after the nearest town centre (URBAN_CENTRES) of the same district within 4 km, otherwise
  "<district><road>自动站" after the nearest road-name anchor of the district. Ids run by district, then west
  to east.
* The three Huangpu tide gauges (kind "tide", every 300 s) at their real places and with their real warning
  levels (domain; Wusong datum): TG-HPP 黄浦公园 (Huangpu Park, Suzhou Creek mouth) 4.55 m, TG-WS 吴淞口
  (Wusong) 4.80 m, TG-MSD 米市渡 (Mishidu, upper Huangpu) 3.50 m. Gauges stand in the river, so they are
  only checked to be within 1 km of the district they name (the real district of the gauge).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import Polygon, shape
from shapely.geometry.polygon import orient

HERE = Path(__file__).resolve().parent
BASEMAP_DIR = HERE / "basemap"
OUT_DIR = HERE / "demo"
DEFAULT_SEED = 20210725

N_FLOOD_UNDERPASS, N_FLOOD_SPOT = 575, 125
N_TREES, N_TREES_REAL_ROADS = 50_000, 6_000
N_SITES = 4_628
N_CAMERAS, N_CAM_UNDERPASS, N_CAM_SITE, N_CAM_RIVER = 30_000, 230, 500, 600
N_STREETS = 21_000
N_WEATHER = 50

_FWD = Transformer.from_crs("EPSG:4326", "EPSG:32651", always_xy=True)
_INV = Transformer.from_crs("EPSG:32651", "EPSG:4326", always_xy=True)

PEOPLES_SQUARE = (121.4737, 31.2317)
# (name, lon, lat, amplitude, sigma in km): new towns and town centres that lift u above the rural floor.
URBAN_CENTRES = (
    ("嘉定新城", 121.245, 31.375, 0.50, 3.0), ("松江新城", 121.225, 31.035, 0.50, 3.0),
    ("青浦新城", 121.115, 31.155, 0.45, 2.5), ("奉贤南桥", 121.455, 30.918, 0.45, 2.5),
    ("临港新片区", 121.925, 30.900, 0.40, 3.0), ("莘庄", 121.385, 31.112, 0.50, 2.5),
    ("宝山淞宝", 121.480, 31.395, 0.45, 2.5), ("张江", 121.595, 31.205, 0.45, 2.5),
    ("川沙", 121.700, 31.190, 0.40, 2.0), ("惠南", 121.760, 31.055, 0.40, 2.0),
    ("金山新城", 121.340, 30.735, 0.40, 2.5), ("闵行江川", 121.395, 31.020, 0.35, 2.0),
    ("大场", 121.420, 31.310, 0.40, 2.0), ("顾村", 121.380, 31.350, 0.35, 2.0),
    ("七宝", 121.350, 31.160, 0.45, 2.0), ("南翔", 121.320, 31.300, 0.35, 2.0),
    ("安亭", 121.165, 31.290, 0.30, 2.0), ("江桥", 121.330, 31.250, 0.35, 2.0),
    ("虹桥枢纽", 121.320, 31.195, 0.40, 2.0), ("外高桥", 121.600, 31.315, 0.35, 2.5),
    ("周浦康桥", 121.620, 31.120, 0.40, 2.5), ("朱家角", 121.050, 31.110, 0.20, 1.5),
    ("崇明城桥", 121.400, 31.625, 0.25, 2.0), ("长兴", 121.700, 31.390, 0.12, 2.0),
    ("泗泾", 121.260, 31.120, 0.30, 2.0), ("九亭", 121.320, 31.140, 0.35, 2.0),
    ("枫泾", 121.015, 30.890, 0.15, 1.5), ("朱泾", 121.170, 30.900, 0.20, 1.8),
    ("亭林", 121.300, 30.880, 0.15, 1.5), ("罗店", 121.340, 31.410, 0.20, 1.8),
    ("华新", 121.210, 31.230, 0.20, 1.8), ("新场航头", 121.600, 31.030, 0.20, 2.0),
    ("祝桥", 121.750, 31.150, 0.25, 2.0), ("奉城", 121.640, 30.930, 0.15, 1.8),
    ("浦江", 121.500, 31.060, 0.30, 2.0), ("曹路", 121.670, 31.270, 0.25, 2.0),
)

# Real road names by district (outside the OSM extract for 黄浦 and 静安). ~230 names.
ROAD_NAMES = {
    "黄浦区": "中山南路 陆家浜路 西藏南路 复兴东路 制造局路 瞿溪路 丽园路 局门路 蒙自路 徐家汇路 鲁班路 建国东路 中山南一路 南车站路",
    "静安区": "江宁路 常德路 胶州路 延平路 武定路 昌平路 共和新路 中山北路 广中西路 平型关路 天目中路 西藏北路 汶水路 延长中路",
    "徐汇区": "龙华中路 漕溪北路 肇嘉浜路 衡山路 天钥桥路 中山南二路 宜山路 虹漕路 钦州路 田林路 龙吴路 华泾路 罗秀路 桂林路 龙耀路 斜土路",
    "长宁区": "延安西路 虹桥路 天山路 仙霞路 古北路 娄山关路 剑河路 哈密路 金钟路 淞虹路 江苏路 长宁路 愚园路 定西路 威宁路 北虹路",
    "普陀区": "曹杨路 真北路 武宁路 金沙江路 大渡河路 长寿路 铜川路 兰溪路 梅川路 桃浦路 祁连山路 真南路 光复西路 宜川路 岚皋路 中山北路",
    "虹口区": "四川北路 中山北一路 曲阳路 大连西路 东江湾路 西江湾路 广中路 海宁路 吴淞路 东长治路 临平路 水电路 天宝路 欧阳路",
    "杨浦区": "四平路 黄兴路 控江路 杨树浦路 长阳路 国权路 邯郸路 政立路 翔殷路 军工路 周家嘴路 大连路 殷行路 淞沪路 国定路 平凉路",
    "闵行区": "莘松路 沪闵路 七莘路 虹井路 吴中路 漕宝路 都市路 顾戴路 剑川路 江川路 银都路 莲花南路 春申路 虹梅南路 申长路 金都路",
    "宝山区": "牡丹江路 同济路 友谊路 沪太路 蕰川路 长江西路 殷高西路 场中路 盘古路 水产路 陆翔路 呼兰路 丰翔路 共和新路",
    "嘉定区": "城中路 博乐路 塔城路 沪宜公路 曹安公路 嘉松北路 叶城路 白银路 洪德路 墨玉南路 胜辛路 宝安公路 清河路 裕民南路",
    "浦东新区": ("世纪大道 张杨路 浦东南路 浦东大道 东方路 杨高中路 锦绣路 浦建路 龙阳路 张江路 祖冲之路 川沙路 "
                 "华夏东路 沪南公路 康桥路 秀浦路 周祝公路 南芦公路 环湖西一路 申江路 金科路 罗山路 上南路 成山路 "
                 "高科西路 东明路 五洲大道 川南奉公路 临港大道"),
    "金山区": "卫清西路 龙胜路 蒙山路 板桥西路 金山大道 亭卫公路 沪杭公路 卫零路 龙航路",
    "松江区": "人民北路 谷阳北路 荣乐中路 中山中路 新松江路 文诚路 思贤路 沪松公路 泗宝路 广富林路 嘉松南路 松汇西路 九亭大街",
    "青浦区": "公园路 城中北路 华青路 外青松公路 崧泽大道 淀山湖大道 盈港东路 沪青平公路 漕盈路 华徐公路 诸光路 北青公路",
    "奉贤区": "解放东路 望园路 金海公路 南奉公路 环城东路 育秀路 百齐路 大叶公路 浦星公路 航南公路 川南奉公路 沪杭公路",
    "崇明区": "崇明大道 陈海公路 北沿公路 八一路 人民路 东门路 南门路 翠竹路 潘园公路",
}
ROAD_NAMES = {d: tuple(names.split()) for d, names in ROAD_NAMES.items()}

# Weather stations at fixed places: (name, lon, lat). Named after the real national stations of these places,
# at approximate positions (see the docstring); Wusongkou is the coastal station of the domain's 30.1 m/s gust.
FIXED_WEATHER = (
    ("徐家汇气象站", 121.4310, 31.1920), ("宝山气象站", 121.4500, 31.4000), ("吴淞口气象站", 121.4970, 31.3860),
    ("嘉定气象站", 121.2550, 31.3750), ("崇明气象站", 121.3900, 31.6300), ("闵行气象站", 121.3750, 31.1100),
    ("浦东气象站", 121.5400, 31.2250), ("南汇气象站", 121.7700, 31.0500), ("金山气象站", 121.3400, 30.7400),
    ("青浦气象站", 121.1200, 31.1500), ("松江气象站", 121.2250, 31.0300), ("奉贤气象站", 121.4700, 30.9250),
)
# The Huangpu tide gauges: (id, name, lon, lat, district, warning level in m, Wusong datum) (domain).
TIDE_GAUGES = (
    ("TG-HPP", "黄浦公园", 121.4905, 31.2430, "黄浦区", 4.55),
    ("TG-WS", "吴淞口", 121.5060, 31.3920, "宝山区", 4.80),
    ("TG-MSD", "米市渡", 121.2400, 30.9600, "松江区", 3.50),
)
# Weather stations per district (50 in all): one or two in each small central district, the rest roughly by
# area (Pudong ~1,200 km², Chongming with Changxing and Hengsha ~1,400 km² but sparsely built: 5).
WEATHER_PER_DISTRICT = {
    "黄浦区": 1, "徐汇区": 2, "长宁区": 1, "静安区": 1, "普陀区": 1, "虹口区": 1, "杨浦区": 1, "闵行区": 5, "宝山区": 4,
    "嘉定区": 3, "浦东新区": 10, "金山区": 3, "松江区": 4, "青浦区": 4, "奉贤区": 4, "崇明区": 5,
}

# species: (central-mix weight, suburban-mix weight, DBH min, DBH max (cm), decay rate)
SPECIES = {
    "悬铃木": (0.50, 0.18, 30, 80, 0.30),   # London plane: the old avenues of the central city
    "香樟": (0.20, 0.34, 15, 60, 0.20),     # camphor: the most planted since the 1980s
    "银杏": (0.08, 0.08, 12, 45, 0.06),
    "无患子": (0.03, 0.08, 12, 35, 0.12),
    "栾树": (0.03, 0.08, 12, 35, 0.12),
    "广玉兰": (0.05, 0.05, 15, 40, 0.16),
    "女贞": (0.02, 0.05, 10, 30, 0.16),
    "水杉": (0.01, 0.04, 15, 45, 0.06),
    "榉树": (0.03, 0.04, 12, 40, 0.10),
    "合欢": (0.01, 0.02, 12, 35, 0.28),     # short-lived, decay-prone
    "杜英": (0.02, 0.02, 10, 30, 0.14),
    "朴树": (0.02, 0.02, 15, 45, 0.10),
}

# OSM ways that carry no street trees: elevated roads, tunnels, ramps and links.
NO_TREE_HIGHWAYS = {"trunk", "trunk_link", "primary_link", "secondary_link", "tertiary_link", "motorway",
                    "motorway_link"}
NO_TREE_NAME_PARTS = ("隧道", "高架", "立交")
ARTERIALS = {"primary", "secondary", "tertiary"}

CAMERA_OWNERS = {  # watches -> (owners, shares)
    "路口": (("公安", "交通"), (0.75, 0.25)),
    "道路": (("公安", "交通", "城管", "应急"), (0.50, 0.30, 0.12, 0.08)),
    "小区": (("公安", "城管"), (0.90, 0.10)),
    "公园": (("绿化市容", "公安"), (0.80, 0.20)),
    "下立交": (("水务", "交通", "应急"), (0.55, 0.30, 0.15)),
    "河道": (("水务", "应急"), (0.90, 0.10)),
    "工地": (("城管", "应急"), (0.60, 0.40)),
}
STREET_CAMERA_SHARES = (("路口", 0.40), ("道路", 0.33), ("小区", 0.20), ("公园", 0.07))
SIDES = ("东", "南", "西", "北")
CORNERS = ("东北角", "东南角", "西南角", "西北角")


# ------------------------------------------------------------------------------------- coordinates

def to_m(lon, lat):
    x, y = _FWD.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(x), np.asarray(y)


def to_ll(x, y):
    lon, lat = _INV.transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return np.round(np.asarray(lon), 6), np.round(np.asarray(lat), 6)


def geom_to_m(geometry):
    return shapely.transform(geometry, lambda c: np.column_stack(_FWD.transform(c[:, 0], c[:, 1])))


def geom_to_ll(geometry):
    return shapely.transform(geometry, lambda c: np.column_stack(_INV.transform(c[:, 0], c[:, 1])))


def _polygons(geometry):
    if geometry.geom_type == "Polygon":
        return [geometry]
    return [p for g in getattr(geometry, "geoms", []) for p in _polygons(g)]


# -------------------------------------------------------------------------------------------- world

@dataclass
class World:
    """The real map: districts, placeable land, rivers, OSM roads, and the urbanisation field."""
    district_names: list[str]
    district_ll: list                      # shapely polygons, lon/lat, prepared
    placeable_ll: object                   # land minus water, lon/lat, prepared
    in_district_ll: object                 # union of districts, lon/lat, prepared
    rivers_m: dict                         # name -> LineString (metres)
    huangpu_border_m: object               # Pudong / Puxi district border = real Huangpu centre (metres)
    river_lines_m: object                  # all river centre lines incl. the district-border Huangpu
    roads: list[dict]                      # OSM roads: name, highway, line_m
    roads_box_m: tuple                     # (x0, y0, x1, y1) of the OSM extract, metres, with margin
    bounds_m: tuple                        # of the placeable land
    centre_m: tuple = (0.0, 0.0)
    urban_m: np.ndarray = field(default_factory=lambda: np.zeros((0, 4)))
    grid_phase: tuple = (0.0, 0.0)

    @classmethod
    def load(cls, folder: Path) -> "World":
        def features(name):
            return json.loads((folder / name).read_text(encoding="utf-8"))["features"]

        dfeat = features("districts.geojson")
        names = [f["properties"]["name"] for f in dfeat]
        dgeoms = [shape(f["geometry"]) for f in dfeat]
        # main parts only: each district's largest polygon and any other of 0.005 deg² (~50 km²) or more;
        # this drops the uninhabited Jiuduansha shoals, the Qingcaosha reservoir and the islets
        main_parts = [p for g in dgeoms for p in _polygons(g)
                      if p.area >= 0.005 or p.area == max(q.area for q in _polygons(g))]
        land_ll = shapely.union_all(main_parts)

        lakes = []
        for f in features("shoreline.geojson"):
            if f["properties"].get("kind") == "lake_shore":
                for line in getattr(shape(f["geometry"]), "geoms", []):
                    if line.is_closed and len(line.coords) >= 4:
                        lakes.append(Polygon(line.coords))
        rivers_m = {f["properties"]["name"]: geom_to_m(shape(f["geometry"])) for f in features("rivers.geojson")}
        # The Pudong / Puxi district border follows the real Huangpu centre line (Amap, ~20 m accurate).
        by_name = dict(zip(names, dgeoms))
        puxi = shapely.union_all([by_name[n] for n in ("黄浦区", "徐汇区", "杨浦区", "虹口区", "宝山区")])
        border_ll = by_name["浦东新区"].boundary.intersection(puxi.buffer(0.0004))
        border_m = geom_to_m(border_ll)

        water_m = shapely.union_all([rivers_m["黄浦江"].buffer(250), rivers_m["苏州河"].buffer(80),
                                     border_m.buffer(250)] + [geom_to_m(p) for p in lakes])
        placeable_ll = land_ll.difference(geom_to_ll(water_m))
        roads = []
        for f in features("roads.geojson"):
            roads.append({"name": f["properties"].get("name"), "highway": f["properties"].get("highway"),
                          "line_m": geom_to_m(shape(f["geometry"]))})
        rx0, ry0, rx1, ry1 = shapely.bounds(shapely.union_all([r["line_m"] for r in roads]))
        for g in dgeoms + [placeable_ll, land_ll]:
            shapely.prepare(g)
        in_district = shapely.union_all(dgeoms)
        shapely.prepare(in_district)
        world = cls(district_names=names, district_ll=dgeoms, placeable_ll=placeable_ll,
                    in_district_ll=in_district, rivers_m=rivers_m, huangpu_border_m=border_m,
                    river_lines_m=shapely.union_all(list(rivers_m.values()) + [border_m]),
                    roads=roads, roads_box_m=(rx0 - 60, ry0 - 60, rx1 + 60, ry1 + 60),
                    bounds_m=shapely.bounds(geom_to_m(placeable_ll)))
        cx, cy = to_m(*PEOPLES_SQUARE)
        world.centre_m = (float(cx), float(cy))
        ux, uy = to_m([c[1] for c in URBAN_CENTRES], [c[2] for c in URBAN_CENTRES])
        world.urban_m = np.column_stack([ux, uy, [c[3] for c in URBAN_CENTRES],
                                         [c[4] * 1000 for c in URBAN_CENTRES]])
        return world

    # --- fields
    def core(self, x, y):
        r = np.hypot(x - self.centre_m[0], y - self.centre_m[1]) / 1000.0
        return 1.0 / (1.0 + (r / 8.5) ** 4)

    def urbanity(self, x, y, floor=0.035):
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        r = np.hypot(x - self.centre_m[0], y - self.centre_m[1]) / 1000.0
        u = np.maximum(1.0 / (1.0 + (r / 8.5) ** 4), 0.32 / (1.0 + (r / 16.0) ** 4))
        for cx, cy, amp, sigma in self.urban_m:
            d2 = ((x - cx) ** 2 + (y - cy) ** 2) / (sigma * sigma)
            u = np.maximum(u, amp * np.exp(-0.5 * d2))
        return np.maximum(u, floor)

    def grid_angle(self, x, y):
        """Local street-grid orientation (radians), varying smoothly across the city."""
        p1, p2 = self.grid_phase
        return np.radians(20.0) * np.sin(2 * np.pi * x / 14000.0 + p1) * np.cos(2 * np.pi * y / 11000.0 + p2)

    # --- tests (in lon/lat, on the rounded output coordinates)
    def placeable(self, lon, lat):
        return shapely.contains_xy(self.placeable_ll, lon, lat)

    def in_district(self, lon, lat):
        return shapely.contains_xy(self.in_district_ll, lon, lat)

    def district_index(self, lon, lat):
        idx = np.full(np.shape(lon), -1, dtype=int)
        for i, g in enumerate(self.district_ll):
            todo = idx < 0
            if not todo.any():
                break
            hit = shapely.contains_xy(g, lon[todo], lat[todo])
            idx[np.flatnonzero(todo)[hit]] = i
        return idx

    def in_roads_box(self, x, y):
        x0, y0, x1, y1 = self.roads_box_m
        return (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)

    def sample(self, rng, n, weight, batch=200_000, bounds=None, extra_mask=None):
        """n points (metres) on placeable land with density ∝ weight(x, y) ≤ 1 (rejection sampling)."""
        x0, y0, x1, y1 = bounds or self.bounds_m
        xs, ys, got = [], [], 0
        while got < n:
            x = rng.uniform(x0, x1, batch)
            y = rng.uniform(y0, y1, batch)
            keep = rng.random(batch) < weight(x, y)
            x, y = x[keep], y[keep]
            lon, lat = to_ll(x, y)
            ok = self.placeable(lon, lat)
            if extra_mask is not None:
                ok &= extra_mask(x, y, lon, lat)
            xs.append(x[ok])
            ys.append(y[ok])
            got += int(ok.sum())
        return np.concatenate(xs)[:n], np.concatenate(ys)[:n]


# ------------------------------------------------------------------------------------------ streets

@dataclass
class Streets:
    """Street segments (metres): synthetic ones outside the OSM extract, plus the OSM roads inside it."""
    x0: np.ndarray
    y0: np.ndarray
    x1: np.ndarray
    y1: np.ndarray
    length: np.ndarray
    u: np.ndarray
    district: np.ndarray        # index into world.district_names
    name: list[str]
    cross: list[tuple]          # nearby names of the other orientation, nearest first

    def point_at(self, i, s, offset):
        """Points at distance s along street i, `offset` metres to the left (negative: right)."""
        dx = (self.x1[i] - self.x0[i]) / self.length[i]
        dy = (self.y1[i] - self.y0[i]) / self.length[i]
        return self.x0[i] + dx * s - dy * offset, self.y0[i] + dy * s + dx * offset


def name_anchors(world: World, rng) -> dict:
    """Pin each district road name to an anchor point in its district; alternate orientation classes."""
    anchors = {}
    for d, dname in enumerate(world.district_names):
        names = ROAD_NAMES[dname]
        bx0, by0, bx1, by1 = shapely.bounds(geom_to_m(world.district_ll[d]))

        def in_d(x, y, lon, lat, d=d):
            return shapely.contains_xy(world.district_ll[d], lon, lat)

        ax, ay = world.sample(rng, len(names), world.urbanity, batch=20_000, bounds=(bx0, by0, bx1, by1),
                              extra_mask=in_d)
        anchors[d] = (np.array(names), ax, ay, np.arange(len(names)) % 2)
    return anchors


def nearest_names(anchors, d, cls, x, y, k=4):
    names, ax, ay, acls = anchors[d]
    sel = np.flatnonzero(acls == cls) if (acls == cls).sum() >= 2 else np.arange(len(names))
    dist = np.hypot(x[:, None] - ax[sel][None, :], y[:, None] - ay[sel][None, :])
    order = np.argsort(dist, axis=1, kind="stable")[:, :k]
    return names[sel][order]


def make_streets(world: World, rng, anchors) -> Streets:
    def weight(x, y):
        return world.urbanity(x, y) ** 1.2 * ~world.in_roads_box(x, y)

    cx, cy = world.sample(rng, N_STREETS, weight)
    u = world.urbanity(cx, cy)
    cls = rng.integers(0, 2, N_STREETS)
    theta = world.grid_angle(cx, cy) + cls * (np.pi / 2) + rng.normal(0, np.radians(3), N_STREETS)
    median = 250.0 + 550.0 * (1.0 - u)
    length = np.clip(median * np.exp(rng.normal(0, 0.35, N_STREETS)), 120, 1500)
    hx, hy = np.cos(theta) * length / 2, np.sin(theta) * length / 2
    lon, lat = to_ll(cx, cy)
    district = world.district_index(lon, lat)
    names = np.empty(N_STREETS, dtype=object)
    cross = [None] * N_STREETS
    pick_second = rng.random(N_STREETS) < 0.2
    for d in range(len(world.district_names)):
        for c in (0, 1):
            idx = np.flatnonzero((district == d) & (cls == c))
            if idx.size == 0:
                continue
            own = nearest_names(anchors, d, c, cx[idx], cy[idx], k=2)
            names[idx] = np.where(pick_second[idx], own[:, 1], own[:, 0])
            other = nearest_names(anchors, d, 1 - c, cx[idx], cy[idx], k=8)
            for j, i in enumerate(idx):
                cross[i] = tuple(other[j])
    return Streets(cx - hx, cy - hy, cx + hx, cy + hy, length, u, district, list(names), cross)


# -------------------------------------------------------------------------------------- OSM roads

def real_road_intersections(world: World):
    """At-grade crossings of two differently named OSM surface roads, 15 m apart at least:
    (x, y, name_a, name_b, arterial), arterial when both are primary, secondary or tertiary roads."""
    named = [r for r in world.roads if is_surface_street(r)]
    lines = np.array([r["line_m"] for r in named], dtype=object)
    tree = shapely.STRtree(lines)
    a, b = tree.query(lines, predicate="intersects")
    pts = []
    for i, j in zip(a, b):
        if i < j and named[i]["name"] != named[j]["name"]:
            for p in _points(lines[i].intersection(lines[j])):
                arterial = all(r["highway"] in ARTERIALS for r in (named[i], named[j]))
                pts.append((p.x, p.y, named[i]["name"], named[j]["name"], arterial))
    pts.sort(key=lambda t: (round(t[0], 1), round(t[1], 1), t[2], t[3]))
    if not pts:
        return []
    x = np.array([p[0] for p in pts])
    y = np.array([p[1] for p in pts])
    keep = spaced_pick(x, y, -np.arange(x.size, dtype=float), x.size, 15.0)
    return [pts[i] for i in sorted(keep)]


def is_surface_street(road: dict) -> bool:
    """A named OSM road at street level (not elevated, tunnel, ramp or link): where trees and crossings are."""
    return bool(road["name"]) and road["highway"] not in NO_TREE_HIGHWAYS and \
        not any(part in road["name"] for part in NO_TREE_NAME_PARTS)


def _points(geometry):
    if geometry.is_empty:
        return []
    if geometry.geom_type == "Point":
        return [geometry]
    if geometry.geom_type == "LineString":  # overlapping ways: take the first vertex
        return [shapely.Point(geometry.coords[0])]
    return [p for g in geometry.geoms for p in _points(g)]


def trees_on_real_roads(world: World, rng):
    """Candidate tree positions along the named surface OSM roads: x, y, road name, highway class."""
    all_lines = np.array([r["line_m"] for r in world.roads], dtype=object)
    tree_index = shapely.STRtree(all_lines)
    eligible = [i for i, r in enumerate(world.roads) if is_surface_street(r)]
    by_name: dict[str, list[int]] = {}
    for i in eligible:
        by_name.setdefault(world.roads[i]["name"], []).append(i)
    xs, ys, own, pxs, pys = [], [], [], [], []
    for i in eligible:
        line = all_lines[i]
        length = line.length
        if length < 6:
            continue
        for side in (-1.0, 1.0):
            s = rng.uniform(2, 6) + np.concatenate([[0.0], np.cumsum(rng.uniform(6, 10, int(length / 6) + 2))])
            s = s[s <= length - 2]
            if s.size == 0:
                continue
            p = shapely.get_coordinates(shapely.line_interpolate_point(line, s))
            a = shapely.get_coordinates(shapely.line_interpolate_point(line, np.clip(s - 1, 0, length)))
            b = shapely.get_coordinates(shapely.line_interpolate_point(line, np.clip(s + 1, 0, length)))
            t = b - a
            t /= np.maximum(np.hypot(t[:, 0], t[:, 1]), 1e-9)[:, None]
            off = side * rng.normal(8.0, 0.5, s.size).clip(7, 9)
            xs.append(p[:, 0] - t[:, 1] * off)
            ys.append(p[:, 1] + t[:, 0] * off)
            pxs.append(p[:, 0])
            pys.append(p[:, 1])
            own.append(np.full(s.size, i))
    x, y, own = np.concatenate(xs), np.concatenate(ys), np.concatenate(own)
    px, py = np.concatenate(pxs), np.concatenate(pys)
    pts = shapely.points(x, y)
    keep = rng.random(x.size) >= 0.07                       # gaps: driveways, missing trees
    # junctions and crossing roads: within 5 m of another road line
    pi, li = tree_index.query(pts, predicate="dwithin", distance=5.0)
    keep[pi[li != own[pi]]] = False
    # medians of dual carriageways: the tree is nearer the other carriageway of the same name than its kerb
    for name, members in by_name.items():
        if len(members) < 2:
            continue
        for i in members:
            sel = np.flatnonzero(own == i)
            others = shapely.union_all(all_lines[[m for m in members if m != i]])
            dc = shapely.distance(pts[sel], others)
            dp = shapely.distance(shapely.points(px[sel], py[sel]), others)
            keep[sel[(dp < 45) & (dc < dp - 3)]] = False
    # overlapping ways: one tree per 3 m
    idx = np.flatnonzero(keep)
    a, b = shapely.STRtree(pts[idx]).query(pts[idx], predicate="dwithin", distance=3.0)
    drop = set()
    for i, j in zip(idx[a], idx[b]):
        if i < j and i not in drop:
            drop.add(j)
    keep[list(drop)] = False
    names = np.array([world.roads[i]["name"] for i in own], dtype=object)
    highway = np.array([world.roads[i]["highway"] for i in own], dtype=object)
    return x[keep], y[keep], names[keep], highway[keep]


# -------------------------------------------------------------------------------------------- trees

def make_trees(world: World, streets: Streets, rng, rng_attr):
    # --- along the OSM roads: whole streets, arterials first, until N_TREES_REAL_ROADS
    x, y, names, highway = trees_on_real_roads(world, rng)
    lon, lat = to_ll(x, y)
    ok = world.in_district(lon, lat)
    x, y, names, highway = x[ok], y[ok], names[ok], highway[ok]
    street_names = sorted(set(names))
    rank = {"primary": 3.0, "secondary": 3.0, "tertiary": 2.0}
    w = np.array([max(rank.get(h, 1.0) for h in set(highway[names == n])) for n in street_names])
    key = rng.random(len(street_names)) ** (1.0 / w)           # weighted order without replacement
    chosen, total = [], 0
    for k in np.argsort(-key, kind="stable"):
        chosen.append(street_names[k])
        total += int((names == street_names[k]).sum())
        if total >= N_TREES_REAL_ROADS:
            break
    order = np.concatenate([np.flatnonzero(names == n) for n in chosen])[:N_TREES_REAL_ROADS]
    real_x, real_y, real_names = x[order], y[order], names[order]
    real_street_ids = np.array([chosen.index(n) for n in real_names])

    # --- along synthetic streets chosen with weight u^0.8
    need = N_TREES - real_x.size
    key = rng.random(streets.length.size) ** (1.0 / streets.u ** 0.8)
    xs, ys, sid, got = [], [], [], 0
    for i in np.argsort(-key, kind="stable"):
        if got >= need:
            break
        for side in (-1.0, 1.0):
            s = rng.uniform(2, 6) + np.concatenate([[0.0], np.cumsum(rng.uniform(6, 10, int(streets.length[i] / 6) + 2))])
            s = s[s <= streets.length[i] - 2]
            s = s[rng.random(s.size) >= 0.07]
            px, py = streets.point_at(i, s, side * rng.normal(8.0, 0.5, s.size).clip(7, 9))
            lon, lat = to_ll(px, py)
            ok = world.placeable(lon, lat) & ~world.in_roads_box(px, py)
            xs.append(px[ok])
            ys.append(py[ok])
            sid.append(np.full(int(ok.sum()), i))
            got += int(ok.sum())
    syn_x, syn_y = np.concatenate(xs)[:need], np.concatenate(ys)[:need]
    syn_sid = np.concatenate(sid)[:need]

    x = np.concatenate([real_x, syn_x])
    y = np.concatenate([real_y, syn_y])
    street = np.concatenate([real_names, np.array(streets.name, dtype=object)[syn_sid]])
    # street-level keys: real streets 0..k-1, synthetic streets offset by k
    street_key = np.concatenate([real_street_ids, len(chosen) + syn_sid])
    u = np.concatenate([np.ones(real_x.size), streets.u[syn_sid]])
    lon, lat = to_ll(x, y)
    district = world.district_index(lon, lat)
    attrs = tree_attributes(rng_attr, street_key, u)
    return lon, lat, district, street, attrs


def tree_attributes(rng, street_key, u):
    n = street_key.size
    species_names = list(SPECIES)
    central = np.array([SPECIES[s][0] for s in species_names])
    suburban = np.array([SPECIES[s][1] for s in species_names])
    lo = np.array([SPECIES[s][2] for s in species_names], dtype=float)
    hi = np.array([SPECIES[s][3] for s in species_names], dtype=float)
    rate = np.array([SPECIES[s][4] for s in species_names])
    # --- one dominant species and one planting age per street
    keys, inverse = np.unique(street_key, return_inverse=True)
    su = np.zeros(keys.size)
    np.maximum.at(su, inverse, u)
    mix = su[:, None] * central[None, :] + (1 - su[:, None]) * suburban[None, :]
    cum = np.cumsum(mix, axis=1)
    dominant = (rng.random(keys.size)[:, None] > cum / cum[:, -1:]).sum(axis=1)
    street_age = np.clip(rng.normal(0.35 + 0.45 * su, 0.15), 0.05, 1.0)
    overall = (central + suburban) / 2
    replacement = rng.choice(len(species_names), size=n, p=overall / overall.sum())
    sp = np.where(rng.random(n) < 0.88, dominant[inverse], replacement)
    # --- DBH: street age plus tree noise, into the species range
    age = np.clip(street_age[inverse] + rng.normal(0, 0.12, n), 0.0, 1.0)
    dbh = np.round(lo[sp] + (hi[sp] - lo[sp]) * age).astype(int)
    # --- tomography
    decayed = rng.random(n) < rate[sp] * (0.4 + 1.0 * age)
    d = np.where(decayed, rng.beta(1.3, 3.5, n) * 0.8, rng.uniform(0, 0.04, n))
    ecc = np.where(decayed, rng.beta(8, 2, n), rng.uniform(0.97, 1.0, n))
    t_r = np.clip((1 - np.sqrt(d)) * ecc, 0.05, 1.0).round(2)
    decay_pct = np.round(d * 100).astype(int)
    defect = rng.random(n) < 0.04 + 0.04 * age                   # lean, crack, root damage, deadwood
    # --- grade
    grade = np.full(n, "low", dtype=object)
    medium = (decay_pct >= 20) | defect | (t_r < 0.5)
    grade[medium] = "medium"
    grade[(t_r >= 0.3) & (t_r < 0.5) & defect] = "high"
    weak = (t_r < 0.3) & (dbh >= 20)
    grade[weak] = "high"
    grade[weak & ((t_r < 0.22) | defect)] = "very_high"
    # --- status
    status = np.full(n, "checked", dtype=object)
    r = rng.random(n)
    table = {"low": (0.97, 0.03, 0.0), "medium": (0.78, 0.18, 0.04), "high": (0.40, 0.33, 0.26),
             "very_high": (0.30, 0.27, 0.35)}
    for g, (pc, pp, pb) in table.items():
        m = grade == g
        status[m & (r >= pc)] = "pruned"
        status[m & (r >= pc + pp)] = "braced"
        status[m & (r >= pc + pp + pb)] = "removed"
    # --- last inspection
    early = survey_days(dt.date(2021, 3, 1), dt.date(2021, 7, 22))
    late = survey_days(dt.date(2021, 5, 15), dt.date(2021, 7, 22))
    recheck = np.isin(grade, ("high", "very_high"))
    day = np.where(recheck, rng.choice(late[0], n, p=late[1]), rng.choice(early[0], n, p=early[1]))
    return {"species": np.array(species_names, dtype=object)[sp], "dbh_cm": dbh, "decay_pct": decay_pct,
            "t_r": t_r, "grade": grade, "status": status, "last_inspection": day}


def survey_days(first: dt.date, last: dt.date):
    days = [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]
    w = np.array([1.0 if d.weekday() < 5 else 0.25 for d in days])
    return np.array([d.isoformat() for d in days], dtype=object), w / w.sum()


# ------------------------------------------------------------------------------------- flood points

def spaced_pick(x, y, key, n, min_dist, taken_x=(), taken_y=()):
    """Greedy pick in key order (descending), min_dist apart from each other and from `taken`."""
    px, py = list(taken_x), list(taken_y)
    cell = {}
    for a, b in zip(px, py):
        cell.setdefault((int(a // min_dist), int(b // min_dist)), []).append((a, b))
    picked = []
    for i in np.argsort(-key, kind="stable"):
        cx, cy = int(x[i] // min_dist), int(y[i] // min_dist)
        near = [q for gx in (cx - 1, cx, cx + 1) for gy in (cy - 1, cy, cy + 1) for q in cell.get((gx, gy), ())]
        if any((x[i] - a) ** 2 + (y[i] - b) ** 2 < min_dist ** 2 for a, b in near):
            continue
        picked.append(i)
        cell.setdefault((cx, cy), []).append((x[i], y[i]))
        if len(picked) == n:
            break
    return np.array(picked, dtype=int)


def unique_name(first, crosses, suffix, used, rng):
    for c in crosses:
        if c != first:
            name = f"{first}{c}{suffix}"
            if name not in used:
                return name
    base = f"{first}{crosses[0] if crosses[0] != first else crosses[-1]}"
    for side in rng.permutation(SIDES):
        name = f"{base}{suffix}({side})"
        if name not in used:
            return name
    k = 2
    while f"{base}{suffix}({k})" in used:
        k += 1
    return f"{base}{suffix}({k})"


def make_flood_points(world: World, streets: Streets, intersections, rng):
    # --- underpasses at crossings: street ends and OSM crossings
    n = streets.length.size
    ex = np.concatenate([streets.x0, streets.x1, [p[0] for p in intersections]])
    ey = np.concatenate([streets.y0, streets.y1, [p[1] for p in intersections]])
    src = np.concatenate([np.arange(n), np.arange(n), -1 - np.arange(len(intersections))])
    lon, lat = to_ll(ex, ey)
    real = src < 0
    arterial = np.concatenate([np.ones(2 * n, dtype=bool), [p[4] for p in intersections]])
    ok = np.where(real, world.in_district(lon, lat) & arterial,
                  world.placeable(lon, lat) & ~world.in_roads_box(ex, ey))
    w = world.urbanity(ex, ey) ** 1.1
    key = np.where(ok, rng.random(ex.size) ** (1.0 / w), -1.0)
    under = spaced_pick(ex, ey, key, N_FLOOD_UNDERPASS, 300.0)
    # --- road spots along streets (by length), away from every underpass
    m = 20_000
    p = streets.length / streets.length.sum()
    si = rng.choice(n, m, p=p)
    sx, sy = streets.point_at(si, rng.uniform(0, 1, m) * streets.length[si], 0.0)
    slon, slat = to_ll(sx, sy)
    sok = world.placeable(slon, slat) & ~world.in_roads_box(sx, sy)
    skey = np.where(sok, rng.random(m) ** (1.0 / world.urbanity(sx, sy) ** 0.8), -1.0)
    spot = spaced_pick(sx, sy, skey, N_FLOOD_SPOT, 300.0, ex[under], ey[under])

    x = np.concatenate([ex[under], sx[spot]])
    y = np.concatenate([ey[under], sy[spot]])
    kind = ["underpass"] * under.size + ["road_spot"] * spot.size
    used, names = set(), []
    for j, i in enumerate(np.concatenate([src[under], si[spot]])):
        suffix = "下立交" if kind[j] == "underpass" else "积水点"
        if i < 0:
            _, _, a, b, _ = intersections[-1 - i]
            name = unique_name(a, (b,), suffix, used, rng)
        else:
            name = unique_name(streets.name[i], streets.cross[i], suffix, used, rng)
        used.add(name)
        names.append(name)
    lon, lat = to_ll(x, y)
    district = world.district_index(lon, lat)
    # register order: by district (adcode order of the file), underpasses first, then west to east
    order = np.lexsort((lon, np.array([k != "underpass" for k in kind]), district))
    feats = []
    for k, i in enumerate(order, start=1):
        feats.append({"type": "Feature",
                      "properties": {"id": f"FP-{k:04d}", "name": names[i], "kind": kind[i],
                                     "district": world.district_names[district[i]], "sensor_id": f"WS-{k:04d}",
                                     "expected_interval_s": 300},
                      "geometry": {"type": "Point", "coordinates": [float(lon[i]), float(lat[i])]}})
    return feats


# --------------------------------------------------------------------------------- construction sites

def make_sites(world: World, streets: Streets, rng):
    m = int(N_SITES * 1.6)

    def weight(x, y):
        return world.urbanity(x, y, floor=0.012) ** 0.9 * (1.0 - 0.5 * world.core(x, y))

    cx, cy = world.sample(rng, m, weight)
    municipal = rng.random(m) < 0.15
    # sides kept within 46–375 m so that the ±1.5 % corner jitter stays within 40–400 m
    a = np.clip(140 * np.exp(rng.normal(0, 0.5, m)), 46, 375)
    b = np.clip(a * np.exp(rng.normal(0, 0.35, m)), 46, 375)
    a = np.where(municipal, rng.uniform(150, 375, m), a)
    b = np.where(municipal, rng.uniform(42, 60, m), b)
    theta = world.grid_angle(cx, cy) + np.where(municipal, rng.integers(0, 2, m) * np.pi / 2,
                                                 rng.normal(0, np.radians(5), m))
    unit = np.array([[-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5]])       # counter-clockwise
    corners = unit[None, :, :] * np.stack([a, b], axis=1)[:, None, :]
    corners = corners + rng.uniform(-0.015, 0.015, (m, 4, 2)) * np.stack([a, b], axis=1)[:, None, :]
    c, s = np.cos(theta)[:, None], np.sin(theta)[:, None]
    qx = cx[:, None] + corners[:, :, 0] * c - corners[:, :, 1] * s
    qy = cy[:, None] + corners[:, :, 0] * s + corners[:, :, 1] * c
    lon, lat = to_ll(qx.ravel(), qy.ravel())
    lon, lat = lon.reshape(m, 4), lat.reshape(m, 4)
    ok = world.placeable(lon, lat).all(axis=1)                    # quick test, then the whole polygon
    rings = np.concatenate([np.stack([lon, lat], axis=2), np.stack([lon[:, :1], lat[:, :1]], axis=2)], axis=1)
    polys_ll = shapely.polygons(rings)
    polys_m = shapely.polygons(np.concatenate([np.stack([qx, qy], axis=2), np.stack([qx[:, :1], qy[:, :1]], axis=2)], axis=1))
    ok &= shapely.is_valid(polys_ll)
    ok[ok] = shapely.contains(world.placeable_ll, polys_ll[ok])
    ok &= ~shapely.intersects(polys_m, world.river_lines_m)
    road_tree = shapely.STRtree(np.array([r["line_m"] for r in world.roads], dtype=object))
    hit, _ = road_tree.query(polys_m, predicate="intersects")
    ok[hit] = False
    # no overlaps: keep the first of each overlapping pair
    idx = np.flatnonzero(ok)
    i, j = shapely.STRtree(polys_m[idx]).query(polys_m[idx], predicate="intersects")
    drop = set()
    for p, q in sorted(zip(idx[i], idx[j])):
        if p < q and p not in drop:
            drop.add(q)
    ok[list(drop)] = False
    sel = np.flatnonzero(ok)[:N_SITES]
    if sel.size < N_SITES:
        raise RuntimeError(f"only {sel.size} construction sites fit")

    # the district is the one holding the footprint's centroid (as written, after rounding)
    cen = shapely.centroid(polys_ll[sel])
    district = world.district_index(shapely.get_x(cen), shapely.get_y(cen))
    rep = shapely.point_on_surface(polys_ll[sel])
    bad = district < 0
    if bad.any():
        district[bad] = world.district_index(shapely.get_x(rep[bad]), shapely.get_y(rep[bad]))
    area = shapely.area(polys_m[sel])
    mun = municipal[sel]
    n = sel.size
    stage = rng.choice(3, n, p=(0.30, 0.45, 0.25))               # foundation, structure, finishing
    cranes = np.where(stage == 1, 1 + rng.poisson(area / 20_000), np.where(stage == 0, rng.poisson(area / 40_000),
                                                                           rng.poisson(0.3, n)))
    hoists = np.where(stage == 0, 0, rng.poisson(0.8 * cranes + np.where(stage == 2, 1.0, 0.3)))
    gondolas = np.where(stage == 2, 2 + rng.poisson(area / 8_000), rng.poisson(0.2, n) * (stage == 1))
    workers = 20 + 0.006 * area * np.exp(rng.normal(0, 0.35, n)) + 40 * np.minimum(cranes, 6)
    cranes = np.where(mun, (rng.random(n) < 0.05).astype(int), cranes)
    hoists = np.where(mun, 0, hoists)
    gondolas = np.where(mun, 0, gondolas)
    workers = np.where(mun, 10 + 0.002 * area * np.exp(rng.normal(0, 0.35, n)), workers)
    cranes, hoists, gondolas = np.clip(cranes, 0, 6), np.clip(hoists, 0, 8), np.clip(gondolas, 0, 10)
    workers = np.clip(np.round(workers), 10, 800).astype(int)

    # names from the nearest street-name anchors
    sx = (streets.x0 + streets.x1) / 2
    sy = (streets.y0 + streets.y1) / 2
    tree = shapely.STRtree(shapely.points(sx, sy))
    nearest = tree.nearest(shapely.points(cx[sel], cy[sel]))
    types = np.array(["住宅", "商办", "保障性住房", "产业园", "学校", "医院", "城市更新"], dtype=object)
    kinds_b = rng.choice(types, n, p=(0.45, 0.18, 0.10, 0.12, 0.07, 0.03, 0.05))
    works = np.array(["道路改建工程", "排水系统改造工程", "雨污混接改造工程", "综合管廊工程", "桥梁改建工程", "轨道交通"],
                     dtype=object)
    kinds_m = rng.choice(works, n, p=(0.35, 0.2, 0.15, 0.1, 0.1, 0.1))
    lines = rng.integers(0, 7, n)
    metro_lines = (2, 13, 14, 15, 18, 19, 23)
    used, feats = set(), []
    for k in range(n):
        i = nearest[k]
        road = streets.name[i]
        dname = world.district_names[district[k]]
        if mun[k]:
            cross = [c for c in streets.cross[i] if c != road]
            if kinds_m[k] == "轨道交通":
                base = f"轨道交通{metro_lines[lines[k]]}号线{road}站工程"
            else:
                base = f"{road}({cross[0]}—{cross[1]}){kinds_m[k]}" if len(cross) >= 2 else f"{road}{kinds_m[k]}"
            name = base
            t = 2
            while name in used:
                name = base.replace("工程", f"工程({'一二三四五六七八九十'[min(t, 10) - 1]}标)") if t <= 10 else f"{base}({t})"
                t += 1
        else:
            name = f"{dname}{road}地块{kinds_b[k]}项目工地"
            if name in used:
                while True:
                    lot = f"{rng.integers(1, 30):02d}-{rng.integers(1, 12):02d}"
                    name = f"{dname}{road}{lot}地块{kinds_b[k]}项目工地"
                    if name not in used:
                        break
        used.add(name)
        ring = np.asarray(orient(polys_ll[sel[k]], 1.0).exterior.coords)
        feats.append({"type": "Feature",
                      "properties": {"id": f"CS-{k + 1:04d}", "name": name,
                                     "kind": "municipal" if mun[k] else "building", "district": dname,
                                     "tower_cranes": int(cranes[k]), "hoists": int(hoists[k]),
                                     "gondolas": int(gondolas[k]), "workers": int(workers[k]),
                                     "evacuation_status": "normal"},
                      "geometry": {"type": "Polygon",
                                   "coordinates": [[[round(float(a_), 6), round(float(b_), 6)] for a_, b_ in ring]]}})
    return feats, polys_m[sel], area


# ------------------------------------------------------------------------------------------ cameras

def owners_for(watch, n, rng):
    owners, shares = CAMERA_OWNERS[watch]
    return list(rng.choice(np.array(owners, dtype=object), n, p=shares))


def make_cameras(world: World, streets: Streets, intersections, floods, sites, site_polys_m, site_area, rng):
    rows = []  # (x, y, name, owner, watches)

    # underpasses: within 30 m of the flood point
    under = [f for f in floods if f["properties"]["kind"] == "underpass"]
    pick = rng.choice(len(under), N_CAM_UNDERPASS, replace=False)
    fx, fy = to_m([under[i]["geometry"]["coordinates"][0] for i in pick],
                  [under[i]["geometry"]["coordinates"][1] for i in pick])
    r, a = rng.uniform(8, 28, pick.size), rng.uniform(0, 2 * np.pi, pick.size)
    side = rng.integers(0, 4, pick.size)
    own = owners_for("下立交", pick.size, rng)
    for k, i in enumerate(pick):
        rows.append((fx[k] + r[k] * np.cos(a[k]), fy[k] + r[k] * np.sin(a[k]),
                     f"{under[i]['properties']['name']}{SIDES[side[k]]}口", own[k], "下立交"))

    # construction sites: on the boundary of the larger sites
    p = site_area / site_area.sum()
    pick = rng.choice(len(sites), N_CAM_SITE, replace=False, p=p)
    pos = shapely.line_interpolate_point(shapely.get_exterior_ring(site_polys_m[pick]), rng.uniform(0, 1, pick.size),
                                         normalized=True)
    xy = shapely.get_coordinates(pos)
    own = owners_for("工地", pick.size, rng)
    label = rng.choice(np.array(["大门", "塔吊", "围挡"], dtype=object), pick.size, p=(0.6, 0.25, 0.15))
    for k, i in enumerate(pick):
        rows.append((xy[k, 0], xy[k, 1], f"{sites[i]['properties']['name']}{label[k]}", own[k], "工地"))

    # river banks: Huangpu 200–260 m and Suzhou Creek 40–70 m from the centre line (half width + bank)
    rivers = [("黄浦江", world.rivers_m["黄浦江"], 200, 260), ("苏州河", world.rivers_m["苏州河"], 40, 70)]
    lengths = np.array([rv[1].length for rv in rivers])
    count, made = np.zeros(len(rivers), dtype=int), 0
    while made < N_CAM_RIVER:
        j = rng.choice(len(rivers), p=lengths / lengths.sum())
        rname, line, d0, d1 = rivers[j]
        s = rng.uniform(0, line.length)
        p0 = shapely.get_coordinates(shapely.line_interpolate_point(line, [max(s - 5, 0), min(s + 5, line.length)]))
        t = p0[1] - p0[0]
        t /= max(np.hypot(*t), 1e-9)
        off = rng.uniform(d0, d1) * rng.choice((-1.0, 1.0))
        q = shapely.get_coordinates(shapely.line_interpolate_point(line, s))[0]
        x, y = q[0] - t[1] * off, q[1] + t[0] * off
        lon, lat = to_ll(x, y)
        # on land, and not in the real Huangpu channel (the WDBII line can be several hundred metres off)
        if not world.in_district(lon, lat) or world.huangpu_border_m.distance(shapely.Point(x, y)) < 250:
            continue
        d = world.district_index(np.atleast_1d(lon), np.atleast_1d(lat))[0]
        if d < 0:
            continue
        count[j] += 1
        short = world.district_names[d].removesuffix("新区").removesuffix("区")
        rows.append((x, y, f"{rname}{short}段{count[j]}号", owners_for("河道", 1, rng)[0], "河道"))
        made += 1

    # along the street network (synthetic streets + OSM roads inside the extract)
    n_rest = N_CAMERAS - len(rows)
    real = [(r["line_m"], r["name"]) for r in world.roads if is_surface_street(r)]
    real_len = np.array([ln.length for ln, _ in real])
    syn_len = streets.length
    all_len = np.concatenate([syn_len, real_len])
    watches = rng.choice([w for w, _ in STREET_CAMERA_SHARES], n_rest, p=[s for _, s in STREET_CAMERA_SHARES])
    ends_syn = streets.length.size * 2
    cand = []
    for watch in [w for w, _ in STREET_CAMERA_SHARES]:
        want = int((watches == watch).sum())
        got = 0
        while got < want:
            m = int((want - got) * 1.5) + 50
            if watch == "路口":
                # a street end (synthetic) or an OSM crossing, uniformly over all crossings
                e = rng.integers(0, ends_syn + len(intersections), m)
                cx_, cy_, nm = [], [], []
                for k in e:
                    if k < ends_syn:
                        i = k % streets.length.size
                        x = streets.x0[i] if k < streets.length.size else streets.x1[i]
                        y = streets.y0[i] if k < streets.length.size else streets.y1[i]
                        cross = [c for c in streets.cross[i] if c != streets.name[i]]
                        nm.append(f"{streets.name[i]}{cross[0] if cross else ''}路口")
                    else:
                        x, y, a_, b_, _ = intersections[k - ends_syn]
                        nm.append(f"{a_}{b_}路口")
                    cx_.append(x)
                    cy_.append(y)
                corner = rng.integers(0, 4, m)
                ang = np.radians(45 + 90 * corner)
                dist = rng.uniform(10, 20, m)
                x = np.array(cx_) + dist * np.cos(ang)
                y = np.array(cy_) + dist * np.sin(ang)
                nm = [f"{n_}{CORNERS[c]}" for n_, c in zip(nm, corner)]
                is_real = e >= ends_syn
            else:
                k = rng.choice(all_len.size, m, p=all_len / all_len.sum())
                is_real = k >= syn_len.size
                lo_, hi_ = {"道路": (8, 12), "小区": (40, 150), "公园": (30, 250)}[watch]
                off = rng.uniform(lo_, hi_, m) * rng.choice((-1.0, 1.0), m)
                x, y = np.empty(m), np.empty(m)
                ks = k[~is_real]
                sx, sy = streets.point_at(ks, rng.uniform(0, 1, ks.size) * streets.length[ks], off[~is_real])
                x[~is_real], y[~is_real] = sx, sy
                kr = k[is_real] - syn_len.size
                for jj, (kk, o) in enumerate(zip(kr, off[is_real])):
                    line = real[kk][0]
                    s = rng.uniform(0, line.length)
                    pp = shapely.get_coordinates(shapely.line_interpolate_point(
                        line, [max(s - 1, 0), min(s + 1, line.length)]))
                    t = pp[1] - pp[0]
                    t /= max(np.hypot(*t), 1e-9)
                    q = shapely.get_coordinates(shapely.line_interpolate_point(line, s))[0]
                    pos_ = np.flatnonzero(is_real)[jj]
                    x[pos_], y[pos_] = q[0] - t[1] * o, q[1] + t[0] * o
                road = [real[kk - syn_len.size][1] if kk >= syn_len.size else streets.name[kk] for kk in k]
                num = rng.integers(1, 1200, m)
                if watch == "道路":
                    nm = [f"{r_}{nn}号{SIDES[c]}向" for r_, nn, c in zip(road, num, rng.integers(0, 4, m))]
                elif watch == "小区":
                    nm = [f"{r_}{nn}弄小区出入口" for r_, nn in zip(road, num)]
                else:
                    g = rng.choice(np.array(["绿地", "街心花园", "公园"], dtype=object), m)
                    nm = [f"{r_}{g_}" for r_, g_ in zip(road, g)]
            lon, lat = to_ll(x, y)
            # OSM-road cameras need only be in a district; synthetic ones on placeable land off the OSM box
            ok = np.where(is_real, world.in_district(lon, lat) & world.in_roads_box(x, y),
                          world.placeable(lon, lat) & ~world.in_roads_box(x, y))
            own = owners_for(watch, m, rng)
            for k2 in np.flatnonzero(ok)[: want - got]:
                cand.append((x[k2], y[k2], nm[k2], own[k2], watch))
            got += min(int(ok.sum()), want - got)
    rows += cand

    order = rng.permutation(len(rows))   # catalogue ids do not encode the category
    x = np.array([rows[i][0] for i in order])
    y = np.array([rows[i][1] for i in order])
    lon, lat = to_ll(x, y)
    return lon, lat, [rows[i][2:] for i in order]


# ----------------------------------------------------------------------------------------- stations

def make_stations(world: World, anchors, rng):
    """Weather stations and tide gauges: rows for stations.csv (see the docstring)."""
    dn = world.district_names
    fx, fy = to_m([f[1] for f in FIXED_WEATHER], [f[2] for f in FIXED_WEATHER])
    xs, ys, names = list(fx), list(fy), [f[0] for f in FIXED_WEATHER]
    fixed_district = world.district_index(*to_ll(fx, fy))
    for dname, want in WEATHER_PER_DISTRICT.items():
        d = dn.index(dname)
        need = want - int((fixed_district == d).sum())
        if need <= 0:
            continue
        bx0, by0, bx1, by1 = shapely.bounds(geom_to_m(world.district_ll[d]))

        def in_d(x, y, lon, lat, d=d):
            return shapely.contains_xy(world.district_ll[d], lon, lat)

        def weight(x, y):
            return 0.3 + 0.7 * np.sqrt(world.urbanity(x, y))

        cx, cy = world.sample(rng, 2000, weight, batch=20_000, bounds=(bx0, by0, bx1, by1), extra_mask=in_d)
        key = rng.random(cx.size)
        for spacing in (5000.0, 3500.0, 2500.0):  # as far apart as the district allows
            pick = spaced_pick(cx, cy, key, need, spacing, xs, ys)
            if pick.size == need:
                break
        xs += list(cx[pick])
        ys += list(cy[pick])
        names += [None] * pick.size
    x, y = np.array(xs), np.array(ys)
    lon, lat = to_ll(x, y)
    district = world.district_index(lon, lat)

    # names of the drawn stations: the nearest town centre within 4 km, else a road of the district
    used = set(n for n in names if n)
    ux, uy = world.urban_m[:, 0], world.urban_m[:, 1]
    town_district = world.district_index(*to_ll(ux, uy))
    for i, name in enumerate(names):
        if name:
            continue
        dist = np.where(town_district == district[i], np.hypot(ux - x[i], uy - y[i]), np.inf)
        town = URBAN_CENTRES[int(np.argmin(dist))][0]
        if dist.min() < 4000 and f"{town}自动站" not in used:
            name = f"{town}自动站"
        else:
            roads, ax, ay, _ = anchors[district[i]]
            near = [roads[k] for k in np.argsort(np.hypot(ax - x[i], ay - y[i]), kind="stable")]
            tries = [f"{dn[district[i]]}{r}自动站" for r in near] + \
                [f"{dn[district[i]]}{r}{side}自动站" for r in near for side in SIDES]
            name = next(t for t in tries if t not in used)
        used.add(name)
        names[i] = name

    order = np.lexsort((lon, district))
    rows = [(f"WX-{k:03d}", f"{lon[i]:.6f}", f"{lat[i]:.6f}", names[i], "weather", dn[district[i]], 600, "")
            for k, i in enumerate(order, start=1)]
    rows += [(gid, f"{glon:.6f}", f"{glat:.6f}", name, "tide", gdist, 300, f"{level:.2f}")
             for gid, name, glon, glat, gdist, level in TIDE_GAUGES]
    return rows


# ------------------------------------------------------------------------------------------ writers

def write_geojson(path: Path, feats: list[dict]) -> None:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False,
                               separators=(",", ":")) + "\n", encoding="utf-8")


def csv_cell(value) -> str:
    text = str(value)
    if any(ch in text for ch in ',"\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_csv(path: Path, header: list[str], rows) -> None:
    lines = [",".join(header)] + [",".join(csv_cell(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


MANIFEST = (
    ("flood_points", "flood_points.geojson", "积水点与水位传感器", "Flood points and water-depth sensors"),
    ("trees", "trees.csv", "行道树安全检测", "Street trees and their safety grades"),
    ("construction_sites", "construction_sites.geojson", "建筑与市政工地", "Building and municipal construction sites"),
    ("cameras", "cameras.csv", "视频监控点", "Video cameras"),
    ("stations", "stations.csv", "气象站与潮位站", "Weather stations and tide gauges"),
)


def write_manifest(path: Path, seed: int) -> None:
    lines = ["# Synthetic demo datasets for the Shanghai console (CC0), written by offline_data/generate_demo.py.",
             f"# seed = {seed}; coordinates WGS84 lon/lat. Do not edit by hand: re-run the generator.", ""]
    for kind, file, zh, en in MANIFEST:
        lines += ["[[dataset]]", f'kind = "{kind}"', f'file = "{file}"', 'crs = "WGS84"',
                  f'title_zh = "{zh}"', f'title_en = "{en}"', ""]
    path.write_text("\n".join(lines), encoding="utf-8")


# --------------------------------------------------------------------------------------------- main

def generate(seed: int, out_dir: Path = OUT_DIR, basemap_dir: Path = BASEMAP_DIR, verbose: bool = True) -> None:
    t0 = time.perf_counter()
    streams = np.random.SeedSequence(seed).spawn(8)
    rng = [np.random.default_rng(s) for s in streams]
    world = World.load(basemap_dir)
    world.grid_phase = tuple(rng[0].uniform(0, 2 * np.pi, 2))
    anchors = name_anchors(world, rng[0])
    streets = make_streets(world, rng[1], anchors)
    intersections = real_road_intersections(world)

    floods = make_flood_points(world, streets, intersections, rng[2])
    lon, lat, district, street, attrs = make_trees(world, streets, rng[3], rng[4])
    sites, site_polys_m, site_area = make_sites(world, streets, rng[5])
    clon, clat, cam = make_cameras(world, streets, intersections, floods, sites, site_polys_m, site_area, rng[6])
    stations = make_stations(world, anchors, rng[7])

    out_dir.mkdir(parents=True, exist_ok=True)
    write_geojson(out_dir / "flood_points.geojson", floods)
    dn = world.district_names
    write_csv(out_dir / "trees.csv",
              ["id", "lon", "lat", "species", "dbh_cm", "decay_pct", "t_r", "grade", "status", "last_inspection",
               "district", "street"],
              ((f"TR-{k + 1:06d}", f"{lon[k]:.6f}", f"{lat[k]:.6f}", attrs["species"][k], attrs["dbh_cm"][k],
                attrs["decay_pct"][k], f"{attrs['t_r'][k]:.2f}", attrs["grade"][k], attrs["status"][k],
                attrs["last_inspection"][k], dn[district[k]], street[k]) for k in range(lon.size)))
    write_geojson(out_dir / "construction_sites.geojson", sites)
    write_csv(out_dir / "cameras.csv", ["id", "lon", "lat", "name", "owner", "watches", "stream_url"],
              ((f"CAM-{k + 1:05d}", f"{clon[k]:.6f}", f"{clat[k]:.6f}", name, owner, watch,
                f"rtsp://video-gw.shanghai.invalid/live/CAM-{k + 1:05d}")
               for k, (name, owner, watch) in enumerate(cam)))
    write_csv(out_dir / "stations.csv",
              ["id", "lon", "lat", "name", "kind", "district", "expected_interval_s", "warning_level_m"], stations)
    write_manifest(out_dir / "manifest.toml", seed)
    validate(world, floods, (lon, lat, district), sites, (clon, clat), stations)
    if verbose:
        print(f"seed {seed}: {len(floods)} flood points, {lon.size} trees, {len(sites)} construction sites, "
              f"{clon.size} cameras, {len(stations)} stations in {time.perf_counter() - t0:.1f} s -> {out_dir}")


def validate(world: World, floods, trees, sites, cameras, stations) -> None:
    """Check what the docstring promises; a failure means the generator or the basemap is broken."""
    def check(ok, what):
        if not ok:
            raise RuntimeError(f"demo data check failed: {what}")

    dn = world.district_names
    fx = np.array([f["geometry"]["coordinates"] for f in floods])
    fd = world.district_index(fx[:, 0], fx[:, 1])
    check(len(floods) == N_FLOOD_UNDERPASS + N_FLOOD_SPOT, "flood point count")
    check(all(dn[d] == f["properties"]["district"] for d, f in zip(fd, floods)), "flood point districts")
    real_box = world.in_roads_box(*to_m(fx[:, 0], fx[:, 1]))
    check((world.placeable(fx[:, 0], fx[:, 1]) | real_box).all(), "flood points on land, off the water")
    lon, lat, district = trees
    check(lon.size == N_TREES and (world.district_index(lon, lat) == district).all(), "tree districts")
    cen = shapely.centroid(np.array([shape(f["geometry"]) for f in sites], dtype=object))
    cd = world.district_index(shapely.get_x(cen), shapely.get_y(cen))
    check(len(sites) == N_SITES and all(dn[d] == f["properties"]["district"] for d, f in zip(cd, sites)),
          "construction site districts")
    clon, clat = cameras
    check(clon.size == N_CAMERAS and world.in_district(clon, clat).all(), "cameras in a district")
    weather = [r for r in stations if r[4] == "weather"]
    gauges = [r for r in stations if r[4] == "tide"]
    check(len(weather) == N_WEATHER and len(gauges) == len(TIDE_GAUGES), "station count")
    check(len({r[0] for r in stations}) == len(stations) and len({r[3] for r in stations}) == len(stations),
          "station ids and names unique")
    wlon = np.array([float(r[1]) for r in weather])
    wlat = np.array([float(r[2]) for r in weather])
    wd = world.district_index(wlon, wlat)
    check(all(dn[d] == r[5] for d, r in zip(wd, weather)), "weather station districts")
    check(world.placeable(wlon, wlat).all(), "weather stations on land, off the water")
    check(set(dn) == {r[5] for r in weather}, "a weather station in every district")
    check(all(sum(r[5] == d for r in weather) == n for d, n in WEATHER_PER_DISTRICT.items()), "stations per district")
    wx, wy = to_m(wlon, wlat)
    gap = np.hypot(wx[:, None] - wx[None, :], wy[:, None] - wy[None, :]) + np.eye(wx.size) * 1e9
    check(gap.min() >= 2500, "weather stations at least 2.5 km apart")
    for gid, _, glon, glat, gdist, level in TIDE_GAUGES:
        row = next(r for r in gauges if r[0] == gid)
        near = world.district_ll[dn.index(gdist)].distance(shapely.Point(float(row[1]), float(row[2])))
        check(near < 0.01 and float(row[7]) == level, f"tide gauge {gid}: district and warning level")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate the synthetic Shanghai demo objects (offline_data/demo).")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder (default offline_data/demo)")
    parser.add_argument("--basemap", type=Path, default=BASEMAP_DIR, help="prepared basemap folder")
    args = parser.parse_args(argv)
    generate(args.seed, args.out, args.basemap)
    return 0


if __name__ == "__main__":
    sys.exit(main())
