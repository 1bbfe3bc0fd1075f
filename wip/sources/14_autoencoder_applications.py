# %% [markdown]
# # 14 · Autoencoder applications, measured: compression, anomaly detection, feature learning
#
# The article (§1 and §7) says that autoencoders serve data compression, anomaly detection and feature learning,
# but it never measures any of the three. This notebook does, on MNIST, each time against the obvious linear
# baseline, principal component analysis (PCA). For compression we quantise the code so that bits can be counted
# and draw rate–distortion curves next to PNG and JPEG; for anomaly detection we hold out one digit class and
# score test images by reconstruction error (ROC-AUC per class); for feature learning we train a linear classifier
# on autoencoder codes, on PCA scores and on raw pixels with only 100 or 1,000 labels, over several label draws.
#
# ## Learning objectives
# - Turn an autoencoder into a real codec: uniform scalar quantisation of the code, fixed-rate and entropy-coded
#   rates in bits per image, distortion after decoding the quantised code.
# - Read a rate–distortion plot and compare an autoencoder with PCA, PNG and JPEG at equal rate.
# - Use reconstruction error as an anomaly score, measure it with ROC-AUC, and explain why some classes score
#   below chance.
# - Evaluate learned features with a linear probe on few labels, with the spread over label draws.
#
# ## Prerequisites
# - [02_autoencoder_theory](02_autoencoder_theory.ipynb) (autoencoder, MSE as a likelihood, linear AE = PCA).
# - [01_background](01_background.ipynb) for the data; [04_ae_vs_gan](04_ae_vs_gan.ipynb) for a first linear
#   probe on codes.
# - Basic probability (entropy in bits), and what a ROC curve is.
#
# ## Run time
# Measured on the course's 2-core CPU while many other jobs shared it (load average 15–20): **15–20 min** wall
# time with the default parameters, but only about 4 min 20 s of CPU time, so expect roughly 4–5 min on a quiet
# machine (the four compression autoencoders take about half of it, the ten anomaly autoencoders most of the rest).
# `FAST=True` (5,000 training images, 2 epochs, held-out digits 0, 1 and 8, 3 label draws): 4–5 min wall under the
# same load but about 35 s of CPU time, so well under a minute on a quiet machine; about 10 s of it is starting
# TensorFlow. GPU: not measured; the models are small dense networks, so expect
# 1–2 min, dominated by PNG/JPEG encoding and scikit-learn, which stay on the CPU.

# %% [markdown]
# ## Setup

# %%
import utils  # isort: skip  (first: it starts TensorFlow quietly)

import io
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from PIL import Image
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

# One BLAS thread for NumPy and scikit-learn: on a small shared CPU, BLAS threads that compete with
# TensorFlow's own threads slow both down.
blas_limit = threadpool_limits(limits=1)
# Section 2 builds a fresh model per held-out digit, so Keras traces a new predict function each time and
# TensorFlow warns about "retracing". That is expected here; show only errors.
tf.get_logger().setLevel("ERROR")

# %% tags=["parameters"]
FAST = False  # True: small training subsets and few epochs (what the test suite runs)
SEED = 0  # one seed for NumPy, Python and TensorFlow
HIDDEN = 256  # width of the one hidden layer of every encoder and decoder (dense builders of utils)
CODE_SIZES = [4, 8, 16, 32]  # code sizes K of the compression autoencoders (and PCA)
BITS = [2, 3, 4, 5, 6, 8]  # bits b per code value of the uniform quantiser
EPOCHS = 8  # epochs of each compression autoencoder (all 60,000 training images)
BATCH_SIZE = 128  # mini-batch size of every training run
LEARNING_RATE = 0.001  # Adam learning rate
JPEG_QUALITIES = [10, 25, 50, 75, 95]  # JPEG quality settings shown as reference points
CODEC_IMAGES = 2000  # test images encoded with PNG and JPEG (the first ones; same in FAST mode)
ANOMALY_CODE_SIZE = 16  # code size of the anomaly-detection autoencoders and PCA
ANOMALY_TRAIN = 30000  # training images (from the nine normal classes) per held-out digit
ANOMALY_EPOCHS = 5  # epochs of each anomaly-detection autoencoder
FEATURE_CODE_SIZE = 32  # code size used as features (one of CODE_SIZES: that autoencoder is reused)
LABEL_COUNTS = [100, 1000]  # labelled training images for the linear probe (balanced over the 10 classes)
LABEL_SEEDS = 10  # random draws of the labelled images
LOGREG_C = 1.0  # inverse L2 strength of the logistic regression (not tuned: 100 labels leave no validation set)

# %%
utils.check_param("FAST", FAST, kind=bool)
utils.check_param("SEED", SEED, kind=int, low=0, high=2**32 - 1 - 1000)
utils.check_param("HIDDEN", HIDDEN, kind=int, low=1, high=4096)
for name, values, low, high in [("CODE_SIZES", CODE_SIZES, 1, 256), ("BITS", BITS, 1, 16),
                                ("JPEG_QUALITIES", JPEG_QUALITIES, 1, 95), ("LABEL_COUNTS", LABEL_COUNTS, 10, 5000)]:
    if not isinstance(values, (list, tuple)) or not values:
        raise TypeError(f"{name} must be a non-empty list of ints, got {values!r}")
    for value in values:
        utils.check_param(f"{name} entry", value, kind=int, low=low, high=high)
