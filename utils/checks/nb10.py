"""Checks of notebook 10's exercises (the dense autoencoder)."""

from __future__ import annotations

import math

import numpy as np

from utils.checks import CheckFailed, exercise, expect_between, expect_close, expect_model, expect_number

_TEST = {}


def _test_images():
    """The 10,000 MNIST test images in [0,1], loaded once."""
    if "x" not in _TEST:
        from utils.data import load_mnist

        _TEST["x"] = load_mnist("test", scale="[0,1]")[0]
    return _TEST["x"]


def _predict(model, x):
    return np.asarray(model.predict(x, batch_size=1000, verbose=0), dtype=np.float64).reshape(x.shape)


def _mse(x, x_hat):
    return float(np.mean((np.asarray(x, np.float64) - x_hat) ** 2))


@exercise("10.1")
def linear_autoencoder(linear_ae, linear_test_mse, pca_test_mse_k8):
    expect_model("linear_ae", linear_ae, input_shape=(28, 28, 1), output_shape=(28, 28, 1))
    rng = np.random.default_rng(0)
    a, b = rng.random((2, 4, 28, 28, 1)).astype("float32")
    mix = 0.3 * a + 0.7 * b
    f = [np.asarray(linear_ae(v, training=False), dtype=np.float64) for v in (a, b, mix)]
    gap = float(np.max(np.abs(f[2] - (0.3 * f[0] + 0.7 * f[1]))))
    if gap > 1e-3 * (1 + float(np.max(np.abs(f[2])))):
        raise CheckFailed(f"linear_ae is not affine: f(0.3a + 0.7b) differs from 0.3f(a) + 0.7f(b) by {gap:.3g}. "
                          "Remove the hidden layers and the sigmoid (hidden=(), output_activation=\"linear\")")
    x = _test_images()
    measured = _mse(x, _predict(linear_ae, x))
    expect_close("linear_test_mse", linear_test_mse, measured, rtol=1e-3,
                 hint="measure the per-pixel MSE of linear_ae's reconstructions of all 10,000 test images")
    pca = expect_between("pca_test_mse_k8", pca_test_mse_k8, 0.0, 0.1,
                         hint="take PCA's test MSE with 8 components, pca_test_mse[8]")
    if measured < 0.97 * pca:
        raise CheckFailed(f"your linear autoencoder's test MSE {measured:.5f} is more than 3% below PCA's {pca:.5f}, "
                          "which an affine code of size 8 cannot reach: is its code of size 8, and is "
                          "pca_test_mse_k8 PCA's test MSE with 8 components?")
    if measured > 1.3 * pca:
        raise CheckFailed(f"your linear autoencoder's test MSE {measured:.5f} is {measured / pca - 1:.0%} above "
                          f"PCA's {pca:.5f}: train it longer (several hundred steps) or with a larger learning rate")
    return f"affine, test MSE {measured:.5f} vs PCA {pca:.5f} ({measured / pca - 1:+.1%})"


def _bce(x, x_hat):
    clipped = np.clip(x_hat, 1e-7, 1 - 1e-7)
    return float(np.mean(-(x * np.log(clipped) + (1 - x) * np.log(1 - clipped))))


@exercise("10.2")
def cross_entropy_loss(bce_model, bce_test_mse, bce_test_bce, mse_model_test_bce, *, fit_model=None):
    expect_model("bce_model", bce_model, input_shape=(28, 28, 1), output_shape=(28, 28, 1))
    x = _test_images()
    x_hat = _predict(bce_model, x)
    if x_hat.min() < 0 or x_hat.max() > 1:
        raise CheckFailed(f"bce_model outputs values in [{x_hat.min():.3g}, {x_hat.max():.3g}]: with "
                          "BinaryCrossentropy() (from_logits=False) the decoder must end in a sigmoid")
    measured_mse = _mse(x, x_hat)
    measured_bce = _bce(x, x_hat)
    expect_close("bce_test_mse", bce_test_mse, measured_mse, rtol=1e-3,
                 hint="the per-pixel MSE of bce_model's reconstructions of all 10,000 test images")
    expect_close("bce_test_bce", bce_test_bce, measured_bce, rtol=5e-3,
                 hint="keras.losses.BinaryCrossentropy()(x_test, reconstructions), a mean over pixels and images")
    baseline = _mse(x, np.broadcast_to(x.mean(axis=0, dtype=np.float64), x.shape))
    if measured_mse > 0.97 * baseline:
        raise CheckFailed(f"bce_model's test MSE {measured_mse:.4f} is close to the {baseline:.4f} of predicting the "
                          "mean image: train it (fit on the stream, as section 3 does)")
    other = expect_number("mse_model_test_bce", mse_model_test_bce)
    expect_between("mse_model_test_bce", other, 0.05, 0.7,
                   hint="the BCE per pixel of section 3's fit_model on the test images; a mean, not a sum")
    if fit_model is not None:
        expected = _bce(x, _predict(fit_model, x))
        if abs(other - measured_bce) <= 5e-3 * measured_bce and abs(expected - measured_bce) > 1e-2 * measured_bce:
            raise CheckFailed(f"mse_model_test_bce is {other:.4f}, the BCE of bce_model itself: measure the BCE of "
                              f"section 3's MSE-trained fit_model ({expected:.4f} by the check's measurement)")
        expect_close("mse_model_test_bce", other, expected, rtol=5e-3,
                     hint="the BCE per pixel of section 3's fit_model (trained with MSE) on all 10,000 test images")
    return (f"BCE-trained model: test MSE {measured_mse:.5f}, test BCE {measured_bce:.4f}; "
            f"MSE-trained model's BCE {other:.4f}")


