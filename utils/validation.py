"""Input checks shared by every public function in `utils` and by the notebooks' parameter cells.

Each check raises a ValueError or TypeError whose message names the argument and says what was expected
and what was received, so a learner can fix the call without reading this file.
"""

from __future__ import annotations

import numbers

import numpy as np


def check_param(name, value, *, kind=int, low=None, high=None, choices=None):
    """Validate one notebook parameter (or function argument) and return it unchanged.

    ``kind`` is ``int``, ``float``, ``bool`` or ``str``; ``low``/``high`` are inclusive bounds for numbers;
    ``choices`` is a collection of allowed values.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str (the argument's name, for the messages), got {type(name).__name__}")
    if not isinstance(kind, type):
        raise TypeError(f"kind must be a type such as int or float, got {kind!r}")
    for bound_name, bound in (("low", low), ("high", high)):
        if bound is not None and (isinstance(bound, bool) or not isinstance(bound, numbers.Real)):
            raise TypeError(f"{bound_name} must be a number or None, got {bound!r}")
    if kind is bool:
        ok = isinstance(value, (bool, np.bool_))
    elif kind is int:
        ok = isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))
    elif kind is float:
        ok = isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))
    else:
        ok = isinstance(value, kind)
    if not ok:
        raise TypeError(f"{name} must be of type {kind.__name__}, got {value!r} ({type(value).__name__})")
    if kind is float and not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if low is not None and value < low:
        raise ValueError(f"{name} must be >= {low}, got {value!r}")
    if high is not None and value > high:
        raise ValueError(f"{name} must be <= {high}, got {value!r}")
    if choices is not None and value not in choices:
        raise ValueError(f"{name} must be one of {sorted(choices)!r}, got {value!r}")
    return value


def check_array(name, x, *, ndim=None, shape=None, dtype_kind=None, value_range=None, min_len=None):
    """Validate an array-like and return it as a NumPy array.

    ``ndim`` may be an int or a tuple of allowed ints; ``shape`` is a tuple whose ``None`` entries match
    any size; ``dtype_kind`` is a string of allowed NumPy kinds ("f" float, "i"/"u" integers, "b" bool);
    ``value_range`` is an inclusive ``(low, high)`` that every element must lie in.
    """
    if ndim is not None and not (isinstance(ndim, int) or (isinstance(ndim, tuple) and ndim
                                                           and all(isinstance(d, int) for d in ndim))):
        raise TypeError(f"ndim must be an int or a tuple of ints, got {ndim!r}")
    if value_range is not None and not (isinstance(value_range, (tuple, list)) and len(value_range) == 2
                                        and all(isinstance(v, numbers.Real) for v in value_range)):
        raise TypeError(f"value_range must be a pair of numbers (low, high), got {value_range!r}")
    if hasattr(x, "numpy"):  # a TensorFlow or Keras tensor
        x = x.numpy()
    if not isinstance(x, (np.ndarray, list, tuple, numbers.Number)):
        raise TypeError(f"{name} must be an array, got {type(x).__name__}")
    try:
        x = np.asarray(x)
    except ValueError as err:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array (every row of the same length): {err}") from None
    if dtype_kind is not None and x.dtype.kind not in dtype_kind:
        raise TypeError(f"{name} must have a dtype of kind {dtype_kind!r} (f=float, i/u=integer, b=bool), "
                        f"got {x.dtype}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if x.ndim not in allowed:
            raise ValueError(f"{name} must have {' or '.join(map(str, allowed))} dimensions, "
                             f"got shape {x.shape}")
    if shape is not None:
        if x.ndim != len(shape) or any(s is not None and s != d for s, d in zip(shape, x.shape, strict=True)):
            wanted = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
            raise ValueError(f"{name} must have shape {wanted}, got {x.shape}")
    if min_len is not None and (x.ndim == 0 or len(x) < min_len):
        raise ValueError(f"{name} must hold at least {min_len} items, got shape {x.shape}")
    if x.dtype.kind in "fc" and x.size and not np.all(np.isfinite(x)):
        raise ValueError(f"{name} contains NaN or infinite values")
    if value_range is not None and x.size:
        low, high = value_range
        x_min, x_max = float(x.min()), float(x.max())
        if x_min < low or x_max > high:
            raise ValueError(f"{name} must lie in [{low}, {high}], got values in [{x_min:.4g}, {x_max:.4g}]; "
                             "check the scaling you asked for")
    return x
