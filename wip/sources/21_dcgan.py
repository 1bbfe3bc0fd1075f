# %% [markdown]
# # 21 · DCGAN: a convolutional GAN with a progress strip, checkpoints and FD per epoch
#
# Notebook 20 trained a GAN whose two players are dense networks. Here both become convolutional, following the
# DCGAN guidelines of Radford et al. (2016): a generator that grows a 7×7 feature map into a 28×28 digit with
# stride-2 transposed convolutions and batch normalisation, and a discriminator that shrinks the digit with
# stride-2 convolutions. We write both networks out and check that they are the `utils` builders that notebooks
# 22, 23 and 26 reuse. Training runs with `fit` and three callbacks: fixed-noise snapshots (a strip of frames and
# a GIF), the classifier Fréchet distance after every epoch, and checkpoints. Before relying on the checkpoints we
# interrupt a run on purpose, resume it in fresh models and show that it ends bit for bit where an uninterrupted
# run ends. The final generator is judged on 10,000 samples against the targets the course set for it.
#
# ## Learning objectives
# - State the DCGAN architecture guidelines and say which ones the course's 28×28 version keeps and which it changes.
# - Compute the output shape and parameter count of a strided (transposed) convolution.
# - Save and restore everything a GAN's training state consists of (two networks, two optimisers, random streams,
#   the epoch) with `tf.train.Checkpoint`, and show that a resumed run is the same run.
# - Follow training with a fixed-noise progress strip and the Fréchet distance per epoch, read against its
#   real-vs-real floor.
#
# ## Prerequisites
# [03_gan_theory](03_gan_theory.ipynb) (the game and the non-saturating loss) and
# [20_vanilla_gan](20_vanilla_gan.ipynb) (the `train_step` of `utils.GAN` and the evaluation metrics).
#
# ## Run time
# Default parameters: 641 s of CPU time for the whole notebook (10 training epochs of about 61 s CPU each, callbacks included, plus the checkpoint demonstration and the final evaluation), which is roughly 8 minutes of wall time on a quiet 2-core CPU (estimated from the CPU time). Measured here: 25 minutes of wall time, on a machine shared with other jobs. On a GPU, expect about a minute. `FAST = True` (1,024 images, 2 short epochs, 500 and 1,000 evaluation samples): about 30 s of CPU time.

# %% [markdown]
# ## Setup

# %%
import hashlib
import json
import shutil
import tempfile
import time
import warnings
from pathlib import Path

import utils  # first: it starts TensorFlow quietly
import h5py
import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from keras import layers
from matplotlib.ticker import MaxNLocator
from PIL import Image

from utils import evaluation

tf.get_logger().setLevel("ERROR")  # Keras retraces predict for new batch shapes; the warning is harmless here

# %% tags=["parameters"]
FAST = False  # True: a small subset and two short epochs, for the test suite
SEED = 0  # seeds the weights, the noise streams and the data order
LATENT_DIM = 100  # size of the noise vector z
WIDTH = 32  # filters of the generator's last hidden layer and the discriminator's first (the paper: 128 at 64x64)
DROPOUT = 0.3  # dropout rate after each discriminator convolution
TRAIN_SUBSET = 60000  # MNIST training images used (60000: all of them)
BATCH_SIZE = 64  # minibatch size
EPOCHS = 10  # passes over the training images
LEARNING_RATE = 0.0002  # Adam step size, both networks (Radford et al.)
BETA_1 = 0.5  # Adam's first-moment decay, both networks (Radford et al.)
PROGRESS_IMAGES = 16  # fixed noise vectors shown in every frame of the progress strip (a square number)
FD_SAMPLES = 2000  # generated images judged after every epoch (against as many test images)
EVAL_SAMPLES = 10000  # generated images judged at the end (against as many test images)
RESUME = True  # continue an interrupted run of the same settings from its last checkpoint

# %%
utils.check_param("FAST", FAST, kind=bool)
utils.check_param("SEED", SEED, kind=int, low=0, high=2**31 - 1)
utils.check_param("LATENT_DIM", LATENT_DIM, kind=int, low=1, high=4096)
utils.check_param("WIDTH", WIDTH, kind=int, low=1, high=512)
utils.check_param("DROPOUT", DROPOUT, kind=float, low=0.0, high=0.9)
utils.check_param("TRAIN_SUBSET", TRAIN_SUBSET, kind=int, low=256, high=60000)
utils.check_param("BATCH_SIZE", BATCH_SIZE, kind=int, low=2, high=4096)
utils.check_param("EPOCHS", EPOCHS, kind=int, low=1, high=1000)
utils.check_param("LEARNING_RATE", LEARNING_RATE, kind=float, low=1e-6, high=1.0)
utils.check_param("BETA_1", BETA_1, kind=float, low=0.0, high=0.999)
utils.check_param("PROGRESS_IMAGES", PROGRESS_IMAGES, kind=int, low=1, high=100)
utils.check_param("FD_SAMPLES", FD_SAMPLES, kind=int, low=100, high=10000)
utils.check_param("EVAL_SAMPLES", EVAL_SAMPLES, kind=int, low=100, high=10000)
utils.check_param("RESUME", RESUME, kind=bool)
if int(np.sqrt(PROGRESS_IMAGES)) ** 2 != PROGRESS_IMAGES:
    raise ValueError(f"PROGRESS_IMAGES must be a square number (4, 9, 16, ...), got {PROGRESS_IMAGES}")
