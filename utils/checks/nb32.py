"""Checks of notebook 32's exercises (steps per execution; fixing a loss that is not scaled per replica)."""

from __future__ import annotations

import numpy as np

from utils.checks import CheckFailed, exercise, expect_number


@exercise("32.1")
def steps_per_execution(spe_cpu_ms):
    """CPU milliseconds per step of fit with steps_per_execution 1 and 8, two runs of each."""
    if not isinstance(spe_cpu_ms, dict) or sorted(spe_cpu_ms) != [1, 8]:
        keys = sorted(spe_cpu_ms) if isinstance(spe_cpu_ms, dict) else type(spe_cpu_ms).__name__
        raise CheckFailed(f"spe_cpu_ms should be a dict with the keys 1 and 8 (the values of k), got {keys}")
    runs = {}
    for k, values in spe_cpu_ms.items():
        if not isinstance(values, (list, tuple)) or len(values) < 2:
            raise CheckFailed(f"spe_cpu_ms[{k}] should be a list of at least two runs' CPU ms per step, got "
                              f"{values!r}: without a repeat there is no spread to compare the difference with")
        runs[k] = [expect_number(f"spe_cpu_ms[{k}] entry", v) for v in values]
        for value in runs[k]:
            if value <= 0:
                raise CheckFailed(f"spe_cpu_ms[{k}] holds {value:g}; a time per step must be positive")
            if value > 10_000:
                raise CheckFailed(f"spe_cpu_ms[{k}] holds {value:g} ms per step, more than 10 s: did you store "
                                  "seconds per epoch, or divide by the number of epochs instead of the steps of one "
                                  "epoch?")
    m1, m8 = float(np.median(runs[1])), float(np.median(runs[8]))
    spread = max(max(v) - min(v) for v in runs.values())
    gain = m1 - m8
    if abs(gain) <= spread:
        verdict = "within the spread of repeated runs: no measurable difference"
    else:
        verdict = "k=8 is faster beyond the spread" if gain > 0 else "k=8 is slower beyond the spread"
    return (f"{m1:.2f} CPU ms per step with k=1, {m8:.2f} with k=8 (medians; ratio {m8 / m1:.2f}); difference "
            f"{gain:+.2f} ms against a spread of {spread:.2f} ms between repeats: {verdict}")


@exercise("32.2")
def fixed_hinge_loss(grad_ratio_hinge_fixed):
    """Gradient norm ratio, two replicas summed over one device, of the hinge loss made right under a strategy."""
    ratio = expect_number("grad_ratio_hinge_fixed", grad_ratio_hinge_fixed)
    if abs(ratio - 2.0) < 0.05:
        raise CheckFailed(f"grad_ratio_hinge_fixed is {ratio:.3f}: still twice the one-device gradient. Either the "
                          "loss is not divided at all, or it is divided by a constant 2, which halves the one-device "
                          "loss too; divide by tf.distribute.get_strategy().num_replicas_in_sync (1 outside a "
                          "strategy)")
    if abs(ratio - 0.5) < 0.02:
        raise CheckFailed(f"grad_ratio_hinge_fixed is {ratio:.3f}: half the one-device gradient, divided once too "
                          "often (a Keras loss already divides by the replicas; ops.mean does not)")
    if not 0.98 <= ratio <= 1.02:
        raise CheckFailed(f"grad_ratio_hinge_fixed is {ratio:.3f}, expected 1 (between 0.98 and 1.02): the summed "
                          "gradient of the replicas should equal the one-device gradient; measure it with "
                          "gradient_ratio(hinge_d_loss_fixed) from section 7")
    return (f"the fixed hinge loss gives the one-device gradient under the strategy (ratio {ratio:.3f}), as the "
            "Keras losses do")
