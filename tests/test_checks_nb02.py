"""The exercise checks of notebook 02: a right answer passes, wrong answers get specific feedback."""

import keras
import numpy as np
import pytest

from utils import checks
from utils.checks import CheckFailed

D = 784


def run(exercise_id, **answer):
    checks.check(exercise_id, answer)


def test_02_1_pca_error_is_the_discarded_variance(capsys):
    eigenvalues = np.sort(np.random.default_rng(0).exponential(0.05, D))[::-1]
    discarded = eigenvalues[16:].sum() / D
    run("02.1", eigenvalues_n=eigenvalues, train_mse_pca=discarded * (1 + 1e-12), discarded_mse=discarded)
    assert "✓ Exercise 02.1" in capsys.readouterr().out
    n = 60000
    with pytest.raises(CheckFailed, match=r"sklearn's n - 1 normalisation"):
        run("02.1", eigenvalues_n=eigenvalues * n / (n - 1), train_mse_pca=discarded,
            discarded_mse=eigenvalues[16:].sum() * n / (n - 1) / D)
    with pytest.raises(CheckFailed, match="not divided by D = 784"):
        run("02.1", eigenvalues_n=eigenvalues, train_mse_pca=discarded, discarded_mse=eigenvalues[16:].sum())
    with pytest.raises(CheckFailed, match="not sorted largest first"):
        run("02.1", eigenvalues_n=eigenvalues[::-1], train_mse_pca=discarded, discarded_mse=discarded)
    with pytest.raises(CheckFailed, match=r"eigenvalues_n has shape \(16,\); expected \(784,\)"):
        run("02.1", eigenvalues_n=eigenvalues[:16], train_mse_pca=discarded, discarded_mse=discarded)
    with pytest.raises(CheckFailed, match="Is train_mse_pca the mean over all pixels and images"):
        run("02.1", eigenvalues_n=eigenvalues, train_mse_pca=2 * discarded, discarded_mse=discarded)


class Tied(keras.Model):
    def __init__(self, k, activation=None):
        super().__init__()
        self.encoder = keras.layers.Dense(k, activation=activation)
        self.bias = self.add_weight(shape=(D,), initializer="zeros")

    def call(self, x):
        return keras.ops.matmul(self.encoder(x), keras.ops.transpose(self.encoder.kernel)) + self.bias


def untied(k):
    return keras.Sequential([keras.Input((D,)), keras.layers.Dense(k), keras.layers.Dense(D)])


def test_02_2_tied_weights(capsys):
    run("02.2", tied_ae=Tied(4), tied_gap_percent=0.3, tied_gram_error=0.02)
    assert "✓ Exercise 02.2: one shared kernel (784, 4)" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match=r"tied_ae has 2 weight matrices \(\(784, 4\), \(4, 784\)\)"):
        run("02.2", tied_ae=untied(4), tied_gap_percent=0.3, tied_gram_error=0.02)
    with pytest.raises(CheckFailed, match="tied_ae is not linear"):
        run("02.2", tied_ae=Tied(4, activation="sigmoid"), tied_gap_percent=0.3, tied_gram_error=0.02)
    with pytest.raises(CheckFailed, match="tied_gap_percent -30 is below -1: a linear autoencoder with k codes cannot"):
        run("02.2", tied_ae=Tied(4), tied_gap_percent=-30.0, tied_gram_error=0.02)
    with pytest.raises(CheckFailed, match=r"tied_ae outputs shape \(None, 4\); expected \(None, 784\)"):
        run("02.2", tied_ae=keras.Sequential([keras.Input((D,)), keras.layers.Dense(4)]), tied_gap_percent=0.3,
            tied_gram_error=0.02)


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
