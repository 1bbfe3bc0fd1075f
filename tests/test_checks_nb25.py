"""Notebook 25's exercise checks: a right answer passes, wrong ones get specific feedback (small arrays only)."""

import numpy as np
import pytest
from scipy.spatial.distance import cdist

from utils import checks
from utils.checks import CheckFailed


def density_coverage(real, fake, radii_real, k):
    hits = cdist(fake, real) <= radii_real[None, :]
    return float(hits.sum(axis=1).mean() / k), float(hits.any(axis=0).mean())


def precision_instead(real, fake, radii_real, k):
    hits = cdist(fake, real) <= radii_real[None, :]
    return float(hits.sum(axis=1).mean() / k), float(hits.any(axis=1).mean())


def answer_25_1(**changes):
    return {"density_coverage": density_coverage, "noise_coverage": 0.002, "real_coverage": 0.85} | changes


def test_25_1_density_coverage(capsys):
    checks.check("25.1", answer_25_1())
    assert "✓ Exercise 25.1: density_coverage matches the definition; coverage 0.002 (noise) vs 0.850" in \
        capsys.readouterr().out
    with pytest.raises(CheckFailed, match="that is precision; coverage counts real points"):
        checks.check("25.1", answer_25_1(density_coverage=precision_instead))
    with pytest.raises(CheckFailed, match="divide by k"):
        checks.check("25.1", answer_25_1(density_coverage=lambda r, f, rad, k: (density_coverage(r, f, rad, k)[0] * k,
                                                                               density_coverage(r, f, rad, k)[1])))
    with pytest.raises(CheckFailed, match="should return a pair"):
        checks.check("25.1", answer_25_1(density_coverage=lambda r, f, rad, k: 0.5))
    with pytest.raises(CheckFailed, match="real_coverage is 0.100"):
        checks.check("25.1", answer_25_1(real_coverage=0.1))
    with pytest.raises(CheckFailed, match="noise_coverage 0.600 is not far below"):
        checks.check("25.1", answer_25_1(noise_coverage=0.6))
    with pytest.raises(CheckFailed, match="not defined yet"):
        checks.check("25.1", {"density_coverage": density_coverage})


def metrics(n, fd, floor):
    return {"n": n, "fd": fd, "fd_floor": floor}


GOOD = {1250: metrics(1250, 152.0, 3.2), 2500: metrics(2500, 151.0, 1.9), 5000: metrics(5000, 150.5, 1.2)}


def test_25_2_ratio_with_n(capsys):
    checks.check("25.2", {"fd_by_n": GOOD, "ratio_grows": True})
    assert "✓ Exercise 25.2: FD / floor 47.5 -> 79.5 -> 125.4 at n = 1,250, 2,500, 5,000: it grows with n" in \
        capsys.readouterr().out
    with pytest.raises(CheckFailed, match=r"ratio_grows is False, but FD / floor is \[47.5, 79.5, 125.4\]"):
        checks.check("25.2", {"fd_by_n": GOOD, "ratio_grows": False})
    with pytest.raises(CheckFailed, match="at least three sample sizes"):
        checks.check("25.2", {"fd_by_n": {1250: GOOD[1250]}, "ratio_grows": True})
    with pytest.raises(CheckFailed, match="was evaluated at n = 5000: pass n=2500"):
        checks.check("25.2", {"fd_by_n": GOOD | {2500: GOOD[5000]}, "ratio_grows": True})
    with pytest.raises(CheckFailed, match="do not fall with n"):
        checks.check("25.2", {"fd_by_n": GOOD | {5000: metrics(5000, 150.5, 9.0)}, "ratio_grows": True})
    with pytest.raises(CheckFailed, match="should be True or False"):
        checks.check("25.2", {"fd_by_n": GOOD, "ratio_grows": "yes"})


RNG = np.random.default_rng(0)
IMAGES = RNG.random((200, 28, 28, 1))
PLAIN = RNG.uniform(3, 6, 40)


def answer_25_3(**changes):
    return {"shifted_images": IMAGES, "shifted_fd": 3.5, "shifted_floor": 1.2, "plain_distances": PLAIN,
            "shift_invariant_distances": np.zeros(40)} | changes


def test_25_3_shifted_copies(capsys):
    checks.check("25.3", answer_25_3())
    assert "✓ Exercise 25.3: FD 3.50 (floor 1.20); nearest training image at median" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match=r"shift_invariant_distances\[0\] is 2, not 0: undo every shift"):
        checks.check("25.3", answer_25_3(shift_invariant_distances=np.full(40, 2.0)))
    with pytest.raises(CheckFailed, match="larger than the plain one"):
        checks.check("25.3", answer_25_3(shift_invariant_distances=PLAIN + 1))
    with pytest.raises(CheckFailed, match="did you shift them"):
        checks.check("25.3", answer_25_3(plain_distances=np.zeros(40)))
    with pytest.raises(CheckFailed, match=r"shifted_images has shape \(200, 784\)"):
        checks.check("25.3", answer_25_3(shifted_images=IMAGES.reshape(200, 784)))
    with pytest.raises(CheckFailed, match="holds 20 images"):
        checks.check("25.3", answer_25_3(shifted_images=IMAGES[:20]))
    with pytest.raises(CheckFailed, match="shifted_floor is 0"):
        checks.check("25.3", answer_25_3(shifted_floor=0.0))
