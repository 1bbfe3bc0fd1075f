# %% [markdown]
# # 12 · Denoising and sparse autoencoders: corruption, sparsity penalties, what the code learns
#
# A bottleneck is not the only way to stop an autoencoder from copying its input. This notebook trains the two
# classic alternatives on MNIST and measures what they do. A **denoising** autoencoder (Vincent et al., 2008)
# sees a corrupted image and must return the clean one; we corrupt on the fly with Gaussian noise and with
# masking noise, measure the peak signal-to-noise ratio (PSNR) of noisy and denoised test images, and compare
# with the same network trained on clean images, so that the gain can be credited to denoising training. A
# **sparse** autoencoder keeps a wide code but penalises its activity, with an L1 penalty or with Ng's (2011)
# KL penalty; we measure how active the code units are and show what each unit has learned as a decoder "atom".
#
# ## Learning objectives
# - Write the denoising objective and implement Gaussian and masking corruption as a seeded `tf.data` map that
#   draws fresh noise for every mini-batch; explain why we clip Gaussian noise to $[0,1]$ and what that does to it.
# - Explain why `keras.layers.GaussianNoise` is not used here (active only in training, no clipping).
# - Compute PSNR per image and say which average is reported; measure the PSNR gain of a denoising autoencoder
#   over its noisy input and over a plain autoencoder fed the same noisy input, across noise levels.
# - Write the L1 activity penalty and the KL sparsity penalty as Keras regularisers, knowing how Keras scales
#   activity regularisers with the batch size.
# - Measure sparsity (mean activation, fraction of near-zero units per image, dead units) and read decoder atoms.
#
# ## Prerequisites
# - [02_autoencoder_theory](02_autoencoder_theory.ipynb), §4 (the sparse and denoising objectives, written out).
# - [01_background](01_background.ipynb) for MNIST; [10_dense_autoencoder](10_dense_autoencoder.ipynb) trains the
#   dense autoencoder that this notebook builds on.
#
# ## Run time
# Measured on the course's 2-core CPU while many other jobs shared it (load average 13–21): **11–15 min** wall
# time with the default parameters (two runs), about 40 % of it training the three autoencoders of section 2 and 30 %
# the four of section 5; each run used about 3.5 min of CPU time, so on a quiet 2-core CPU expect roughly 3–4 min.
# `FAST=True` (6,000 training images, 2 epochs per model, 2,000 test images for the noise curves) took **4 min 46 s**
# under similar load, with about 35 s of CPU time. GPU: not measured; the models are small dense networks, so expect
# a few-fold speed-up at most.

# %% [markdown]
# ## Setup

# %%
import utils  # isort: skip  (first: it starts TensorFlow quietly)

import math
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from keras import layers, ops
from scipy import stats

# %% tags=["parameters"]
FAST = False  # True: 6,000 training images and 2 epochs per model (what the test suite runs)
SEED = 0  # one seed for NumPy, Python and TensorFlow, and for the noise streams
BATCH_SIZE = 128  # mini-batch size of every training run
LEARNING_RATE = 0.001  # Adam learning rate of every model
HIDDEN = 256  # hidden layer of the denoising autoencoders' encoder and decoder
CODE_SIZE = 64  # code size of the denoising autoencoders
DAE_EPOCHS = 6  # epochs of each of the three denoising-section models
NOISE_STD = 0.5  # std s of the additive Gaussian noise (before clipping to [0, 1])
MASK_FRACTION = 0.5  # fraction nu of the 784 pixels set to 0 by masking noise
CURVE_POINTS = 6  # test-time noise levels in the PSNR-versus-noise curves
SPARSE_UNITS = 256  # code units of the sparse autoencoders (one hidden layer)
SPARSE_EPOCHS = 6  # epochs of each of the four sparse-section models
L1_WEIGHT = 0.03  # lambda of the L1 activity penalty (per image, on the code of the ReLU model)
KL_WEIGHT = 1.0  # beta of the KL sparsity penalty (sigmoid model)
SPARSITY_TARGET = 0.05  # rho, target average activation of the KL penalty
NEAR_ZERO = 0.05  # an activation below this counts as "near zero"
N_ATOMS = 40  # decoder atoms shown per sparse-section model

# %%
utils.check_param("FAST", FAST, kind=bool)
utils.check_param("SEED", SEED, kind=int, low=0, high=2**31 - 2)
utils.check_param("BATCH_SIZE", BATCH_SIZE, kind=int, low=1, high=6000)
utils.check_param("LEARNING_RATE", LEARNING_RATE, kind=float, low=1e-6, high=1.0)
utils.check_param("HIDDEN", HIDDEN, kind=int, low=1, high=4096)
utils.check_param("CODE_SIZE", CODE_SIZE, kind=int, low=1, high=4096)
utils.check_param("DAE_EPOCHS", DAE_EPOCHS, kind=int, low=1)
utils.check_param("NOISE_STD", NOISE_STD, kind=float, low=0.01, high=2.0)
utils.check_param("MASK_FRACTION", MASK_FRACTION, kind=float, low=1 / 784, high=0.99)
utils.check_param("CURVE_POINTS", CURVE_POINTS, kind=int, low=2, high=20)
utils.check_param("SPARSE_UNITS", SPARSE_UNITS, kind=int, low=N_ATOMS if N_ATOMS >= 1 else 1, high=4096)
utils.check_param("SPARSE_EPOCHS", SPARSE_EPOCHS, kind=int, low=1)
utils.check_param("L1_WEIGHT", L1_WEIGHT, kind=float, low=0.0)
utils.check_param("KL_WEIGHT", KL_WEIGHT, kind=float, low=0.0)
utils.check_param("SPARSITY_TARGET", SPARSITY_TARGET, kind=float, low=0.001, high=0.5)
utils.check_param("NEAR_ZERO", NEAR_ZERO, kind=float, low=0.0, high=1.0)
utils.check_param("N_ATOMS", N_ATOMS, kind=int, low=1, high=200)

# FAST mode: a training subset and two epochs per model; the test set is always the full 10,000 images.
N_TRAIN = 6000 if FAST else None
dae_epochs, sparse_epochs = (min(DAE_EPOCHS, 2), min(SPARSE_EPOCHS, 2)) if FAST else (DAE_EPOCHS, SPARSE_EPOCHS)

