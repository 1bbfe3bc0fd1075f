"""Run the structure rules of tests/test_notebook_structure.py on the draft (it is not in notebooks/ yet).

    .venv/bin/python wip/nb32/check_structure.py build/nb32/32_efficiency_and_scale.ipynb
"""

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
import test_notebook_structure as t  # noqa: E402


class Request:
    def applymarker(self, marker):
        pass


def main(path):
    path = Path(path).resolve()
    nb = nbformat.read(path, as_version=4)
    plain = [t.test_title_and_summary, t.test_required_sections_in_order, t.test_parameters_cell,
             t.test_references_cite_years, t.test_executed_in_order_without_errors]
    per_path = [t.test_outputs_hold_no_machine_paths_or_stray_values, t.test_prose_numbers_come_from_the_outputs,
                t.test_parameters_declared_once, t.test_exercises_have_solutions_and_checks]
    failures = 0
    for test in plain:
        failures += run(test.__name__, lambda test=test: test(nb))
    for test in per_path:
        failures += run(test.__name__, lambda test=test: test(Request(), path))
    return failures


def run(name, fn):
    try:
        fn()
    except (AssertionError, pytest.fail.Exception) as err:
        print(f"FAIL {name}: {str(err)[:600]}")
        return 1
    print(f"ok   {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