def _crossing(ks, a, b):
    gap = [math.log(a[k]) - math.log(b[k]) for k in ks]
    for i in range(len(ks) - 1):
        if gap[i] < 0 <= gap[i + 1]:
            t = gap[i] / (gap[i] - gap[i + 1])
            return math.exp(math.log(ks[i]) + t * (math.log(ks[i + 1]) - math.log(ks[i])))
    return None


def _mse_dict(name, value):
    if not isinstance(value, dict) or not value:
        raise CheckFailed(f"{name} should be a dict mapping code size to test MSE, got {type(value).__name__}")
    out = {}
    for k, v in value.items():
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
            raise CheckFailed(f"{name} has key {k!r}; its keys should be code sizes (integers)")
        out[int(k)] = expect_between(f"{name}[{k}]", v, 1e-6, 0.2, hint="a test MSE per pixel of [0,1] images")
    return out


@exercise("10.3")
def wider_hidden_layer(wide_hidden, wide_test_mse, wide_pca_mse, wide_crossing_k, *, ae_test_mse=None,
                       pca_test_mse=None, FAST=False):
    width = expect_number("wide_hidden", wide_hidden)
    if width < 256:
        raise CheckFailed(f"wide_hidden is {width:g}: use a hidden layer much wider than the sweep's 128 (512)")
    ae, pca = _mse_dict("wide_test_mse", wide_test_mse), _mse_dict("wide_pca_mse", wide_pca_mse)
    if not {128, 256} <= set(ae):
        raise CheckFailed(f"wide_test_mse has code sizes {sorted(ae)}; include 128 and 256, past the old hidden width")
    if set(ae) != set(pca):
        raise CheckFailed(f"wide_test_mse has code sizes {sorted(ae)} but wide_pca_mse {sorted(pca)}: use the same")
    ks = sorted(ae)
    if any(pca[ks[i + 1]] >= pca[ks[i]] for i in range(len(ks) - 1)):
        raise CheckFailed("wide_pca_mse does not fall as k grows: it should hold PCA's test MSE at each code size")
    if isinstance(pca_test_mse, dict):
        for k in ks:
            if k in pca_test_mse:
                expect_close(f"wide_pca_mse[{k}]", pca[k], float(pca_test_mse[k]), rtol=1e-6,
                             hint=f"PCA's test MSE with {k} components, pca_test_mse[{k}]")
    if isinstance(ae_test_mse, dict):
        narrow = {k: float(ae_test_mse[k]) for k in ks if k in ae_test_mse}
        if narrow and all(abs(ae[k] - v) <= 1e-12 for k, v in narrow.items()):
            raise CheckFailed("wide_test_mse holds the 128-unit sweep's test MSEs (ae_test_mse): train new "
                              "autoencoders with train_sweep_autoencoder(k, SEED, hidden=wide_hidden)")
        if narrow and not FAST and all(ae[k] >= v for k, v in narrow.items()):
            raise CheckFailed("your wide autoencoder is no better than the 128-unit one at any code size ("
                              + ", ".join(f"k={k}: {ae[k]:.5f} vs {v:.5f}" for k, v in narrow.items())
                              + "): did you pass hidden=wide_hidden to train_sweep_autoencoder?")
    expected = _crossing(ks, ae, pca)
    if expected is None:
        if wide_crossing_k is not None:
            raise CheckFailed(f"wide_crossing_k is {wide_crossing_k!r}, but by your numbers the AE curve never "
                              "moves from below PCA's to above it in this range: it should be None")
        return f"{width:g} hidden units: no crossing for k in {ks}"
    if wide_crossing_k is None:
        raise CheckFailed(f"wide_crossing_k is None, but your numbers cross near k = {expected:.0f}")
    expect_close("wide_crossing_k", wide_crossing_k, expected, rtol=1e-6,
                 hint="interpolate linearly in log k and log MSE between the two code sizes around the sign change "
                      "(the notebook's crossing function)")
    return f"{width:g} hidden units: the curves cross near k = {expected:.0f}"
