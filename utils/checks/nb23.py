"""Checks of notebook 23's exercises (WGAN-GP: the interpolation weight, the bug on the ring, the cost of a step)."""

from __future__ import annotations

import math
import numbers

import numpy as np

from utils.checks import CheckFailed, exercise, expect_between, expect_number

P_OUTSIDE = 1.5 - 0.5 * (1 + math.erf(1 / math.sqrt(2)))  # P(eps < 0) + P(eps > 1) for eps ~ N(0, 1): 0.6587
PENALTY_NORMAL = 2 - 2 * math.sqrt(2 / math.pi)  # E(|eps| - 1)^2, eps ~ N(0, 1): 0.4042
PENALTY_UNIFORM = 1 / 3  # E(eps - 1)^2, eps ~ U[0, 1]


@exercise("23.1")
def outside_segment(p_outside_exact, p_outside_sampled):
    """The share of N(0, 1) weights outside [0, 1], exactly and from draws."""
    exact = expect_number("p_outside_exact", p_outside_exact)
    if abs(exact - P_OUTSIDE) > 1e-4:
        known = {0.5: "that is P(eps < 0) alone; add P(eps > 1) = 1 - Phi(1)",
                 1 - P_OUTSIDE: "that is the share INSIDE [0, 1]; take its complement",
                 P_OUTSIDE - 0.5: "that is P(eps > 1) alone; add P(eps < 0) = Phi(0) = 1/2"}
        hint = next((h for v, h in known.items() if abs(exact - v) < 1e-3), "P(eps < 0) + P(eps > 1) = Phi(0) + "
                    "1 - Phi(1) (stats.norm.cdf and stats.norm.sf)")
        raise CheckFailed(f"p_outside_exact is {exact:.4f}; expected {P_OUTSIDE:.4f}: {hint}")
    sampled = expect_number("p_outside_sampled", p_outside_sampled)
    if sampled > 1:
        raise CheckFailed(f"p_outside_sampled is {sampled:g}: a count, not a share; divide by the number of draws "
                          "(or use np.mean of the boolean mask)")
    if abs(sampled - P_OUTSIDE) > 0.01:
        hint = (" (that is the share inside [0, 1])" if abs(sampled - (1 - P_OUTSIDE)) < 0.01 else
                "; count the draws with eps < 0 OR eps > 1, from standard_normal (not uniform), and use at least "
                "100,000 draws")
        raise CheckFailed(f"p_outside_sampled is {sampled:.4f}, more than 0.01 from the exact {P_OUTSIDE:.4f}{hint}")
    return f"exact {exact:.4f}, sampled {sampled:.4f} (difference {abs(sampled - exact):.4f})"


def _penalty_on_test_critic(model_class):
    """The class's gradient penalty for the critic f(x) = |x|^2 / 2 (gradient x) between real (1, 0) and fake
    (0, 0): the interpolate is (eps, 0), its gradient norm |eps|, so the penalty estimates E(|eps| - 1)^2."""
    import keras

    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)], name="test_generator")
    critic = keras.Sequential([keras.Input((2,)), keras.layers.Lambda(
        lambda x: 0.5 * keras.ops.sum(keras.ops.square(x), axis=1, keepdims=True))], name="test_critic")
    model = model_class(generator, critic, 2, seed=0)
    n = 40_000
    real = np.tile(np.array([[1.0, 0.0]], dtype="float32"), (n, 1))
    fake = np.zeros((n, 2), dtype="float32")
    return float(keras.ops.convert_to_numpy(model.gradient_penalty(keras.ops.convert_to_tensor(real),
                                                                   keras.ops.convert_to_tensor(fake), None)))


