"""Checks of notebook 22's exercises (the conditional GAN and its discriminators)."""

from __future__ import annotations

import numpy as np

from utils.checks import CheckFailed, exercise, expect_array, expect_between, expect_number

_NAMES = ("channels", "pooled", "projection")


@exercise("22.1")
def label_preference_check(label_preference):
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
    low = [name for name, share in shares.items() if share < 0.2]
    if low:
        raise CheckFailed(f"the {low[0]} discriminator prefers the SHIFTED label for {1 - shares[low[0]]:.0%} of the "
                          "images: check that you compare D(x, true y) > D(x, (y + 1) % 10), not the reverse, and "
                          "that the test images are rescaled to [-1, 1]")
    return ", ".join(f"{name} prefers the true label for {share:.1%} of the images" for name, share in shares.items())


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
def embedding_generator_check(embedding_generator, embedding_gap):
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
    return f"the embedding generator reproduces the one-hot generator (largest pixel difference {gap:.1e})"
