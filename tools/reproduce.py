"""Reproduce the course: execute every notebook in order with papermill, then print the results table.

    python tools/reproduce.py                 every notebook, default parameters; committed outputs replaced
    python tools/reproduce.py --only 00 01    only the notebooks whose names start with these prefixes
    python tools/reproduce.py --fast          a quick check: FAST=True, outputs under build/fast_run (only the
                                              FAST times are kept, in results/fast_times.json)

This is the only command that writes the committed notebooks, figures/ and results/. Each notebook runs with
its outputs sent to a staging folder (build/reproduce/NN_name/); only when it finishes without error are its
executed copy, its figures (NN_*.png/.gif) and its section of results/results.json moved into place, so an
interrupted or failed run leaves every committed file as it was. Each notebook's wall and kernel CPU time are
recorded beside its numbers and written into the first CPU (and wall) time of its "## Run time" section. Nothing is
downloaded.
"""

import argparse
import fcntl
import json
import os
import re
import resource
import shutil
import sys
import time
from pathlib import Path

import nbformat
import papermill

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from nbtools import write_notebook  # noqa: E402

from utils.paths import COMMITTED_FIGURES, COMMITTED_RESULTS, NOTEBOOK_DIR, OUTPUT_DIR_ENV, course_notebooks  # noqa: E402
from utils.results import _write, load_results, record_value, results_table  # noqa: E402


