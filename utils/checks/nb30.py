"""Checks of notebook 30's exercises (the adversarial autoencoder)."""

from __future__ import annotations

import numpy as np

from utils.checks import CheckFailed, exercise, expect_array, expect_number, require_context

_CONTEXT_HINT = "run it in notebook 30 after section 7, which trains the models this check measures"




def _numpy(tensor):
    from keras import ops

    return np.asarray(ops.convert_to_numpy(tensor), dtype=np.float64)


@exercise("30.1")
def ring_modes(mode_shares, mode_purity, *, aae_ring_2d=None, x_test=None, y_test=None, RING_CENTRES=None):
    """Share of the test codes in each mode of the ring, and each mode's share of its most frequent digit."""
    shares = expect_array("mode_shares", mode_shares, shape=(10,))
    purity = expect_array("mode_purity", mode_purity, shape=(10,))
    if abs(shares.sum() - 1.0) > 1e-6:
        if abs(shares.sum() - 1.0) > 0.5 and shares.sum() > 10:
            raise CheckFailed(f"mode_shares sums to {shares.sum():.0f}: those are counts. Divide them by the number "
                              "of test codes so that the shares sum to 1")
        raise CheckFailed(f"mode_shares sums to {shares.sum():.4f}, not 1: every test code belongs to exactly one "
                          "mode (its nearest centre), so the shares must add up to 1")
    if purity.min() < 0 or purity.max() > 1:
        raise CheckFailed(f"mode_purity has values from {purity.min():.3g} to {purity.max():.3g}: each is a fraction "
                          "of one mode's codes, between 0 and 1")
    require_context({"aae_ring_2d": aae_ring_2d, "x_test": x_test, "y_test": y_test, "RING_CENTRES": RING_CENTRES},
                    _CONTEXT_HINT)
    centres = np.asarray(RING_CENTRES, dtype=np.float64)
    codes = _numpy(aae_ring_2d.encode(x_test))
    mode = np.argmin(np.linalg.norm(codes[:, None, :] - centres[None, :, :], axis=-1), axis=1)
    counts = np.bincount(mode, minlength=len(centres))
    expected_shares = counts / len(mode)
    labels = np.asarray(y_test)
    majority = np.array([np.bincount(labels[mode == k], minlength=10).max() if counts[k] else 0
                         for k in range(len(centres))])
    expected_purity = majority / np.maximum(counts, 1)
    worst = int(np.argmax(np.abs(shares - expected_shares)))
    if abs(shares[worst] - expected_shares[worst]) > 1e-3:
        if np.allclose(np.sort(shares), np.sort(expected_shares), atol=1e-3):
            raise CheckFailed("mode_shares holds the right values in the wrong order: keep the order of RING_CENTRES "
                              "(mode k at angle 2 pi k / 10), do not sort them")
        raise CheckFailed(f"mode_shares[{worst}] is {shares[worst]:.4f}; the codes aae_ring_2d.encode(x_test) "
                          f"nearest to centre {worst} are {expected_shares[worst]:.4f} of all codes. Assign each code "
                          "to the centre at the smallest Euclidean distance (argmin over the 10 centres)")
    worst = int(np.argmax(np.abs(purity - expected_purity)))
    if abs(purity[worst] - expected_purity[worst]) > 1e-3:
        if counts[worst] and abs(purity[worst] - majority[worst] / len(mode)) < 1e-3:
            raise CheckFailed(f"mode_purity[{worst}] is {purity[worst]:.4f}, the majority digit's count divided by ALL "
                              f"test codes; divide by the {counts[worst]} codes of that mode instead "
                              f"(expected {expected_purity[worst]:.4f})")
        raise CheckFailed(f"mode_purity[{worst}] is {purity[worst]:.4f}; expected {expected_purity[worst]:.4f}: among "
                          f"the codes of mode {worst}, count each digit (np.bincount of y_test) and divide the largest "
                          "count by the number of codes in the mode")
    return (f"modes hold {shares.min():.1%} to {shares.max():.1%} of the test codes; the most frequent digit of a "
            f"mode makes up {purity.min():.0%} to {purity.max():.0%} of it (mean {purity.mean():.0%})")


