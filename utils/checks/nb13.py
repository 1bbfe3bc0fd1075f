"""Checks of notebook 13's exercises (the variational autoencoder)."""

from __future__ import annotations

import numbers

import numpy as np

from utils.checks import CheckFailed, exercise, expect_array, expect_between, expect_number

THRESHOLD = 0.01


@exercise("13.1")
def active_units(posterior_means, posterior_log_vars, n_active_cov, n_active_kl):
    """Active units by Burda et al.'s covariance criterion and by the average KL per dimension."""
    means = expect_array("posterior_means", posterior_means, shape=(None, None))
    log_vars = expect_array("posterior_log_vars", posterior_log_vars, shape=means.shape)
    if len(means) < 1000:
        raise CheckFailed(f"posterior_means holds {len(means)} images; encode the whole test set (10,000 images), "
                          "or the variance over images is a noisy estimate")
    variance = np.var(means, axis=0)
    kl = 0.5 * np.mean(means**2 + np.exp(log_vars) - log_vars - 1, axis=0)
    expected_cov, expected_kl = int(np.sum(variance > THRESHOLD)), int(np.sum(kl > THRESHOLD))
    for name, value in (("n_active_cov", n_active_cov), ("n_active_kl", n_active_kl)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral | np.integer):
            raise CheckFailed(f"{name} should be a whole number of dimensions, got {type(value).__name__}")
    if n_active_cov != expected_cov:
        hints = {int(np.sum(np.sqrt(variance) > THRESHOLD)): "you compared the standard deviation, not the variance",
                 int(np.sum(np.mean(np.exp(log_vars), axis=0) < 1 - THRESHOLD)): "you used the posterior variances "
                 "sigma^2, not the variance over images of the posterior means mu",
                 expected_kl: "that is the KL criterion; the covariance criterion is np.var(posterior_means, axis=0)"}
        raise CheckFailed(f"n_active_cov is {n_active_cov}; the variance over images of the posterior means exceeds "
                          f"{THRESHOLD} in {expected_cov} dimensions"
                          + (f": {hints[int(n_active_cov)]}" if int(n_active_cov) in hints else ""))
    if n_active_kl != expected_kl:
        hint = ("; did you sum the KL over images instead of averaging it?"
                if n_active_kl == int(np.sum(kl * len(means) > THRESHOLD)) else
                "; the KL of dimension u is 0.5 * (mu^2 + sigma^2 - log sigma^2 - 1), averaged over the images")
        raise CheckFailed(f"n_active_kl is {n_active_kl}; the average KL exceeds {THRESHOLD} nats in {expected_kl} "
                          f"dimensions{hint}")
    return (f"{n_active_cov} of {means.shape[1]} units active by the covariance criterion, {n_active_kl} by the "
            f"KL criterion ({len(means):,} images)")


@exercise("13.2")
def beta_bound(beta_objective, beta_neg_iw):
    """Each beta-VAE's test beta-objective next to its importance-weighted bound -L_k on the same images."""
    for name, value in (("beta_objective", beta_objective), ("beta_neg_iw", beta_neg_iw)):
        if not isinstance(value, dict) or not value:
            raise CheckFailed(f"{name} should be a dict mapping each beta to a number, got {type(value).__name__}")
    if set(beta_objective) != set(beta_neg_iw):
        raise CheckFailed(f"beta_objective and beta_neg_iw should have the same betas as keys, got "
                          f"{sorted(beta_objective)} and {sorted(beta_neg_iw)}")
    if len(beta_objective) < 2:
        raise CheckFailed("use every beta of BETAS (at least one below and one above 1), not just one")
    lines = []
    for beta in sorted(beta_objective):
        b = expect_number("a beta key", beta)
        objective = expect_number(f"beta_objective[{b:g}]", beta_objective[beta])
        bound = expect_number(f"beta_neg_iw[{b:g}]", beta_neg_iw[beta])
        if bound < 0:
            raise CheckFailed(f"beta_neg_iw[{b:g}] is {bound:.2f}, negative: L_k is a log-likelihood bound (negative "
                              "for images); report -L_k, in nats per image, like the -ELBO")
        for name, value in ((f"beta_objective[{b:g}]", objective), (f"beta_neg_iw[{b:g}]", bound)):
            expect_between(name, value, 40.0, 1000.0, hint="a per-image value in nats on binarised MNIST lies "
                           "between about 80 and 300; sum the terms over the 784 pixels and average over images")
        if b >= 1.0 and objective < bound - 0.5:
            raise CheckFailed(f"for beta={b:g} the objective ({objective:.2f}) is below -L_k ({bound:.2f}), which "
                              "cannot happen for beta >= 1 (beta-objective >= -ELBO >= -L_k): check that the objective "
                              "weights the KL by this model's beta and that the bound uses k > 1 samples")
        relation = "below" if objective < bound else "above"
        lines.append(f"beta={b:g}: objective {objective:.2f} {relation} -L_k {bound:.2f} by "
                     f"{abs(objective - bound):.2f}")
    return "; ".join(lines) + " nats"


@exercise("13.3")
def kl_warmup(warmup_callback, warmup_betas, warmup_vae, warmup_neg_elbo, plain_neg_elbo):
    """A callback that raises beta from 0 to 1, a VAE trained with it, and both models' test -ELBO."""
    import keras

    if not isinstance(warmup_callback, keras.callbacks.Callback):
        raise CheckFailed(f"warmup_callback should be a keras.callbacks.Callback, got {type(warmup_callback).__name__}")
    betas = expect_array("warmup_betas", warmup_betas, shape=(None,))
    if len(betas) < 10:
        raise CheckFailed(f"warmup_betas holds {len(betas)} values; record the beta set before every training batch")
    if betas[0] > 0.05:
        raise CheckFailed(f"the first beta is {betas[0]:.3g}; a warm-up starts from 0 (no KL term)")
    if np.any(np.diff(betas) < -1e-9):
        raise CheckFailed("warmup_betas decreases somewhere: beta should rise from 0 to 1 and then stay at 1")
    if abs(betas[-1] - 1.0) > 1e-6:
        raise CheckFailed(f"the last beta is {betas[-1]:.3g}; it should reach 1 (the true ELBO) before training ends")
    if not hasattr(warmup_vae, "beta") or not hasattr(warmup_vae.beta, "assign"):
        raise CheckFailed("warmup_vae should be a utils.VAE, whose beta is a keras.Variable")
    final = float(np.asarray(warmup_vae.beta.numpy()))
    if abs(final - 1.0) > 1e-6:
        raise CheckFailed(f"warmup_vae.beta is {final:.3g} after training; the callback must set it on the model "
                          "itself (self.model.beta.assign(value))")
    for name, value in (("warmup_neg_elbo", warmup_neg_elbo), ("plain_neg_elbo", plain_neg_elbo)):
        expect_between(name, value, 60.0, 300.0, hint="a test -ELBO in nats per image of binarised MNIST lies between "
                       "about 80 and 200 after a short run; did you average a per-pixel loss or use grey images?")
    return (f"beta rose from {betas[0]:.2f} to 1 over {int(np.argmax(betas >= 1.0))} steps; test -ELBO "
            f"{float(warmup_neg_elbo):.2f} (warm-up) vs {float(plain_neg_elbo):.2f} nats (plain)")
