"""Checks of notebook 14's exercises (autoencoder applications)."""

from __future__ import annotations

import numpy as np

from utils.checks import CheckFailed, exercise, expect_between, expect_model, expect_number


@exercise("14.1")
def ink_corrected_auc(relative_auc):
    """AUCs of the anomaly score divided by the image's ink, for the AE and PCA, per held-out digit."""
    if not isinstance(relative_auc, dict) or set(relative_auc) != {"ae", "pca"}:
        got = sorted(relative_auc) if isinstance(relative_auc, dict) else type(relative_auc).__name__
        raise CheckFailed(f"relative_auc should be a dict with the keys 'ae' and 'pca', got {got}")
    digits = None
    for name, per_digit in relative_auc.items():
        if not isinstance(per_digit, dict) or not per_digit:
            raise CheckFailed(f"relative_auc[{name!r}] should be a dict from held-out digit to AUC")
        if digits is not None and set(per_digit) != digits:
            raise CheckFailed("relative_auc['ae'] and relative_auc['pca'] should cover the same held-out digits")
        digits = set(per_digit)
        for digit, value in per_digit.items():
            expect_between(f"relative_auc[{name!r}][{digit}]", value, 0.0, 1.0, hint="an AUC lies in [0, 1]: use "
                           "roc_auc_score(y_test == c, score)")
    if 1 in digits:
        value = expect_number("relative_auc['pca'][1]", relative_auc["pca"][1])
        if value < 0.5:
            raise CheckFailed(f"relative_auc['pca'][1] is {value:.3f}, still below chance: divide the score by the "
                              "ink np.sum(flat_test**2, axis=1); multiplying by it makes thin digits look even more "
                              "normal")
    return "; ".join(f"digit {d}: AE {relative_auc['ae'][d]:.3f}, PCA {relative_auc['pca'][d]:.3f}"
                     for d in sorted(digits)[:3]) + ("; ..." if len(digits) > 3 else "")


@exercise("14.2")
def fixed_rate_cost(fixed_rate_bits, entropy_rate_bits):
    """Fixed-rate and entropy-coded bits per image of PCA's K=16 code at step 0.5."""
    fixed = expect_number("fixed_rate_bits", fixed_rate_bits)
    coded = expect_number("entropy_rate_bits", entropy_rate_bits)
    expect_between("entropy_rate_bits", coded, 1.0, 16 * 20.0, hint="the rate of 16 dimensions is a few bits each; "
                   "sum the per-dimension cross-entropies in bits (log2), not nats")
    if abs(fixed - round(fixed)) > 1e-9:
        raise CheckFailed(f"fixed_rate_bits is {fixed:.3f}, not a whole number: each dimension takes "
                          "ceil(log2(L_j)) whole bits")
    if fixed < 16:
        raise CheckFailed(f"fixed_rate_bits is {fixed:.0f}, under one bit per dimension: sum ceil(log2(L_j)) over the "
                          "16 dimensions, with L_j = max - min + 1 of the training symbols")
    if coded > fixed:
        raise CheckFailed(f"entropy_rate_bits ({coded:.1f}) is above fixed_rate_bits ({fixed:.0f}); an entropy coder "
                          "never needs more than log2 of the number of levels per symbol on average: check that both "
                          "use the same quantised PCA codes (K=16, step 0.5)")
    saving = 100 * (1 - coded / fixed)
    return f"fixed rate {fixed:.0f} bits, entropy-coded {coded:.1f} bits per image ({saving:.0f}% less)"


@exercise("14.3")
def quantisation_aware(noisy_autoencoder, qat_mse, qat_bits, plain_mse, plain_bits):
    """An autoencoder trained with uniform noise on its code, and both models' error and rate at step 1."""
    expect_model("noisy_autoencoder", noisy_autoencoder, input_shape=(28, 28, 1), output_shape=(28, 28, 1))
    x = np.random.default_rng(0).uniform(size=(4, 28, 28, 1)).astype("float32")
    first, second = (np.asarray(noisy_autoencoder(x, training=False)) for _ in range(2))
    if not np.array_equal(first, second):
        raise CheckFailed("noisy_autoencoder gives different outputs for the same images outside training: add the "
                          "noise only when training is true")
    for name, value in (("qat_mse", qat_mse), ("plain_mse", plain_mse)):
        expect_between(name, value, 1e-5, 0.07, hint="a test MSE per pixel (pixels in [0, 1]) after quantisation "
                       "lies between the unquantised error and the 0-bit error of about 0.067")
    for name, value in (("qat_bits", qat_bits), ("plain_bits", plain_bits)):
        expect_between(name, value, 0.5, 2000.0, hint="use entropy_bits(training symbols, test symbols) of the "
                       "quantised codes, in bits per image")
    return (f"with noise: MSE {float(qat_mse):.4f} at {float(qat_bits):.1f} bits; without: {float(plain_mse):.4f} "
            f"at {float(plain_bits):.1f} bits")
