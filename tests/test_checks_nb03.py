"""The exercise checks of notebook 03: a right answer passes, wrong answers get specific feedback."""

import numpy as np
import pytest
from scipy import stats

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


def fake_run(seed, late_std, target_shift=0.05):
    """What train_gan returns, reduced to what the check reads: final samples and a traced sample mean."""
    rng = np.random.default_rng(seed)
    return {"samples": rng.normal(4.0 + target_shift, 0.5, 5000),
            "trace": {"mean": np.concatenate([np.full(70, 4.0), 4.0 + late_std * rng.standard_normal(31)])}}


def late(run):
    means = run["trace"]["mean"]
    return float(means[-(len(means) // 3):].std())


def w1_to_target(run):
    return stats.wasserstein_distance(run["samples"], np.random.default_rng(99).normal(4.0, 0.5, 20000))


@pytest.fixture
def exercise_3():
    runs = [fake_run(s, 0.01) for s in range(3)]
    constant_runs = [fake_run(10 + s, 0.1, target_shift=0.1) for s in range(3)]
    answer = {"constant_runs": constant_runs, "w1_constant": np.array([w1_to_target(r) for r in constant_runs]),
              "wobble_constant": np.array([late(r) for r in constant_runs]),
              "wobble_decay": np.array([late(r) for r in runs])}
    return answer, {"runs": runs, "TARGET_MEAN": 4.0, "TARGET_STD": 0.5}


def test_03_3_constant_learning_rate(capsys, exercise_3):
    good, context = exercise_3
    run("03.3", **good, **context)
    assert "✓ Exercise 03.3: 3 seeds" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match=r"wobble_decay has shape \(2,\); expected one value per seed, \(3,\)"):
        run("03.3", **{**good, "wobble_decay": good["wobble_decay"][:2]}, **context)
    with pytest.raises(CheckFailed, match="did you compare a sample with itself"):
        run("03.3", **{**good, "w1_constant": np.array([0.0, 0.1, 0.1])}, **context)
    with pytest.raises(CheckFailed, match="wobble_constant has a negative entry"):
        run("03.3", **{**good, "wobble_constant": np.array([-0.1, 0.09, 0.02])}, **context)
    with pytest.raises(CheckFailed, match="W1 of seed 1 with a constant rate 25 is above 20: the generator diverged"):
        run("03.3", **{**good, "w1_constant": np.array([0.1, 25.0, 0.1])}, **context)


def test_03_3_numbers_must_come_from_the_runs(exercise_3):
    """Typed-in numbers, or the decayed runs trained again, get feedback: the check recomputes from the runs."""
    good, context = exercise_3
    with pytest.raises(CheckFailed, match=r"w1_constant\[0\] is 0.5000, but the samples of constant_runs\[0\]"):
        run("03.3", **{**good, "w1_constant": np.array([0.5, 0.1, 0.1])}, **context)
    with pytest.raises(CheckFailed, match=r"wobble_constant\[1\] is .*, but the traced mean of constant_runs\[1\]"):
        run("03.3", **{**good, "wobble_constant": good["wobble_constant"] * [1, 2, 1]}, **context)
    with pytest.raises(CheckFailed, match=r"wobble_decay\[0\] is 0.1, but the traced mean of section 4's runs\[0\]"):
        run("03.3", **{**good, "wobble_decay": np.array([0.1, 0.01, 0.01])}, **context)
    same = context["runs"]
    with pytest.raises(CheckFailed, match=r"same samples as section 4.s runs\[0\]: train with lr_decay=False"):
        run("03.3", **{**good, "constant_runs": same, "w1_constant": np.array([w1_to_target(r) for r in same]),
                       "wobble_constant": np.array([late(r) for r in same])}, **context)
    with pytest.raises(CheckFailed, match="constant_runs should be the list of 3 runs"):
        run("03.3", **{**good, "constant_runs": good["constant_runs"][:2]}, **context)
