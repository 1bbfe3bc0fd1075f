"""Checks of notebook 24's exercises (GAN failure modes on the ring of Gaussians and on MNIST)."""

from __future__ import annotations

import numbers

import numpy as np

from utils.checks import CheckFailed, exercise, expect_array, expect_between, expect_callable, expect_number
from utils.ring import ring_centres

# The ring of notebook 24 (its default parameters): 8 modes of std 0.02 on a circle of radius 2.
RING_MODES, RING_RADIUS, RING_STD = 8, 2.0, 0.02
MODES = ring_centres(RING_MODES, RING_RADIUS)


def _reference_scores(x, n_sigma, min_hits):
    dist = np.linalg.norm(x[:, None, :] - MODES[None], axis=-1)
    hq = dist.min(axis=1) <= n_sigma * RING_STD
    counts = np.bincount(dist.argmin(axis=1)[hq], minlength=RING_MODES)
    return int(np.sum(counts >= min_hits)), 100.0 * float(hq.mean())


def _test_samples():
    """Samples with a known answer: 40 on mode 0 at 1 sigma, 30 on mode 1 at 2.5 sigma, 1 on mode 2 at 1 sigma,
    20 on mode 3 at 5 sigma (never high quality), 9 at the origin."""
    rng = np.random.default_rng(0)

    def ring(k, n, radius_in_sigma):
        angle = rng.uniform(0, 2 * np.pi, n)
        return MODES[k] + radius_in_sigma * RING_STD * np.stack([np.cos(angle), np.sin(angle)], axis=1)

    return np.concatenate([ring(0, 40, 1.0), ring(1, 30, 2.5), ring(2, 1, 1.0), ring(3, 20, 5.0),
                           np.zeros((9, 2))]).astype("float32")


@exercise("24.1")
def coverage_rules(rescore, lenient_modes):
    """`rescore(x, n_sigma, min_hits)` -> (modes, % high quality), and the lenient counts per method."""
    expect_callable("rescore", rescore, 3)
    x = _test_samples()
    for n_sigma, min_hits in ((3, 1), (2, 1), (3, 25), (6, 1)):
        got = rescore(x, n_sigma, min_hits)
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            raise CheckFailed(f"rescore should return a pair (modes covered, % high quality), got {got!r:.80}")
        modes, pct = got
        want_modes, want_pct = _reference_scores(x, n_sigma, min_hits)
        pct = expect_number("the % high quality returned by rescore", pct)
        if abs(pct - want_pct) > 1e-6:
            hint = (" (a fraction, not a percentage: multiply by 100)" if abs(100 * pct - want_pct) < 1e-4 else
                    "; high quality means distance to the NEAREST mode <= n_sigma * RING_STD")
            raise CheckFailed(f"rescore(x, n_sigma={n_sigma}, min_hits={min_hits}) gives {pct:.4g}% high quality on "
                              f"a test set of 100 points; expected {want_pct:.4g}%{hint}")
        if isinstance(modes, bool) or not isinstance(modes, numbers.Integral | np.integer) or modes != want_modes:
            raise CheckFailed(f"rescore(x, n_sigma={n_sigma}, min_hits={min_hits}) gives {modes!r} modes on a test "
                              f"set with {want_modes}; count a mode when at least min_hits HIGH-QUALITY samples "
                              "have it as their nearest mode (counts >= min_hits, not >)")
    if not isinstance(lenient_modes, dict) or not lenient_modes:
        raise CheckFailed(f"lenient_modes should be a dict from method to a mean mode count, got "
                          f"{type(lenient_modes).__name__}")
    for method, value in lenient_modes.items():
        expect_between(f"lenient_modes[{method!r}]", value, 0.0, float(RING_MODES),
                       hint=f"a mean over seeds of modes covered lies between 0 and {RING_MODES}")
    return ("rescore matches the reference on four rules; lenient mode counts: "
            + ", ".join(f"{m} {float(v):.2f}" for m, v in lenient_modes.items()))


