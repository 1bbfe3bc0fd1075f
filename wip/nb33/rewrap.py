"""Rewrap over-long Markdown paragraphs (not tables, lists, headings or display math) to 118 columns."""
import re
import sys
import textwrap
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
from nbtools import write_notebook  # noqa: E402

SPACE = "\u2063"  # invisible separator: protects spaces inside inline math


def rewrap(md):
    out = []
    for para in md.split("\n\n"):
        lines = para.split("\n")
        if max(len(line) for line in lines) <= 120 or any(
                line.lstrip().startswith(("|", "- ", "#", "$$")) for line in lines):
            out.append(para)
            continue
        text = " ".join(line.strip() for line in lines)
        text = re.sub(r"\$[^$]+\$", lambda m: m.group(0).replace(" ", SPACE), text)
        wrapped = textwrap.fill(text, width=118, break_on_hyphens=False, break_long_words=False)
        out.append(wrapped.replace(SPACE, " "))
    return "\n\n".join(out)


def edit(source):
    return source.replace("Section 5 shows the most successful\nsuch change, latent diffusion,",
                          "Section 5 shows such a change,\nlatent diffusion,")


path = Path("notebooks/33_outlook_and_faq.ipynb")
nb = nbformat.read(path, 4)
for cell in nb.cells:
    if cell.cell_type == "markdown":
        cell.source = rewrap(edit(cell.source))
write_notebook(nb, path)
src = Path("wip/nb33/source.txt")
blocks = re.split(r"^(?=%%(?:md|code))", src.read_text(), flags=re.M)
for i, block in enumerate(blocks):
    if block.startswith("%%md"):
        header, _, body = block.partition("\n")
        blocks[i] = header + "\n" + rewrap(edit(body.rstrip("\n"))) + "\n"
src.write_text("".join(blocks))