utils.check_param("EPOCHS", EPOCHS, kind=int, low=1)
utils.check_param("CODEC_IMAGES", CODEC_IMAGES, kind=int, low=10, high=10000)
utils.check_param("BATCH_SIZE", BATCH_SIZE, kind=int, low=1, high=4096)
utils.check_param("LEARNING_RATE", LEARNING_RATE, kind=float, low=1e-6, high=1.0)
utils.check_param("ANOMALY_CODE_SIZE", ANOMALY_CODE_SIZE, kind=int, low=1, high=256)
utils.check_param("ANOMALY_TRAIN", ANOMALY_TRAIN, kind=int, low=100, high=50000)
utils.check_param("ANOMALY_EPOCHS", ANOMALY_EPOCHS, kind=int, low=1)
utils.check_param("FEATURE_CODE_SIZE", FEATURE_CODE_SIZE, kind=int, choices=CODE_SIZES)
utils.check_param("LABEL_SEEDS", LABEL_SEEDS, kind=int, low=2, high=100)
utils.check_param("LOGREG_C", LOGREG_C, kind=float, low=1e-6, high=1e6)
for n in LABEL_COUNTS:
    if n % 10:
        raise ValueError(f"LABEL_COUNTS entries must be multiples of 10 (balanced draws), got {n}")

# FAST mode: training subsets, fewer epochs, three held-out digits, fewer label draws.
# The test set is always the full 10,000 images.
N_TRAIN = 5000 if FAST else None
epochs = min(EPOCHS, 2) if FAST else EPOCHS
anomaly_train = min(ANOMALY_TRAIN, 2000) if FAST else ANOMALY_TRAIN
anomaly_epochs = min(ANOMALY_EPOCHS, 2) if FAST else ANOMALY_EPOCHS
anomaly_digits = [0, 1, 8] if FAST else list(range(10))
label_seeds = min(LABEL_SEEDS, 3) if FAST else LABEL_SEEDS

utils.set_seed(SEED)
results = utils.Results("14_autoencoder_applications", {
    "FAST": FAST, "SEED": SEED, "HIDDEN": HIDDEN, "CODE_SIZES": str(CODE_SIZES), "BITS": str(BITS),
    "EPOCHS": EPOCHS, "BATCH_SIZE": BATCH_SIZE, "LEARNING_RATE": LEARNING_RATE,
    "JPEG_QUALITIES": str(JPEG_QUALITIES), "CODEC_IMAGES": CODEC_IMAGES, "ANOMALY_CODE_SIZE": ANOMALY_CODE_SIZE,
    "ANOMALY_TRAIN": ANOMALY_TRAIN,
    "ANOMALY_EPOCHS": ANOMALY_EPOCHS, "FEATURE_CODE_SIZE": FEATURE_CODE_SIZE, "LABEL_COUNTS": str(LABEL_COUNTS),
    "LABEL_SEEDS": LABEL_SEEDS, "LOGREG_C": LOGREG_C})

x_train, y_train = utils.load_mnist("train", scale="[0,1]", subset=N_TRAIN, seed=SEED)
x_test, y_test = utils.load_mnist("test", scale="[0,1]")
flat_train, flat_test = x_train.reshape(len(x_train), -1), x_test.reshape(len(x_test), -1)
print(f"train {x_train.shape}, test {x_test.shape}, pixels in [{x_train.min():.0f}, {x_train.max():.0f}]")

# %% [markdown]
# ## 1. Compression: bits per image against distortion
#
# An autoencoder is not a compressor until its code is written with a finite number of bits: a real-valued code of
# $K$ float32 numbers takes $32K$ bits, and for $K=32$ that is 1,024 bits — more than a binarised MNIST image (784
# bits). To count bits we quantise.
#
# **Quantiser.** For each code dimension $j$ we take its range $[\ell_j, u_j]$ over the *training* codes and
# place $L = 2^b$ reconstruction levels evenly on it, endpoints included:
#
# $$
# \Delta_j = \frac{u_j-\ell_j}{L-1},\qquad
# q_j = \operatorname{clip}\!\left(\operatorname{round}\frac{z_j-\ell_j}{\Delta_j},\,0,\,L-1\right),\qquad
# \hat z_j = \ell_j + q_j\Delta_j .
# $$
#
# The decoder then maps $\hat z$ to an image. Two rates:
#
# - **fixed rate**: every symbol $q_j$ is written with $b$ bits, so $R = Kb$ bits per image;
# - **entropy-coded rate**: an arithmetic coder with a fixed probability table per dimension (the histogram of
#   the training symbols, with add-one smoothing) needs, up to a few bits per image, the cross-entropy
#   $R = \frac{1}{N}\sum_{n}\sum_j -\log_2 \hat p_j(q_{nj})$ over the $N$ test images (Shannon, 1948; Cover and
#   Thomas, 2006, ch. 5 and 13).
#
# Neither rate counts the decoder's weights, the PCA basis, the ranges or the probability tables: they are shared
# by sender and receiver once, like a codec's specification. **Distortion** is the mean squared error per pixel on the
# 10,000 test images, pixels in $[0,1]$, after decoding the quantised code; PSNR $=10\log_{10}(1/\text{MSE})$ dB.
#
# First a check of the quantiser on data where the answer is known: for values spread uniformly, the rounding error
# is uniform on $[-\Delta/2, \Delta/2]$ and its mean square is $\Delta^2/12$.

