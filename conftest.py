"""Test-session set-up shared by the unit tests and the notebook runs.

Fast-mode notebook runs write figures and results to a temporary folder (never over the committed ones),
and the end of the run lists the slowest notebooks.
"""

import collections
import os
import tempfile
from pathlib import Path

from utils.paths import OUTPUT_DIR_ENV

# Set before any kernel starts, so every notebook kernel inherits it.
os.environ[OUTPUT_DIR_ENV] = tempfile.mkdtemp(prefix="course-fast-outputs-")

_notebook_seconds = collections.Counter()


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::")[0]
    if path.endswith(".ipynb"):
        _notebook_seconds[Path(path).name] += report.duration


def pytest_terminal_summary(terminalreporter):
    if not _notebook_seconds:
        return
    terminalreporter.section("notebook run times (fast mode), slowest first")
    for name, seconds in _notebook_seconds.most_common():
        terminalreporter.write_line(f"{seconds:7.1f} s  {name}")
    terminalreporter.write_line(f"{sum(_notebook_seconds.values()):7.1f} s  total")
