"""Copy every course notebook into a folder with FAST=True injected by papermill, outputs kept.

The test suite then executes these copies with nbval: the injected parameters make each run fast,
and the cells tagged ``nbval-check-output`` must reproduce the outputs committed from the default run.
"""

import sys
from pathlib import Path

import papermill

from utils.paths import NOTEBOOK_DIR, course_notebooks


def main(target: str) -> None:
    out = Path(target)
    out.mkdir(parents=True, exist_ok=True)
    notebooks = course_notebooks()
    if not notebooks:
        sys.exit(f"no notebooks found in {NOTEBOOK_DIR}")
    for notebook in notebooks:
        papermill.execute_notebook(str(notebook), str(out / notebook.name), parameters={"FAST": True},
                                   prepare_only=True, log_output=False, progress_bar=False)
    print(f"prepared {len(notebooks)} notebooks in fast mode under {out}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: prepare_fast_notebooks.py TARGET_DIR")
    main(sys.argv[1])