@exercise("24.2")
def logit_gradients(logit_grads_sat, logit_grads_nonsat, d_values):
    """Per-sample gradients of both generator losses with respect to the logits: -D/m and -(1-D)/m."""
    d = expect_array("d_values", d_values, shape=(None,))
    if len(d) < 10:
        raise CheckFailed(f"d_values holds {len(d)} values; use the whole probe batch")
    if np.any(d <= 0) or np.any(d >= 1):
        raise CheckFailed("d_values should be probabilities D = sigmoid(logit) strictly between 0 and 1; did you "
                          "store the logits themselves?")
    m = len(d)
    sat = expect_array("logit_grads_sat", logit_grads_sat, shape=(m,))
    nonsat = expect_array("logit_grads_nonsat", logit_grads_nonsat, shape=(m,))
    scale = 1.0 / m
    for name, got, want, formula in (("logit_grads_sat", sat, -d * scale, "-D/m"),
                                     ("logit_grads_nonsat", nonsat, -(1 - d) * scale, "-(1-D)/m")):
        tol = 1e-4 * scale + 1e-6 * np.abs(want)
        if np.all(np.abs(got - want) <= tol + 1e-3 * np.abs(want)):
            continue
        if np.allclose(got, -want, rtol=1e-3, atol=1e-4 * scale):
            raise CheckFailed(f"{name} has the wrong sign: the gradient of the loss being MINIMISED is {formula}")
        if np.allclose(got, want * m, rtol=1e-3, atol=1e-4):
            raise CheckFailed(f"{name} is m times too large: take the gradient of the MEAN over the batch, "
                              f"not the sum (expected {formula})")
        worst = int(np.argmax(np.abs(got - want)))
        raise CheckFailed(f"{name}[{worst}] is {got[worst]:.4g}; with D = {d[worst]:.4g} and m = {m} it should be "
                          f"{formula} = {want[worst]:.4g}. Differentiate with respect to the logits (watch them), "
                          "and write log(1 - sigmoid(a)) as -softplus(a)")
    ratio = np.abs(sat) / np.abs(nonsat)
    return (f"gradients match -D/m and -(1-D)/m on {m} fakes; their ratio D/(1-D) has median {np.median(ratio):.3g} "
            f"and is smallest ({ratio.min():.2g}) for the fake with the smallest D ({d.min():.2g})")


@exercise("24.3")
def minibatch_std(MinibatchStd, mbstd_modes, mbstd_hq):
    """A layer appending the batch's mean standard deviation, and the scores of a GAN that uses it."""
    import keras

    if not (isinstance(MinibatchStd, type) and issubclass(MinibatchStd, keras.layers.Layer)):
        raise CheckFailed("MinibatchStd should be a class derived from keras.layers.Layer")
    x = np.array([[0.0, 1.0], [2.0, 1.0], [4.0, 4.0], [6.0, 2.0]], dtype="float32")
    try:
        out = np.asarray(keras.ops.convert_to_numpy(MinibatchStd()(x)))
    except Exception as err:
        raise CheckFailed(f"MinibatchStd()(x) failed on a batch of shape (4, 2): {type(err).__name__}: {err}") from None
    if out.shape != (4, 3):
        raise CheckFailed(f"MinibatchStd maps a batch of shape (4, 2) to {out.shape}; expected (4, 3): the inputs "
                          "followed by one extra feature")
    if not np.allclose(out[:, :2], x):
        raise CheckFailed("the first columns of MinibatchStd's output should be the inputs, unchanged")
    want = float(np.mean(np.std(x, axis=0)))
    extra = out[:, 2]
    if not np.allclose(extra, want, atol=1e-5):
        hints = {float(np.mean(np.std(x, axis=0, ddof=1))): "you used the sample std (ddof=1); use the population "
                 "std over the batch, ops.std", float(np.mean(np.std(x, axis=1))): "you took the std over the "
                 "coordinates of each sample (axis=1); take it over the batch (axis=0), then average"}
        hint = next((h for v, h in hints.items() if np.allclose(extra, v, atol=1e-5)),
                    "std over the batch (axis 0) for each coordinate, then the mean of those")
        raise CheckFailed(f"the extra feature is {np.round(extra, 4).tolist()}; expected {want:.4f} for every "
                          f"sample: {hint}")
    if isinstance(mbstd_modes, bool) or not isinstance(mbstd_modes, numbers.Integral | np.integer):
        raise CheckFailed(f"mbstd_modes should be a whole number of modes, got {type(mbstd_modes).__name__}")
    expect_between("mbstd_modes", mbstd_modes, 0, RING_MODES)
    hq = expect_between("mbstd_hq", mbstd_hq, 0.0, 100.0, hint="a percentage lies between 0 and 100")
    if 0 < hq <= 1 and mbstd_modes >= 2:
        raise CheckFailed(f"mbstd_hq is {hq:.3g}: is it a fraction? Report a percentage (ring_scores' hq_pct)")
    return f"MinibatchStd appends the batch's mean std ({want:.3f} on the test batch); {int(mbstd_modes)} modes, " \
        f"{hq:.1f}% high quality"
