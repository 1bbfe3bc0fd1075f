"""Notebook 14's exercise checks: a right answer passes, wrong ones get specific feedback (no training here)."""

import keras
import pytest

import utils
from utils import checks
from utils.checks import CheckFailed

RELATIVE = {"ae": {0: 0.87, 1: 0.74}, "pca": {0: 0.63, 1: 0.85}}


def test_14_1_ink_corrected_auc(capsys):
    checks.check("14.1", {"relative_auc": RELATIVE})
    assert "✓ Exercise 14.1: digit 0: AE 0.870, PCA 0.630; digit 1: AE 0.740, PCA 0.850" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="relative_auc should be a dict with the keys 'ae' and 'pca'"):
        checks.check("14.1", {"relative_auc": {"ae": RELATIVE["ae"]}})
    with pytest.raises(CheckFailed, match=r"relative_auc\['pca'\]\[1\] is 0.300, still below chance: divide"):
        checks.check("14.1", {"relative_auc": {"ae": RELATIVE["ae"], "pca": {0: 0.6, 1: 0.3}}})
    with pytest.raises(CheckFailed, match=r"relative_auc\['ae'\]\[0\] 87 is above 1: an AUC lies in \[0, 1\]"):
        checks.check("14.1", {"relative_auc": {"ae": {0: 87.0, 1: 0.7}, "pca": RELATIVE["pca"]}})
    with pytest.raises(CheckFailed, match="should cover the same held-out digits"):
        checks.check("14.1", {"relative_auc": {"ae": {0: 0.8}, "pca": RELATIVE["pca"]}})


def test_14_2_fixed_rate_cost(capsys):
    checks.check("14.2", {"fixed_rate_bits": 71.0, "entropy_rate_bits": 52.3})
    out = capsys.readouterr().out
    assert "✓ Exercise 14.2: fixed rate 71 bits, entropy-coded 52.3 bits per image (26% less)" in out
    with pytest.raises(CheckFailed, match="not a whole number: each dimension takes ceil"):
        checks.check("14.2", {"fixed_rate_bits": 68.4, "entropy_rate_bits": 52.3})
    with pytest.raises(CheckFailed, match=r"entropy_rate_bits \(80.0\) is above fixed_rate_bits \(71\)"):
        checks.check("14.2", {"fixed_rate_bits": 71.0, "entropy_rate_bits": 80.0})
    with pytest.raises(CheckFailed, match="fixed_rate_bits is 4, under one bit per dimension"):
        checks.check("14.2", {"fixed_rate_bits": 4.0, "entropy_rate_bits": 3.5})
    with pytest.raises(CheckFailed, match="entropy_rate_bits 0.3 is below 1: .*log2"):
        checks.check("14.2", {"fixed_rate_bits": 71.0, "entropy_rate_bits": 0.3})


class Noise(keras.layers.Layer):
    def call(self, z, training=False):
        return z + keras.random.uniform(keras.ops.shape(z), -0.5, 0.5) if training else z


class AlwaysNoise(keras.layers.Layer):
    def call(self, z, training=False):
        return z + keras.random.uniform(keras.ops.shape(z), -0.5, 0.5)


def noisy_model(layer):
    image = keras.Input((28, 28, 1))
    encoder, decoder = utils.dense_encoder(4, (8,)), utils.dense_decoder(4, (8,), output_activation="sigmoid")
    return keras.Model(image, decoder(layer(encoder(image))))


def answer_14_3(**changes):
    return {"noisy_autoencoder": noisy_model(Noise()), "qat_mse": 0.011, "qat_bits": 80.0, "plain_mse": 0.016,
            "plain_bits": 60.0} | changes


def test_14_3_quantisation_aware(capsys):
    checks.check("14.3", answer_14_3())
    assert "✓ Exercise 14.3: with noise: MSE 0.0110 at 80.0 bits; without: 0.0160 at 60.0 bits" in \
        capsys.readouterr().out
    with pytest.raises(CheckFailed, match="different outputs for the same images outside training"):
        checks.check("14.3", answer_14_3(noisy_autoencoder=noisy_model(AlwaysNoise())))
    with pytest.raises(CheckFailed, match="noisy_autoencoder should be a keras.Model"):
        checks.check("14.3", answer_14_3(noisy_autoencoder="model"))
    with pytest.raises(CheckFailed, match="qat_mse 11 is above 0.07"):
        checks.check("14.3", answer_14_3(qat_mse=11.0))
    with pytest.raises(CheckFailed, match="plain_bits 0 is below 0.5: use entropy_bits"):
        checks.check("14.3", answer_14_3(plain_bits=0.0))
