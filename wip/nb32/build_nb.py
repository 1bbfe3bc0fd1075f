"""Build the draft of notebook 32 (wip/nb32/32_efficiency_and_scale.ipynb) from the cells below.

Run: .venv/bin/python wip/nb32/build_nb.py   (writes the notebook without outputs; execute it with papermill)
"""

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
from nbtools import write_notebook  # noqa: E402

CELLS = []


def md(text, tags=(), hidden=False):
    CELLS.append(("markdown", text.strip("\n"), list(tags), hidden))


def code(text, tags=(), hidden=False):
    CELLS.append(("code", text.strip("\n"), list(tags), hidden))


md(r"""
# 32 · Efficiency and scale: compiled steps, input pipelines, mixed precision and `tf.distribute`

The article says that GANs are expensive to train and points to better optimisation and distributed computing.
This notebook measures what that means for the course's own GAN (`utils.GAN`) on the machine it runs on: one
training step run eagerly, as a `tf.function` graph and compiled with XLA; how the batch size changes the number
of images per second; `tf.data` with prefetching against NumPy arrays; and where the time of one step goes. Mixed
precision is explained, and measured only where a GPU exists. Then the same `utils.GAN` is trained with `fit`
under `tf.distribute.MirroredStrategy` on two logical CPU devices and checked against the single-device run, and
two worker processes on 127.0.0.1 train one GAN together with `MultiWorkerMirroredStrategy`, which Keras 3's `fit`
does not support; the notebook shows the error, the training loop that works instead, and what changes on a real
cluster.

## Learning objectives
- Time a training step in CPU seconds and wall seconds, separate the one-off cost of tracing or compiling from
  the cost per step, and explain why `tf.function` is faster than eager execution and when XLA helps.
- Read a batch-size curve (images per second) and a timing breakdown of one GAN step, and choose an input
  pipeline (`tf.data`, `prefetch`) from measurements rather than folklore.
- Explain mixed precision: float16 and bfloat16 ranges, float32 master weights, loss scaling, and why
  `utils.GAN` would need `optimizer.scale_loss` for float16.
- Train a custom `train_step` model with `fit` under `MirroredStrategy`, explain how the loss is scaled per
  replica and how the gradients are summed, and check that it learns like the single-device run.
- Start a two-process `MultiWorkerMirroredStrategy` job from Python (`TF_CONFIG`, free ports), train with a
  `strategy.run` loop, and know what changes on a multi-GPU or multi-host cluster.

## Prerequisites
[20_vanilla_gan](20_vanilla_gan.ipynb) (the `train_step` of `utils.GAN`), [21_dcgan](21_dcgan.ipynb) (the
convolutional networks) and [25_evaluating_generative_models](25_evaluating_generative_models.ipynb) (the
classifier Fréchet distance and its floor).

## Run time
DRAFT: to be measured by the reproduce command. Budget: at most 10 CPU-minutes on a 2-core CPU with the default
parameters, including the two worker processes; `FAST=True` well under a minute. All speeds below are measured on
the machine that ran the notebook, in CPU seconds (all threads of the process) beside wall seconds.
""")

md("## Setup")

code(r"""
import utils  # isort: skip  (first: it starts TensorFlow quietly)

import inspect
import json
import re
import tempfile
from pathlib import Path

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from keras import ops

from utils import distributed, evaluation

# Two logical CPU devices on the one physical CPU, for MirroredStrategy in section 7. This must happen before
# TensorFlow starts its runtime (the first operation); every other section runs on the first of them.
physical_cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(physical_cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
gpus = tf.config.list_physical_devices("GPU")
print(f"TensorFlow {tf.__version__}, Keras {keras.__version__}; logical CPUs "
      f"{[d.name for d in tf.config.list_logical_devices('CPU')]}; GPUs: {len(gpus)}")
""")

code(r"""
FAST = False  # True: a few steps of everything (what the test suite runs)
SEED = 0  # seeds NumPy, TensorFlow and the GANs' noise
LATENT_DIM = 64  # noise size of the DCGAN that sections 2-6 time
WIDTH = 32  # channels of the DCGAN's first convolution (utils.dcgan_generator/discriminator)
TIMING_BATCH = 64  # batch size of the step timings
TIMING_STEPS = 30  # timed steps per mode after the first call (tf.function and XLA)
EAGER_STEPS = 5  # timed eager steps (each costs several graph steps)
BATCH_SIZES = (16, 32, 64, 128, 256)  # batch sizes of the images-per-second curve
BATCH_STEPS = 10  # timed steps per batch size
PIPELINE_IMAGES = 4096  # images of one epoch in the input-pipeline comparison
BREAKDOWN_STEPS = 20  # timed calls per piece in the timing breakdown
MLP_LATENT = 64  # noise size of the MLP GAN of sections 7 and 8
MLP_HIDDEN = (128, 256)  # hidden widths of its generator (the discriminator mirrors them)
LEARNING_RATE = 0.001  # Adam (beta_1 0.5) for both networks of every GAN here
TRAIN_IMAGES = 6016  # training images of the single-device, mirrored and two-worker runs (a multiple of 64)
DIST_BATCH = 64  # global batch of those runs (32 per replica with two replicas)
DIST_EPOCHS = 5  # epochs of those runs
DIST_SEEDS = 3  # seeds of the single-device run (their spread is the tolerance of the comparison)
FD_SAMPLES = 2000  # generated images per Fréchet distance
WORKER_TIMEOUT = 600  # seconds before the two worker processes are stopped
""", tags=["parameters"])

code(r"""
def batch_sizes(name, value):
    if not isinstance(value, tuple) or len(value) < 2 or not all(
            isinstance(b, int) and not isinstance(b, bool) and 2 <= b <= 4096 for b in value):
        raise TypeError(f"{name} must be a tuple of at least two batch sizes (ints from 2 to 4096), got {value!r}")


def widths(name, value):
    if not isinstance(value, tuple) or not value or not all(
            isinstance(w, int) and not isinstance(w, bool) and 1 <= w <= 4096 for w in value):
        raise TypeError(f"{name} must be a non-empty tuple of layer widths (ints from 1 to 4096), got {value!r}")


params = utils.check_parameters(globals(), {
    "FAST": bool, "SEED": (int, 0, 2**31 - 1000), "LATENT_DIM": (int, 1, 1024), "WIDTH": (int, 1, 256),
    "TIMING_BATCH": (int, 2, 4096), "TIMING_STEPS": (int, 1, 10000), "EAGER_STEPS": (int, 1, 1000),
    "BATCH_SIZES": batch_sizes, "BATCH_STEPS": (int, 1, 10000), "PIPELINE_IMAGES": (int, 256, 60000),
    "BREAKDOWN_STEPS": (int, 1, 10000), "MLP_LATENT": (int, 1, 1024), "MLP_HIDDEN": widths,
    "LEARNING_RATE": (float, 1e-6, 1.0), "TRAIN_IMAGES": (int, 256, 60000), "DIST_BATCH": (int, 2, 4096),
    "DIST_EPOCHS": (int, 1, 1000), "DIST_SEEDS": (int, 2, 10), "FD_SAMPLES": (int, 100, 10000),
    "WORKER_TIMEOUT": (int, 30, 7200),
}, fast={"WIDTH": 16, "TIMING_STEPS": 5, "EAGER_STEPS": 2, "BATCH_SIZES": (32, 128), "BATCH_STEPS": 3,
         "PIPELINE_IMAGES": 512, "BREAKDOWN_STEPS": 3, "MLP_HIDDEN": (64, 128), "TRAIN_IMAGES": 1024,
         "DIST_EPOCHS": 2, "DIST_SEEDS": 2, "FD_SAMPLES": 500})
if DIST_BATCH % 2 or TRAIN_IMAGES % DIST_BATCH:
    raise ValueError(f"DIST_BATCH ({DIST_BATCH}) must be even (two replicas) and divide TRAIN_IMAGES ({TRAIN_IMAGES})")
if PIPELINE_IMAGES % TIMING_BATCH:
    raise ValueError(f"PIPELINE_IMAGES ({PIPELINE_IMAGES}) must be a multiple of TIMING_BATCH ({TIMING_BATCH})")
utils.set_seed(SEED)
results = utils.Results("32_efficiency_and_scale", {k: v for k, v in params.items() if not isinstance(v, tuple)})
x_train, _ = utils.load_mnist("train", scale="[-1,1]", subset=max(PIPELINE_IMAGES, TRAIN_IMAGES, max(BATCH_SIZES)),
                              seed=SEED)
print(f"{len(x_train):,} training images in [-1, 1]; {tf.config.threading.get_intra_op_parallelism_threads() or 'all'}"
      " TensorFlow threads per op")
""")

