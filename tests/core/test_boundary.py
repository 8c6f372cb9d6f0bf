"""The plain-Python model must never load Qt: it runs headless, in feeds and in tests."""
import subprocess
import sys

MODULES = ["layers", "layers.base", "layers.density", "layers.basemap", "console.core.store",
           "console.core.session", "console.core.loaders", "console.core.demo", "console.core.basemap_loader",
           "console.core.crs", "console.core.projections", "console.cli"]


def test_core_and_layers_import_without_qt():
    code = ("import sys\n" + "".join(f"import {m}\n" for m in MODULES) +
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6'))\n"
            "print(','.join(bad))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"Qt was loaded by the model: {result.stdout}"


def test_the_check_itself_sees_qt():
    """Guard against a check that can never fail: importing the Qt side must show up."""
    code = ("import sys, console.qt.point_layer_item\n"
            "print(any(m.startswith('PySide6') for m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "True"
