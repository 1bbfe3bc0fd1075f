"""Notebook 23's exercise checks: a right answer passes, wrong ones get specific feedback (no training here)."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops
from scipy import stats

import utils
from utils import checks
from utils.checks import CheckFailed


def test_23_1_outside_segment(capsys):
    exact = float(stats.norm.cdf(0.0) + stats.norm.sf(1.0))
    draws = np.random.default_rng(0).standard_normal(100_000)
    sampled = float(np.mean((draws < 0) | (draws > 1)))
    checks.check("23.1", {"p_outside_exact": exact, "p_outside_sampled": sampled})
    assert "✓ Exercise 23.1: exact 0.6587, sampled" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match=r"P\(eps < 0\) alone"):
        checks.check("23.1", {"p_outside_exact": 0.5, "p_outside_sampled": sampled})
    with pytest.raises(CheckFailed, match="share INSIDE"):
        checks.check("23.1", {"p_outside_exact": 1 - exact, "p_outside_sampled": sampled})
    with pytest.raises(CheckFailed, match="a count, not a share"):
        checks.check("23.1", {"p_outside_exact": exact, "p_outside_sampled": sampled * 100_000})
    with pytest.raises(CheckFailed, match="share inside"):
        checks.check("23.1", {"p_outside_exact": exact, "p_outside_sampled": 1 - sampled})
    with pytest.raises(CheckFailed, match="`p_outside_sampled` is not defined yet"):
        checks.check("23.1", {"p_outside_exact": exact})


def _penalty_class(draw):
    class Variant(utils.WGANGP):
        def gradient_penalty(self, real, fake, labels):
            shape = (ops.shape(real)[0],) + (1,) * (len(real.shape) - 1)
            eps = draw(shape, self.seed_generator)
            x_hat = eps * real + (1.0 - eps) * fake
            with tf.GradientTape() as tape:
                tape.watch(x_hat)
                scores = self._d(x_hat, labels, training=True)
            grads = tape.gradient(scores, x_hat)
            norms = ops.sqrt(ops.sum(ops.square(ops.reshape(grads, (ops.shape(grads)[0], -1))), axis=1) + 1e-12)
            return ops.mean(ops.square(norms - 1.0))

    return Variant


NormalEps = _penalty_class(lambda shape, seed: keras.random.normal(shape, seed=seed))
UniformEps = _penalty_class(lambda shape, seed: keras.random.uniform(shape, 0.0, 1.0, seed=seed))
OneEps = _penalty_class(lambda shape, seed: keras.random.normal((), seed=seed) * ops.ones(shape))
GOOD_SCORES = [{"modes": 8, "hq_pct": 71.2, "counts": np.ones(8)}, {"modes": 3, "hq_pct": 20.0, "counts": np.ones(8)}]


def test_23_2_normal_eps_bug(capsys):
    checks.check("23.2", {"NormalEpsWGANGP": NormalEps, "bug_scores": GOOD_SCORES, "MIN_HQ_PCT": 50.0})
    out = capsys.readouterr().out
    assert "✓ Exercise 23.2: the penalty with normal weights is 0.4" in out and "1 of 2 runs with the bug train" in out
    with pytest.raises(CheckFailed, match="what eps ~ U\\[0, 1\\] gives"):
        checks.check("23.2", {"NormalEpsWGANGP": UniformEps, "bug_scores": GOOD_SCORES})
    with pytest.raises(CheckFailed, match="does not override gradient_penalty"):
        checks.check("23.2", {"NormalEpsWGANGP": type("Same", (utils.WGANGP,), {}), "bug_scores": GOOD_SCORES})
    with pytest.raises(CheckFailed, match="derived from utils.WGANGP"):
        checks.check("23.2", {"NormalEpsWGANGP": utils.GAN, "bug_scores": GOOD_SCORES})
    with pytest.raises(CheckFailed, match="non-empty list of ring_scores dicts"):
        checks.check("23.2", {"NormalEpsWGANGP": NormalEps, "bug_scores": []})
    with pytest.raises(CheckFailed, match=r"bug_scores\[0\]\['modes'\] is 9"):
        checks.check("23.2", {"NormalEpsWGANGP": NormalEps, "bug_scores": [{"modes": 9, "hq_pct": 10.0}]})


def test_23_2_one_eps_for_the_batch_is_caught():
    # one eps for the whole batch: the penalty is (|eps| - 1)^2 for a single draw, rarely near 0.404
    with pytest.raises(CheckFailed, match="one per sample"):
        checks.check("23.2", {"NormalEpsWGANGP": OneEps, "bug_scores": GOOD_SCORES})


RUNS = {("WGAN-GP", 0): {"train_cpu": 60.0}, ("WGAN-GP", 1): {"train_cpu": 66.0},
        ("DCGAN", 0): {"train_cpu": 58.0}, ("DCGAN", 1): {"train_cpu": 62.0}}
CONTEXT = {"runs": RUNS, "SEEDS": [0, 1], "WGAN_STEPS": 300, "DCGAN_STEPS": 1200}


def test_23_3_step_cost(capsys):
    per = {"WGAN-GP": 63.0 / 300, "DCGAN": 60.0 / 1200}
    checks.check("23.3", {"cpu_per_step": per, "step_cost_ratio": per["WGAN-GP"] / per["DCGAN"], **CONTEXT})
    assert "✓ Exercise 23.3: WGAN-GP 0.210 and DCGAN 0.050 CPU-s per generator update: ratio 4.2" in \
        capsys.readouterr().out
    with pytest.raises(CheckFailed, match="inverted"):
        checks.check("23.3", {"cpu_per_step": per, "step_cost_ratio": per["DCGAN"] / per["WGAN-GP"], **CONTEXT})
    whole = {"WGAN-GP": 63.0, "DCGAN": 60.0}
    with pytest.raises(CheckFailed, match="whole run's CPU time"):
        checks.check("23.3", {"cpu_per_step": whole, "step_cost_ratio": 63.0 / 60.0, **CONTEXT})
    swapped = {"WGAN-GP": 63.0 / 1200, "DCGAN": 60.0 / 300}
    with pytest.raises(CheckFailed, match="other method's number of updates"):
        checks.check("23.3", {"cpu_per_step": swapped, "step_cost_ratio": swapped["WGAN-GP"] / swapped["DCGAN"],
                              **CONTEXT})
    with pytest.raises(CheckFailed, match="keys 'WGAN-GP' and 'DCGAN'"):
        checks.check("23.3", {"cpu_per_step": {"wgan": 1.0}, "step_cost_ratio": 1.0})
    # without the notebook's runs (a student edition before section 3 ran), only the internal consistency is checked
    checks.check("23.3", {"cpu_per_step": per, "step_cost_ratio": per["WGAN-GP"] / per["DCGAN"]})