def _children_cpu_seconds():
    """CPU time (user + system) of finished child processes: the notebook kernels papermill started."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def execute(notebook: Path, stage: Path, parameters: dict) -> Path:
    """Run ``notebook`` into ``stage`` with its figures and results going to ``stage`` too."""
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    os.environ[OUTPUT_DIR_ENV] = str(stage)  # the kernel inherits it: utils.paths writes there
    output = stage / notebook.name
    # Relative paths and cwd keep the machine's folders out of the notebook's metadata.
    papermill.execute_notebook(os.path.relpath(notebook, NOTEBOOK_DIR), os.path.relpath(output, NOTEBOOK_DIR),
                               parameters=parameters, cwd=str(NOTEBOOK_DIR), progress_bar=True,
                               request_save_on_cell_execute=False)
    return output


def promote(notebook: Path, stage: Path) -> None:
    """Move a finished run's notebook, figures and results section over the committed ones."""
    staged_results = stage / "results" / "results.json"
    section = load_results(staged_results).get(notebook.stem) if staged_results.exists() else None
    if section is None:
        raise RuntimeError(f"{notebook.name} recorded no results section (it must open one with utils.Results)")
    new_figures = sorted((stage / "figures").glob("*")) if (stage / "figures").exists() else []
    prefix = notebook.name[:3]  # "03_": a notebook's figures carry its number
    if any(not f.name.startswith(prefix) for f in new_figures):
        raise RuntimeError(f"{notebook.name} saved figures without its prefix {prefix!r}: "
                           f"{[f.name for f in new_figures if not f.name.startswith(prefix)]}")
    executed = nbformat.read(stage / notebook.name, as_version=4)
    values = section.get("values", {})
    if "cpu_time" in values:
        state_run_time(executed, values["cpu_time"]["value"], values.get("wall_time", {}).get("value"))

    # Everything is staged and checked; now replace, each file atomically, one reproduce run at a time (two runs
    # of different notebooks must not interleave their read-modify-write of results.json).
    with open(ROOT / "build" / ".reproduce.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _replace(notebook, executed, section, new_figures, prefix)


RUN_TIME_CPU = re.compile(r"(\*\*)?(\d+(?:\.\d+)?)(\s+(?:CPU-seconds|s of CPU time))")
RUN_TIME_WALL = re.compile(r"(\d+(?:\.\d+)?)(\s+s\s+of\s+wall\s+time)")


def state_run_time(nb, cpu_seconds, wall_seconds=None) -> None:
    """Put this run's CPU (and wall) seconds into the first such number of the notebook's "## Run time" section,
    at the precision already written, so that the prose states the run it sits in."""
    def same_precision(value, like):
        return f"{value:.{len(like.split('.')[1]) if '.' in like else 0}f}"

    for cell in nb.cells:
        if cell.cell_type != "markdown" or "## Run time" not in cell.source:
            continue
        start = cell.source.index("## Run time")
        end = cell.source.find("\n## ", start + 1)
        end = len(cell.source) if end < 0 else end
        old = cell.source[start:end]
        new = RUN_TIME_CPU.sub(lambda m: (m[1] or "") + same_precision(cpu_seconds, m[2]) + m[3], old, count=1)
        if wall_seconds is not None:
            new = RUN_TIME_WALL.sub(lambda m: same_precision(wall_seconds, m[1]) + m[2], new, count=1)
        cell.source = cell.source[:start] + new + cell.source[end:]
        return


def _replace(notebook, executed, section, new_figures, prefix):
    COMMITTED_FIGURES.mkdir(exist_ok=True)
    names = {f.name for f in new_figures}
    for old in COMMITTED_FIGURES.glob(f"{prefix}*"):
        if old.name not in names:
            old.unlink()  # a figure this notebook no longer makes
    for figure in new_figures:
        tmp = COMMITTED_FIGURES / f".{figure.name}.tmp"
        shutil.copyfile(figure, tmp)
        os.replace(tmp, COMMITTED_FIGURES / figure.name)
    committed = load_results()
    committed[notebook.stem] = section
    COMMITTED_RESULTS.parent.mkdir(exist_ok=True)
    _write(committed, COMMITTED_RESULTS)
    write_notebook(executed, notebook)


FAST_TIMES = ROOT / "results" / "fast_times.json"


def record_fast_time(stem, seconds, cpu_seconds):
    """Keep each notebook's FAST-mode wall and CPU seconds (the instructor guide's table reads them)."""
    times = json.loads(FAST_TIMES.read_text()) if FAST_TIMES.exists() else {}
    times[stem] = {"wall_time": round(seconds, 1), "cpu_time": round(cpu_seconds, 1)}
    tmp = FAST_TIMES.with_suffix(".tmp")
    tmp.write_text(json.dumps(times, indent=1, sort_keys=True) + "\n")
    os.replace(tmp, FAST_TIMES)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", metavar="PREFIX", help="run only notebooks starting with these")
    parser.add_argument("--fast", action="store_true", help="FAST=True, writing only under build/fast_run")
    args = parser.parse_args()

    notebooks = course_notebooks()
    if args.only:
        notebooks = [nb for nb in notebooks if nb.name.startswith(tuple(args.only))]
    if not notebooks:
        print("no notebook matches", args.only, file=sys.stderr)
        return 2
    stage_root = ROOT / "build" / ("fast_run" if args.fast else "reproduce")
    parameters = {"FAST": True} if args.fast else {}

    os.chdir(NOTEBOOK_DIR)  # papermill resolves the relative paths of execute() against the working directory
    start = time.perf_counter()
    print(f"Executing {len(notebooks)} notebooks {'in FAST mode ' if args.fast else ''}with papermill")
    for i, notebook in enumerate(notebooks, 1):
        print(f"\n[{i}/{len(notebooks)}] {notebook.stem}  (elapsed {time.perf_counter() - start:,.0f} s)",
              flush=True)
        began, cpu_began = time.perf_counter(), _children_cpu_seconds()
        stage = stage_root / notebook.stem
        try:
            execute(notebook, stage, parameters)
        except papermill.PapermillExecutionError as err:
            print(f"\nFAILED: {notebook.name}, cell {err.exec_count}: {err.ename}: {err.evalue}\n"
                  f"The notebook with the error is at {stage / notebook.name}; committed files are unchanged.",
                  file=sys.stderr)
            return 1
        seconds, cpu_seconds = time.perf_counter() - began, _children_cpu_seconds() - cpu_began
        staged_results = stage / "results" / "results.json"
        if staged_results.exists() and notebook.stem in load_results(staged_results):
            record_value(notebook.stem, "wall_time", round(seconds, 1), unit="s", path=staged_results,
                         description="wall time of the whole notebook (papermill, this machine)")
            record_value(notebook.stem, "cpu_time", round(cpu_seconds, 1), unit="s", path=staged_results,
                         description="CPU time of the notebook's kernel, all cores (unaffected by other load)")
        if args.fast:
            record_fast_time(notebook.stem, seconds, cpu_seconds)
        else:
            promote(notebook, stage)
            shutil.rmtree(stage)
        print(f"    done in {seconds:,.1f} s ({cpu_seconds:,.1f} s of CPU)", flush=True)

    print(f"\nAll {len(notebooks)} notebooks done in {time.perf_counter() - start:,.0f} s.\n")
    if args.fast:
        print(f"FAST mode: executed copies, figures and results are under {stage_root}; committed files untouched.")
        return 0
    table = results_table()
    COMMITTED_RESULTS.with_name("RESULTS.md").write_text(
        "# Recorded results\n\nWritten by `make reproduce`; the numbers are in `results.json`.\n\n" + table + "\n",
        encoding="utf-8")
    print(table)
    print(f"\nResults: {COMMITTED_RESULTS}  Figures: {COMMITTED_FIGURES}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
