"""Notebook 13's exercise checks: a right answer passes, wrong ones get specific feedback (no training here)."""

import keras
import numpy as np
import pytest

import utils
from utils import checks
from utils.checks import CheckFailed

RNG = np.random.default_rng(0)
# 2,000 "images", 6 dimensions: 3 used (mu varies, sigma small), 3 collapsed to the prior (mu ~ 0, sigma ~ 1).
MEANS = np.concatenate([RNG.normal(0, 1, (2000, 3)), RNG.normal(0, 0.01, (2000, 3))], axis=1)
LOG_VARS = np.concatenate([np.full((2000, 3), -4.0), RNG.normal(0, 0.001, (2000, 3))], axis=1)


def answer_13_1(**changes):
    return {"posterior_means": MEANS, "posterior_log_vars": LOG_VARS, "n_active_cov": 3, "n_active_kl": 3} | changes


def test_13_1_active_units(capsys):
    checks.check("13.1", answer_13_1())
    assert "✓ Exercise 13.1: 3 of 6 units active by the covariance criterion, 3 by the KL criterion" in \
        capsys.readouterr().out
    with pytest.raises(CheckFailed, match="n_active_cov is 6; .* in 3 dimensions"):
        checks.check("13.1", answer_13_1(n_active_cov=6))
    with pytest.raises(CheckFailed, match="n_active_kl is 1; the average KL exceeds 0.01 nats in 3 dimensions"):
        checks.check("13.1", answer_13_1(n_active_kl=1))
    with pytest.raises(CheckFailed, match="holds 100 images; encode the whole test set"):
        checks.check("13.1", answer_13_1(posterior_means=MEANS[:100], posterior_log_vars=LOG_VARS[:100]))
    with pytest.raises(CheckFailed, match=r"posterior_log_vars has shape \(2000, 5\)"):
        checks.check("13.1", answer_13_1(posterior_log_vars=LOG_VARS[:, :5]))
    with pytest.raises(CheckFailed, match="n_active_cov should be a whole number"):
        checks.check("13.1", answer_13_1(n_active_cov=3.0))


def test_13_2_beta_bound(capsys):
    objective = {0.5: 98.0, 1.0: 114.0, 4.0: 160.0}
    bound = {0.5: 110.0, 1.0: 111.0, 4.0: 140.0}
    checks.check("13.2", {"beta_objective": objective, "beta_neg_iw": bound})
    assert ("✓ Exercise 13.2: beta=0.5: objective 98.00 below -L_k 110.00 by 12.00; beta=1: objective 114.00 above "
            "-L_k 111.00 by 3.00; beta=4: objective 160.00 above -L_k 140.00 by 20.00 nats") in capsys.readouterr().out
    with pytest.raises(CheckFailed, match=r"beta_neg_iw\[0.5\] is -110.00, negative: .*report -L_k"):
        checks.check("13.2", {"beta_objective": objective, "beta_neg_iw": {b: -v for b, v in bound.items()}})
    with pytest.raises(CheckFailed, match=r"for beta=4 the objective \(130.00\) is below -L_k \(140.00\), which cannot "
                       r"happen for beta >= 1"):
        checks.check("13.2", {"beta_objective": objective | {4.0: 130.0}, "beta_neg_iw": bound})
    with pytest.raises(CheckFailed, match=r"beta_objective\[1\] 0.145 is below 40: .*784 pixels"):
        checks.check("13.2", {"beta_objective": objective | {1.0: 0.145}, "beta_neg_iw": bound})
    with pytest.raises(CheckFailed, match="should have the same betas as keys"):
        checks.check("13.2", {"beta_objective": {1.0: 114.0, 4.0: 160.0}, "beta_neg_iw": bound})
    with pytest.raises(CheckFailed, match="beta_objective should be a dict"):
        checks.check("13.2", {"beta_objective": [1, 2, 3], "beta_neg_iw": bound})
    with pytest.raises(CheckFailed, match="at least one below and one above 1"):
        checks.check("13.2", {"beta_objective": {1.0: 114.0}, "beta_neg_iw": {1.0: 111.0}})


def small_vae(beta):
    vae = utils.build_vae(2, conv=False, hidden=(8,))
    vae.beta.assign(beta)
    return vae


RAMP = list(np.linspace(0.0, 1.0, 20)) + [1.0] * 20


def answer_13_3(**changes):
    return {"warmup_callback": keras.callbacks.Callback(), "warmup_betas": RAMP, "warmup_vae": small_vae(1.0),
            "warmup_neg_elbo": 101.5, "plain_neg_elbo": 100.9} | changes


def test_13_3_kl_warmup(capsys):
    checks.check("13.3", answer_13_3())
    assert "✓ Exercise 13.3: beta rose from 0.00 to 1 over 19 steps; test -ELBO 101.50 (warm-up) vs 100.90" in \
        capsys.readouterr().out
    with pytest.raises(CheckFailed, match="warmup_callback should be a keras.callbacks.Callback, got function"):
        checks.check("13.3", answer_13_3(warmup_callback=lambda epoch: 1.0))
    with pytest.raises(CheckFailed, match="the first beta is 0.5; a warm-up starts from 0"):
        checks.check("13.3", answer_13_3(warmup_betas=[0.5] * 5 + [1.0] * 10))
    with pytest.raises(CheckFailed, match="the last beta is 0.5; it should reach 1"):
        checks.check("13.3", answer_13_3(warmup_betas=list(np.linspace(0, 0.5, 20))))
    with pytest.raises(CheckFailed, match="decreases somewhere"):
        checks.check("13.3", answer_13_3(warmup_betas=[0.0, 0.5, 0.3] + RAMP))
    with pytest.raises(CheckFailed, match=r"warmup_vae.beta is 0.2 after training; .*self.model.beta.assign"):
        checks.check("13.3", answer_13_3(warmup_vae=small_vae(0.2)))
    with pytest.raises(CheckFailed, match="warmup_neg_elbo 0.13 is below 60: .*per-pixel loss"):
        checks.check("13.3", answer_13_3(warmup_neg_elbo=0.13))
    with pytest.raises(CheckFailed, match="holds 3 values; record the beta set before every training batch"):
        checks.check("13.3", answer_13_3(warmup_betas=[0.0, 0.5, 1.0]))