utils.set_seed(SEED)
results = utils.Results("12_denoising_and_sparse_autoencoders", {
    "FAST": FAST, "SEED": SEED, "BATCH_SIZE": BATCH_SIZE, "LEARNING_RATE": LEARNING_RATE, "HIDDEN": HIDDEN,
    "CODE_SIZE": CODE_SIZE, "DAE_EPOCHS": DAE_EPOCHS, "NOISE_STD": NOISE_STD, "MASK_FRACTION": MASK_FRACTION,
    "CURVE_POINTS": CURVE_POINTS, "SPARSE_UNITS": SPARSE_UNITS, "SPARSE_EPOCHS": SPARSE_EPOCHS,
    "L1_WEIGHT": L1_WEIGHT, "KL_WEIGHT": KL_WEIGHT, "SPARSITY_TARGET": SPARSITY_TARGET, "NEAR_ZERO": NEAR_ZERO,
    "N_ATOMS": N_ATOMS})

x_train, _ = utils.load_mnist("train", scale="[0,1]", subset=N_TRAIN, seed=SEED)
x_test, y_test = utils.load_mnist("test", scale="[0,1]")
steps_per_epoch = math.ceil(len(x_train) / BATCH_SIZE)
print(f"train {x_train.shape}, test {x_test.shape}, pixels in [{x_train.min():.0f}, {x_train.max():.0f}]; "
      f"{dae_epochs} + {sparse_epochs} epochs of {steps_per_epoch} steps")

# %% [markdown]
# ## 1. Corrupting the input
#
# A denoising autoencoder (DAE; Vincent et al., 2008) draws a corrupted copy $\tilde x\sim q(\tilde x\mid x)$ of each
# training image and is trained to return the **clean** image:
#
# $$
# \mathcal L_{\text{DAE}}(\theta)=\frac1n\sum_{i=1}^n\ \mathbb E_{\tilde x\sim q(\cdot\mid x_i)}
# \big[\lVert x_i-g_\theta(f_\theta(\tilde x))\rVert_2^2\big].
# $$
#
# The expectation is estimated with one fresh corruption per image per mini-batch. Copying the input is no longer
# optimal: the network has to undo the corruption, so it must learn what digits look like. We use two corruption
# processes $q$, both on images with pixels in $[0,1]$:
#
# - **Gaussian noise** with standard deviation $s$, **clipped to $[0,1]$**: $\tilde x=\mathrm{clip}(x+s\varepsilon,0,1)$,
#   $\varepsilon\sim\mathcal N(0,I)$. We clip because the corrupted input should still be an image (a sensor
#   saturates; our plots and the decoder's sigmoid live in $[0,1]$). Clipping changes the noise: on a black pixel
#   ($x=0$) every negative draw is cut to 0, so the noise is no longer zero-mean and its mean square is below $s^2$.
#   For one pixel of value $x$, with $a=-x/s$, $b=(1-x)/s$, $\Phi$ and $\varphi$ the standard normal cdf and density,
#   splitting $\varepsilon$ into $\varepsilon<a$ (clipped to 0), $\varepsilon>b$ (clipped to 1) and the rest gives
#
# $$
# \mathbb E\big[(\tilde x-x)^2\big]=x^2\,\Phi(a)+(1-x)^2\,\big(1-\Phi(b)\big)
# +s^2\Big(\Phi(b)-\Phi(a)-b\,\varphi(b)+a\,\varphi(a)\Big).
# $$
#
# - **Masking noise** with fraction $\nu$: in each image, $k=\mathrm{round}(\nu D)$ of the $D=784$ pixels, chosen at
#   random, are set to 0 (Vincent et al., 2008). On MNIST most pixels are already 0, so masking only removes
#   ink; the expected squared error per pixel is $\frac kD\cdot\frac1D\sum_p x_p^2$.
#
# The corruption is a function of a batch and an explicit seed (TensorFlow's *stateless* random ops), so the noise
# is reproducible, differs in every training step, and the same function corrupts the test set.

# %%
D = 784
CORRUPTIONS = ("gaussian", "masking")


def corrupt(x, kind, level, seed):
    """Corrupt a batch of [0,1] images (n, 28, 28, 1). kind "gaussian": clip(x + level * eps, 0, 1);
    kind "masking": round(level * 784) random pixels of each image set to 0. seed: two ints (stateless)."""
    x = tf.convert_to_tensor(x, tf.float32)
    if kind == "gaussian":
        eps = tf.random.stateless_normal(tf.shape(x), seed=seed)
        return tf.clip_by_value(x + level * eps, 0.0, 1.0)
    if kind == "masking":
        k = int(round(level * D))
        if k == 0:
            return x
        scores = tf.random.stateless_uniform((tf.shape(x)[0], D), seed=seed)
        kth_smallest = -tf.math.top_k(-scores, k=k).values[:, -1:]  # the k lowest scores are masked
        keep = tf.cast(scores > kth_smallest, x.dtype)
        return x * tf.reshape(keep, tf.shape(x))
    raise ValueError(f"kind must be one of {CORRUPTIONS}, got {kind!r}")


def corrupt_test(kind, level, stream=0):
    """The test set corrupted once, with a noise stream (SEED + 1, stream) that training never uses."""
    return corrupt(x_test, kind, level, seed=(SEED + 1, stream)).numpy()


def clipped_gaussian_mse(x, s):
    """Exact E[(clip(x + s*eps, 0, 1) - x)^2] for pixel values x and noise std s (formula above)."""
    a, b = -x / s, (1.0 - x) / s
    middle = stats.norm.cdf(b) - stats.norm.cdf(a) - b * stats.norm.pdf(b) + a * stats.norm.pdf(a)
    return x**2 * stats.norm.cdf(a) + (1.0 - x) ** 2 * stats.norm.sf(b) + s**2 * middle


x_test_noisy = {"gaussian": corrupt_test("gaussian", NOISE_STD), "masking": corrupt_test("masking", MASK_FRACTION)}

# %% [markdown]
# The checks: every corrupted pixel lies in $[0,1]$; the measured mean squared error of the corrupted test set
# matches the formulas (averaged over the 7.84 million test pixels); masking removes exactly $k$ pixels per image
# (some of which were already black); and clipping makes the Gaussian noise weaker than $s^2$.