if BATCH_SIZE > TRAIN_SUBSET:
    raise ValueError(f"BATCH_SIZE ({BATCH_SIZE}) must not exceed TRAIN_SUBSET ({TRAIN_SUBSET})")
if FAST:
    TRAIN_SUBSET, EPOCHS, FD_SAMPLES, EVAL_SAMPLES = min(TRAIN_SUBSET, 1024), min(EPOCHS, 2), 500, 1000
utils.set_seed(SEED)
params = {"FAST": FAST, "SEED": SEED, "LATENT_DIM": LATENT_DIM, "WIDTH": WIDTH, "DROPOUT": DROPOUT,
          "TRAIN_SUBSET": TRAIN_SUBSET, "BATCH_SIZE": BATCH_SIZE, "EPOCHS": EPOCHS, "LEARNING_RATE": LEARNING_RATE,
          "BETA_1": BETA_1, "PROGRESS_IMAGES": PROGRESS_IMAGES, "FD_SAMPLES": FD_SAMPLES,
          "EVAL_SAMPLES": EVAL_SAMPLES, "RESUME": RESUME}
results = utils.Results("21_dcgan", params)

# %% [markdown]
# ## 1. The DCGAN architecture
#
# Radford et al. (2016) list five guidelines for stable convolutional GANs, and a training recipe:
#
# | guideline (Radford et al., 2016) | here (28×28 MNIST) |
# |---|---|
# | no pooling: strided convolutions in $D$, fractionally-strided (transposed) convolutions in $G$ | kept: two stride-2 layers in each network, 28→14→7 and 7→14→28 |
# | batch normalisation in both networks, except $G$'s output and $D$'s input layers | kept in $G$; **changed** in $D$: dropout instead of batch normalisation |
# | no fully connected hidden layers; $z$ is projected and reshaped into the first feature map, $D$'s last map is flattened into one output | kept: `Dense` projection of $z$ to 7×7×(2·`WIDTH`), flatten to one logit |
# | ReLU in $G$, `tanh` on its output | kept |
# | LeakyReLU (slope 0.2) in $D$ | kept |
# | Adam, learning rate 0.0002, $\beta_1 = 0.5$, minibatches of 128, weights initialised from $\mathcal N(0, 0.02^2)$ | Adam as in the paper; minibatches of `BATCH_SIZE` (64: twice the steps for the same CPU time); Keras's default Glorot initialisation |
#
# The paper's networks work at 64×64 with four stride-2 layers and 1024→128 feature maps. MNIST needs two
# stride-2 layers, and far fewer filters: `WIDTH` is the number of filters of $G$'s last hidden layer and of
# $D$'s first layer; the layer next to the 7×7 map has twice as many. The discriminator outputs a **logit**, as in
# notebook 20, and `utils.GAN` applies the sigmoid inside the loss.
#
# **Shapes.** A convolution with stride $s$ and `padding="same"` maps a side of length $n$ to $\lceil n/s\rceil$;
# a transposed convolution with `padding="same"` maps $n$ to $s\,n$ (it is the gradient of the first with respect
# to its input). A kernel of size $k$ from $c_\text{in}$ to $c_\text{out}$ channels has $k^2 c_\text{in} c_\text{out}$
# weights plus $c_\text{out}$ biases. We use $k = 4$, divisible by the stride 2, so that every output pixel of a
# transposed convolution receives the same number of kernel taps (uneven overlap is a known source of
# checkerboard patterns).

# %%
def make_generator(latent_dim=LATENT_DIM, width=WIDTH, name="generator"):
    """z (latent_dim,) -> image (28, 28, 1) in (-1, 1): project and reshape to 7x7, then two stride-2
    transposed convolutions (7 -> 14 -> 28), batch normalisation and ReLU in between, tanh at the end."""
    z = keras.Input((latent_dim,), name="z")
    h = layers.Dense(7 * 7 * 2 * width, use_bias=False, name="project")(z)  # BN's shift replaces the bias
    h = layers.BatchNormalization(name="bn_project")(h)
    h = layers.ReLU(name="relu_project")(h)
    h = layers.Reshape((7, 7, 2 * width), name="reshape")(h)
    h = layers.Conv2DTranspose(width, 4, strides=2, padding="same", use_bias=False, name="deconv_0")(h)
    h = layers.BatchNormalization(name="bn_0")(h)
    h = layers.ReLU(name="relu_0")(h)
    image = layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh", name="image")(h)
    return keras.Model(z, image, name=name)


def make_discriminator(width=WIDTH, dropout=DROPOUT, name="discriminator"):
    """image (28, 28, 1) -> one logit: two stride-2 convolutions (28 -> 14 -> 7) with LeakyReLU(0.2) and
    dropout, then flatten and a Dense layer with one output. No sigmoid: the loss takes logits."""
    x = keras.Input((28, 28, 1), name="image")
    h = x
    for i, filters in enumerate((width, 2 * width)):
        h = layers.Conv2D(filters, 4, strides=2, padding="same", name=f"conv_{i}")(h)
        h = layers.LeakyReLU(0.2, name=f"leaky_{i}")(h)
        h = layers.Dropout(dropout, name=f"dropout_{i}")(h)
    logit = layers.Dense(1, name="logit")(layers.Flatten(name="flatten")(h))
    return keras.Model(x, logit, name=name)


