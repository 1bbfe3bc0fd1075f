"""Checks of notebook 32's exercises: right answers pass, typical wrong ones get specific feedback."""

import pytest

from utils.checks import CheckFailed, check


def test_32_1_accepts_times_per_step_and_refuses_other_shapes(capsys):
    check("32.1", {"spe_cpu_ms": {1: 6.0, 8: 4.5}})
    assert "ratio 0.75" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="keys 1 and 8"):
        check("32.1", {"spe_cpu_ms": {1: 6.0}})
    with pytest.raises(CheckFailed, match="more than 10 s"):
        check("32.1", {"spe_cpu_ms": {1: 60_000.0, 8: 40_000.0}})


def test_32_2_accepts_the_right_ratios_and_explains_wrong_ones(capsys):
    check("32.2", {"grad_ratio_bce": 1.0002, "grad_ratio_hinge": 1.9995})
    assert "one full gradient per replica" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="averaged the replicas"):
        check("32.2", {"grad_ratio_bce": 0.5, "grad_ratio_hinge": 1.0})
    with pytest.raises(CheckFailed, match="both ratios are 1"):
        check("32.2", {"grad_ratio_bce": 1.0, "grad_ratio_hinge": 1.0})
    with pytest.raises(CheckFailed, match="grad_ratio_hinge"):
        check("32.2", {"grad_ratio_bce": 1.0, "grad_ratio_hinge": 3.0})
