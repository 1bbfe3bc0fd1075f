import numpy as np
import pytest

from utils.validation import check_array, check_param


def test_check_param_accepts_and_returns_value():
    assert check_param("EPOCHS", 5, kind=int, low=1, high=10) == 5
    assert check_param("LR", 1e-3, kind=float, low=0.0) == 1e-3
    assert check_param("FAST", True, kind=bool) is True
    assert check_param("MODE", "a", kind=str, choices=("a", "b")) == "a"


@pytest.mark.parametrize(
    ("value", "kwargs", "error", "message"),
    [
        (0, {"kind": int, "low": 1}, ValueError, "EPOCHS must be >= 1, got 0"),
        (11, {"kind": int, "high": 10}, ValueError, "EPOCHS must be <= 10, got 11"),
        (2.5, {"kind": int}, TypeError, "EPOCHS must be of type int"),
        (True, {"kind": int}, TypeError, "EPOCHS must be of type int"),
        (1, {"kind": bool}, TypeError, "EPOCHS must be of type bool"),
        (float("nan"), {"kind": float}, ValueError, "finite"),
        ("c", {"kind": str, "choices": ("a", "b")}, ValueError, "must be one of"),
    ],
)
def test_check_param_rejects(value, kwargs, error, message):
    with pytest.raises(error, match=message):
        check_param("EPOCHS", value, **kwargs)


def test_check_array_returns_numpy():
    x = check_array("x", [[1.0, 2.0]], ndim=2, shape=(None, 2), dtype_kind="f", value_range=(0, 2))
    assert isinstance(x, np.ndarray) and x.shape == (1, 2)


@pytest.mark.parametrize(
    ("x", "kwargs", "error", "message"),
    [
        (np.zeros((2, 3)), {"ndim": 3}, ValueError, "must have 3 dimensions, got shape"),
        (np.zeros((2, 3)), {"shape": (None, 2)}, ValueError, r"must have shape \(any, 2\), got \(2, 3\)"),
        (np.zeros(3, dtype=np.int32), {"dtype_kind": "f"}, TypeError, "dtype of kind 'f'"),
        (np.array([0.0, 2.0]), {"value_range": (0, 1)}, ValueError, r"must lie in \[0, 1\]"),
        (np.array([0.0, np.nan]), {}, ValueError, "NaN"),
        (np.zeros(0), {"min_len": 1}, ValueError, "at least 1"),
        ("abc", {}, TypeError, "must be an array"),
    ],
)
def test_check_array_rejects(x, kwargs, error, message):
    with pytest.raises(error, match=message):
        check_array("x", x, **kwargs)