# %% tags=["nbval-check-output"]
k_masked = int(round(MASK_FRACTION * D))
for kind, level in (("gaussian", NOISE_STD), ("masking", MASK_FRACTION)):
    noisy = x_test_noisy[kind]
    measured = np.mean((noisy - x_test) ** 2)
    if kind == "gaussian":
        expected = np.mean(clipped_gaussian_mse(x_test.astype(np.float64), level))
        extra = f"unclipped noise would give s^2 = {level**2:.4f}"
    else:
        expected = k_masked / D * np.mean(x_test.astype(np.float64) ** 2)
        changed = np.sum((noisy != x_test).reshape(len(x_test), -1), axis=1)
        extra = f"pixels changed per image: mean {changed.mean():.1f} of the {k_masked} masked"
    print(f"{kind:8s} level {level}: values in [{noisy.min():.0f}, {noisy.max():.0f}]; per-pixel MSE measured "
          f"{measured:.4f}, expected {expected:.4f}; {extra}")

# %% [markdown]
# With $s=0.5$ the clipped noise has a mean square well below $s^2=0.25$: on the black background, about half of
# the draws are cut off. Noise levels of clipped and unclipped Gaussian noise are therefore not comparable; we
# always state $s$ *before* clipping, and judge every image by its error against the clean image.
#
# **Why not `keras.layers.GaussianNoise`?** It adds $\mathcal N(0,s^2)$ noise inside the model, but only when the
# layer is called with `training=True` (as `fit` does); in `predict` and `evaluate` it is the identity, and it
# never clips. So a model that starts with it would be evaluated on clean inputs unless we corrupt the test set
# ourselves, and its training inputs leave $[0,1]$:

# %% tags=["nbval-check-output"]
noise_layer = layers.GaussianNoise(NOISE_STD, seed=SEED)
batch = x_test[:256]
print("identity when training=False:", bool(np.array_equal(noise_layer(batch, training=False).numpy(), batch)))
noisy_batch = noise_layer(batch, training=True).numpy()
print("changes the input when training=True:", bool(not np.array_equal(noisy_batch, batch)))
print("training-mode values outside [0, 1]:", bool(noisy_batch.min() < 0 or noisy_batch.max() > 1))

# %% [markdown]
# We therefore keep the model a plain autoencoder and put the corruption in the **input pipeline**: a `tf.data`
# map turns each clean batch $x$ into the pair $(\tilde x, x)$ (input, target). The pipeline repeats forever and
# numbers its batches, and batch number $t$ is corrupted with the seed $(\text{SEED}, t)$: fresh noise at every step,
# identical on every re-run. The "clean" pipeline yields $(x, x)$ and trains the plain autoencoder we compare with.

# %%
def training_pairs(kind, level):
    """(input, target) batches for fit: (corrupted x, x), or (x, x) for kind "clean"; repeats forever."""
    batches = utils.make_dataset(x_train, batch_size=BATCH_SIZE, seed=SEED).repeat().enumerate()
    if kind == "clean":
        return batches.map(lambda step, x: (x, x))
    return batches.map(lambda step, x: (corrupt(x, kind, level, seed=tf.stack([tf.constant(SEED, tf.int64), step])), x))


fig = utils.compare_images({
    "clean": x_test[:10],
    f"Gaussian, s={NOISE_STD}": x_test_noisy["gaussian"][:10],
    f"masking, ν={MASK_FRACTION}": x_test_noisy["masking"][:10],
}, title="Test digits and their corrupted copies (Gaussian noise clipped to [0, 1])")
utils.save_figure(fig, "12_corruptions")
plt.show()

# %% [markdown]
# ## 2. Three autoencoders, one architecture
#
# All three models of this section are the same dense autoencoder, built with the course's builders: encoder
# $784\to$ `HIDDEN` (ReLU) $\to$ `CODE_SIZE` (linear code), decoder `CODE_SIZE` $\to$ `HIDDEN` (ReLU) $\to 784$
# (sigmoid, because pixels are in $[0,1]$). Each starts from the **same initial weights** and sees the same
# sequence of clean batches; only the inputs differ:
#
# | model | input | target |
# |---|---|---|
# | plain AE | $x$ | $x$ |
# | Gaussian DAE | $\mathrm{clip}(x+s\varepsilon,0,1)$ | $x$ |
# | masking DAE | $x$ with $k$ pixels set to 0 | $x$ |
#
# The loss is the squared error summed over the 784 pixels of an image and averaged over the batch, the
# $\lVert x_i-\hat x_i\rVert^2$ of the objective above. Any difference between the plain AE and a DAE on noisy test
# images is then due to denoising training.

# %%
def sum_squared_error(y_true, y_pred):
    """Squared error summed over the pixels of each image (one value per image; Keras averages over the batch)."""
    return ops.sum(ops.square(ops.reshape(y_true - y_pred, (ops.shape(y_true)[0], -1))), axis=-1)


def dense_autoencoder(name):
    utils.set_seed(SEED)  # the same initial weights for every model of this section
    encoder = utils.dense_encoder(CODE_SIZE, hidden=(HIDDEN,))
    decoder = utils.dense_decoder(CODE_SIZE, hidden=(HIDDEN,), output_activation="sigmoid")
    model = utils.autoencoder(encoder, decoder, name=name)
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss=sum_squared_error)
    return model


dae_models, dae_histories, dae_seconds = {}, {}, {}
for kind, level in (("clean", None), ("gaussian", NOISE_STD), ("masking", MASK_FRACTION)):
    model = dense_autoencoder(f"{kind}_ae")
    start = time.perf_counter()
    history = model.fit(training_pairs(kind, level), epochs=dae_epochs, steps_per_epoch=steps_per_epoch, verbose=0)
    dae_seconds[kind] = time.perf_counter() - start
    dae_models[kind], dae_histories[kind] = model, history.history["loss"]
    print(f"{model.name:12s} {model.count_params():,} parameters, {dae_seconds[kind]:5.1f} s, "
          f"final training loss {history.history['loss'][-1]:.2f} (squared error per image, on its own inputs)")

