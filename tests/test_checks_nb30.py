"""Notebook 30's exercise checks: a right answer passes, wrong ones get specific feedback (no training)."""

import keras
import numpy as np
import pytest
from scipy import special

from utils import checks
from utils.checks import CheckFailed
from utils.ring import ring_centres

CENTRES = ring_centres(10, 4.0).astype("float32")


class FakeAutoencoder:
    """Stands in for the notebook's models: `encode` reads the codes (or posterior parameters) off the inputs."""

    def __init__(self, prior=None, split=False):
        self.prior, self.split = prior, split

    def encode(self, x):
        x = np.asarray(x, dtype="float32")
        return (x[:, :2], x[:, 2:]) if self.split else x


def _ring_context():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 3000)
    modes = np.where(rng.uniform(size=3000) < 0.7, labels, rng.integers(0, 7, 3000))  # modes 7-9 hold fewer codes
    codes = CENTRES[modes] + 0.5 * rng.standard_normal((3000, 2)).astype("float32")
    return {"aae_ring_2d": FakeAutoencoder(), "x_test": codes, "y_test": labels, "RING_CENTRES": CENTRES}


def _ring_answer(context):
    codes, labels = context["x_test"], context["y_test"]
    mode = np.argmin(np.linalg.norm(codes[:, None] - CENTRES[None], axis=-1), axis=1)
    counts = np.bincount(mode, minlength=10)
    majority = np.array([np.bincount(labels[mode == k], minlength=10).max() if counts[k] else 0 for k in range(10)])
    return counts / len(mode), majority / np.maximum(counts, 1), majority, counts


def test_30_1_ring_modes(capsys):
    context = _ring_context()
    shares, purity, majority, counts = _ring_answer(context)
    checks.check("30.1", {"mode_shares": shares, "mode_purity": purity} | context)
    assert "✓ Exercise 30.1: modes hold" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="those are counts"):
        checks.check("30.1", {"mode_shares": counts, "mode_purity": purity} | context)
    with pytest.raises(CheckFailed, match="wrong order"):
        checks.check("30.1", {"mode_shares": np.sort(shares), "mode_purity": purity} | context)
    swapped = shares.copy()
    swapped[[0, 1]] += [0.01, -0.01]
    with pytest.raises(CheckFailed, match=r"mode_shares\[0\] is .*smallest Euclidean distance"):
        checks.check("30.1", {"mode_shares": swapped, "mode_purity": purity} | context)
    with pytest.raises(CheckFailed, match="divided by ALL test codes"):
        checks.check("30.1", {"mode_shares": shares, "mode_purity": majority / len(context["x_test"])} | context)
    with pytest.raises(CheckFailed, match="between 0 and 1"):
        checks.check("30.1", {"mode_shares": shares, "mode_purity": majority} | context)
    with pytest.raises(CheckFailed, match="recomputes your answer from the notebook's aae_ring_2d"):
        checks.check("30.1", {"mode_shares": shares, "mode_purity": purity})
    with pytest.raises(CheckFailed, match=r"shape \(9,\)"):
        checks.check("30.1", {"mode_shares": shares[:9], "mode_purity": purity} | context)


def _mmd2(a, b, bandwidth):
    def kernel(u, v):
        return np.exp(-((u[:, None] - v[None]) ** 2).sum(-1) / (2 * bandwidth**2))
    m, n = len(a), len(b)
    kaa, kbb = kernel(a, a), kernel(b, b)
    return float((kaa.sum() - np.trace(kaa)) / (m * (m - 1)) + (kbb.sum() - np.trace(kbb)) / (n * (n - 1))
                 - 2 * kernel(a, b).mean())


def _median_bandwidth(points):
    d = np.sqrt(((points[:, None] - points[None]) ** 2).sum(-1))
    return float(np.median(d[np.triu_indices(len(points), k=1)]))


def _uniform_prior(n, seed):
    return keras.random.uniform((n, 2), minval=-2.0, maxval=2.0, seed=seed)


