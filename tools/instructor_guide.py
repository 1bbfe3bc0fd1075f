"""Write the generated tables of INSTRUCTORS.md: the course map with measured times, and the exercises.

    python tools/instructor_guide.py          rewrite the tables between the markers in INSTRUCTORS.md
    python tools/instructor_guide.py --check  exit 1 if they are out of date (the test suite runs this)

Times come from results/results.json (the default runs of `make reproduce`: cpu_time, wall_time) and
results/fast_times.json (`make reproduce ARGS=--fast`); prerequisites from each notebook's Prerequisites
section; exercises from the labelled exercise cells. Nothing here is typed by hand, so it cannot drift.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "INSTRUCTORS.md"
EXERCISE = re.compile(r"^\*\*Exercise (\d+) \((★{1,3}), ([a-z +]+)\)[.:]?\s*(.*?)\*\*", re.S)
LEVEL = {"★": "introductory", "★★": "intermediate", "★★★": "advanced"}


def _notebooks():
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _title(nb) -> str:
    return nb.cells[0].source.splitlines()[0].lstrip("# ").split("·", 1)[-1].strip()


def _prerequisites(nb) -> list[str]:
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    section = re.search(r"^## Prerequisites\n(.*?)(?=^## )", text, re.S | re.M)
    return sorted(set(re.findall(r"\((\d\d)_[a-z0-9_]+\.ipynb\)", section.group(1)))) if section else []


def _seconds(value):
    return "—" if value is None else f"{value:,.0f}"


def course_map() -> str:
    results = json.loads((ROOT / "results" / "results.json").read_text())
    fast_path = ROOT / "results" / "fast_times.json"
    fast = json.loads(fast_path.read_text()) if fast_path.exists() else {}
    rows = ["| # | notebook | prerequisites | default CPU s | default wall s | FAST wall s |",
            "|---|---|---|---|---|---|"]
    for path in _notebooks():
        nb = nbformat.read(path, as_version=4)
        values = results.get(path.stem, {}).get("values", {})
        cpu = values.get("cpu_time", {}).get("value")
        wall = values.get("wall_time", {}).get("value")
        prerequisites = ", ".join(_prerequisites(nb)) or "—"
        rows.append(f"| {path.name[:2]} | [{_title(nb)}](notebooks/{path.name}) | {prerequisites} "
                    f"| {_seconds(cpu)} | {_seconds(wall)} | {_seconds(fast.get(path.stem, {}).get('wall_time'))} |")
    return "\n".join(rows)


def exercises() -> str:
    rows = ["| exercise | level | kind | title |", "|---|---|---|---|"]
    for path in _notebooks():
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            found = EXERCISE.match(cell.source) if cell.cell_type == "markdown" else None
            if found:
                number, stars, kinds, title = found.groups()
                rows.append(f"| {path.name[:2]}.{number} | {stars} {LEVEL[stars]} | {kinds} | "
                            f"{' '.join(title.split()).rstrip('.')} |")
    return "\n".join(rows)


def render(text: str) -> str:
    for name, table in (("course-map", course_map()), ("exercises", exercises())):
        begin, end = f"<!-- {name}:begin (tools/instructor_guide.py) -->", f"<!-- {name}:end -->"
        if begin not in text or end not in text:
            raise ValueError(f"INSTRUCTORS.md lacks the markers {begin} ... {end}")
        head, rest = text.split(begin, 1)
        text = head + begin + "\n" + table + "\n" + end + rest.split(end, 1)[1]
    return text


def main(argv) -> int:
    current = GUIDE.read_text(encoding="utf-8")
    updated = render(current)
    if "--check" in argv:
        if updated != current:
            print("INSTRUCTORS.md is out of date: run python tools/instructor_guide.py")
            return 1
        return 0
    GUIDE.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
