"""Checks of notebook 26's exercises (GAN samples as data augmentation)."""

from __future__ import annotations

import numbers

import numpy as np

from utils.checks import CheckFailed, exercise, expect_array, expect_between, expect_number, require_context

_CONTEXT_HINT = "run it in notebook 26 after section 3 has trained the pools and classifiers"




@exercise("26.1")
def honest_filter(kept_share, filtered_accuracy, *, pools=None, draw_labelled=None, train_classifier=None,
                  logits_of=None, x_train01=None, y_train=None, BUDGET_SMALL=None, SEED=None, SYNTH_FRACTION=None):
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
    require_context({"pools": pools, "draw_labelled": draw_labelled, "train_classifier": train_classifier,
              "logits_of": logits_of, "x_train01": x_train01, "y_train": y_train, "BUDGET_SMALL": BUDGET_SMALL,
              "SEED": SEED, "SYNTH_FRACTION": SYNTH_FRACTION}, _CONTEXT_HINT)
    # The same deterministic steps as a right answer: the real-only CNN of seed SEED, then one retraining.
    index = draw_labelled(BUDGET_SMALL, SEED)
    x, y = x_train01[index], y_train[index]
    _, real_only = train_classifier(x, y, SEED, return_model=True)
    images, labels = pools[(BUDGET_SMALL, SEED)]
    keep = np.asarray(logits_of(real_only, images)).argmax(axis=1) == np.asarray(labels)
    expected_share = float(keep.mean())
    if abs(share - expected_share) > 0.002:
        from utils import evaluation

        if abs(share - evaluation.label_accuracy(images, labels, "[0,1]")) <= 0.002:
            raise CheckFailed(f"kept_share {share:.3f} is the share the COURSE classifier agrees with: that classifier "
                              "saw all 60,000 labels, the leak this exercise avoids. Filter with the real-only CNN "
                              f"trained on the {BUDGET_SMALL} labelled digits of seed {SEED} (train_classifier(..., "
                              f"return_model=True)), which keeps {expected_share:.3f}")
        raise CheckFailed(f"kept_share is {share:.3f}; the real-only CNN of seed {SEED} ({BUDGET_SMALL} labels) agrees "
                          f"with the labels of {expected_share:.3f} of the pool pools[(BUDGET_SMALL, SEED)]: keep "
                          "the digits whose argmax of its logits equals their label")
    expected_accuracy = train_classifier(x, y, SEED, synth=(images[keep], labels[keep]), fraction=SYNTH_FRACTION)
    if abs(accuracy - expected_accuracy) > 0.002:
        raise CheckFailed(f"filtered_accuracy is {accuracy:.3f}; retraining on the {BUDGET_SMALL} real digits plus the "
                          f"kept pool (fraction SYNTH_FRACTION, seed {SEED}) scores {expected_accuracy:.3f}: pass the "
                          "filtered pool as synth=(images[keep], labels[keep]) with the same seed and fraction")
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
def shifts_and_gan(combined_gains, *, accuracy=None, pools=None, draw_labelled=None, train_classifier=None,
                   x_train01=None, y_train=None, run_seeds=None, BUDGET_SMALL=None, SYNTH_FRACTION=None):
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
    require_context({"accuracy": accuracy, "pools": pools, "draw_labelled": draw_labelled,
              "train_classifier": train_classifier, "x_train01": x_train01, "y_train": y_train,
              "run_seeds": run_seeds, "BUDGET_SMALL": BUDGET_SMALL, "SYNTH_FRACTION": SYNTH_FRACTION}, _CONTEXT_HINT)
    if len(g) != len(run_seeds):
        raise CheckFailed(f"combined_gains holds {len(g)} gains; expected one per seed of run_seeds ({len(run_seeds)})")
    combined = []
    for seed in run_seeds:
        index = draw_labelled(BUDGET_SMALL, seed)
        combined.append(train_classifier(x_train01[index], y_train[index], seed, synth=pools[(BUDGET_SMALL, seed)],
                                         fraction=SYNTH_FRACTION, shifts=True))
    combined = np.array(combined)
    shifts, real = np.array(accuracy[BUDGET_SMALL]["shifts"]), np.array(accuracy[BUDGET_SMALL]["real"])
    if np.allclose(g, combined - shifts, atol=0.002):
        return f"shifts + cGAN samples vs shifts alone: {100 * g.mean():+.1f} points on average over {len(g)} seeds"
    if np.allclose(g, combined - real, atol=0.002):
        raise CheckFailed("combined_gains are gains over REAL-ONLY training; the question is what the pool adds to "
                          "random shifts: subtract accuracy[BUDGET_SMALL]['shifts'], not ['real']")
    if np.allclose(g, shifts - combined, atol=0.002):
        raise CheckFailed("combined_gains has the wrong sign: it is (shifts + cGAN) minus shifts alone")
    raise CheckFailed(f"combined_gains is {np.round(g, 3).tolist()}; training shifts + cGAN samples (shifts=True, "
                      f"synth=pools[(BUDGET_SMALL, seed)], fraction=SYNTH_FRACTION) for each seed gives "
                      f"{np.round(combined - shifts, 3).tolist()} over shifts alone")