@exercise("30.2")
def uniform_prior(uniform_prior, uniform_aae, uniform_mmd, *, x_test=None, MMD_POINTS=None, SEED=None):
    """A uniform prior on [-2, 2]^2 in Keras ops, an AAE trained with it, and the MMD^2 of its codes to it."""
    import keras

    if not callable(uniform_prior):
        raise CheckFailed("uniform_prior should be a function uniform_prior(n, seed), got "
                          f"{type(uniform_prior).__name__}")
    generator = keras.random.SeedGenerator(1234)
    first = expect_array("uniform_prior(20000, seed)", _numpy(uniform_prior(20000, generator)), shape=(20000, 2))
    second = _numpy(uniform_prior(20000, generator))
    if np.allclose(first, second):
        raise CheckFailed("two calls of uniform_prior with the same SeedGenerator gave the same codes: draw with "
                          "seed=seed (the generator), so that every training step gets new prior samples")
    low, high = first.min(), first.max()
    if low >= 0 and high <= 1:
        raise CheckFailed(f"uniform_prior draws lie in [{low:.2f}, {high:.2f}]: keras.random.uniform defaults to "
                          "[0, 1); pass minval=-2.0 and maxval=2.0")
    if low < -2 or high > 2:
        raise CheckFailed(f"uniform_prior draws lie in [{low:.2f}, {high:.2f}], outside the square [-2, 2]^2"
                          + (": that looks like a Gaussian, use keras.random.uniform" if abs(first.std() - 1) < 0.05
                             else ""))
    if np.any(np.abs(first.mean(axis=0)) > 0.05) or np.any(np.abs(first.var(axis=0) - 4 / 3) > 0.06) or \
            abs(np.corrcoef(first.T)[0, 1]) > 0.05:
        raise CheckFailed(f"uniform_prior's draws have means {np.round(first.mean(0), 3)}, variances "
                          f"{np.round(first.var(0), 3)} and correlation {np.corrcoef(first.T)[0, 1]:.3f}; a uniform "
                          "square [-2, 2]^2 has means 0, variances 16/12 = 1.333 and independent coordinates")
    if not hasattr(uniform_aae, "encode") or getattr(uniform_aae, "prior", None) is not uniform_prior:
        raise CheckFailed("uniform_aae should be the AdversarialAutoencoder that train(...) returns with "
                          "prior=uniform_prior (its .prior must be your uniform_prior)")
    value = expect_number("uniform_mmd", uniform_mmd)
    require_context({"x_test": x_test, "MMD_POINTS": MMD_POINTS, "SEED": SEED}, _CONTEXT_HINT)
    from utils.evaluation import median_bandwidth, mmd2  # the course's own, not the notebook's copy
    codes = _numpy(uniform_aae.encode(x_test[:MMD_POINTS]))
    square = np.random.default_rng(SEED).uniform(-2, 2, (MMD_POINTS, 2))
    bandwidth = median_bandwidth(square)
    expected = mmd2(codes, square, bandwidth)
    if abs(value - expected) > 1e-4 + 1e-3 * abs(expected):
        gaussian = np.random.default_rng(SEED).standard_normal((MMD_POINTS, 2))
        if abs(value - mmd2(codes, gaussian, median_bandwidth(gaussian))) < 1e-4 + 1e-3 * abs(expected):
            raise CheckFailed(f"uniform_mmd {value:.4f} compares the codes with a Gaussian sample; compare them with "
                              "np.random.default_rng(SEED).uniform(-2, 2, (MMD_POINTS, 2)), which gives "
                              f"{expected:.4f}")
        raise CheckFailed(f"uniform_mmd is {value:.4f}; utils.evaluation.mmd2 of the first MMD_POINTS test codes of "
                          "uniform_aae against "
                          f"np.random.default_rng(SEED).uniform(-2, 2, (MMD_POINTS, 2)), with the bandwidth "
                          f"utils.evaluation.median_bandwidth of those points ({bandwidth:.3f}), gives {expected:.4f}")
    return f"uniform prior draws fill [-2, 2]^2; MMD^2 of the AAE's first {MMD_POINTS} test codes to it {value:.4f}"


