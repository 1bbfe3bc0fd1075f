"""Notebook 22's exercise checks: a right answer passes, wrong ones get specific feedback (no training)."""

from types import SimpleNamespace

import keras
import numpy as np
import pytest

import utils
from utils import checks
from utils.checks import CheckFailed


def _label_discriminator(seed):
    """A small D(x, y) whose logit depends on the image and the label."""
    keras.utils.set_random_seed(seed)
    image = keras.Input((28, 28, 1))
    label = keras.Input((), dtype="int32")
    features = keras.layers.Dense(10)(keras.layers.Flatten()(image))
    chosen = keras.layers.Dot(axes=1)([features, keras.layers.Embedding(10, 10)(label)])
    return keras.Model([image, label], keras.layers.Add()([chosen, keras.layers.Dense(1)(features)]))


def _share(model, images, labels):
    true = np.asarray(model([images, labels], training=False))
    shifted = np.asarray(model([images, (labels + 1) % 10], training=False))
    return float(np.mean(true > shifted))


def test_22_1_label_preference(capsys):
    rng = np.random.default_rng(0)
    x_test01 = rng.uniform(0, 1, (1200, 28, 28, 1)).astype("float32")
    y_test = rng.integers(0, 10, 1200)
    models = {name: _label_discriminator(seed) for seed, name in enumerate(("channels", "pooled", "projection"))}
    context = {"channel_run": {"gan": SimpleNamespace(discriminator=models["channels"])},
               "pooled_run": {"gan": SimpleNamespace(discriminator=models["pooled"])},
               "discriminator": models["projection"], "x_test01": x_test01, "y_test": y_test}
    images, labels = 2 * x_test01[:1000] - 1, y_test[:1000].astype("int32")
    right = {name: _share(model, images, labels) for name, model in models.items()}
    checks.check("22.1", {"label_preference": right} | context)
    assert f"✓ Exercise 22.1: channels prefers the true label for {right['channels']:.1%}" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="no entry for \\['pooled'\\]"):
        checks.check("22.1", {"label_preference": {"channels": 0.7, "projection": 0.8}} | context)
    with pytest.raises(CheckFailed, match="not the reverse"):
        checks.check("22.1", {"label_preference": right | {"projection": 1 - right["projection"]}} | context)
    unscaled = _share(models["pooled"], x_test01[:1000], labels)
    if abs(unscaled - right["pooled"]) > 0.02:
        with pytest.raises(CheckFailed, match="the share on images in \\[0, 1\\]"):
            checks.check("22.1", {"label_preference": right | {"pooled": unscaled}} | context)
    ignored = {name: 0.5 for name in right}  # "D ignores the label": in range, but not what these models do
    with pytest.raises(CheckFailed, match="prefers the true label for 0\\.\\d+ of the first 1,000 test images"):
        checks.check("22.1", {"label_preference": ignored} | context)
    with pytest.raises(CheckFailed, match="recomputes the shares from the notebook's channel_run"):
        checks.check("22.1", {"label_preference": right})
    with pytest.raises(CheckFailed, match="above 1"):
        checks.check("22.1", {"label_preference": right | {"channels": 78.0}} | context)
    with pytest.raises(CheckFailed, match="should be a dict"):
        checks.check("22.1", {"label_preference": [0.7, 0.8, 0.9]} | context)


def test_22_2_projection_gap(capsys):
    rng = np.random.default_rng(0)
    gap = rng.normal(0, 3, 1000)
    checks.check("22.2", {"gap_by_model": gap[:, None], "gap_by_hand": gap + 1e-6})
    assert "✓ Exercise 22.2: the model's logit gaps equal" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="opposite sign"):
        checks.check("22.2", {"gap_by_model": gap, "gap_by_hand": -gap})
    with pytest.raises(CheckFailed, match="zero everywhere"):
        checks.check("22.2", {"gap_by_model": np.zeros(1000), "gap_by_hand": gap})
    with pytest.raises(CheckFailed, match="DIFFERENCE"):
        checks.check("22.2", {"gap_by_model": gap, "gap_by_hand": gap - 2.5})
    with pytest.raises(CheckFailed, match="differs from gap_by_model by up to"):
        checks.check("22.2", {"gap_by_model": gap, "gap_by_hand": gap * 1.5})
    with pytest.raises(CheckFailed, match="holds 1000 values and gap_by_hand 999"):
        checks.check("22.2", {"gap_by_model": gap, "gap_by_hand": gap[:-1]})


def _embedding_generator(embedding=None):
    keras.utils.set_random_seed(1)
    z = keras.Input((4,))
    label = keras.Input((), dtype="int32")
    h = keras.layers.Concatenate()([z, keras.layers.Embedding(10, 10, name="embed")(label)])
    model = keras.Model([z, label], keras.layers.Dense(3, name="out")(h))
    if embedding is not None:
        model.get_layer("embed").set_weights([embedding])
    return model


def _one_hot_generator(like):
    z = keras.Input((4,))
    label = keras.Input((), dtype="int32")
    h = keras.layers.Concatenate()([z, keras.ops.one_hot(label, 10)])
    model = keras.Model([z, label], keras.layers.Dense(3)(h))
    model.set_weights(like.get_layer("out").get_weights())
    return model


def test_22_3_embedding_generator(capsys):
    right = _embedding_generator(np.eye(10, dtype="float32"))
    generator = _one_hot_generator(right)
    context = {"generator": generator}
    checks.check("22.3", {"embedding_generator": right, "embedding_gap": 3e-7} | context)
    assert "✓ Exercise 22.3: the embedding generator reproduces" in capsys.readouterr().out
    one_hot = utils.dcgan_generator(8, 4, num_classes=10)
    with pytest.raises(CheckFailed, match="has no Embedding layer"):
        checks.check("22.3", {"embedding_generator": one_hot, "embedding_gap": 0.0} | context)
    with pytest.raises(CheckFailed, match="check the order of set_weights"):
        checks.check("22.3", {"embedding_generator": right, "embedding_gap": 0.8} | context)
    with pytest.raises(CheckFailed, match="ABSOLUTE"):
        checks.check("22.3", {"embedding_generator": right, "embedding_gap": -0.1} | context)
    untrained = _embedding_generator()  # a claimed gap of 0 for a generator that does not match
    with pytest.raises(CheckFailed, match="differ by up to"):
        checks.check("22.3", {"embedding_generator": untrained, "embedding_gap": 0.0} | context)
    with pytest.raises(CheckFailed, match="trained `generator`"):
        checks.check("22.3", {"embedding_generator": right, "embedding_gap": 0.0})
