import shutil

import numpy as np
import pytest

import utils
from utils.data import MNIST_PATH, MNIST_SHA256, file_sha256

# Published in shared/data/README.md: sha256 of each array's bytes (first 16 hex digits), class counts.
ARRAY_SHA256_PREFIX = {"x_train": "741c988805d008ac", "y_train": "1feba77c54802fa5",
                       "x_test": "6d87418db22cc802", "y_test": "ddeff807876a9661"}
TRAIN_CLASS_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]


def test_shipped_file_matches_published_checksums():
    import hashlib

    assert file_sha256(MNIST_PATH) == MNIST_SHA256
    with np.load(MNIST_PATH) as npz:
        for key, prefix in ARRAY_SHA256_PREFIX.items():
            assert hashlib.sha256(npz[key].tobytes()).hexdigest()[:16] == prefix


def test_train_split_shape_scale_and_labels():
    x, y = utils.load_mnist("train")
    assert x.shape == (60000, 28, 28, 1) and x.dtype == np.float32
    assert x.min() == 0.0 and x.max() == 1.0
    assert np.bincount(y).tolist() == TRAIN_CLASS_COUNTS


def test_test_split_symmetric_scale_flat():
    x, y = utils.load_mnist("test", scale="[-1,1]", flatten=True)
    assert x.shape == (10000, 784) and y.shape == (10000,)
    assert x.min() == -1.0 and x.max() == 1.0


def test_scales_are_the_same_images():
    x01, _ = utils.load_mnist("test", subset=50)
    x11, _ = utils.load_mnist("test", subset=50, scale="[-1,1]")
    np.testing.assert_allclose(x11, 2 * x01 - 1, atol=1e-6)


def test_subset_is_seeded_and_without_replacement():
    a, ya = utils.load_mnist("train", subset=500, seed=1)
    b, yb = utils.load_mnist("train", subset=500, seed=1)
    c, _ = utils.load_mnist("train", subset=500, seed=2)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(ya, yb)
    assert not np.array_equal(a, c)
    assert len(np.unique(a.reshape(500, -1), axis=0)) == 500


@pytest.mark.parametrize("scale", utils.SCALES)
def test_binarisation_gives_two_levels(scale):
    low, high = (0.0, 1.0) if scale == "[0,1]" else (-1.0, 1.0)
    for mode in ("threshold", "sample"):
        x, _ = utils.load_mnist("test", subset=200, binarize=mode, scale=scale)
        assert set(np.unique(x).tolist()) == {low, high}
    # Sampled pixels are 1 with probability equal to the grey level: means agree on average.
    grey, _ = utils.load_mnist("test", subset=2000)
    sampled, _ = utils.load_mnist("test", subset=2000, binarize="sample")
    assert abs(grey.mean() - sampled.mean()) < 0.005


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"split": "validation"}, ValueError, "split must be one of"),
        ({"scale": "0-1"}, ValueError, "scale must be one of"),
        ({"subset": 0}, ValueError, "subset must be >= 1"),
        ({"subset": 70000}, ValueError, "subset must be <= 60000"),
        ({"subset": 1.5}, TypeError, "subset must be of type int"),
        ({"binarize": "yes"}, ValueError, "binarize must be one of"),
        ({"flatten": "no"}, TypeError, "flatten must be of type bool"),
    ],
)
def test_bad_arguments_raise(kwargs, error, message):
    with pytest.raises(error, match=message):
        utils.load_mnist(**kwargs)


def test_missing_file_raises_with_restore_hint(tmp_path):
    with pytest.raises(FileNotFoundError, match="git checkout -- data/mnist.npz"):
        utils.load_mnist(path=tmp_path / "mnist.npz")


def test_corrupted_file_raises(tmp_path):
    broken = tmp_path / "mnist.npz"
    shutil.copy(MNIST_PATH, broken)
    with open(broken, "r+b") as f:
        f.seek(5000)
        f.write(b"\x00\x01\x02")
    with pytest.raises(ValueError, match="corrupted"):
        utils.load_mnist(path=broken)


def test_dataset_batches_and_reshuffles_deterministically():
    x, y = utils.load_mnist("test", subset=100, flatten=True)
    ds = utils.make_dataset(x, y, batch_size=32, seed=3)
    batches = list(ds.as_numpy_iterator())
    assert [len(b[0]) for b in batches] == [32, 32, 32, 4]
    epoch1 = np.concatenate([b[1] for b in batches])
    epoch2 = np.concatenate([b[1] for b in ds.as_numpy_iterator()])
    assert sorted(epoch1.tolist()) == sorted(y.tolist())
    assert not np.array_equal(epoch1, epoch2)  # a new order every epoch
    again = np.concatenate([b[1] for b in utils.make_dataset(x, y, batch_size=32, seed=3).as_numpy_iterator()])
    np.testing.assert_array_equal(epoch1, again)  # ... the same sequence of orders for the same seed


def test_mnist_dataset_images_only():
    ds = utils.mnist_dataset("test", batch_size=10, subset=20, shuffle=False, scale="[-1,1]")
    first = next(iter(ds))
    assert tuple(first.shape) == (10, 28, 28, 1)


