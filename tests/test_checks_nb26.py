"""Notebook 26's exercise checks: a right answer passes, wrong ones get specific feedback (no training)."""

import numpy as np
import pytest
from scipy import stats

from utils import checks
from utils.checks import CheckFailed


def _fake_notebook():
    """Deterministic stand-ins for notebook 26's data, pools and train_classifier (no training)."""
    rng = np.random.default_rng(0)
    x_train01 = rng.uniform(0, 1, (200, 28, 28, 1)).astype("float32")
    y_train = np.repeat(np.arange(10), 20)
    pools = {(100, seed): (rng.uniform(0, 1, (80, 28, 28, 1)).astype("float32"), rng.integers(0, 10, 80))
             for seed in (0, 1, 2)}

    def model(images):  # "predicts" a class from the image's mean brightness
        classes = (images.mean(axis=(1, 2, 3)) * 1000).astype(int) % 10
        return np.eye(10)[classes]

    def train_classifier(x, y, seed, *, synth=None, fraction=0.0, shifts=False, return_model=False):
        accuracy = 0.80 + 0.01 * seed + 0.05 * shifts + (0.04 * len(synth[0]) / 80 * fraction if synth else 0.0)
        return (accuracy, model) if return_model else accuracy

    seeds = [0, 1, 2]
    accuracy = {100: {"real": [train_classifier(None, None, s) for s in seeds],
                      "shifts": [train_classifier(None, None, s, shifts=True) for s in seeds]}}
    return {"pools": pools, "draw_labelled": lambda n, seed: np.arange(n), "train_classifier": train_classifier,
            "logits_of": lambda m, images: m(images), "x_train01": x_train01, "y_train": y_train,
            "BUDGET_SMALL": 100, "SEED": 0, "SYNTH_FRACTION": 0.5, "accuracy": accuracy, "run_seeds": seeds}


def test_26_1_honest_filter(capsys):
    context = _fake_notebook()
    images, labels = context["pools"][(100, 0)]
    keep = context["logits_of"](context["train_classifier"](None, None, 0, return_model=True)[1],
                                images).argmax(axis=1) == labels
    share = float(keep.mean())
    accuracy = context["train_classifier"](None, None, 0, synth=(images[keep], labels[keep]), fraction=0.5)
    checks.check("26.1", {"kept_share": share, "filtered_accuracy": accuracy} | context)
    assert f"✓ Exercise 26.1: the real-only CNN kept {share:.1%} of the pool" in capsys.readouterr().out
    from utils import evaluation

    leaky = evaluation.label_accuracy(images, labels, "[0,1]")  # filtering with the course classifier
    if abs(leaky - share) > 0.002:
        with pytest.raises(CheckFailed, match="the COURSE classifier agrees with"):
            checks.check("26.1", {"kept_share": leaky, "filtered_accuracy": accuracy} | context)
    with pytest.raises(CheckFailed, match=f"agrees with the labels of {share:.3f} of the pool"):
        checks.check("26.1", {"kept_share": share / 2, "filtered_accuracy": accuracy} | context)
    whole_pool = context["train_classifier"](None, None, 0, synth=(images, labels), fraction=0.5)
    with pytest.raises(CheckFailed, match="pass the filtered pool as synth"):
        checks.check("26.1", {"kept_share": share, "filtered_accuracy": whole_pool} | context)
    with pytest.raises(CheckFailed, match="recomputes your answer from the notebook's pools"):
        checks.check("26.1", {"kept_share": share, "filtered_accuracy": accuracy})
    with pytest.raises(CheckFailed, match="every synthetic digit was kept"):
        checks.check("26.1", {"kept_share": 1.0, "filtered_accuracy": 0.8} | context)
    with pytest.raises(CheckFailed, match="nothing was kept"):
        checks.check("26.1", {"kept_share": 0.0, "filtered_accuracy": 0.8} | context)
    with pytest.raises(CheckFailed, match="not a count"):
        checks.check("26.1", {"kept_share": 3100, "filtered_accuracy": 0.8} | context)
    with pytest.raises(CheckFailed, match="filtered_accuracy 83 is above 1"):
        checks.check("26.1", {"kept_share": 0.6, "filtered_accuracy": 83} | context)


