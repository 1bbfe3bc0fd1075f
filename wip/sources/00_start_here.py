# %% [markdown]
# # 00 · Start here
#
# This notebook checks that your machine can run the course and shows how the course is organised. It reports
# the Python, TensorFlow and Keras versions and the devices TensorFlow can use, verifies the MNIST file that ships
# with the repository, trains a tiny Keras model twice to prove that a fixed seed gives identical results, and
# ends with the commands that run the course and a map of its notebooks.
#
# ## Learning objectives
# - Confirm that the pinned environment works and whether TensorFlow sees a GPU.
# - Know where the data comes from and how the course checks it.
# - Understand the course's conventions: the `parameters` cell, `FAST` mode, seeds, figures and recorded results.
# - Run any notebook from JupyterLab, from papermill, or through the test suite.
#
# ## Prerequisites
# None. You need the environment from the README (`make lab` creates it and opens JupyterLab).
#
# ## Run time
# About 20 s on a 2-core CPU with the default parameters (about the same on a GPU, which this notebook barely
# uses); under 15 s with `FAST = True`.

# %% [markdown]
# ## Setup
#
# `import utils` comes first: it starts TensorFlow with its start-up messages captured (see
# `utils.tensorflow_startup_log()` if a GPU is missing) and applies the course's figure style.

# %%
import time

import utils  # first: it starts TensorFlow quietly
import keras
import numpy as np

# %% tags=["parameters"]
FAST = False  # True: a smaller training subset, for the test suite
SEED = 0  # drives every random number in this notebook
TRAIN_SUBSET = 10000  # images used by the seed check in section 3

# %%
utils.check_param("FAST", FAST, kind=bool)
utils.check_param("SEED", SEED, kind=int, low=0)
utils.check_param("TRAIN_SUBSET", TRAIN_SUBSET, kind=int, low=100, high=60000)
if FAST:
    TRAIN_SUBSET = min(TRAIN_SUBSET, 2000)
utils.set_seed(SEED)
results = utils.Results("00_start_here", {"FAST": FAST, "SEED": SEED, "TRAIN_SUBSET": TRAIN_SUBSET})

# %% [markdown]
# ## 1. Your environment
#
# The versions below come from `requirements.txt`, the course's single list of pinned packages. If they differ,
# run `make venv` again (or `pip install -r requirements.txt -e .` in a hosted notebook).

# %%
report = utils.device_report()
for key, value in report.items():
    print(f"{key:>15}: {value}")

# %%
import importlib.metadata  # noqa: E402

pins = dict(line.split("==") for line in (utils.REPO_ROOT / "requirements.txt").read_text().splitlines()
            if "==" in line and not line.startswith("#"))
mismatched = {name: (importlib.metadata.version(name), pin) for name, pin in pins.items()
              if importlib.metadata.version(name) != pin}
print("all pinned versions installed" if not mismatched else f"installed vs pinned: {mismatched}")

# %% [markdown]
# **CPU or GPU?** The course runs on a CPU; every notebook states its CPU run time. On a Linux machine with an
# NVIDIA GPU, build the environment with `make venv REQUIREMENTS=requirements-gpu.txt` (it adds TensorFlow's CUDA
# libraries to the same pins) and the `gpus` line above lists the card. Nothing in the notebooks changes: Keras
# places the work on the GPU by itself. If you expected a GPU and see none, the captured start-up log says why:

# %%
gpu_lines = [line for line in utils.tensorflow_startup_log().splitlines() if "cuda" in line.lower()]
print("GPU in use:", bool(report["gpus"]))
print(f"{len(gpu_lines)} CUDA-related start-up messages (print utils.tensorflow_startup_log() to read them)")

# %% [markdown]
# ## 2. The data
#
# MNIST (LeCun et al., 1998) ships in `data/mnist.npz`: 60,000 training and 10,000 test images of handwritten
# digits, 28×28 grey levels in 0–255 (licence CC BY-SA 3.0, credit Yann LeCun and Corinna Cortes; provenance and
# checksums in `data/README.md`). Nothing is downloaded. `utils.load_mnist` checks the file's SHA-256 before it
# reads it and fails with a clear message if the file is missing or damaged. You always say how pixels are scaled:
# `scale="[0,1]"` (for sigmoid outputs) or `scale="[-1,1]"` (for tanh outputs).

# %% tags=["nbval-check-output"]
start = time.perf_counter()
x_train, y_train = utils.load_mnist("train", scale="[0,1]")
x_test, y_test = utils.load_mnist("test", scale="[-1,1]", flatten=True)
load_seconds = time.perf_counter() - start

