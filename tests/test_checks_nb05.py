"""Notebook 05's exercise checks: a right answer passes, wrong ones get specific feedback (no training here)."""

import math

import numpy as np
import pytest

from utils import checks
from utils.checks import CheckFailed
from utils.data import load_mnist

BOUND = math.log1p(math.exp(-1.0)) + math.log(2)


def test_05_1_only_the_order_fixed(capsys):
    checks.check("05.1", {"best_d_loss": BOUND + 1e-6})
    assert "✓ Exercise 05.1: a near-perfect discriminator still pays 1.0064" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="the real term alone: add the fake term"):
        checks.check("05.1", {"best_d_loss": math.log1p(math.exp(-1.0))})
    with pytest.raises(CheckFailed, match="below the bound 1.0064: did you pass the logits"):
        checks.check("05.1", {"best_d_loss": 1e-7})
    with pytest.raises(CheckFailed, match=r"best_d_loss is 1.2; expected 1.006"):
        checks.check("05.1", {"best_d_loss": 1.2})
    with pytest.raises(CheckFailed, match="`best_d_loss` is not defined yet"):
        checks.check("05.1", {})


def test_05_2_sigmoid_floor_on_pm1_mnist(capsys):
    x, _ = load_mnist("test", scale="[-1,1]", flatten=True)
    right = float(np.mean((x - np.clip(x, 0, 1)) ** 2))
    checks.check("05.2", {"floor_pm1": right})
    assert f"✓ Exercise 05.2: no sigmoid decoder can get below {right:.4f}" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match=r"floor_pm1 is 0: a sigmoid outputs values in \(0, 1\)"):
        checks.check("05.2", {"floor_pm1": 0.0})
    wrong = float(np.mean((x - np.clip(x, -1, 0)) ** 2))  # clipped to the wrong side
    with pytest.raises(CheckFailed, match="clip each \\[-1,1\\] pixel to \\[0, 1\\]"):
        checks.check("05.2", {"floor_pm1": wrong})
    with pytest.raises(CheckFailed, match="floor_pm1 should be a number, got str"):
        checks.check("05.2", {"floor_pm1": "0.83"})


def test_05_3_linear_output_on_noise(capsys):
    memorised = list(np.linspace(1.0, 0.14, 100))
    checks.check("05.3", {"linear_losses": memorised, "linear_fresh_mse": 1.048})
    assert "✓ Exercise 05.3: training MSE 0.1400 (below the sigmoid floor" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="not below the sigmoid floor 0.5753: is the decoder's last layer still"):
        checks.check("05.3", {"linear_losses": list(np.linspace(1.25, 0.97, 100)), "linear_fresh_mse": 1.0})
    with pytest.raises(CheckFailed, match="linear_losses holds 10 values; train for 100 steps"):
        checks.check("05.3", {"linear_losses": memorised[:10], "linear_fresh_mse": 1.048})
    with pytest.raises(CheckFailed, match="linear_fresh_mse 0.14 is below .*not on the training vectors AE_X"):
        checks.check("05.3", {"linear_losses": memorised, "linear_fresh_mse": 0.14})