# %% tags=["nbval-check-output"]
def fit_ranges(codes):
    """Per-dimension range [low, high] of the training codes (a tiny margin keeps the step positive)."""
    low, high = codes.min(axis=0), codes.max(axis=0)
    return low, np.maximum(high, low + 1e-6)


def quantise(codes, low, high, bits):
    """Uniform scalar quantiser with 2**bits levels on [low, high] per dimension: (symbols, dequantised codes)."""
    levels = 2**bits
    step = (high - low) / (levels - 1)
    symbols = np.clip(np.rint((codes - low) / step), 0, levels - 1).astype(np.int64)
    return symbols, (low + symbols * step).astype(np.float32)


def entropy_bits(symbols_train, symbols_test, bits):
    """Bits per image of an ideal per-dimension entropy coder whose tables are the training histograms."""
    levels, total = 2**bits, 0.0
    for j in range(symbols_train.shape[1]):
        counts = np.bincount(symbols_train[:, j], minlength=levels) + 1.0  # add-one smoothing
        total += -np.log2(counts[symbols_test[:, j]] / counts.sum()).mean()
    return total


check_rng = np.random.default_rng(0)
u = check_rng.uniform(0.0, 1.0, size=(200000, 1))
for b in (2, 4, 8):
    symbols, u_hat = quantise(u, np.zeros(1), np.ones(1), b)
    step = 1 / (2**b - 1)
    print(f"b={b}: measured MSE {np.mean((u - u_hat) ** 2):.3e}, Delta^2/12 = {step**2 / 12:.3e}, "
          f"entropy {entropy_bits(symbols, symbols, b):.2f} bits")

# %% [markdown]
# The measured errors match $\Delta^2/12$, and for uniform data the entropy is $b$ bits (less at $b=2$, where the
# two end levels cover half a step each and so are half as likely). Real codes are far from uniform, which is where
# entropy coding saves bits.
#
# ### 1.1 The autoencoders and the PCA baseline
#
# One dense autoencoder per code size $K$ (the `utils` builders: 784 → 256 ReLU → $K$ linear, and back with a
# sigmoid output), trained with MSE, the distortion we measure, on all 60,000 training images. PCA with the same
# $K$ is the linear baseline (Baldi and Hornik, 1989): its code is the $K$ leading principal scores, and its decoder is
# the mean plus the scores times the components, clipped to $[0,1]$ (clipping can only lower the error, since every
# true pixel is in $[0,1]$).

# %% tags=["nbval-check-output"]
def build_autoencoder(code_size):
    encoder = utils.dense_encoder(code_size, (HIDDEN,))
    decoder = utils.dense_decoder(code_size, (HIDDEN,), output_activation="sigmoid")
    return utils.autoencoder(encoder, decoder), encoder, decoder


for k in CODE_SIZES:
    print(f"K={k:2d}: {build_autoencoder(k)[0].count_params():,} weights")

# %%
def train_autoencoder(x, code_size, n_epochs, seed):
    """A fresh dense autoencoder trained with MSE; returns (autoencoder, encoder, decoder, seconds)."""
    utils.set_seed(seed)
    model, encoder, decoder = build_autoencoder(code_size)
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss="mse")
    start = time.perf_counter()
    model.fit(x, x, batch_size=BATCH_SIZE, epochs=n_epochs, shuffle=True, verbose=0)
    return model, encoder, decoder, time.perf_counter() - start


autoencoders = {}
for i, k in enumerate(CODE_SIZES):
    model, encoder, decoder, seconds = train_autoencoder(x_train, k, epochs, SEED + i)
    autoencoders[k] = (model, encoder, decoder)
    mse = np.mean((model.predict(x_test, batch_size=1000, verbose=0) - x_test) ** 2)
    print(f"K={k:2d}: trained in {seconds:5.1f} s, unquantised test MSE {mse:.5f}")

pca = PCA(n_components=max(CODE_SIZES), svd_solver="covariance_eigh").fit(flat_train)


def pca_encode(x_flat, k):
    return (x_flat - pca.mean_) @ pca.components_[:k].T


def pca_decode(scores, k):
    return np.clip(scores @ pca.components_[:k] + pca.mean_, 0.0, 1.0)


# %% [markdown]
# ### 1.2 Rate–distortion points
#
# Every pair $(K, b)$ gives one point for the autoencoder and one for PCA.

# %%
def rd_points(encode_train, encode_test, decode):
    """Fixed and entropy-coded rates and test MSE for every (K, b)."""
    rows = []
    for k in CODE_SIZES:
        z_train, z_test = encode_train(k), encode_test(k)
        low, high = fit_ranges(z_train)
        for b in BITS:
            s_train, _ = quantise(z_train, low, high, b)
            s_test, z_hat = quantise(z_test, low, high, b)
            x_hat = decode(z_hat, k)
            mse = float(np.mean((x_hat - flat_test) ** 2))
            rows.append({"K": k, "b": b, "fixed": k * b, "entropy": entropy_bits(s_train, s_test, b), "mse": mse})
    return rows


ae_rd = rd_points(
    lambda k: autoencoders[k][1].predict(x_train, batch_size=2000, verbose=0),
    lambda k: autoencoders[k][1].predict(x_test, batch_size=2000, verbose=0),
    lambda z, k: autoencoders[k][2].predict(z, batch_size=2000, verbose=0).reshape(len(z), -1))
pca_rd = rd_points(lambda k: pca_encode(flat_train, k), lambda k: pca_encode(flat_test, k), pca_decode)

