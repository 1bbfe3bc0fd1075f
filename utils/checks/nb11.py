"""Checks of notebook 11's exercises (the convolutional autoencoder)."""

from __future__ import annotations

import numpy as np

from utils.checks import (
    CheckFailed,
    exercise,
    expect_between,
    expect_callable,
    expect_close,
    expect_model,
    expect_number,
)


def _conv_ae_count(k, f1, f2):
    """count_params() of utils.conv_encoder(k, (f1, f2)) + utils.conv_decoder(k, (f2, f1))."""
    from utils.models import conv_decoder, conv_encoder

    return conv_encoder(k, filters=(f1, f2)).count_params() + conv_decoder(k, filters=(f2, f1)).count_params()


@exercise("11.1")
def parameter_count(conv_ae_params, k_equal):
    expect_callable("conv_ae_params", conv_ae_params, n_args=3)
    for k, f1, f2 in ((64, 16, 32), (2, 16, 32), (8, 4, 8), (10, 8, 3)):
        expected = _conv_ae_count(k, f1, f2)
        got = expect_number(f"conv_ae_params({k}, {f1}, {f2})", conv_ae_params(k, f1, f2))
        if got != expected:
            raise CheckFailed(f"conv_ae_params({k}, {f1}, {f2}) is {got:,.0f}; Keras counts {expected:,} "
                              f"(off by {got - expected:+,.0f}). A 3x3 Conv2D has 9*C_in*C_out + C_out weights, "
                              "a Dense layer (n_in + 1) * n_out, and the decoder ends in a 3x3 Conv2D to 1 channel")
    # equal counts with the dense 784-128-K-128-784 model, for F = (16, 32)
    base = _conv_ae_count(0 + 1, 16, 32) - (98 * 32 + 1)
    slope = 98 * 32 + 1
    expected_k = (2 * 784 * 128 + 1040 - base) / (slope - 257)
    expect_close("k_equal", k_equal, expected_k, atol=0.05,
                 hint="set the two affine counts equal and solve for K (it need not be an integer)")
    return f"the formula matches Keras for 4 settings; equal parameter counts at K = {expected_k:.1f}"


@exercise("11.2")
def third_layer(third_side, third_receptive_field, measured_receptive_field):
    side = expect_number("third_side", third_side)
    if side == 3.5:
        raise CheckFailed("third_side is 3.5: with padding=\"same\" a stride-2 layer gives ceil(n / 2), an integer")
    if side == 3:
        raise CheckFailed("third_side is 3: that is padding=\"valid\" (floor); with \"same\" it is ceil(7 / 2)")
    expect_close("third_side", side, 4, hint="padding=\"same\" maps a side n to ceil(n / stride)")
    field = expect_number("third_receptive_field", third_receptive_field)
    if field == 11:
        raise CheckFailed("third_receptive_field is 11: the third layer adds (k - 1) times the jump *before* it, "
                          "which is 4 after two stride-2 layers, not 2")
    if field == 23:
        raise CheckFailed("third_receptive_field is 23: you multiplied by the jump *after* the layer (8); use the "
                          "jump before it (4)")
    expect_close("third_receptive_field", field, 15, hint="r_l = r_{l-1} + (k_l - 1) * j_{l-1}, j_l = j_{l-1} * s_l")
    measured = expect_number("measured_receptive_field", measured_receptive_field)
    if measured < 15:
        raise CheckFailed(f"measured_receptive_field is {measured:g}, below the formula's 15: probe a unit away from "
                          "the border (the middle of the 4x4 map) with all-ones kernels and no activation")
    expect_close("measured_receptive_field", measured, 15,
                 hint="count the rows (or columns) where the gradient of one unit with respect to the input is not 0")
    return "side 4, receptive field 15 by formula and by gradient"


def _layers(model):
    for layer in model.layers:
        yield layer
        if hasattr(layer, "layers"):
            yield from _layers(layer)


@exercise("11.3")
def global_average_pooling(gap_model, gap_test_mse, conv_first_epoch_mse, *, FAST=False):
    import keras

    expect_model("gap_model", gap_model, input_shape=(28, 28, 1), output_shape=(28, 28, 1))
    kinds = [type(layer).__name__ for layer in _layers(gap_model)]
    if not any(isinstance(layer, keras.layers.GlobalAveragePooling2D) for layer in _layers(gap_model)):
        raise CheckFailed("gap_model has no GlobalAveragePooling2D layer: replace the encoder's Flatten by it")
    if "Flatten" in kinds[: kinds.index("GlobalAveragePooling2D")]:
        raise CheckFailed("gap_model's encoder still flattens before pooling: Flatten + Dense becomes "
                          "GlobalAveragePooling2D + Dense")
    count = gap_model.count_params()
    if count > 150_000:
        raise CheckFailed(f"gap_model has {count:,} parameters: the pooled encoder's code layer should be small "
                          "(F2 * K + K weights), so the total should be far below the 221,153 of the flattening model")
    from utils.data import load_mnist

    x = load_mnist("test", scale="[0,1]")[0]
    x_hat = np.asarray(gap_model.predict(x, batch_size=1000, verbose=0), dtype=np.float64).reshape(x.shape)
    measured = float(np.mean((x - x_hat) ** 2))
    expect_close("gap_test_mse", gap_test_mse, measured, rtol=1e-3,
                 hint="the per-pixel MSE of gap_model's reconstructions of all 10,000 test images")
    mean_image = float(np.mean((x - x.mean(axis=0, dtype=np.float64)) ** 2))  # predicting the mean test image
    limit = 2 * mean_image if FAST else mean_image  # FAST mode trains a few dozen steps only
    if measured >= limit:
        raise CheckFailed(f"gap_model's test MSE {measured:.4f} is above {limit:.4f}"
                          + (f" (twice the {mean_image:.4f} of predicting the mean image)" if FAST else
                             ", the test MSE of predicting the mean image")
                          + ": it has not learned anything yet. Train it for one epoch on the stream of section 3 "
                            "(fit with steps_per_epoch=STEPS_PER_EPOCH) before measuring")
    reference = expect_between("conv_first_epoch_mse", conv_first_epoch_mse, 1e-4, 0.2,
                               hint="runs['conv', CODE_SIZE, SEED]['test_mse'][0], the test MSE after one epoch")
    return f"{count:,} parameters; test MSE after one epoch {measured:.5f} (flattening model {reference:.5f})"