md(r"""
## 1. What one GAN step costs

`utils.GAN.train_step` (notebook 20) does, for one batch of $m$ real images: one generator pass on $m$ noise
vectors; the discriminator on the $m$ real and $m$ generated images in training mode, its gradient and an Adam
update; a second, inference-mode discriminator pass over both sets for the `d_real`/`d_fake` metrics (only when the
discriminator has dropout or normalisation, as the DCGAN's has); then the updated discriminator on the generated
images again and the generator's gradient through both networks, and a second Adam update. So one step costs
about three discriminator passes and one generator pass forward, and two backward passes, before any input
pipeline or Python overhead. Everything below times this step on the DCGAN of notebook 21 at a small width.

`TimedGAN` is `utils.GAN` without its per-batch input checks: those are graph assertions whose messages are
built with string operations that XLA cannot compile (section 2 shows the error). All three execution modes use
`TimedGAN`, so they run the same computation.
""")

code(r"""
class TimedGAN(utils.GAN):
    # utils.GAN without the input checks of _unpack (images in [-1, 1]); the training step is unchanged.
    def _unpack(self, data):
        return ops.cast(data, "float32"), None


def make_timed_gan(seed=SEED, width=WIDTH):
    utils.set_seed(seed)  # the same initial weights for every mode
    gan = TimedGAN(utils.dcgan_generator(LATENT_DIM, width), utils.dcgan_discriminator(width), LATENT_DIM, seed=seed)
    gan.compile(keras.optimizers.Adam(LEARNING_RATE, beta_1=0.5), keras.optimizers.Adam(LEARNING_RATE, beta_1=0.5))
    return gan


def sync(out):
    # Wait for a call's results (on a GPU, calls return before the work is done).
    for value in (out.values() if isinstance(out, dict) else [out]):
        ops.convert_to_numpy(value)


def time_calls(fn, args_list, steps):
    # CPU and wall seconds of the first call (tracing and compiling happen there), then per call over `steps`
    # further calls, cycling through args_list; also the first call's result.
    with utils.CpuTimer() as first:
        first_out = fn(*args_list[0])
        sync(first_out)
    with utils.CpuTimer() as rest:
        for i in range(steps):
            out = fn(*args_list[(i + 1) % len(args_list)])
        sync(out)
    timing = {"first_cpu": first.cpu, "first_wall": first.wall, "cpu": rest.cpu / steps, "wall": rest.wall / steps}
    return timing, first_out


gan = make_timed_gan()
print(f"generator {gan.generator.count_params():,} weights, discriminator {gan.discriminator.count_params():,}")
""")

md(r"""
## 2. Eager, `tf.function` and XLA

Run eagerly, every TensorFlow operation of the step is dispatched from Python one at a time. `tf.function` traces
the Python function once into a graph, which TensorFlow then runs without returning to Python between operations
and can optimise as a whole (the TensorFlow guide "Better performance with tf.function"). `jit_compile=True`
additionally hands the graph to XLA, which fuses operations into kernels of its own. Keras's `fit` uses
`tf.function` unless `run_eagerly=True`; its default `jit_compile="auto"` turns XLA on only on a machine with a
GPU and without a distribution strategy, and Keras refuses XLA while TensorFlow's op determinism is on (the course
turns it on in `utils.set_seed`). Here the same
step is wrapped three ways by hand and timed on the same batches.
""")

code(r"""
batches = [(tf.constant(x_train[i:i + TIMING_BATCH]),) for i in range(0, 8 * TIMING_BATCH, TIMING_BATCH)]
modes = {}
for mode, steps in (("eager", EAGER_STEPS), ("tf.function", TIMING_STEPS), ("XLA", TIMING_STEPS)):
    gan = make_timed_gan()
    step = {"eager": gan.train_step, "tf.function": tf.function(gan.train_step),
            "XLA": tf.function(gan.train_step, jit_compile=True)}[mode]
    modes[mode], first_logs = time_calls(step, batches, steps)
    modes[mode]["d_loss_first"] = float(first_logs["d_loss"])

print(f"{'mode':12s} {'first call CPU-s':>16s} {'CPU ms/step':>12s} {'wall ms/step':>13s} {'steps per CPU-s':>16s}"
      f" {'d_loss, step 1':>15s}")
for mode, t in modes.items():
    print(f"{mode:12s} {t['first_cpu']:16.2f} {1000 * t['cpu']:12.1f} {1000 * t['wall']:13.1f} {1 / t['cpu']:16.1f}"
          f" {t['d_loss_first']:15.5f}")
fig, ax = plt.subplots(figsize=(6, 2.4))
ax.barh(list(modes), [1000 * t["cpu"] for t in modes.values()], color=["C1", "C0", "C2"])
ax.invert_yaxis()
ax.set(xlabel="CPU ms per training step", title=f"One DCGAN step (width {WIDTH}, batch {TIMING_BATCH})")
utils.save_figure(fig, "32_step_modes")
plt.show()
speedup = modes["eager"]["cpu"] / modes["tf.function"]["cpu"]
print(f"tf.function is {speedup:.1f}x faster than eager per step in CPU time; XLA/tf.function: "
      f"{modes['XLA']['cpu'] / modes['tf.function']['cpu']:.2f}x the CPU time per step")
for mode, t in modes.items():
    results.record(f"step_cpu_ms_{mode.replace('.', '_').lower()}", 1000 * t["cpu"], unit="CPU ms",
                   description=f"one DCGAN step (width {WIDTH}, batch {TIMING_BATCH}), {mode}")
""")

md(r"""
The first column is paid once per input shape: the first call traces the function (and, for XLA, compiles
it). All three modes start from the same weights and noise, so their first-step losses agree (XLA's
fused kernels may round differently in the last digits). Whether XLA pays back its compile time depends on the
device: on GPUs it removes kernel launches and memory traffic between small operations; on a CPU TensorFlow's
own graph already calls optimised oneDNN kernels for the convolutions, and the table shows what XLA gives here.

utils.GAN itself cannot be compiled by XLA, because of its input checks:
""")

