"""Checks of the exercises of notebook 02 (autoencoder theory)."""

from __future__ import annotations

import numpy as np

from utils.checks import (
    CheckFailed,
    exercise,
    expect_allclose,
    expect_array,
    expect_between,
    expect_callable,
    expect_model,
    expect_number,
)

D = 784


@exercise("02.1")
def _pca_error_is_discarded_variance(eigenvalues_n, train_mse_pca, discarded_mse):
    eigenvalues = expect_array("eigenvalues_n", eigenvalues_n, shape=(D,))
    if np.any(np.diff(eigenvalues) > 1e-12 * max(1.0, eigenvalues[0])):
        raise CheckFailed("eigenvalues_n is not sorted largest first (as PCA's explained_variance_ is)")
    if eigenvalues.min() < -1e-10:
        raise CheckFailed(f"eigenvalues_n has a negative entry ({eigenvalues.min():.3g}): a covariance matrix has "
                          "no negative eigenvalues")
    measured = expect_number("train_mse_pca", train_mse_pca)
    discarded = expect_number("discarded_mse", discarded_mse)
    tails = np.concatenate([np.cumsum(eigenvalues[::-1])[::-1], [0.0]])  # tails[k] = sum of eigenvalues[k:]
    if not np.any(np.isclose(tails / D, discarded, rtol=1e-9, atol=1e-15)):
        if np.any(np.isclose(tails, discarded, rtol=1e-9, atol=1e-15)):
            raise CheckFailed("discarded_mse is a sum of discarded eigenvalues but not divided by D = 784: the MSE "
                              "is per pixel")
        raise CheckFailed("discarded_mse is not (sum of eigenvalues_n[k:]) / 784 for any k: sum the eigenvalues "
                          "of the components PCA drops")
    if measured <= 0:
        raise CheckFailed(f"train_mse_pca is {measured:.3g}; a projection onto fewer than 784 directions has a "
                          "positive error")
    ratio = discarded / measured
    if abs(ratio - 1) > 1e-8:
        hint = (" The ratio is above 1 by about 1/(n - 1): your eigenvalues use sklearn's n - 1 normalisation; "
                "multiply them by (n - 1)/n." if 1 + 1e-7 < ratio < 1 + 1e-2 else
                " Is train_mse_pca the mean over all pixels and images of (x - x_hat)^2 on the TRAINING images, "
                "and does k match?")
        raise CheckFailed(f"discarded_mse / train_mse_pca = {ratio:.8f}, not 1 (tolerance 1e-8).{hint}")
    return f"training MSE {measured:.6f} = sum of the discarded eigenvalues / D to 1e-8 (relative)"


def _two_dim_weights(model):
    return [w for w in model.trainable_weights if len(w.shape) == 2]


@exercise("02.2")
def _tied_weights(tied_ae, tied_gap_percent, tied_gram_error):
    expect_model("tied_ae", tied_ae, input_shape=(D,), output_shape=(D,))
    kernels = _two_dim_weights(tied_ae)
    if len(kernels) != 1:
        shapes = ", ".join(str(tuple(w.shape)) for w in kernels)
        raise CheckFailed(f"tied_ae has {len(kernels)} weight matrices ({shapes}); a tied autoencoder has one, used "
                          "by the encoder and (transposed) by the decoder")
    x = np.random.default_rng(0).uniform(0, 1, (4, D)).astype("float32")
    zero = np.asarray(tied_ae(np.zeros_like(x), training=False))
    once, twice = np.asarray(tied_ae(x, training=False)) - zero, np.asarray(tied_ae(2 * x, training=False)) - zero
    if not np.allclose(twice, 2 * once, rtol=1e-3, atol=1e-4):
        raise CheckFailed("tied_ae is not linear (f(2x) - f(0) differs from 2 (f(x) - f(0))): drop the activations")
    gap = expect_between("tied_gap_percent", tied_gap_percent, -1.0, None,
                         hint="a linear autoencoder with k codes cannot beat PCA with k components by that much; "
                              "compare MSEs on the same test images, in percent")
    gram = expect_between("tied_gram_error", tied_gram_error, 0.0, None,
                          hint="it is a maximum of absolute values")
    return f"one shared kernel {tuple(kernels[0].shape)}, linear; gap to PCA {gap:+.2f}%, max |W W^T - I| {gram:.3f}"


@exercise("02.3")
def _kl_between_gaussians(kl_normal):
    expect_callable("kl_normal", kl_normal, n_args=4)
    rng = np.random.default_rng(2)
    mu1, mu2 = rng.normal(0, 1, 20), rng.normal(0, 1, 20)
    s1, s2 = np.exp(rng.normal(0, 0.5, 20)), np.exp(rng.normal(0, 0.5, 20))
    expected = np.log(s2 / s1) + (s1**2 + (mu1 - mu2) ** 2) / (2 * s2**2) - 0.5
    got = expect_array("kl_normal(mu1, sigma1, mu2, sigma2)", kl_normal(mu1, s1, mu2, s2), shape=(20,))
    if not np.allclose(got, expected, rtol=1e-9, atol=1e-12):
        reversed_ = np.log(s1 / s2) + (s2**2 + (mu1 - mu2) ** 2) / (2 * s1**2) - 0.5
        as_variance = 0.5 * np.log(s2 / s1) + (s1 + (mu1 - mu2) ** 2) / (2 * s2) - 0.5
        if np.allclose(got, reversed_, rtol=1e-9):
            raise CheckFailed("you computed KL(p2 || p1): the expectation is under the FIRST Gaussian, "
                              "N(mu1, sigma1^2)")
        if np.allclose(got, as_variance, rtol=1e-9):
            raise CheckFailed("your function treats sigma1, sigma2 as variances; they are standard deviations")
        expect_allclose("kl_normal", got, expected, atol=1e-9, hint="check the log term and the factor 1/2")
    same = expect_number("kl_normal(0.3, 0.7, 0.3, 0.7)", np.asarray(kl_normal(0.3, 0.7, 0.3, 0.7)).item())
    if abs(same) > 1e-12:
        raise CheckFailed(f"kl_normal of a distribution with itself is {same:.3g}; it must be 0")
    return "matches the closed form on 20 random pairs and is 0 for equal Gaussians"
