"""Headline numbers of every notebook, kept in one JSON file (``results/results.json``).

Each notebook opens its section with ``Results("NN_name", params)``, which starts the section afresh in this
run's results file (``utils.paths.results_path``: a scratch or staging folder, never the committed file), then
calls ``record`` for each number it wants kept. ``make reproduce`` moves a finished notebook's section into
the committed ``results/results.json``; ``load_results`` reads that committed file.
"""

from __future__ import annotations

import json
import math
import numbers
import re
from pathlib import Path

from utils.paths import COMMITTED_RESULTS, results_path
from utils.validation import check_param

_NAME = re.compile(r"^[a-z0-9][a-z0-9_]*$")


def load_results(path=None) -> dict:
    """The committed results (``results/results.json``), or the results file at ``path``, as a dict.

    The committed file missing gives an empty dict (nothing recorded yet); a ``path`` you name must exist.
    """
    if path is None:
        path = COMMITTED_RESULTS
        if not path.exists():
            return {}
    elif not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a str or pathlib.Path, got {type(path).__name__}")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"path: no results file at {path}")
    with open(path, encoding="utf-8") as f:
        try:
            return json.load(f)
        except json.JSONDecodeError as err:
            raise ValueError(f"{path} is not valid JSON ({err}); delete it and re-run the notebooks") from err


def _write(results: dict, path) -> None:
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=1, sort_keys=True, allow_nan=False)
        f.write("\n")
    tmp.replace(path)  # atomic: a crash never leaves half a file


class Results:
    """The results section of one notebook."""

    def __init__(self, notebook, params=None):
        check_param("notebook", notebook, kind=str)
        if not _NAME.match(notebook):
            raise ValueError(f"notebook must look like '01_background', got {notebook!r}")
        params = dict(params or {})
        for key, value in params.items():
            if not isinstance(value, (bool, int, float, str, type(None))):
                raise TypeError(f"parameter {key} must be a bool, number, string or None, got {type(value).__name__}")
            if isinstance(value, float) and not math.isfinite(value):
                raise ValueError(f"parameter {key} must be finite (JSON has no NaN or infinity), got {value!r}")
        self.notebook = notebook
        self.path = results_path()
        results = load_results(self.path) if self.path.exists() else {}
        results[notebook] = {"params": params, "values": {}}
        _write(results, self.path)

    def record(self, name, value, *, unit="", description=""):
        """Store one finite number under ``name``; returns nothing, so a notebook cell ending in
        ``record(...)`` shows no stray value."""
        record_value(self.notebook, name, value, unit=unit, description=description, path=self.path)


def record_value(notebook, name, value, *, unit="", description="", path=None):
    """Store one finite number in the section of ``notebook`` (which must exist) of the results file at ``path``
    (this run's, by default)."""
    check_param("name", name, kind=str)
    if not _NAME.match(name):
        raise ValueError(f"name must be lower_snake_case, got {name!r}")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: value must be a real number, got {value!r} ({type(value).__name__})")
    value = int(value) if isinstance(value, numbers.Integral) else float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name}: value must be finite, got {value!r}")
    check_param("unit", unit, kind=str)
    check_param("description", description, kind=str)
    path = Path(path) if path is not None else results_path()
    results = load_results(path) if path.exists() else {}
    if notebook not in results:
        raise KeyError(f"no results section for {notebook!r}: the notebook must open it with Results(...)")
    results[notebook]["values"][name] = {"value": value, "unit": unit, "description": description}
    _write(results, path)


def format_value(value) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.4g}"


def results_table(results=None) -> str:
    """The results (the committed ones by default) as a Markdown table, one row per number, in course order."""
    results = load_results() if results is None else results
    if not isinstance(results, dict):
        raise TypeError(f"results must be a dict as load_results returns it, got {type(results).__name__}")
    rows = ["| notebook | result | value | unit | what it is |", "|---|---|---|---|---|"]
    for notebook in sorted(results):
        for name, entry in results[notebook]["values"].items():
            rows.append(f"| {notebook} | {name} | {format_value(entry['value'])} | {entry['unit']} "
                        f"| {entry['description']} |")
    return "\n".join(rows)
