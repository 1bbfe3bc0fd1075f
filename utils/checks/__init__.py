"""Feedback on exercise answers: each exercise's check names what is wrong and what to try.

An exercise's check is a function registered with ``@exercise("NN.K")`` in ``utils/checks/nbNN.py``; its
parameter names are the names the learner's solution must define. The notebook's check cell, right after the
solution, calls ``utils.checks.check("NN.K", globals())``:

- in the instructor edition it prints ``✓ Exercise NN.K: ...`` with what was verified;
- in the student edition, before the learner has written anything, it stops with "``name`` is not defined yet:
  write your solution in the cell above and run it";
- on a wrong answer it raises ``CheckFailed`` whose message says what differs, by how much, and a likely cause.

A check's keyword-only parameters (after ``*``) are *context*, not answers: names the notebook defines outside
the solution (a parameter such as ``FAST``, the test images), which the check uses to recompute the answer.
They are taken from the namespace when present, else their defaults apply; they are not in ``required_names``.

Check bodies use the ``expect_*`` helpers below, which raise ``CheckFailed`` with specific wording, and return
a one-line summary of what passed. An error from inside the learner's code (a Keras shape error, say) becomes
a ``CheckFailed`` that says which call failed, instead of a traceback from deep inside TensorFlow.
"""

from __future__ import annotations

import importlib
import inspect
import math
import numbers
import re

import numpy as np

_REGISTRY: dict = {}
_ID = re.compile(r"^(\d\d)\.(\d+)$")


class CheckFailed(AssertionError):
    """A learner's answer does not pass its check; the message is the feedback."""


def exercise(exercise_id: str):
    """Register the decorated function as the check of exercise ``exercise_id`` ("NN.K")."""
    if not _ID.match(exercise_id):
        raise ValueError(f"exercise_id must look like '03.2', got {exercise_id!r}")

    def register(fn):
        if exercise_id in _REGISTRY:
            raise ValueError(f"exercise {exercise_id} has two checks")
        _REGISTRY[exercise_id] = fn
        return fn

    return register


def _lookup(exercise_id):
    if not isinstance(exercise_id, str) or not _ID.match(exercise_id):
        raise ValueError(f"exercise_id must look like '03.2', got {exercise_id!r}")
    if exercise_id not in _REGISTRY:
        try:
            importlib.import_module(f"utils.checks.nb{exercise_id[:2]}")
        except ModuleNotFoundError:
            pass
    if exercise_id not in _REGISTRY:
        raise ValueError(f"no check is registered for exercise {exercise_id}")
    return _REGISTRY[exercise_id]


def required_names(exercise_id: str) -> list[str]:
    """The names a solution of ``exercise_id`` must define."""
    return [name for name, p in inspect.signature(_lookup(exercise_id)).parameters.items()
            if p.kind is not p.KEYWORD_ONLY]


def context_names(exercise_id: str) -> list[str]:
    """The notebook names (not the learner's answer) that the check of ``exercise_id`` uses when they exist."""
    return [name for name, p in inspect.signature(_lookup(exercise_id)).parameters.items()
            if p.kind is p.KEYWORD_ONLY]


def check(exercise_id: str, namespace: dict) -> None:
    """Check the learner's answer to ``exercise_id``, taking the names it needs from ``namespace``."""
    fn = _lookup(exercise_id)
    if not isinstance(namespace, dict):
        raise TypeError(f"namespace must be a dict (pass globals()), got {type(namespace).__name__}")
    names = required_names(exercise_id)
    missing = [name for name in names if name not in namespace]
    if missing:
        wanted = ", ".join(f"`{n}`" for n in names)
        raise CheckFailed(f"Exercise {exercise_id}: `{missing[0]}` is not defined yet. Write your solution in the "
                          f"cell above and run it; it should define {wanted}.")
    context = {name: namespace[name] for name in context_names(exercise_id) if name in namespace}
    try:
        summary = fn(**{name: namespace[name] for name in names}, **context)
    except CheckFailed as err:
        raise CheckFailed(f"Exercise {exercise_id}: {err}") from None
    except NotImplementedError as err:
        raise CheckFailed(f"Exercise {exercise_id}: your code still raises NotImplementedError ({err}).") from None
    except Exception as err:  # the learner's code failed inside the check: say where, not deep in Keras
        raise CheckFailed(f"Exercise {exercise_id}: calling your answer failed with {type(err).__name__}: "
                          f"{_first_line(err)}") from None
    print(f"✓ Exercise {exercise_id}: {summary}")


def _first_line(err) -> str:
    text = str(err).strip().splitlines()
    return text[0][:300] if text else "(no message)"


def _fmt(x) -> str:
    if isinstance(x, numbers.Integral):
        return str(int(x))
    return f"{float(x):.4g}"


# ---- helpers for check bodies: each raises CheckFailed with a specific message -------------------------------