# %% [markdown]
# ## 3. How much noise is removed: PSNR
#
# For a clean image $x$ and any estimate $y$ of it, both with pixels in $[0,1]$ (peak value 1),
#
# $$
# \mathrm{PSNR}(x,y)=10\log_{10}\frac{1^2}{\mathrm{MSE}(x,y)}\ \text{dB},\qquad \mathrm{MSE}(x,y)=\frac1D\sum_{p=1}^D(x_p-y_p)^2 .
# $$
#
# We compute it **per image** and report the **mean over the 10,000 test images** of the per-image values (in dB).
# This is not the PSNR of the mean MSE: since $-\log$ is convex, the mean of per-image PSNRs is at least the PSNR
# of the average MSE (Exercise 3). An exact copy ($\mathrm{MSE}=0$) would give infinite PSNR; we floor the MSE at
# $10^{-10}$ (100 dB), a value no image below reaches. Higher is better; $+3$ dB halves the MSE.

# %%
def psnr(clean, estimate):
    """Per-image PSNR in dB (peak 1): one value per image."""
    mse = np.mean(np.square(clean - estimate).reshape(len(clean), -1), axis=1)
    return 10.0 * np.log10(1.0 / np.maximum(mse, 1e-10))


def reconstruct(model, x):
    return model.predict(x, batch_size=2000, verbose=0)


rows, standard_errors = [], []
for kind in CORRUPTIONS:
    noisy = x_test_noisy[kind]
    per_image = {"noisy input": psnr(x_test, noisy),
                 "plain AE": psnr(x_test, reconstruct(dae_models["clean"], noisy)),
                 "DAE": psnr(x_test, reconstruct(dae_models[kind], noisy)),
                 "DAE on clean input": psnr(x_test, reconstruct(dae_models[kind], x_test))}
    rows.append((kind, {name: float(v.mean()) for name, v in per_image.items()}))
    standard_errors += [float(v.std(ddof=1) / np.sqrt(len(v))) for v in per_image.values()]
plain_clean = psnr(x_test, reconstruct(dae_models["clean"], x_test)).mean()

print(f"{'mean per-image PSNR (dB)':26s}" + "".join(f"{name:>20s}" for name in rows[0][1]))
for kind, row in rows:
    level = f"s={NOISE_STD}" if kind == "gaussian" else f"nu={MASK_FRACTION}"
    print(f"{kind + ' ' + level:26s}" + "".join(f"{value:20.2f}" for value in row.values()))
print(f"plain AE on clean test images: {plain_clean:.2f} dB; standard error of each mean over the test images "
      f"at most {max(standard_errors):.3f} dB")

for kind, row in rows:
    what = (f"Gaussian noise s={NOISE_STD} clipped to [0,1]" if kind == "gaussian"
            else f"masking noise nu={MASK_FRACTION}")
    results.record(f"denoise_{kind}_psnr_noisy", row["noisy input"], unit="dB",
                   description=f"mean per-image PSNR of the noisy test images vs clean ({what})")
    results.record(f"denoise_{kind}_psnr_denoised", row["DAE"], unit="dB",
                   description=f"mean per-image PSNR of the denoising AE's output vs clean ({what})")
    results.record(f"denoise_{kind}_psnr_gain_db", row["DAE"] - row["noisy input"], unit="dB",
                   description=f"PSNR gain of the denoising AE over its noisy input ({what})")
    results.record(f"denoise_{kind}_psnr_plain_ae", row["plain AE"], unit="dB",
                   description=f"mean per-image PSNR of a plain AE (trained on clean images) fed the noisy "
                               f"images ({what})")
results.record("denoise_plain_ae_psnr_clean", plain_clean, unit="dB",
               description="mean per-image PSNR of the plain AE's reconstruction of clean test images")

# %% [markdown]
# With the default parameters (this run): Gaussian noise ($s=0.5$) leaves the test images at **9.4 dB**; the plain
# autoencoder, which never saw noise, raises that to **14.4 dB**, because its 64-number bottleneck cannot represent
# most of the noise; the Gaussian DAE reaches **18.5 dB**, a gain of **9.2 dB** over its input and **4.2 dB** over
# the plain AE. Masking ($\nu=0.5$) is where denoising training matters most: the plain AE gains only **0.3 dB**
# (12.8 → 13.1 dB), because a thin, dotted digit is a perfectly good input for it to copy, while the masking DAE
# reaches **19.3 dB** (+6.5 dB). Both DAEs are worse than the plain AE (24.2 dB) on **clean** inputs: a DAE learns
# the corruption it was trained on, and the masking DAE, which expects half of the ink to be missing, over-inks
# complete digits (17.0 dB). The standard errors of these means over the 10,000 test images are about 0.02 dB; they
# cover the noise draw and the test images, not the training seed, which we did not vary.

# %%
for kind in CORRUPTIONS:
    noisy = x_test_noisy[kind][:10]
    fig = utils.compare_images({
        "clean": x_test[:10],
        "noisy input": noisy,
        "plain AE": reconstruct(dae_models["clean"], noisy),
        "denoising AE": reconstruct(dae_models[kind], noisy),
    }, title=f"{kind} noise: the same noisy digits through the plain and the denoising autoencoder")
    utils.save_figure(fig, f"12_denoised_{kind}")
    plt.show()

# %% [markdown]
# ### 3.1 Other noise levels at test time
#
# Each DAE was trained at one noise level. How does it do at other levels, and where does the plain AE stand? We
# corrupt the test set at `CURVE_POINTS` levels (a new noise stream for each) and plot the mean per-image PSNR of
# the noisy input, the plain AE and the DAE; the dotted line marks the training level.

# %%
curve_levels = {"gaussian": np.linspace(0.1, 1.0, CURVE_POINTS), "masking": np.linspace(0.1, 0.9, CURVE_POINTS)}
x_curve = x_test[:2000] if FAST else x_test  # FAST: 2,000 test images for the curves
curves = {}
for kind in CORRUPTIONS:
    curves[kind] = {"noisy input": [], "plain AE": [], "DAE": []}
    for i, level in enumerate(curve_levels[kind]):
        noisy = corrupt(x_curve, kind, float(level), seed=(SEED + 1, 1 + i)).numpy()
        curves[kind]["noisy input"].append(psnr(x_curve, noisy).mean())
        curves[kind]["plain AE"].append(psnr(x_curve, reconstruct(dae_models["clean"], noisy)).mean())
        curves[kind]["DAE"].append(psnr(x_curve, reconstruct(dae_models[kind], noisy)).mean())

fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
for ax, kind in zip(axes, CORRUPTIONS, strict=True):
    for name, values in curves[kind].items():
        ax.plot(curve_levels[kind], values, marker="o", label=name)
    ax.axvline(NOISE_STD if kind == "gaussian" else MASK_FRACTION, color="gray", ls=":", label="training level")
    ax.set_xlabel("noise std $s$ (before clipping)" if kind == "gaussian" else r"masked fraction $\nu$")
    ax.set_ylabel("mean per-image PSNR (dB)")
    ax.set_title(f"{kind} noise")
    ax.legend()
utils.save_figure(fig, "12_psnr_vs_noise")
plt.show()

# %% [markdown]
# The curves make two points. First, the gain is largest near the training level and persists above it: for
# Gaussian noise the DAE beats both the noisy input and the plain AE from $s\approx0.3$ up to $s=1$. Second, a DAE
# is **not** a free improvement: at weak noise ($s=0.1$, $\nu=0.1$) it is several dB *worse* than the noisy input
# and than the plain AE, because it still "removes" the noise it expects. The masking DAE's best PSNR is at a level
# slightly below its training level, not at the weakest noise. In practice the training noise should match the
# noise expected at test time, or be drawn from a range of levels.

# %% [markdown]
# ## 4. Sparsity penalties, written as Keras regularisers
#
# A sparse autoencoder keeps a wide code, here `SPARSE_UNITS` units, wider than the bottleneck of section 2,
# and asks that only a few units be active for any one image. The model is one hidden layer, as in Ng's notes:
# code $h=a(W_ex+b_e)\in\mathbb R^K$ with activation $a$, reconstruction $\hat x=\sigma(W_dh+b_d)$. Column $j$ of
# $W_d$, reshaped to $28\times28$, is what unit $j$ adds to the logits of the output when it is active: the
# unit's **decoder atom**. We use two penalties on the code, added to the squared error per image.
#
# **L1 activity penalty** (ReLU code):
# $\displaystyle\Omega_{1}=\lambda\,\frac1{|B|}\sum_{i\in B}\lVert h_i\rVert_1$, the L1 norm of each image's code,
# averaged over the batch $B$. It drives activations to exactly zero, as the lasso does for weights.
#
# **KL sparsity penalty** (sigmoid code, $h_{ij}\in(0,1)$; Ng, 2011): with the batch estimate
# $\hat\rho_j=\frac1{|B|}\sum_{i\in B}h_{ij}$ of unit $j$'s average activation and a target $\rho$,
#
# $$
# \Omega_{\text{KL}}=\beta\sum_{j=1}^K\Big[\rho\log\frac{\rho}{\hat\rho_j}+(1-\rho)\log\frac{1-\rho}{1-\hat\rho_j}\Big],
# $$
#
# the KL divergence between Bernoulli($\rho$) and Bernoulli($\hat\rho_j$), summed over units. It is zero exactly when
# every unit's average activation equals $\rho$. Ng's notes average over the whole training set; with mini-batches
# we use the batch average, a noisier estimate.
#
# Both penalties go in as `activity_regularizer` of the code layer. **Keras 3 adds the value of an activity
# regulariser to the loss as it is, without dividing by the batch size**, and the built-in
# `keras.regularizers.L1(l1)` returns $l_1\sum_{i\in B}\sum_j|h_{ij}|$, a *sum* over the batch, while the
# reconstruction loss is a *mean* over the batch. The built-in penalty's weight thus grows with the batch size. Our
# regularisers average over the batch, so $\lambda$ means the same at any batch size:

# %% tags=["nbval-check-output"]
class L1Activity(keras.regularizers.Regularizer):
    """lambda * (L1 norm of each row's code), averaged over the batch."""

    def __init__(self, weight):
        self.weight = float(weight)

    def __call__(self, h):
        return self.weight * ops.mean(ops.sum(ops.abs(h), axis=-1))

    def get_config(self):
        return {"weight": self.weight}


class KLSparsity(keras.regularizers.Regularizer):
    """beta * sum_j KL(Bernoulli(rho) || Bernoulli(rho_hat_j)), rho_hat_j = unit j's mean activation in the batch."""

    def __init__(self, weight, target):
        self.weight, self.target = float(weight), float(target)

    def __call__(self, h):
        rho = self.target
        rho_hat = ops.clip(ops.mean(h, axis=0), 1e-6, 1.0 - 1e-6)  # keep the logs finite
        kl = rho * ops.log(rho / rho_hat) + (1.0 - rho) * ops.log((1.0 - rho) / (1.0 - rho_hat))
        return self.weight * ops.sum(kl)

    def get_config(self):
        return {"weight": self.weight, "target": self.target}


h_demo = np.full((8, 4), 0.5, dtype="float32")  # a batch of 8 codes with 4 units, every activation 0.5
for n in (8, 4):
    print(f"batch of {n}: keras L1(0.1) = {float(keras.regularizers.L1(0.1)(h_demo[:n])):.2f}, "
          f"L1Activity(0.1) = {float(L1Activity(0.1)(h_demo[:n])):.2f}")
kl_reg = KLSparsity(1.0, SPARSITY_TARGET)
at_target = round(float(kl_reg(np.full((8, 4), SPARSITY_TARGET, "float32"))), 6) + 0.0  # + 0.0 turns -0.0 into 0.0
print(f"KL penalty with every rho_hat = rho: {at_target:.6f}")
by_hand = 4 * (SPARSITY_TARGET * np.log(SPARSITY_TARGET / 0.5)
               + (1 - SPARSITY_TARGET) * np.log((1 - SPARSITY_TARGET) / 0.5))
print(f"KL penalty with every rho_hat = 0.5: Keras {float(kl_reg(h_demo)):.4f}, by hand {by_hand:.4f}")

