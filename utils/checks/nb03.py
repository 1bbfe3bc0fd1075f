"""Checks of the exercises of notebook 03 (GAN theory)."""

from __future__ import annotations

import numpy as np
from scipy import stats

from utils.checks import CheckFailed, exercise, expect_allclose, expect_array, expect_between, expect_callable


@exercise("03.1")
def _optimal_discriminator_unequal_classes(d_star_weighted):
    expect_callable("d_star_weighted", d_star_weighted, n_args=3)
    rng = np.random.default_rng(3)
    p, q = rng.uniform(0.01, 1.0, 50), rng.uniform(0.01, 1.0, 50)
    for pi in (0.5, 0.8, 0.2):
        expected = pi * p / (pi * p + (1 - pi) * q)
        got = expect_array(f"d_star_weighted(p, q, pi={pi})", d_star_weighted(p, q, pi), shape=(50,))
        if np.allclose(got, expected, rtol=0, atol=1e-9):
            continue
        if np.allclose(got, p / (p + q), atol=1e-9):
            raise CheckFailed(f"at pi={pi} your D* equals p/(p+q): it ignores pi; weight the data density by pi and "
                              "the generator's by 1 - pi")
        if np.allclose(got, (1 - pi) * p / ((1 - pi) * p + pi * q), atol=1e-9):
            raise CheckFailed(f"at pi={pi} you swapped pi and 1 - pi: real samples come with probability pi")
        if np.allclose(got, 1 - expected, atol=1e-9):
            raise CheckFailed(f"at pi={pi} your answer is 1 - D*_pi: D is the probability that x is REAL")
        expect_allclose(f"d_star_weighted(p, q, pi={pi})", got, expected, atol=1e-9, at=p, at_name="p",
                        hint="maximise pi*p*log(y) + (1-pi)*q*log(1-y) over y")
    return "D*_pi = pi p / (pi p + (1 - pi) q) at pi = 0.2, 0.5, 0.8 on random densities"


def _orbit(x, y, eta, steps, discriminator_first=True):
    points = [(x, y)]
    for _ in range(steps):
        if discriminator_first:
            y = y + eta * x
            x = x - eta * y
        else:
            x = x - eta * y
            y = y + eta * x
        points.append((x, y))
    return np.array(points)


def _conserved(fn, orbit, eta):
    values = np.asarray(fn(orbit[:, 0], orbit[:, 1], eta), dtype=float)
    return values, float(np.max(np.abs(values - values[0])) / max(1e-12, abs(values[0])))


@exercise("03.2")
def _alternating_invariant(alternating_invariant):
    expect_callable("alternating_invariant", alternating_invariant, n_args=3)
    for eta in (0.1, 0.5):
        orbit = _orbit(1.0, 0.3, eta, 200)
        values, drift = _conserved(alternating_invariant, orbit, eta)
        expect_array(f"alternating_invariant on an orbit with eta={eta}", values, shape=(len(orbit),))
        if drift > 1e-9:
            _, other = _conserved(alternating_invariant, _orbit(1.0, 0.3, eta, 200, discriminator_first=False), eta)
            if other < 1e-9:
                raise CheckFailed("your quantity is conserved when x (the generator) moves first; in Algorithm 1 "
                                  "the discriminator y moves first: y <- y + eta x, then x <- x - eta y")
            raise CheckFailed(f"alternating_invariant changes by {drift:.2g} (relative) along an orbit with "
                              f"eta={eta}: expand Q(x', y') with x' = (1 - eta^2) x - eta y, y' = y + eta x")
    inner = alternating_invariant(np.array([0.1]), np.array([0.0]), 0.1)
    outer = alternating_invariant(np.array([2.0]), np.array([0.0]), 0.1)
    if np.allclose(inner, outer):
        raise CheckFailed("alternating_invariant takes the same value on different orbits (a constant is always "
                          "conserved): it should grow with the distance from (0, 0)")
    return "conserved to 1e-9 along orbits with eta = 0.1 and 0.5, and it tells the orbits apart"