code(r"""
checked = utils.GAN(utils.dcgan_generator(LATENT_DIM, 8), utils.dcgan_discriminator(8), LATENT_DIM, seed=SEED)
checked.compile(keras.optimizers.Adam(LEARNING_RATE), keras.optimizers.Adam(LEARNING_RATE))
try:
    tf.function(checked.train_step, jit_compile=True)(batches[0][0])
except tf.errors.InvalidArgumentError as err:
    found = re.search(r"on (XLA_\w+): (\w+)", err.message)
    print(f"InvalidArgumentError: Detected unsupported operations when trying to compile graph ... on {found[1]}: "
          f"{found[2]}")
""")

md(r"""
## 3. Batch size against images per second

A larger batch gives each operation more work per call, so fixed costs (dispatch, synchronisation, small
kernels that cannot fill the cores) are spread over more images. The curve flattens once the arithmetic itself
dominates. Throughput is not the whole story for a GAN: at a fixed number of images seen, a larger batch makes
fewer updates, and GAN training is sensitive to that (notebook 21's search tuned the batch with the learning
rate).
""")

code(r"""
gan = make_timed_gan()
graph_step = tf.function(gan.train_step)
per_batch = {}
for b in BATCH_SIZES:
    data = [(tf.constant(x_train[i * b:(i + 1) * b]),) for i in range(2)]
    graph_step(*data[0])  # trace for this batch shape
    per_batch[b] = time_calls(graph_step, data, BATCH_STEPS)[0]

fig, ax = plt.subplots(figsize=(6, 3.4))
sizes = np.array(BATCH_SIZES)
ax.plot(sizes, [b / per_batch[b]["cpu"] for b in BATCH_SIZES], marker="o", label="images per CPU-second")
ax.plot(sizes, [b / per_batch[b]["wall"] for b in BATCH_SIZES], marker="s", label="images per wall-second")
ax.set(xscale="log", xlabel="batch size", ylabel="images per second", xticks=sizes, xticklabels=sizes,
       title=f"DCGAN (width {WIDTH}) training step, tf.function")
ax.legend()
utils.save_figure(fig, "32_batch_size")
plt.show()
for b in BATCH_SIZES:
    print(f"batch {b:4d}: {1000 * per_batch[b]['cpu']:7.1f} CPU ms/step, {b / per_batch[b]['cpu']:7.0f} images per"
          f" CPU-s")
results.record("images_per_cpu_s_smallest_batch", BATCH_SIZES[0] / per_batch[BATCH_SIZES[0]]["cpu"],
               unit="images/CPU-s", description=f"batch {BATCH_SIZES[0]}")
results.record("images_per_cpu_s_largest_batch", BATCH_SIZES[-1] / per_batch[BATCH_SIZES[-1]]["cpu"],
               unit="images/CPU-s", description=f"batch {BATCH_SIZES[-1]}")
""")

md(r"""
## 4. Feeding the step: NumPy arrays or `tf.data` with prefetching

`fit` accepts NumPy arrays and turns them into batches itself; a `tf.data.Dataset` states the pipeline
explicitly (shuffle, batch, `prefetch`). `prefetch` lets the pipeline prepare the next batches on other threads
while the current step runs (the TensorFlow guide "Better performance with the tf.data API"), which hides the
input time in wall-clock terms when a core is free; it cannot reduce the CPU work of the input itself. The three
feeds below give `fit` the same images for one epoch of the same `utils.GAN` (input checks on, as the course
trains); the second epoch is timed, since the first includes tracing.
""")

code(r"""
x_pipe = x_train[:PIPELINE_IMAGES]


def numpy_feed():
    return dict(x=x_pipe, batch_size=TIMING_BATCH, shuffle=True)


def tf_data_feed(prefetch):
    dataset = tf.data.Dataset.from_tensor_slices(x_pipe).shuffle(len(x_pipe), seed=SEED)
    dataset = dataset.batch(TIMING_BATCH, drop_remainder=True)
    return dict(x=dataset.prefetch(tf.data.AUTOTUNE) if prefetch else dataset)


feeds = {"NumPy arrays": numpy_feed, "tf.data": lambda: tf_data_feed(False),
         "tf.data + prefetch": lambda: tf_data_feed(True)}
pipeline = {}
for name, feed in feeds.items():
    utils.set_seed(SEED)
    gan = utils.GAN(utils.dcgan_generator(LATENT_DIM, WIDTH), utils.dcgan_discriminator(WIDTH), LATENT_DIM, seed=SEED)
    gan.compile(keras.optimizers.Adam(LEARNING_RATE, beta_1=0.5), keras.optimizers.Adam(LEARNING_RATE, beta_1=0.5))
    timer = utils.EpochTimer()
    gan.fit(**feed(), epochs=2, verbose=0, callbacks=[timer])
    pipeline[name] = (timer.cpu_seconds[1], timer.wall_seconds[1])
steps_per_epoch = PIPELINE_IMAGES // TIMING_BATCH
print(f"{'feed':20s} {'CPU ms/step':>12s} {'wall ms/step':>13s}   ({steps_per_epoch} steps of {TIMING_BATCH} images)")
for name, (cpu, wall) in pipeline.items():
    print(f"{name:20s} {1000 * cpu / steps_per_epoch:12.1f} {1000 * wall / steps_per_epoch:13.1f}")
    results.record(f"fit_cpu_ms_per_step_{name.replace(' + ', '_').replace(' ', '_').replace('.', '_').lower()}",
                   1000 * cpu / steps_per_epoch, unit="CPU ms", description=f"fit, DCGAN width {WIDTH}, {name}")
""")

md(r"""
Here the images sit in memory and a batch is a slice, so the input is a small part of a step whatever the feed;
the differences in the table are of the size of the timing noise on a shared machine unless they are large. The
pipeline matters when each batch costs real work (decoding files, augmentation, the dynamic binarisation of
notebook 13): then `map(..., num_parallel_calls=tf.data.AUTOTUNE)` and `prefetch` keep the step from waiting.
""")

md(r"""
## 5. Where the time of one step goes

The step is cut into the pieces of section 1, each compiled as its own `tf.function` on the same networks: the
input pipeline (taking the next batch), the generator's forward pass, the discriminator's update, the
inference-mode pass for the metrics, and the generator's update (which runs the generator and the discriminator
forward and backward). The pieces overlap slightly with the whole step (the generator's update repeats the
generator's forward pass, which `utils.GAN` shares with the discriminator's step), so their sum exceeds the full
step. A profiler (`tf.profiler.experimental.start`/`stop`, viewed in TensorBoard's profile tab) gives the
same picture per operation; the hand-cut pieces need no extra tool.
""")

