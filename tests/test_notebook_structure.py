"""Every committed notebook has the shape the course design asks for, and was really executed."""

import ast
import re
import tempfile
from pathlib import Path

import nbformat
import pytest

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
# Headings that every notebook has, in this order (numbered sections sit between Setup and Summary).
REQUIRED_HEADINGS = ["Learning objectives", "Prerequisites", "Run time", "Setup", "Summary", "Exercises",
                     "References"]


def papermill_parameters(nb):
    import papermill

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "notebook.ipynb"
        nbformat.write(nb, path)
        return papermill.inspect_notebook(str(path))


def headings(nb):
    found = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found += [m.group(1).strip() for m in re.finditer(r"^#{2,3}\s+(.+)$", cell.source, re.M)]
    return found


@pytest.fixture(params=NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def nb(request):
    return nbformat.read(request.param, as_version=4)


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 2


def test_file_names():
    for path in NOTEBOOKS:
        assert re.fullmatch(r"\d{2}_[a-z0-9_]+\.ipynb", path.name), path.name


def test_title_and_summary(nb):
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), "first cell must be the title"
    paragraphs = [p for p in first.source.split("\n\n")[1:] if p.strip()]
    assert paragraphs and len(paragraphs[0].split()) >= 25, "a one-paragraph summary follows the title"


def test_required_sections_in_order(nb):
    found = headings(nb)
    positions = []
    for name in REQUIRED_HEADINGS:
        matches = [i for i, h in enumerate(found) if h.lower().startswith(name.lower())]
        assert matches, f"missing section '## {name}'"
        positions.append(matches[0])
    assert positions == sorted(positions), f"sections out of order: {found}"
    numbered = [i for i, h in enumerate(found) if re.match(r"\d+\.\s", h)]
    assert numbered, "no numbered section ('## 1. ...')"
    assert positions[3] < numbered[0] and numbered[-1] < positions[4], "numbered sections sit between Setup and Summary"


def test_parameters_cell(nb):
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    cell = tagged[0]
    assert cell.cell_type == "code"
    names = {}
    for node in ast.parse(cell.source).body:
        assert isinstance(node, ast.Assign) and len(node.targets) == 1, "parameters are plain assignments"
        name = node.targets[0].id
        assert name.isupper(), f"parameter {name} must be UPPER_CASE"
        names[name] = ast.literal_eval(node.value)
    assert names.get("FAST") is False, "FAST must exist and default to False"
    assert set(papermill_parameters(nb)) == set(names), "papermill must parse every parameter (check the comments)"
    assert isinstance(names.get("SEED"), int), "SEED must exist and be an int"


def test_references_cite_years(nb):
    refs = nb.cells[[i for i, c in enumerate(nb.cells)
                     if c.cell_type == "markdown" and re.search(r"^##\s+References", c.source, re.M)][0]]
    assert len(re.findall(r"\((?:19|20)\d\d\)|\b(?:19|20)\d\d\b", refs.source)) >= 1


def test_exercises_have_solutions(nb):
    solutions = [i for i, c in enumerate(nb.cells) if "solution" in c.metadata.get("tags", [])]
    assert solutions, "at least one exercise has a solution cell tagged 'solution'"
    for i in solutions:
        previous = nb.cells[i - 1]
        assert previous.cell_type == "markdown" and "exercise" in previous.source.lower(), \
            f"solution cell {i} must directly follow its exercise"


def test_executed_in_order_without_errors(nb):
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    counts = [c.execution_count for c in code]
    assert counts == list(range(1, len(code) + 1)), f"not a fresh top-to-bottom run: {counts}"
    for cell in code:
        for output in cell.outputs:
            assert output.output_type != "error", f"error output in cell {cell.execution_count}"
            if output.output_type == "stream" and output.name == "stderr":
                assert "Traceback" not in output.text


def test_committed_with_default_parameters(nb):
    assert not [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])], \
        "committed notebooks are run with their default parameters (no injected cell)"
    assert nb.metadata.get("papermill", {}).get("parameters", {}) == {}
    assert nb.metadata.kernelspec.name == "python3"
