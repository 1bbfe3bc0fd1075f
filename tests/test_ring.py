"""utils.ring: the ring of Gaussians and its two scores (notebook 24's rule)."""

import numpy as np
import pytest

from utils.ring import ring_centres, ring_scores, sample_ring


def test_centres_and_samples():
    c = ring_centres(8, 2.0)
    assert c.shape == (8, 2) and np.allclose(np.linalg.norm(c, axis=1), 2.0) and np.allclose(c[0], [2.0, 0.0])
    x = sample_ring(5000, seed=1)
    assert x.dtype == np.float32 and x.shape == (5000, 2)
    assert np.array_equal(x, sample_ring(5000, seed=1)) and not np.array_equal(x, sample_ring(5000, seed=2))


def test_real_samples_score_like_the_chi_square_bound():
    s = ring_scores(sample_ring(20000, seed=0))
    assert s["modes"] == 8 and abs(s["hq_pct"] - 100 * (1 - np.exp(-4.5))) < 0.3 and s["counts"].sum() > 19000


def test_collapsed_and_spread_generators():
    one = ring_scores(np.repeat(ring_centres()[:1], 1000, axis=0))
    assert one["modes"] == 1 and one["hq_pct"] == 100.0
    assert ring_scores(np.zeros((100, 2)))["modes"] == 0
    # 10 of 1000 samples on a mode is exactly the 1% threshold: covered (>=)
    x = np.concatenate([np.repeat(ring_centres()[:1], 990, axis=0), np.repeat(ring_centres()[1:2], 10, axis=0)])
    assert ring_scores(x)["modes"] == 2 and ring_scores(x, cover_share=0.02)["modes"] == 1


def test_bad_input():
    with pytest.raises(ValueError, match="x"):
        ring_scores(np.zeros((10, 3)))


def test_sampler_draws_modes_then_noise_from_one_generator():
    """Notebook 24's committed numbers were drawn this way (mode indices first, then the noise, from one
    default_rng(seed)); a change of this order changes them."""
    rng = np.random.default_rng(3)
    k = rng.integers(0, 8, size=1000)
    expected = (ring_centres(8, 2.0)[k] + 0.02 * rng.standard_normal((1000, 2))).astype("float32")
    assert np.array_equal(sample_ring(1000, modes=8, radius=2.0, std=0.02, seed=3), expected)
