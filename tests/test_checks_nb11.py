"""The checks of notebook 11's exercises: a right answer passes, wrong answers get specific feedback (no training)."""

import math

import keras
import numpy as np
import pytest

from utils import checks
from utils.checks import CheckFailed


def conv_ae_params(k, f1, f2):
    encoder = (9 * f1 + f1) + (9 * f1 * f2 + f2) + (49 * f2 * k + k)
    decoder = (49 * f2 * k + 49 * f2) + (9 * f2 * f2 + f2) + (9 * f2 * f1 + f1) + (9 * f1 + 1)
    return encoder + decoder


def test_parameter_count(capsys):
    checks.check("11.1", {"conv_ae_params": conv_ae_params, "k_equal": 181359 / 2880})
    assert "equal parameter counts at K = 63.0" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match=r"conv_ae_params\(64, 16, 32\) is .*Keras counts 221,153"):
        checks.check("11.1", {"conv_ae_params": lambda k, f1, f2: conv_ae_params(k, f1, f2) - 9 * f1 - 1,
                              "k_equal": 63.0})
    with pytest.raises(CheckFailed, match="k_equal is 64; expected 62.97"):
        checks.check("11.1", {"conv_ae_params": conv_ae_params, "k_equal": 64})
    with pytest.raises(CheckFailed, match="should be a function"):
        checks.check("11.1", {"conv_ae_params": 221153, "k_equal": 63.0})


def test_third_layer(capsys):
    checks.check("11.2", {"third_side": math.ceil(7 / 2), "third_receptive_field": 15, "measured_receptive_field": 15})
    assert "receptive field 15" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="3.5: with padding=\"same\""):
        checks.check("11.2", {"third_side": 3.5, "third_receptive_field": 15, "measured_receptive_field": 15})
    with pytest.raises(CheckFailed, match="is 11: the third layer adds"):
        checks.check("11.2", {"third_side": 4, "third_receptive_field": 11, "measured_receptive_field": 15})
    with pytest.raises(CheckFailed, match="below the formula's 15: probe a unit away from the border"):
        checks.check("11.2", {"third_side": 4, "third_receptive_field": 15, "measured_receptive_field": 12})


def gap_like_model(pooled=True):
    """Output sigmoid(8x - 4) (a good reconstruction without training) plus a zero-weight path through a code."""
    image = keras.Input((28, 28, 1))
    h = keras.layers.Conv2D(4, 3, strides=2, padding="same", activation="relu")(image)
    h = keras.layers.GlobalAveragePooling2D()(h) if pooled else keras.layers.Flatten()(h)
    code = keras.layers.Dense(8)(h)
    path = keras.layers.Reshape((28, 28, 1))(keras.layers.Dense(784, kernel_initializer="zeros")(code))
    logits = keras.layers.Add()([keras.layers.Rescaling(8.0, -4.0)(image), path])
    return keras.Model(image, keras.layers.Activation("sigmoid")(logits))


def gap_answer(model):
    from utils.data import load_mnist

    x = load_mnist("test")[0]
    return {"gap_model": model, "gap_test_mse": float(np.mean((x - model.predict(x, verbose=0)) ** 2)),
            "conv_first_epoch_mse": 0.012}


def test_global_average_pooling(capsys):
    right = gap_answer(gap_like_model())
    checks.check("11.3", right)
    assert "test MSE after one epoch" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="no GlobalAveragePooling2D layer"):
        checks.check("11.3", gap_answer(gap_like_model(pooled=False)))
    with pytest.raises(CheckFailed, match="gap_test_mse is .* all 10,000 test images"):
        checks.check("11.3", right | {"gap_test_mse": 0.5})
    with pytest.raises(CheckFailed, match="conv_first_epoch_mse 3 is above 0.2"):
        checks.check("11.3", right | {"conv_first_epoch_mse": 3})


def test_global_average_pooling_rejects_an_untrained_model():
    image = keras.Input((28, 28, 1))
    h = keras.layers.Conv2D(4, 3, strides=2, padding="same", activation="relu")(image)
    code = keras.layers.Dense(8)(keras.layers.GlobalAveragePooling2D()(h))
    flat = keras.layers.Dense(784, kernel_initializer="zeros")(code)  # output sigmoid(0) = 0.5 everywhere
    untrained = keras.Model(image, keras.layers.Activation("sigmoid")(keras.layers.Reshape((28, 28, 1))(flat)))
    with pytest.raises(CheckFailed, match="predicting the mean image: it has not learned anything yet"):
        checks.check("11.3", gap_answer(untrained))
    with pytest.raises(CheckFailed, match="twice the .* of predicting the mean image"):
        checks.check("11.3", gap_answer(untrained) | {"FAST": True})
