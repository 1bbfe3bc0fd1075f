"""Judging generated digits with the course's own MNIST classifier.

The classifier is a small CNN that ``tools/train_classifier.py`` trains with a fixed seed; its weights ship in
``data/classifier/`` with a JSON sidecar holding their sha256. Its penultimate layer (128 ReLU units) gives the
features, its softmax the class probabilities. On top of them:

- ``frechet_distance`` / ``classifier_fd``: the Fréchet distance between Gaussians fitted to two feature sets
  (Heusel et al., 2017). It depends strongly on the sample size, so it is always reported beside
  ``real_fd_floor(n)``: the same distance between two *real* sets of the same size n, the first one held out
  from the classifier's training (its validation split).
- ``inception_score``: exp(E_x KL(p(y|x) || p(y))) (Salimans et al., 2016): 1 for a collapsed generator,
  at most 10 for ten classes.
- ``label_accuracy``: how often the classifier agrees with the label a conditional model was asked for.
- ``precision_recall``: k-nearest-neighbour manifolds in feature space (Kynkäänniemi et al., 2019).
- ``evaluate_images``: all of the above in one call; the obvious way to judge a model.

Images are NumPy arrays of shape (n, 28, 28, 1) or (n, 784) whose scale ("[0,1]" or "[-1,1]") is stated by the
caller and checked against the values: nothing is guessed or clipped.
"""

from __future__ import annotations

import functools
import json
import os
import platform
import time
import warnings
from pathlib import Path

import numpy as np

from utils.data import SCALES, file_sha256, load_mnist
from utils.paths import DATA_DIR
from utils.validation import check_array, check_param

CLASSIFIER_DIR = DATA_DIR / "classifier"
WEIGHTS_PATH = CLASSIFIER_DIR / "mnist_classifier.weights.h5"
SIDECAR_PATH = CLASSIFIER_DIR / "mnist_classifier.json"
REGENERATE_HINT = ("Regenerate it with `python tools/train_classifier.py` "
                   "(or restore the shipped files with `git checkout -- data/classifier`).")
FEATURE_LAYER = "features"
FEATURE_DIM = 128
N_CLASSES = 10
N_TEST = 10_000
BATCH_SIZE = 1000
# An imaginary part of Tr((S1 S2)^1/2) larger than this (relative to its real part) is not a round-off
# artefact: the covariances are not positive semi-definite, and the FD would be meaningless.
IMAG_TOLERANCE = 1e-3
SINGULAR_EPS = 1e-6


# ---------------------------------------------------------------- the classifier


def build_classifier(*, feature_dim=FEATURE_DIM, dropout=0.25):
    """The evaluation classifier, untrained: images (28, 28, 1) in [0, 1] -> ten class probabilities.

    conv 3x3 (32) -> max-pool -> conv 3x3 (64) -> max-pool -> flatten -> dropout -> dense ``feature_dim``
    (ReLU, the layer named "features") -> dropout -> dense 10 (softmax). Two poolings keep the dense layer, and so
    the weights file, small (about 225,000 parameters, under 1 MB in float32).
    """
    import keras
    from keras import layers

    check_param("feature_dim", feature_dim, kind=int, low=2)
    check_param("dropout", dropout, kind=float, low=0.0, high=0.9)
    inputs = keras.Input((28, 28, 1), name="image")
    h = layers.Conv2D(32, 3, activation="relu", name="conv_0")(inputs)
    h = layers.MaxPooling2D(2, name="pool_0")(h)
    h = layers.Conv2D(64, 3, activation="relu", name="conv_1")(h)
    h = layers.MaxPooling2D(2, name="pool_1")(h)
    h = layers.Flatten(name="flatten")(h)
    h = layers.Dropout(dropout, name="dropout_0")(h)
    features = layers.Dense(feature_dim, activation="relu", name=FEATURE_LAYER)(h)
    h = layers.Dropout(dropout, name="dropout_1")(features)
    probs = layers.Dense(N_CLASSES, activation="softmax", name="probs")(h)
    return keras.Model(inputs, probs, name="mnist_classifier")


