"""Where the course keeps its data and writes its outputs.

Outputs go to ``figures/`` and ``results/`` at the repository root, unless the environment variable
``COURSE_OUTPUT_DIR`` names another folder: the test suite uses it so that fast-mode runs never
overwrite the committed figures and numbers.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
NOTEBOOK_DIR = REPO_ROOT / "notebooks"
OUTPUT_DIR_ENV = "COURSE_OUTPUT_DIR"


def course_notebooks() -> list[Path]:
    """The course's notebooks (``NN_name.ipynb``) in reading order."""
    return sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


def output_dir() -> Path:
    """The folder that holds ``figures/`` and ``results/`` (the repository root by default)."""
    override = os.environ.get(OUTPUT_DIR_ENV)
    return Path(override).resolve() if override else REPO_ROOT


def figures_dir() -> Path:
    path = output_dir() / "figures"
    path.mkdir(parents=True, exist_ok=True)
    return path


def results_path() -> Path:
    path = output_dir() / "results"
    path.mkdir(parents=True, exist_ok=True)
    return path / "results.json"
