"""Cut the student edition: every notebook with its solutions replaced by stubs.

    python tools/student_edition.py build/student

The solution cells of an exercise (tagged ``solution``) follow nbgrader's convention: in a code cell the lines
between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` are the answer, and become ``# YOUR CODE HERE`` and a
``raise NotImplementedError`` carrying the exercise's one-line hint (a ``# Hint:`` comment of the cell); the
rest of the cell stays. A Markdown solution (a derivation) becomes a prompt with the hint. The outputs of
solution and check cells (tagged ``check``) are removed; every other cell, with its outputs, is unchanged, and
solution cells are shown expanded (the instructor edition folds them).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nbtools import write_notebook  # noqa: E402

from utils.paths import course_notebooks  # noqa: E402

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
CHECK_CALL = re.compile(r"""utils\.checks\.check\(\s*["'](\d\d\.\d+)["']""")
HINT = re.compile(r"^\s*#\s*Hint:\s*(.+)$", re.M)
MARKDOWN_HINT = re.compile(r"^\s*\*Hint:\*\s*(.+)$", re.M)


def tags(cell) -> list[str]:
    return cell.metadata.get("tags", [])


def exercise_of(nb, index: int) -> str | None:
    """The exercise id ("NN.K") of the solution cell at ``index``: the one its following check cell checks
    (None if no check cell follows; the structure test refuses that)."""
    for cell in nb.cells[index + 1:]:
        if "check" in tags(cell):
            found = CHECK_CALL.search(cell.source)
            return found.group(1) if found else None
    return None


def code_stub(source: str, exercise_id: str | None) -> str:
    """``source`` with its solution region replaced by nbgrader's stub and the cell's hint (the whole cell if
    it has no region markers, as nbgrader does)."""
    hint = HINT.search(source)
    message = f"Exercise {exercise_id or ''}: ".replace(" :", ":") + (
        hint.group(1).strip() if hint else "write your solution here")
    stub = ["# YOUR CODE HERE", f"raise NotImplementedError({message!r})"]
    lines = source.splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip() == BEGIN]
    ends = [i for i, line in enumerate(lines) if line.strip() == END]
    if not starts and not ends:
        return "\n".join(([hint.group(0)] if hint else []) + stub)
    if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
        raise ValueError(f"exercise {exercise_id}: a code solution needs one '{BEGIN}' line and one '{END}' line "
                         "after it")
    indent = lines[starts[0]][: len(lines[starts[0]]) - len(lines[starts[0]].lstrip())]
    return "\n".join(lines[: starts[0]] + [indent + s for s in stub] + lines[ends[0] + 1:])


def markdown_stub(source: str, exercise_id: str | None) -> str:
    hint = MARKDOWN_HINT.search(source)
    return (f"**Your answer to exercise {exercise_id or ''}.** *Replace this text with your derivation.*"
            + (f"\n\n*Hint:* {hint.group(1).strip()}" if hint else ""))


def student_version(nb) -> int:
    """Turn ``nb`` (changed in place) into its student version; return the number of solution cells stubbed."""
    count = 0
    for i, cell in enumerate(nb.cells):
        if "solution" in tags(cell):
            exercise_id = exercise_of(nb, i)
            if cell.cell_type == "code":
                cell.source = code_stub(cell.source, exercise_id)
            else:
                cell.source = markdown_stub(cell.source, exercise_id)
            cell.metadata.get("jupyter", {}).pop("source_hidden", None)
            count += 1
        if cell.cell_type == "code" and ("solution" in tags(cell) or "check" in tags(cell)):
            cell.outputs = []
            cell.execution_count = None
    return count


def main(target: str) -> None:
    out = Path(target)
    out.mkdir(parents=True, exist_ok=True)
    for path in course_notebooks():
        nb = nbformat.read(path, as_version=4)
        count = student_version(nb)
        write_notebook(nb, out / path.name)
        print(f"{path.name}: {count} solution cell(s) replaced by stubs")
    print(f"Student edition in {out}/. Open it with: make lab-student")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: student_edition.py TARGET_DIR")
    main(sys.argv[1])