code(r"""
gan = make_timed_gan()
G, D = gan.generator, gan.discriminator
d_opt, g_opt = gan.d_optimizer, gan.g_optimizer
bce = keras.losses.BinaryCrossentropy(from_logits=True)
z = tf.random.stateless_normal((TIMING_BATCH, LATENT_DIM), seed=(SEED, 1))
real = batches[0][0]
fake = G(z, training=True)
iterator = iter(tf.data.Dataset.from_tensor_slices(x_pipe).repeat().batch(TIMING_BATCH).prefetch(2))


@tf.function
def generator_forward(z):
    return G(z, training=True)


@tf.function
def discriminator_update(real, fake):
    with tf.GradientTape() as tape:
        real_logits, fake_logits = D(real, training=True), D(fake, training=True)
        loss = bce(tf.ones_like(real_logits), real_logits) + bce(tf.zeros_like(fake_logits), fake_logits)
    d_opt.apply_gradients(zip(tape.gradient(loss, D.trainable_weights), D.trainable_weights, strict=True))
    return loss


@tf.function
def metrics_pass(real, fake):
    return D(tf.concat([real, fake], 0), training=False)


@tf.function
def generator_update(z):
    with tf.GradientTape() as tape:
        logits = D(G(z, training=True), training=True)
        loss = bce(tf.ones_like(logits), logits)
    g_opt.apply_gradients(zip(tape.gradient(loss, G.trainable_weights), G.trainable_weights, strict=True))
    return loss


pieces = {"input (next batch)": (lambda: next(iterator), [()]),
          "G forward": (generator_forward, [(z,)]),
          "D update (fwd + bwd + Adam)": (discriminator_update, [(real, fake)]),
          "D inference pass (metrics)": (metrics_pass, [(real, fake)]),
          "G update (G+D fwd, bwd, Adam)": (generator_update, [(z,)]),
          "whole step": (tf.function(gan.train_step), [(real,)])}
breakdown = {}
for name, (fn, args) in pieces.items():
    fn(*args[0])  # trace
    breakdown[name] = time_calls(fn, args, BREAKDOWN_STEPS)[0]["cpu"]
whole = breakdown.pop("whole step")
fig, ax = plt.subplots(figsize=(7, 2.8))
ax.barh(list(breakdown), [1000 * v for v in breakdown.values()], color="C0")
ax.axvline(1000 * whole, color="C3", ls="--", label=f"whole step: {1000 * whole:.1f} CPU ms")
ax.invert_yaxis()
ax.set(xlabel="CPU ms per call", title=f"One DCGAN step (width {WIDTH}, batch {TIMING_BATCH}), piece by piece")
ax.legend(loc="lower right")
utils.save_figure(fig, "32_step_breakdown")
plt.show()
for name, value in breakdown.items():
    print(f"{name:32s} {1000 * value:7.1f} CPU ms  ({100 * value / whole:3.0f}% of the whole step)")
print(f"{'sum of the pieces':32s} {1000 * sum(breakdown.values()):7.1f} CPU ms; whole step {1000 * whole:.1f}")
""")

md(r"""
## 6. Mixed precision

Mixed precision computes the layers in a 16-bit float type while the weights, and the optimiser's update of them,
stay in float32 (Micikevicius et al., 2018). Matrix units of recent GPUs (and TPUs) run 16-bit products several
times faster and the activations take half the memory. Keras sets it with one global policy,
`keras.config.set_dtype_policy("mixed_float16")` or `"mixed_bfloat16"`, before the models are built. The two
16-bit types trade range for precision differently:
""")

code(r"""
import ml_dtypes  # the 16-bit float types TensorFlow and JAX use, for NumPy

for name in ("float16", "bfloat16", "float32"):
    finfo = ml_dtypes.finfo(getattr(ml_dtypes, name, None) or np.dtype(name))
    print(f"{name:9s}: largest {float(finfo.max):9.3g}, smallest normal {float(finfo.tiny):9.3g}, "
          f"{finfo.nmant} mantissa bits (relative step {float(finfo.eps):.1e})")
small_gradient = tf.constant([1e-8, 1e-5, 3e-4], tf.float32)
for name in ("float16", "bfloat16"):
    stored = tf.cast(tf.cast(small_gradient, name), tf.float32).numpy()
    print(f"gradients 1e-8, 1e-5, 3e-4 stored as {name:8s}: {', '.join(f'{v:.5g}' for v in stored)}")
print("1 + 1e-3 in bfloat16:", float(tf.constant(1.0, tf.bfloat16) + tf.constant(1e-3, tf.bfloat16)),
      "| in float16:", float(tf.constant(1.0, tf.float16) + tf.constant(1e-3, tf.float16)))
""")

md(r"""
float16 keeps more mantissa bits but has a narrow range: the smallest gradient above became zero and the next,
below float16's smallest normal number, kept fewer digits; small gradients vanish. Training in float16 therefore
multiplies the loss by a large factor before differentiating and divides the gradients by it before the update
(*loss scaling*; `keras.optimizers.LossScaleOptimizer`, which adapts the factor). Keras's own `train_step` does
this for a model compiled with a single optimiser; a custom `train_step` such as `utils.GAN`'s must call
`optimizer.scale_loss(loss)` itself and wrap both optimisers, or its float16 gradients underflow. bfloat16 keeps
float32's exponent, hence its range, and fewer mantissa bits: no loss scaling is needed, which is why it is the
simpler choice for a GAN step on hardware that supports it (TPUs, NVIDIA Ampere or newer). On CPUs the gain depends
on the processor's instructions; the measurement below runs only where TensorFlow sees a GPU.
""")

code(r"""
if not gpus:
    print("No GPU visible to TensorFlow: mixed precision is not measured here. On a CPU any gain depends on "
          "bfloat16 instructions (AVX512-BF16, AMX) that not every processor has, and the course measures mixed "
          "precision on GPUs only. Run this notebook on a GPU to fill in this cell.")
else:
    mixed = {}
    gpu_batches = [(tf.constant(x_train[i:i + TIMING_BATCH]),) for i in range(0, 4 * TIMING_BATCH, TIMING_BATCH)]
    for policy in ("float32", "mixed_bfloat16"):
        keras.config.set_dtype_policy(policy)
        try:
            gan = make_timed_gan()
            step = tf.function(gan.train_step)
            step(*gpu_batches[0])
            mixed[policy] = time_calls(step, gpu_batches, TIMING_STEPS)[0]
        finally:
            keras.config.set_dtype_policy("float32")
    for policy, t in mixed.items():
        print(f"{policy:15s}: {1000 * t['wall']:.2f} wall ms per step ({gpus[0].name})")
    results.record("gpu_mixed_bfloat16_speedup", mixed["float32"]["wall"] / mixed["mixed_bfloat16"]["wall"],
                   description="wall time per step, float32 / mixed_bfloat16, one GPU")
""")

md(r"""
## 7. Two replicas on one machine: `MirroredStrategy` with `fit`

`tf.distribute.MirroredStrategy` keeps one copy of every variable on each device (a *replica*), splits each
global batch between the replicas, runs the same step on each, and adds up the replicas' gradients with an
all-reduce before every copy applies the same update (synchronous data parallelism; the TensorFlow guide
"Distributed training with TensorFlow"). Models and optimisers created inside `strategy.scope()` get mirrored
variables; `fit` then distributes the dataset and runs `train_step` on every replica. This machine has no two
GPUs, so the two replicas are the two logical CPU devices created in the Setup cell: it shows the mechanics and
the numbers, not a speed-up (both replicas share the same cores).

Three things are needed to make the course's `utils.GAN` behave under a strategy, each shown below.

**The loss is scaled per replica.** The Keras losses (`BinaryCrossentropy` with its default reduction) divide
their mean by the number of replicas when called inside a replica. Each replica's gradient is then
$\frac1R\nabla\bar\ell_r$, and the all-reduce *sum* over the $R$ replicas gives
$\nabla\frac1R\sum_r\bar\ell_r$, the gradient of the mean over the global batch, exactly what one device computes.
A loss written with `ops.mean` (the hinge loss, WGAN-GP's critic loss) is not divided, so its summed gradient is
$R$ times too large; Adam hardly notices a constant factor, plain SGD would. `utils.GAN`'s metrics record the
scaled loss, so under two replicas `fit` reports half the per-image loss; `d_real` and `d_fake` are means of
probabilities, not losses, and are unaffected.

**The noise must differ between replicas.** `utils.GAN` draws $z$ from a seeded `keras.random.SeedGenerator`,
whose state is mirrored like every variable: each replica draws the same numbers.
""")