# %% [markdown]
# ## 5. Four wide autoencoders: with and without a sparsity penalty
#
# We train four one-hidden-layer autoencoders with `SPARSE_UNITS` code units, in two pairs that differ only in the
# penalty (same initial weights, same batches, clean inputs, squared error per image):
#
# | model | code activation | penalty |
# |---|---|---|
# | plain ReLU | ReLU | none |
# | L1 ReLU | ReLU | $\Omega_1$, $\lambda=$ `L1_WEIGHT` |
# | plain sigmoid | sigmoid | none |
# | KL sigmoid | sigmoid | $\Omega_{\text{KL}}$, $\beta=$ `KL_WEIGHT`, $\rho=$ `SPARSITY_TARGET` |
#
# **A loophole of the L1 penalty, closed.** With ReLU units, replacing $h$ by $ch$ and $W_d$ by $W_d/c$ ($c<1$)
# leaves the reconstruction unchanged and multiplies $\Omega_1$ by $c$. Gradient descent can lower the penalty along
# this path by shrinking all activations and growing the decoder weights, without making the code any sparser.
# Sparse coding closes the loophole by fixing the norm of each atom (Olshausen and Field, 1996); we do the same with
# `keras.constraints.UnitNorm(axis=1)`, which rescales each row of the decoder kernel (one row per code unit) to
# unit length after every update. Both ReLU models get the constraint, so that their activations are on the same
# scale. The sigmoid models do not need it: their code lies in $(0,1)$ and the KL penalty fixes its average level.
# (Keras stores the decoder kernel as $W_d^\top$, shape $K\times784$: row $j$ is unit $j$'s atom.)

# %%
def shallow_autoencoder(name, activation, regularizer=None, unit_norm_atoms=False):
    """784 -> SPARSE_UNITS (activation, optional activity penalty) -> 784 (sigmoid); returns model, encoder, decoder."""
    utils.set_seed(SEED)  # the same initial weights within each pair of models
    image = keras.Input((28, 28, 1), name="image")
    h = layers.Dense(SPARSE_UNITS, activation=activation, activity_regularizer=regularizer, name="code")(
        layers.Flatten()(image))
    encoder = keras.Model(image, h, name="encoder")
    code = keras.Input((SPARSE_UNITS,), name="code")
    constraint = keras.constraints.UnitNorm(axis=1) if unit_norm_atoms else None
    pixels = layers.Dense(D, activation="sigmoid", kernel_constraint=constraint, name="atoms")(code)
    decoder = keras.Model(code, layers.Reshape((28, 28, 1))(pixels), name="decoder")
    model = keras.Model(image, decoder(encoder(image)), name=name)
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss=sum_squared_error)
    return model, encoder, decoder


SPARSE_MODELS = {
    "plain_relu": dict(activation="relu", regularizer=None, unit_norm_atoms=True),
    "l1_relu": dict(activation="relu", regularizer=L1Activity(L1_WEIGHT), unit_norm_atoms=True),
    "plain_sigmoid": dict(activation="sigmoid", regularizer=None),
    "kl_sigmoid": dict(activation="sigmoid", regularizer=KLSparsity(KL_WEIGHT, SPARSITY_TARGET)),
}
sparse = {}
clean_pairs = training_pairs("clean", None)
for name, spec in SPARSE_MODELS.items():
    model, encoder, decoder = shallow_autoencoder(name, **spec)
    start = time.perf_counter()
    history = model.fit(clean_pairs, epochs=sparse_epochs, steps_per_epoch=steps_per_epoch, verbose=0)
    codes = encoder.predict(x_test, batch_size=2000, verbose=0)
    x_hat = reconstruct(model, x_test)
    sparse[name] = {"model": model, "encoder": encoder, "decoder": decoder, "codes": codes,
                    "seconds": time.perf_counter() - start, "loss": history.history["loss"][-1],
                    "test_mse": float(np.mean((x_hat - x_test) ** 2))}
    print(f"{name:14s} {sparse[name]['seconds']:5.1f} s, final training loss (squared error + penalty) "
          f"{sparse[name]['loss']:.2f}")

# %% [markdown]
# Now the measurements on the 10,000 test images. With $h_{ij}$ the activation of unit $j$ on test image $i$:
# **mean activation** $\frac1{nK}\sum_{i,j}h_{ij}$; **near-zero fraction**, the fraction of the $K$ units with
# $h_{ij}<$ `NEAR_ZERO` in an image, averaged over images; **active units per image**, $K$ times one minus that;
# **dead units**, units that are near zero on every test image. Test MSE is per pixel.

# %%
def sparsity_stats(entry):
    h = entry["codes"]
    near_zero = np.mean(h < NEAR_ZERO, axis=1)  # per image
    return {"test MSE": entry["test_mse"], "mean activation": float(h.mean()),
            "near-zero fraction": float(near_zero.mean()),
            "active units per image": float(SPARSE_UNITS * (1 - near_zero.mean())),
            "exact zeros": float(np.mean(h == 0)), "dead units": int(np.sum(h.max(axis=0) < NEAR_ZERO))}


stats_table = {name: sparsity_stats(entry) for name, entry in sparse.items()}
print(f"{'':24s}" + "".join(f"{name:>15s}" for name in stats_table))
for key in stats_table["plain_relu"]:
    print(f"{key:24s}" + "".join(f"{s[key]:15.4f}" if isinstance(s[key], float) else f"{s[key]:15d}"
                                 for s in stats_table.values()))

descriptions = {"plain_relu": "ReLU code, no penalty", "l1_relu": f"ReLU code, L1 penalty lambda={L1_WEIGHT}",
                "plain_sigmoid": "sigmoid code, no penalty",
                "kl_sigmoid": f"sigmoid code, KL penalty beta={KL_WEIGHT} rho={SPARSITY_TARGET}"}
