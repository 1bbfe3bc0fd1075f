"""Grade submitted notebooks with the exercise checks: one row per (notebook, exercise), with the feedback.

    python tools/grade.py SUBMISSION.ipynb ... [--fast] [--csv grades.csv]

Each submission is executed from the top in a fresh kernel (papermill, errors allowed so one broken exercise
does not hide the others; --fast injects FAST=True), outputs go to a temporary folder, and every check cell
(tagged ``check``) is read: "pass" when it printed its ✓ line, "fail" with the check's feedback otherwise. Run
it on copies: executing a learner's notebook runs their code on your machine.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
import tempfile
from pathlib import Path

import nbformat
import papermill
from nbclient import NotebookClient

CHECK_CALL = re.compile(r"""utils\.checks\.check\(\s*["'](\d\d\.\d+)["']""")


def grade(path: Path, fast: bool) -> list[dict]:
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["COURSE_OUTPUT_DIR"] = scratch
        prepared = Path(scratch) / path.name
        papermill.execute_notebook(str(path), str(prepared), parameters={"FAST": True} if fast else {},
                                   prepare_only=True, progress_bar=False)
        nb = nbformat.read(prepared, as_version=4)
        NotebookClient(nb, allow_errors=True, kernel_name="python3", timeout=1800,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    rows = []
    for cell in nb.cells:
        found = CHECK_CALL.search(cell.source) if "check" in cell.metadata.get("tags", []) else None
        if not found:
            continue
        texts = [o.get("text", "") for o in cell.outputs if o.output_type == "stream"]
        errors = [f"{o.ename}: {o.evalue}" for o in cell.outputs if o.output_type == "error"]
        passed = any("✓ Exercise" in t for t in texts) and not errors
        feedback = errors[0] if errors else ("not run" if cell.execution_count is None else " ".join(texts).strip())
        rows.append({"notebook": path.name, "exercise": found.group(1), "result": "pass" if passed else "fail",
                     "feedback": feedback})
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("submissions", nargs="+", type=Path)
    parser.add_argument("--fast", action="store_true", help="inject FAST=True (quicker; checks hold in both modes)")
    parser.add_argument("--csv", type=Path, help="also write the rows to this CSV file")
    args = parser.parse_args(argv)
    rows = []
    for path in args.submissions:
        if not path.is_file():
            parser.error(f"submissions: no such notebook {path}")
        rows += grade(path, args.fast)
    for row in rows:
        print(f"{row['notebook']}  {row['exercise']}  {row['result']:4}  {row['feedback'][:150]}")
    if args.csv:
        with open(args.csv, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=["notebook", "exercise", "result", "feedback"])
            writer.writeheader()
            writer.writerows(rows)
    print(f"{sum(r['result'] == 'pass' for r in rows)} of {len(rows)} checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