code(r"""
tf.get_logger().setLevel("WARNING")  # the strategies log every cross-device reduction at INFO level
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
print(f"{strategy.num_replicas_in_sync} replicas in sync: {strategy.extended.worker_devices}")


def mlp_networks():
    return utils.mlp_generator(MLP_LATENT, MLP_HIDDEN), utils.mlp_discriminator(MLP_HIDDEN[::-1])


with strategy.scope():
    plain_gan = utils.GAN(*mlp_networks(), MLP_LATENT, seed=SEED)
    replica_gan = distributed.ReplicaGAN(*mlp_networks(), MLP_LATENT, seed=SEED)
for name, model in (("utils.GAN", plain_gan), ("distributed.ReplicaGAN", replica_gan)):
    draw = tf.function(lambda model=model: strategy.run(model._noise, args=(3,)))
    draws = strategy.experimental_local_results(draw())
    print(f"{name:23s} first noise values on each replica: "
          + " | ".join(np.array2string(d.numpy()[:, 0], precision=3) for d in draws))
print(inspect.getsource(distributed.ReplicaGAN._noise))
""")

md(r"""
`distributed.ReplicaGAN` (in `utils/distributed.py`) adds the replica's number to the seed, so each replica draws
its own noise, and replica 0, or a run without a strategy, draws exactly what `utils.GAN` draws.

**The wrapper must be built.** Under a strategy, `fit` first builds the model symbolically by calling it on a
batch of the training data. For a GAN wrapper, whose `call` takes noise, that is the wrong input:
""")

code(r"""
dist_images = x_train[:TRAIN_IMAGES]
try:
    with strategy.scope():
        unbuilt = utils.GAN(*mlp_networks(), MLP_LATENT, seed=SEED)
        unbuilt.compile(keras.optimizers.Adam(LEARNING_RATE), keras.optimizers.Adam(LEARNING_RATE))
    unbuilt.fit(dist_images[:DIST_BATCH], batch_size=DIST_BATCH, epochs=1, verbose=0)
except RuntimeError as err:
    lines = [line for line in str(err).splitlines() if line.strip()]
    print("RuntimeError:", lines[0][:110], "...")
    print("  ", next(line for line in lines if "incompatible" in line).replace("\x1b[1m", "").replace("\x1b[0m", ""))
""")

md(r"""
`gan.build((None, latent_dim))` inside the scope, which builds the wrapper from the noise shape, avoids it. The
single-device run and the two-replica run below then train the same networks from the same initial weights on the
same batches in the same order, with a global batch of `DIST_BATCH` (half of it on each replica), and are
compared by their curves and by the classifier Fréchet distance of their samples. Single-device runs with other
seeds set the tolerance: the two-replica run should not differ from the single-device run of the same seed by more
than single-device runs differ from each other when only the seed changes (the largest gap over `DIST_SEEDS`
seeds), or, for the FD, by more than the FD of one generator moves when its samples are drawn with other noise
(its sampling noise at `FD_SAMPLES` images).
""")

code(r"""
def train_mlp_gan(strategy, seed):
    utils.set_seed(seed)
    with strategy.scope():
        gan = distributed.ReplicaGAN(*mlp_networks(), MLP_LATENT, seed=seed)
        gan.build((None, MLP_LATENT))
        gan.compile(keras.optimizers.Adam(LEARNING_RATE, beta_1=0.5),
                    keras.optimizers.Adam(LEARNING_RATE, beta_1=0.5))
    dataset = (tf.data.Dataset.from_tensor_slices(dist_images).shuffle(len(dist_images), seed=seed)
               .batch(DIST_BATCH, drop_remainder=True).prefetch(tf.data.AUTOTUNE))
    timer = utils.EpochTimer()
    history = gan.fit(dataset, epochs=DIST_EPOCHS, verbose=0, callbacks=[timer])
    return gan, history.history, timer.total_cpu


one_device = tf.distribute.OneDeviceStrategy("/cpu:0")
runs = {"1 device": train_mlp_gan(one_device, SEED)}
runs.update({f"1 device, seed + {s}": train_mlp_gan(one_device, SEED + s) for s in range(1, DIST_SEEDS)})
runs["2 replicas"] = train_mlp_gan(strategy, SEED)
replicas = strategy.num_replicas_in_sync
utils.set_seed(SEED)
untrained = distributed.ReplicaGAN(*mlp_networks(), MLP_LATENT, seed=SEED)
untrained_fd = evaluation.evaluate_images(untrained.generate(FD_SAMPLES, seed=SEED + 7), "[-1,1]", seed=SEED)["fd"]
print(f"{'untrained generator':19s}: FD {untrained_fd:.2f}")
fd = {}
for name, (gan, history, cpu) in runs.items():
    metrics = evaluation.evaluate_images(gan.generate(FD_SAMPLES, seed=SEED + 7), "[-1,1]", seed=SEED)
    fd[name] = metrics["fd"]
    print(f"{name:19s}: training {cpu:5.1f} CPU-s; last epoch d_loss {history['d_loss'][-1]:.3f} as logged; "
          f"FD {metrics['fd']:.2f} (floor {metrics['fd_floor']:.2f} at n={FD_SAMPLES:,})")
""")

