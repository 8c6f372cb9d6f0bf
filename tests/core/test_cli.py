"""The headless command-line commands, run as a user would: `python main.py ...` in a subprocess."""
import subprocess
import sys
from pathlib import Path

from console.core.store import SCHEMA_VERSION

ROOT = Path(__file__).resolve().parents[2]
HEADER = "id,lon,lat,species,dbh_cm,decay_pct,t_r,grade,status,last_inspection,district,street\n"


def run(*args):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_import_info_and_rebuild(tmp_path):
    db = tmp_path / "console.db"
    trees = tmp_path / "trees.csv"
    trees.write_text(HEADER + "TR-1,121.47,31.23,悬铃木,45,10,0.8,low,checked,,,\n"
                              "TR-2,121.47,31.23,香樟,45,10,0.8,purple,checked,,,\n", encoding="utf-8")
    result = run("--db", str(db), "import", "trees", str(trees))
    assert result.returncode == 0, result.stderr
    assert "trees.csv: 1 trees loaded, 1 rejected" in result.stdout
    assert "trees.csv, line 3: 'grade' is 'purple'" in result.stdout
    info = run("--db", str(db), "info")
    assert f"schema {SCHEMA_VERSION}, 1 events" in info.stdout and "trees: 1" in info.stdout
    assert "alerts: 0 (0 active)" in info.stdout and "tasks: 0 (0 open)" in info.stdout
    rebuilt = run("--db", str(db), "rebuild")
    assert rebuilt.returncode == 0 and "rebuilt the projections from 1 events" in rebuilt.stdout


def test_bad_input_is_reported_without_a_traceback(tmp_path):
    db = tmp_path / "console.db"
    missing = run("--db", str(db), "import", "trees", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr and "Traceback" not in missing.stderr
    wrong_crs = tmp_path / "t.csv"
    wrong_crs.write_text(HEADER + "TR-1,121.47,31.23,a,1,1,0.5,low,checked,,,\n", encoding="utf-8")
    crs = run("--db", str(db), "import", "trees", str(wrong_crs), "--crs", "Mars")
    assert crs.returncode == 2 and "Mars" in crs.stderr and "Traceback" not in crs.stderr
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database" * 200)
    opened = run("--db", str(junk), "info")
    assert opened.returncode == 2 and "not a usable console database" in opened.stderr


def test_help_lists_every_command():
    result = run("--help")
    assert result.returncode == 0
    for word in ("import", "rebuild", "info", "--db", "--lang", "--no-demo"):
        assert word in result.stdout


def test_simulate_plays_the_scenario_into_the_database(tmp_path):
    db = tmp_path / "console.db"
    result = run("--db", str(db), "simulate", "--speed", "0", "--start", "2021-07-25T09:00+08:00",
                 "--end", "2021-07-25T09:30+08:00")
    assert result.returncode == 0, result.stderr
    assert "0 messages rejected" in result.stdout
    import sqlite3

    conn = sqlite3.connect(db)
    readings = conn.execute("SELECT count(*), min(event_time), max(event_time) FROM events "
                            "WHERE type = 'flood_point.reading'").fetchone()
    assert readings[0] == 700 * 6  # every flood point every 5 minutes, 09:00 to 09:25
    assert readings[1] == "2021-07-25T01:00:00.000Z" and readings[2] == "2021-07-25T01:25:00.000Z"
    stations = conn.execute("SELECT count(*) FROM stations WHERE last_reading IS NOT NULL").fetchone()[0]
    assert stations == 53
    # the after-action review of what was simulated, exported without a window; the database is only read
    incidents = conn.execute("SELECT count(*) FROM incidents").fetchone()[0]
    conn.close()
    before = db.stat().st_mtime_ns
    review = run("--db", str(db), "review", "--html", str(tmp_path / "review.html"), "--pdf",
                 str(tmp_path / "review.pdf"))
    assert review.returncode == 0, review.stderr
    html = (tmp_path / "review.html").read_text(encoding="utf-8")
    assert "复盘" in html and incidents > 0 and f"事件单 {incidents:,} 件" in html
    assert (tmp_path / "review.pdf").read_bytes().startswith(b"%PDF") and db.stat().st_mtime_ns == before


def test_simulate_reports_a_broker_it_cannot_reach(tmp_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "simulate", "--broker", f"127.0.0.1:{port}",
                             "--speed", "0", "--start", "2021-07-25T09:00+08:00", "--end", "2021-07-25T09:05+08:00"],
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr


def test_the_training_recording_stores_a_minute_of_scenario_per_append(tmp_path):
    from console.core.replay import Replay
    from console.core.replay.training import record_scenario
    from console.core.store import Store

    store = Store(tmp_path / "infa.db")
    stored = record_scenario(store, start="2021-07-25T09:00+08:00", end="2021-07-25T09:10+08:00")
    appends, minutes = store.conn.execute(
        "SELECT count(DISTINCT received_time), count(DISTINCT substr(event_time, 1, 16)) FROM events "
        "WHERE source = 'in-fa'").fetchone()
    assert stored > 700 * 2 and 1 < minutes == appends  # one append for each minute that has messages
    store.close()
    replay = Replay(tmp_path / "infa.db", cache_folder=tmp_path / "cache")
    replay.seek("2021-07-25T01:04:30.000Z")  # 09:04:30 Beijing: the state after the 09:04 minute
    assert replay.time.startswith("2021-07-25T01:04")
    replay.close()


def test_replay_says_so_when_the_data_folder_cannot_be_written(tmp_path):
    import os

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be", encoding="utf-8")
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "replay"], capture_output=True, text=True,
                            cwd=ROOT, timeout=120, env={**os.environ, "XDG_DATA_HOME": str(blocker / "data")})
    assert result.returncode == 2 and "not-a-folder" in result.stderr and "Traceback" not in result.stderr


def test_a_bad_inject_file_is_refused_before_an_exercise_is_made(tmp_path):
    import os

    bad = tmp_path / "drill.toml"
    bad.write_text('[[inject]]\nat = "2021-07-25T21:00:00+08:00"\nkind = "volcano"\n', encoding="utf-8")
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "exercise", "--injects", str(bad)],
                            capture_output=True, text=True, cwd=ROOT, timeout=120,
                            env={**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")})
    assert result.returncode == 2 and "drill.toml" in result.stderr and "volcano" in result.stderr
    assert "Traceback" not in result.stderr
    assert not list((tmp_path / "data").rglob("*.db"))  # no empty exercise database left behind
