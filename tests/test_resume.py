"""A checkpointed GAN run resumes exactly, with shuffled data (issue 13), and side files are written atomically.

The run is interrupted after epoch k, fresh models restore the checkpoint, and `fit` continues on
``make_dataset(..., start_epoch=k)``: every variable must then equal the uninterrupted run's, to the last bit.
A small DCGAN with dropout in D (so that the layers' own random streams are part of the state) on 256 images.
"""

import json

import keras
import numpy as np
import pytest
import tensorflow as tf

import utils
from utils.data import steps_per_pass
from utils.training import write_atomically

N, BATCH, LATENT, EPOCHS, STOP_AFTER = 256, 32, 8, 4, 2


def _images():
    return np.random.default_rng(0).uniform(-1, 1, (N, 28, 28, 1)).astype("float32")


def _gan(seed):
    utils.set_seed(seed)
    gan = utils.GAN(utils.dcgan_generator(LATENT, 4), utils.dcgan_discriminator(4, dropout=0.3), LATENT, seed=seed)
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    return gan


def _checkpoint(gan, folder):
    streams = [gan.seed_generator.state] + [v for v in gan.generator.variables + gan.discriminator.variables
                                            if "seed_generator" in v.path]
    epoch = tf.Variable(0, dtype=tf.int64)
    ckpt = tf.train.Checkpoint(generator=gan.generator, discriminator=gan.discriminator, d_optimizer=gan.d_optimizer,
                               g_optimizer=gan.g_optimizer, random_streams=streams, epoch=epoch)
    return tf.train.CheckpointManager(ckpt, str(folder), max_to_keep=1), epoch


def _state(gan):
    return [v.numpy() for v in gan.generator.variables + gan.discriminator.variables + gan.d_optimizer.variables
            + gan.g_optimizer.variables + [gan.seed_generator.state]]


class _Save(keras.callbacks.Callback):
    def __init__(self, manager, epoch, stop_after=None):
        super().__init__()
        self.manager, self.epoch, self.stop_after = manager, epoch, stop_after

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.assign(epoch + 1)
        self.manager.save(checkpoint_number=epoch + 1)
        if epoch + 1 == self.stop_after:
            self.model.stop_training = True  # the process "dies" here; nothing after this is kept


