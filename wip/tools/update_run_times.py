"""After a default run: put each notebook's measured cpu_time and wall_time (results/results.json) into the
first CPU and wall numbers of its "## Run time" section, at the precision already written. Markdown only.

    python wip/tools/update_run_times.py NN [NN ...]     (run from the repository root; -n: dry run)
"""
import json
import re
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, "tools")
from nbtools import write_notebook  # noqa: E402

CPU = re.compile(r"(\*\*)?(\d+(?:\.\d+)?)(\s+(?:CPU-seconds|s of CPU time))")
WALL = re.compile(r"(\d+(?:\.\d+)?)(\s+s\s+of\s+wall\s+time)")


def fmt(value, like):
    decimals = len(like.split(".")[1]) if "." in like else 0
    return f"{value:.{decimals}f}"


def update(prefix, dry):
    results = json.loads(Path("results/results.json").read_text())
    path = next(Path("notebooks").glob(f"{prefix}_*.ipynb"))
    values = results[path.stem]["values"]
    cpu, wall = values["cpu_time"]["value"], values.get("wall_time", {}).get("value")
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "markdown" or "## Run time" not in cell.source:
            continue
        start = cell.source.index("## Run time")
        end = cell.source.find("\n## ", start + 5)
        end = len(cell.source) if end < 0 else end
        section = cell.source[start:end]
        new = CPU.sub(lambda m: (m.group(1) or "") + fmt(cpu, m.group(2)) + m.group(3), section, count=1)
        if wall is not None:
            new = WALL.sub(lambda m: fmt(wall, m.group(1)) + m.group(2), new, count=1)
        if new != section:
            print(f"{path.name}: cpu {cpu}, wall {wall}")
            for a, b in zip(section.splitlines(), new.splitlines(), strict=False):
                if a != b:
                    print("  -", a, "\n  +", b)
            cell.source = cell.source[:start] + new + cell.source[end:]
            if not dry:
                write_notebook(nb, path)
        return
    print(f"{path.name}: no Run time section")


if __name__ == "__main__":
    dry = "-n" in sys.argv
    for prefix in [a for a in sys.argv[1:] if a != "-n"]:
        update(prefix, dry)