print("   K  b | fixed bits | AE entropy bits  AE MSE | PCA entropy bits  PCA MSE")
for a, p in zip(ae_rd, pca_rd, strict=True):
    print(f"  {a['K']:2d} {a['b']:2d} | {a['fixed']:10d} | {a['entropy']:15.1f} {a['mse']:7.4f} |"
          f" {p['entropy']:16.1f} {p['mse']:8.4f}")

# %% [markdown]
# ### 1.3 Reference points: PNG, JPEG, and zero bits
#
# PNG (lossless) and JPEG (lossy, at several quality settings) from Pillow, one file per test image (the first
# `CODEC_IMAGES` test images, to keep the run short); bits = file size × 8, the honest count, headers included.
# At 28×28 the headers dominate: the cell measures the size of an all-black image, which is almost pure overhead
# (signature, chunk headers and checksums for PNG; quantisation and Huffman tables for JPEG). Two more anchors:
# the raw 8-bit image (6,272 bits) and zero bits, where the receiver can only output the mean training image (its
# MSE is measured on all 10,000 test images). These numbers do not depend on training, so the cell gives the same
# output in FAST mode.

# %% tags=["nbval-check-output"]
test_uint8 = np.rint(x_test[..., 0] * 255).astype(np.uint8)  # the original 8-bit pixels


def encode_decode(image, fmt, **options):
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format=fmt, **options)
    data = buffer.getvalue()
    return 8 * len(data), np.asarray(Image.open(io.BytesIO(data)), dtype=np.uint8)


def codec_point(fmt, **options):
    """Mean bits per file and mean squared error (pixels in [0, 1]) over the first CODEC_IMAGES test images."""
    bits, errors = [], []
    for image in test_uint8[:CODEC_IMAGES]:
        n_bits, decoded = encode_decode(image, fmt, **options)
        bits.append(n_bits)
        errors.append(np.mean(((decoded.astype(np.float64) - image) / 255.0) ** 2))
    return float(np.mean(bits)), float(np.mean(errors))


blank = np.zeros((28, 28), np.uint8)
print(f"all-black 28x28 image: PNG {encode_decode(blank, 'PNG', optimize=True)[0]} bits, "
      f"JPEG q=50 {encode_decode(blank, 'JPEG', quality=50, optimize=True)[0]} bits")
png_bits, png_mse = codec_point("PNG", optimize=True)
print(f"PNG (lossless): {png_bits:.0f} bits per image, MSE {png_mse:.1g}")
jpeg = {q: codec_point("JPEG", quality=q, optimize=True) for q in JPEG_QUALITIES}
for q, (bits, mse) in jpeg.items():
    print(f"JPEG q={q:2d}: {bits:.0f} bits per image, MSE {mse:.5f}, PSNR {10 * np.log10(1 / mse):.1f} dB")
zero_bit_mse = float(np.mean((utils.load_mnist("train", scale="[0,1]")[0].mean(axis=0) - x_test) ** 2))
print(f"raw 8-bit: 6272 bits; zero bits (mean training image): MSE {zero_bit_mse:.4f}")

# %% [markdown]
# ### 1.4 The rate–distortion plot

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 4.6), sharey=True)
colors = dict(zip(CODE_SIZES, plt.cm.viridis(np.linspace(0, 0.85, len(CODE_SIZES))), strict=True))
for ax, rate in zip(axes, ["fixed", "entropy"], strict=True):
    for k in CODE_SIZES:
        for rows, style, label in [(ae_rd, "o-", "AE"), (pca_rd, "s--", "PCA")]:
            pts = [r for r in rows if r["K"] == k]
            ax.plot([r[rate] for r in pts], [r["mse"] for r in pts], style, color=colors[k], ms=4,
                    label=f"{label} K={k}")
    ax.plot([v[0] for v in jpeg.values()], [v[1] for v in jpeg.values()], "k^:", label="JPEG (per file)")
    for q, (bits, mse) in jpeg.items():
        ax.annotate(f"q{q}", (bits, mse), textcoords="offset points", xytext=(4, 3), fontsize=7)
    ax.axvline(png_bits, color="gray", ls=":")
    ax.text(png_bits, zero_bit_mse * 0.8, " PNG\n lossless", fontsize=8, color="gray", va="top")
    ax.axhline(zero_bit_mse, color="red", lw=0.8, ls=":")
    ax.text(9, zero_bit_mse * 1.08, "0 bits (mean image)", fontsize=8, color="red")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("fixed rate K·b (bits per image)" if rate == "fixed" else "entropy-coded rate (bits per image)")
axes[0].set_ylabel("test MSE per pixel")
axes[0].set_title("fixed-rate code")
axes[1].set_title("entropy-coded code")
axes[1].legend(fontsize=7, ncol=2, loc="lower left")
fig.tight_layout()
utils.save_figure(fig, "14_rate_distortion")
plt.show()

# %% [markdown]
# To compare at equal rate we take, for a budget of $R$ bits, the best point (over all $K$ and $b$) whose rate is at
# most $R$: the lower envelope of each family.

# %%
def best_within(rows, rate, budget):
    fits = [r for r in rows if r[rate] <= budget]
    return min(fits, key=lambda r: r["mse"]) if fits else None


