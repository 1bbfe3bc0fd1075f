"""Notebook 33's exercise checks: a right answer passes, wrong ones get specific feedback (no training)."""

import numpy as np
import pytest

from utils import checks
from utils.checks import CheckFailed

FDS = {"wgan_gp_fd_mean": 144.0, "dcgan_fd_mean": 48.0, "dcgan_equal_steps_fd_mean": 120.0,
       "wgan_gp_fd_seed0": 150.0, "wgan_gp_fd_seed1": 138.0}
RESULTS = {"23_wgan_gp": {"params": {}, "values": {name: {"value": v, "unit": "", "description": name}
                                                   for name, v in FDS.items()}}}


def _answer(equal_cpu, equal_steps):
    return {"fd_ratio_equal_cpu": equal_cpu, "fd_ratio_equal_steps": equal_steps, "RESULTS": RESULTS}


def test_33_1_fd_ratios(capsys):
    checks.check("33.1", _answer(3.0, 1.2))
    assert "✓ Exercise 33.1: WGAN-GP's FD is 3.00 times DCGAN's at equal CPU time and 1.20" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match=r"fd_ratio_equal_cpu is 0.3333, the inverse .*not the other way round"):
        checks.check("33.1", _answer(48 / 144, 1.2))
    with pytest.raises(CheckFailed, match=r"fd_ratio_equal_cpu is 1.2000, which divides by dcgan_equal_steps_fd_mean; "
                                          r"this ratio needs dcgan_fd_mean"):
        checks.check("33.1", _answer(1.2, 1.2))
    with pytest.raises(CheckFailed, match=r"fd_ratio_equal_steps is 3.0000, which divides by dcgan_fd_mean"):
        checks.check("33.1", _answer(3.0, 3.0))
    with pytest.raises(CheckFailed, match=r"from one seed's FD \(wgan_gp_fd_seed0\); use the mean over seeds"):
        checks.check("33.1", _answer(150 / 48, 1.2))
    with pytest.raises(CheckFailed, match=r"fd_ratio_equal_steps is 2.0000; notebook 23 recorded wgan_gp_fd_mean = "
                                          r"144.0000 and dcgan_equal_steps_fd_mean = 120.0000, whose ratio is 1.2000"):
        checks.check("33.1", _answer(3.0, 2.0))
    with pytest.raises(CheckFailed, match="fd_ratio_equal_cpu should be a number"):
        checks.check("33.1", _answer("3.0", 1.2))
    with pytest.raises(CheckFailed, match="no section for notebook 23"):
        checks.check("33.1", _answer(3.0, 1.2) | {"RESULTS": {}})
    with pytest.raises(CheckFailed, match="`fd_ratio_equal_steps` is not defined yet"):
        checks.check("33.1", {"fd_ratio_equal_cpu": 3.0})


def _cosine(T, s=0.008):
    t = np.arange(0, T + 1)
    f = np.cos((t / T + s) / (1 + s) * np.pi / 2) ** 2
    return f[1:] / f[0]


_F0 = float(np.cos(0.008 / 1.008 * np.pi / 2) ** 2)


def _first_below_half(alpha_bar):
    return int(np.argmax(alpha_bar < 0.5)) + 1


def test_33_2_cosine_schedule(capsys):
    first = _first_below_half(_cosine(1000))
    assert first == 497
    checks.check("33.2", {"cosine_alpha_bar": _cosine, "t_snr1_cosine": first, "T_STEPS": 1000})
    assert "✓ Exercise 33.2: cosine schedule matches" in capsys.readouterr().out
    # the same schedule through clipped betas and a cumulative product passes too
    def via_betas(T, s=0.008):
        a = _cosine(T, s)
        betas = np.minimum(1 - a / np.concatenate([[1.0], a[:-1]]), 0.999)
        return np.cumprod(1 - betas)
    checks.check("33.2", {"cosine_alpha_bar": via_betas, "t_snr1_cosine": first})
    # a different T is recomputed, not compared with a stored number; T = 50 is tried once
    checks.check("33.2", {"cosine_alpha_bar": _cosine, "t_snr1_cosine": _first_below_half(_cosine(200)),
                          "T_STEPS": 200})
    assert "for T = 200 and 50; its SNR falls below 1 at step 100 of 200" in capsys.readouterr().out
    checks.check("33.2", {"cosine_alpha_bar": via_betas, "t_snr1_cosine": _first_below_half(_cosine(50)),
                          "T_STEPS": 50})
    assert "for T = 50; its SNR falls below 1 at step 25 of 50" in capsys.readouterr().out