def _late_wobble(run) -> float:
    means = np.asarray(run["trace"]["mean"], dtype=float)
    return float(means[-(len(means) // 3):].std())


def _run_parts(name, run, i):
    try:
        return np.asarray(run["samples"], dtype=float), np.asarray(run["trace"]["mean"], dtype=float)
    except (KeyError, TypeError, IndexError):
        raise CheckFailed(f"{name}[{i}] should be what train_gan returns (a dict with 'samples' and a 'trace' "
                          "recorded with trace_every > 0)") from None


@exercise("03.3")
def _constant_learning_rate(constant_runs, w1_constant, wobble_constant, wobble_decay, *, runs=None,
                            TARGET_MEAN=4.0, TARGET_STD=0.5):
    w1 = expect_array("w1_constant", w1_constant)
    constant = expect_array("wobble_constant", wobble_constant)
    decay = expect_array("wobble_decay", wobble_decay)
    if w1.ndim != 1 or w1.size == 0:
        raise CheckFailed(f"w1_constant should hold one W1 per seed (a 1-D array), got shape {w1.shape}")
    for name, values in (("wobble_constant", constant), ("wobble_decay", decay)):
        if values.shape != w1.shape:
            raise CheckFailed(f"{name} has shape {values.shape}; expected one value per seed, {w1.shape}")
        if np.any(values < 0):
            raise CheckFailed(f"{name} has a negative entry: a standard deviation is >= 0")
    if np.any(w1 <= 0):
        raise CheckFailed("w1_constant has an entry <= 0: a W1 between two finite samples is positive; did you "
                          "compare a sample with itself?")
    for i, value in enumerate(w1):
        expect_between(f"W1 of seed {i} with a constant rate", value, 0.0, 20.0,
                       hint="the generator diverged; check that only lr_decay changed")
    # Recompute every number from the runs themselves, so that typed-in values or the wrong runs do not pass.
    if not isinstance(constant_runs, (list, tuple)) or len(constant_runs) != w1.size:
        raise CheckFailed(f"constant_runs should be the list of {w1.size} runs that train_gan returned (one per "
                          "seed), with lr_decay=False")
    target = np.random.default_rng(12345).normal(TARGET_MEAN, TARGET_STD, 20000)
    for i, run in enumerate(constant_runs):
        samples, _ = _run_parts("constant_runs", run, i)
        if runs is not None and i < len(runs):
            decayed, _ = _run_parts("runs", runs[i], i)
            if samples.shape == decayed.shape and np.allclose(samples, decayed):
                raise CheckFailed(f"constant_runs[{i}] produced the same samples as section 4's runs[{i}]: train "
                                  "with lr_decay=False")
        expected_w1 = float(stats.wasserstein_distance(samples, target))
        if abs(w1[i] - expected_w1) > 0.02 + 0.1 * expected_w1:
            raise CheckFailed(f"w1_constant[{i}] is {w1[i]:.4f}, but the samples of constant_runs[{i}] are at W1 "
                              f"{expected_w1:.4f} from N({TARGET_MEAN}, {TARGET_STD}^2): measure W1 between "
                              "constant_runs[i]['samples'] and a fresh target sample of the same size")
        expected_wobble = _late_wobble(run)
        if not np.isclose(constant[i], expected_wobble, rtol=1e-6, atol=1e-9):
            raise CheckFailed(f"wobble_constant[{i}] is {constant[i]:.4g}, but the traced mean of constant_runs[{i}] "
                              f"has a standard deviation of {expected_wobble:.4g} over the last third of the trace")
    if runs is not None:
        if len(runs) != decay.size:
            raise CheckFailed(f"wobble_decay has {decay.size} values but section 4 trained {len(runs)} runs")
        for i, run in enumerate(runs):
            expected_wobble = _late_wobble(run)
            if not np.isclose(decay[i], expected_wobble, rtol=1e-6, atol=1e-9):
                raise CheckFailed(f"wobble_decay[{i}] is {decay[i]:.4g}, but the traced mean of section 4's runs[{i}] "
                                  f"has a standard deviation of {expected_wobble:.4g} over the last third of the trace")
    return (f"{w1.size} seeds; late wobble of the generator's mean {constant.mean():.3g} (constant rate) "
            f"vs {decay.mean():.3g} (decayed)")