# %% [markdown]
# The table below lists every layer that holds weights, with its output shape, its parameter count and the count
# the formula above predicts (batch normalisation has four vectors per channel: scale and shift, which train, and
# the moving mean and variance, which do not).

# %% tags=["nbval-check-output"]
def expected_params(layer):
    """Parameter count of a layer from the formulas in the text."""
    if isinstance(layer, (layers.Conv2D, layers.Conv2DTranspose)):
        k, = set(layer.kernel_size)
        c_in = layer.input.shape[-1]
        c_out = layer.filters
        return k * k * c_in * c_out + (c_out if layer.use_bias else 0)
    if isinstance(layer, layers.Dense):
        return layer.input.shape[-1] * layer.units + (layer.units if layer.use_bias else 0)
    if isinstance(layer, layers.BatchNormalization):
        return 4 * layer.input.shape[-1]
    return 0


generator, discriminator = make_generator(), make_discriminator()
for model in (generator, discriminator):
    print(f"{model.name}: {model.count_params():,} parameters")
    for layer in model.layers:
        if layer.weights:
            print(f"  {layer.name:12s} {str(layer.output.shape[1:]):15s} {layer.count_params():8,d} "
                  f"(formula {expected_params(layer):,})")

# %% [markdown]
# ### 1.1 These are `utils.dcgan_generator` and `utils.dcgan_discriminator`
#
# Notebooks 22, 23 and 26 call the `utils` builders. They are the same networks: same layer types in the same
# order with the same output shapes and parameter counts, and, given the same weights, the same outputs.

# %% tags=["nbval-check-output"]
def signature(model):
    """(layer type, output shape, parameter count) for every layer except the input."""
    return [(type(layer).__name__, tuple(layer.output.shape[1:]), layer.count_params())
            for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]


pairs = ((make_generator(), utils.dcgan_generator(LATENT_DIM, WIDTH), np.random.default_rng(0).standard_normal(
    (8, LATENT_DIM)).astype("float32")),
         (make_discriminator(), utils.dcgan_discriminator(WIDTH, dropout=DROPOUT),
          utils.load_mnist("test", scale="[-1,1]", subset=8, seed=0)[0]))
for ours, theirs, inputs in pairs:
    theirs.set_weights(ours.get_weights())  # fails loudly if the weight shapes differ
    gap = np.max(np.abs(ours.predict(inputs, verbose=0) - theirs.predict(inputs, verbose=0)))
    print(f"{ours.name:13s} same layers, shapes and counts: {signature(ours) == signature(theirs)}; "
          f"parameters {ours.count_params():,} vs {theirs.count_params():,}; max output difference {gap:.1e}")

# %% [markdown]
# ## 2. Checkpoints that let a run resume
#
# A GAN's training state is more than its weights: both optimisers carry Adam's two moment estimates and a step
# counter, `utils.GAN` draws its noise from a `keras.random.SeedGenerator` whose state advances at every step, each
# `Dropout` layer has a random stream of its own, and the loop needs to know the epoch. A resumed run is the same
# run only if all of it comes back.
#
# `tf.train.Checkpoint` saves exactly the objects we name, and `tf.train.CheckpointManager` numbers the files
# and keeps the last few. Two details matter. First, Keras creates an optimiser's moment variables lazily, at
# the first update; a fresh optimiser has none to restore into, so we `build` both optimisers before saving
# or restoring. Second, `tf.train.Checkpoint` does not follow the random streams of Keras layers, so we list
# them explicitly.

# %%
def build_gan(seed, width=WIDTH):
    """A compiled utils.GAN with fresh networks and both optimisers built (so that they can be restored into)."""
    utils.set_seed(seed)
    gan = utils.GAN(make_generator(width=width), make_discriminator(width=width), LATENT_DIM, seed=seed)
    gan.compile(d_optimizer=keras.optimizers.Adam(LEARNING_RATE, beta_1=BETA_1),
                g_optimizer=keras.optimizers.Adam(LEARNING_RATE, beta_1=BETA_1))
    gan.d_optimizer.build(gan.discriminator.trainable_variables)
    gan.g_optimizer.build(gan.generator.trainable_variables)
    return gan


def random_streams(gan):
    """Every random-number state the training step advances: the GAN's noise and each dropout layer's stream."""
    return [gan.seed_generator.state] + [v for v in gan.generator.variables + gan.discriminator.variables
                                         if "seed_generator" in v.path]


def make_checkpoint(gan, folder, max_to_keep=2):
    """A CheckpointManager over the whole training state, and the epoch counter it saves."""
    epoch = tf.Variable(0, dtype=tf.int64, trainable=False, name="epoch")
    checkpoint = tf.train.Checkpoint(generator=gan.generator, discriminator=gan.discriminator,
                                     d_optimizer=gan.d_optimizer, g_optimizer=gan.g_optimizer,
                                     random_streams=random_streams(gan), epoch=epoch)
    return tf.train.CheckpointManager(checkpoint, folder, max_to_keep=max_to_keep), epoch


