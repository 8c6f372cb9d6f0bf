# The two commands of the README's quick start, and a few for developers.
#   make run    set everything up, open the console on the bundled Shanghai demo (ARGS="--lang en" ...)
#   make test   set everything up, run the whole test suite (PYTEST_ARGS="-k store" ...)
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: setup run test bench translations clean

setup: $(STAMP)

$(STAMP): pyproject.toml .ci/system-packages
	sh .ci/system-packages
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: setup
	$(VENV)/bin/python main.py $(ARGS)

test: setup
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/python -m pytest $(PYTEST_ARGS)

bench: setup
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/python bench/canvas.py

# Refresh the translation source from the code, then compile it (edit the .ts with Qt Linguist).
translations: setup
	$(VENV)/bin/pyside6-lupdate console/qt/*.py console/core/*.py console/core/rules/*.py layers/*.py -ts resources/translations/console_zh_CN.ts -no-obsolete
	$(VENV)/bin/pyside6-lrelease resources/translations/console_zh_CN.ts -qm resources/translations/console_zh_CN.qm

clean:
	rm -rf $(VENV) build *.egg-info
