import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from student_edition import CODE_PROMPT, MARKDOWN_PROMPT, main  # noqa: E402

from utils.paths import course_notebooks  # noqa: E402


def test_student_edition_removes_every_solution_and_nothing_else(tmp_path):
    main(str(tmp_path))
    originals = course_notebooks()
    assert [p.name for p in originals] == sorted(p.name for p in tmp_path.glob("*.ipynb"))
    for original_path in originals:
        original = nbformat.read(original_path, as_version=4)
        student = nbformat.read(tmp_path / original_path.name, as_version=4)
        nbformat.validate(student)
        assert len(student.cells) == len(original.cells)
        for before, after in zip(original.cells, student.cells, strict=True):
            if "solution" in before.metadata.get("tags", []):
                assert after.source in (CODE_PROMPT, MARKDOWN_PROMPT) and not after.get("outputs")
            else:
                assert after.source == before.source
