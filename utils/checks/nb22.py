"""Checks of notebook 22's exercises (the conditional GAN and its discriminators)."""

from __future__ import annotations

import numpy as np

from utils.checks import CheckFailed, exercise, expect_array, expect_between, expect_number

_NAMES = ("channels", "pooled", "projection")


@exercise("22.1")
def label_preference_check(label_preference, *, channel_run=None, pooled_run=None, discriminator=None,
                           x_test01=None, y_test=None):
    """Shares of test images for which each trained discriminator prefers the true label to a shifted one."""
    if not isinstance(label_preference, dict):
        raise CheckFailed(f"label_preference should be a dict mapping {', '.join(_NAMES)} to a share, got "
                          f"{type(label_preference).__name__}")
    missing = [name for name in _NAMES if name not in label_preference]
    if missing:
        raise CheckFailed(f"label_preference has no entry for {missing}: measure all three discriminators "
                          "(channel_run, pooled_run and the final projection model)")
    shares = {}
    for name in _NAMES:
        shares[name] = expect_between(f'label_preference["{name}"]', label_preference[name], 0.0, 1.0,
                                      hint="it is a share of images, between 0 and 1 (np.mean of a comparison)")
    context = {"channel_run": channel_run, "pooled_run": pooled_run, "discriminator": discriminator,
               "x_test01": x_test01, "y_test": y_test}
    absent = [name for name, value in context.items() if value is None]
    if absent:
        raise CheckFailed(f"this check recomputes the shares from the notebook's {', '.join(absent)}: run it in "
                          "notebook 22 after its sections have trained the three discriminators")
    models = {"channels": channel_run["gan"].discriminator, "pooled": pooled_run["gan"].discriminator,
              "projection": discriminator}
    images01, labels = np.asarray(x_test01[:1000], "float32"), np.asarray(y_test[:1000], "int32")
    for name, model in models.items():
        expected = _true_label_share(model, 2 * images01 - 1, labels)
        share = shares[name]
        if abs(share - expected) <= 0.01:
            continue
        if abs(share - (1 - expected)) <= 0.01:
            raise CheckFailed(f'label_preference["{name}"] is {share:.3f}, one minus the {expected:.3f} measured '
                              "here: compare D(x, true y) > D(x, (y + 1) % 10), not the reverse")
        if abs(share - _true_label_share(model, images01, labels)) <= 0.01:
            raise CheckFailed(f'label_preference["{name}"] is {share:.3f}, the share on images in [0, 1]; the '
                              f"discriminators were trained on [-1, 1] (2 * x - 1), where the share is {expected:.3f}")
        raise CheckFailed(f'label_preference["{name}"] is {share:.3f}; the {name} discriminator prefers the true '
                          f"label for {expected:.3f} of the first 1,000 test images (in [-1, 1], wrong label "
                          "(y + 1) % 10, inference mode): check the model, the images and the labels you used")
    return ", ".join(f"{name} prefers the true label for {share:.1%} of the images" for name, share in shares.items())


def _true_label_share(model, images, labels):
    """Share of images whose logit under the true label exceeds the logit under (label + 1) mod 10."""
    logit_true = np.asarray(model([images, labels], training=False)).reshape(-1)
    logit_shifted = np.asarray(model([images, (labels + 1) % 10], training=False)).reshape(-1)
    return float(np.mean(logit_true > logit_shifted))


@exercise("22.2")
def projection_gap(gap_by_model, gap_by_hand):
    """a(x, y) - a(x, y') from the model equals (v_y - v_y')^T phi(x) computed by hand."""
    model = expect_array("gap_by_model", gap_by_model).reshape(-1)
    hand = expect_array("gap_by_hand", gap_by_hand).reshape(-1)
    if len(model) != len(hand):
        raise CheckFailed(f"gap_by_model holds {len(model)} values and gap_by_hand {len(hand)}: compute both for the "
                          "same 1,000 test images, one value per image")
    if len(model) < 100:
        raise CheckFailed(f"only {len(model)} gaps: use the first 1,000 test images")
    scale = max(1.0, float(np.abs(model).max()))
    if float(np.abs(model).max()) < 1e-6:
        raise CheckFailed("gap_by_model is zero everywhere: the second call must use the shifted labels "
                          "(y + 1) % 10, not the true ones")
    error = float(np.abs(model - hand).max())
    if error <= 1e-3 * scale:
        return f"the model's logit gaps equal (v_y - v_y')^T phi(x) for {len(model)} images (largest difference " \
               f"{error:.1e})"
    if float(np.abs(model + hand).max()) <= 1e-3 * scale:
        raise CheckFailed("gap_by_hand has the opposite sign of gap_by_model: it is (v_y - v_y')^T phi(x), the "
                          "TRUE label's vector minus the shifted label's")
    offset = model - hand
    if float(np.std(offset)) <= 1e-3 * scale or float(np.abs(hand).max()) < 1e-6:
        raise CheckFailed("gap_by_hand misses the part that depends on the image: multiply phi(x) by the DIFFERENCE "
                          "of the two class vectors (psi and biases cancel, do not add them)")
    raise CheckFailed(f"gap_by_hand differs from gap_by_model by up to {error:.3g}: take phi(x) from the layer "
                      "'phi' (same images, the model in inference mode) and V from the layer 'embed'")


@exercise("22.3")
def embedding_generator_check(embedding_generator, embedding_gap, *, generator=None):
    """A generator with a label embedding that reproduces the one-hot generator exactly."""
    import keras

    if not isinstance(embedding_generator, keras.Model):
        raise CheckFailed(f"embedding_generator should be a keras.Model, got {type(embedding_generator).__name__}")
    embeddings = [layer for layer in embedding_generator.layers if isinstance(layer, keras.layers.Embedding)]
    if not embeddings:
        raise CheckFailed("embedding_generator has no Embedding layer: feed the label through "
                          "layers.Embedding(NUM_CLASSES, NUM_CLASSES) and concatenate its output to z")
    if len(embedding_generator.inputs) != 2:
        raise CheckFailed("embedding_generator should take two inputs, [z, label]")
    gap = expect_number("embedding_gap", embedding_gap)
    if gap < 0:
        raise CheckFailed(f"embedding_gap is {gap:.3g}: it is the largest ABSOLUTE pixel difference")
    if gap > 1e-4:
        raise CheckFailed(f"embedding_gap is {gap:.3g}; with the identity as embedding and the trained generator's "
                          "other weights, the two generators compute the same images (gap below 1e-4): check the "
                          "order of set_weights (the embedding's matrix first?) and that both run in inference mode")
    if generator is None:
        raise CheckFailed("this check compares embedding_generator with the notebook's trained `generator`: run it "
                          "in notebook 22 after section 2 has trained it")
    latent_dim = int(embedding_generator.inputs[0].shape[-1])
    z = np.random.default_rng(2022).standard_normal((100, latent_dim)).astype("float32")
    labels = np.arange(100, dtype="int32") % 10
    measured = float(np.max(np.abs(np.asarray(embedding_generator([z, labels], training=False))
                                   - np.asarray(generator([z, labels], training=False)))))
    if measured > 1e-4:
        raise CheckFailed(f"embedding_gap is {gap:.1e}, but on 100 other noise vectors embedding_generator and "
                          f"generator differ by up to {measured:.3g}: compute the gap with the trained generator "
                          "itself, after copying its weights into embedding_generator")
    return f"the embedding generator reproduces the one-hot generator (largest pixel difference {measured:.1e})"
