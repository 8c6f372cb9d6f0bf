"""Where things are: bundled resources and data, and the user's own data folder."""
from __future__ import annotations

import os
import sys
from pathlib import Path

# resources/ and offline_data/ sit beside the console package, in a checkout and in an installed wheel.
ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"
OFFLINE_DATA = ROOT / "offline_data"
APP_NAME = "emergency-console"


def user_data_home() -> Path:
    """Where the per-user data folder is (XDG on Linux), without creating it."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_NAME


def user_data_dir() -> Path:
    """The per-user data folder, created on first use."""
    folder = user_data_home()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def default_db_path() -> Path:
    return user_data_home() / "console.db"  # the store creates its folder
