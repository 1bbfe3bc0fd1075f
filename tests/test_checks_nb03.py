"""The exercise checks of notebook 03: a right answer passes, wrong answers get specific feedback."""

import numpy as np
import pytest

from utils import checks
from utils.checks import CheckFailed


def run(exercise_id, **answer):
    checks.check(exercise_id, answer)


def test_03_1_optimal_discriminator_with_unequal_classes(capsys):
    run("03.1", d_star_weighted=lambda p, q, pi: pi * p / (pi * p + (1 - pi) * q))
    assert "✓ Exercise 03.1" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match=r"equals p/\(p\+q\): it ignores pi"):
        run("03.1", d_star_weighted=lambda p, q, pi: p / (p + q))
    with pytest.raises(CheckFailed, match="you swapped pi and 1 - pi"):
        run("03.1", d_star_weighted=lambda p, q, pi: (1 - pi) * p / ((1 - pi) * p + pi * q))
    with pytest.raises(CheckFailed, match="your answer is 1 - D"):
        run("03.1", d_star_weighted=lambda p, q, pi: (1 - pi) * q / (pi * p + (1 - pi) * q))
    with pytest.raises(CheckFailed, match=r"d_star_weighted\(p, q, pi=0.5\) differs from the expected value"):
        run("03.1", d_star_weighted=lambda p, q, pi: pi * p / (pi * p + q))
    with pytest.raises(CheckFailed, match="should be a function"):
        run("03.1", d_star_weighted=0.8)


def test_03_2_alternating_invariant(capsys):
    run("03.2", alternating_invariant=lambda x, y, eta: x**2 + y**2 + eta * x * y)
    assert "✓ Exercise 03.2" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="conserved when x \\(the generator\\) moves first"):
        run("03.2", alternating_invariant=lambda x, y, eta: x**2 + y**2 - eta * x * y)
    with pytest.raises(CheckFailed, match="changes by .* along an orbit with eta=0.1"):
        run("03.2", alternating_invariant=lambda x, y, eta: x**2 + y**2)
    with pytest.raises(CheckFailed, match="a constant is always conserved"):
        run("03.2", alternating_invariant=lambda x, y, eta: np.ones_like(x))


def test_03_3_constant_learning_rate(capsys):
    good = {"w1_constant": np.array([0.12, 0.10, 0.08]), "wobble_constant": np.array([0.1, 0.09, 0.02]),
            "wobble_decay": np.array([0.01, 0.01, 0.02])}
    run("03.3", **good)
    assert "✓ Exercise 03.3: 3 seeds" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match=r"wobble_decay has shape \(2,\); expected one value per seed, \(3,\)"):
        run("03.3", **{**good, "wobble_decay": np.array([0.01, 0.01])})
    with pytest.raises(CheckFailed, match="did you compare a sample with itself"):
        run("03.3", **{**good, "w1_constant": np.array([0.0, 0.1, 0.1])})
    with pytest.raises(CheckFailed, match="wobble_constant has a negative entry"):
        run("03.3", **{**good, "wobble_constant": np.array([-0.1, 0.09, 0.02])})
    with pytest.raises(CheckFailed, match="W1 of seed 1 with a constant rate 25 is above 20: the generator diverged"):
        run("03.3", **{**good, "w1_constant": np.array([0.1, 25.0, 0.1])})