print("budget | AE fixed: MSE (K,b)  | PCA fixed: MSE (K,b) | AE entropy: MSE | PCA entropy: MSE")
for budget in (32, 64, 128):
    cells = []
    for rows in (ae_rd, pca_rd):
        best = best_within(rows, "fixed", budget)
        cells.append(f"{best['mse']:.4f} ({best['K']},{best['b']})")
    for rows in (ae_rd, pca_rd):
        best = best_within(rows, "entropy", budget)
        cells.append(f"{best['mse']:.4f}" if best else "  none")
    print(f"{budget:6d} | {cells[0]:19s} | {cells[1]:20s} | {cells[2]:15s} | {cells[3]}")
    for name, rows in [("ae", ae_rd), ("pca", pca_rd)]:
        best = best_within(rows, "fixed", budget)
        results.record(f"compression_{name}_mse_at_{budget}bits", best["mse"], unit="MSE per pixel",
                       description=f"lowest test MSE of the {name.upper()} with a fixed-rate quantised code of at most "
                                   f"{budget} bits per image (best K and b)")
for name, rows in [("ae", ae_rd), ("pca", pca_rd)]:
    best = best_within(rows, "entropy", 64)
    if best is not None:
        results.record(f"compression_{name}_entropy_mse_at_64bits", best["mse"], unit="MSE per pixel",
                       description=f"lowest test MSE of the {name.upper()} with an entropy-coded quantised code of at "
                                   "most 64 bits per image")
results.record("compression_png_bits", png_bits, unit="bits per image",
               description=f"mean PNG file size (lossless, Pillow, optimize=True) over the first {CODEC_IMAGES} "
                           "28x28 MNIST test images, in bits")
for q in (min(JPEG_QUALITIES), 50):
    if q in jpeg:
        results.record(f"compression_jpeg_q{q}_bits", jpeg[q][0], unit="bits per image",
                       description=f"mean JPEG file size (Pillow, quality {q}) over the first {CODEC_IMAGES} "
                                   "28x28 MNIST test images, in bits")
        results.record(f"compression_jpeg_q{q}_mse", jpeg[q][1], unit="MSE per pixel",
                       description=f"test MSE of JPEG at quality {q} (first {CODEC_IMAGES} test images)")

# %% [markdown]
# What the same budget looks like: about 64 bits per image, fixed rate, for the autoencoder and PCA (best $(K,b)$ at
# that budget), next to JPEG at its lowest quality, which spends several times more bits.

# %%
show = x_test[:10]
rows = {"original": show}
for rd, dec in [(ae_rd, "ae"), (pca_rd, "pca")]:
    best = best_within(rd, "fixed", 64)
    k, b = best["K"], best["b"]
    if dec == "ae":
        z_train = autoencoders[k][1].predict(x_train, batch_size=2000, verbose=0)
        z = autoencoders[k][1].predict(show, verbose=0)
        _, z_hat = quantise(z, *fit_ranges(z_train), b)
        rows[f"AE {k * b} bits"] = autoencoders[k][2].predict(z_hat, verbose=0)
    else:
        z_train = pca_encode(flat_train, k)
        _, z_hat = quantise(pca_encode(show.reshape(10, -1), k), *fit_ranges(z_train), b)
        rows[f"PCA {k * b} bits"] = pca_decode(z_hat, k)
q_low = min(JPEG_QUALITIES)
rows[f"JPEG q{q_low} ~{jpeg[q_low][0]:.0f} bits"] = np.stack(
    [encode_decode(img, "JPEG", quality=q_low, optimize=True)[1] / 255.0 for img in test_uint8[:10]])
fig = utils.compare_images(rows)
utils.save_figure(fig, "14_compressed_digits")
plt.show()

# %% [markdown]
# **Reading the numbers** (default run). At every budget in the table the autoencoder's quantised code has a lower
# error than PCA's: 0.0212 against 0.0368 at 32 bits, 0.0138 against 0.0259 at 64 bits, 0.0087 against 0.0159 at
# 128 bits (fixed rate), roughly half the error at equal rate; the images above show the difference (Hinton and
# Salakhutdinov, 2006, made the same comparison with deep autoencoders). Beyond $b\approx5$ extra bits buy nothing:
# the curve flattens at the error of the unquantised code, so lower distortion needs a larger $K$, not finer steps.
# Entropy coding moves every curve to the left by 10–50 % (the symbols are far from uniform, most of all at
# $b=2$); it helps PCA at 64 bits (0.0184 instead of 0.0259) because a better $(K,b)$ then fits the budget.
# PNG and JPEG live in another regime: their smallest files (about 1,900 bits for JPEG at quality 10, of which
# an all-black image already needs 1,312) are larger than any learned code here, but they reach errors the
# $K\le32$ bottleneck cannot (JPEG quality 25: MSE 0.0024 at about 2,300 bits, against the autoencoder's floor
# of 0.0069). Two caveats keep the comparison honest: the learned codecs know in advance that every image is a
# centred digit (their "specification" includes a decoder of about 200,000 weights trained on MNIST), and JPEG's
# headers would shrink in a custom container. Learned codecs that train the quantiser and an entropy model end to
# end go much further (Ballé et al., 2017).

# %% [markdown]
# ## 2. Anomaly detection: hold out one digit
#
# For each digit $c$ we train an autoencoder only on training images of the other nine digits, then score every
# test image by its reconstruction error $s(x)=\frac{1}{784}\lVert x-\hat x\rVert^2$. The higher the score, the more
# anomalous; digit $c$ is the anomaly. ROC-AUC is the probability that a random image of digit $c$ scores higher than
# a random normal image (Fawcett, 2006): 0.5 is chance, 1 is perfect, below 0.5 means the held-out digit looks *more*
# normal than the normal ones. The PCA baseline uses the same nine-class images and the same $K$. Each model sees a
# random subset of the nine classes (`ANOMALY_TRAIN` images) to keep the run short.

