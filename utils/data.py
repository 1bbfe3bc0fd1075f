"""MNIST from the copy that ships in ``data/mnist.npz``: verified, scaled explicitly, never downloaded."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import numpy as np

from utils.paths import DATA_DIR
from utils.validation import check_array, check_param

MNIST_PATH = DATA_DIR / "mnist.npz"
MNIST_SHA256 = "06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64"
MNIST_SHAPES = {"x_train": (60000, 28, 28), "y_train": (60000,), "x_test": (10000, 28, 28), "y_test": (10000,)}
SCALES = ("[0,1]", "[-1,1]")
BINARIZE = (None, "threshold", "sample")


def file_sha256(path: Path) -> str:
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a str or pathlib.Path, got {type(path).__name__}")
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@functools.lru_cache(maxsize=2)
def _read_verified(path: str) -> dict[str, np.ndarray]:
    """Read the four arrays once per process, after checking the file against its published checksum."""
    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(
            f"MNIST file not found at {file}. It ships with the repository: restore it with "
            "`git checkout -- data/mnist.npz` (the course never downloads data).")
    actual = file_sha256(file)
    if actual != MNIST_SHA256:
        raise ValueError(
            f"{file} is corrupted or not the course's MNIST file: sha256 {actual}, expected {MNIST_SHA256}. "
            "Restore it with `git checkout -- data/mnist.npz`.")
    with np.load(file) as npz:
        arrays = {key: npz[key] for key in MNIST_SHAPES}
    for key, shape in MNIST_SHAPES.items():
        if arrays[key].shape != shape or arrays[key].dtype != np.uint8:
            raise ValueError(f"{file}: {key} has shape {arrays[key].shape} and dtype {arrays[key].dtype}, "
                             f"expected {shape} uint8")
    return arrays


def load_mnist(split="train", *, scale="[0,1]", flatten=False, subset=None, binarize=None, seed=0,
               binarize_seed=None, path=None):
    """Return ``(images, labels)`` of one MNIST split as NumPy arrays.

    split:    "train" (60,000 images) or "test" (10,000).
    scale:    "[0,1]" or "[-1,1]": the range of the float32 pixels. Always say which.
    flatten:  False gives images of shape (n, 28, 28, 1), True gives (n, 784).
    subset:   None for the whole split, or n to keep n images drawn at random (seeded) without replacement;
              the fast mode of the notebooks uses this.
    binarize: None (grey levels), "threshold" (pixel > 0.5) or "sample" (each pixel is 1 with probability
              equal to its intensity, seeded): binary pixels then take the two end values of ``scale``.
    seed:     seeds the subset draw (and the "sample" binarisation unless ``binarize_seed`` is given).
    binarize_seed: seeds the "sample" binarisation alone, so the same images can be binarised afresh.
    path:     another copy of the file (it must have the same checksum).
    Labels are int64 of shape (n,).
    """
    check_param("split", split, kind=str, choices=("train", "test"))
    check_param("scale", scale, kind=str, choices=SCALES)
    check_param("flatten", flatten, kind=bool)
    if binarize not in BINARIZE:
        raise ValueError(f"binarize must be one of {BINARIZE!r}, got {binarize!r}")
    check_param("seed", seed, kind=int, low=0)
    if binarize_seed is not None:
        check_param("binarize_seed", binarize_seed, kind=int, low=0)
        if binarize != "sample":
            raise ValueError(f"binarize_seed only applies to binarize='sample', got binarize={binarize!r}")
    if path is not None and not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a str or pathlib.Path, got {type(path).__name__}")
    arrays = _read_verified(str(Path(path) if path is not None else MNIST_PATH))
    images, labels = arrays[f"x_{split}"], arrays[f"y_{split}"]

    rng = np.random.default_rng(seed)
    if subset is not None:
        check_param("subset", subset, kind=int, low=1, high=len(images))
        keep = np.sort(rng.choice(len(images), size=subset, replace=False))
        images, labels = images[keep], labels[keep]

    x = images.astype(np.float32) / 255.0
    if binarize == "threshold":
        x = (x > 0.5).astype(np.float32)
    elif binarize == "sample":
        draws = rng if binarize_seed is None else np.random.default_rng(binarize_seed)
        x = (draws.random(x.shape) < x).astype(np.float32)
    if scale == "[-1,1]":
        x = 2.0 * x - 1.0
    x = x.reshape(len(x), 784) if flatten else x[..., np.newaxis]
    return x, labels.astype(np.int64)


TARGETS = (None, "x")


def make_dataset(x, y=None, *, batch_size, shuffle=True, seed=0, drop_remainder=False, repeat=False, target=None,
                 start_epoch=None):
    """A batched, prefetched ``tf.data.Dataset`` over arrays (and labels, if given).

    With ``shuffle`` the order is reshuffled every pass over the data, deterministically for a given seed.
    ``target="x"`` gives ``(x, x)`` pairs, what an autoencoder's ``fit`` needs (no labels then).
    ``repeat=True`` repeats the passes forever, for ``fit(..., steps_per_epoch=...)``: batches then run on
    across pass boundaries, so every step sees a full batch and a run is the same stream whatever the epoch
    length. A ``batch_size`` larger than the data is refused when it would give no batch at all
    (``drop_remainder=True`` without ``repeat``).

    ``start_epoch=e`` makes every pass's order a function of ``(seed, pass number)`` alone, so that a run resumed
    from a checkpoint sees the batches the uninterrupted run saw: the dataset is endless and yields pass e, e+1,
    ... in turn, each a permutation drawn with a stateless op from ``(seed, pass)`` (the identity without
    ``shuffle``) and batched on its own, so no batch straddles two passes. Train with ``fit(data,
    steps_per_epoch=steps_per_pass(len(x), batch_size, drop_remainder), initial_epoch=e, epochs=...)``, where a
    fresh run uses ``start_epoch=0``. (With ``start_epoch=None``, tf.data reshuffles at every new iterator and
    the order of a pass depends on how many iterators this dataset object has made before: a resumed process
    starts that sequence again.)
    """
    import tensorflow as tf

    x = check_array("x", x, dtype_kind="f", min_len=1)
    if y is not None:
        y = check_array("y", y, ndim=1)
        if len(y) != len(x):
            raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
    check_param("batch_size", batch_size, kind=int, low=1)
    check_param("shuffle", shuffle, kind=bool)
    check_param("seed", seed, kind=int, low=0)
    check_param("drop_remainder", drop_remainder, kind=bool)
    check_param("repeat", repeat, kind=bool)
    if target not in TARGETS:
        raise ValueError(f"target must be one of {TARGETS!r}, got {target!r}")
    if target == "x" and y is not None:
        raise ValueError("target='x' makes (x, x) pairs: pass y=None (labels have no place in them)")
    if start_epoch is not None:
        check_param("start_epoch", start_epoch, kind=int, low=0)
        if repeat:
            raise ValueError("start_epoch already gives an endless dataset (pass after pass): leave repeat=False")
        if drop_remainder and batch_size > len(x):
            raise ValueError(f"batch_size {batch_size} is larger than the {len(x)} examples: with drop_remainder=True "
                             "a pass would hold no batch at all")
        return _epoch_ordered(x, y, batch_size, shuffle, seed, drop_remainder, target, start_epoch)
    if drop_remainder and not repeat and batch_size > len(x):
        raise ValueError(f"batch_size {batch_size} is larger than the {len(x)} examples: with drop_remainder=True "
                         "the dataset would hold no batch at all")
    ds = tf.data.Dataset.from_tensor_slices(x if y is None else (x, y))
    if shuffle:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    if repeat:
        ds = ds.repeat()
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    if target == "x":
        ds = ds.map(lambda batch: (batch, batch))
    return ds.prefetch(tf.data.AUTOTUNE)



def steps_per_pass(n, batch_size, drop_remainder=False):
    """Batches in one pass over n examples: n // batch_size with ``drop_remainder``, else rounded up."""
    check_param("n", n, kind=int, low=1)
    check_param("batch_size", batch_size, kind=int, low=1)
    check_param("drop_remainder", drop_remainder, kind=bool)
    return n // batch_size if drop_remainder else -(-n // batch_size)


