"""One declaration of a notebook's parameters: their types and ranges, checked in one call.

The cell tagged ``parameters`` holds plain assignments (papermill's format). The cell right after it declares
them once::

    params = utils.check_parameters(globals(), {
        "FAST": bool,
        "SEED": (int, 0, 2**31),               # (kind, low, high), bounds inclusive, None for open
        "LEARNING_RATE": (float, 1e-6, 1.0),
        "GEN_LOSS": {"non_saturating", "minimax"},  # a set: the allowed values
    }, fast={"TRAIN_STEPS": 300})

Every declared parameter is checked; an UPPER_CASE name that is not declared (a misspelled ``-p SEEDS 3``)
is refused instead of running silently with the defaults; with ``FAST`` true the ``fast`` caps replace larger
values, and each replacement is printed.
"""

from __future__ import annotations

import difflib
import numbers
import types

from utils.validation import check_param


def _is_parameter_name(name: str, value) -> bool:
    """An UPPER_CASE name holding data (imports such as ``PCA`` or a module are not parameters)."""
    if isinstance(value, (types.ModuleType, type)) or callable(value):
        return False
    return name.isupper() and not name.startswith("_")


def check_parameters(namespace: dict, spec: dict, *, fast: dict | None = None) -> dict:
    """Check the notebook's parameters in ``namespace`` against ``spec``; return them as a dict.

    ``spec`` maps each name to a kind (``bool``, ``int``, ``float``, ``str``), a tuple ``(kind, low, high)``,
    a set of allowed values, or a function ``f(name, value)`` that raises on a bad value (``layer_widths`` below
    is one). ``fast`` maps names
    to the values they take when ``FAST`` is true (numbers are capped: the smaller of the two is kept).
    """
    if not isinstance(namespace, dict):
        raise TypeError(f"namespace must be a dict (pass globals()), got {type(namespace).__name__}")
    if not isinstance(spec, dict) or not spec:
        raise TypeError("spec must be a non-empty dict mapping parameter names to their kinds")
    fast = dict(fast or {})
    unknown = sorted(name for name, value in namespace.items() if _is_parameter_name(name, value) and name not in spec)
    for name in unknown:
        close = difflib.get_close_matches(name, list(spec), n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise ValueError(f"unknown parameter {name}{hint} This notebook's parameters are: {', '.join(spec)}")
    for name in [*spec, *fast]:
        if name not in spec:
            raise ValueError(f"fast names {name}, which is not a declared parameter")
        if name not in namespace:
            raise ValueError(f"parameter {name} is declared but not set in the parameters cell")
    for name, rule in spec.items():
        _check_one(name, namespace[name], rule)
    if namespace.get("FAST") is True:
        for name, value in fast.items():
            old = namespace[name]
            new = min(old, value) if isinstance(old, numbers.Real) and not isinstance(old, bool) else value
            if new != old:
                print(f"FAST: {name} {old!r} -> {new!r}")
                namespace[name] = new
    return {name: namespace[name] for name in spec}


def _check_one(name, value, rule):
    if isinstance(rule, (set, frozenset)):
        check_param(name, value, kind=object, choices=rule)
    elif isinstance(rule, tuple):
        if len(rule) != 3:
            raise TypeError(f"the rule for {name} must be (kind, low, high), got {rule!r}")
        kind, low, high = rule
        check_param(name, value, kind=kind, low=low, high=high)
    elif isinstance(rule, type):
        check_param(name, value, kind=rule)
    elif callable(rule):
        rule(name, value)
    else:
        raise TypeError(f"the rule for {name} must be a kind, (kind, low, high), a set or a function, got {rule!r}")


def layer_widths(name, value):
    """A rule for ``check_parameters``: a non-empty tuple (or list) of layer widths, ints from 1 to 4096."""
    if not isinstance(value, (tuple, list)) or not value or not all(
            isinstance(w, int) and not isinstance(w, bool) and 1 <= w <= 4096 for w in value):
        raise TypeError(f"{name} must be a non-empty tuple of layer widths (ints from 1 to 4096), got {value!r}")