class SaveCheckpoint(keras.callbacks.Callback):
    """Save the training state at the end of every epoch (epoch counter = epochs completed)."""

    def __init__(self, manager, epoch):
        super().__init__()
        self.manager, self.epoch = manager, epoch

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.assign(epoch + 1)
        self.manager.save(checkpoint_number=epoch + 1)


def restore_latest(manager, epoch):
    """Restore the newest checkpoint of the manager's folder, if any; return the number of epochs it completed."""
    if manager.latest_checkpoint is None:
        return 0
    manager.checkpoint.restore(manager.latest_checkpoint).assert_existing_objects_matched()
    return int(epoch.numpy())


def state_of(gan):
    """Every variable of the training state, as NumPy arrays (weights, BN statistics, Adam, random streams)."""
    variables = (gan.generator.variables + gan.discriminator.variables + gan.d_optimizer.variables
                 + gan.g_optimizer.variables + [gan.seed_generator.state])
    return [v.numpy() for v in variables]


def max_gap(a, b):
    return max(float(np.max(np.abs(x.astype(np.float64) - y.astype(np.float64)))) for x, y in zip(a, b, strict=True))


# %% [markdown]
# **The experiment.** A small DCGAN (`WIDTH` 8, 512 images, batches of 64, no shuffling so that every run sees
# the batches in the same order) trains for 4 epochs without interruption. A second run of the same model
# crashes on purpose after epoch 2 (a callback raises). Then we build *fresh* models from another seed, restore
# the latest checkpoint into them, compare their state with the crashed run's state, and let `fit` continue from
# `initial_epoch=2` to epoch 4.

# %% tags=["nbval-check-output"]
class Crash(keras.callbacks.Callback):
    """Raise at the end of epoch `after` (1-based), as a power cut would."""

    def __init__(self, after):
        super().__init__()
        self.after = after

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 == self.after:
            raise RuntimeError(f"simulated interruption after epoch {self.after}")


demo_x, _ = utils.load_mnist("train", scale="[-1,1]", subset=512, seed=SEED)
demo_data = utils.make_dataset(demo_x, batch_size=64, shuffle=False)

reference = build_gan(SEED, width=8)
reference.fit(demo_data, epochs=4, verbose=0)

demo_folder = Path(tempfile.mkdtemp(prefix="21_checkpoints_"))
crashed = build_gan(SEED, width=8)
manager, epoch_counter = make_checkpoint(crashed, demo_folder)
try:
    crashed.fit(demo_data, epochs=4, verbose=0, callbacks=[SaveCheckpoint(manager, epoch_counter), Crash(after=2)])
except RuntimeError as err:
    print("training stopped:", err)
print("checkpoints on disk:", sorted(p.name for p in demo_folder.glob("*.index")))

resumed = build_gan(SEED + 1, width=8)  # other initial weights and random streams, to be overwritten
print("fresh models differ from the crashed run before restoring:", max_gap(state_of(resumed), state_of(crashed)) > 0)
manager, epoch_counter = make_checkpoint(resumed, demo_folder)
start = restore_latest(manager, epoch_counter)
print(f"restored epoch {start}; max difference to the crashed run's state: "
      f"{max_gap(state_of(resumed), state_of(crashed)):.1e} over {len(state_of(resumed))} variables")
history = resumed.fit(demo_data, initial_epoch=start, epochs=4, verbose=0,
                      callbacks=[SaveCheckpoint(manager, epoch_counter)])
print(f"resumed run trained epochs {[e + 1 for e in history.epoch]}; after epoch 4, max difference to the "
      f"uninterrupted run: {max_gap(state_of(resumed), state_of(reference)):.1e}")

# %% [markdown]
# The restored state equals the crashed run's state in every variable, and the resumed run ends **exactly** where
# the uninterrupted run ends: same weights, same Adam moments, same random streams, to the last bit. (Exact
# equality needs the same batches in the same order. With shuffled data, `fit` builds a new `tf.data` iterator
# after the restart, so the resumed epochs see other permutations: a statistically equivalent run, not the same
# one. Exercise 3 closes that gap.)
#
# **What about `keras.callbacks.BackupAndRestore`?** It is Keras's built-in answer: it calls `save_weights` on
# the model every epoch and `load_weights` when `fit` starts again. With the GAN wrapper it needs the model built
# (call it once) and both optimisers built, or the Adam moments are skipped on restore with a warning. Even then
# it is not the same run, because the random streams are not variables of the models' weight files:

# %%
backup_folder = demo_folder / "backup"
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # the wrapper's unused default optimiser gets a size-mismatch warning
    crashed = build_gan(SEED, width=8)
    crashed(np.zeros((1, LATENT_DIM), "float32"))  # BackupAndRestore refuses an unbuilt model
    try:
        crashed.fit(demo_data, epochs=4, verbose=0,
                    callbacks=[keras.callbacks.BackupAndRestore(str(backup_folder)), Crash(after=2)])
    except RuntimeError as err:
        print("training stopped:", err)
    with h5py.File(backup_folder / "latest.weights.h5") as f:
        print("groups in the backup file:", sorted(f.keys()), "; top-level variables:", len(f["vars"]))
    resumed = build_gan(SEED + 1, width=8)
    resumed(np.zeros((1, LATENT_DIM), "float32"))
    history = resumed.fit(demo_data, epochs=4, verbose=0,
                          callbacks=[keras.callbacks.BackupAndRestore(str(backup_folder))])