@exercise("23.2")
def normal_eps_bug(NormalEpsWGANGP, bug_scores, *, MIN_HQ_PCT=50.0):
    """A WGANGP subclass whose penalty draws eps from N(0, 1), and the ring scores of runs trained with it."""
    from utils.gan import WGANGP

    if not (isinstance(NormalEpsWGANGP, type) and issubclass(NormalEpsWGANGP, WGANGP)):
        raise CheckFailed("NormalEpsWGANGP should be a class derived from utils.WGANGP (class NormalEpsWGANGP("
                          "utils.WGANGP): ...)")
    if NormalEpsWGANGP.gradient_penalty is WGANGP.gradient_penalty:
        raise CheckFailed("NormalEpsWGANGP does not override gradient_penalty(self, real, fake, labels)")
    penalty = _penalty_on_test_critic(NormalEpsWGANGP)
    if abs(penalty - PENALTY_UNIFORM) < 0.02:
        raise CheckFailed(f"on a test critic whose gradient norm at the interpolate is |eps|, your penalty is "
                          f"{penalty:.3f}, what eps ~ U[0, 1] gives (1/3); draw eps with keras.random.normal")
    if abs(penalty - PENALTY_NORMAL) > 0.03:
        raise CheckFailed(f"on a test critic whose gradient norm at the interpolate is |eps|, your penalty is "
                          f"{penalty:.3f}; with one eps ~ N(0, 1) per sample it should be about {PENALTY_NORMAL:.3f} "
                          "(= 2 - 2 sqrt(2/pi)). Draw eps of shape (m, 1, ..., 1), one per sample, keep "
                          "x_hat = eps * real + (1 - eps) * fake, and return the mean of (norm - 1)^2")
    if not isinstance(bug_scores, (list, tuple)) or not bug_scores:
        raise CheckFailed(f"bug_scores should be a non-empty list of ring_scores dicts (one per seed), got "
                          f"{type(bug_scores).__name__}")
    for i, score in enumerate(bug_scores):
        if not isinstance(score, dict) or not {"modes", "hq_pct"} <= set(score):
            raise CheckFailed(f"bug_scores[{i}] should be a dict from utils.ring.ring_scores (keys 'modes', 'hq_pct'"
                              f", 'counts'), got {type(score).__name__}")
        modes = score["modes"]
        if isinstance(modes, bool) or not isinstance(modes, numbers.Integral | np.integer) or not 0 <= modes <= 8:
            raise CheckFailed(f"bug_scores[{i}]['modes'] is {modes!r}; a count of modes between 0 and 8")
        expect_between(f"bug_scores[{i}]['hq_pct']", score["hq_pct"], 0.0, 100.0, hint="a percentage")
    trained = sum(s["modes"] == 8 and s["hq_pct"] >= MIN_HQ_PCT for s in bug_scores)
    return (f"the penalty with normal weights is {penalty:.3f} on the test critic (U[0,1]: {PENALTY_UNIFORM:.3f}, "
            f"N(0,1): {PENALTY_NORMAL:.3f}); {trained} of {len(bug_scores)} runs with the bug train")


@exercise("23.3")
def step_cost(cpu_per_step, step_cost_ratio, *, runs=None, SEEDS=None, WGAN_STEPS=None, DCGAN_STEPS=None):
    """CPU seconds per generator update of each method on MNIST, and their ratio."""
    if not isinstance(cpu_per_step, dict) or set(cpu_per_step) != {"WGAN-GP", "DCGAN"}:
        raise CheckFailed(f"cpu_per_step should be a dict with the keys 'WGAN-GP' and 'DCGAN', got "
                          f"{sorted(cpu_per_step) if isinstance(cpu_per_step, dict) else type(cpu_per_step).__name__}")
    per = {k: expect_number(f"cpu_per_step[{k!r}]", v) for k, v in cpu_per_step.items()}
    for k, v in per.items():
        if v <= 0:
            raise CheckFailed(f"cpu_per_step[{k!r}] is {v:g}; a time per update is positive")
    ratio = expect_number("step_cost_ratio", step_cost_ratio)
    want = per["WGAN-GP"] / per["DCGAN"]
    if abs(ratio - want) > 1e-6 * want:
        hint = " (inverted: WGAN-GP over DCGAN)" if abs(ratio * want - 1) < 1e-6 else ""
        raise CheckFailed(f"step_cost_ratio is {ratio:.4g} but your cpu_per_step gives {want:.4g}{hint}")
    if runs is not None and SEEDS is not None and WGAN_STEPS and DCGAN_STEPS:
        for method, steps, other in (("WGAN-GP", WGAN_STEPS, DCGAN_STEPS), ("DCGAN", DCGAN_STEPS, WGAN_STEPS)):
            expected = float(np.mean([runs[method, s]["train_cpu"] for s in SEEDS])) / steps
            if abs(per[method] - expected) > 1e-6 * expected:
                total = expected * steps
                hint = ("you divided by the other method's number of updates" if
                        abs(per[method] - total / other) < 1e-6 * expected else
                        "this is the whole run's CPU time: divide by its generator updates" if
                        abs(per[method] - total) < 1e-6 * total else
                        "mean of runs[method, seed]['train_cpu'] over SEEDS, divided by the method's generator updates")
                raise CheckFailed(f"cpu_per_step[{method!r}] is {per[method]:.4g}; the runs of section 3 give "
                                  f"{expected:.4g}: {hint}")
    if ratio < 1:
        raise CheckFailed(f"step_cost_ratio is {ratio:.3g}: a WGAN-GP update (five critic updates) should cost more "
                          "than a DCGAN update; check which time belongs to which method")
    return (f"WGAN-GP {per['WGAN-GP']:.3f} and DCGAN {per['DCGAN']:.3f} CPU-s per generator update: ratio {ratio:.1f}")
