"""Checks of the exercises of notebook 02 (autoencoder theory)."""

from __future__ import annotations

import functools

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


def _gaussian_nll_reference(x, x_hat, sigma):
    squared = np.sum((x - x_hat) ** 2, axis=-1)
    return float(np.mean(squared / (2 * sigma**2) + x.shape[-1] / 2 * np.log(2 * np.pi * sigma**2)))


@exercise("02.1")
def _gaussian_noise_level(best_sigma, gaussian_nll):
    expect_callable("best_sigma", best_sigma, n_args=2)
    expect_callable("gaussian_nll", gaussian_nll, n_args=3)
    rng = np.random.default_rng(21)
    x = rng.uniform(0, 1, (50, 30))
    x_hat = np.clip(x + rng.normal(0.02, 0.1, x.shape), 0, 1)  # residuals with a non-zero mean
    rms = float(np.sqrt(np.mean((x - x_hat) ** 2)))
    got = expect_number("best_sigma(x, x_hat)", best_sigma(x, x_hat))
    if not np.isclose(got, rms, rtol=1e-6):
        if np.isclose(got, rms**2, rtol=1e-6):
            raise CheckFailed(f"best_sigma returned {got:.4g}, the variance sigma^2 (the MSE); return its square root")
        if np.isclose(got, np.std(x - x_hat), rtol=1e-6):
            raise CheckFailed("best_sigma is np.std of the residuals, which subtracts their mean; the maximum-"
                              "likelihood sigma is the root mean square of x - x_hat, np.sqrt(np.mean((x - x_hat)**2))")
        if np.isclose(got, rms * np.sqrt(x.shape[1]), rtol=1e-6):
            raise CheckFailed("best_sigma sums the squared error over the pixels of an image; sigma is per pixel, so "
                              "average over the pixels as well as over the images")
        raise CheckFailed(f"best_sigma(x, x_hat) is {got:.6g}; expected the root mean square of x - x_hat, "
                          f"{rms:.6g}")
    for sigma in (0.05, 0.3, 1.0):
        expected = _gaussian_nll_reference(x, x_hat, sigma)
        value = expect_number(f"gaussian_nll(x, x_hat, {sigma})", gaussian_nll(x, x_hat, sigma))
        if np.isclose(value, expected, rtol=1e-6, atol=1e-9):
            continue
        squared = np.sum((x - x_hat) ** 2, axis=-1)
        if np.isclose(value, float(np.mean(squared / (2 * sigma**2))), rtol=1e-6):
            raise CheckFailed(f"gaussian_nll at sigma={sigma} leaves out D/2 log(2 pi sigma^2); with sigma fitted, "
                              "that term depends on sigma and must stay")
        if np.isclose(value, expected * len(x), rtol=1e-6):
            raise CheckFailed("gaussian_nll sums over the images; give the mean over images (nats per image)")
        if np.isclose(value, expected / x.shape[1], rtol=1e-6):
            raise CheckFailed("gaussian_nll averages over the pixels; the negative log-likelihood of an image sums "
                              "over its pixels (nats per image)")
        if np.isclose(value, _gaussian_nll_reference(x, x_hat, np.sqrt(sigma)), rtol=1e-6):
            raise CheckFailed("gaussian_nll treats sigma as a variance; it is the standard deviation")
        raise CheckFailed(f"gaussian_nll(x, x_hat, {sigma}) is {value:.6g}; expected {expected:.6g} nats per image: "
                          "the mean over images of ||x - x_hat||^2 / (2 sigma^2) + D/2 log(2 pi sigma^2)")
    at_best = gaussian_nll(x, x_hat, rms)
    closed = x.shape[1] / 2 * (1 + np.log(2 * np.pi * rms**2))
    if not np.isclose(at_best, closed, rtol=1e-6):
        raise CheckFailed(f"at sigma = best_sigma, gaussian_nll gives {at_best:.6g}, not D/2 (1 + log(2 pi sigma^2)) = "
                          f"{closed:.6g}")
    return "best_sigma is the RMS error; gaussian_nll matches the closed form at three sigmas and D/2 (1 + log 2 pi " \
        "sigma^2) at the best one"


def _two_dim_weights(model):
    return [w for w in model.trainable_weights if len(w.shape) == 2]