same = max_gap(state_of(resumed), state_of(reference)) == 0.0
print(f"resumed run trained epochs {[e + 1 for e in history.epoch]}; identical to the uninterrupted run: {same}")
shutil.rmtree(demo_folder)

# %% [markdown]
# `BackupAndRestore` resumes at the right epoch with the right weights and optimiser state, but the noise stream
# of `utils.GAN` (not a model weight) restarts from its seed, so the resumed run draws other $z$'s and drifts away
# from the uninterrupted one. For a long run that is usually acceptable; for a reproducible course it is not, so
# the main run below uses the `tf.train.Checkpoint` version.
#
# ## 3. Training with three callbacks
#
# The main run trains `utils.GAN` (notebook 20 wrote its `train_step`) with our two networks on `TRAIN_SUBSET`
# MNIST images in $[-1, 1]$, shuffled, in batches of `BATCH_SIZE`. Three callbacks watch it:
#
# - `utils.SampleSnapshots` keeps the generator's images for `PROGRESS_IMAGES` fixed noise vectors after every
#   epoch: the frames of the progress strip;
# - `FrechetPerEpoch` (below) generates `FD_SAMPLES` images from fixed noise after every epoch and judges them with
#   `utils.evaluation.evaluate_images` against as many test images: FD, its real-vs-real floor at the same $n$,
#   and the Inception-style score;
# - `SaveCheckpoint` from section 2, in a folder under `utils.output_dir()/checkpoints/21` whose name is a hash
#   of the settings, so that a checkpoint is only ever resumed by a run with the same settings. The per-epoch
#   records are saved next to it. If the notebook is interrupted, running it again (with `RESUME = True`)
#   continues from the last completed epoch; a run that completes deletes its folder.
#
# The generator is in training mode while it trains (batch statistics), and in inference mode (moving averages)
# whenever a callback asks it for images.

# %%
class FrechetPerEpoch(keras.callbacks.Callback):
    """After every epoch: FD (and its real-vs-real floor) and the Inception-style score of n generated images."""

    def __init__(self, n, seed, records=None):
        super().__init__()
        self.n, self.seed = n, seed
        self.records = {} if records is None else records  # epoch -> metrics dict

    def on_epoch_end(self, epoch, logs=None):
        images = self.model.generate(self.n, seed=self.seed)  # the same noise vectors every epoch
        metrics = evaluation.evaluate_images(images, "[-1,1]", seed=self.seed)
        self.records[epoch + 1] = {key: float(metrics[key]) for key in
                                   ("fd", "fd_floor", "inception_score", "inception_score_real")}
        self.records[epoch + 1].update({key: float(value) for key, value in (logs or {}).items()})


class SaveRecords(keras.callbacks.Callback):
    """Write the per-epoch records and snapshots next to the checkpoint, so a resumed run keeps its history."""

    def __init__(self, folder, fd_callback, snapshots):
        super().__init__()
        self.folder, self.fd_callback, self.snapshots = folder, fd_callback, snapshots

    def on_epoch_end(self, epoch, logs=None):
        (self.folder / "records.json").write_text(json.dumps(self.fd_callback.records))
        np.savez(self.folder / "snapshots.npz", epochs=[e for e, _ in self.snapshots.snapshots],
                 images=np.stack([images for _, images in self.snapshots.snapshots]))


# %%
x_train, _ = utils.load_mnist("train", scale="[-1,1]", subset=None if TRAIN_SUBSET == 60000 else TRAIN_SUBSET,
                              seed=SEED)
fixed_z = np.random.default_rng(SEED).standard_normal((PROGRESS_IMAGES, LATENT_DIM)).astype("float32")
settings = json.dumps({k: v for k, v in params.items() if k not in ("RESUME", "EVAL_SAMPLES")}, sort_keys=True)
run_folder = utils.output_dir() / "checkpoints" / "21" / hashlib.sha256(settings.encode()).hexdigest()[:12]
if not RESUME and run_folder.exists():
    shutil.rmtree(run_folder)
run_folder.mkdir(parents=True, exist_ok=True)

gan = build_gan(SEED)
manager, epoch_counter = make_checkpoint(gan, run_folder)
start_epoch = restore_latest(manager, epoch_counter)
snapshots = utils.SampleSnapshots(fixed_z)
fd_callback = FrechetPerEpoch(FD_SAMPLES, seed=SEED)
if start_epoch:
    fd_callback.records = {int(k): v for k, v in json.loads((run_folder / "records.json").read_text()).items()}
    with np.load(run_folder / "snapshots.npz") as saved:
        snapshots.snapshots = [(int(e), images) for e, images in zip(saved["epochs"], saved["images"], strict=True)]
    print(f"resuming from the checkpoint of epoch {start_epoch} in {run_folder}")
