"""Notebook 22's exercise checks: a right answer passes, wrong ones get specific feedback (no training)."""

import keras
import numpy as np
import pytest

import utils
from utils import checks
from utils.checks import CheckFailed


def test_22_1_label_preference(capsys):
    right = {"channels": 0.78, "pooled": 0.81, "projection": 0.85}
    checks.check("22.1", {"label_preference": right})
    assert "✓ Exercise 22.1: channels prefers the true label for 78.0%" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="no entry for \\['pooled'\\]"):
        checks.check("22.1", {"label_preference": {"channels": 0.7, "projection": 0.8}})
    with pytest.raises(CheckFailed, match="prefers the SHIFTED label"):
        checks.check("22.1", {"label_preference": right | {"projection": 0.1}})
    with pytest.raises(CheckFailed, match="above 1"):
        checks.check("22.1", {"label_preference": right | {"channels": 78.0}})
    with pytest.raises(CheckFailed, match="should be a dict"):
        checks.check("22.1", {"label_preference": [0.7, 0.8, 0.9]})


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


def _embedding_generator():
    z = keras.Input((4,))
    label = keras.Input((), dtype="int32")
    h = keras.layers.Concatenate()([z, keras.layers.Embedding(10, 10)(label)])
    return keras.Model([z, label], keras.layers.Dense(3)(h))


def test_22_3_embedding_generator(capsys):
    checks.check("22.3", {"embedding_generator": _embedding_generator(), "embedding_gap": 3e-7})
    assert "✓ Exercise 22.3: the embedding generator reproduces" in capsys.readouterr().out
    one_hot = utils.dcgan_generator(8, 4, num_classes=10)
    with pytest.raises(CheckFailed, match="has no Embedding layer"):
        checks.check("22.3", {"embedding_generator": one_hot, "embedding_gap": 0.0})
    with pytest.raises(CheckFailed, match="check the order of set_weights"):
        checks.check("22.3", {"embedding_generator": _embedding_generator(), "embedding_gap": 0.8})
    with pytest.raises(CheckFailed, match="ABSOLUTE"):
        checks.check("22.3", {"embedding_generator": _embedding_generator(), "embedding_gap": -0.1})
