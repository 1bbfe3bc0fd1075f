import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from prepare_fast_notebooks import student_test_cell  # noqa: E402
from student_edition import code_stub, main, markdown_stub, tags  # noqa: E402

from utils.paths import course_notebooks  # noqa: E402

SOLUTION = """# Hint: D* = p / (p + q), evaluated on x_grid.
import numpy as np
### BEGIN SOLUTION
d_star = p / (p + q)
### END SOLUTION
print("done")
"""


def test_code_stub_replaces_only_the_solution_region_and_names_the_exercise():
    stub = code_stub(SOLUTION, "03.1")
    assert "d_star = " not in stub and "import numpy as np" in stub and 'print("done")' in stub
    assert "# YOUR CODE HERE" in stub  # nbgrader's stub, so an instructor can move the notebooks into nbgrader
    with pytest.raises(NotImplementedError, match=r"Exercise 03.1: D\* = p / \(p \+ q\)"):
        exec(stub, {})


def test_code_stub_without_regions_replaces_the_whole_cell_and_bad_regions_are_refused():
    assert code_stub("x = 1\n", "03.1").splitlines() == ["# YOUR CODE HERE",
                                                         "raise NotImplementedError('Exercise 03.1: write your "
                                                         "solution here')"]
    with pytest.raises(ValueError, match="BEGIN SOLUTION"):
        code_stub("### END SOLUTION\nx = 1\n### BEGIN SOLUTION\n", "03.1")


def test_markdown_stub_keeps_the_hint():
    stub = markdown_stub("**Solution.** Maximise pointwise...\n\n*Hint:* differentiate in y.", "03.1")
    assert "Maximise" not in stub and "differentiate in y" in stub and "03.1" in stub


def test_student_edition_stubs_every_solution_and_changes_nothing_else(tmp_path):
    main(str(tmp_path))
    originals = course_notebooks()
    assert [p.name for p in originals] == sorted(p.name for p in tmp_path.glob("*.ipynb"))
    for original_path in originals:
        original = nbformat.read(original_path, as_version=4)
        student = nbformat.read(tmp_path / original_path.name, as_version=4)
        nbformat.validate(student)
        assert len(student.cells) == len(original.cells)
        for before, after in zip(original.cells, student.cells, strict=True):
            if "solution" in tags(before):
                assert after.source != before.source
                assert "NotImplementedError" in after.source or "Your answer" in after.source
                assert not after.get("outputs") and not after.metadata.get("jupyter", {}).get("source_hidden")
            elif "check" in tags(before):
                assert after.source == before.source and not after.outputs
            else:
                assert after.source == before.source and after.get("outputs") == before.get("outputs")


def test_the_fast_run_gets_a_student_stub_test_for_each_exercise():
    nb = nbformat.v4.new_notebook()
    solution = nbformat.v4.new_code_cell(SOLUTION, metadata={"tags": ["solution"]})
    check = nbformat.v4.new_code_cell('utils.checks.check("03.1", globals())', metadata={"tags": ["check"]})
    nb.cells = [nbformat.v4.new_markdown_cell("**Exercise 1 (★, code) D*.**"), solution, check]
    cell = student_test_cell(nb)
    assert cell is not None and '"03.1"' in cell.source and "NotImplementedError" in cell.source
    nb.cells = nb.cells[:1]
    assert student_test_cell(nb) is None
