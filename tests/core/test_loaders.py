"""Importing objects from files: declared coordinate systems, bad records, and what the user is told."""
import json

import numpy as np
import pytest

from console.core.crs import wgs84_to_gcj02
from console.core.loaders import LoadError, load_objects
from console.core.session import Session
from console.core.store import Store

HEADER = "id,lon,lat,species,dbh_cm,decay_pct,t_r,grade,status,last_inspection,district,street\n"


def registered(events):
    """The object entries of registration events, in order."""
    return [entry for event in events for entry in event.payload["objects"]]


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_bad_records_are_rejected_with_line_and_reason_and_good_ones_load(tmp_path):
    path = write(tmp_path / "trees.csv", HEADER +
                 "TR-1,121.47,31.23,悬铃木,45,10,0.8,low,checked,2021-06-01,黄浦区,南京东路\n"
                 "TR-2,121.47,31.23,香樟,abc,10,0.8,low,checked,,,\n"          # line 3: DBH not a number
                 "TR-3,121.47,31.23,香樟,30,10,0.8,purple,checked,,,\n"        # line 4: unknown grade
                 "TR-4,2.35,48.85,香樟,30,10,0.8,low,checked,,,\n"             # line 5: Paris
                 "TR-1,121.48,31.24,香樟,30,10,0.8,low,checked,,,\n"           # line 6: duplicate id
                 "TR-6,121.48,31.24,香樟,30,10,1.7,high,checked,,,\n"          # line 7: t/R > 1
                 "TR-7,121.49,31.24,银杏,25,,,high,braced,,,\n")
    events, report = load_objects(path, "trees")
    assert report.accepted == 2 and [o["id"] for o in registered(events)] == ["TR-1", "TR-7"]
    reasons = {r.location: r.reason for r in report.rejected}
    assert set(reasons) == {"line 3", "line 4", "line 5", "line 6", "line 7"}
    assert "dbh_cm" in reasons["line 3"] and "not a number" in reasons["line 3"]
    assert "purple" in reasons["line 4"]
    assert "outside the city" in reasons["line 5"]
    assert "duplicate" in reasons["line 6"]
    assert "t_r" in reasons["line 7"]
    summary = report.summary()
    assert "trees.csv: 2 trees loaded, 5 rejected" in summary and "trees.csv, line 4" in summary


def test_gcj02_file_is_converted_to_wgs84(tmp_path):
    lon, lat = 121.4737, 31.2304  # People's Square, WGS84
    glon, glat = wgs84_to_gcj02(lon, lat)
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [float(glon), float(glat)]},
               "properties": {"id": "FP-1", "name": "人民广场积水点", "kind": "road_spot"}}
    path = write(tmp_path / "fp.geojson", json.dumps({"type": "FeatureCollection", "features": [feature]}))
    events, report = load_objects(path, "flood_points", crs="GCJ-02")
    assert report.accepted == 1
    assert registered(events)[0]["lon"] == pytest.approx(lon, abs=1e-7)
    assert registered(events)[0]["lat"] == pytest.approx(lat, abs=1e-7)
    as_wgs, _ = load_objects(path, "flood_points", crs="WGS84")  # declared wrongly: ~430 m off
    assert abs(registered(as_wgs)[0]["lon"] - lon) > 0.003


def test_geojson_polygons_become_site_footprints_and_bad_features_are_named(tmp_path):
    ring = [[121.47, 31.23], [121.472, 31.23], [121.472, 31.232], [121.47, 31.232], [121.47, 31.23]]
    features = [
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
         "properties": {"id": "CS-1", "name": "工地", "evacuation_status": "normal", "tower_cranes": 2}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [121.47, 31.23]},
         "properties": {"id": "CS-2", "name": "点", "evacuation_status": "normal"}},
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
         "properties": {"id": "CS-3", "name": "起重", "evacuation_status": "normal", "tower_cranes": 2.5}},
        {"type": "Feature", "geometry": None, "properties": {"id": "CS-4"}},
    ]
    path = write(tmp_path / "sites.geojson", json.dumps({"type": "FeatureCollection", "features": features}))
    events, report = load_objects(path, "construction_sites")
    assert [o["id"] for o in registered(events)] == ["CS-1"]
    assert np.allclose(registered(events)[0]["footprint"], ring)
    assert {r.location for r in report.rejected} == {"feature 1", "feature 2", "feature 3"}
    assert "expected a Polygon" in next(r.reason for r in report.rejected if r.location == "feature 1")
    assert "whole number" in next(r.reason for r in report.rejected if r.location == "feature 2")


