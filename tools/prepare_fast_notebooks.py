"""Copy every course notebook into a folder with FAST=True injected by papermill, outputs kept.

The test suite then executes these copies with nbval: the injected parameters make each run fast, the cells
tagged ``nbval-check-output`` must reproduce the outputs committed from the default run, and every exercise's
check must pass on the instructor's solution. A last cell, added here, then tests the student edition in the same
kernel: for each exercise it removes what the solution defined, runs the student stub (which must raise
NotImplementedError naming the exercise) and the check (which must fail with its "not defined yet" feedback,
not with a traceback from inside Keras). The cells before the first exercise are the same in both editions.
"""

import json
import sys
from pathlib import Path

import nbformat
import papermill

sys.path.insert(0, str(Path(__file__).resolve().parent))
from student_edition import code_stub, exercise_of, tags  # noqa: E402

from utils.paths import NOTEBOOK_DIR, course_notebooks  # noqa: E402

STUDENT_TEST = '''# Added by tools/prepare_fast_notebooks.py for the test suite; not part of the course.
import utils.checks as _checks

_stubs = json.loads({stubs!r})
for _id, _sources in _stubs.items():
    _saved = {{n: globals().pop(n) for n in _checks.required_names(_id) if n in globals()}}
    for _source in _sources:
        try:
            exec(_source, globals())
        except NotImplementedError as _err:
            assert f"Exercise {{_id}}" in str(_err), f"the stub of exercise {{_id}} raised without naming it: {{_err}}"
        else:
            raise AssertionError(f"the student stub of exercise {{_id}} did not raise NotImplementedError")
    try:
        _checks.check(_id, globals())
    except _checks.CheckFailed as _err:
        assert "not defined yet" in str(_err), f"exercise {{_id}}: unhelpful feedback on the stub: {{_err}}"
        print(f"student stub {{_id}}: {{_err}}")
    else:
        raise AssertionError(f"the check of exercise {{_id}} passed on the student stub")
    globals().update(_saved)
'''


def student_test_cell(nb):
    """A code cell that runs every code stub of ``nb`` and its check, or None if it has no exercises."""
    stubs = {}
    for i, cell in enumerate(nb.cells):
        if "solution" in tags(cell):
            exercise_id = exercise_of(nb, i)
            if exercise_id is None:
                continue  # a notebook not yet in the exercise format; the structure test reports it
            sources = stubs.setdefault(exercise_id, [])
            if cell.cell_type == "code":
                sources.append(code_stub(cell.source, exercise_id))
    if not stubs:
        return None
    return nbformat.v4.new_code_cell("import json\n" + STUDENT_TEST.format(stubs=json.dumps(stubs)))


def main(target: str) -> None:
    out = Path(target)
    out.mkdir(parents=True, exist_ok=True)
    notebooks = course_notebooks()
    if not notebooks:
        sys.exit(f"no notebooks found in {NOTEBOOK_DIR}")
    for notebook in notebooks:
        path = out / notebook.name
        papermill.execute_notebook(str(notebook), str(path), parameters={"FAST": True},
                                   prepare_only=True, log_output=False, progress_bar=False)
        nb = nbformat.read(path, as_version=4)
        cell = student_test_cell(nb)
        if cell is not None:
            nb.cells.append(cell)
            nbformat.write(nb, path)
    print(f"prepared {len(notebooks)} notebooks in fast mode under {out}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: prepare_fast_notebooks.py TARGET_DIR")
    main(sys.argv[1])