def train_classifier(seed=0, epochs=10, *, batch_size=128, learning_rate=1e-3, validation_size=5000, verbose=2):
    """Train ``build_classifier()`` on MNIST's training split with a fixed seed; return ``(model, info)``.

    ``validation_size`` training images (drawn with the seed) are held out to watch for over-fitting; the rest
    train the model with Adam on the sparse categorical cross-entropy, its learning rate decaying from
    ``learning_rate`` to 0 along a cosine over all the steps. The test split is touched once, at the
    end, to measure the accuracy reported in ``info`` (with the validation accuracy, parameter count,
    training wall and CPU time in seconds, and the settings). ``tools/train_classifier.py`` calls this and
    saves the weights.
    """
    import keras

    from utils.runtime import set_seed

    check_param("seed", seed, kind=int, low=0)
    check_param("epochs", epochs, kind=int, low=1)
    check_param("batch_size", batch_size, kind=int, low=1)
    check_param("learning_rate", learning_rate, kind=float, low=1e-6, high=1.0)
    check_param("validation_size", validation_size, kind=int, low=1, high=30000)
    check_param("verbose", verbose, kind=int, choices=(0, 1, 2))
    set_seed(seed)
    x, y = load_mnist("train", scale="[0,1]")
    order = np.random.default_rng(seed).permutation(len(x))
    val, train = order[:validation_size], order[validation_size:]
    model = build_classifier()
    steps = epochs * -(-len(train) // batch_size)
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    start, cpu_start = time.perf_counter(), time.process_time()
    history = model.fit(x[train], y[train], batch_size=batch_size, epochs=epochs, shuffle=True,
                        validation_data=(x[val], y[val]), verbose=verbose)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    x_test, y_test = load_mnist("test", scale="[0,1]")
    test_accuracy = float(np.mean(_predict(model, x_test).argmax(axis=1) == y_test))
    info = {
        "seed": seed, "epochs": epochs, "batch_size": batch_size, "learning_rate": learning_rate,
        "train_size": int(len(train)), "validation_size": validation_size,
        "validation_accuracy": float(history.history["val_accuracy"][-1]),
        "test_accuracy": test_accuracy, "parameters": int(model.count_params()),
        "training_seconds": round(seconds, 1), "training_cpu_seconds": round(cpu_seconds, 1),
    }
    return model, info


def save_classifier(model, info, *, weights_path=WEIGHTS_PATH, sidecar_path=SIDECAR_PATH):
    """Write the weights and a JSON sidecar (their sha256, ``info``, the versions); return the sidecar dict."""
    import keras
    import tensorflow as tf

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    if not isinstance(info, dict):
        raise TypeError(f"info must be a dict, got {type(info).__name__}")
    weights_path, sidecar_path = _check_path("weights_path", weights_path), _check_path("sidecar_path", sidecar_path)
    weights_path.parent.mkdir(parents=True, exist_ok=True)
    # A compiled model's save_weights also writes the optimizer's state (Adam's two moments: three times the
    # size). A fresh, uncompiled copy holds only what evaluation needs.
    bare = build_classifier()
    bare.set_weights(model.get_weights())
    bare.save_weights(weights_path)
    sidecar = {
        "weights_file": weights_path.name,
        "sha256": file_sha256(weights_path),
        "bytes": weights_path.stat().st_size,
        **info,
        "architecture": "conv3x3(32)-maxpool-conv3x3(64)-maxpool-flatten-dropout-dense(128, features)-dropout-"
                        "dense(10, softmax); input (28, 28, 1) in [0, 1]",
        "cpu_cores": os.cpu_count(),
        "versions": {"python": platform.python_version(), "tensorflow": tf.__version__,
                     "keras": keras.__version__, "numpy": np.__version__},
        "created_by": "python tools/train_classifier.py",
    }
    with open(sidecar_path, "w", encoding="utf-8") as f:
        json.dump(sidecar, f, indent=1)
        f.write("\n")
    return sidecar


def _check_path(name, path):
    if not isinstance(path, (str, Path)):
        raise TypeError(f"{name} must be a str or pathlib.Path, got {type(path).__name__}")
    return Path(path)


_classifiers: dict[tuple[str, str], object] = {}


def load_classifier(*, weights_path=WEIGHTS_PATH, sidecar_path=SIDECAR_PATH):
    """The shipped classifier, built and loaded once per process, after checking the weights' sha256.

    A missing or altered weights file (or sidecar) raises an error that says how to regenerate it.
    """
    weights_path, sidecar_path = _check_path("weights_path", weights_path), _check_path("sidecar_path", sidecar_path)
    key = (str(weights_path.resolve()), str(sidecar_path.resolve()))
    if key in _classifiers:
        return _classifiers[key]
    for path, what in ((weights_path, "classifier weights"), (sidecar_path, "classifier sidecar (JSON)")):
        if not path.is_file():
            raise FileNotFoundError(f"The evaluation {what} file is missing: {path}. {REGENERATE_HINT}")
    try:
        with open(sidecar_path, encoding="utf-8") as f:
            expected = json.load(f)["sha256"]
    except (json.JSONDecodeError, KeyError, TypeError) as err:
        raise ValueError(f"{sidecar_path} is not a valid classifier sidecar ({err!r}). {REGENERATE_HINT}") from err
    actual = file_sha256(weights_path)
    if actual != expected:
        raise ValueError(f"{weights_path} is corrupted or does not belong to {sidecar_path.name}: sha256 {actual}, "
                         f"expected {expected}. {REGENERATE_HINT}")
    model = build_classifier()
    model.load_weights(weights_path)
    _classifiers[key] = model
    return model


@functools.lru_cache(maxsize=1)
def _two_headed():
    """The shipped classifier with two outputs, (features, probabilities), so one pass gives both."""
    import keras

    model = load_classifier()
    return keras.Model(model.inputs, [model.get_layer(FEATURE_LAYER).output, model.output], name="features_probs")


_predictors: dict[int, tuple] = {}


def _predictor(model):
    """The model's inference pass as a tf.function of one fixed input shape (BATCH_SIZE images): traced once per
    model, whatever the number of images, so TensorFlow never warns about retracing."""
    import tensorflow as tf

    if id(model) not in _predictors:
        spec = tf.TensorSpec((BATCH_SIZE, *model.inputs[0].shape[1:]), tf.float32)
        _predictors[id(model)] = (model, tf.function(lambda x: model(x, training=False), input_signature=[spec]))
    return _predictors[id(model)][1]


def _predict(model, x):
    """Outputs of ``model`` for ``x`` in batches of BATCH_SIZE, the last one padded with zeros (then cut off)."""
    predict = _predictor(model)
    parts = []
    for start in range(0, len(x), BATCH_SIZE):
        batch = np.asarray(x[start:start + BATCH_SIZE], np.float32)
        n = len(batch)
        if n < BATCH_SIZE:
            batch = np.concatenate([batch, np.zeros((BATCH_SIZE - n, *batch.shape[1:]), np.float32)])
        out = predict(batch)
        parts.append([o.numpy()[:n] for o in out] if isinstance(out, (list, tuple)) else out.numpy()[:n])
    if isinstance(parts[0], list):
        return [np.concatenate(column) for column in zip(*parts, strict=True)]
    return np.concatenate(parts)


# ---------------------------------------------------------------- images in, features and probabilities out


def check_images(images, scale, *, name="images"):
    """Validate images and return them as float32 (n, 28, 28, 1) in [0, 1], the classifier's input.

    ``images``: (n, 28, 28, 1) or (n, 784) float array; ``scale``: "[0,1]" or "[-1,1]", the range the caller says
    the pixels are in. Values outside it raise. Because [0, 1] lies inside [-1, 1], images announced as "[-1,1]"
    must also contain at least one negative value (an MNIST-like image in [-1, 1] has a background near -1):
    otherwise they are almost surely [0, 1] images with the wrong scale, and the error says so.
    """
    check_param("scale", scale, kind=str, choices=SCALES)
    x = check_array(name, images, ndim=(2, 4), dtype_kind="f", min_len=1)
    if x.shape[1:] not in ((28, 28, 1), (784,)):
        raise ValueError(f"{name} must have shape (n, 28, 28, 1) or (n, 784), got {x.shape}")
    low = 0.0 if scale == "[0,1]" else -1.0
    check_array(name, x, value_range=(low, 1.0))
    if scale == "[-1,1]":
        if x.min() >= 0.0:
            raise ValueError(f"{name} were announced as scale='[-1,1]' but no value is negative (they lie in "
                             f"[{x.min():.4g}, {x.max():.4g}]): these look like [0,1] images; pass scale='[0,1]'")
        x = (x + 1.0) / 2.0
    return x.reshape(len(x), 28, 28, 1).astype(np.float32, copy=False)


def features_and_probs(images, scale):
    """Penultimate-layer features (n, 128) and class probabilities (n, 10) of images, in one batched pass."""
    x = check_images(images, scale)
    features, probs = _predict(_two_headed(), x)
    return features.astype(np.float64), probs.astype(np.float64)


def classifier_features(images, scale):
    """Penultimate-layer activations (n, 128) of the shipped classifier: the feature space of FD and P/R."""
    return features_and_probs(images, scale)[0]


def classifier_probs(images, scale):
    """Class probabilities (n, 10) of the shipped classifier."""
    return features_and_probs(images, scale)[1]


@functools.lru_cache(maxsize=1)
def _test_set_outputs():
    """Features, probabilities and labels of all 10,000 test images, computed once per process."""
    x, y = load_mnist("test", scale="[0,1]")
    features, probs = features_and_probs(x, "[0,1]")
    return features, probs, y


def classifier_test_accuracy():
    """Accuracy of the shipped classifier on the 10,000 MNIST test images."""
    _, probs, labels = _test_set_outputs()
    return float(np.mean(probs.argmax(axis=1) == labels))


def _test_reference(n, seed):
    """Indices of the n test images a sample of size n is compared with: all 10,000 if n = 10,000, else a
    random subset drawn with ``seed`` (sorted)."""
    if n == N_TEST:
        return np.arange(N_TEST)
    return np.sort(np.random.default_rng(seed).choice(N_TEST, size=n, replace=False))


def validation_indices(*, sidecar_path=SIDECAR_PATH):
    """Indices (into MNIST's 60,000 training images) of the shipped classifier's validation split: the images
    ``train_classifier`` held out, so the classifier never fitted them. They are the first ``validation_size``
    entries of the permutation drawn with the training seed (both read from the sidecar), in that random order."""
    sidecar_path = _check_path("sidecar_path", sidecar_path)
    try:
        with open(sidecar_path, encoding="utf-8") as f:
            sidecar = json.load(f)
        seed, size = int(sidecar["seed"]), int(sidecar["validation_size"])
    except (OSError, json.JSONDecodeError, KeyError, TypeError, ValueError) as err:
        raise ValueError(f"cannot read the classifier's seed and validation_size from {sidecar_path} ({err!r}). "
                         f"{REGENERATE_HINT}") from err
    return np.random.default_rng(seed).permutation(60000)[:size]


@functools.lru_cache(maxsize=1)
def _held_out_features():
    """Features of the classifier's validation images (in ``validation_indices()`` order), computed once."""
    x, _ = load_mnist("train", scale="[0,1]")
    return features_and_probs(x[validation_indices()], "[0,1]")[0]


# ---------------------------------------------------------------- Fréchet distance


def _check_features(name, features):
    x = check_array(name, features, ndim=2, dtype_kind="fiu", min_len=2)
    if x.shape[1] < 1:
        raise ValueError(f"{name} must have at least one feature column, got shape {x.shape}")
    return x.astype(np.float64)


def feature_stats(features, *, name="features"):
    """Mean (d,) and covariance (d, d) of a feature set (n, d), with the unbiased 1/(n-1) normalisation.

    n must be at least 2. With n <= d the covariance is singular (rank at most n - 1): a UserWarning says so,
    because the FD of such small samples is dominated by estimation error; the FD is still computed.
    """
    x = _check_features(name, features)
    n, d = x.shape
    if n <= d:
        warnings.warn(f"{name}: {n} samples of dimension {d} give a singular covariance; the Fréchet distance "
                      "will be strongly biased (use more samples, and compare with real_fd_floor at the same n)",
                      UserWarning, stacklevel=3)
    return x.mean(axis=0), np.cov(x, rowvar=False).reshape(d, d)


def frechet_distance_from_stats(mu1, sigma1, mu2, sigma2):
    """Fréchet distance between N(mu1, sigma1) and N(mu2, sigma2) (Heusel et al., 2017):

        ||mu1 - mu2||^2 + Tr(sigma1 + sigma2 - 2 (sigma1 sigma2)^{1/2}).

    The square root is ``scipy.linalg.sqrtm`` in float64. When the product is singular and the root comes out
    non-finite, ``1e-6`` is added to both diagonals and the root taken again. Only the trace of the root enters
    the distance. With singular covariances (dead features, or fewer samples than dimensions) round-off makes
    near-zero eigenvalues of the product slightly negative, so the root's entries get imaginary parts, sometimes
    large; its trace stays accurate (checked against the symmetric formula sum sqrt(eig(S1^1/2 S2 S1^1/2))).
    So the imaginary part of the trace is dropped if it is at most 1e-3 of the real part, and raises otherwise
    (the matrices are then not valid covariances). The result is clamped at 0 only against round-off (a
    negative value beyond it raises too).
    """
    from scipy import linalg

    mu1 = check_array("mu1", mu1, ndim=1, dtype_kind="fiu").astype(np.float64)
    mu2 = check_array("mu2", mu2, shape=mu1.shape, dtype_kind="fiu").astype(np.float64)
    d = len(mu1)
    sigma1 = check_array("sigma1", sigma1, shape=(d, d), dtype_kind="fiu").astype(np.float64)
    sigma2 = check_array("sigma2", sigma2, shape=(d, d), dtype_kind="fiu").astype(np.float64)
    for name, s in (("sigma1", sigma1), ("sigma2", sigma2)):
        if not np.allclose(s, s.T, rtol=1e-6, atol=1e-9 * max(1.0, np.abs(s).max())):
            raise ValueError(f"{name} must be a symmetric covariance matrix")

    def root(a, b):
        with warnings.catch_warnings():  # sqrtm warns about singular matrices; we check the result ourselves
            warnings.simplefilter("ignore", RuntimeWarning)
            warnings.simplefilter("ignore", linalg.LinAlgWarning)
            return linalg.sqrtm(a @ b)

    covmean = root(sigma1, sigma2)
    if not np.all(np.isfinite(covmean)):
        offset = SINGULAR_EPS * np.eye(d)
        covmean = root(sigma1 + offset, sigma2 + offset)
        if not np.all(np.isfinite(covmean)):
            raise ValueError("the matrix square root of sigma1 @ sigma2 is not finite even after regularisation")
    trace = complex(np.trace(covmean))
    if abs(trace.imag) > IMAG_TOLERANCE * max(1.0, abs(trace.real)):
        raise ValueError(f"the trace of the square root of sigma1 @ sigma2 has an imaginary part of {trace.imag:.3g} "
                         f"(real part {trace.real:.3g}): are both matrices positive semi-definite?")
    diff = mu1 - mu2
    fd = float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * trace.real)
    tolerance = 1e-6 * max(1.0, float(np.trace(sigma1) + np.trace(sigma2)))
    if fd < -tolerance:
        raise ValueError(f"the Fréchet distance came out negative ({fd:.3g}): the covariances are not valid")
    return max(fd, 0.0)


