"""Notebook 31's exercise checks: a right answer passes, wrong ones get specific feedback (small stand-in models)."""

import numpy as np
import pytest
from keras import layers, ops

import utils
from utils import checks
from utils.checks import CheckFailed

MODELS = ("VAE", "AAE", "DCGAN")
TABLE = {"VAE": {"FD": [60.0, 62.0, 58.0]}, "AAE": {"FD": [70.0, 64.0, 67.0]}, "DCGAN": {"FD": [40.0, 45.0, 41.0]}}
FLOOR = 1.2


def test_31_1_rank_models(capsys):
    context = {"table": TABLE, "floor": FLOOR, "MODELS": MODELS}
    ratio = {name: float(np.mean(TABLE[name]["FD"])) / FLOOR for name in MODELS}
    checks.check("31.1", {"fd_over_floor": ratio, "ranking": ["DCGAN", "VAE", "AAE"]} | context)
    assert "✓ Exercise 31.1: DCGAN has the lowest mean FD" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="the mean FD itself: divide it by floor"):
        checks.check("31.1", {"fd_over_floor": {n: float(np.mean(TABLE[n]["FD"])) for n in MODELS},
                              "ranking": ["DCGAN", "VAE", "AAE"]} | context)
    with pytest.raises(CheckFailed, match="uses the median FD"):
        checks.check("31.1", {"fd_over_floor": {n: float(np.median(TABLE[n]["FD"])) / FLOOR for n in MODELS},
                              "ranking": ["DCGAN", "VAE", "AAE"]} | context)
    with pytest.raises(CheckFailed, match="from the highest FD to the lowest"):
        checks.check("31.1", {"fd_over_floor": ratio, "ranking": ["AAE", "VAE", "DCGAN"]} | context)
    with pytest.raises(CheckFailed, match="sorted by mean FD"):
        checks.check("31.1", {"fd_over_floor": ratio, "ranking": ["VAE", "DCGAN", "AAE"]} | context)
    with pytest.raises(CheckFailed, match="one entry per name"):
        checks.check("31.1", {"fd_over_floor": {"VAE": 1.0}, "ranking": ["DCGAN", "VAE", "AAE"]} | context)
    with pytest.raises(CheckFailed, match="recomputes your answer from the notebook's table"):
        checks.check("31.1", {"fd_over_floor": ratio, "ranking": ["DCGAN", "VAE", "AAE"]})


LATENT = 4


@pytest.fixture(scope="module")
def context():
    import keras

    utils.set_seed(0)
    generator = keras.Sequential([keras.Input((LATENT,)), layers.Dense(784, activation="tanh"),
                                  layers.Reshape((28, 28, 1))])
    gan = utils.GAN(generator, utils.mlp_discriminator((8,)), LATENT)
    vae = utils.build_vae(2, conv=False, hidden=(8,))

    def decode(model, z):
        z = ops.convert_to_tensor(np.asarray(z, dtype="float32"))
        if isinstance(model, utils.VAE):
            return ops.convert_to_numpy(ops.sigmoid(model.decoder(z)))
        return ops.convert_to_numpy((model.generator(z) + 1.0) / 2.0)

    def prior_draw(name, n, seed):
        return np.random.default_rng(seed).standard_normal((n, 2 if name == "VAE" else LATENT))

    rng = np.random.default_rng(0)
    grey = rng.random((40, 28, 28, 1)).astype("float32")
    return {"runs": {("DCGAN", 0): {"model": gan}, ("VAE", 0): {"model": vae}}, "decode": decode,
            "prior_draw": prior_draw, "x_test_grey": grey, "x_test_binary": (grey > 0.5).astype("float32"),
            "x_train_grey": rng.random((200, 28, 28, 1)).astype("float32"), "INVERSION_IMAGES": 5, "SEED": 0,
            "LATENT_DIM": LATENT, "MODELS": ("VAE", "DCGAN"), "NEIGHBOUR_SAMPLES": 20}


def _invert(context, steps=100):
    """A right answer: Adam on z, the generator fixed."""
    import keras
    import tensorflow as tf

    g = context["runs"]["DCGAN", 0]["model"].generator
    targets = context["x_test_grey"][:5]
    z = keras.Variable(context["prior_draw"]("DCGAN", 5, 0).astype("float32"))
    optimizer = keras.optimizers.Adam(0.05)
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = ops.mean(ops.square((g(z) + 1.0) / 2.0 - targets))
        optimizer.apply_gradients([(tape.gradient(loss, z), z)])
    return ops.convert_to_numpy(z)


def test_31_2_invert_generator(context, capsys):
    z = _invert(context)
    decode, targets = context["decode"], context["x_test_grey"][:5]
    mse = float(np.mean((decode(context["runs"]["DCGAN", 0]["model"], z) - targets) ** 2))
    vae = context["runs"]["VAE", 0]["model"]
    vae_mse = float(np.mean((decode(vae, vae.encode(context["x_test_binary"][:5])[0]) - targets) ** 2))
    checks.check("31.2", {"inverted_z": z, "inversion_mse": mse, "vae_mse": vae_mse} | context)
    assert "✓ Exercise 31.2: inversion cut the DCGAN's error" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="report the MSE of the z you return"):
        checks.check("31.2", {"inverted_z": z, "inversion_mse": mse + 0.01, "vae_mse": vae_mse} | context)
    start = context["prior_draw"]("DCGAN", 5, 0)
    start_mse = float(np.mean((decode(context["runs"]["DCGAN", 0]["model"], start) - targets) ** 2))
    with pytest.raises(CheckFailed, match="no better than the starting draws"):
        checks.check("31.2", {"inverted_z": start, "inversion_mse": start_mse, "vae_mse": vae_mse} | context)
    with pytest.raises(CheckFailed, match="posterior means"):
        checks.check("31.2", {"inverted_z": z, "inversion_mse": mse, "vae_mse": vae_mse + 0.01} | context)
    with pytest.raises(CheckFailed, match=r"shape \(5, 3\); expected"):
        checks.check("31.2", {"inverted_z": z[:, :3], "inversion_mse": mse, "vae_mse": vae_mse} | context)


def test_31_3_copies(context, capsys):
    nn = utils.evaluation.nearest_neighbour_distances
    test = float(np.median(nn(context["x_test_grey"][:20], context["x_train_grey"])))
    ratio = {}
    for name in ("VAE", "DCGAN"):
        images = context["decode"](context["runs"][name, 0]["model"], context["prior_draw"](name, 20, 7000))
        ratio[name] = float(np.median(nn(images, context["x_train_grey"]))) / test
    checks.check("31.3", {"copy_ratio": ratio} | context)
    assert "✓ Exercise 31.3: every ratio matches" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match=r"copy_ratio\['VAE'\] is"):  # every model is recomputed, not only one
        checks.check("31.3", {"copy_ratio": ratio | {"VAE": ratio["VAE"] * 1.1}} | context)
    with pytest.raises(CheckFailed, match="divide it by the test"):
        checks.check("31.3", {"copy_ratio": ratio | {"DCGAN": ratio["DCGAN"] * test}} | context)
    with pytest.raises(CheckFailed, match=r"copy_ratio\['DCGAN'\] is"):
        checks.check("31.3", {"copy_ratio": ratio | {"DCGAN": ratio["DCGAN"] * 1.1}} | context)
    with pytest.raises(CheckFailed, match="same scale"):
        checks.check("31.3", {"copy_ratio": ratio | {"VAE": 50.0}} | context)
    with pytest.raises(CheckFailed, match="one entry per name"):
        checks.check("31.3", {"copy_ratio": {"DCGAN": 1.0}} | context)
