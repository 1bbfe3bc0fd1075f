"""Checks of notebook 12's exercises (denoising and sparse autoencoders)."""

from __future__ import annotations

import numpy as np

from utils.checks import (
    CheckFailed,
    exercise,
    expect_allclose,
    expect_array,
    expect_between,
    expect_callable,
    expect_close,
)

_TEST = {}


def _test_images(n=None):
    if "x" not in _TEST:
        from utils.data import load_mnist

        _TEST["x"] = load_mnist("test", scale="[0,1]")[0]
    return _TEST["x"] if n is None else _TEST["x"][:n]


def _mean_psnr(clean, estimate):
    mse = np.mean((np.asarray(clean, np.float64) - np.asarray(estimate, np.float64)).reshape(len(clean), -1) ** 2,
                  axis=1)
    return float(np.mean(10 * np.log10(1 / np.maximum(mse, 1e-10))))


@exercise("12.1")
def salt_and_pepper_noise(salt_and_pepper, sp_psnr, *, dae_models=None):
    expect_callable("salt_and_pepper", salt_and_pepper, n_args=3)
    x = _test_images(1000)
    noisy = expect_array("salt_and_pepper(x, 0.2, seed=(5, 0))", salt_and_pepper(x, 0.2, seed=(5, 0)), shape=x.shape)
    again = expect_array("salt_and_pepper(x, 0.2, seed=(5, 0))", salt_and_pepper(x, 0.2, seed=(5, 0)), shape=x.shape)
    if not np.array_equal(noisy, again):
        raise CheckFailed("two calls with the same seed gave different noise: draw it with tf.random.stateless_* ops "
                          "seeded by `seed`")
    if np.array_equal(noisy, salt_and_pepper(x, 0.2, seed=(6, 0))):
        raise CheckFailed("seeds (5, 0) and (6, 0) gave the same noise: pass `seed` to the random ops")
    changed = noisy != x
    if not np.all(np.isin(noisy[changed], (0.0, 1.0))):
        raise CheckFailed("some corrupted pixels are neither 0 nor 1: salt-and-pepper sets a hit pixel to 0 or 1")
    background = x == 0
    salt = float(np.mean(noisy[background] == 1))
    expect_close("the share of background pixels turned white at fraction 0.2", salt, 0.1, atol=0.015,
                 hint="a fraction nu of the pixels is hit, and half of those become 1 (salt), so nu / 2 of the "
                      "background turns white")
    grey = (x > 0.05) & (x < 0.95)
    expect_close("the share of grey pixels changed at fraction 0.2", float(np.mean(changed[grey])), 0.2, atol=0.02,
                 hint="every hit pixel is set to 0 or 1, so a fraction nu of the grey pixels changes")
    if not isinstance(sp_psnr, dict) or not {"noisy", "plain AE", "Gaussian DAE", "masking DAE"} <= set(sp_psnr):
        raise CheckFailed("sp_psnr should be a dict with keys 'noisy', 'plain AE', 'Gaussian DAE', 'masking DAE'")
    own = _mean_psnr(x, noisy)
    expect_close("sp_psnr['noisy']", sp_psnr["noisy"], own, atol=0.3,
                 hint="the mean over test images of the per-image PSNR of the salt-and-pepper images at nu = 0.2")
    for key in ("plain AE", "Gaussian DAE", "masking DAE"):
        expect_between(f"sp_psnr[{key!r}]", sp_psnr[key], 5.0, 40.0, hint="a mean per-image PSNR in dB")
    if dae_models is not None:  # recompute each model's PSNR on the check's 1,000 noisy images
        for key, name in (("plain AE", "clean"), ("Gaussian DAE", "gaussian"), ("masking DAE", "masking")):
            output = np.asarray(dae_models[name].predict(noisy, batch_size=1000, verbose=0)).reshape(x.shape)
            expected = _mean_psnr(x, output)
            expect_close(f"sp_psnr[{key!r}]", sp_psnr[key], expected, atol=0.5,
                         hint=f"the mean per-image PSNR of dae_models[{name!r}]'s outputs on your salt-and-pepper "
                              f"test images (on 1,000 of them the check measures {expected:.2f} dB); are two of "
                              "the models swapped?")
    return "stateless, nu/2 salt on the background, " + ", ".join(f"{k} {v:.2f} dB" for k, v in sp_psnr.items())


_STATS = ("test MSE", "mean activation", "near-zero fraction", "exact zeros")