def frechet_distance(features_a, features_b):
    """Fréchet distance between Gaussians fitted to two feature sets (n_a, d) and (n_b, d); see
    ``frechet_distance_from_stats``. It is biased upwards at small n: compare with ``real_fd_floor``."""
    a = _check_features("features_a", features_a)
    b = _check_features("features_b", features_b)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"features_a and features_b must have the same dimension, got {a.shape} and {b.shape}")
    return frechet_distance_from_stats(*feature_stats(a, name="features_a"), *feature_stats(b, name="features_b"))


def classifier_fd(images, reference, scale, *, reference_scale=None):
    """Fréchet distance between the classifier features of two image sets (``reference_scale`` defaults to
    ``scale``). Print it beside ``real_fd_floor`` at the same sample size."""
    reference_scale = scale if reference_scale is None else reference_scale
    return frechet_distance(classifier_features(images, scale), classifier_features(reference, reference_scale))


FLOOR_SOURCES = ("held_out", "train")


def held_out_fd_curve(reference_features, parts=(1, 2, 4)):
    """FDs of the held-out (validation) features, cut into 1, 2 and 4 disjoint equal parts, to a reference
    feature set; returns (sizes, FDs), one entry per part. With a fixed reference, the FD's estimation bias
    from the held-out side falls like 1/size, which is what ``real_fd_floor`` extrapolates along for n larger
    than the validation split."""
    reference = _check_features("reference_features", reference_features)
    if reference.shape[1] != FEATURE_DIM:
        raise ValueError(f"reference_features must be classifier features of dimension {FEATURE_DIM}, got shape "
                         f"{reference.shape}")
    if not isinstance(parts, (tuple, list)) or not parts:
        raise TypeError(f"parts must be a non-empty tuple of part counts, got {parts!r}")
    held = _held_out_features()
    for count in parts:
        check_param("parts entry", count, kind=int, low=1, high=len(held) // 2)
    sizes, fds = [], []
    for count in parts:
        for part in np.array_split(np.arange(len(held)), count):
            sizes.append(len(part))
            fds.append(frechet_distance(held[part], reference))
    return np.array(sizes), np.array(fds)


@functools.lru_cache(maxsize=64)
def _real_fd_floor(n, seed, source):
    reference = _test_set_outputs()[0][_test_reference(n, seed)]
    if source == "train":
        train, _ = load_mnist("train", scale="[0,1]", subset=n, seed=seed)
        return frechet_distance(classifier_features(train, "[0,1]"), reference)
    held = _held_out_features()
    if n <= len(held):
        pick = np.arange(n) if n == len(held) else np.random.default_rng(seed).choice(len(held), n, replace=False)
        return frechet_distance(held[np.sort(pick)], reference)
    sizes, fds = held_out_fd_curve(reference)
    (intercept, slope), *_ = np.linalg.lstsq(np.stack([np.ones(len(sizes)), 1.0 / sizes], axis=1), fds, rcond=None)
    return float(intercept + slope / n)


def real_fd_floor(n, seed=0, *, source="held_out"):
    """The FD two real samples of size n give: the floor a model's FD at the same n should be read against.

    The second sample is always the n test images that ``evaluate_images`` compares a sample of size n with
    (drawn with ``seed``; all 10,000 test images when n = 10,000). The first is, with ``source="held_out"``
    (default), n images of the classifier's validation split (``validation_indices()``): training-set digits
    that the classifier never fitted, like the fresh samples of a perfect generator of the training set. The
    split holds 5,000 images; for a larger n the floor is extrapolated: the FDs of the whole split and of its
    disjoint halves and quarters to the same n test images are fitted with a + c/size, and the fit is read at
    size n (notebook 25 checks this against the measured 1/n law). ``source="train"`` uses n training images
    that the classifier *was* fitted on instead (the course's floor before session 17, kept for comparison).

    Two real samples never reach FD 0. Cached per (n, seed, source).
    """
    check_param("n", n, kind=int, low=2, high=N_TEST)
    check_param("seed", seed, kind=int, low=0)
    check_param("source", source, kind=str, choices=FLOOR_SOURCES)
    return _real_fd_floor(n, seed, source)


# ---------------------------------------------------------------- Inception-style score and label accuracy


def _check_probs(probs):
    p = check_array("probs", probs, ndim=2, dtype_kind="f", min_len=1).astype(np.float64)
    if p.shape[1] < 2:
        raise ValueError(f"probs must have one column per class (at least 2), got shape {p.shape}")
    if p.min() < 0 or not np.allclose(p.sum(axis=1), 1.0, atol=1e-3):
        raise ValueError("probs must be probabilities: non-negative rows that sum to 1 (pass softmax outputs)")
    return p


def inception_score(probs, splits=None, seed=0, *, split_size=None):
    """Inception-style score exp(E_x KL(p(y|x) || p(y))) (Salimans et al., 2016), as (mean, std) over ``splits``
    equal parts of the samples (default 10); p(y) is the mean of p(y|x) within each part.

    The score depends on the size of the parts: p(y) estimated from fewer samples has a lower entropy, so
    smaller parts score lower (notebook 25 measures it). ``split_size=s`` (instead of ``splits``) cuts the
    samples into len(probs) // s parts of about s each, so scores of sets of different sizes stay comparable.

    It is 1 when every sample gets the same distribution (a collapsed generator) and at most the number of
    classes, reached by confident predictions spread evenly over all classes. Here the classifier is the
    course's MNIST CNN, not Inception, so the numbers compare only with each other: see ``evaluate_images``'s
    ``inception_score_real`` for the real test images' value at the same size.

    The parts are a seeded random partition, not consecutive rows: samples stored in label order (as conditional
    samples often are) would otherwise give single-class parts, each scoring about 1.
    """
    p = _check_probs(probs)
    splits = _resolve_splits(len(p), splits, split_size)
    check_param("seed", seed, kind=int, low=0)
    p = p[np.random.default_rng(seed).permutation(len(p))]
    scores = []
    for part in np.array_split(p, splits):
        marginal = part.mean(axis=0, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(part > 0, part * (np.log(part) - np.log(marginal)), 0.0)  # 0 log 0 = 0
        scores.append(np.exp(terms.sum(axis=1).mean()))
    return float(np.mean(scores)), float(np.std(scores))


def _resolve_splits(n, splits, split_size):
    """The number of parts from ``splits`` or ``split_size`` (at most one of them given; neither: 10)."""
    if splits is not None and split_size is not None:
        raise ValueError(f"give splits or split_size, not both (got splits={splits!r}, split_size={split_size!r})")
    if split_size is not None:
        check_param("split_size", split_size, kind=int, low=1, high=n)
        return n // split_size
    splits = 10 if splits is None else splits
    check_param("splits", splits, kind=int, low=1, high=n)
    return splits


def label_accuracy(images, labels, scale):
    """Fraction of images whose classifier prediction (argmax) is the label they were generated for."""
    probs = classifier_probs(images, scale)
    return _label_accuracy(probs, labels)


def _label_accuracy(probs, labels):
    y = check_array("labels", labels, ndim=1, dtype_kind="iu", value_range=(0, N_CLASSES - 1))
    if len(y) != len(probs):
        raise ValueError(f"labels must hold one label per image, got {len(y)} labels for {len(probs)} images")
    return float(np.mean(probs.argmax(axis=1) == y))


# ---------------------------------------------------------------- precision and recall


def _squared_distances(a, b):
    d2 = (a * a).sum(axis=1)[:, None] + (b * b).sum(axis=1)[None, :] - 2.0 * (a @ b.T)
    return np.maximum(d2, 0.0)


def _kth_neighbour_radii(x, k, chunk):
    """Squared distance from each point of x to its k-th nearest neighbour in x, itself excluded."""
    radii = np.empty(len(x))
    for start in range(0, len(x), chunk):
        d2 = _squared_distances(x[start:start + chunk], x)
        # Column k of the sorted row: column 0 is the point itself (distance 0), so this is the k-th other point.
        radii[start:start + chunk] = np.partition(d2, k, axis=1)[:, k]
    return radii


def _inside_manifold(points, support, radii, chunk):
    """For each point: is it within radius of at least one support point (inside the union of their balls)?"""
    inside = np.empty(len(points), dtype=bool)
    for start in range(0, len(points), chunk):
        d2 = _squared_distances(points[start:start + chunk], support)
        inside[start:start + chunk] = (d2 <= radii[None, :]).any(axis=1)
    return inside


def precision_recall(real_features, fake_features, k=3, *, chunk=1000):
    """Improved precision and recall (Kynkäänniemi et al., 2019) in feature space; returns (precision, recall).

    Each set's manifold is the union of balls centred on its points, each ball reaching the point's k-th
    nearest neighbour within the same set (the point itself not counted). Precision is the fraction of fake
    points inside the real manifold (are samples realistic?); recall the fraction of real points inside the
    fake manifold (is the data's variety covered?). Distances are Euclidean, computed in float64 in chunks of
    ``chunk`` rows, so n = 10,000 needs about 80 MB at a time. Use sets of equal size, as the paper does.

    Precision alone can be fooled by a few real outliers whose k-th neighbour is far away, so that their balls
    are large: in this classifier's feature space, uniform noise images map close to the origin, inside the
    balls of a few faint real digits, and get precision 1.0 at n = 1,000 (with recall 0 and a huge FD). For the
    same reason noisy or blurred real images score a higher precision than clean ones (notebook 25). Read
    precision together with recall and the FD.
    """
    real = _check_features("real_features", real_features)
    fake = _check_features("fake_features", fake_features)
    if real.shape[1] != fake.shape[1]:
        raise ValueError(f"real and fake features must have the same dimension, got {real.shape} and {fake.shape}")
    check_param("k", k, kind=int, low=1, high=min(len(real), len(fake)) - 1)
    check_param("chunk", chunk, kind=int, low=1)
    real_radii = _kth_neighbour_radii(real, k, chunk)
    fake_radii = _kth_neighbour_radii(fake, k, chunk)
    precision = float(_inside_manifold(fake, real, real_radii, chunk).mean())
    recall = float(_inside_manifold(real, fake, fake_radii, chunk).mean())
    return precision, recall


# ---------------------------------------------------------------- everything at once


def evaluate_images(images, scale, *, n=None, labels=None, seed=0, k=3, splits=None, split_size=None):
    """Judge generated images with every metric of the course; return a dict of floats.

    The first ``n`` images (default: all, at most 10,000) are compared with n test images: all 10,000 when
    n = 10,000, otherwise n drawn at random with ``seed``. Keys:

    - ``n``; ``fd``: classifier FD to those test images; ``fd_floor``: the FD of n real *held-out* images (the
      classifier's validation split) to the same test images (``real_fd_floor(n, seed)``), the best an FD at
      this n can be expected to get;
    - ``inception_score``, ``inception_score_std`` over ``splits`` parts (default 10) or parts of ``split_size``
      images, and ``inception_score_real``, the same score of the n test images;
    - ``precision``, ``recall`` (k-NN manifolds with ``k``) against the n test images' features;
    - ``label_accuracy`` if ``labels`` (the classes the images were generated for) are given.

    The test set's features are computed once per process and the floor is cached per (n, seed), so repeated
    calls cost one classifier pass over the images plus the precision/recall distances.
    """
    x = check_images(images, scale)
    check_param("k", k, kind=int, low=1)
    if splits is not None:
        check_param("splits", splits, kind=int, low=1)
    if split_size is not None:
        check_param("split_size", split_size, kind=int, low=1)
    n = min(len(x), N_TEST) if n is None else n
    check_param("n", n, kind=int, low=max(2, k + 1, splits or 1, split_size or 1), high=min(len(x), N_TEST))
    splits = _resolve_splits(n, splits, split_size)
    check_param("seed", seed, kind=int, low=0)
    features, probs = features_and_probs(x[:n], "[0,1]")
    test_features, test_probs, _ = _test_set_outputs()
    reference = _test_reference(n, seed)
    real_features = test_features[reference]
    is_mean, is_std = inception_score(probs, splits)
    precision, recall = precision_recall(real_features, features, k)
    metrics = {
        "n": n,
        "fd": frechet_distance(features, real_features),
        "fd_floor": real_fd_floor(n, seed),
        "inception_score": is_mean,
        "inception_score_std": is_std,
        "inception_score_real": inception_score(test_probs[reference], splits)[0],
        "precision": precision,
        "recall": recall,
    }
    if labels is not None:
        labels = check_array("labels", labels, ndim=1, dtype_kind="iu")
        if len(labels) < n:
            raise ValueError(f"labels must hold one label per evaluated image ({n}), got {len(labels)}")
        metrics["label_accuracy"] = _label_accuracy(probs, labels[:n])
    return metrics


_FORMAT_KEYS = ("fd", "fd_floor", "n", "inception_score", "inception_score_std", "inception_score_real", "precision",
                "recall")


def format_metrics(metrics, name="model"):
    """One line that prints an ``evaluate_images`` dict with every FD beside its real-vs-real floor."""
    if not isinstance(metrics, dict):
        raise TypeError(f"metrics must be a dict from evaluate_images, got {type(metrics).__name__}")
    missing = [key for key in _FORMAT_KEYS if key not in metrics]
    if missing:
        raise ValueError(f"metrics lacks {missing}: pass the dict evaluate_images returns")
    check_param("name", name, kind=str)
    line = (f"{name}: FD {metrics['fd']:.2f} (real-vs-real floor {metrics['fd_floor']:.2f} at n={metrics['n']:,}), "
            f"IS {metrics['inception_score']:.2f} ± {metrics['inception_score_std']:.2f} "
            f"(real {metrics['inception_score_real']:.2f}), "
            f"precision {metrics['precision']:.3f}, recall {metrics['recall']:.3f}")
    if "label_accuracy" in metrics:
        line += f", label accuracy {metrics['label_accuracy']:.3f}"
    return line


# ---------------------------------------------------------------- histograms and memorisation


def js_divergence(p, q):
    """Jensen-Shannon divergence in nats between two histograms of the same bins (counts or probabilities,
    any shape): each is normalised to sum 1, then JS = (KL(p || m) + KL(q || m)) / 2 with m = (p + q) / 2, and
    0 log 0 = 0. It lies in [0, log 2]: 0 for equal histograms, log 2 for disjoint supports."""
    p = check_array("p", p, dtype_kind="fiu").astype(np.float64)
    q = check_array("q", q, shape=p.shape, dtype_kind="fiu").astype(np.float64)
    for name, h in (("p", p), ("q", q)):
        if h.size == 0 or h.min() < 0 or h.sum() <= 0:
            raise ValueError(f"{name} must be a histogram: non-negative values with a positive sum")
    p, q = p / p.sum(), q / q.sum()
    m = (p + q) / 2

    def kl(a):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(a > 0, a * np.log(a / m), 0.0).sum()

    return float(max((kl(p) + kl(q)) / 2, 0.0))


def nearest_neighbour_distances(queries, references, *, chunk=5000, return_index=False):
    """Euclidean distance from each query to its nearest reference, both flattened to vectors (e.g. generated
    images and the training images, on the same scale, for a memorisation check: a copy has distance 0).

    Computed in float64 with ``chunk`` references at a time (about 8 * chunk * d bytes of memory per query block).
    ``return_index=True`` also returns the index of each nearest reference.
    """
    q = check_array("queries", queries, dtype_kind="fiu", min_len=1)
    r = check_array("references", references, dtype_kind="fiu", min_len=1)
    if q.ndim < 2 or r.ndim < 2:
        raise ValueError(f"queries and references must hold one item per row, got shapes {q.shape} and {r.shape}")
    q, r = q.reshape(len(q), -1).astype(np.float64), r.reshape(len(r), -1)
    if q.shape[1] != r.shape[1]:
        raise ValueError(f"queries and references must have the same size per item, got {q.shape[1]} and {r.shape[1]}")
    check_param("chunk", chunk, kind=int, low=1)
    check_param("return_index", return_index, kind=bool)
    best, index = np.full(len(q), np.inf), np.zeros(len(q), np.int64)
    q_sq = (q * q).sum(axis=1)
    for start in range(0, len(r), chunk):
        block = r[start:start + chunk].astype(np.float64)
        d2 = q_sq[:, None] + (block * block).sum(axis=1)[None, :] - 2.0 * (q @ block.T)
        nearest = d2.argmin(axis=1)
        closer = d2[np.arange(len(q)), nearest] < best
        best[closer] = d2[np.arange(len(q)), nearest][closer]
        index[closer] = start + nearest[closer]
    distances = np.sqrt(np.maximum(best, 0.0))  # round-off can make an exact copy's d2 slightly negative
    return (distances, index) if return_index else distances


# ---------------------------------------------------------------- distances between samples of codes


def median_bandwidth(points, *, max_points=2000):
    """The median heuristic: the median Euclidean distance between two of the first ``max_points`` rows of
    ``points`` (a sample of the reference distribution), a common bandwidth for a Gaussian kernel."""
    p = check_array("points", points, ndim=2, dtype_kind="fiu", min_len=2).astype(np.float64)[:max_points]
    d2 = _squared_distances(p, p)
    distance = float(np.sqrt(np.median(d2[np.triu_indices(len(p), k=1)])))
    if distance <= 0:
        raise ValueError("points: the median distance between the points is 0 (most points coincide); "
                         "choose the bandwidth yourself")
    return distance


def mmd2(a, b, bandwidth):
    """Unbiased estimate of the squared maximum mean discrepancy (Gretton et al., 2012) between the samples
    ``a`` and ``b`` (rows are points of the same dimension) with the Gaussian kernel
    exp(-|u - v|^2 / (2 bandwidth^2)). It is 0 on average for two samples of one distribution, so it can be
    slightly negative. A bandwidth much wider than the structure of the distributions is blind to that structure
    (for example to the modes of a mixture): report the bandwidth with the value."""
    a = check_array("a", a, ndim=2, dtype_kind="fiu", min_len=2).astype(np.float64)
    b = check_array("b", b, ndim=2, dtype_kind="fiu", min_len=2).astype(np.float64)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"a and b must hold points of the same dimension, got {a.shape[1]} and {b.shape[1]}")
    check_param("bandwidth", bandwidth, kind=float, low=1e-12)
    m, n = len(a), len(b)
    kaa, kbb, kab = (np.exp(-_squared_distances(u, v) / (2 * bandwidth**2)) for u, v in ((a, a), (b, b), (a, b)))
    return float((kaa.sum() - np.trace(kaa)) / (m * (m - 1)) + (kbb.sum() - np.trace(kbb)) / (n * (n - 1))
                 - 2 * kab.mean())
