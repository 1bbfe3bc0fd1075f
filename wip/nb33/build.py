"""Writes notebooks/33_outlook_and_faq.ipynb, unexecuted, from wip/nb33/source.txt.

Cells in source.txt start with a line `%%md`, `%%code`, optionally followed by ` solution` or ` check` or
` parameters`. `make reproduce ARGS="--only 33"` then executes the notebook and commits its outputs.
"""

import re
import sys
from pathlib import Path

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
from nbtools import write_notebook  # noqa: E402

text = (Path(__file__).parent / "source.txt").read_text(encoding="utf-8")
cells = []
for block in re.split(r"^(?=%%(?:md|code))", text, flags=re.M):
    if not block.strip():
        continue
    header, _, body = block.partition("\n")
    kind, *flags = header[2:].split()
    meta = {"tags": []}
    if "solution" in flags:
        meta = {"tags": ["solution"], "jupyter": {"source_hidden": True}}
    elif "check" in flags:
        meta = {"tags": ["check"]}
    elif "parameters" in flags:
        meta = {"tags": ["parameters"]}
    body = body.strip("\n")
    cells.append(new_markdown_cell(body, metadata=meta) if kind == "md" else new_code_cell(body, metadata=meta))
nb = new_notebook(cells=cells)
nb.metadata["language_info"] = {"name": "python"}
write_notebook(nb, ROOT / "notebooks" / "33_outlook_and_faq.ipynb")
print(f"wrote {len(cells)} cells")
