"""Cut the student edition: every notebook with the code of its `solution` cells removed.

    python tools/student_edition.py build/student

Each cell tagged `solution` keeps its place and tag but holds only a prompt, with its outputs cleared; the rest
of the notebook, including the committed outputs, is unchanged.
"""

import sys
from pathlib import Path

import nbformat

from utils.paths import course_notebooks

CODE_PROMPT = "# Your solution here.\n"
MARKDOWN_PROMPT = "*Your answer here.*"


def strip_solutions(nb):
    """Return the number of solution cells emptied in ``nb`` (changed in place)."""
    count = 0
    for cell in nb.cells:
        if "solution" in cell.metadata.get("tags", []):
            if cell.cell_type == "code":
                cell.outputs = []
                cell.execution_count = None
            cell.source = CODE_PROMPT if cell.cell_type == "code" else MARKDOWN_PROMPT
            count += 1
    return count


def main(target: str) -> None:
    out = Path(target)
    out.mkdir(parents=True, exist_ok=True)
    for path in course_notebooks():
        nb = nbformat.read(path, as_version=4)
        count = strip_solutions(nb)
        nbformat.write(nb, out / path.name)
        print(f"{path.name}: {count} solution cell(s) removed")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: student_edition.py TARGET_DIR")
    main(sys.argv[1])
