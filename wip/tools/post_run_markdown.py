"""Markdown-only fixes applied after the whole-course re-run of session 19 (the stricter prose-number check).
Idempotent. Run from the repository root."""
import re
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, "tools")
from nbtools import write_notebook  # noqa: E402

EDITS = {
    "05": [(re.compile(r"\| (3\.\d)(:| and| \|)"), r"| section \1\2"),
           (re.compile(r"are \*\*not\*\* a defect \(3\.7\)"), "are **not** a defect (section 3.7)")],
    "11": [(re.compile(r"it is 2\.6 times better \(0\.0127 against 0\.0330\)"),
            "its error is less than half the dense model's (0.0127 against 0.0330)")],
    "13": [(re.compile(r"average KL above 0\.005 nats"), "average KL above $0.005$ nats")],
    "14": [(re.compile(r"that is 1,024 bits — more than a binarised MNIST image \(784\nbits\)"),
            "that is $1024$ bits — more than a binarised MNIST image ($784$\nbits)")],
}

for prefix, edits in EDITS.items():
    path = next(Path("notebooks").glob(f"{prefix}_*.ipynb"))
    nb = nbformat.read(path, as_version=4)
    changed = 0
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for pattern, replacement in edits:
            new, n = pattern.subn(replacement, cell.source)
            changed += n
            cell.source = new
    if changed:
        write_notebook(nb, path)
    print(f"{path.name}: {changed} edit(s)")