def test_dataset_rejects_mismatched_labels():
    with pytest.raises(ValueError, match="same length"):
        utils.make_dataset(np.zeros((5, 2), np.float32), np.zeros(4), batch_size=2)
    with pytest.raises(TypeError, match="dtype of kind 'f'"):
        utils.make_dataset(np.zeros((5, 2), np.uint8), batch_size=2)


def test_dataset_checks_drop_remainder_and_empty_epochs():
    x = np.zeros((5, 2), np.float32)
    with pytest.raises(TypeError, match="drop_remainder"):
        utils.make_dataset(x, batch_size=2, drop_remainder="no")
    with pytest.raises(ValueError, match="batch_size 8 is larger than the 5"):
        utils.make_dataset(x, batch_size=8, drop_remainder=True)
    assert len(list(utils.make_dataset(x, batch_size=8))) == 1  # without drop_remainder: one short batch


def test_dataset_autoencoder_pairs_and_repeat():
    x, _ = utils.load_mnist("test", subset=10, flatten=True)
    inputs, targets = next(iter(utils.make_dataset(x, batch_size=4, shuffle=False, target="x")))
    np.testing.assert_array_equal(inputs, targets)
    np.testing.assert_array_equal(inputs, x[:4])
    with pytest.raises(ValueError, match="target"):
        utils.make_dataset(x, np.zeros(10, int), batch_size=4, target="x")
    # repeat: batches run on across passes, every one full, each pass a new order of all 10 images
    batches = list(utils.make_dataset(x, batch_size=4, seed=1, repeat=True).take(5).as_numpy_iterator())
    assert all(len(b) == 4 for b in batches)
    stream = np.concatenate(batches)
    for one_pass in (stream[:10], stream[10:20]):
        assert sorted(map(bytes, one_pass)) == sorted(map(bytes, x))
    assert not np.array_equal(stream[:10], stream[10:20])


def test_map_per_step_is_reproducible_and_resumable():
    from utils.data import binarize_sample, map_per_step

    x, _ = utils.load_mnist("test", subset=12)
    ds = utils.make_dataset(x, batch_size=4, shuffle=False, repeat=True)
    run = list(map_per_step(ds, binarize_sample, seed=7).take(6).as_numpy_iterator())
    again = list(map_per_step(ds, binarize_sample, seed=7).take(6).as_numpy_iterator())
    other = list(map_per_step(ds, binarize_sample, seed=8).take(6).as_numpy_iterator())
    assert all(np.array_equal(a, b) for a, b in zip(run, again, strict=True))
    assert not np.array_equal(run[0], other[0])
    assert set(np.unique(run[0]).tolist()) == {0.0, 1.0}
    assert not np.array_equal(run[0], run[3])  # same images (12 = 3 batches), new binarisation at step 3
    # resuming at step 3 on the same order of batches gives the noise the full run had there
    resumed = list(map_per_step(ds.skip(3), binarize_sample, seed=7, start_step=3).take(3).as_numpy_iterator())
    assert all(np.array_equal(a, b) for a, b in zip(run[3:], resumed, strict=True))
    with pytest.raises(TypeError, match="dataset"):
        map_per_step(x, binarize_sample, seed=0)
    with pytest.raises(TypeError, match="fn"):
        map_per_step(ds, "binarise", seed=0)


def test_binarized_batches_rebinarise_every_pass_and_check_the_range():
    x, _ = utils.load_mnist("test", subset=12)
    run = list(utils.binarized_batches(x, batch_size=4, seed=5).take(6).as_numpy_iterator())
    again = list(utils.binarized_batches(x, batch_size=4, seed=5).take(6).as_numpy_iterator())
    assert all(np.array_equal(a, b) for a, b in zip(run, again, strict=True))
    assert set(np.unique(np.concatenate(run)).tolist()) == {0.0, 1.0}
    # a pixel's draws across many passes follow its grey level
    draws = np.stack(list(utils.binarized_batches(x, batch_size=12, seed=5).take(400).as_numpy_iterator()))
    order = utils.make_dataset(x, batch_size=12, seed=5, repeat=True)
    grey = np.stack(list(order.take(400).as_numpy_iterator()))
    mid = (grey > 0.3) & (grey < 0.7)
    assert abs(draws[mid].mean() - grey[mid].mean()) < 0.02
    with pytest.raises(ValueError, match="x_grey"):
        utils.binarized_batches(255 * x, batch_size=4, seed=0)


def test_binarize_seed_redraws_the_same_images_and_is_checked():
    a, _ = utils.load_mnist("test", subset=200, binarize="sample", seed=1, binarize_seed=1)
    b, _ = utils.load_mnist("test", subset=200, binarize="sample", seed=1, binarize_seed=2)
    grey, _ = utils.load_mnist("test", subset=200, seed=1)
    p = grey.ravel()
    assert abs(np.mean(a != b) - np.mean(2 * p * (1 - p))) < 0.005  # same images, fresh draws
    with pytest.raises(ValueError, match="binarize_seed only applies"):
        utils.load_mnist("test", subset=10, binarize="threshold", binarize_seed=1)
    with pytest.raises(TypeError, match="binarize_seed"):
        utils.load_mnist("test", subset=10, binarize="sample", binarize_seed="1")