@exercise("12.2")
def l1_loophole(loophole_stats, loophole_atom_norm, constrained_atom_norm, *, stats_table=None, FAST=False):
    if not isinstance(loophole_stats, dict) or not set(_STATS) <= set(loophole_stats):
        raise CheckFailed(f"loophole_stats should be the dict sparsity_stats returns, with keys {list(_STATS)}")
    for key in _STATS:
        expect_between(f"loophole_stats[{key!r}]", loophole_stats[key], 0.0, None)
    constrained = expect_close("constrained_atom_norm", constrained_atom_norm, 1.0, atol=0.01,
                               hint="the mean atom norm of section 5's l1_relu model, held at 1 by UnitNorm")
    free = expect_between("loophole_atom_norm", loophole_atom_norm, 0.0, None)
    # a fresh Glorot-uniform 256 x 784 kernel has rows of norm about 1.23; training without the constraint
    # grows them (to about 4 with the default parameters); FAST mode trains too little to require much growth
    limit = 1.05 if FAST else 1.5
    if free <= limit:
        raise CheckFailed(f"loophole_atom_norm is {free:.3f}, at most {limit}: train the new model with "
                          "unit_norm_atoms=False, so that its atoms can grow, and measure the row norms of its "
                          "\"atoms\" kernel after training")
    if isinstance(stats_table, dict) and isinstance(stats_table.get("l1_relu"), dict):
        constrained_stats = stats_table["l1_relu"]
        if all(abs(float(loophole_stats[k]) - float(constrained_stats[k])) < 1e-12 for k in _STATS):
            raise CheckFailed("loophole_stats equals the constrained model's statistics (stats_table['l1_relu']): "
                              "compute sparsity_stats of the new model, the one trained with unit_norm_atoms=False")
        if not FAST and loophole_stats["mean activation"] >= constrained_stats["mean activation"]:
            raise CheckFailed(f"loophole_stats['mean activation'] is {loophole_stats['mean activation']:.4f}, not "
                              f"below the constrained model's {constrained_stats['mean activation']:.4f}: without "
                              "the constraint the L1 penalty should shrink the activations while the atoms grow. "
                              "Train with regularizer=L1Activity(L1_WEIGHT) and unit_norm_atoms=False")
    return f"atom norm {free:.2f} without the constraint against {constrained:.2f} with it"


@exercise("12.3")
def which_average(jensen_table, *, dae_models=None, x_test_noisy=None):
    if not isinstance(jensen_table, dict) or not {"noisy", "denoised"} <= set(jensen_table):
        raise CheckFailed("jensen_table should be a dict with keys 'noisy' and 'denoised'")
    for key in ("noisy", "denoised"):
        pair = expect_array(f"jensen_table[{key!r}]", jensen_table[key], shape=(2,))
        mean_psnr, psnr_of_mean = (float(v) for v in pair)
        if mean_psnr < psnr_of_mean - 1e-9:
            raise CheckFailed(f"for {key!r} your mean of per-image PSNRs ({mean_psnr:.2f} dB) is below the PSNR of the "
                              f"mean MSE ({psnr_of_mean:.2f} dB), which Jensen's inequality rules out: is the pair in "
                              "the order (mean of PSNRs, PSNR of the mean MSE)?")
        expect_between(f"jensen_table[{key!r}]", mean_psnr, 5.0, 40.0, hint="PSNR in dB with peak value 1")
    noisy = jensen_table["noisy"]
    if dae_models is not None and isinstance(x_test_noisy, dict) and "gaussian" in x_test_noisy:
        x, x_noisy = _test_images(), np.asarray(x_test_noisy["gaussian"])
        denoised = np.asarray(dae_models["gaussian"].predict(x_noisy, batch_size=2000, verbose=0)).reshape(x.shape)
        for key, estimate in (("noisy", x_noisy), ("denoised", denoised)):
            mse = np.mean((np.asarray(x, np.float64) - estimate).reshape(len(x), -1) ** 2, axis=1)
            expected = (_mean_psnr(x, estimate), float(10 * np.log10(1 / mse.mean())))
            expect_allclose(f"jensen_table[{key!r}]", jensen_table[key], expected, atol=0.01,
                            hint=f"(mean of per-image PSNRs, PSNR of the mean MSE) of the {key} Gaussian test set "
                                 "x_test_noisy['gaussian']" + (", through dae_models['gaussian'] (first seed)"
                                                               if key == "denoised" else ""))
    if abs(noisy[0] - noisy[1]) > 0.5:
        raise CheckFailed(f"for the noisy images the two averages differ by {abs(noisy[0] - noisy[1]):.2f} dB; they "
                          "should almost agree (the noise is similar in every image): use per-image MSEs")
    return (f"noisy {noisy[0]:.2f} >= {noisy[1]:.2f} dB, denoised {jensen_table['denoised'][0]:.2f} >= "
            f"{jensen_table['denoised'][1]:.2f} dB")
