"""Checks of notebook 26's exercises (GAN samples as data augmentation)."""

from __future__ import annotations

import numbers

import numpy as np

from utils.checks import CheckFailed, exercise, expect_array, expect_between, expect_number


@exercise("26.1")
def honest_filter(kept_share, filtered_accuracy):
    """The pool filtered by the real-only classifier: the share kept and the retrained test accuracy."""
    share = expect_between("kept_share", kept_share, 0.0, 1.0,
                           hint="it is the fraction of the pool kept (np.mean of a boolean mask), not a count")
    if share == 1.0:
        raise CheckFailed("kept_share is exactly 1: every synthetic digit was kept. Keep only those whose predicted "
                          "class (argmax of the real-only CNN's logits) equals the label they were generated for")
    if share == 0.0:
        raise CheckFailed("kept_share is 0: nothing was kept. The pool's images are already in [0, 1], the scale "
                          "the small CNN was trained on; compare argmax(logits, axis=1) with the pool's labels")
    accuracy = expect_between("filtered_accuracy", filtered_accuracy, 0.0, 1.0,
                              hint="a test accuracy is a fraction between 0 and 1")
    return f"the real-only CNN kept {share:.1%} of the pool; test accuracy with the filtered pool {accuracy:.3f}"


def _power(effect, sd, n, alpha=0.05, one_sided=False):
    """Exact power of the one-sample t-test of mean 0 for n normal values with mean `effect` and sd `sd`:
    T = (Z + nc) / sqrt(V / df) with V ~ chi2(df), integrated over V (scipy's nct returns nan for large nc)."""
    from scipy import integrate, stats

    df, nc = n - 1, effect / sd * np.sqrt(n)
    crit = stats.t.ppf(1 - alpha if one_sided else 1 - alpha / 2, df)

    def rejected(v):
        scale = crit * np.sqrt(v / df)
        tail = stats.norm.sf(scale - nc)
        return (tail if one_sided else tail + stats.norm.cdf(-scale - nc)) * stats.chi2.pdf(v, df)

    return float(integrate.quad(rejected, 0, np.inf, limit=200)[0])


@exercise("26.2")
def test_power(effect_sizes, gain_sd, simulated_seeds, power):
    """Simulated power of the paired t-test with few seeds, against the exact (noncentral t) power."""
    effects = expect_array("effect_sizes", effect_sizes).reshape(-1)
    sd = expect_number("gain_sd", gain_sd)
    if sd <= 0:
        raise CheckFailed(f"gain_sd is {sd:.3g}: the seed-to-seed standard deviation must be positive")
    if isinstance(simulated_seeds, bool) or not isinstance(simulated_seeds, numbers.Integral | np.integer) \
            or simulated_seeds < 2:
        raise CheckFailed("simulated_seeds should be the number of seeds per simulated set (an integer >= 2, "
                          "N_SEEDS)")
    got = expect_array("power", power, shape=(len(effects),))
    if got.max() > 1.0:
        raise CheckFailed("power has values above 1: give the share of sets with p < alpha (a fraction), not a "
                          "percentage or a count")
    exact = np.array([_power(e, sd, int(simulated_seeds)) for e in effects])
    one_sided = np.array([_power(e, sd, int(simulated_seeds), one_sided=True) for e in effects])
    worst = int(np.argmax(np.abs(got - exact)))
    if abs(got[worst] - exact[worst]) > 0.02:
        if np.all(np.abs(got - one_sided) <= 0.02):
            raise CheckFailed("your power matches a ONE-sided test; section 4's test is two-sided (ttest_1samp's "
                              "default p-value)")
        raise CheckFailed(f"for a true gain of {effects[worst]:.3g} (sd {sd:.3g}, {int(simulated_seeds)} seeds) your "
                          f"power is {got[worst]:.3f}, the exact value is {exact[worst]:.3f}: draw the gains with mean "
                          "effect and sd gain_sd, test each set of seeds (axis=1) and count p < alpha")
    return ", ".join(f"gain {e:.3g} sd: power {p:.2f}" for e, p in zip(effects / sd, got, strict=True)) + \
        f" (exact within 0.02, {int(simulated_seeds)} seeds)"


@exercise("26.3")
def shifts_and_gan(combined_gains):
    """Paired gains of shifts + cGAN samples over shifts alone, one per seed."""
    if isinstance(combined_gains, dict):
        raise CheckFailed("combined_gains should be one array of per-seed gains for BUDGET_SMALL, not a dict")
    g = expect_array("combined_gains", combined_gains).reshape(-1)
    if len(g) < 2:
        raise CheckFailed(f"combined_gains holds {len(g)} gain(s): one per seed (run_seeds)")
    if np.abs(g).max() > 1.0:
        raise CheckFailed("combined_gains has values beyond ±1: gains are differences of accuracies (fractions), "
                          "not percentage points")
    if np.all(g == 0):
        raise CheckFailed("combined_gains is zero for every seed: subtract the accuracies of shifts ALONE "
                          "(accuracy[BUDGET_SMALL]['shifts']) from those of shifts + cGAN samples")
    return f"shifts + cGAN samples vs shifts alone: {100 * g.mean():+.1f} points on average over {len(g)} seeds"
