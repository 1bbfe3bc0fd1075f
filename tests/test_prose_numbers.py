"""The prose-number check itself: what it strips, what it counts as measured, where it looks for support."""
import json
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import prose_numbers  # noqa: E402


def tokens(markdown):
    return [token for _, token, *_ in prose_numbers.prose_numbers(markdown)]


def test_a_heading_hides_only_its_own_line():
    # A heading used to be stripped with DOTALL and took the whole cell, Run time sections included.
    assert tokens("## Run time\nThe notebook takes 41.7 CPU-seconds.\n\n## Summary\nFD 9.75 at the end.") == [
        "41.7 CPU-seconds", "9.75"]


def test_counts_sections_math_code_and_citations_are_not_measured():
    text = ("Sections 2.1, 2.3 and 2.6 use 10 seeds; $x = 0.5$; `lr = 1e-3`; Gulrajani et al. (2017) report 6.58. "
            "Exact: 3.5% of runs, 37 ± 2 s each.")
    assert tokens(text) == ["3.5 %", "37 ±", "2 s"]


@pytest.fixture
def notebook_with_results(tmp_path, monkeypatch):
    results = {"99_demo": {"values": {"fd": {"value": 12.34}}}, "98_other": {"values": {"fd": {"value": 56.78}}}}
    (tmp_path / "results.json").write_text(json.dumps(results))
    monkeypatch.setattr(prose_numbers, "RESULTS", tmp_path / "results.json")
    monkeypatch.setattr(prose_numbers, "FAST_TIMES", tmp_path / "missing.json")

    def write(markdown, printed="FD 3.21\n"):
        nb = nbformat.v4.new_notebook()
        code = nbformat.v4.new_code_cell("print(...)")
        code.outputs = [nbformat.v4.new_output("stream", name="stdout", text=printed)]
        nb.cells = [code, nbformat.v4.new_markdown_cell(markdown)]
        path = tmp_path / "99_demo.ipynb"
        nbformat.write(nb, path)
        return path

    return write


def test_supported_by_outputs_or_own_results_only(notebook_with_results):
    assert prose_numbers.unsupported(notebook_with_results("We measured FD 3.21 and 12.34.")) == []
    # another notebook's recorded number must be printed by a cell of this one
    problems = prose_numbers.unsupported(notebook_with_results("Notebook 98 reached 56.78."))
    assert [token for token, _ in problems] == ["56.78"]


def test_a_changed_output_is_caught(notebook_with_results):
    path = notebook_with_results("The run reaches FD 3.21 after 41 CPU-s.", printed="FD 3.25 after 40 CPU-s\n")
    assert [token for token, _ in prose_numbers.unsupported(path)] == ["3.21", "41 CPU-s"]
