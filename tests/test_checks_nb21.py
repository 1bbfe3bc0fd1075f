"""Notebook 21's exercise checks: a right answer passes, wrong ones get specific feedback (no training)."""

import json
import os
import tempfile
from pathlib import Path

import pytest

from utils import checks
from utils.checks import CheckFailed
from utils.checks.nb21 import dropout_gains


def test_21_1_transposed_arithmetic(capsys):
    right = {"transposed_side": lambda n, k, s: (n - 1) * s + k, "seven_to_28": (4, 4)}
    checks.check("21.1", right)
    assert "✓ Exercise 21.1: (n - 1) s + k checked on 48 cases; (4, 4) takes 7x7 to 28x28" in capsys.readouterr().out
    checks.check("21.1", right | {"seven_to_28": (10, 3)})
    with pytest.raises(CheckFailed, match="padding='same'"):
        checks.check("21.1", right | {"transposed_side": lambda n, k, s: n * s})
    with pytest.raises(CheckFailed, match="ordinary \\(not transposed\\) convolution"):
        checks.check("21.1", right | {"transposed_side": lambda n, k, s: (n - k) // s + 1})
    with pytest.raises(CheckFailed, match="maps a side of 7 to 27"):
        checks.check("21.1", right | {"seven_to_28": (3, 4)})
    with pytest.raises(CheckFailed, match="a pair \\(k, s\\)"):
        checks.check("21.1", right | {"seven_to_28": 28})


def test_21_2_dropout_gain(capsys):
    cpu, steps = dropout_gains()
    assert cpu > 1  # removing dropout helped at equal CPU-s in the search
    checks.check("21.2", {"gain_equal_cpu": cpu, "gain_equal_steps": steps})
    assert "✓ Exercise 21.2: dropout's removal divides FD/floor by" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="the inverse of the expected"):
        checks.check("21.2", {"gain_equal_cpu": 1 / cpu, "gain_equal_steps": steps})
    if abs(cpu - steps) > 0.05 * steps:
        with pytest.raises(CheckFailed, match="np.interp over G steps"):
            checks.check("21.2", {"gain_equal_cpu": cpu, "gain_equal_steps": cpu})
    with pytest.raises(CheckFailed, match="gain_equal_steps is 9.000; expected"):
        checks.check("21.2", {"gain_equal_cpu": cpu, "gain_equal_steps": 9.0})


def _atomic(path, records):
    fd, tmp = tempfile.mkstemp(dir=Path(path).parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(records, f)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _in_place(path, records):
    with open(path, "w") as f:
        json.dump(records, f)


def _leaves_temp(path, records):
    fd, tmp = tempfile.mkstemp(dir=Path(path).parent, suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        json.dump(records, f)
    os.replace(tmp, path)


def _dumps_then_write(path, records):
    Path(path).write_text(json.dumps(records))  # serialises first, but the write itself is not atomic


def _temp_elsewhere(path, records):
    fd, tmp = tempfile.mkstemp(suffix=".tmp")  # in the system's temporary folder, not path's
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(records, f)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _swallows(path, records):
    try:
        _atomic(path, records)
    except TypeError:
        pass


def test_21_3_atomic_records(capsys):
    checks.check("21.3", {"save_records": _atomic})
    assert "✓ Exercise 21.3: writes JSON, replaces it" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="records.json no longer holds the previous records"):
        checks.check("21.3", {"save_records": _in_place})
    with pytest.raises(CheckFailed, match="never called os.replace .* wrote path directly"):
        checks.check("21.3", {"save_records": _dumps_then_write})
    with pytest.raises(CheckFailed, match="not in path's folder: os.replace is atomic only within one file system"):
        checks.check("21.3", {"save_records": _temp_elsewhere})
    with pytest.raises(CheckFailed, match="remove the temporary file"):
        checks.check("21.3", {"save_records": _leaves_temp})
    with pytest.raises(CheckFailed, match="do not swallow errors"):
        checks.check("21.3", {"save_records": _swallows})
    with pytest.raises(CheckFailed, match="should take 2 argument"):
        checks.check("21.3", {"save_records": lambda path, records, extra: None})