def _differing(a, b):
    return sum(not np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def _interrupted_and_resumed(tmp_path, data_for):
    """State of a run stopped after STOP_AFTER epochs and resumed in fresh models; data_for(start) gives the data."""
    x, steps = _images(), steps_per_pass(N, BATCH, True)
    first = _gan(0)
    manager, epoch = _checkpoint(first, tmp_path)
    first.fit(data_for(x, 0), steps_per_epoch=steps, epochs=EPOCHS, verbose=0,
              callbacks=[_Save(manager, epoch, stop_after=STOP_AFTER)])
    resumed = _gan(1)  # other weights and streams, all to be overwritten
    manager, epoch = _checkpoint(resumed, tmp_path)
    manager.checkpoint.restore(manager.latest_checkpoint).assert_existing_objects_matched()
    start = int(epoch.numpy())
    assert start == STOP_AFTER
    resumed.fit(data_for(x, start), steps_per_epoch=steps, initial_epoch=start, epochs=EPOCHS, verbose=0,
                callbacks=[_Save(manager, epoch)])
    return _state(resumed)


def _uninterrupted(data_for):
    x = _images()
    gan = _gan(0)
    gan.fit(data_for(x, 0), steps_per_epoch=steps_per_pass(N, BATCH, True), epochs=EPOCHS, verbose=0)
    return _state(gan)


def _epoch_ordered(x, start):
    return utils.make_dataset(x, batch_size=BATCH, seed=5, drop_remainder=True, start_epoch=start)


def test_shuffled_run_resumes_exactly(tmp_path):
    reference = _uninterrupted(_epoch_ordered)
    resumed = _interrupted_and_resumed(tmp_path, _epoch_ordered)
    assert len(resumed) > 40
    assert _differing(resumed, reference) == 0, "a resumed shuffled run must end where the uninterrupted run ends"


def test_reshuffling_pipeline_does_not_resume_exactly(tmp_path):
    """The gap the option closes: tf.data's own reshuffling restarts its sequence of orders in a resumed run."""
    def reshuffled(x, start):  # start ignored: the pipeline cannot be told where to begin
        return utils.make_dataset(x, batch_size=BATCH, seed=5, drop_remainder=True, repeat=True)

    reference = _uninterrupted(reshuffled)
    resumed = _interrupted_and_resumed(tmp_path, reshuffled)
    assert _differing(resumed, reference) > 0


def _passes(ds, n_batches):
    return [b for b in ds.take(n_batches).as_numpy_iterator()]


def test_start_epoch_orders_depend_on_seed_and_epoch_only():
    x = np.arange(10, dtype="float32").reshape(10, 1)
    y = np.arange(10)
    full = _passes(utils.make_dataset(x, y, batch_size=4, seed=2, start_epoch=0), 9)  # 3 passes of 4 + 4 + 2
    assert [len(b[0]) for b in full] == [4, 4, 2] * 3  # each pass batched on its own
    orders = [np.concatenate([b[1] for b in full[3 * p:3 * p + 3]]) for p in range(3)]
    for order in orders:
        assert sorted(order) == list(range(10))  # a permutation
    assert not np.array_equal(orders[0], orders[1])  # a new order every pass
    for b in full:
        assert np.array_equal(b[0][:, 0], b[1].astype("float32"))  # labels stay with their images
    late = _passes(utils.make_dataset(x, y, batch_size=4, seed=2, start_epoch=2), 3)
    assert np.array_equal(np.concatenate([b[1] for b in late]), orders[2])  # pass 2 is pass 2, however reached
    other = _passes(utils.make_dataset(x, y, batch_size=4, seed=3, start_epoch=0), 3)
    assert not np.array_equal(np.concatenate([b[1] for b in other]), orders[0])
    plain = _passes(utils.make_dataset(x, batch_size=4, shuffle=False, drop_remainder=True, start_epoch=5), 4)
    assert [list(b[:, 0]) for b in plain] == [[0, 1, 2, 3], [4, 5, 6, 7]] * 2
    pairs = _passes(utils.make_dataset(x, batch_size=5, seed=0, start_epoch=0, target="x"), 1)
    assert np.array_equal(pairs[0][0], pairs[0][1])
    assert steps_per_pass(10, 4) == 3 and steps_per_pass(10, 4, True) == 2


def test_start_epoch_refuses_bad_input():
    x = np.zeros((10, 1), "float32")
    with pytest.raises(ValueError, match="start_epoch"):
        utils.make_dataset(x, batch_size=2, start_epoch=-1)
    with pytest.raises(ValueError, match="leave repeat=False"):
        utils.make_dataset(x, batch_size=2, start_epoch=0, repeat=True)
    with pytest.raises(ValueError, match="no batch at all"):
        utils.make_dataset(x, batch_size=20, drop_remainder=True, start_epoch=0)


def test_write_atomically(tmp_path):
    path = tmp_path / "records.json"
    write_atomically(path, lambda f: json.dump({"epoch": 1}, f))
    assert json.loads(path.read_text()) == {"epoch": 1}
    with pytest.raises(TypeError):
        write_atomically(path, lambda f: json.dump({"bad": object()}, f))  # fails half-way through the write
    assert json.loads(path.read_text()) == {"epoch": 1}  # the old file is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records.json"]  # no temporary file left
    write_atomically(tmp_path / "s.npz", lambda f: np.savez(f, a=np.arange(3)), binary=True)
    with np.load(tmp_path / "s.npz") as saved:
        assert list(saved["a"]) == [0, 1, 2]
    with pytest.raises(TypeError, match="write must be a function"):
        write_atomically(path, "text")