def _epoch_ordered(x, y, batch_size, shuffle, seed, drop_remainder, target, start_epoch):
    """make_dataset with start_epoch: endless passes, pass e in the order drawn from (seed, e)."""
    import tensorflow as tf

    n = len(x)
    arrays = tuple(tf.constant(a) for a in ((x,) if y is None else (x, y)))

    def one_pass(epoch):
        order = tf.range(n, dtype=tf.int64)
        if shuffle:
            order = tf.random.experimental.stateless_shuffle(order, seed=tf.stack([tf.constant(seed, tf.int64), epoch]))
        return tf.data.Dataset.from_tensor_slices(order).batch(batch_size, drop_remainder=drop_remainder)

    def gather(indices):
        batch = tuple(tf.gather(a, indices) for a in arrays)
        if target == "x":
            return batch[0], batch[0]
        return batch if y is not None else batch[0]

    ds = tf.data.Dataset.range(start_epoch, 2**62).flat_map(one_pass).map(gather, num_parallel_calls=tf.data.AUTOTUNE,
                                                                             deterministic=True)
    return ds.prefetch(tf.data.AUTOTUNE)


def map_per_step(dataset, fn, *, seed, start_step=0):
    """Apply ``fn(element, step_seed)`` to every element (batch) of ``dataset``, for random corruption or
    binarisation that is reproducible and resumable.

    ``step_seed`` is the int64 pair ``(seed, step)``, step counting the elements from ``start_step``; ``fn`` draws
    its randomness with the stateless ops (``tf.random.stateless_uniform(shape, seed=step_seed)``, ...), so the
    noise of a step depends on nothing but the seed and the step number: a run resumed at epoch e with
    ``start_step = e * steps_per_epoch`` (and the same order of batches) sees the noise the full run saw.
    """
    import tensorflow as tf

    if not isinstance(dataset, tf.data.Dataset):
        raise TypeError(f"dataset must be a tf.data.Dataset, got {type(dataset).__name__}")
    if not callable(fn):
        raise TypeError(f"fn must be a function fn(element, step_seed), got {type(fn).__name__}")
    check_param("seed", seed, kind=int, low=0, high=2**63 - 1)
    check_param("start_step", start_step, kind=int, low=0)

    def apply(step, element):
        return fn(element, tf.stack([tf.constant(seed, tf.int64), step]))

    return dataset.enumerate(start=start_step).map(apply, num_parallel_calls=tf.data.AUTOTUNE,
                                                   deterministic=True).prefetch(tf.data.AUTOTUNE)