print(f"{len(x_train):,} training images, {int(np.ceil(len(x_train) / BATCH_SIZE))} steps per epoch; "
      f"epochs {start_epoch + 1} to {EPOCHS}")

wall, cpu = time.perf_counter(), time.process_time()
gan.fit(utils.make_dataset(x_train, batch_size=BATCH_SIZE, seed=SEED), initial_epoch=start_epoch, epochs=EPOCHS,
        verbose=0, callbacks=[snapshots, fd_callback, SaveCheckpoint(manager, epoch_counter),
                              SaveRecords(run_folder, fd_callback, snapshots)])
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
shutil.rmtree(run_folder)  # the run is complete: nothing left to resume
records = fd_callback.records
print(f"trained {EPOCHS - start_epoch} epochs in {wall:.0f} s wall, {cpu:.0f} s CPU "
      f"({cpu / max(EPOCHS - start_epoch, 1):.0f} s CPU per epoch, all callbacks included)")
print("epoch  d_loss  g_loss  d_real  d_fake      FD  (floor)    IS")
for e, r in sorted(records.items()):
    print(f"{e:5d}  {r['d_loss']:6.3f}  {r['g_loss']:6.3f}  {r['d_real']:6.3f}  {r['d_fake']:6.3f}  "
          f"{r['fd']:6.2f}  ({r['fd_floor']:.2f})  {r['inception_score']:5.2f}")

# %% [markdown]
# ## 4. The progress strip
#
# Each frame shows the same `PROGRESS_IMAGES` noise vectors after one more epoch, so differences between frames
# are the generator's progress and nothing else. The strip is saved as a figure, and the frames also as an
# animated GIF next to the figures (`figures/21_progress.gif`).

# %%
def mosaic(images):
    """A square batch of images in [-1, 1] -> one 2-D array in [0, 1] with a 1-pixel gap between images."""
    side = int(np.sqrt(len(images)))
    tiles = np.pad((images[..., 0] + 1) / 2, ((0, 0), (1, 1), (1, 1)), constant_values=1.0)
    return tiles.reshape(side, side, 30, 30).transpose(0, 2, 1, 3).reshape(side * 30, side * 30)


frames = snapshots.snapshots
if len(frames) > 10:  # at most ten frames in the strip, always the first and the last
    frames = [frames[i] for i in sorted(set(np.linspace(0, len(frames) - 1, 10).round().astype(int)))]
fig, axes = plt.subplots(1, len(frames), figsize=(1.9 * len(frames), 2.3), squeeze=False)
for ax, (epoch, images) in zip(axes[0], frames, strict=True):
    ax.imshow(mosaic(images), cmap="gray", vmin=0, vmax=1)
    ax.set_title(f"epoch {epoch}", fontsize=9)
    ax.axis("off")
fig.suptitle(f"DCGAN (width {WIDTH}): {PROGRESS_IMAGES} fixed noise vectors after each epoch", fontsize=10)
fig.tight_layout()
utils.save_figure(fig, "21_progress_strip")

gif_frames = [Image.fromarray((255 * mosaic(images)).round().astype(np.uint8)).resize((240, 240), Image.NEAREST)
              for _, images in snapshots.snapshots]
gif_path = utils.figures_dir() / "21_progress.gif"
gif_frames[0].save(gif_path, save_all=True, append_images=gif_frames[1:], duration=600, loop=0)
with Image.open(gif_path) as gif:
    print(f"{gif_path.name}: {gif.n_frames} frames of {gif.size[0]}x{gif.size[1]} pixels")

# %% [markdown]
# In the first frame the generator already draws bright strokes on a black background, but few of them are digits; by epoch 3 most are recognisable, and later epochs mostly refine them, though a few positions still switch from one digit to another. Fixed noise makes this visible: each position in the 4×4 mosaic keeps its identity from frame to frame.
#
# ## 5. The Fréchet distance per epoch
#
# The FD per epoch is computed on `FD_SAMPLES` images, and an FD at small $n$ is biased upwards; so the plot
# shows the floor at the same $n$: the FD between as many real training images and the same test images. No
# generator can be expected to go below it.

# %%
epochs_axis = sorted(records)
fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
axes[0].plot(epochs_axis, [records[e]["fd"] for e in epochs_axis], marker="o", label="DCGAN samples")
axes[0].axhline(records[epochs_axis[-1]]["fd_floor"], color="grey", ls="--",
                label=f"real-vs-real floor ({records[epochs_axis[-1]]['fd_floor']:.2f})")
axes[0].set(title=f"Classifier FD, n = {FD_SAMPLES:,}", xlabel="epoch", ylabel="FD (log scale)", yscale="log")
axes[1].plot(epochs_axis, [records[e]["inception_score"] for e in epochs_axis], marker="o", label="DCGAN samples")
axes[1].axhline(records[epochs_axis[-1]]["inception_score_real"], color="grey", ls="--",
                label=f"test images ({records[epochs_axis[-1]]['inception_score_real']:.2f})")
axes[1].set(title=f"Inception-style score, n = {FD_SAMPLES:,}", xlabel="epoch", ylim=(1, 10))
for ax in axes:
    ax.legend(fontsize=8)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
