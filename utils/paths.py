"""Where the course keeps its data and writes its outputs.

Only ``make reproduce`` writes the committed ``figures/`` and ``results/``: it runs each notebook with the
environment variable ``COURSE_OUTPUT_DIR`` pointing at a staging folder and moves the outputs into place when
the notebook succeeds. Any other run (JupyterLab, papermill by hand, the test suite) writes to
``build/scratch/`` or to the folder ``COURSE_OUTPUT_DIR`` names, so it can never damage committed files.
Reading the course's recorded numbers (``load_results``) always reads the committed ``results/results.json``.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
NOTEBOOK_DIR = REPO_ROOT / "notebooks"
COMMITTED_RESULTS = REPO_ROOT / "results" / "results.json"
COMMITTED_FIGURES = REPO_ROOT / "figures"
SCRATCH_DIR = REPO_ROOT / "build" / "scratch"
OUTPUT_DIR_ENV = "COURSE_OUTPUT_DIR"


def course_notebooks() -> list[Path]:
    """The course's notebooks (``NN_name.ipynb``) in reading order."""
    return sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


def output_dir() -> Path:
    """The folder that holds this run's ``figures/`` and ``results/``: ``COURSE_OUTPUT_DIR`` if set (the
    reproduce command's staging folder, the tests' temporary folder), else ``build/scratch``."""
    override = os.environ.get(OUTPUT_DIR_ENV)
    path = Path(override).resolve() if override else SCRATCH_DIR
    if path in (REPO_ROOT, COMMITTED_FIGURES.parent) or COMMITTED_FIGURES in (path, *path.parents):
        raise ValueError(f"{OUTPUT_DIR_ENV} must not be the repository root or figures/: only make reproduce "
                         f"writes the committed outputs, got {path}")
    return path


def is_scratch_run() -> bool:
    """True when nothing set ``COURSE_OUTPUT_DIR``: a learner's run in JupyterLab or by hand."""
    return not os.environ.get(OUTPUT_DIR_ENV)


def figures_dir() -> Path:
    path = output_dir() / "figures"
    path.mkdir(parents=True, exist_ok=True)
    return path


def results_path() -> Path:
    """The results file this run writes (see ``output_dir``)."""
    path = output_dir() / "results"
    path.mkdir(parents=True, exist_ok=True)
    return path / "results.json"


def display_path(path) -> str:
    """``path`` relative to the repository root when it lies inside it, so outputs hold no machine folders."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or path, got {type(path).__name__}")
    path = Path(path).resolve()
    try:
        return path.relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return path.name