def test_whole_file_problems_raise_a_clear_error(tmp_path):
    with pytest.raises(LoadError, match="not a GeoJSON"):
        load_objects(write(tmp_path / "broken.geojson", "{not json"), "trees")
    with pytest.raises(LoadError, match="header"):
        load_objects(write(tmp_path / "noheader.csv", "a,b\n1,2\n"), "trees")
    with pytest.raises(LoadError, match="unknown layer kind"):
        load_objects(write(tmp_path / "x.csv", HEADER), "dragons")
    with pytest.raises(ValueError, match="Mars"):
        load_objects(write(tmp_path / "t.csv", HEADER + "TR-1,121.47,31.23,a,1,1,0.5,low,checked,,,\n"),
                     "trees", crs="Mars")


def test_importing_the_same_file_twice_changes_nothing(tmp_path):
    path = write(tmp_path / "trees.csv", HEADER + "TR-1,121.47,31.23,悬铃木,45,10,0.8,low,checked,,,\n")
    session = Session(Store(tmp_path / "console.db"))
    assert len(session.ingest(load_objects(path, "trees")[0])) == 1
    assert len(session.layers["trees"]) == 1
    assert session.ingest(load_objects(path, "trees")[0]) == []
    assert session.store.event_count() == 1


def write_geopackage(path, srs_id, rows):
    """A minimal GeoPackage: the geometry-columns table and one feature table of points (WKB in GP blobs)."""
    import sqlite3
    import struct

    import shapely

    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m)")
    conn.execute("INSERT INTO gpkg_geometry_columns VALUES ('cams', 'geom', 'POINT', ?, 0, 0)", (srs_id,))
    conn.execute("CREATE TABLE cams (fid INTEGER PRIMARY KEY, geom BLOB, id TEXT, name TEXT, stream_url TEXT)")
    for object_id, lon, lat in rows:
        blob = b"GP" + bytes([0, 0b11]) + struct.pack("<i", srs_id) + struct.pack("<4d", lon, lon, lat, lat)
        blob += shapely.to_wkb(shapely.Point(lon, lat))
        conn.execute("INSERT INTO cams (geom, id, name, stream_url) VALUES (?, ?, ?, ?)",
                     (blob if object_id != "bad" else b"junk", object_id, "摄像头", "rtsp://cam.invalid/1"))
    conn.commit()
    conn.close()
    return path


def test_geopackage_points_load_and_a_wrong_declared_crs_is_refused(tmp_path):
    path = write_geopackage(tmp_path / "cams.gpkg", 4326, [("CAM-1", 121.47, 31.23), ("bad", 121.4, 31.2),
                                                            ("CAM-3", 121.5, 31.3)])
    events, report = load_objects(path, "cameras")
    assert [o["id"] for o in registered(events)] == ["CAM-1", "CAM-3"]
    assert registered(events)[0]["lon"] == pytest.approx(121.47)
    assert [(r.location, "GeoPackage geometry" in r.reason) for r in report.rejected] == [("row 2", True)]
    with pytest.raises(LoadError, match="EPSG:4326.*declared EPSG:4549"):
        load_objects(path, "cameras", crs="EPSG:4549")


def test_a_large_file_becomes_a_few_registration_events(tmp_path):
    rows = "".join(f"TR-{i},121.4{i % 10},31.2{i % 7},悬铃木,45,10,0.8,low,checked,,,\n" for i in range(12_001))
    events, report = load_objects(write(tmp_path / "trees.csv", HEADER + rows), "trees")
    assert report.accepted == 12_001 and len(events) == 3
    session = Session(Store(tmp_path / "console.db"))
    session.ingest(events)
    assert len(session.layers["trees"]) == 12_001
