"""Headline numbers of every notebook, kept in one JSON file (``results/results.json``).

Each notebook opens its section with ``Results("NN_name", params)``, which empties the section so that
numbers from an older run never linger, then calls ``record`` for each number it wants kept.
"""

from __future__ import annotations

import json
import math
import numbers
import re

from utils.paths import results_path
from utils.validation import check_param

_NAME = re.compile(r"^[a-z0-9][a-z0-9_]*$")


def load_results(path=None) -> dict:
    """The whole results file as a dict (empty if nothing has been recorded yet)."""
    path = path or results_path()
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as f:
        try:
            return json.load(f)
        except json.JSONDecodeError as err:
            raise ValueError(f"{path} is not valid JSON ({err}); delete it and re-run the notebooks") from err


def _write(results: dict, path) -> None:
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=1, sort_keys=True)
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
        self.notebook = notebook
        self.path = results_path()
        results = load_results(self.path)
        results[notebook] = {"params": params, "values": {}}
        _write(results, self.path)

    def record(self, name, value, *, unit="", description=""):
        """Store one finite number under ``name`` and return it."""
        return record_value(self.notebook, name, value, unit=unit, description=description, path=self.path)


def record_value(notebook, name, value, *, unit="", description="", path=None):
    """Store one finite number in the section of ``notebook`` (which must exist) and return it."""
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
    path = path or results_path()
    results = load_results(path)
    if notebook not in results:
        raise KeyError(f"no results section for {notebook!r}: the notebook must open it with Results(...)")
    results[notebook]["values"][name] = {"value": value, "unit": unit, "description": description}
    _write(results, path)
    return value


def format_value(value) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.4g}"


def results_table(results=None) -> str:
    """The results as a Markdown table, one row per number, notebooks in course order."""
    results = load_results() if results is None else results
    rows = ["| notebook | result | value | unit | what it is |", "|---|---|---|---|---|"]
    for notebook in sorted(results):
        for name, entry in results[notebook]["values"].items():
            rows.append(f"| {notebook} | {name} | {format_value(entry['value'])} | {entry['unit']} "
                        f"| {entry['description']} |")
    return "\n".join(rows)
