"""Checks of notebook 00's exercises (start here: data, scaling, seeds)."""

from __future__ import annotations

import numpy as np

from utils.checks import (
    CheckFailed,
    exercise,
    expect_allclose,
    expect_array,
    expect_between,
    expect_callable,
    expect_close,
)


@exercise("00.1")
def binarisation_noise(binary_a, binary_b, flip_fraction, predicted_flip_fraction):
    a = expect_array("binary_a", binary_a)
    b = expect_array("binary_b", binary_b, shape=a.shape)
    if a.ndim < 2 or len(a) < 100:
        raise CheckFailed(f"binary_a has shape {a.shape}; load at least 100 images (the exercise uses 1,000)")
    values = np.union1d(np.unique(a), np.unique(b))
    if not set(values.tolist()) <= {0.0, 1.0}:
        raise CheckFailed(f"binary_a and binary_b should hold only 0 and 1, found {values[:4].tolist()}...: load "
                          "them with binarize=\"sample\" and scale=\"[0,1]\"")
    measured = float(np.mean(a != b))
    if measured == 0:
        raise CheckFailed("binary_a and binary_b are identical: give the two loads different `binarize_seed` values")
    expect_close("flip_fraction", flip_fraction, measured, atol=1e-6,
                 hint="it is the share of pixels where the two draws differ, np.mean(binary_a != binary_b)")
    predicted = expect_between("predicted_flip_fraction", predicted_flip_fraction, 1e-6, 0.5,
                               hint="a pixel of grey level p differs between two independent draws with "
                                    "probability 2p(1-p), which lies in (0, 0.5]")
    if abs(measured / predicted - 2) < 0.2:
        raise CheckFailed(f"your prediction {predicted:.4f} is half the measured {measured:.4f}: two draws differ "
                          "when the first is 1 and the second 0 *or* the reverse, so P(differ) = 2p(1-p)")
    if measured > 1.5 * predicted + 0.005:
        raise CheckFailed(f"the draws differ in {measured:.3f} of the pixels, far more than the {predicted:.3f} that "
                          "binarisation alone predicts: did the two loads draw different images? Keep `seed` (it "
                          "picks the subset) the same and change only `binarize_seed`")
    expect_close("predicted_flip_fraction", predicted, measured, atol=0.005,
                 hint="average 2p(1-p) over the grey levels p of the same images, in [0,1] scale")
    return f"{measured:.4f} of the pixels differ between the two draws; 2p(1-p) predicts {predicted:.4f}"


@exercise("00.2")
def unit_range_converter(to_unit_range):
    expect_callable("to_unit_range", to_unit_range, n_args=1)
    x = np.array([-1.0, -0.5, 0.0, 0.5, 1.0], dtype=np.float32)
    out = expect_array("to_unit_range(x)", to_unit_range(x.copy()), shape=x.shape)
    expect_allclose("to_unit_range(x)", out, (x + 1) / 2, atol=1e-6, at=x, at_name="x",
                    hint="map -1 to 0 and 1 to 1: (x + 1) / 2")
    images = np.linspace(-1, 1, 2 * 28 * 28, dtype=np.float32).reshape(2, 28, 28, 1)
    kept = images.copy()
    expect_array("to_unit_range(images)", to_unit_range(images), shape=images.shape)
    if not np.array_equal(images, kept):
        raise CheckFailed("to_unit_range changed the array it was given: return a new array instead")
    for bad, what in ((np.array([-1.0, 2.0]), "2.0"), (np.array([0.5, np.nan]), "NaN")):
        try:
            result = to_unit_range(bad)
        except ValueError as err:
            if "images" not in str(err):
                raise CheckFailed(f"the ValueError for {what} says {str(err)[:80]!r}: name the argument (`images`) "
                                  "and what it must satisfy") from None
            continue
        except Exception as err:
            raise CheckFailed(f"for an input holding {what}, to_unit_range raised {type(err).__name__}; raise a "
                              "ValueError that names `images`") from None
        hint = " (a NaN fails every comparison: test np.all((images >= -1) & (images <= 1)))" if what == "NaN" else ""
        raise CheckFailed(f"to_unit_range returned {np.asarray(result).tolist()} for an input holding {what}: refuse "
                          f"values outside [-1, 1] with a ValueError instead of converting them{hint}")
    return "maps [-1,1] to [0,1], keeps shapes and the input, refuses out-of-range values and NaN by name"


@exercise("00.3")
def seed_spread(seed_accuracies, accuracy_std):
    accuracies = expect_array("seed_accuracies", seed_accuracies)
    if accuracies.ndim != 1 or len(accuracies) < 3:
        raise CheckFailed(f"seed_accuracies has shape {accuracies.shape}; give one test accuracy per seed, for at "
                          "least 3 seeds")
    if accuracies.max() > 1:
        raise CheckFailed(f"seed_accuracies holds {accuracies.max():.4g}: give accuracies as fractions in [0, 1], "
                          "not percentages")
    if accuracies.min() < 0.3:
        raise CheckFailed(f"one accuracy is {accuracies.min():.3f}, barely above chance (0.1): evaluate on test "
                          "images in [0,1] scale, as in section 3 (x_test * 0.5 + 0.5)")
    if np.ptp(accuracies) == 0:
        raise CheckFailed("every seed gave the same accuracy: pass a different seed to each training run")
    sample_std = float(np.std(accuracies, ddof=1))
    if abs(float(np.std(accuracies)) - sample_std) > 1e-9 and \
            abs(expect_between("accuracy_std", accuracy_std, 0, None) - float(np.std(accuracies))) < 1e-6:
        raise CheckFailed("accuracy_std is the population standard deviation (ddof=0); for a spread over a few "
                          "seeds use the sample standard deviation, np.std(seed_accuracies, ddof=1)")
    expect_close("accuracy_std", accuracy_std, sample_std, atol=1e-6,
                 hint="the sample standard deviation of seed_accuracies, np.std(seed_accuracies, ddof=1)")
    expect_between("accuracy_std", sample_std, None, 0.1,
                   hint="more spread than seeds alone give here: did the runs differ in data or epochs too?")
    return f"{len(accuracies)} seeds: accuracy {accuracies.mean():.4f} ± {sample_std:.4f} (sample std)"
