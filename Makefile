# The course's commands. Each creates (or updates) the virtual environment .venv from the pins first.
#   make reproduce   execute every notebook with its default parameters, regenerate figures/ and results/
#   make test        what CI runs: lint, unit tests, structure checks, every notebook in fast mode
#   make lab         open JupyterLab at the repository root, on the course map (notebooks/00_start_here.ipynb)
#   make student     cut the student edition (solutions replaced by stubs) into build/student
#   make lab-student cut the student edition and open it in JupyterLab
#   make site        build the course website from the committed notebooks into build/site (no execution)
# PYTHON picks the interpreter for the environment (3.10-3.12); REQUIREMENTS=requirements-gpu.txt adds CUDA.

PYTHON ?= python3
REQUIREMENTS ?= requirements.txt
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(notdir $(REQUIREMENTS))
FAST_NOTEBOOKS := build/fast_notebooks

.PHONY: venv reproduce test lint lab student lab-student site clean

venv: $(STAMP)

$(STAMP): $(REQUIREMENTS) requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if (3, 10) <= v <= (3, 12) else \
		"Python %d.%d found; the course needs 3.10, 3.11 or 3.12: run make PYTHON=python3.11 ..." % v)'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --requirement $(REQUIREMENTS) --editable .
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)
	@echo "Environment ready in $(VENV)"

reproduce: venv
	$(PY) tools/reproduce.py $(ARGS)

lint: venv
	$(PY) -m ruff check .

test: lint
	@rm -rf $(FAST_NOTEBOOKS)
	$(PY) tools/prepare_fast_notebooks.py $(FAST_NOTEBOOKS)
	$(PY) -m pytest tests $(FAST_NOTEBOOKS) --nbval-lax --nbval-current-env --nbval-cell-timeout=600 $(ARGS)

ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

LAB := $(PY) -m jupyter lab --ServerApp.root_dir=. $(ROOT_FLAG)

lab: venv
	$(LAB) --LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb $(ARGS)

student: venv
	@rm -rf build/student
	$(PY) tools/student_edition.py build/student

lab-student: student
	$(LAB) --LabApp.default_url=/lab/tree/build/student/00_start_here.ipynb $(ARGS)

site: venv
	$(PY) site/build.py

clean:
	rm -rf build $(VENV)
