"""Checks of notebook 32's exercises: right answers pass, typical wrong ones get specific feedback."""

import pytest

from utils.checks import CheckFailed, check


def test_32_1_compares_the_difference_with_the_spread_and_refuses_other_shapes(capsys):
    check("32.1", {"spe_cpu_ms": {1: [6.0, 6.2], 8: [4.5, 4.4]}})
    out = capsys.readouterr().out
    assert "ratio 0.73" in out and "faster beyond the spread" in out
    check("32.1", {"spe_cpu_ms": {1: [6.0, 7.0], 8: [6.2, 6.9]}})
    assert "no measurable difference" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="keys 1 and 8"):
        check("32.1", {"spe_cpu_ms": {1: [6.0, 6.1]}})
    with pytest.raises(CheckFailed, match="at least two runs"):
        check("32.1", {"spe_cpu_ms": {1: 6.0, 8: 4.5}})
    with pytest.raises(CheckFailed, match="more than 10 s"):
        check("32.1", {"spe_cpu_ms": {1: [60_000.0, 60_000.0], 8: [40_000.0, 40_000.0]}})


def test_32_2_accepts_the_fixed_loss_and_explains_wrong_ones(capsys):
    check("32.2", {"grad_ratio_hinge_fixed": 1.0003})
    assert "one-device gradient" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="still twice"):
        check("32.2", {"grad_ratio_hinge_fixed": 2.0})
    with pytest.raises(CheckFailed, match="divided once too often"):
        check("32.2", {"grad_ratio_hinge_fixed": 0.5})
    with pytest.raises(CheckFailed, match="expected 1"):
        check("32.2", {"grad_ratio_hinge_fixed": 1.4})