print("train:", x_train.shape, x_train.dtype, f"range [{x_train.min()}, {x_train.max()}]")
print("test: ", x_test.shape, x_test.dtype, f"range [{x_test.min()}, {x_test.max()}]")
print("train images per digit:", np.bincount(y_train).tolist())
print("test images per digit: ", np.bincount(y_test).tolist())

# %%
results.record("mnist_train_images", len(x_train), description="training images in data/mnist.npz")
results.record("mnist_test_images", len(x_test), description="test images in data/mnist.npz")
results.record("mnist_load_seconds", round(load_seconds, 2), unit="s",
               description="verify checksum and load both splits")
print(f"checksum verified and both splits loaded in {load_seconds:.2f} s")

# %% [markdown]
# A damaged file is refused rather than used. Here we write a copy with three bytes changed and try to load it:

# %% tags=["nbval-check-output"]
import pathlib  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402

with tempfile.TemporaryDirectory() as folder:
    damaged = pathlib.Path(folder) / "mnist.npz"
    shutil.copy(utils.data.MNIST_PATH, damaged)
    with open(damaged, "r+b") as f:
        f.seek(1000)
        f.write(b"\x00\x00\x00")
    try:
        utils.load_mnist(path=damaged)
    except ValueError as err:
        print("refused:", str(err).split(":")[0].replace(folder, "<tmp>"), "...")

# %%
fig = utils.image_grid(x_train[:30], ncols=15, titles=y_train[:30].tolist(), title="The first 30 training digits")
utils.save_figure(fig, "00_first_training_digits")

# %% [markdown]
# ## 3. Seeds make runs repeatable
#
# Every notebook has a `SEED` parameter and calls `utils.set_seed(SEED)`, which seeds Python, NumPy and
# TensorFlow/Keras with one number and turns on TensorFlow's op determinism. Here we train the same small
# softmax classifier twice from the same seed and compare the weights bit for bit, then once from another seed.

# %%
x_small, y_small = utils.load_mnist("train", subset=TRAIN_SUBSET, flatten=True, seed=SEED)


def train_softmax_classifier(seed):
    """A linear softmax classifier on pixels (multinomial logistic regression), one epoch of Adam."""
    utils.set_seed(seed)
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(10)])  # outputs logits
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    model.fit(utils.make_dataset(x_small, y_small, batch_size=64, seed=seed), epochs=1, verbose=0)
    return model


start = time.perf_counter()
first, second, other = (train_softmax_classifier(s) for s in (SEED, SEED, SEED + 1))
train_seconds = (time.perf_counter() - start) / 3
utils.set_seed(SEED)

# %% tags=["nbval-check-output"]
same = all(np.array_equal(a, b) for a, b in zip(first.get_weights(), second.get_weights(), strict=True))
differs = not np.array_equal(first.get_weights()[0], other.get_weights()[0])
print("same seed  -> identical weights:", same)
print("other seed -> different weights:", differs)

# %%
_, accuracy = first.evaluate(x_test * 0.5 + 0.5, y_test, batch_size=1000, verbose=0)  # back to [0,1]
results.record("softmax_test_accuracy", round(float(accuracy), 4),
               description=f"linear softmax classifier, 1 epoch on {TRAIN_SUBSET} images")
results.record("softmax_epoch_seconds", round(train_seconds, 2), unit="s",
               description=f"one epoch on {TRAIN_SUBSET} images, this machine")
print(f"test accuracy after one epoch on {TRAIN_SUBSET:,} images: {accuracy:.4f} ({train_seconds:.2f} s per run)")

# %% [markdown]
# The accuracy is only a smoke test (a linear model reaches about 92% on MNIST with more training, LeCun et
# al., 1998): what matters is that training ran and is repeatable. Note the explicit rescaling in the call to
# `evaluate`: the test images were loaded in `[-1,1]` above, and the model was trained on `[0,1]`.

