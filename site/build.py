"""Build the course website: `make site`, or `python site/build.py [--out DIR]`.

The pages are staged into a build folder with the repository's layout (site/*.md at the top, README.md,
INSTRUCTORS.md, results/RESULTS.md, notebooks/*.ipynb) and Sphinx renders them with warnings as errors, so a
broken link or cross-reference fails the build. Notebooks are read as committed and never executed. In the
staged copy each cell tagged `solution` is folded: code cells get MyST-NB's `hide-input` tag, markdown cells
are wrapped in the same kind of <details> element. Each chapter page's `<!-- notebooks: N -->` line becomes a
table of contents of the notebooks whose number starts with N (none yet: the line is dropped).
"""

import argparse
import json
import re
import shutil
import sys
import time
from pathlib import Path

from sphinx.cmd.build import build_main

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "site"
DEFAULT_OUT = ROOT / "build" / "site"
PAGES = ["README.md", "INSTRUCTORS.md", "results/RESULTS.md"]
NOTEBOOKS_MARKER = re.compile(r"^<!-- notebooks: (\d) -->$", re.M)
SHOW, HIDE = "Show solution", "Hide solution"


def fold_solutions(notebook: dict) -> dict:
    """Fold every cell tagged `solution`, as JupyterLab's instructor edition does, and label it as a solution."""
    for cell in notebook["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        if "solution" not in tags:
            continue
        if cell["cell_type"] == "code":
            cell["metadata"]["tags"] = [*tags, "hide-input"]
            cell["metadata"]["mystnb"] = {"code_prompt_show": SHOW, "code_prompt_hide": HIDE}
        elif cell["cell_type"] == "markdown":
            source = "".join(cell["source"])
            cell["source"] = (  # the markup MyST-NB gives a folded code cell, so both look the same
                '<div class="cell docutils container">\n<details class="admonition hide above-input">\n'
                f'<summary aria-label="Toggle hidden content">\n<p class="collapsed admonition-title">{SHOW}</p>\n'
                f'<p class="expanded admonition-title">{HIDE}</p>\n</summary>\n\n{source}\n\n</details>\n</div>\n'
            )
    return notebook


def chapter_toctree(prefix: str, notebooks: list[str]) -> str:
    names = [name for name in notebooks if name.startswith(prefix)]
    if not names:
        return ""
    entries = "\n".join(f"notebooks/{name}" for name in names)
    return f"```{{toctree}}\n:maxdepth: 1\n\n{entries}\n```"


def stage(src: Path) -> None:
    """Write the site's sources into `src` (replaced), laid out as in the repository."""
    shutil.rmtree(src, ignore_errors=True)
    (src / "notebooks").mkdir(parents=True)
    notebooks = sorted(path.stem for path in (ROOT / "notebooks").glob("*.ipynb"))
    for name in notebooks:
        notebook = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
        text = json.dumps(fold_solutions(notebook), ensure_ascii=False, indent=1)
        (src / "notebooks" / f"{name}.ipynb").write_text(text, encoding="utf-8")
    for page in sorted(SITE.glob("*.md")):
        text = NOTEBOOKS_MARKER.sub(lambda m: chapter_toctree(m.group(1), notebooks), page.read_text("utf-8"))
        (src / page.name).write_text(text, encoding="utf-8")
    for name in PAGES:
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, src / name)
    # Figures: the ones MyST pages show are copied by Sphinx; the README's raw-HTML <img> files go in as they are.
    shutil.copytree(ROOT / "figures", src / "figures")
    for image in re.findall(r'<img src="([^"]+)"', (ROOT / "README.md").read_text("utf-8")):
        (src / "_extra" / image).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / image, src / "_extra" / image)


def sphinx(src: Path, out: Path, quiet: bool = False) -> int:
    """Render staged sources into `out` with warnings as errors. Returns Sphinx's exit code (0: built)."""
    args = ["-W", "--keep-going", "-E", "-b", "html", "-c", str(SITE), "-d", str(out.parent / f"{out.name}_doctrees")]
    return build_main([*args, *(["-q"] if quiet else []), str(src), str(out)])


def build(out: Path = DEFAULT_OUT, quiet: bool = False) -> int:
    """Stage the sources next to `out` (in `<out>_src`) and build the HTML site into `out`."""
    out = Path(out).resolve()
    src = out.parent / f"{out.name}_src"
    stage(src)
    return sphinx(src, out, quiet)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: build/site)")
    out = parser.parse_args().out
    cpu, wall = time.process_time(), time.perf_counter()
    status = build(out)
    if status:
        sys.exit(f"site build failed (Sphinx exit code {status}); the warnings above say where")
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"Site built in {cpu:.0f} CPU s ({wall:.0f} s wall): open {out.resolve() / 'index.html'}")


if __name__ == "__main__":
    main()
