"""The exercise checks of notebook 02: a right answer passes, wrong answers get specific feedback."""

import keras
import numpy as np
import pytest

from utils import checks, load_mnist
from utils.checks import CheckFailed

D = 784


def run(exercise_id, **answer):
    checks.check(exercise_id, answer)


def test_02_1_gaussian_noise_level(capsys):
    def best_sigma(x, x_hat):
        return float(np.sqrt(np.mean((x - x_hat) ** 2)))

    def gaussian_nll(x, x_hat, sigma):
        squared = np.sum((x - x_hat) ** 2, axis=-1)
        return float(np.mean(squared / (2 * sigma**2) + x.shape[-1] / 2 * np.log(2 * np.pi * sigma**2)))

    run("02.1", best_sigma=best_sigma, gaussian_nll=gaussian_nll)
    assert "✓ Exercise 02.1: best_sigma is the RMS error" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match=r"the variance sigma\^2 \(the MSE\); return its square root"):
        run("02.1", best_sigma=lambda x, x_hat: best_sigma(x, x_hat) ** 2, gaussian_nll=gaussian_nll)
    with pytest.raises(CheckFailed, match="np.std of the residuals, which subtracts their mean"):
        run("02.1", best_sigma=lambda x, x_hat: float(np.std(x - x_hat)), gaussian_nll=gaussian_nll)
    with pytest.raises(CheckFailed, match="leaves out D/2 log"):
        run("02.1", best_sigma=best_sigma,
            gaussian_nll=lambda x, x_hat, s: float(np.mean(np.sum((x - x_hat) ** 2, axis=-1) / (2 * s**2))))
    with pytest.raises(CheckFailed, match="treats sigma as a variance"):
        run("02.1", best_sigma=best_sigma, gaussian_nll=lambda x, x_hat, s: gaussian_nll(x, x_hat, np.sqrt(s)))
    with pytest.raises(CheckFailed, match="averages over the pixels"):
        run("02.1", best_sigma=best_sigma, gaussian_nll=lambda x, x_hat, s: gaussian_nll(x, x_hat, s) / x.shape[1])
    with pytest.raises(CheckFailed, match="`gaussian_nll` is not defined yet"):
        run("02.1", best_sigma=best_sigma)


class Tied(keras.Model):
    def __init__(self, k, activation=None):
        super().__init__()
        self.encoder = keras.layers.Dense(k, activation=activation)
        self.bias = self.add_weight(shape=(D,), initializer="zeros")

    def call(self, x):
        return keras.ops.matmul(self.encoder(x), keras.ops.transpose(self.encoder.kernel)) + self.bias


def untied(k):
    return keras.Sequential([keras.Input((D,)), keras.layers.Dense(k), keras.layers.Dense(D)])


@pytest.fixture(scope="module")
def pca_16():
    """PCA with 16 components on 5,000 training images, and its test MSE: the optimum of a tied linear AE."""
    x = load_mnist("train", scale="[0,1]", flatten=True, subset=5000, seed=0)[0].astype(np.float64)
    x_test = load_mnist("test", scale="[0,1]", flatten=True)[0]
    mean = x.mean(axis=0)
    components = np.linalg.eigh((x - mean).T @ (x - mean))[1][:, ::-1][:, :16]  # U_k, (D, 16)
    test = x_test - mean
    mse = float(np.mean((test - test @ components @ components.T) ** 2))
    return mean, components, x_test, mse


def optimal_tied(mean, components):
    """The tied AE at its optimum: W_e = U_k^T, b_e = -U_k^T mu, b_d = mu, so x_hat = mu + U_k U_k^T (x - mu)."""
    model = Tied(components.shape[1])
    model(np.zeros((1, D), "float32"))
    model.encoder.kernel.assign(components.astype("float32"))
    model.encoder.bias.assign((-mean @ components).astype("float32"))
    model.bias.assign(mean.astype("float32"))
    return model


def test_02_2_tied_weights(capsys, pca_16):
    mean, components, x_test, mse = pca_16
    context = {"x_test": x_test, "pca_test_mse": mse, "FAST": False}
    run("02.2", tied_ae=optimal_tied(mean, components), tied_gap_percent=0.0, tied_gram_error=0.0, **context)
    assert "✓ Exercise 02.2: one shared kernel (784, 16)" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match=r"tied_ae has 2 weight matrices \(\(784, 4\), \(4, 784\)\)"):
        run("02.2", tied_ae=untied(4), tied_gap_percent=0.3, tied_gram_error=0.02, **context)
    with pytest.raises(CheckFailed, match="tied_ae is not linear"):
        run("02.2", tied_ae=Tied(4, activation="sigmoid"), tied_gap_percent=0.3, tied_gram_error=0.02, **context)
    with pytest.raises(CheckFailed, match="tied_gap_percent -30 is below -1: a linear autoencoder with k codes cannot"):
        run("02.2", tied_ae=Tied(4), tied_gap_percent=-30.0, tied_gram_error=0.02, **context)
    with pytest.raises(CheckFailed, match=r"tied_ae outputs shape \(None, 4\); expected \(None, 784\)"):
        run("02.2", tied_ae=keras.Sequential([keras.Input((D,)), keras.layers.Dense(4)]), tied_gap_percent=0.3,
            tied_gram_error=0.02, **context)