def binarize_sample(x, step_seed):
    """Each pixel 1 with probability equal to its grey level in [0, 1], drawn statelessly from ``step_seed``
    (for ``map_per_step``: a new binarisation of the same images at every step, as Burda et al. do)."""
    import tensorflow as tf

    return tf.cast(tf.random.stateless_uniform(tf.shape(x), seed=step_seed) < x, x.dtype)


def binarized_batches(x_grey, *, batch_size, seed):
    """Endless shuffled batches of grey images in [0, 1], each batch binarised afresh by ``binarize_sample`` from
    ``(seed, step)``: the dynamic binarisation the Bernoulli autoencoders train on (pass ``steps_per_epoch`` to fit).
    The order of the images and the binary draws depend only on ``seed``."""
    check_array("x_grey", x_grey, dtype_kind="f", value_range=(0.0, 1.0), min_len=1)
    batches = make_dataset(x_grey, batch_size=batch_size, seed=seed, repeat=True)
    return map_per_step(batches, binarize_sample, seed=seed)


def mnist_dataset(split="train", *, batch_size, labels=False, shuffle=True, seed=0, **load_kwargs):
    """``load_mnist`` followed by ``make_dataset``: a ``tf.data`` pipeline of images (and labels if asked)."""
    check_param("labels", labels, kind=bool)
    x, y = load_mnist(split, seed=seed, **load_kwargs)
    return make_dataset(x, y if labels else None, batch_size=batch_size, shuffle=shuffle, seed=seed)