def require_context(context: dict, hint: str) -> None:
    """Stop with ``hint`` (where in the notebook to run the check) when a context name the check recomputes the
    answer from is not defined yet (None)."""
    absent = [name for name, value in context.items() if value is None]
    if absent:
        raise CheckFailed(f"this check recomputes your answer from the notebook's {', '.join(absent)}: {hint}")


def expect_number(what: str, value) -> float:
    """``value`` is one finite real number; returned as a float."""
    if hasattr(value, "numpy"):
        value = value.numpy()
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise CheckFailed(f"{what} should be a number, got {type(value).__name__} {value!r:.60}")
    if not math.isfinite(value):
        raise CheckFailed(f"{what} is {value}: look for a division by zero or a log of 0")
    return float(value)


def expect_close(what: str, value, expected: float, *, rtol: float = 0.0, atol: float = 0.0, hint: str = "") -> float:
    """``value`` within ``atol + rtol * |expected|`` of ``expected``."""
    value = expect_number(what, value)
    if abs(value - expected) > atol + rtol * abs(expected):
        raise CheckFailed(f"{what} is {_fmt(value)}; expected {_fmt(expected)} "
                          f"(tolerance {_fmt(atol + rtol * abs(expected))}){': ' + hint if hint else ''}")
    return value


def expect_between(what: str, value, low: float, high: float, *, hint: str = "") -> float:
    """``low <= value <= high`` (either bound may be None)."""
    value = expect_number(what, value)
    if (low is not None and value < low) or (high is not None and value > high):
        side = f"below {_fmt(low)}" if low is not None and value < low else f"above {_fmt(high)}"
        raise CheckFailed(f"{what} {_fmt(value)} is {side}{': ' + hint if hint else ''}")
    return value


def expect_array(what: str, value, *, shape=None) -> np.ndarray:
    """``value`` converts to a finite float array, of ``shape`` if given (``None`` entries match anything)."""
    if hasattr(value, "numpy"):
        value = value.numpy()
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailed(f"{what} should be an array of numbers, got {type(value).__name__}") from None
    if shape is not None and (array.ndim != len(shape) or
                              any(s is not None and s != d for s, d in zip(shape, array.shape, strict=False))):
        raise CheckFailed(f"{what} has shape {array.shape}; expected {_shape(shape)}")
    if not np.all(np.isfinite(array)):
        raise CheckFailed(f"{what} contains NaN or infinite values")
    return array


def expect_allclose(what: str, value, expected, *, atol: float, at=None, at_name: str = "index",
                    hint: str = "") -> np.ndarray:
    """Every entry of ``value`` within ``atol`` of ``expected``; the worst entry is named (by ``at`` if given)."""
    expected = np.asarray(expected, dtype=float)
    array = expect_array(what, value, shape=expected.shape)
    error = np.abs(array - expected)
    worst = int(np.argmax(error))
    if error.flat[worst] > atol:
        where = f"{at_name}={_fmt(np.asarray(at).flat[worst])}" if at is not None else \
            f"{at_name} {np.unravel_index(worst, error.shape)}"
        raise CheckFailed(f"{what} differs from the expected value by {_fmt(error.flat[worst])} at {where} "
                          f"(yours {_fmt(array.flat[worst])}, expected {_fmt(expected.flat[worst])}; tolerance "
                          f"{_fmt(atol)}){': ' + hint if hint else ''}")
    return array


def _shape(shape) -> str:
    return "(" + ", ".join("None" if s is None else str(s) for s in shape) + (",)" if len(shape) == 1 else ")")


def expect_model(what: str, model, *, input_shape, output_shape) -> None:
    """``model`` is a Keras model mapping a batch of ``input_shape`` to ``output_shape`` (batch axis excluded)."""
    import keras

    if not isinstance(model, keras.Model):
        raise CheckFailed(f"{what} should be a keras.Model, got {type(model).__name__}")
    batch = np.zeros((2, *input_shape), dtype="float32")
    try:
        out = model(batch, training=False)
    except Exception as err:
        raise CheckFailed(f"{what} cannot take a batch of shape {_shape((None, *input_shape))}: "
                          f"{type(err).__name__}: {_first_line(err)}") from None
    got = tuple(out.shape[1:])
    if got != tuple(output_shape):
        raise CheckFailed(f"{what} outputs shape {_shape((None, *got))}; expected {_shape((None, *output_shape))}")


def expect_callable(what: str, fn, n_args: int | None = None) -> None:
    if not callable(fn):
        raise CheckFailed(f"{what} should be a function, got {type(fn).__name__}")
    if n_args is not None:
        try:
            params = inspect.signature(fn).parameters
        except (TypeError, ValueError):
            return
        required = [p for p in params.values() if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY,
                                                                                         p.POSITIONAL_OR_KEYWORD)]
        if len(required) > n_args:
            raise CheckFailed(f"{what} should take {n_args} argument(s), it requires {len(required)}")
