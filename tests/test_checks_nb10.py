"""The checks of notebook 10's exercises: a right answer passes, wrong answers get specific feedback (no training)."""

import keras
import numpy as np
import pytest

import utils
from utils import checks
from utils.checks import CheckFailed
from utils.checks.nb10 import _crossing


@pytest.fixture(scope="module")
def pca8():
    """A linear autoencoder whose weights are PCA's (8 components of 5,000 training images), and PCA's test MSE."""
    x_train, _ = utils.load_mnist("train", subset=5000, seed=0, flatten=True)
    x_test, _ = utils.load_mnist("test", flatten=True)
    mean = x_train.mean(axis=0)
    components = np.linalg.svd(x_train - mean, full_matrices=False)[2][:8]  # (8, 784)
    model = utils.autoencoder(utils.dense_encoder(8, hidden=()),
                              utils.dense_decoder(8, hidden=(), output_activation="linear"))
    encoder, decoder = model.get_layer("encoder"), model.get_layer("decoder")
    enc = [layer for layer in encoder.layers if layer.weights][0]
    dec = [layer for layer in decoder.layers if layer.weights][0]
    enc.set_weights([components.T, -mean @ components.T])
    dec.set_weights([components, mean])
    recon = (x_test - mean) @ components.T @ components + mean
    return model, float(np.mean((x_test.astype(np.float64) - recon) ** 2))


def test_linear_autoencoder_right_answer(pca8, capsys):
    model, pca_mse = pca8
    x = utils.load_mnist("test")[0]
    measured = float(np.mean((x - model.predict(x, verbose=0)) ** 2))
    checks.check("10.1", {"linear_ae": model, "linear_test_mse": measured, "pca_test_mse_k8": pca_mse})
    assert "✓ Exercise 10.1: affine" in capsys.readouterr().out


def test_linear_autoencoder_wrong_answers(pca8):
    model, pca_mse = pca8
    x = utils.load_mnist("test")[0]
    measured = float(np.mean((x - model.predict(x, verbose=0)) ** 2))
    with pytest.raises(CheckFailed, match="linear_test_mse is .* measure the per-pixel MSE"):
        checks.check("10.1", {"linear_ae": model, "linear_test_mse": 2 * measured, "pca_test_mse_k8": pca_mse})
    with pytest.raises(CheckFailed, match="more than 3% below PCA's .* is its code of size 8"):
        checks.check("10.1", {"linear_ae": model, "linear_test_mse": measured, "pca_test_mse_k8": 1.5 * pca_mse})
    untrained = utils.autoencoder(utils.dense_encoder(8, hidden=()),
                                  utils.dense_decoder(8, hidden=(), output_activation="linear"))
    with pytest.raises(CheckFailed, match="above PCA's .* train it longer"):
        checks.check("10.1", {"linear_ae": untrained, "pca_test_mse_k8": pca_mse,
                              "linear_test_mse": float(np.mean((x - untrained.predict(x, verbose=0)) ** 2))})
    relu = utils.autoencoder(utils.dense_encoder(8), utils.dense_decoder(8, output_activation="sigmoid"))
    with pytest.raises(CheckFailed, match="not affine.*Remove the hidden layers"):
        checks.check("10.1", {"linear_ae": relu, "linear_test_mse": measured, "pca_test_mse_k8": pca_mse})
    with pytest.raises(CheckFailed, match="`linear_test_mse` is not defined yet"):
        checks.check("10.1", {"linear_ae": model})


def squashing_model(scale, offset, sigmoid=True):
    """A fixed 'autoencoder' x -> sigmoid(scale * x + offset): a reconstruction without training."""
    layers = [keras.Input((28, 28, 1)), keras.layers.Rescaling(scale, offset)]
    return keras.Sequential(layers + ([keras.layers.Activation("sigmoid")] if sigmoid else []))


def bce_answer(model):
    x = utils.load_mnist("test")[0]
    x_hat = model.predict(x, verbose=0)
    return {"bce_model": model, "bce_test_mse": float(np.mean((x - x_hat) ** 2)),
            "bce_test_bce": float(keras.losses.BinaryCrossentropy()(x, x_hat)), "mse_model_test_bce": 0.1}


def test_cross_entropy_right_answer(capsys):
    checks.check("10.2", bce_answer(squashing_model(8.0, -4.0)))
    assert "✓ Exercise 10.2: BCE-trained model" in capsys.readouterr().out