# %% [markdown]
# ## 4. How to run the course
#
# | what | command (from the repository root) |
# |---|---|
# | open the notebooks in JupyterLab | `make lab` |
# | re-run every notebook, regenerate `figures/` and `results/` | `make reproduce` |
# | re-run some notebooks only | `make reproduce ARGS="--only 00 01"` |
# | run the tests exactly as CI does | `make test` |
#
# Each command first creates or updates the virtual environment `.venv` from `requirements.txt`.
#
# **Parameters.** The cell tagged `parameters` near the top of each notebook holds every knob in UPPER_CASE.
# Edit it in JupyterLab, or override it from the command line with papermill, which injects a cell after it:
#
# ```bash
# .venv/bin/papermill notebooks/00_start_here.ipynb /tmp/out.ipynb -p FAST True -p SEED 3
# ```
#
# Out-of-range values stop the notebook with a message naming the parameter.
#
# **FAST mode.** `FAST = True` shrinks data and training so that each notebook runs in well under a minute. The
# test suite runs every notebook this way; its numbers are not the course's results. The committed notebooks,
# figures and `results/results.json` all come from runs with the default parameters.
#
# **Outputs.** Figures go to `figures/NN_name.png` and headline numbers to `results/results.json`
# (`results/RESULTS.md` holds the same as a table). Set the environment variable `COURSE_OUTPUT_DIR` to write
# them elsewhere.
#
# **Hosted notebooks.** Clone the repository, then in a cell: `%pip install -r requirements.txt -e .` from its
# root and restart the kernel. The data is in the clone; nothing else is fetched.

# %% [markdown]
# ## 5. Course map
#
# The course follows the design in its outline: background and theory first (00–05), then autoencoders (10–14),
# GANs (20–26), and the two joined and compared (30–33). Gaps in the numbering leave room to grow.
#
# | part | notebooks |
# |---|---|
# | foundations | 00 start here · 01 background · 02 autoencoder theory · 03 GAN theory · 04 AEs vs GANs · 05 the article's code, reviewed |
# | autoencoders | 10 dense · 11 convolutional · 12 denoising and sparse · 13 variational · 14 applications |
# | GANs | 20 vanilla · 21 DCGAN · 22 conditional · 23 WGAN-GP · 24 failure modes · 25 evaluation · 26 data augmentation |
# | both | 30 adversarial autoencoder · 31 head to head · 32 efficiency and scale · 33 outlook and FAQ |
#
# The notebooks available in this copy of the course:

# %% tags=["nbval-check-output"]
for path in utils.paths.course_notebooks():
    print(path.stem)

# %% [markdown]
# ## Summary
#
# - The environment uses the pinned versions; TensorFlow runs on the CPU and uses a GPU when one is present.
# - `data/mnist.npz` is verified by checksum on every load; scaling is always stated explicitly.
# - One `SEED` makes a notebook repeatable: the same seed gave bit-identical weights.
# - `make reproduce`, `make test` and `make lab` are the three commands you need.
#
# ## Exercises
#
# **Exercise 1.** Load 1,000 test images binarised by sampling (`binarize="sample"`) with two different seeds.
# What fraction of pixels differ between the two draws, and why is it not zero?

# %% tags=["solution"]
a, _ = utils.load_mnist("test", subset=1000, binarize="sample", seed=1)
b, _ = utils.load_mnist("test", subset=1000, binarize="sample", seed=2)
print(f"{np.mean(a != b):.3f} of pixels differ")
# Each pixel is drawn as 1 with probability equal to its grey level, so every pixel with a grey level strictly
# between 0 and 1 (the strokes' edges) can come out either way. Note that the two seeds also draw different
# 1,000-image subsets; pass the same subset seed to compare pure binarisation noise.

# %% [markdown]
# **Exercise 2.** Call `utils.load_mnist("train", subset=0)` and `utils.image_grid(x_test[:5])` (the test images
# are in `[-1,1]`). Read the two error messages. What would have gone wrong if the course had silently clipped
# or guessed instead?

# %% tags=["solution"]
for call in (lambda: utils.load_mnist("train", subset=0), lambda: utils.image_grid(x_test[:5])):
    try:
        call()
    except (ValueError, TypeError) as err:
        print(type(err).__name__, "-", err)
# Clipping [-1,1] images to [0,1] would have turned the black background (-1) and all dark strokes into the same
# value and shown washed-out digits; an empty subset would have failed later with a less helpful message.

# %% [markdown]
# **Exercise 3.** Run this notebook from the command line with `-p FAST True -p SEED 7` (see section 4). Which
# printed numbers change and which stay the same? Why do the cells that check the data not depend on the seed?

# %% [markdown]
# ## References
#
# - Abadi, M. et al. (2016). TensorFlow: a system for large-scale machine learning. *12th USENIX Symposium on
#   Operating Systems Design and Implementation (OSDI)*, 265–283.
# - Chollet, F. et al. (2015). Keras. Software, https://keras.io.
# - Kluyver, T. et al. (2016). Jupyter Notebooks – a publishing format for reproducible computational workflows.
#   *Positioning and Power in Academic Publishing (ELPUB)*, 87–90.
# - LeCun, Y., Bottou, L., Bengio, Y. and Haffner, P. (1998). Gradient-based learning applied to document
#   recognition. *Proceedings of the IEEE*, 86(11), 2278–2324.
