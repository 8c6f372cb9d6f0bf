"""Qt translations: Simplified Chinese by default, English on request (the source text is English)."""
from __future__ import annotations

from PySide6 import QtCore

from console.core.paths import RESOURCES

TRANSLATIONS = RESOURCES / "translations"
LANGUAGES = ("zh_CN", "en")
_installed: list[QtCore.QTranslator] = []


def install_language(app: QtCore.QCoreApplication, language: str) -> None:
    """Replace the installed translators with those for `language` ('zh_CN' or 'en')."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}")
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if language == "en":
        return
    ours = QtCore.QTranslator(app)
    if not ours.load(str(TRANSLATIONS / f"console_{language}.qm")):
        raise FileNotFoundError(f"translation {TRANSLATIONS / f'console_{language}.qm'} is missing")
    qt_base = QtCore.QTranslator(app)  # Qt's own dialogs and buttons
    if qt_base.load(f"qtbase_{language}", QtCore.QLibraryInfo.path(QtCore.QLibraryInfo.LibraryPath.TranslationsPath)):
        _installed.append(qt_base)
    _installed.append(ours)
    for translator in _installed:
        app.installTranslator(translator)


def translate(context: str, text: str) -> str:
    """Text marked in the plain-Python model with QT_TRANSLATE_NOOP(context, text)."""
    return QtCore.QCoreApplication.translate(context, text)