fig.tight_layout()
utils.save_figure(fig, "21_fd_per_epoch")
first, last = records[epochs_axis[0]], records[epochs_axis[-1]]
print(f"FD at n={FD_SAMPLES:,}: epoch {epochs_axis[0]} {first['fd']:.1f}, epoch {epochs_axis[-1]} {last['fd']:.1f} "
      f"(real-vs-real floor {last['fd_floor']:.2f})")
results.record("dcgan_fd_first_epoch", first["fd"], unit="",
               description=f"DCGAN after epoch {epochs_axis[0]}: classifier FD of {FD_SAMPLES:,} samples to as many "
                           f"test images (floor {first['fd_floor']:.2f})")
results.record("dcgan_fd_last_epoch", last["fd"], unit="",
               description=f"DCGAN after epoch {epochs_axis[-1]}: classifier FD of {FD_SAMPLES:,} samples to as "
                           f"many test images (floor {last['fd_floor']:.2f})")

# %% [markdown]
# The FD falls at every epoch, from 84.9 after the first to 26.4 after the tenth, while the Inception-style score rises from 4.5 to 6.9. The FD is still moving at the end (−4% in the last epoch) while the score has flattened near 6.9: ten epochs are not enough for this generator to converge, and the last FD is still about 13 times the real-vs-real floor at the same $n$ (2.02). The losses in section 3 tell a different story: from epoch 2 on they barely move ($D(x) \approx 0.53$–$0.56$, $D(G(z)) \approx 0.44$–$0.47$), because both players improve together. The losses show that the game is balanced; only the FD shows that the generator keeps improving.
#
# ## 6. The final generator, judged on 10,000 samples
#
# The course's targets for this notebook: FD at most 5 times the real-vs-real floor at $n = 10{,}000$, and an
# Inception-style score of at least 9 (the test images score about 9.6 with the course classifier).

# %%
fakes = gan.generate(EVAL_SAMPLES, seed=SEED + 1)  # noise never used during training or per-epoch evaluation
final = evaluation.evaluate_images(fakes, "[-1,1]", seed=SEED)
ratio = final["fd"] / final["fd_floor"]
print(evaluation.format_metrics(final, f"DCGAN, {EPOCHS} epochs"))
print(f"FD / floor = {ratio:.1f} (target <= 5: {'met' if ratio <= 5 else 'MISSED'}); Inception-style score "
      f"{final['inception_score']:.2f} (target >= 9: {'met' if final['inception_score'] >= 9 else 'MISSED'})")
digits = np.bincount(evaluation.classifier_probs(fakes, "[-1,1]").argmax(axis=1), minlength=10)
print("classifier's digit counts among the samples (%):", np.round(100 * digits / digits.sum()).astype(int))
n_text = f"{final['n']:,}"
results.record("dcgan_fd_10k", final["fd"], unit="",
               description=f"DCGAN (width {WIDTH}, {EPOCHS} epochs): classifier FD of {n_text} samples to as many "
                           "MNIST test images")
results.record("dcgan_fd_floor_10k", final["fd_floor"], unit="",
               description=f"real-vs-real floor for dcgan_fd_10k: FD of {n_text} training images to the same "
                           "test images")
results.record("dcgan_fd_ratio", ratio, unit="x",
               description="dcgan_fd_10k divided by its real-vs-real floor (course target: at most 5)")
results.record("dcgan_inception_score", final["inception_score"], unit="",
               description=f"DCGAN: Inception-style score with the course classifier on {n_text} samples (target at "
                           f"least 9; test images {final['inception_score_real']:.2f})")
results.record("dcgan_precision", final["precision"], unit="fraction",
               description="DCGAN: precision (Kynkäänniemi et al. 2019, k=3), share of samples on the real manifold")
results.record("dcgan_recall", final["recall"], unit="fraction",
               description="DCGAN: recall (k=3), share of test images covered by the samples' manifold")

# %%
fig = utils.image_grid(fakes[:100], ncols=10, value_range=(-1, 1),
                       title=f"DCGAN (width {WIDTH}) after {EPOCHS} epochs: 100 samples")
utils.save_figure(fig, "21_samples")

# %% [markdown]
# **Both targets are missed.** With the default parameters (width 32, 10 epochs, batches of 64) the FD at $n = 10{,}000$ is 26.0, **37 times** the real-vs-real floor of 0.71 (target: at most 5), and the Inception-style score is **7.07** (target: at least 9; the test images score 9.75). The samples are digit-like strokes in roughly the right proportions (every digit gets 7–14% of the samples, so there is no mode collapse, and recall is 0.75), but many are malformed, which is what the precision of 0.44 and the score say. The FD per epoch in section 5 was still falling when training stopped, so the budget is one limit: the 10-minute CPU budget allows about ten epochs of this model. It is not the only one: in a separate probe with the same networks made class-conditional (notebook 22), the FD at $n = 2{,}000$ fell about twice as fast, so the unconditional generator also struggles to place its samples among the ten digits. In an earlier probe with batches of 128 (the paper's size, half the steps for the same CPU time), the FD after 6 epochs was 48.1 at $n = 10{,}000$, against 34.9 with batches of 64. Exercise 4 asks how far more epochs and other widths get for a given CPU time.