code(r"""
fig, axes = plt.subplots(1, 3, figsize=(13, 3.4))
epochs = np.arange(1, DIST_EPOCHS + 1)
styles = {name: dict(color="grey", marker=".", ls=":") for name in runs}
styles.update({"1 device": dict(color="C0", marker="o"), "2 replicas": dict(color="C3", marker="x", ls="--")})
for name, (_, history, _) in runs.items():
    factor = replicas if name == "2 replicas" else 1  # undo the per-replica scaling of the logged losses
    axes[0].plot(epochs, factor * np.array(history["d_loss"]), label=name, **styles[name])
    axes[1].plot(epochs, factor * np.array(history["g_loss"]), label=name, **styles[name])
    axes[2].plot(epochs, history["d_real"], label=f"{name}: real", **styles[name])
    axes[2].plot(epochs, history["d_fake"], alpha=0.6, **styles[name])
axes[0].plot(epochs, runs["2 replicas"][1]["d_loss"], color="C3", alpha=0.4, label="2 replicas, as logged")
for ax, title in zip(axes, ("d_loss per image", "g_loss per image", "mean σ(D): real (upper), generated"),
                     strict=True):
    ax.set(title=title, xlabel="epoch", xticks=epochs)
    ax.legend(fontsize=7)
utils.save_figure(fig, "32_mirrored_vs_one_device")
plt.show()

def loss_gap(a, b, factor_a=1):
    # The largest difference between two runs' epoch losses per image (d_loss and g_loss).
    return max(abs(factor_a * x - y) for key in ("d_loss", "g_loss") for x, y in zip(a[key], b[key], strict=True))


single = [name for name in runs if name.startswith("1 device")]
pairs = [(a, b) for i, a in enumerate(single) for b in single[i + 1:]]
curve_gap = loss_gap(runs["2 replicas"][1], runs["1 device"][1], factor_a=replicas)
curve_tolerance = max(loss_gap(runs[a][1], runs[b][1]) for a, b in pairs)
fd_gap = abs(fd["2 replicas"] - fd["1 device"])
# The FD of one generator also moves with the sample drawn: another noise seed gives its own sampling noise.
resampled = evaluation.evaluate_images(runs["1 device"][0].generate(FD_SAMPLES, seed=SEED + 8), "[-1,1]", seed=SEED)
fd_noise = abs(resampled["fd"] - fd["1 device"])
fd_seed_spread = max(abs(fd[a] - fd[b]) for a, b in pairs)
fd_tolerance = max(fd_seed_spread, fd_noise)
print(f"FD of the 1-device generator on another noise sample: {resampled['fd']:.2f} (sampling noise {fd_noise:.3f}); "
      f"largest FD gap between single-device seeds: {fd_seed_spread:.3f}")
for what, gap, tolerance in (("epoch losses per image", curve_gap, curve_tolerance), ("FD", fd_gap, fd_tolerance)):
    print(f"{what:22s}: 2 replicas vs 1 device (same seed) differ by {gap:.3f}; tolerance {tolerance:.3f}: "
          f"{'within' if gap <= tolerance else 'OUTSIDE'} the tolerance")
results.record("untrained_fd", untrained_fd, description="MLP GAN before training")
results.record("mirrored_fd", fd["2 replicas"], description="MLP GAN, 2 replicas (logical CPUs), fit")
results.record("one_device_fd", fd["1 device"], description="MLP GAN, 1 device, same data and seed")
results.record("one_device_fd_seed_spread", fd_seed_spread, description=f"largest FD gap over {DIST_SEEDS} seeds")
""")

md(r"""
The logged losses of the two-replica run sit at half the others until they are multiplied by the number of
replicas, as explained above; after that the curves follow the single-device run. They are not bit-identical:
the replicas add their gradients in another order, and each replica's half of the batch meets its own noise,
so the runs separate slowly, as two seeds do.
""")

md(r"""
## 8. Two worker processes on 127.0.0.1

A job that spans several machines runs one Python process per machine (a *worker*), each told by the environment
variable `TF_CONFIG` the addresses of all workers and which one it is. `tf.distribute.MultiWorkerMirroredStrategy`
reads it, connects the workers over gRPC, and mirrors the variables across all their devices; gradients are summed
with collective operations (ring all-reduce on CPUs, NCCL on GPUs). The same works with two processes on one
machine, each listening on its own port of 127.0.0.1, which is how this section runs it. `utils.distributed` picks
two free ports, starts the two processes with their `TF_CONFIG`, waits for them with a timeout and collects what
each reports; it hides any GPU from them, so that two processes do not compete for one device. The `TF_CONFIG` of
worker 0 looks like this (ports chosen at run time):
""")

code(r"""
print(json.dumps(distributed.tf_config([23456, 23457], 0)))
""")

md(r"""
**Keras 3's `fit` does not work with this strategy.** With Keras 2 (`tf.keras`) the TensorFlow tutorial
"Multi-worker training with Keras" passes a `MultiWorkerMirroredStrategy` model to `fit`; with Keras 3 the same
call fails (keras-team/keras issue 20585, and tensorflow/tensorflow issue 72388 for the error below). Each worker
here builds the GAN in the strategy's scope and calls `fit`, reports the error, and then trains with the loop
shown further down (one start-up of TensorFlow per process for both). Both report the error a learner would meet:
""")

code(r"""
worker_steps = DIST_EPOCHS * (TRAIN_IMAGES // DIST_BATCH)
with tempfile.TemporaryDirectory() as folder:
    reports = distributed.run_workers(
        2, mode="fit_then_loop", networks="mlp", latent_dim=MLP_LATENT, hidden=list(MLP_HIDDEN),
        n_images=TRAIN_IMAGES, global_batch=DIST_BATCH, steps=worker_steps, log_every=max(1, worker_steps // 10),
        learning_rate=LEARNING_RATE, seed=SEED, save_to=folder, timeout=float(WORKER_TIMEOUT))
    worker_generator = utils.mlp_generator(MLP_LATENT, MLP_HIDDEN)
    worker_generator.load_weights(str(Path(folder) / "generator.weights.h5"))
for report in reports:
    print(f"worker {report['task']} ({report['replicas']} replicas in sync), fit: {report['fit_error'][:130]} ...")
""")

md(r"""
The message comes from Keras's trainer, which in multi-worker mode reduces every scalar it logs with
`strategy.reduce("MEAN", value, axis=0)`: a scalar has no axis 0. The strategy itself works. What does work is
the training loop that `fit` would have run, written out: the dataset is built per worker by a function that
receives an `InputContext` (which shard this worker reads, and the per-replica batch, global batch divided by
the number of replicas), and a `tf.function` calls `strategy.run(gan.train_step, ...)` on every replica and
reduces the logs. No gradient is exchanged by hand: `utils.GAN.train_step` calls the optimisers'
`apply_gradients`, which under the strategy sums the gradients over all replicas of all workers. The heart of
`distributed.train_worker`:
""")

code(r"""
source = inspect.getsource(distributed.train_worker).splitlines()
start = next(i for i, line in enumerate(source) if "def dataset_fn" in line)
stop = next(i for i, line in enumerate(source) if "for step in range" in line)
print("\n".join(source[start:stop]))
""")

md(r"""
Both workers trained the MLP GAN of section 7 on the same `TRAIN_IMAGES` images (each reads half of them), with
the same global batch and the same number of steps as the runs there; the chief (worker 0) saved the generator,
which the launching cell loaded. It is evaluated like the others.
""")

