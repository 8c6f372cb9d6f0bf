"""Chinese first: every user-visible string in the code is in the translation file, and translated."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6 import QtCore

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "console_zh_CN.ts"
QM = TS.with_suffix(".qm")


def tool(name: str) -> str:
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else shutil.which(name)


def test_every_string_in_the_code_is_in_the_translation_file(tmp_path):
    copy = tmp_path / TS.name
    shutil.copy(TS, copy)
    sources = [str(p) for pattern in ("console/qt/*.py", "console/core/*.py", "console/core/rules/*.py", "layers/*.py")
               for p in sorted(ROOT.glob(pattern))]
    result = subprocess.run([tool("pyside6-lupdate"), *sources, "-ts", str(copy)], capture_output=True, text=True,
                            check=True)
    found = re.search(r"Found (\d+) source text\(s\) \((\d+) new", result.stdout)
    assert found, result.stdout
    assert int(found.group(1)) > 80
    assert found.group(2) == "0", "new UI strings are not in the .ts file: run `make translations` and translate"


def test_every_message_is_translated_and_compiled(tmp_path):
    text = TS.read_text(encoding="utf-8")
    assert 'type="unfinished"' not in text
    fresh = tmp_path / QM.name
    subprocess.run([tool("pyside6-lrelease"), str(TS), "-qm", str(fresh)], capture_output=True, check=True)
    assert fresh.read_bytes() == QM.read_bytes(), "the .qm is older than the .ts: run `make translations`"
    translator = QtCore.QTranslator()
    assert translator.load(str(QM))
    assert translator.translate("layers", "Street trees") == "行道树"
    assert translator.translate("fields", "Water depth (cm)") == "积水深度 (厘米)"