# %%
def pca_errors(fit_images, test_images, k):
    model = PCA(n_components=k, svd_solver="covariance_eigh").fit(fit_images)
    recon = np.clip(model.inverse_transform(model.transform(test_images)), 0.0, 1.0)
    return np.mean((recon - test_images) ** 2, axis=1)


auc = {"ae": {}, "pca": {}}
scores = {"ae": {}, "pca": {}}
pick_rng = np.random.default_rng(SEED)
start = time.perf_counter()
for c in anomaly_digits:
    normal = np.flatnonzero(y_train != c)
    keep = np.sort(pick_rng.choice(normal, size=min(anomaly_train, len(normal)), replace=False))
    model, _, _, _ = train_autoencoder(x_train[keep], ANOMALY_CODE_SIZE, anomaly_epochs, SEED + 100 + c)
    recon = model.predict(x_test, batch_size=2000, verbose=0)
    scores["ae"][c] = np.mean((recon - x_test) ** 2, axis=(1, 2, 3))
    scores["pca"][c] = pca_errors(flat_train[keep], flat_test, ANOMALY_CODE_SIZE)
    for name in ("ae", "pca"):
        auc[name][c] = roc_auc_score(y_test == c, scores[name][c])
    print(f"held-out digit {c}: AUC AE {auc['ae'][c]:.3f}, PCA {auc['pca'][c]:.3f}")
print(f"{len(anomaly_digits)} autoencoders and PCAs in {time.perf_counter() - start:.0f} s")
for name in ("ae", "pca"):
    for c in anomaly_digits:
        results.record(f"anomaly_auc_{name}_digit{c}", auc[name][c], unit="ROC-AUC",
                       description=f"ROC-AUC of reconstruction MSE ({name.upper()}, K={ANOMALY_CODE_SIZE}, trained "
                                   f"without digit {c}) for detecting digit {c} among the test images")
    results.record(f"anomaly_auc_{name}_mean", float(np.mean(list(auc[name].values()))), unit="ROC-AUC",
                   description=f"mean over held-out digits {anomaly_digits} of the {name.upper()} anomaly ROC-AUC")
