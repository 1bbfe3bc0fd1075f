"""Checks of notebook 32's exercises (steps per execution; a loss that is not scaled per replica)."""

from __future__ import annotations

from utils.checks import CheckFailed, exercise, expect_between, expect_number


@exercise("32.1")
def steps_per_execution(spe_cpu_ms):
    """CPU milliseconds per step of fit with steps_per_execution 1 and 8."""
    if not isinstance(spe_cpu_ms, dict) or sorted(spe_cpu_ms) != [1, 8]:
        keys = sorted(spe_cpu_ms) if isinstance(spe_cpu_ms, dict) else type(spe_cpu_ms).__name__
        raise CheckFailed(f"spe_cpu_ms should be a dict with the keys 1 and 8 (the values of k), got {keys}")
    for k, value in spe_cpu_ms.items():
        value = expect_number(f"spe_cpu_ms[{k}]", value)
        if value <= 0:
            raise CheckFailed(f"spe_cpu_ms[{k}] is {value:g}; a time per step must be positive")
        if value > 10_000:
            raise CheckFailed(f"spe_cpu_ms[{k}] is {value:g} ms per step, more than 10 s: did you store seconds per "
                              "epoch, or divide by the number of epochs instead of the steps of one epoch?")
    ratio = spe_cpu_ms[8] / spe_cpu_ms[1]
    return (f"{spe_cpu_ms[1]:.2f} CPU ms per step with k=1, {spe_cpu_ms[8]:.2f} with k=8 (ratio {ratio:.2f}); "
            "compare the ratio with the spread of repeated runs before calling it a gain")


@exercise("32.2")
def unscaled_loss(grad_ratio_bce, grad_ratio_hinge):
    """Gradient norms, two replicas summed over one device: 1 for the Keras loss, 2 for a hand-written mean."""
    bce = expect_number("grad_ratio_bce", grad_ratio_bce)
    hinge = expect_number("grad_ratio_hinge", grad_ratio_hinge)
    if abs(bce - 0.5) < 0.02 and abs(hinge - 1.0) < 0.05:
        raise CheckFailed("both ratios are half what the strategy gives: you averaged the replicas' gradients "
                          "(reduce 'MEAN'); the optimisers sum them (reduce 'SUM')")
    if abs(bce - 1.0) < 0.02 and abs(hinge - 1.0) < 0.02:
        raise CheckFailed("both ratios are 1: did you compute the hinge loss with a Keras loss object, or divide it "
                          "by the number of replicas? Write it with ops.mean, as utils.GAN does, to see the problem")
    expect_between("grad_ratio_bce", bce, 0.98, 1.02,
                   hint="keras.losses.BinaryCrossentropy divides by the number of replicas, so the summed gradient "
                        "should equal the one-device gradient; check that both use the same weights and images")
    expect_between("grad_ratio_hinge", hinge, 1.95, 2.05,
                   hint="a mean written with ops.mean is not divided by the replicas, so two replicas' summed "
                        "gradients should be twice the one-device gradient")
    return (f"the Keras loss gives the one-device gradient (ratio {bce:.3f}); the hand-written mean gives "
            f"{hinge:.3f} times it, one full gradient per replica")