for name, s in stats_table.items():
    what = f"{SPARSE_UNITS}-unit one-layer AE, {descriptions[name]}, test set"
    results.record(f"sparse_{name}_test_mse", s["test MSE"], unit="squared error per pixel",
                   description=f"reconstruction MSE, {what}")
    results.record(f"sparse_{name}_mean_activation", s["mean activation"], unit="activation",
                   description=f"mean code activation over units and images, {what}")
    results.record(f"sparse_{name}_near_zero_fraction", s["near-zero fraction"], unit="fraction of units",
                   description=f"fraction of code units below {NEAR_ZERO} per image, averaged over images, {what}")
    results.record(f"sparse_{name}_dead_units", s["dead units"], unit="units",
                   description=f"code units below {NEAR_ZERO} on every test image, {what}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.4))
for ax, pair in zip(axes, (("plain_relu", "l1_relu"), ("plain_sigmoid", "kl_sigmoid")), strict=True):
    high = max(float(sparse[name]["codes"].max()) for name in pair)
    bins = np.linspace(0.0, high, 60)
    for name in pair:
        ax.hist(sparse[name]["codes"].ravel(), bins=bins, histtype="step", lw=1.5, label=name)
    ax.axvline(NEAR_ZERO, color="gray", ls=":", label="NEAR_ZERO")
    ax.set_yscale("log")
    ax.set_xlabel("code activation $h_{ij}$")
    ax.set_ylabel("count (test images × units)")
    ax.legend()
fig.suptitle("Distribution of code activations on the test set")
utils.save_figure(fig, "12_activation_histograms")
plt.show()

# %% [markdown]
# With the default parameters (this run), both penalties make the code sparse, at a price in reconstruction:
#
# - **L1 ReLU vs plain ReLU.** The mean activation drops from 4.29 to 0.80 and the fraction of near-zero units per
#   image rises from 5 % to 61 % (these are exact zeros: the ReLU cuts them off); about 100 of the 256 units are
#   active per image instead of 242. The test MSE rises from 0.0028 to 0.0079.
# - **KL sigmoid vs plain sigmoid.** The mean activation drops from 0.51 to 0.077, still above the target
#   $\rho=0.05$ after the default 6 epochs (it is a soft penalty, traded against the reconstruction); near-zero
#   units rise from 9 % to 74 % per image, about 68 units active. The test MSE rises from 0.0042 to 0.0119.
# - No unit died (none is below `NEAR_ZERO` on every test image) in any of the four models.
#
# The histograms show *how* the two penalties reach sparsity. The L1 model piles activations up at exactly 0 (the
# ReLU cuts them off) and shortens the tail of large values. The KL model, whose sigmoid never reaches 0, piles
# them into the lowest bin, just above 0, with a small second mode near 1: its units are mostly off and
# occasionally fully on, the on/off behaviour the penalty aims at, whereas the plain sigmoid code spreads over the
# whole interval. "Near zero" depends on the threshold `NEAR_ZERO`, so we print the threshold with every number.
# Neither code is very sparse here (68–100 of 256 units active); larger penalty weights buy more sparsity for more
# reconstruction error (Exercise 4 varies $\rho$).
#
# One test digit makes the difference concrete: its code under each model, unit by unit.

# %%
example = 0
fig, axes = plt.subplots(2, 2, figsize=(10, 4.2), sharex=True)
for ax, name in zip(axes.flat, SPARSE_MODELS, strict=True):
    h = sparse[name]["codes"][example]
    ax.vlines(np.arange(SPARSE_UNITS), 0.0, h, lw=1.0)
    ax.set_title(f"{name}: {int(np.sum(h >= NEAR_ZERO))} of {SPARSE_UNITS} units ≥ {NEAR_ZERO}", fontsize=10)
    ax.set_ylabel("$h_j$")
for ax in axes[1]:
    ax.set_xlabel("code unit $j$")
fig.suptitle(f"The code of test image {example} (a {y_test[example]})")
utils.save_figure(fig, "12_example_codes")
plt.show()

# %% [markdown]
# ## 6. What the code units learn: decoder atoms
#
# Row $j$ of the decoder kernel is the pattern unit $j$ adds to the output logits, scaled by $h_j$; the output is
# $\sigma\big(b_d+\sum_j h_j\,w_j\big)$. We show the `N_ATOMS` atoms of each model's most active units (highest mean
# activation on the test set), each scaled by its own largest absolute weight: white is positive (adds ink),
# black negative (erases ink), mid-grey zero.

# %%
def atoms(name, n):
    entry = sparse[name]
    order = np.argsort(-entry["codes"].mean(axis=0))[:n]  # most active units first
    w = entry["decoder"].get_layer("atoms").kernel.numpy()[order]  # (n, 784)
    return w / np.abs(w).max(axis=1, keepdims=True)


def mosaic(tiles, n_cols=10, pad=2):
    """Tile (n, 784) atoms in [-1, 1] into one image, n_cols per row, separated by pad pixels of zero."""
    n_rows = math.ceil(len(tiles) / n_cols)
    out = np.zeros((n_rows * (28 + pad) - pad, n_cols * (28 + pad) - pad))
    for i, tile in enumerate(tiles):
        r, c = divmod(i, n_cols)
        out[r * (28 + pad):r * (28 + pad) + 28, c * (28 + pad):c * (28 + pad) + 28] = tile.reshape(28, 28)
    return out


panel_height, panel_width = mosaic(np.zeros((N_ATOMS, D))).shape
fig, axes = plt.subplots(2, 2, figsize=(12, 2 * (6 * panel_height / panel_width + 0.4) + 0.4))
for ax, name in zip(axes.flat, SPARSE_MODELS, strict=True):
    ax.imshow(mosaic(atoms(name, N_ATOMS)), vmin=-1, vmax=1, cmap="gray")
    ax.set_title(f"{name} ({descriptions[name]})", fontsize=10)
    ax.axis("off")
fig.suptitle(f"Decoder atoms of the {N_ATOMS} most active units (white adds ink, black erases it)")
utils.save_figure(fig, "12_decoder_atoms")
plt.show()

# %% [markdown]
# Without a penalty, the atoms are high-frequency, speckled patterns spread over the whole digit area. Each image
# is reconstructed from some 240 of them, so the decoder can spread the image over many units that cancel each
# other, and no single atom has to look like anything. With a sparsity penalty only a few dozen units may be on for an
# image, so each atom must carry a large, meaningful part of it: the L1 atoms are smooth strokes and digit parts
# (loops, bars, arcs), several with a black "erase" region beside the white stroke; the KL atoms are close to whole
# digit templates (0s, 6s, 8s, 9s), because a sigmoid unit that is on is close to 1 and adds its whole pattern.
# This is the sense in which a sparse code is more interpretable: a unit stands for a part of the input that
# appears or not. The mean atom norms printed below show one more effect: the sigmoid decoders grow their
# weights when their activations shrink (the norm is about 5 without the penalty and 8 with it); the ReLU atoms
# are held at norm 1 by the constraint.

# %%
atom_norms = {name: float(np.linalg.norm(entry["decoder"].get_layer("atoms").kernel.numpy(), axis=1).mean())
              for name, entry in sparse.items()}
print("mean L2 norm of the decoder atoms:", ", ".join(f"{k} {v:.2f}" for k, v in atom_norms.items()))

# %% [markdown]
# ## Summary
#
# - A denoising autoencoder is an ordinary autoencoder trained on pairs (corrupted $x$, clean $x$). We corrupt
#   in a seeded `tf.data` map, fresh noise per step; `keras.layers.GaussianNoise` would act only in training and
#   would not clip. Clipping Gaussian noise to $[0,1]$ cuts its mean square on MNIST to less than half ($0.116$ instead of
#   $s^2=0.25$ for $s=0.5$), which the closed-form check confirms.
# - PSNR per image, averaged over images: the Gaussian DAE gains about 9 dB over its input and 4 dB over a plain
#   AE fed the same noisy images; the masking DAE gains 6.5 dB where the plain AE gains 0.3 dB. The gain comes
#   from denoising training, and it is lost (even reversed) when the test noise is much weaker than the training
#   noise, or of another kind (Exercise 1).
# - Sparsity penalties (L1 on ReLU activations, KL toward a target mean on sigmoid activations) cut the active
#   units per image from about 240 to 70–100 of 256 and raise the reconstruction error about threefold. Keras adds
#   activity regularisers without dividing by the batch size; our regularisers average over the batch. L1 on
#   activations needs a fixed atom norm, or it can be lowered by rescaling alone.
# - The decoder atoms of sparse codes are strokes and digit templates; those of dense codes are speckled patterns
#   that only make sense in combination.
#
# ## Exercises

# %% [markdown]
# **Exercise 1 (salt-and-pepper noise).** Vincent et al. (2010) also use salt-and-pepper noise: a fraction $\nu$ of
# the pixels, chosen at random, is set to 0 or 1 with equal probability. Implement it with stateless random ops,
# corrupt the test set with $\nu=0.2$, and measure the mean per-image PSNR of the noisy images and of the outputs of
# the plain AE and of both DAEs. Which DAE transfers better to this new noise, and why?

# %% tags=["solution"]
def salt_and_pepper(x, fraction, seed):
    x = tf.convert_to_tensor(x, tf.float32)
    hit = tf.random.stateless_uniform(tf.shape(x), seed=seed) < fraction
    salt = tf.random.stateless_uniform(tf.shape(x), seed=(seed[0], seed[1] + 1)) < 0.5
    return tf.where(hit, tf.cast(salt, x.dtype), x).numpy()


x_sp = salt_and_pepper(x_test, 0.2, seed=(SEED + 2, 0))
print(f"salt-and-pepper nu=0.2: noisy {psnr(x_test, x_sp).mean():.2f} dB; "
      + ", ".join(f"{name} {psnr(x_test, reconstruct(dae_models[key], x_sp)).mean():.2f} dB"
                  for name, key in (("plain AE", "clean"), ("Gaussian DAE", "gaussian"), ("masking DAE", "masking"))))
# Salt adds white dots on the black background, which masking never produces, while the Gaussian DAE has learned
# to remove positive noise on the background: expect it to transfer better (compare the numbers above).

# %% [markdown]
# **Exercise 2 (the L1 loophole).** Train the L1 ReLU model of section 5 again *without* the unit-norm constraint
# on its atoms (`unit_norm_atoms=False`), and compare its mean activation, near-zero fraction, test MSE and mean
# atom norm with the constrained model. Which of the three sparsity measures can the loophole fake, and which not?

# %% [markdown]
# **Exercise 3 (which average?).** Show with Jensen's inequality that the mean of per-image PSNRs is at least
# $10\log_{10}\big(1/\overline{\mathrm{MSE}}\big)$, the PSNR of the mean MSE, and compute both for the noisy and the
# denoised Gaussian test sets. When are the two equal?

# %% tags=["solution"]
# -log10 is convex, so mean(-log10 MSE_i) >= -log10(mean MSE_i); equality iff every image has the same MSE.
for label, estimate in (("noisy", x_test_noisy["gaussian"]),
                        ("denoised", reconstruct(dae_models["gaussian"], x_test_noisy["gaussian"]))):
    per_image_mse = np.mean(np.square(x_test - estimate).reshape(len(x_test), -1), axis=1)
    print(f"{label:8s}: mean of per-image PSNR {psnr(x_test, estimate).mean():.2f} dB >= "
          f"PSNR of the mean MSE {10 * np.log10(1 / per_image_mse.mean()):.2f} dB")

# %% [markdown]
# **Exercise 4 (the KL target).** Train the KL sigmoid model with $\rho\in\{0.02, 0.05, 0.2\}$ and plot the measured
# mean activation against $\rho$ and the test MSE against the near-zero fraction. Does the mean activation reach
# $\rho$? Does a mean of $\rho$ imply that a fraction $1-\rho$ of the units is near zero in each image? (Think of a
# unit that is always at $\rho$.)

# %% [markdown]
# **Exercise 5 (a denoising AE without a bottleneck).** Set `CODE_SIZE = 1024` (wider than the 784 pixels) and
# retrain the plain AE and the Gaussian DAE. The plain AE can now approach the identity map: what happens to its
# PSNR on noisy inputs, and to the DAE's?

# %% [markdown]
# ## References
#
# - Alain, G. and Bengio, Y. (2014). What regularized auto-encoders learn from the data-generating distribution.
#   *Journal of Machine Learning Research*, 15, 3563–3593.
# - Kingma, D. P. and Ba, J. (2015). Adam: a method for stochastic optimization. *International Conference on
#   Learning Representations (ICLR)*.
# - Ng, A. (2011). Sparse autoencoder. CS294A lecture notes, Stanford University.
# - Olshausen, B. A. and Field, D. J. (1996). Emergence of simple-cell receptive field properties by learning a
#   sparse code for natural images. *Nature*, 381, 607–609.
# - Vincent, P., Larochelle, H., Bengio, Y. and Manzagol, P.-A. (2008). Extracting and composing robust features with
#   denoising autoencoders. *Proceedings of the 25th International Conference on Machine Learning (ICML)*, 1096–1103.
# - Vincent, P., Larochelle, H., Lajoie, I., Bengio, Y. and Manzagol, P.-A. (2010). Stacked denoising autoencoders:
#   learning useful representations in a deep network with a local denoising criterion. *Journal of Machine
#   Learning Research*, 11, 3371–3408.