@exercise("30.3")
def kl_decomposition(kl_average, kl_marginal, mutual_information, *, vae_2d=None, x_test=None, SURGERY_IMAGES=None,
                     SEED=None):
    """The VAE's mean KL term, the KL of its aggregate posterior to the prior, and the mutual information."""
    from scipy import special

    average = expect_number("kl_average", kl_average)
    marginal = expect_number("kl_marginal", kl_marginal)
    information = expect_number("mutual_information", mutual_information)
    if abs(information - (average - marginal)) > 1e-6 * max(1.0, abs(average)):
        raise CheckFailed(f"mutual_information ({information:.4f}) should be kl_average - kl_marginal "
                          f"({average - marginal:.4f}): the decomposition defines it as that difference")
    require_context({"vae_2d": vae_2d, "x_test": x_test, "SURGERY_IMAGES": SURGERY_IMAGES, "SEED": SEED},
                    _CONTEXT_HINT)
    mean, log_var = (_numpy(t) for t in vae_2d.encode(x_test[:SURGERY_IMAGES]))
    var = np.exp(log_var)
    n = len(mean)
    expected_average = float(np.mean(0.5 * np.sum(mean**2 + var - 1 - log_var, axis=1)))
    if abs(average - expected_average) > 1e-3 * max(1.0, expected_average):
        if abs(average - n * expected_average) < 1e-3 * n * max(1.0, expected_average):
            raise CheckFailed(f"kl_average is {average:.2f}, the SUM of the KL terms over the {n} images; take their "
                              f"mean ({expected_average:.4f})")
        raise CheckFailed(f"kl_average is {average:.4f}; the closed-form KL terms of vae_2d on the first "
                          f"{n} test images average {expected_average:.4f} nats: 0.5 * sum(mu^2 + sigma^2 - 1 - "
                          "log sigma^2) over the 2 dimensions, then the mean over the images")
    # The check's own Monte-Carlo estimate, with its standard error: the learner's z draws may differ.
    z = mean + np.sqrt(var) * np.random.default_rng(SEED + 1).standard_normal(mean.shape)
    log_q = np.empty(n)
    for start in range(0, n, 500):
        zc = z[start:start + 500, None, :]
        parts = -0.5 * np.sum((zc - mean[None]) ** 2 / var[None] + log_var[None] + np.log(2 * np.pi), axis=2)
        log_q[start:start + 500] = special.logsumexp(parts, axis=1) - np.log(n)
    terms = log_q + 0.5 * np.sum(z**2 + np.log(2 * np.pi), axis=1)
    expected_marginal = float(terms.mean())
    tolerance = 4 * float(terms.std()) / np.sqrt(n) + 0.01
    if abs(marginal - expected_marginal) > tolerance:
        if abs(marginal - (expected_average - expected_marginal)) <= tolerance:
            raise CheckFailed(f"kl_marginal ({marginal:.4f}) looks like the mutual information: the two parts are "
                              f"swapped. KL(q(z) || p(z)) is the mean of log q(z_n) - log p(z_n), about "
                              f"{expected_marginal:.3f} here")
        if abs(marginal - (expected_marginal + np.log(n))) <= tolerance:
            raise CheckFailed(f"kl_marginal is {marginal:.4f}, about log N = {np.log(n):.2f} above the estimate "
                              f"{expected_marginal:.4f}: q(z) is the MEAN of the N Gaussians, so subtract log N from "
                              "the log-sum-exp")
        raise CheckFailed(f"kl_marginal is {marginal:.4f}; a Monte-Carlo estimate with one z_n ~ q(z | x_n) per "
                          f"image gives {expected_marginal:.4f} ± {tolerance:.4f}. Compute log q(z_n) as the "
                          "log-sum-exp over ALL images m of log N(z_n; mu_m, sigma_m^2), minus log N, and "
                          "log p(z_n) under N(0, I)")
    if information > np.log(n) + tolerance:
        raise CheckFailed(f"mutual_information {information:.3f} exceeds log N = {np.log(n):.3f}, impossible for "
                          f"{n} images: check kl_marginal")
    return (f"mean KL term {average:.3f} nats = mutual information {information:.3f} + KL(q(z) || p(z)) "
            f"{marginal:.3f} (the check's own estimate {expected_marginal:.3f} ± {tolerance:.3f})")