def test_02_2_an_untrained_model_gets_feedback(pca_16):
    """The check recomputes the gap and the Gram error from the model: typed-in numbers or no training fail."""
    mean, components, x_test, mse = pca_16
    context = {"x_test": x_test, "pca_test_mse": mse}
    keras.utils.set_random_seed(0)
    untrained = Tied(16)
    with pytest.raises(CheckFailed, match="tied_gram_error is 0.001, but the kernel of tied_ae gives max"):
        run("02.2", tied_ae=untrained, tied_gap_percent=0.04, tied_gram_error=0.001, **context)
    w_e = untrained.encoder.kernel.numpy().T.astype(np.float64)
    honest_gram = float(np.max(np.abs(w_e @ w_e.T - np.eye(16))))
    with pytest.raises(CheckFailed, match=r"tied_gap_percent is \+0.04%, but tied_ae reconstructs the test images"):
        run("02.2", tied_ae=untrained, tied_gap_percent=0.04, tied_gram_error=honest_gram, **context)
    x_hat = untrained.predict(x_test, batch_size=2000, verbose=0)
    honest_gap = 100 * (float(np.mean((x_test.astype(np.float64) - x_hat) ** 2)) / mse - 1)
    for fast in (False, True):
        with pytest.raises(CheckFailed, match="a trained tied autoencoder stays within .*Is it trained"):
            run("02.2", tied_ae=untrained, tied_gap_percent=honest_gap, tied_gram_error=honest_gram, FAST=fast,
                **context)
    wide = float(np.max(np.abs(w_e.T @ w_e - np.eye(D))))
    with pytest.raises(CheckFailed, match=r"you computed W_e\^T W_e \(D x D\)"):
        run("02.2", tied_ae=untrained, tied_gap_percent=honest_gap, tied_gram_error=wide, **context)


def test_02_2_fast_mode_accepts_a_short_training(pca_16):
    """FAST mode's few epochs leave a gap of about 20%: accepted in FAST mode, refused with the defaults."""
    mean, components, x_test, mse = pca_16
    rng = np.random.default_rng(0)
    tilted = np.linalg.qr(components + 0.02 * rng.standard_normal(components.shape))[0]  # orthonormal, slightly off
    model = optimal_tied(mean, tilted)
    x_hat = model.predict(x_test, batch_size=2000, verbose=0)
    gap = 100 * (float(np.mean((x_test.astype(np.float64) - x_hat) ** 2)) / mse - 1)
    assert 2 < gap < 50
    w_e = tilted.T
    gram = float(np.max(np.abs(w_e @ w_e.T - np.eye(16))))
    checks.check("02.2", {"tied_ae": model, "tied_gap_percent": gap, "tied_gram_error": gram, "x_test": x_test,
                          "pca_test_mse": mse, "FAST": True})
    with pytest.raises(CheckFailed, match="with the default parameters a trained tied autoencoder stays within 2%"):
        checks.check("02.2", {"tied_ae": model, "tied_gap_percent": gap, "tied_gram_error": gram, "x_test": x_test,
                              "pca_test_mse": mse, "FAST": False})


def test_02_3_kl_between_two_gaussians(capsys):
    def right(mu1, s1, mu2, s2):
        return np.log(s2 / s1) + (s1**2 + (mu1 - mu2) ** 2) / (2 * s2**2) - 0.5

    run("02.3", kl_normal=right)
    assert "✓ Exercise 02.3" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="you computed KL\\(p2 \\|\\| p1\\)"):
        run("02.3", kl_normal=lambda mu1, s1, mu2, s2: right(mu2, s2, mu1, s1))
    with pytest.raises(CheckFailed, match="treats sigma1, sigma2 as variances"):
        run("02.3", kl_normal=lambda mu1, s1, mu2, s2: right(mu1, np.sqrt(s1), mu2, np.sqrt(s2)))
    with pytest.raises(CheckFailed, match="kl_normal differs from the expected value"):
        run("02.3", kl_normal=lambda mu1, s1, mu2, s2: right(mu1, s1, mu2, s2) + 0.5)
