"""Checks of notebook 05's exercises (the article's code, reviewed)."""

from __future__ import annotations

import math

import numpy as np

from utils.checks import CheckFailed, exercise, expect_array, expect_between, expect_close, expect_number

SOFTPLUS_MINUS_1 = math.log1p(math.exp(-1.0))  # the real term's bound, 0.3133
SIGMOID_FLOOR = 0.5753  # section 3.2: E[(x - clip(x, 0, 1))^2] for x ~ N(0, 1), rounded
LINEAR_AE_FLOOR = 1 - 64 / 784  # section 3.1: best linear 64-number code on fresh isotropic noise


@exercise("05.1")
def only_order_fixed(best_d_loss):
    """The near-perfect discriminator's loss with the sigmoid kept: softplus(-1) + log 2 = 1.0064, from above."""
    value = expect_number("best_d_loss", best_d_loss)
    bound = SOFTPLUS_MINUS_1 + math.log(2)
    if abs(value - SOFTPLUS_MINUS_1) < 1e-3:
        raise CheckFailed(f"best_d_loss is {value:.4f}, the real term alone: add the fake term BCE(0, sigma(a_fake)), "
                          f"which cannot go below log 2")
    if value < bound - 1e-4:
        raise CheckFailed(f"best_d_loss is {value:.4f}, below the bound {bound:.4f}: did you pass the logits a "
                          "instead of sigma(a) to the loss? The exercise keeps the listing's sigmoid")
    expect_close("best_d_loss", value, bound, atol=2e-3,
                 hint="use a large real logit (label 1) and a very negative fake logit (label 0)")
    return f"a near-perfect discriminator still pays {value:.4f}, just above softplus(-1) + log 2 = {bound:.4f}"


@exercise("05.2")
def sigmoid_floor_pm1(floor_pm1):
    """The best MSE of a sigmoid output on MNIST test images scaled to [-1, 1]."""
    from utils.data import load_mnist

    x, _ = load_mnist("test", scale="[-1,1]", flatten=True)
    expected = float(np.mean((x - np.clip(x, 0, 1)) ** 2))
    value = expect_number("floor_pm1", floor_pm1)
    if value < 1e-6:
        raise CheckFailed("floor_pm1 is 0: a sigmoid outputs values in (0, 1), so clip the targets to [0, 1], "
                          "and use the [-1,1] images (background pixels at -1)")
    expect_close("floor_pm1", value, expected, atol=0.01,
                 hint="clip each [-1,1] pixel to [0, 1] and average the squared difference over all test pixels")
    return f"no sigmoid decoder can get below {value:.4f} per pixel on [-1,1] MNIST"


@exercise("05.3")
def linear_output_on_noise(linear_losses, linear_fresh_mse):
    """A linear output memorises the 100 noise vectors (below the sigmoid floor) but cannot reconstruct new noise."""
    losses = expect_array("linear_losses", linear_losses, shape=(None,))
    if len(losses) < 100:
        raise CheckFailed(f"linear_losses holds {len(losses)} values; train for 100 steps and keep every loss")
    if losses[-1] >= SIGMOID_FLOOR:
        raise CheckFailed(f"the last training loss {losses[-1]:.4f} is not below the sigmoid floor {SIGMOID_FLOOR}: "
                          "is the decoder's last layer still a sigmoid? Use Dense(784) with no activation")
    fresh = expect_number("linear_fresh_mse", linear_fresh_mse)
    expect_between("linear_fresh_mse", fresh, LINEAR_AE_FLOOR - 0.02, None,
                   hint="that is below what any 64-number code can do on new noise: measure it on fresh "
                        "np.random normal vectors, not on the training vectors AE_X")
    return (f"training MSE {losses[-1]:.4f} (below the sigmoid floor: memorised), fresh noise {fresh:.4f} "
            f"(no better than the constant 0)")
