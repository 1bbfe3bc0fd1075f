"""The instructor guide's generated tables (course map with measured times, exercises) are current."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_generated_tables_are_current():
    done = subprocess.run([sys.executable, "tools/instructor_guide.py", "--check"], cwd=ROOT, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_readme_links_the_guide_on_its_first_screen():
    first_screen = "\n".join((ROOT / "README.md").read_text().splitlines()[:40])
    assert "(INSTRUCTORS.md)" in first_screen
