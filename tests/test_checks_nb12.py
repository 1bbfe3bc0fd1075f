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


def scaling_model(scale, offset=0.0):
    """A fixed 'denoiser' x -> clip(scale * x + offset, 0, 1), standing in for a trained autoencoder."""
    import keras

    return keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Rescaling(scale, offset),
                             keras.layers.Activation(lambda v: keras.ops.clip(v, 0.0, 1.0))])


FAKE_DAES = {"clean": scaling_model(1.0), "gaussian": scaling_model(0.6), "masking": scaling_model(1.0, 0.3)}


def mean_psnr(clean, estimate):
    mse = np.mean((clean.astype(np.float64) - estimate).reshape(len(clean), -1) ** 2, axis=1)
    return float(np.mean(10 * np.log10(1 / mse)))


def test_salt_and_pepper_recomputes_the_models(capsys):
    from utils.data import load_mnist

    x = load_mnist("test")[0]
    x_sp = salt_and_pepper(x, 0.2, seed=(7, 0))
    sp_psnr = {"noisy": mean_psnr(x, x_sp)}
    for label, key in (("plain AE", "clean"), ("Gaussian DAE", "gaussian"), ("masking DAE", "masking")):
        sp_psnr[label] = mean_psnr(x, FAKE_DAES[key].predict(x_sp, verbose=0))
    answer = {"salt_and_pepper": salt_and_pepper, "sp_psnr": sp_psnr, "dae_models": FAKE_DAES}
    checks.check("12.1", answer)
    assert "stateless, nu/2 salt" in capsys.readouterr().out
    swapped = sp_psnr | {"Gaussian DAE": sp_psnr["masking DAE"], "masking DAE": sp_psnr["Gaussian DAE"]}
    with pytest.raises(CheckFailed, match=r"sp_psnr\['Gaussian DAE'\] is .* are two of the models swapped"):
        checks.check("12.1", answer | {"sp_psnr": swapped})


def test_l1_loophole_against_the_constrained_model(capsys):
    constrained = {"test MSE": 0.0079, "mean activation": 0.80, "near-zero fraction": 0.61, "exact zeros": 0.60}
    free = {"test MSE": 0.0032, "mean activation": 0.34, "near-zero fraction": 0.56, "exact zeros": 0.54}
    answer = {"loophole_stats": free, "loophole_atom_norm": 3.9, "constrained_atom_norm": 1.0,
              "stats_table": {"l1_relu": constrained}}
    checks.check("12.2", answer)
    assert "atom norm 3.90 without the constraint" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match=r"equals the constrained model's statistics \(stats_table\['l1_relu'\]\)"):
        checks.check("12.2", answer | {"loophole_stats": dict(constrained)})
    with pytest.raises(CheckFailed, match="not below the constrained model's 0.8000"):
        checks.check("12.2", answer | {"loophole_stats": free | {"mean activation": 0.9}})
    with pytest.raises(CheckFailed, match="loophole_atom_norm is 1.230, at most 1.5: train the new model"):
        checks.check("12.2", answer | {"loophole_atom_norm": 1.23})
    checks.check("12.2", answer | {"loophole_atom_norm": 1.23, "FAST": True})  # FAST mode trains a few steps only


def test_which_average_recomputes_from_the_models(capsys):
    from utils.data import load_mnist

    x = load_mnist("test")[0]
    noisy = np.clip(x + 0.5 * np.random.default_rng(0).normal(size=x.shape), 0, 1).astype(np.float32)
    denoised = FAKE_DAES["gaussian"].predict(noisy, verbose=0)
    table = {}
    for key, estimate in (("noisy", noisy), ("denoised", denoised)):
        mse = np.mean((x.astype(np.float64) - estimate).reshape(len(x), -1) ** 2, axis=1)
        table[key] = (mean_psnr(x, estimate), float(10 * np.log10(1 / mse.mean())))
    context = {"dae_models": FAKE_DAES, "x_test_noisy": {"gaussian": noisy}}
    checks.check("12.3", {"jensen_table": table} | context)
    assert "✓ Exercise 12.3" in capsys.readouterr().out
    wrong = table | {"denoised": (table["denoised"][0] + 1.0, table["denoised"][1])}
    with pytest.raises(CheckFailed, match=r"jensen_table\['denoised'\] differs from the expected value"):
        checks.check("12.3", {"jensen_table": wrong} | context)