def test_30_2_uniform_prior(capsys):
    codes = np.random.default_rng(1).uniform(-2.5, 2.5, (400, 2)).astype("float32")
    context = {"x_test": codes, "MMD_POINTS": 300, "SEED": 0}
    square = np.random.default_rng(0).uniform(-2, 2, (300, 2))
    right = _mmd2(codes[:300].astype(np.float64), square, _median_bandwidth(square))
    model = FakeAutoencoder(prior=_uniform_prior)
    checks.check("30.2", {"uniform_prior": _uniform_prior, "uniform_aae": model, "uniform_mmd": right} | context)
    assert f"MMD^2 of the AAE's first 300 test codes to it {right:.4f}" in capsys.readouterr().out

    def unit(n, seed):
        return keras.random.uniform((n, 2), seed=seed)

    def gaussian(n, seed):
        return keras.random.normal((n, 2), seed=seed)

    def frozen(n, seed):
        return np.random.default_rng(0).uniform(-2, 2, (n, 2))

    for prior, message in ((unit, "defaults to \\[0, 1\\)"), (gaussian, "looks like a Gaussian"),
                           (frozen, "gave the same codes")):
        with pytest.raises(CheckFailed, match=message):
            checks.check("30.2", {"uniform_prior": prior, "uniform_aae": FakeAutoencoder(prior), "uniform_mmd": right}
                         | context)
    with pytest.raises(CheckFailed, match="prior=uniform_prior"):
        checks.check("30.2", {"uniform_prior": _uniform_prior, "uniform_aae": FakeAutoencoder(gaussian),
                              "uniform_mmd": right} | context)
    normal = np.random.default_rng(0).standard_normal((300, 2))
    wrong = _mmd2(codes[:300].astype(np.float64), normal, _median_bandwidth(normal))
    with pytest.raises(CheckFailed, match="compares the codes with a Gaussian sample"):
        checks.check("30.2", {"uniform_prior": _uniform_prior, "uniform_aae": model, "uniform_mmd": wrong} | context)
    with pytest.raises(CheckFailed, match=f"gives {right:.4f}"):
        checks.check("30.2", {"uniform_prior": _uniform_prior, "uniform_aae": model, "uniform_mmd": right + 0.05}
                     | context)
    with pytest.raises(CheckFailed, match="recomputes your answer from the notebook's x_test"):
        checks.check("30.2", {"uniform_prior": _uniform_prior, "uniform_aae": model, "uniform_mmd": right})


def _surgery(mean, log_var, seed):
    var = np.exp(log_var)
    average = float(np.mean(0.5 * np.sum(mean**2 + var - 1 - log_var, axis=1)))
    z = mean + np.sqrt(var) * np.random.default_rng(seed).standard_normal(mean.shape)
    parts = -0.5 * np.sum((z[:, None] - mean[None]) ** 2 / var[None] + log_var[None] + np.log(2 * np.pi), axis=2)
    log_q = special.logsumexp(parts, axis=1) - np.log(len(mean))
    marginal = float(np.mean(log_q + 0.5 * np.sum(z**2 + np.log(2 * np.pi), axis=1)))
    return average, marginal


def test_30_3_kl_decomposition(capsys):
    rng = np.random.default_rng(2)
    mean = rng.normal(0, 1.5, (1500, 2))
    log_var = rng.normal(-2.0, 0.3, (1500, 2))
    context = {"vae_2d": FakeAutoencoder(split=True), "x_test": np.concatenate([mean, log_var], axis=1),
               "SURGERY_IMAGES": 1000, "SEED": 0}
    mean, log_var = (a.astype("float32").astype(np.float64) for a in (mean[:1000], log_var[:1000]))
    average, marginal = _surgery(mean, log_var, seed=7)  # another z draw than the check's: must still pass

    def answer(a, m, i=None):
        return {"kl_average": a, "kl_marginal": m, "mutual_information": a - m if i is None else i}

    checks.check("30.3", answer(average, marginal) | context)
    assert "✓ Exercise 30.3: mean KL term" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="should be kl_average - kl_marginal"):
        checks.check("30.3", answer(average, marginal, 0.0) | context)
    with pytest.raises(CheckFailed, match="the SUM of the KL terms"):
        checks.check("30.3", answer(1000 * average, marginal) | context)
    with pytest.raises(CheckFailed, match="the two parts are swapped"):
        checks.check("30.3", answer(average, average - marginal) | context)
    with pytest.raises(CheckFailed, match="subtract log N"):
        checks.check("30.3", answer(average, marginal + np.log(1000)) | context)
    with pytest.raises(CheckFailed, match="a Monte-Carlo estimate with one z_n"):
        checks.check("30.3", answer(average, marginal + 0.6) | context)
    with pytest.raises(CheckFailed, match="recomputes your answer from the notebook's vae_2d"):
        checks.check("30.3", answer(average, marginal))