print(f"mean AUC: AE {np.mean(list(auc['ae'].values())):.3f}, PCA {np.mean(list(auc['pca'].values())):.3f}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 3.8), gridspec_kw={"width_ratios": [1.4, 1]})
pos = np.arange(len(anomaly_digits))
axes[0].bar(pos - 0.2, [auc["ae"][c] for c in anomaly_digits], 0.4, label="autoencoder")
axes[0].bar(pos + 0.2, [auc["pca"][c] for c in anomaly_digits], 0.4, label="PCA")
axes[0].axhline(0.5, color="red", lw=0.8, ls=":", label="chance")
axes[0].set_xticks(pos, [str(c) for c in anomaly_digits])
axes[0].set_xlabel("held-out (anomalous) digit")
axes[0].set_ylabel("ROC-AUC")
axes[0].set_ylim(0, 1.15)
axes[0].legend(loc="upper center", ncol=3)
axes[0].set_title(f"reconstruction error as anomaly score (K={ANOMALY_CODE_SIZE})")
c_show = 1 if 1 in anomaly_digits else anomaly_digits[0]
bins = np.linspace(0, np.quantile(scores["ae"][c_show], 0.99), 50)
axes[1].hist(scores["ae"][c_show][y_test != c_show], bins, density=True, alpha=0.6, label="normal digits")
axes[1].hist(scores["ae"][c_show][y_test == c_show], bins, density=True, alpha=0.6, label=f"held-out digit {c_show}")
axes[1].set_xlabel("reconstruction MSE (autoencoder)")
axes[1].set_ylabel("density")
axes[1].legend()
axes[1].set_title(f"scores when digit {c_show} is held out")
fig.tight_layout()
utils.save_figure(fig, "14_anomaly_auc")
plt.show()

# %% [markdown]
# **Reading the numbers** (default run). The autoencoder detects eight of the ten held-out digits with AUC above 0.68
# and beats PCA with the same code size for every digit (mean AUC 0.80 against 0.71): the nonlinear model fits the
# nine normal classes more tightly, so unfamiliar shapes stand out more. Two kinds of failure remain. Digits that
# look like normal ones are hard: 9 (AUC 0.61) resembles 4 and 7, and 7 (0.69) resembles 1 and 9. And digit 1 scores
# *below chance* for both models (AE 0.42, PCA 0.41): a 1 is a single stroke with few lit pixels, so any model
# reconstructs it with a small squared error, and the right panel shows the 1s missing the long tail of large errors
# that the normal digits have. The score measures how hard an image is to reconstruct, not how unusual it is; simple
# inputs look normal (the same effect appears with the likelihoods of deep generative models, Nalisnick et al.,
# 2019). Exercise 2 tries a score that corrects for the amount of ink. Each AUC comes from one training run; we did
# not measure its variation over training seeds (Exercise 3), so gaps of a few hundredths should not be read into.

# %% [markdown]
# ## 3. Feature learning with few labels
#
# The claim: an autoencoder trained without labels learns a code that makes later supervised learning easier
# (the motivation of stacked and denoising autoencoders, Vincent et al., 2010). The
# test: a linear probe. We reuse the $K=$`FEATURE_CODE_SIZE` autoencoder of section 1 (trained on all training
# images, no labels), draw $n$ labelled training images, **balanced** ($n/10$ per class, a fresh random draw for
# each seed), standardise the features (mean 0, variance 1 on the labelled images), fit an L2-regularised
# multinomial logistic regression with $C$=`LOGREG_C`, and measure accuracy on the 10,000 test images. Three
# feature sets: the autoencoder's code, PCA scores of the same size (fitted on all training images, also without
# labels) and the 784 raw pixels.

# %%
def balanced_draw(labels, n, seed):
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.choice(np.flatnonzero(labels == c), n // 10, replace=False) for c in range(10)])


def probe_accuracy(train_features, train_labels, test_features):
    probe = make_pipeline(StandardScaler(), LogisticRegression(C=LOGREG_C, max_iter=5000))
    probe.fit(train_features, train_labels)
    return float(np.mean(probe.predict(test_features) == y_test))


feature_encoder = autoencoders[FEATURE_CODE_SIZE][1]
features = {
    "AE codes": (feature_encoder.predict(x_train, batch_size=2000, verbose=0),
                 feature_encoder.predict(x_test, batch_size=2000, verbose=0)),
    "PCA scores": (pca_encode(flat_train, FEATURE_CODE_SIZE), pca_encode(flat_test, FEATURE_CODE_SIZE)),
    "raw pixels": (flat_train, flat_test),
}
accuracy = {name: {n: [] for n in LABEL_COUNTS} for name in features}
start = time.perf_counter()
for n in LABEL_COUNTS:
    for s in range(label_seeds):
        idx = balanced_draw(y_train, n, SEED + 1000 + s)
        for name, (f_train, f_test) in features.items():
            accuracy[name][n].append(probe_accuracy(f_train[idx], y_train[idx], f_test))
print(f"{len(LABEL_COUNTS) * label_seeds * len(features)} probes in {time.perf_counter() - start:.0f} s")
print(f"test accuracy, mean ± std over {label_seeds} label draws")
print("features     " + "".join(f"|      n={n:<6d}" for n in LABEL_COUNTS))
for name in features:
    print(f"{name:12s} " + "".join(f"| {np.mean(accuracy[name][n]):.3f} ± {np.std(accuracy[name][n], ddof=1):.3f} "
                                   for n in LABEL_COUNTS))
# The same label draws feed every feature set, so compare them draw by draw (a paired difference).
for n in LABEL_COUNTS:
    gain = np.array(accuracy["AE codes"][n]) - np.array(accuracy["raw pixels"][n])
    print(f"n={n}: AE codes minus raw pixels, paired over draws: {gain.mean():+.3f} ± {gain.std(ddof=1):.3f}, "
          f"codes better in {np.sum(gain > 0)} of {len(gain)} draws")
    results.record(f"fewlabel_gain_codes_vs_pixels_n{n}_mean", float(gain.mean()), unit="accuracy",
                   description=f"mean over {label_seeds} label draws of (accuracy on AE codes - accuracy on raw "
                               f"pixels), same {n} labels for both")
for key, name in [("codes", "AE codes"), ("pca", "PCA scores"), ("pixels", "raw pixels")]:
    for n in LABEL_COUNTS:
        what = f"logistic regression on {name} (K={FEATURE_CODE_SIZE})" if key != "pixels" else \
            "logistic regression on the 784 raw pixels"
        results.record(f"fewlabel_acc_{key}_n{n}_mean", float(np.mean(accuracy[name][n])), unit="accuracy",
                       description=f"test accuracy of {what} trained on {n} balanced labels, mean over "
                                   f"{label_seeds} label draws")
        results.record(f"fewlabel_acc_{key}_n{n}_std", float(np.std(accuracy[name][n], ddof=1)), unit="accuracy",
                       description=f"standard deviation over {label_seeds} label draws of the test accuracy of "
                                   f"{what} with {n} labels")

# %%
fig, ax = plt.subplots(figsize=(6, 3.8))
for i, name in enumerate(features):
    means = [np.mean(accuracy[name][n]) for n in LABEL_COUNTS]
    stds = [np.std(accuracy[name][n], ddof=1) for n in LABEL_COUNTS]
    ax.errorbar(np.array(LABEL_COUNTS) * (1 + 0.04 * (i - 1)), means, yerr=stds, fmt="o-", capsize=4, label=name)
ax.set_xscale("log")
ax.set_xticks(LABEL_COUNTS, [str(n) for n in LABEL_COUNTS])
ax.set_xlabel("labelled training images (balanced)")
ax.set_ylabel("test accuracy")
ax.set_title(f"linear probe, mean ± std over {label_seeds} label draws")
ax.legend()
fig.tight_layout()
utils.save_figure(fig, "14_few_label_probe")
plt.show()

# %% [markdown]
# **Reading the numbers** (default run, 10 label draws). With 100 labels the autoencoder's 32 numbers give the
# best linear probe: 0.749 ± 0.009 test accuracy, against 0.732 ± 0.015 on the 784 raw pixels and 0.702 ± 0.020 on
# 32 PCA scores; paired over the same label draws, codes beat pixels in all 10 draws, by 1.7 ± 1.1 points. That is
# a real but small gain. With 1,000 labels it is gone: codes 0.864 ± 0.004, pixels 0.867 ± 0.003, PCA 0.861 ±
# 0.008, within about one standard deviation of each other (codes beat pixels in only 2 of 10 draws). So the
# article's "feature learning" holds here only in the regime of very few labels, and only modestly: a plain
# reconstruction objective keeps what is needed to redraw the digit, not what separates the classes. Codes also
# compress: 32 features instead of 784 with no loss of accuracy at 1,000 labels.

# %% [markdown]
# ## Summary
#
# - **Compression.** With a quantised code an autoencoder is a real codec: rate = $Kb$ bits (fixed) or the
#   entropy of the symbols (entropy-coded), distortion measured after decoding. On MNIST it has about half PCA's
#   error at equal rate (0.0138 against 0.0259 at 64 bits) and works at rates far below the smallest PNG or JPEG
#   file, but its bottleneck caps the quality it can reach; it owes much to knowing the data in advance.
# - **Anomaly detection.** Reconstruction error detects most held-out digits (mean AUC 0.80 for the autoencoder,
#   0.71 for PCA) and fails for the digit 1 (AUC 0.42), which is easy to reconstruct: the score measures
#   simplicity as much as novelty.
# - **Feature learning.** A linear probe on the codes beats raw pixels by about 1.7 points with 100 labels and
#   ties with 1,000 labels.
# - The article's three claims are each true *sometimes*; the size of the effect, and where it fails, only shows
#   when measured against a baseline.

# %% [markdown]
# ## Exercises
#
# **Exercise 1.** The quantiser spends the same $b$ bits on every code dimension. Give each dimension of PCA's
# $K=16$ code a number of bits that grows with its variance (for example $b_j = \max(0, \operatorname{round}(\tfrac12
# \log_2(\sigma_j^2/\theta)))$, reverse water-filling, Cover and Thomas, 2006, §10.3.3) and compare the fixed-rate
# MSE with equal bit allocation at the same total bits.

# %% [markdown]
# **Exercise 2.** The anomaly score $\lVert x-\hat x\rVert^2$ is small for images with little ink. Divide it by the
# image's squared norm $\lVert x\rVert^2$ and recompute the AUC of each held-out digit for the autoencoder and PCA,
# from the scores already computed. Which digits gain, which lose?

# %% tags=["solution"]
ink = np.sum(flat_test**2, axis=1)
print("digit | AE AUC: MSE -> relative | PCA AUC: MSE -> relative")
for c in anomaly_digits:
    relative = {name: roc_auc_score(y_test == c, scores[name][c] * 784 / ink) for name in ("ae", "pca")}
    print(f"  {c}   |     {auc['ae'][c]:.3f} -> {relative['ae']:.3f}     |      {auc['pca'][c]:.3f} -> "
          f"{relative['pca']:.3f}")

# %% [markdown]
# Dividing by the ink removes the advantage of thin digits: digit 1 rises above chance, while digits with much ink
# (0, 8) become harder, since their relative error shrinks. No single score is right for every class.
#
# **Exercise 3.** Retrain the autoencoder for held-out digit 1 and digit 9 with three different seeds each and
# report the spread of the AUC. Is the AE–PCA difference of section 2 larger than that spread?
#
# **Exercise 4.** Replace the dense autoencoder of section 3 by `utils.conv_encoder`/`utils.conv_decoder` with the
# same code size (slower on a CPU) and rerun the linear probe. Do convolutional codes help with 100 labels?

# %% [markdown]
# ## References
#
# - Shannon, C. E. (1948). A mathematical theory of communication. *Bell System Technical Journal*, 27, 379–423 and
#   623–656.
# - Cover, T. M., and Thomas, J. A. (2006). *Elements of Information Theory* (2nd ed.). Wiley.
# - Baldi, P., and Hornik, K. (1989). Neural networks and principal component analysis: learning from examples without
#   local minima. *Neural Networks*, 2(1), 53–58.
# - Hinton, G. E., and Salakhutdinov, R. R. (2006). Reducing the dimensionality of data with neural networks.
#   *Science*, 313(5786), 504–507.
# - Wallace, G. K. (1992). The JPEG still picture compression standard. *IEEE Transactions on Consumer Electronics*,
#   38(1), xviii–xxxiv.
# - Ballé, J., Laparra, V., and Simoncelli, E. P. (2017). End-to-end optimized image compression. *International
#   Conference on Learning Representations (ICLR)*.
# - Japkowicz, N., Myers, C., and Gluck, M. (1995). A novelty detection approach to classification. *Proceedings of
#   the 14th International Joint Conference on Artificial Intelligence (IJCAI)*, 518–523.
# - Sakurada, M., and Yairi, T. (2014). Anomaly detection using autoencoders with nonlinear dimensionality reduction.
#   *Proceedings of the MLSDA 2014 Workshop on Machine Learning for Sensory Data Analysis*, 4–11.
# - Fawcett, T. (2006). An introduction to ROC analysis. *Pattern Recognition Letters*, 27(8), 861–874.
# - Nalisnick, E., Matsukawa, A., Teh, Y. W., Gorur, D., and Lakshminarayanan, B. (2019). Do deep generative models
#   know what they don't know? *International Conference on Learning Representations (ICLR)*.
# - Vincent, P., Larochelle, H., Lajoie, I., Bengio, Y., and Manzagol, P.-A. (2010). Stacked denoising autoencoders:
#   learning useful representations in a deep network with a local denoising criterion. *Journal of Machine Learning
#   Research*, 11, 3371–3408.
