"""Notebook 04's exercise checks: a right answer passes, wrong ones get specific feedback (no training here)."""

import numpy as np
import pytest
from sklearn.mixture import GaussianMixture

from utils import checks
from utils.checks import CheckFailed

RNG = np.random.default_rng(0)
CODES = RNG.normal(size=(300, 4)) * 3 + 5


def fitted(n_components=10, covariance_type="full"):
    return GaussianMixture(n_components, covariance_type=covariance_type, random_state=0).fit(CODES)


METRICS = {"fd": 12.5, "fd_floor": 2.0, "n": 2000, "inception_score": 6.1}


def test_04_1_mixture(capsys):
    checks.check("04.1", {"mixture": fitted(), "mixture_metrics": METRICS})
    assert "✓ Exercise 04.1: 10 full-covariance components; FD 12.50 beside the floor 2.00" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="mixture has 3 components; the exercise asks for 10"):
        checks.check("04.1", {"mixture": fitted(3), "mixture_metrics": METRICS})
    with pytest.raises(CheckFailed, match="covariance_type='diag'; use 'full'"):
        checks.check("04.1", {"mixture": fitted(covariance_type="diag"), "mixture_metrics": METRICS})
    with pytest.raises(CheckFailed, match="call mixture.fit"):
        checks.check("04.1", {"mixture": GaussianMixture(10), "mixture_metrics": METRICS})
    with pytest.raises(CheckFailed, match="mixture_metrics should be the dict of metrics"):
        checks.check("04.1", {"mixture": fitted(), "mixture_metrics": 12.5})
    with pytest.raises(CheckFailed, match="computed on 50 images; judge at least 200"):
        checks.check("04.1", {"mixture": fitted(), "mixture_metrics": {**METRICS, "n": 50}})


LINE = np.linspace(0, 1, 9)[:, None] * np.ones(16) * 4.0


def test_04_2_straight_line(capsys):
    images = RNG.uniform(size=(9, 784))
    checks.check("04.2", {"path": LINE, "path_images": images})
    assert "✓ Exercise 04.2: 9 evenly spaced codes of size 16" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match=r"path has shape \(10, 16\); expected \(9, None\)"):
        checks.check("04.2", {"path": np.linspace(0, 1, 10)[:, None] * np.ones(16), "path_images": images})
    with pytest.raises(CheckFailed, match="not evenly spaced on one straight line"):
        checks.check("04.2", {"path": np.geomspace(1, 2, 9)[:, None] * np.ones(16), "path_images": images})
    with pytest.raises(CheckFailed, match="starts and ends at the same code"):
        checks.check("04.2", {"path": np.ones((9, 16)), "path_images": images})
    with pytest.raises(CheckFailed, match=r"outside \[0, 1\]: decode with the sigmoid decoder"):
        checks.check("04.2", {"path": LINE, "path_images": images * 2 - 1})
    with pytest.raises(CheckFailed, match="has 16 values per image; expected 784"):
        checks.check("04.2", {"path": LINE, "path_images": LINE})


def test_04_3_not_zero_sum(capsys):
    checks.check("04.3", {"ns_sums": [1.771, 1.8039, 1.7676]})
    assert "✓ Exercise 04.3: L_D + L_G^NS moves from 1.7710" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="ns_sums is constant .*non-saturating generator loss"):
        checks.check("04.3", {"ns_sums": [1.5, 1.5, 1.5]})
    with pytest.raises(CheckFailed, match="every sum is positive"):
        checks.check("04.3", {"ns_sums": [-0.2, 0.1, 0.3]})
    with pytest.raises(CheckFailed, match=r"ns_sums has shape \(2,\); expected \(3,\)"):
        checks.check("04.3", {"ns_sums": [1.7, 1.8]})
    with pytest.raises(CheckFailed, match="`ns_sums` is not defined yet"):
        checks.check("04.3", {})
