"""Markdown-only fixes for the minor findings of wip/review/21-26.md (21-6, 21-7, 22-3, 22-4, 22-5, 22-7, 23-6, 23-7)
and the venue names (NIPS before 2018) across the course. Idempotent. Run from the repository root."""
import re
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, "tools")
from nbtools import write_notebook  # noqa: E402

EDITS = {
    "21": [("On a GPU, expect well under a minute.", "GPU: not measured."),
           ("restart from their seeds,\nso the resumed run draws other $z$'s",
            "restart from the seeds of the freshly built model,\nso the resumed run draws other $z$'s")],
    "22": [("GPU: not measured; the networks are small, so expect training to take\nwell under a minute.",
            "GPU: not measured."),
           ("Mirza and Osindero's recipe at the discriminator's input:",
            "The usual convolutional form of Mirza and Osindero's recipe (their discriminator was an MLP with maxout\n"
            "layers on $x$ and $y$):"),
           ("found both changes better than the earlier settings,",
            "found both changes better than the earlier settings in its one-seed screen (the winner's hinge loss is "
            "not\nused here),"),
           ("while all ten of the projection model's digits are readable.",
            "while most of the projection model's digits are readable."),
           ("so we compute it here, the same way: the FD\nbetween `SAMPLES_PER_CLASS` real *training* images",
            "so we compute it here: the FD\nbetween `SAMPLES_PER_CLASS` real *training* images"),
           ("the samples of each class are still easy to tell from real digits of that class.",
            "the samples of each class are still far from their floors."),
           ("(target: at least 95%), accuracy and Fréchet distance per class,",
            "(target: at least 95%), accuracy and Fréchet distance (Heusel et al., 2017) per class,"),
           ("and an\nInception-style score, each reported",
            "and an\nInception-style score (Salimans et al., 2016), each reported")],
    "23": [("Arjovsky et al.'s Example 1 in one\ndimension:",
            "An example in the spirit of Arjovsky et al.'s Example 1 (theirs is two parallel segments in the plane), "
            "in\none dimension:"),
           ("WGAN-GP's FD is still falling\nsteeply when its runs stop",
            "WGAN-GP's FD is still falling\nwhen its runs stop")],
}
VENUE = re.compile(r"NeurIPS (201[0-7])")


def apply(path, edits):
    nb = nbformat.read(path, as_version=4)
    done = 0
    for old, new in edits:
        if any(new in c.source for c in nb.cells):
            continue
        hits = [c for c in nb.cells if c.cell_type == "markdown" and old in c.source]
        if len(hits) != 1:
            raise SystemExit(f"{path.name}: {len(hits)} markdown cells hold {old[:60]!r}")
        hits[0].source = hits[0].source.replace(old, new)
        done += 1
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            new = VENUE.sub(r"NIPS \1", cell.source).replace("Systems (NeurIPS)* 27", "Systems (NIPS)* 27")
            new = new.replace("*Advances in Neural Information Processing Systems (NeurIPS)*.\n- Goyal",
                              "*Advances in Neural Information Processing Systems 27 (NIPS 2014)*.\n- Goyal")
            done += new != cell.source
            cell.source = new
    if done:
        write_notebook(nb, path)
    print(f"{path.name}: {done} edit(s)")


for path in sorted(Path("notebooks").glob("*.ipynb")):
    apply(path, EDITS.get(path.name[:2], []))
