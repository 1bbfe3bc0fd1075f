"""Reproduce the course: execute every notebook in order with papermill, then print the results table.

    python tools/reproduce.py                 every notebook, default parameters, outputs in place
    python tools/reproduce.py --only 00 01    only the notebooks whose names start with these prefixes
    python tools/reproduce.py --fast          a quick check: FAST=True, copies and outputs under build/fast_run

Figures go to figures/, numbers to results/results.json (and results/RESULTS.md as a table); each
notebook's wall time is recorded beside its numbers. Nothing is downloaded.
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import papermill

ROOT = Path(__file__).resolve().parent.parent


def _children_cpu_seconds():
    """CPU time (user + system) of finished child processes: the notebook kernels papermill started."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", metavar="PREFIX", help="run only notebooks starting with these")
    parser.add_argument("--fast", action="store_true", help="FAST=True, writing under build/fast_run")
    args = parser.parse_args()

    if args.fast:  # must be set before utils is imported, so every path below follows it
        os.environ["COURSE_OUTPUT_DIR"] = str(ROOT / "build" / "fast_run")
    from utils.paths import NOTEBOOK_DIR, course_notebooks
    from utils.results import record_value, results_path, results_table

    notebooks = course_notebooks()
    if args.only:
        notebooks = [nb for nb in notebooks if nb.name.startswith(tuple(args.only))]
    if not notebooks:
        print("no notebook matches", args.only, file=sys.stderr)
        return 2
    out_dir = ROOT / "build" / "fast_run" / "notebooks" if args.fast else NOTEBOOK_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    parameters = {"FAST": True} if args.fast else {}

    os.chdir(NOTEBOOK_DIR)  # papermill resolves the relative paths below against the working directory
    start = time.perf_counter()
    print(f"Executing {len(notebooks)} notebooks {'in FAST mode ' if args.fast else ''}with papermill")
    for i, notebook in enumerate(notebooks, 1):
        print(f"\n[{i}/{len(notebooks)}] {notebook.stem}  (elapsed {time.perf_counter() - start:,.0f} s)",
              flush=True)
        began, cpu_began = time.perf_counter(), _children_cpu_seconds()
        output = out_dir / notebook.name
        try:
            # Relative paths and cwd keep the machine's folders out of the committed notebook metadata.
            papermill.execute_notebook(os.path.relpath(notebook, NOTEBOOK_DIR), os.path.relpath(output, NOTEBOOK_DIR),
                                       parameters=parameters, cwd=str(NOTEBOOK_DIR), progress_bar=True,
                                       request_save_on_cell_execute=False)
        except papermill.PapermillExecutionError as err:
            print(f"\nFAILED: {notebook.name}, cell {err.exec_count}: {err.ename}: {err.evalue}\n"
                  f"The notebook with the error is at {output}", file=sys.stderr)
            return 1
        seconds, cpu_seconds = time.perf_counter() - began, _children_cpu_seconds() - cpu_began
        try:
            record_value(notebook.stem, "wall_time", round(seconds, 1), unit="s",
                         description="wall time of the whole notebook (papermill, this machine)")
            record_value(notebook.stem, "cpu_time", round(cpu_seconds, 1), unit="s",
                         description="CPU time of the notebook's kernel, all cores (unaffected by other load)")
        except KeyError:
            print(f"note: {notebook.stem} recorded no results section", file=sys.stderr)
        print(f"    done in {seconds:,.1f} s ({cpu_seconds:,.1f} s of CPU)", flush=True)

    table = results_table()
    results_md = results_path().with_name("RESULTS.md")
    results_md.write_text("# Recorded results\n\nWritten by `make reproduce`"
                          f"{' (FAST mode)' if args.fast else ''}; the numbers are in `results.json`.\n\n"
                          + table + "\n", encoding="utf-8")
    print(f"\nAll {len(notebooks)} notebooks done in {time.perf_counter() - start:,.0f} s.\n")
    print(table)
    print(f"\nResults: {results_path()}  Figures: {results_path().parent.parent / 'figures'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
