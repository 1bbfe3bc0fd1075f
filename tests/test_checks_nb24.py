"""Notebook 24's exercise checks: a right answer passes, wrong ones get specific feedback (no training here)."""

import keras
import numpy as np
import pytest
from keras import ops

from utils import checks
from utils.checks import CheckFailed
from utils.checks.nb24 import MODES, RING_MODES, RING_STD


def rescore(x, n_sigma, min_hits):
    dist = np.linalg.norm(x[:, None, :] - MODES[None], axis=-1)
    hq = dist.min(axis=1) <= n_sigma * RING_STD
    counts = np.bincount(dist.argmin(axis=1)[hq], minlength=RING_MODES)
    return int(np.sum(counts >= min_hits)), 100 * float(hq.mean())


def test_24_1_coverage_rules(capsys):
    checks.check("24.1", {"rescore": rescore, "lenient_modes": {"vanilla": 2.33, "pacgan": 8.0}})
    assert "✓ Exercise 24.1: rescore matches the reference on four rules; lenient mode counts: vanilla 2.33" in \
        capsys.readouterr().out
    with pytest.raises(CheckFailed, match="a fraction, not a percentage"):
        checks.check("24.1", {"rescore": lambda x, s, m: (rescore(x, s, m)[0], rescore(x, s, m)[1] / 100),
                              "lenient_modes": {"vanilla": 2.0}})
    with pytest.raises(CheckFailed, match="counts >= min_hits, not >"):
        checks.check("24.1", {"rescore": lambda x, s, m: (rescore(x, s, m + 1)[0], rescore(x, s, m)[1]),
                              "lenient_modes": {"vanilla": 2.0}})
    with pytest.raises(CheckFailed, match="should return a pair"):
        checks.check("24.1", {"rescore": lambda x, s, m: rescore(x, s, m)[0], "lenient_modes": {"vanilla": 2.0}})
    with pytest.raises(CheckFailed, match=r"lenient_modes\['vanilla'\] 9 is above 8"):
        checks.check("24.1", {"rescore": rescore, "lenient_modes": {"vanilla": 9}})


def test_24_2_logit_gradients(capsys):
    d = np.random.default_rng(0).uniform(0.001, 0.5, 100)
    m = len(d)
    checks.check("24.2", {"logit_grads_sat": -d / m, "logit_grads_nonsat": -(1 - d) / m, "d_values": d})
    assert "✓ Exercise 24.2: gradients match -D/m and -(1-D)/m on 100 fakes" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="logit_grads_sat has the wrong sign"):
        checks.check("24.2", {"logit_grads_sat": d / m, "logit_grads_nonsat": -(1 - d) / m, "d_values": d})
    with pytest.raises(CheckFailed, match="logit_grads_nonsat is m times too large"):
        checks.check("24.2", {"logit_grads_sat": -d / m, "logit_grads_nonsat": -(1 - d), "d_values": d})
    with pytest.raises(CheckFailed, match="did you store the logits themselves"):
        checks.check("24.2", {"logit_grads_sat": -d / m, "logit_grads_nonsat": -(1 - d) / m,
                              "d_values": np.log(d / (1 - d))})
    with pytest.raises(CheckFailed, match=r"logit_grads_sat\[\d+\] is"):
        checks.check("24.2", {"logit_grads_sat": -d**2 / m, "logit_grads_nonsat": -(1 - d) / m, "d_values": d})


class MinibatchStd(keras.layers.Layer):
    def call(self, x):
        return ops.concatenate([x, ops.mean(ops.std(x, axis=0)) * ops.ones_like(x[:, :1])], axis=1)


class PerSampleStd(keras.layers.Layer):
    def call(self, x):
        return ops.concatenate([x, ops.mean(ops.std(x, axis=1)) * ops.ones_like(x[:, :1])], axis=1)


class NoFeature(keras.layers.Layer):
    def call(self, x):
        return x


def test_24_3_minibatch_std(capsys):
    checks.check("24.3", {"MinibatchStd": MinibatchStd, "mbstd_modes": 8, "mbstd_hq": 71.5})
    assert "✓ Exercise 24.3: MinibatchStd appends the batch's mean std (1.730 on the test batch); 8 modes, 71.5%" in \
        capsys.readouterr().out
    with pytest.raises(CheckFailed, match="over the coordinates of each sample"):
        checks.check("24.3", {"MinibatchStd": PerSampleStd, "mbstd_modes": 8, "mbstd_hq": 71.5})
    with pytest.raises(CheckFailed, match=r"to \(4, 2\); expected \(4, 3\)"):
        checks.check("24.3", {"MinibatchStd": NoFeature, "mbstd_modes": 8, "mbstd_hq": 71.5})
    with pytest.raises(CheckFailed, match="is it a fraction"):
        checks.check("24.3", {"MinibatchStd": MinibatchStd, "mbstd_modes": 8, "mbstd_hq": 0.715})
    with pytest.raises(CheckFailed, match="mbstd_modes should be a whole number"):
        checks.check("24.3", {"MinibatchStd": MinibatchStd, "mbstd_modes": 7.5, "mbstd_hq": 71.5})
    with pytest.raises(CheckFailed, match="should be a class derived from keras.layers.Layer"):
        checks.check("24.3", {"MinibatchStd": MinibatchStd(), "mbstd_modes": 8, "mbstd_hq": 71.5})
