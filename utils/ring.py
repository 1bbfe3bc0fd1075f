"""The ring of Gaussians (Metz et al., 2017): a 2-D toy on which a generator's modes can be counted.

Notebook 24 builds and explains the benchmark and its two scores; notebook 23 uses them (through this module) to
count the runs that train. The scores are those of Srivastava et al. (2017): a sample is *high quality* if it lies
within ``n_sigma`` standard deviations of its nearest mode centre, and a mode is *covered* if at least
``cover_share`` of all samples are high-quality samples of it.
"""

from __future__ import annotations

import numpy as np

from utils.validation import check_array, check_param


def ring_centres(modes=8, radius=2.0):
    """The ``modes`` centres on a circle of ``radius``, mode k at angle 2 pi k / modes; shape (modes, 2)."""
    check_param("modes", modes, kind=int, low=2)
    check_param("radius", radius, kind=float, low=0.0)
    angles = 2 * np.pi * np.arange(modes) / modes
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def sample_ring(n, *, modes=8, radius=2.0, std=0.02, seed=0):
    """``n`` float32 points of the ring: a uniformly chosen mode plus isotropic Gaussian noise of ``std``."""
    check_param("n", n, kind=int, low=1)
    check_param("std", std, kind=float, low=0.0)
    centres = ring_centres(modes, radius)
    rng = np.random.default_rng(seed)
    k = rng.integers(0, modes, size=n)
    return (centres[k] + std * rng.standard_normal((n, 2))).astype("float32")


def ring_scores(x, *, modes=8, radius=2.0, std=0.02, cover_share=0.01, n_sigma=3.0):
    """Scores of 2-D samples ``x`` (in the ring's units): ``hq_pct`` (% of samples within ``n_sigma * std`` of
    their nearest centre), ``counts`` (high-quality samples per mode) and ``modes`` (modes with at least
    ``cover_share * len(x)`` of them)."""
    x = check_array("x", x, shape=(None, 2), dtype_kind="f", min_len=1)
    check_param("cover_share", cover_share, kind=float, low=0.0, high=1.0)
    check_param("n_sigma", n_sigma, kind=float, low=0.0)
    centres = ring_centres(modes, radius)
    dist = np.linalg.norm(x[:, None, :] - centres[None, :, :], axis=-1)
    high_quality = dist.min(axis=1) <= n_sigma * std
    counts = np.bincount(dist.argmin(axis=1)[high_quality], minlength=modes)
    return {"hq_pct": 100.0 * float(high_quality.mean()), "counts": counts,
            "modes": int(np.sum(counts >= cover_share * len(x)))}
