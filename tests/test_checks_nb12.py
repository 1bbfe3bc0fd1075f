"""The checks of notebook 12's exercises: a right answer passes, wrong answers get specific feedback (no training)."""

import numpy as np
import pytest
import tensorflow as tf

from utils import checks
from utils.checks import CheckFailed


def salt_and_pepper(x, fraction, seed):
    x = tf.convert_to_tensor(x, tf.float32)
    hit = tf.random.stateless_uniform(tf.shape(x), seed=seed) < fraction
    salt = tf.random.stateless_uniform(tf.shape(x), seed=(seed[0], seed[1] + 1)) < 0.5
    return tf.where(hit, tf.cast(salt, x.dtype), x).numpy()


def sp_answer(fn=salt_and_pepper, noisy=10.2):
    return {"salt_and_pepper": fn, "sp_psnr": {"noisy": noisy, "plain AE": 16.4, "Gaussian DAE": 18.6,
                                               "masking DAE": 10.8}}


def test_salt_and_pepper(capsys):
    checks.check("12.1", sp_answer())
    assert "stateless, nu/2 salt on the background" in capsys.readouterr().out
    rng = np.random.default_rng(0)

    def stateful(x, fraction, seed):
        hit = rng.random(np.shape(x)) < fraction
        return np.where(hit, (rng.random(np.shape(x)) < 0.5).astype(np.float32), x)

    with pytest.raises(CheckFailed, match="same seed gave different noise"):
        checks.check("12.1", sp_answer(stateful))
    with pytest.raises(CheckFailed, match="share of background pixels turned white .* half of those become 1"):
        checks.check("12.1", sp_answer(lambda x, f, seed: salt_and_pepper(x, 2 * f, seed)))
    with pytest.raises(CheckFailed, match="neither 0 nor 1"):
        checks.check("12.1", sp_answer(lambda x, f, seed: np.clip(salt_and_pepper(x, f, seed) + 0.01, 0, 1)))
    with pytest.raises(CheckFailed, match=r"sp_psnr\['noisy'\] is 20"):
        checks.check("12.1", sp_answer(noisy=20.0))


def test_l1_loophole(capsys):
    stats = {"test MSE": 0.008, "mean activation": 0.1, "near-zero fraction": 0.8, "exact zeros": 0.6}
    checks.check("12.2", {"loophole_stats": stats, "loophole_atom_norm": 3.2, "constrained_atom_norm": 1.0})
    assert "atom norm 3.20 without the constraint" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="train the new model with unit_norm_atoms=False"):
        checks.check("12.2", {"loophole_stats": stats, "loophole_atom_norm": 1.0, "constrained_atom_norm": 1.0})
    with pytest.raises(CheckFailed, match="constrained_atom_norm is 4.9.*UnitNorm"):
        checks.check("12.2", {"loophole_stats": stats, "loophole_atom_norm": 3.2, "constrained_atom_norm": 4.9})
    with pytest.raises(CheckFailed, match="the dict sparsity_stats returns"):
        checks.check("12.2", {"loophole_stats": [0.1], "loophole_atom_norm": 3.2, "constrained_atom_norm": 1.0})


def test_which_average(capsys):
    checks.check("12.3", {"jensen_table": {"noisy": (9.38, 9.37), "denoised": (18.5, 18.2)}})
    assert "noisy 9.38 >= 9.37 dB" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="Jensen's inequality rules out"):
        checks.check("12.3", {"jensen_table": {"noisy": (9.37, 9.38), "denoised": (18.2, 18.5)}})
    with pytest.raises(CheckFailed, match="should almost agree"):
        checks.check("12.3", {"jensen_table": {"noisy": (12.0, 9.37), "denoised": (18.5, 18.2)}})
    with pytest.raises(CheckFailed, match="keys 'noisy' and 'denoised'"):
        checks.check("12.3", {"jensen_table": {"noisy": (9.38, 9.37)}})