def test_33_2_schedule_must_follow_T():
    """A schedule written for T_STEPS = 1000 only fails at the second T the check tries (50)."""
    def fixed_t(T, s=0.008):
        return _cosine(1000, s)[:T] if T != 1000 else _cosine(1000, s)
    with pytest.raises(CheckFailed, match=r"cosine_alpha_bar\(50\) at step t = \d+ is .*expected"):
        checks.check("33.2", {"cosine_alpha_bar": fixed_t, "t_snr1_cosine": 497})

    def hard_coded(T, s=0.008):
        return _cosine(1000, s)
    with pytest.raises(CheckFailed, match=r"cosine_alpha_bar\(50\) has shape \(1000,\); expected \(50,\)"):
        checks.check("33.2", {"cosine_alpha_bar": hard_coded, "t_snr1_cosine": 497})


@pytest.mark.parametrize("wrong, message", [
    (lambda T, s=0.008: np.concatenate([[1.0], _cosine(T, s)]), r"returns 1001 values: it includes t = 0"),
    (lambda T, s=0.008: 1 - _cosine(T, s), r"increases with t"),
    (lambda T, s=0.008: np.cos((np.arange(1, T + 1) / T + s) / (1 + s) * np.pi / 2) ** 2,
     r"is f\(t\) itself; divide by f\(0\)"),
    (lambda T, s=0.008: np.sqrt(_cosine(T, s)), r"square root of alpha_bar: f\(t\) is the cosine SQUARED"),
    (lambda T, s=0.008: _cosine(T, 0.0), r"at step t = \d+ is .*expected .*s = 0.008"),
    (lambda T, s=0.008: _cosine(T, s)[:-1], r"shape \(999,\); expected \(1000,\)"),
    (lambda T, s=0.008: np.concatenate([[1.0], _cosine(T, s)[:-1]]),
     r"cosine_alpha_bar\(1000\) is shifted by one step: it starts with alpha_bar_0 = 1 .*f\[1:\] / f\[0\]"),
    (lambda T, s=0.008: (lambda t: np.cos((t / T + s) / (1 + s) * np.pi / 2) ** 2 / _F0)(np.arange(0, T)),
     r"shifted by one step"),
])
def test_33_2_wrong_schedules(wrong, message):
    with pytest.raises(CheckFailed, match=message):
        checks.check("33.2", {"cosine_alpha_bar": wrong, "t_snr1_cosine": 497})


def test_33_2_wrong_step():
    with pytest.raises(CheckFailed, match=r"t_snr1_cosine is 496, a 0-based index: .*add 1 \(expected 497\)"):
        checks.check("33.2", {"cosine_alpha_bar": _cosine, "t_snr1_cosine": 496})
    with pytest.raises(CheckFailed, match=r"t_snr1_cosine is 498, one step late: .* \+ 1 = 497"):
        checks.check("33.2", {"cosine_alpha_bar": _cosine, "t_snr1_cosine": 498})
    with pytest.raises(CheckFailed, match=r"t_snr1_cosine is 260, the LINEAR schedule's step"):
        checks.check("33.2", {"cosine_alpha_bar": _cosine, "t_snr1_cosine": 260})
    # the linear schedule is the notebook's own (its BETA_START and BETA_END), not a number stored in the check
    linear = int(np.argmax(np.cumprod(1 - np.linspace(1e-4, 0.04, 1000)) < 0.5)) + 1
    assert linear != 260
    with pytest.raises(CheckFailed, match=rf"t_snr1_cosine is {linear}, the LINEAR schedule's step"):
        checks.check("33.2", {"cosine_alpha_bar": _cosine, "t_snr1_cosine": linear, "BETA_END": 0.04})
    with pytest.raises(CheckFailed, match=r"t_snr1_cosine is 600; .*first falls below 1 \(alpha_bar < 1/2\) at step "
                                          r"497 of 1000"):
        checks.check("33.2", {"cosine_alpha_bar": _cosine, "t_snr1_cosine": 600})
    with pytest.raises(CheckFailed, match="cosine_alpha_bar should be a function"):
        checks.check("33.2", {"cosine_alpha_bar": _cosine(1000), "t_snr1_cosine": 497})