@functools.lru_cache(maxsize=1)
def _test_images():
    from utils.data import load_mnist

    return load_mnist("test", scale="[0,1]", flatten=True)[0].astype(np.float64)


@functools.lru_cache(maxsize=4)
def _pca_test_mse(k: int) -> float:
    """Test MSE of PCA with k components fitted on all 60,000 training images."""
    from utils.data import load_mnist

    x = load_mnist("train", scale="[0,1]", flatten=True)[0].astype(np.float64)
    mean = x.mean(axis=0)
    centred = x - mean
    components = np.linalg.eigh(centred.T @ centred)[1][:, ::-1][:, :k]
    test = _test_images() - mean
    return float(np.mean((test - test @ components @ components.T) ** 2))


GAP_TARGET = 2.0  # percent, section 3's target for the default run
GAP_FAST = 50.0  # FAST mode: 6,000 images, few epochs (about 20%); a random model is far above (over 300%)
GRAM_TARGET, GRAM_FAST = 0.02, 0.2  # max |W_e W_e^T - I|: 0.001 after the default run, about 1 for random weights


@exercise("02.2")
def _tied_weights(tied_ae, tied_gap_percent, tied_gram_error, *, x_test=None, pca_test_mse=None, FAST=False):
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
    # Recompute both numbers from the model itself: an untrained model, or numbers typed in, must not pass.
    kernel = np.asarray(kernels[0].numpy(), dtype=np.float64)
    w_e = kernel.T if kernel.shape[0] == D else kernel  # W_e, shape (k, D)
    k = w_e.shape[0]
    gram_model = float(np.max(np.abs(w_e @ w_e.T - np.eye(k))))
    if abs(gram - gram_model) > 1e-3:
        wide = float(np.max(np.abs(w_e.T @ w_e - np.eye(D))))
        hint = ("you computed W_e^T W_e (D x D); the rows of W_e are orthonormal when W_e W_e^T (k x k) is the "
                "identity" if abs(gram - wide) < 1e-3 else "compute max |W_e W_e^T - I_k| from the trained kernel")
        raise CheckFailed(f"tied_gram_error is {gram:.4g}, but the kernel of tied_ae gives max |W_e W_e^T - I| = "
                          f"{gram_model:.4g}: {hint}")
    images = _test_images() if x_test is None else np.asarray(x_test, dtype=np.float64).reshape(-1, D)
    reference = _pca_test_mse(k) if pca_test_mse is None else float(pca_test_mse)
    mse = float(np.mean((images - np.asarray(tied_ae.predict(images.astype("float32"), batch_size=2000, verbose=0),
                                             dtype=np.float64)) ** 2))
    gap_model = 100 * (mse / reference - 1)
    tolerance = 0.05 + 0.01 * abs(gap_model) if pca_test_mse is not None else 1.0 + 0.01 * abs(gap_model)
    if abs(gap - gap_model) > tolerance:
        raise CheckFailed(f"tied_gap_percent is {gap:+.2f}%, but tied_ae reconstructs the test images with an MSE of "
                          f"{mse:.6f}, {gap_model:+.2f}% against PCA's {reference:.6f}: compute it from this model's "
                          "test MSE, 100 (MSE / pca_test_mse - 1)")
    gap_limit, gram_limit = (GAP_FAST, GRAM_FAST) if FAST else (GAP_TARGET, GRAM_TARGET)
    if gap_model > gap_limit or gram_model > gram_limit:
        mode = "in FAST mode" if FAST else "with the default parameters"
        raise CheckFailed(f"tied_ae is {gap_model:+.1f}% above PCA's test error with max |W_e W_e^T - I| = "
                          f"{gram_model:.3g}; {mode} a trained tied autoencoder stays within {gap_limit:g}% and "
                          f"{gram_limit:g}. Is it trained (fit with EPOCHS_ADAM epochs at LEARNING_RATE, then "
                          "EPOCHS_FINE at FINE_LEARNING_RATE)? If it is, train longer or lower the learning rate")
    note = f" (FAST mode: the {GAP_TARGET:g}% target applies to the default run)" if FAST and gap_model > GAP_TARGET \
        else ""
    return (f"one shared kernel {tuple(kernels[0].shape)}, linear; gap to PCA {gap:+.2f}%, max |W W^T - I| "
            f"{gram:.3f}{note}")


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
