"""The feedback machinery of utils.checks (each notebook's checks are tested in tests/test_checks_nbNN.py)."""

import keras
import numpy as np
import pytest

from utils import checks
from utils.checks import CheckFailed


@checks.exercise("99.1")
def _demo(my_number, my_model):
    checks.expect_close("your number", my_number, 2.0, atol=0.01, hint="did you square it?")
    checks.expect_model("your encoder", my_model, input_shape=(4,), output_shape=(2,))
    return "number and model as expected"


def model(out):
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(out)])


def test_a_right_answer_prints_what_was_verified(capsys):
    checks.check("99.1", {"my_number": 2.001, "my_model": model(2)})
    assert "✓ Exercise 99.1: number and model as expected" in capsys.readouterr().out


def test_a_missing_answer_says_which_name_to_define():
    with pytest.raises(CheckFailed, match=r"Exercise 99.1: `my_model` is not defined yet.*`my_number`, `my_model`"):
        checks.check("99.1", {"my_number": 2.0})


def test_wrong_answers_get_specific_feedback():
    with pytest.raises(CheckFailed, match=r"your number is 3; expected 2 \(tolerance 0.01\): did you square it\?"):
        checks.check("99.1", {"my_number": 3, "my_model": model(2)})
    with pytest.raises(CheckFailed, match=r"your encoder outputs shape \(None, 3\); expected \(None, 2\)"):
        checks.check("99.1", {"my_number": 2.0, "my_model": model(3)})
    with pytest.raises(CheckFailed, match="your number should be a number, got str"):
        checks.check("99.1", {"my_number": "2", "my_model": model(2)})
    with pytest.raises(CheckFailed, match="your number is nan"):
        checks.check("99.1", {"my_number": float("nan"), "my_model": model(2)})


def test_an_error_inside_the_learners_model_is_reported_as_feedback_not_a_keras_traceback():
    bad = keras.Sequential([keras.Input((5,)), keras.layers.Dense(2)])
    with pytest.raises(CheckFailed, match=r"your encoder cannot take a batch of shape \(None, 4\)") as info:
        checks.check("99.1", {"my_number": 2.0, "my_model": bad})
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_allclose_names_the_worst_point():
    x = np.linspace(0, 1, 5)
    with pytest.raises(CheckFailed, match=r"D\*\(x\) differs from the expected value by 0.3 at x=0.75"):
        checks.expect_allclose("D*(x)", x + np.array([0, 0, 0, 0.3, 0]), x, atol=0.01, at=x, at_name="x")
    with pytest.raises(CheckFailed, match=r"has shape \(4,\); expected \(5,\)"):
        checks.expect_allclose("D*(x)", x[:4], x, atol=0.01)


def test_bad_calls_are_refused():
    with pytest.raises(ValueError, match="exercise_id must look like"):
        checks.check("3.1", {})
    with pytest.raises(ValueError, match="no check is registered for exercise 98.1"):
        checks.check("98.1", {})
    with pytest.raises(TypeError, match="namespace must be a dict"):
        checks.check("99.1", None)
    with pytest.raises(ValueError, match="two checks"):
        checks.exercise("99.1")(lambda x: "")