def test_cross_entropy_wrong_answers():
    right = bce_answer(squashing_model(8.0, -4.0))
    with pytest.raises(CheckFailed, match="bce_test_bce is .* a mean over pixels and images"):
        checks.check("10.2", right | {"bce_test_bce": 784 * right["bce_test_bce"]})
    with pytest.raises(CheckFailed, match="bce_test_mse is"):
        checks.check("10.2", right | {"bce_test_mse": 0.5})
    with pytest.raises(CheckFailed, match="must end in a sigmoid"):
        checks.check("10.2", right | {"bce_model": squashing_model(8.0, -4.0, sigmoid=False)})
    with pytest.raises(CheckFailed, match="mean image: train it"):
        checks.check("10.2", bce_answer(squashing_model(0.0, 0.0)))
    with pytest.raises(CheckFailed, match="mse_model_test_bce 78.4 is above 0.7"):
        checks.check("10.2", right | {"mse_model_test_bce": 78.4})


def crossing_answer(**changes):
    ae = {64: 0.005, 128: 0.0035, 256: 0.0030}
    pca = {64: 0.009, 128: 0.0042, 256: 0.0014}
    return {"wide_hidden": 512, "wide_test_mse": ae, "wide_pca_mse": pca,
            "wide_crossing_k": 128 * 2 ** (np.log(0.0042 / 0.0035) / np.log((0.0042 / 0.0035) * (0.0030 / 0.0014)))
            } | changes


def test_wider_hidden_layer_right_answers(capsys):
    checks.check("10.3", crossing_answer())
    assert "the curves cross near k = " in capsys.readouterr().out
    checks.check("10.3", crossing_answer(wide_test_mse={64: 0.005, 128: 0.004, 256: 0.001}, wide_crossing_k=None))
    assert "no crossing" in capsys.readouterr().out


def test_wider_hidden_layer_wrong_answers():
    with pytest.raises(CheckFailed, match="interpolate linearly in log k and log MSE"):
        checks.check("10.3", crossing_answer(wide_crossing_k=150.0))
    with pytest.raises(CheckFailed, match="wide_hidden is 128"):
        checks.check("10.3", crossing_answer(wide_hidden=128))
    with pytest.raises(CheckFailed, match="include 128 and 256"):
        checks.check("10.3", crossing_answer(wide_test_mse={64: 0.005}, wide_pca_mse={64: 0.009}))
    with pytest.raises(CheckFailed, match="should be None"):
        checks.check("10.3", crossing_answer(wide_test_mse={64: 0.005, 128: 0.004, 256: 0.001}))
    with pytest.raises(CheckFailed, match="does not fall as k grows"):
        checks.check("10.3", crossing_answer(wide_pca_mse={64: 0.001, 128: 0.0042, 256: 0.009}))


def test_cross_entropy_checks_the_mse_model_when_it_is_there(capsys):
    mse_model = squashing_model(6.0, -3.0)  # stands in for section 3's fit_model
    x = utils.load_mnist("test")[0]
    right = bce_answer(squashing_model(8.0, -4.0))
    right["mse_model_test_bce"] = float(keras.losses.BinaryCrossentropy()(x, mse_model.predict(x, verbose=0)))
    checks.check("10.2", right | {"fit_model": mse_model})
    assert "✓ Exercise 10.2" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="the BCE of bce_model itself: measure the BCE of section 3's MSE-trained"):
        checks.check("10.2", right | {"fit_model": mse_model, "mse_model_test_bce": right["bce_test_bce"]})
    with pytest.raises(CheckFailed, match="mse_model_test_bce is 0.3; expected .* section 3's fit_model"):
        checks.check("10.2", right | {"fit_model": mse_model, "mse_model_test_bce": 0.3})


def test_wider_hidden_layer_against_the_notebook_sweep(capsys):
    narrow = {64: 0.0065, 128: 0.0058, 256: 0.0051}
    pca = {64: 0.009, 128: 0.0042, 256: 0.0014}
    context = {"ae_test_mse": narrow, "pca_test_mse": pca}
    checks.check("10.3", crossing_answer() | context)
    assert "the curves cross near k = " in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="holds the 128-unit sweep's test MSEs"):
        checks.check("10.3", crossing_answer(wide_test_mse=dict(narrow), wide_crossing_k=91.0) | context)
    worse = {64: 0.007, 128: 0.006, 256: 0.0055}
    worse_k = _crossing(sorted(worse), worse, pca)
    with pytest.raises(CheckFailed, match="no better than the 128-unit one .* did you pass hidden=wide_hidden"):
        checks.check("10.3", crossing_answer(wide_test_mse=worse, wide_crossing_k=worse_k) | context)
    with pytest.raises(CheckFailed, match=r"wide_pca_mse\[64\] is 0.008; expected 0.009.*pca_test_mse\[64\]"):
        checks.check("10.3", crossing_answer(wide_pca_mse={64: 0.008, 128: 0.0042, 256: 0.0014}) | context)
    # FAST mode trains too little to require the wide model to win
    checks.check("10.3", crossing_answer(wide_test_mse=worse, wide_crossing_k=worse_k) | context | {"FAST": True})
    assert "the curves cross near k = 85" in capsys.readouterr().out