code(r"""
for r in reports:
    print(f"worker {r['task']}: {worker_steps} loop steps in {r['cpu_seconds']:.1f} "
          f"CPU-s ({r['process_cpu_seconds']:.1f} CPU-s for the whole process), weights {r['generator_digest']} "
          f"(G) {r['discriminator_digest']} (D), initial G {r['initial_digest']}")
same = all(r["generator_digest"] == reports[0]["generator_digest"] and r["history"] == reports[0]["history"]
           for r in reports)
print(f"both workers end with the same weights and logs: {same}")
worker_ms = 1000 * np.mean([r["cpu_seconds"] for r in reports]) / worker_steps
single_ms = 1000 * runs["1 device"][2] / worker_steps  # fit on one device, same global batch and steps
print(f"CPU per step: {worker_ms:.1f} ms in each worker (half the batch each, plus the all-reduces over gRPC) "
      f"against {single_ms:.1f} ms for the whole batch on one device in section 7")
worker_gan = distributed.ReplicaGAN(worker_generator, mlp_networks()[1], MLP_LATENT)  # for its generate()
worker_fd = evaluation.evaluate_images(worker_gan.generate(FD_SAMPLES, seed=SEED + 7), "[-1,1]", seed=SEED)
print(f"two workers: FD {worker_fd['fd']:.2f} (untrained {untrained_fd:.2f}, floor {worker_fd['fd_floor']:.2f}); "
      f"single device, same seed {fd['1 device']:.2f}; tolerance {fd_tolerance:.2f} (section 7); same data, global "
      "batch and steps")
results.record("two_worker_fd", worker_fd["fd"], description="MLP GAN, MultiWorkerMirroredStrategy, 2 processes")
results.record("two_worker_cpu_s", sum(r["process_cpu_seconds"] for r in reports), unit="CPU-s",
               description="both worker processes, start-up included")
results.record("two_worker_cpu_ms_per_step", worker_ms, unit="CPU ms", description="each worker, per global step")
results.record("one_device_cpu_ms_per_step", single_ms, unit="CPU ms", description="fit, one device, same step")

samples = {name: runs[name][0].generate(8, seed=SEED + 7) for name in ("1 device", "2 replicas")}
samples["2 workers"] = worker_gan.generate(8, seed=SEED + 7)
fig, axes = plt.subplots(1, 3, figsize=(12, 1.9))
for ax, (name, images) in zip(axes, samples.items(), strict=True):
    ax.imshow(utils.mosaic(images, ncols=8, value_range=(-1.0, 1.0)), cmap="gray", vmin=0, vmax=1)
    ax.set(title=f"{name} (same noise)", xticks=[], yticks=[])
utils.save_figure(fig, "32_samples")
plt.show()

history = reports[0]["history"]
fig, ax = plt.subplots(figsize=(6, 3.2))
steps_axis = [h["step"] for h in history]
for key in ("d_loss", "g_loss"):
    ax.plot(steps_axis, [h[key] for h in history], marker="o", label=f"{key} (per image)")
ax.set(xlabel="step", title="Two workers, MultiWorkerMirroredStrategy + strategy.run loop")
ax.legend()
utils.save_figure(fig, "32_two_workers")
plt.show()
""")

md(r"""
The two processes end with bit-identical weights: every update was the same all-reduced gradient applied to every
copy. They are not cheaper: per step, each worker spends more CPU time than one device spends on the whole batch
(the output above), because every step of this small network waits for several all-reduces between two processes,
which costs more than the half batch saves. Distribution pays when a step has much more arithmetic per byte of
gradient than this one, and when each worker has its own hardware. The test suite runs the same two-process job at
a tiny size (`tests/test_distributed.py`), and it checks that `fit` still fails, so that this notebook is revised
when a Keras release fixes it.

**Other engines.** Keras 3 has its own distribution API, `keras.distribution` (`DataParallel`, `ModelParallel`,
`DeviceMesh`), which distributes `fit` itself, multi-process included (`keras.distribution.initialize`); its
module states that only the JAX backend is supported so far (the TensorFlow one is planned through DTensor).
The course runs on TensorFlow and its environment has no JAX, so this notebook does not use it. With PyTorch,
the equivalent is `torch.distributed` with `DistributedDataParallel`.
""")

md(r"""
## 9. On a real cluster

What the two local processes leave out, for whoever runs this on several GPUs or machines next:

- **`TF_CONFIG` per machine.** Each machine's process gets the same `cluster` (every worker's `host:port`) and its
  own `task`. A `chief` task, or worker 0 when there is none, does the extra work: saving checkpoints, writing
  logs. Cluster managers (Kubernetes operators, Slurm scripts, Vertex AI) usually write `TF_CONFIG`; the ports must
  be reachable between machines. All workers must start; a missing one makes the others wait, hence the timeout.
- **Collective operations.** Between GPUs use `CommunicationImplementation.NCCL`; between machines the all-reduce
  crosses the network every step, so a step must do enough work per byte of gradient to be worth it. On one
  machine with several GPUs, plain `MirroredStrategy` (section 7) is enough and works with `fit`.
- **Global and per-replica batch.** The dataset is batched with the *global* batch; each replica gets
  global / replicas. Keeping the per-replica batch fixed while adding replicas grows the global batch, which
  changes GAN training (fewer updates per epoch); learning rates usually need retuning. Losses must be averaged
  over the global batch: the Keras losses do it (section 7), hand-written means do not.
- **Input sharding.** `distribute_datasets_from_function` with `input_context.shard` (as here) or the automatic
  sharding of `experimental_distribute_dataset` (by file, else by element) decides which worker reads what;
  without it every worker trains on the same examples.
- **Checkpoints on the chief.** With `tf.train.Checkpoint` every worker must call `save` (the save itself runs
  collective operations), but only the chief's path is kept; the others write to temporary folders that are then
  deleted. Restoring from the chief's checkpoint lets a failed job restart; Keras's `BackupAndRestore` does this
  for `fit` where `fit` is supported.
- **Randomness and determinism.** Each replica needs its own noise (section 7); data shuffling must differ
  between shards but be reproducible. Op determinism, XLA and mixed precision all interact with speed; measure on
  the target hardware, as sections 2 to 6 do here.
""")

md(r"""
## Summary

- DRAFT: the numbers of this summary are printed by the cells above and will be quoted from them after the
  default run.
- A compiled step (`tf.function`) is far faster than eager execution; XLA costs seconds to compile and, on this
  CPU, is measured against it above; on a GPU it is often faster. `utils.GAN`'s input checks must be left out to
  compile with XLA.
- Larger batches raise images per second until the arithmetic dominates; they also change the number of updates.
- With images in memory the feed hardly matters; `prefetch` matters when batches cost work to make.
- Mixed precision: bfloat16 needs no loss scaling, float16 does, and a custom `train_step` must do it itself.
- `MirroredStrategy` + `fit` trains `utils.GAN` like one device once the wrapper is built and the noise differs per
  replica; the logged losses are divided by the number of replicas.
- Keras 3's `fit` fails under `MultiWorkerMirroredStrategy` (keras-team/keras issue 20585); a `strategy.run` loop
  over `utils.GAN.train_step` trains two worker processes to identical weights, here at a higher CPU cost per step
  than one device: a network this small spends its step on communication.
""")

md("## Exercises")

md(r"""
**Exercise 1 (★, measure) Several steps per call.** `compile(steps_per_execution=k)` makes `fit` run `k` training
steps inside one call of its compiled function, which saves the Python round trip between steps. Train the MLP
GAN of section 7 on one device (`distributed.ReplicaGAN`, built, same optimisers) for two epochs of `dist_images`
with `k = 1` and `k = 8`, time the second epoch with `utils.EpochTimer`, and store the CPU milliseconds per step
in a dict `spe_cpu_ms = {1: ..., 8: ...}`. Does it help here, and by more than the run-to-run noise?
""")

code(r"""
# Hint: gan.compile(d_opt, g_opt, steps_per_execution=k); timer.cpu_seconds[1] / steps_per_epoch
### BEGIN SOLUTION
spe_cpu_ms = {}
spe_steps = TRAIN_IMAGES // DIST_BATCH
for k in (1, 8):
    utils.set_seed(SEED)
    spe_gan = distributed.ReplicaGAN(*mlp_networks(), MLP_LATENT, seed=SEED)
    spe_gan.build((None, MLP_LATENT))
    spe_gan.compile(keras.optimizers.Adam(LEARNING_RATE, beta_1=0.5), keras.optimizers.Adam(LEARNING_RATE, beta_1=0.5),
                    steps_per_execution=k)
    spe_timer = utils.EpochTimer()
    spe_gan.fit(tf.data.Dataset.from_tensor_slices(dist_images).batch(DIST_BATCH, drop_remainder=True), epochs=2,
                verbose=0, callbacks=[spe_timer])
    spe_cpu_ms[k] = 1000 * spe_timer.cpu_seconds[1] / spe_steps
print({k: round(v, 2) for k, v in spe_cpu_ms.items()}, "CPU ms per step")
### END SOLUTION
""", tags=["solution"], hidden=True)