# %% [markdown]
# ## Summary
#
# - The DCGAN generator projects $z$ to a 7×7 map and doubles its side twice with stride-2 transposed convolutions (batch normalisation and ReLU between them, `tanh` at the end); the discriminator halves the side twice with stride-2 convolutions and LeakyReLU. Our 28×28 version follows Radford et al. (2016) except for dropout instead of batch normalisation in $D$ and Keras's default initialisation. It has the same layers, shapes and outputs as `utils.dcgan_generator` / `utils.dcgan_discriminator`.
# - A GAN's training state is both networks, both optimisers (built before restoring), the random streams and the epoch. A `tf.train.Checkpoint` over all of it let an interrupted run resume and end bit for bit where an uninterrupted run ends. `BackupAndRestore` restores weights and optimisers but not `utils.GAN`'s noise stream, so its resumed run differs.
# - Fixed-noise snapshots give a progress strip and a GIF, and a callback gives the FD after every epoch. The FD fell from 84.9 to 26.4 at $n = 2{,}000$ (floor 2.02) while the losses stayed flat.
# - After 10 epochs (about 10 CPU minutes), FD at $n = 10{,}000$ is 26.0, 37 times the floor of 0.71, and the Inception-style score is 7.07. **Both of the course's targets (≤ 5× floor, ≥ 9) are missed** within this budget; the FD was still falling when training stopped.
#
# ## Exercises

# %% [markdown]
# **Exercise 1.** With `padding="valid"`, a transposed convolution maps a side of length $n$ to $(n-1)s + k$.
# Check this formula for $k \in \{3, 4, 5\}$, $s \in \{1, 2, 3\}$ on a 7×7 input, and say which $(k, s)$ would take
# 7×7 to 28×28 in one layer.

# %% tags=["solution"]
for k in (3, 4, 5):
    for s in (1, 2, 3):
        out = layers.Conv2DTranspose(1, k, strides=s, padding="valid")(np.zeros((1, 7, 7, 1), "float32")).shape[1]
        print(f"k={k} s={s}: Keras {out:2d}, formula {(7 - 1) * s + k:2d}")
print("one layer 7 -> 28 with 'valid' padding needs (7 - 1) s + k = 28, e.g. s = 4, k = 4")

# %% [markdown]
# **Exercise 2.** Radford et al. use batch normalisation in the discriminator too. Replace the dropout layers of
# `make_discriminator` by `BatchNormalization` (not after the first convolution, as in the paper), train with the
# settings of section 3, and compare the FD per epoch. Is the difference larger than what a second seed of the
# unchanged model gives?
#
# **Exercise 3.** Make the resumed run of section 2 bit-identical *with* shuffled data. Hint: build the dataset
# for epoch $e$ with `utils.make_dataset(x, batch_size=..., seed=SEED + e)` inside a loop that calls
# `gan.fit(..., initial_epoch=e, epochs=e + 1)` once per epoch, so that every epoch's order depends only on $e$.
#
# **Exercise 4.** Train with `WIDTH` 16, 32 and 64 for the same CPU time (not the same number of epochs) and
# plot the final FD against the CPU seconds. Which width would you choose for a 10-minute budget?

# %% [markdown]
# ## References
#
# - Radford, A., Metz, L., Chintala, S. (2016). Unsupervised representation learning with deep convolutional
#   generative adversarial networks. *International Conference on Learning Representations (ICLR 2016)*.
# - Goodfellow, I., Pouget-Abadie, J., Mirza, M., Xu, B., Warde-Farley, D., Ozair, S., Courville, A., Bengio, Y.
#   (2014). Generative adversarial nets. *Advances in Neural Information Processing Systems 27 (NIPS 2014)*.
# - Ioffe, S., Szegedy, C. (2015). Batch normalization: accelerating deep network training by reducing internal
#   covariate shift. *International Conference on Machine Learning (ICML 2015)*.
# - Dumoulin, V., Visin, F. (2016). A guide to convolution arithmetic for deep learning. *arXiv:1603.07285*.
# - Odena, A., Dumoulin, V., Olah, C. (2016). Deconvolution and checkerboard artifacts. *Distill*.
# - Heusel, M., Ramsauer, H., Unterthiner, T., Nessler, B., Hochreiter, S. (2017). GANs trained by a two
#   time-scale update rule converge to a local Nash equilibrium. *Advances in Neural Information Processing
#   Systems 30 (NeurIPS 2017)*.
# - Salimans, T., Goodfellow, I., Zaremba, W., Cheung, V., Radford, A., Chen, X. (2016). Improved techniques for
#   training GANs. *Advances in Neural Information Processing Systems 29 (NeurIPS 2016)*.
# - Kynkäänniemi, T., Karras, T., Laine, S., Lehtinen, J., Aila, T. (2019). Improved precision and recall metric
#   for assessing generative models. *Advances in Neural Information Processing Systems 32 (NeurIPS 2019)*.
# - Kingma, D. P., Ba, J. (2015). Adam: a method for stochastic optimization. *International Conference on
#   Learning Representations (ICLR 2015)*.
