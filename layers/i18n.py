"""Marks text for Qt's translation tools without importing Qt.

pyside6-lupdate finds QT_TRANSLATE_NOOP("context", "text") calls by name in any Python file; the Qt side
translates the same text in the same context at display time.
"""


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate looks for
    return text