md(r"""
*Answer.* DRAFT (read from the output above after the default run).

*Hint:* compare the difference with the spread of two runs with the same `k`.
""", tags=["solution"], hidden=True)

code('utils.checks.check("32.1", globals())', tags=["check"])

md(r"""
**Exercise 2 (★★★, code + measure) A loss that is not scaled per replica.** Under `strategy` (two replicas),
compute the discriminator's gradient for one global batch of `DIST_BATCH` real images and as many fixed
generated images twice: with `keras.losses.BinaryCrossentropy(from_logits=True)` (the non-saturating loss) and
with the hinge loss written with `ops.mean`, as `utils.GAN(generator_loss="hinge")` does. In each replica compute
the loss on its half of the batch and the gradient with `tf.GradientTape`, sum the replicas' gradients with
`strategy.reduce("SUM", ..., axis=None)`, and compare with the gradient of the same loss on the whole batch on
one device. Store the ratios of the gradient norms (two replicas / one device) in `grad_ratio_bce` and
`grad_ratio_hinge`. Which one is right, and by what factor is the other off?
""")

code(r"""
# Hint: strategy.experimental_distribute_dataset(tf.data.Dataset.from_tensor_slices((real, fake)).batch(DIST_BATCH))
### BEGIN SOLUTION
with strategy.scope():
    ex_disc = utils.mlp_discriminator(MLP_HIDDEN[::-1])
one_disc = utils.mlp_discriminator(MLP_HIDDEN[::-1])
one_disc.set_weights(ex_disc.get_weights())
ex_real = dist_images[:DIST_BATCH]
ex_fake = np.clip(np.random.default_rng(SEED).normal(0, 0.5, ex_real.shape), -1, 1).astype("float32")
ex_bce = keras.losses.BinaryCrossentropy(from_logits=True)


def d_loss(disc, real, fake, kind):
    r, f = disc(real, training=True), disc(fake, training=True)
    if kind == "hinge":
        return ops.mean(ops.relu(1.0 - r)) + ops.mean(ops.relu(1.0 + f))
    return ex_bce(ops.ones_like(r), r) + ex_bce(ops.zeros_like(f), f)


def gradient_norm(grads):
    return float(tf.linalg.global_norm(grads))


ratios = {}
for kind in ("bce", "hinge"):
    with tf.GradientTape() as tape:
        loss = d_loss(one_disc, ex_real, ex_fake, kind)
    one = gradient_norm(tape.gradient(loss, one_disc.trainable_weights))

    def replica_grads(real, fake, kind=kind):
        with tf.GradientTape() as tape:
            loss = d_loss(ex_disc, real, fake, kind)
        return tape.gradient(loss, ex_disc.trainable_weights)

    batch = next(iter(strategy.experimental_distribute_dataset(
        tf.data.Dataset.from_tensor_slices((ex_real, ex_fake)).batch(DIST_BATCH))))
    per_replica = strategy.run(tf.function(replica_grads), args=batch)  # one PerReplica value per weight
    summed = [strategy.reduce("SUM", g, axis=None) for g in per_replica]
    ratios[kind] = gradient_norm(summed) / one
grad_ratio_bce, grad_ratio_hinge = ratios["bce"], ratios["hinge"]
print(f"gradient norm, 2 replicas summed / 1 device: BCE {grad_ratio_bce:.3f}, hinge {grad_ratio_hinge:.3f}")
### END SOLUTION
""", tags=["solution"], hidden=True)

md(r"""
*Answer.* The Keras loss gives the one-device gradient (ratio 1 up to rounding): it divides by the number of
replicas inside each replica. The hinge loss written with `ops.mean` gives twice the gradient, one full
per-replica mean gradient from each of the two replicas. A fix divides such a loss by
`tf.distribute.get_strategy().num_replicas_in_sync`, or averages it with `tf.nn.compute_average_loss` over the
global batch.

*Hint:* the all-reduce sums; which of the two losses already divides by the number of replicas?
""", tags=["solution"], hidden=True)

code('utils.checks.check("32.2", globals())', tags=["check"])

md(r"""
## References

- Abadi, M. et al. (2016). TensorFlow: a system for large-scale machine learning. *12th USENIX Symposium on
  Operating Systems Design and Implementation (OSDI)*.
- Goodfellow, I., Pouget-Abadie, J., Mirza, M., Xu, B., Warde-Farley, D., Ozair, S., Courville, A. and Bengio, Y.
  (2014). Generative adversarial nets. *Advances in Neural Information Processing Systems (NeurIPS)*.
- Goyal, P., Dollár, P., Girshick, R., Noordhuis, P., Wesolowski, L., Kyrola, A., Tulloch, A., Jia, Y. and He, K.
  (2017). Accurate, large minibatch SGD: training ImageNet in 1 hour. arXiv:1706.02677.
- Micikevicius, P., Narang, S., Alben, J., Diamos, G., Elsen, E., Garcia, D., Ginsburg, B., Houston, M.,
  Kuchaiev, O., Venkatesh, G. and Wu, H. (2018). Mixed precision training. *International Conference on Learning
  Representations (ICLR)*.
- Radford, A., Metz, L. and Chintala, S. (2016). Unsupervised representation learning with deep convolutional
  generative adversarial networks. *International Conference on Learning Representations (ICLR)*.
- Sergeev, A. and Del Balso, M. (2018). Horovod: fast and easy distributed deep learning in TensorFlow.
  arXiv:1802.05799.
- TensorFlow guides (tensorflow.org): "Better performance with tf.function", "Better performance with the tf.data
  API", "Distributed training with TensorFlow", "Multi-worker training with Keras", "Custom training loop with
  Keras and MultiWorkerMirroredStrategy", "Mixed precision"; Keras guide "Distributed training with Keras 3"
  (keras.io, the `keras.distribution` API).
- GitHub: keras-team/keras issue 20585, "Does Keras 3 work with tf.distribute.MultiWorkerMirroredStrategy?"
  (2024, open); tensorflow/tensorflow issue 72388, "tf.distribute and keras 3 incompatibility: ValueError:
  Invalid reduction dimension 0 for input with 0 dimensions" (2024).
""")

md(r"""
**Next:** 33_outlook_and_faq (in preparation): the article's future directions and its questions answered with
the evidence of the earlier notebooks.
""")


def build(path):
    nb = nbformat.v4.new_notebook()
    for kind, source, tags, hidden in CELLS:
        cell = nbformat.v4.new_markdown_cell(source) if kind == "markdown" else nbformat.v4.new_code_cell(source)
        cell.metadata["tags"] = tags
        if hidden:
            cell.metadata["jupyter"] = {"source_hidden": True}
        nb.cells.append(cell)
    nb.metadata["language_info"] = {"name": "python"}
    write_notebook(nb, path)


if __name__ == "__main__":
    build(ROOT / "wip" / "nb32" / "32_efficiency_and_scale.ipynb")
    print(f"{len(CELLS)} cells written")
