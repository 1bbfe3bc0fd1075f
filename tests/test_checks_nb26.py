"""Notebook 26's exercise checks: a right answer passes, wrong ones get specific feedback (no training)."""

import numpy as np
import pytest
from scipy import stats

from utils import checks
from utils.checks import CheckFailed


def test_26_1_honest_filter(capsys):
    checks.check("26.1", {"kept_share": 0.62, "filtered_accuracy": 0.83})
    assert "✓ Exercise 26.1: the real-only CNN kept 62.0% of the pool" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="every synthetic digit was kept"):
        checks.check("26.1", {"kept_share": 1.0, "filtered_accuracy": 0.8})
    with pytest.raises(CheckFailed, match="nothing was kept"):
        checks.check("26.1", {"kept_share": 0.0, "filtered_accuracy": 0.8})
    with pytest.raises(CheckFailed, match="not a count"):
        checks.check("26.1", {"kept_share": 3100, "filtered_accuracy": 0.8})
    with pytest.raises(CheckFailed, match="filtered_accuracy 83 is above 1"):
        checks.check("26.1", {"kept_share": 0.6, "filtered_accuracy": 83})


def _simulated(effects, sd, n, alternative="two-sided"):
    rng = np.random.default_rng(0)
    return np.array([np.mean(stats.ttest_1samp(rng.normal(e, sd, (20000, n)), 0.0, axis=1,
                                               alternative=alternative).pvalue < 0.05) for e in effects])


def test_26_2_power(capsys):
    effects = np.array([0.5, 1.0, 2.0, 4.0])
    right = {"effect_sizes": effects, "gain_sd": 1.0, "simulated_seeds": 3, "power": _simulated(effects, 1.0, 3)}
    checks.check("26.2", right)
    assert "✓ Exercise 26.2: gain 0.5 sd: power" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="ONE-sided"):
        checks.check("26.2", right | {"power": _simulated(effects, 1.0, 3, alternative="greater")})
    with pytest.raises(CheckFailed, match="not a\npercentage|not a percentage"):
        checks.check("26.2", right | {"power": 100 * right["power"]})
    with pytest.raises(CheckFailed, match="the exact value is"):
        checks.check("26.2", right | {"simulated_seeds": 5})
    with pytest.raises(CheckFailed, match="simulated_seeds should be"):
        checks.check("26.2", right | {"simulated_seeds": 1})


def test_26_3_shifts_and_gan(capsys):
    right = np.array([0.014, -0.02, 0.003])
    checks.check("26.3", {"combined_gains": right})
    assert "✓ Exercise 26.3: shifts + cGAN samples vs shifts alone: -0.1 points on average over 3 seeds" in \
        capsys.readouterr().out
    with pytest.raises(CheckFailed, match="not a dict"):
        checks.check("26.3", {"combined_gains": {100: right}})
    with pytest.raises(CheckFailed, match="not percentage points"):
        checks.check("26.3", {"combined_gains": 100 * right})
    with pytest.raises(CheckFailed, match="zero for every seed"):
        checks.check("26.3", {"combined_gains": np.zeros(3)})
    with pytest.raises(CheckFailed, match="one per seed"):
        checks.check("26.3", {"combined_gains": right[:1]})


def test_conditional_gan_helper():
    """utils.conditional_gan, which notebook 26 uses: notebook 22's networks and settings, bad settings refused."""
    import keras

    import utils

    gan = utils.conditional_gan(seed=0)
    assert gan.discriminator.get_layer("class_embedding").input_dim == 10  # the projection discriminator
    assert gan.generator.count_params() == utils.dcgan_generator(100, 32, num_classes=10).count_params()
    assert not any(isinstance(layer, keras.layers.Dropout) for layer in gan.discriminator.layers)
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(utils.CONDITIONAL_GAN["learning_rate"])
    with pytest.raises(ValueError, match="unknown setting"):
        utils.conditional_gan(widht=16)
    with pytest.raises(ValueError, match="learning_rate"):
        utils.conditional_gan(learning_rate=5.0)