def _simulated(effects, sd, n, alternative="two-sided"):
    rng = np.random.default_rng(0)
    return np.array([np.mean(stats.ttest_1samp(rng.normal(e, sd, (20000, n)), 0.0, axis=1,
                                               alternative=alternative).pvalue < 0.05) for e in effects])


def test_26_2_power(capsys):
    effects = np.array([0.5, 1.0, 2.0, 4.0])
    right = {"effect_sizes": effects, "gain_sd": 1.0, "simulated_seeds": 3, "power": _simulated(effects, 1.0, 3)}
    checks.check("26.2", right)
    assert "✓ Exercise 26.2: gain 0.5 sd: power" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="ONE-sided"):
        checks.check("26.2", right | {"power": _simulated(effects, 1.0, 3, alternative="greater")})
    with pytest.raises(CheckFailed, match="not a\npercentage|not a percentage"):
        checks.check("26.2", right | {"power": 100 * right["power"]})
    with pytest.raises(CheckFailed, match="the exact value is"):
        checks.check("26.2", right | {"simulated_seeds": 5})
    with pytest.raises(CheckFailed, match="simulated_seeds should be"):
        checks.check("26.2", right | {"simulated_seeds": 1})


def test_26_3_shifts_and_gan(capsys):
    context = _fake_notebook()
    train, pools = context["train_classifier"], context["pools"]
    combined = np.array([train(None, None, s, synth=pools[(100, s)], fraction=0.5, shifts=True) for s in (0, 1, 2)])
    right = combined - np.array(context["accuracy"][100]["shifts"])
    checks.check("26.3", {"combined_gains": right} | context)
    assert "✓ Exercise 26.3: shifts + cGAN samples vs shifts alone: +2.0 points on average over 3 seeds" in \
        capsys.readouterr().out
    with pytest.raises(CheckFailed, match="gains over REAL-ONLY training"):
        checks.check("26.3", {"combined_gains": combined - np.array(context["accuracy"][100]["real"])} | context)
    with pytest.raises(CheckFailed, match="wrong sign"):
        checks.check("26.3", {"combined_gains": -right} | context)
    with pytest.raises(CheckFailed, match="over shifts alone"):
        checks.check("26.3", {"combined_gains": right + 0.01} | context)
    with pytest.raises(CheckFailed, match="recomputes your answer"):
        checks.check("26.3", {"combined_gains": right})
    with pytest.raises(CheckFailed, match="not a dict"):
        checks.check("26.3", {"combined_gains": {100: right}} | context)
    with pytest.raises(CheckFailed, match="not percentage points"):
        checks.check("26.3", {"combined_gains": 100 * right} | context)
    with pytest.raises(CheckFailed, match="zero for every seed"):
        checks.check("26.3", {"combined_gains": np.zeros(3)} | context)
    with pytest.raises(CheckFailed, match="one per seed"):
        checks.check("26.3", {"combined_gains": right[:1]} | context)


def test_conditional_gan_helper():
    """utils.conditional_gan, which notebook 26 uses: notebook 22's networks and settings, bad settings refused."""
    import keras

    import utils

    gan = utils.conditional_gan(seed=0)
    assert gan.discriminator.get_layer("class_embedding").input_dim == 10  # the projection discriminator
    assert gan.generator.count_params() == utils.dcgan_generator(100, 32, num_classes=10).count_params()
    assert not any(isinstance(layer, keras.layers.Dropout) for layer in gan.discriminator.layers)
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(utils.CONDITIONAL_GAN["learning_rate"])
    with pytest.raises(ValueError, match="unknown setting"):
        utils.conditional_gan(widht=16)
    with pytest.raises(ValueError, match="learning_rate"):
        utils.conditional_gan(learning_rate=5.0)
