# %% [markdown]
# # 11 · Convolutional autoencoder: same code size, better reconstructions
#
# The dense autoencoder of [10_dense_autoencoder](10_dense_autoencoder.ipynb) flattens each digit into 784
# unrelated numbers, so it has to learn from scratch that neighbouring pixels belong together. A convolutional
# autoencoder builds that knowledge in: small filters shared across the image, strided convolutions that halve
# the resolution (28 → 14 → 7), and transposed convolutions that double it back. This notebook writes such a
# model out layer by layer, checks every shape, receptive field and the meaning of a transposed convolution with
# code, and then trains it against the dense autoencoder with the same code size, optimizer, epochs, batch size,
# data and seeds. A table puts parameters, training time and test error side by side, at the article's code
# size 64 and at a small code size.
#
# ## Learning objectives
# - Write a convolutional encoder (`Conv2D`, stride 2, `same` padding) and decoder (`Conv2DTranspose`) in Keras
#   and predict the shape of every layer (28 → 14 → 7 → code → 7 → 14 → 28).
# - Explain weight sharing and translation equivariance, and compute a receptive field by formula and by gradient.
# - Show that a transposed convolution is the adjoint (the backward pass) of a strided convolution, and why a
#   3×3 kernel with stride 2 overlaps unevenly (checkerboard artefacts).
# - Compare a dense and a convolutional autoencoder fairly: parameters, seconds per epoch and test MSE over seeds,
#   per digit class, and on the worst-reconstructed test digits.
#
# ## Prerequisites
# - [02_autoencoder_theory](02_autoencoder_theory.ipynb) (the bottleneck, MSE as a likelihood) and
#   [10_dense_autoencoder](10_dense_autoencoder.ipynb) (the article's dense autoencoder, which this notebook
#   uses as the baseline).
# - What a 2-D convolution computes (a dot product of a small kernel with every image patch).
#
# ## Run time
# Measured on the course's 2-core CPU while many other jobs shared it (load average about 20, so the wall times
# are badly inflated): **21 min** wall time with the default parameters but only **5 min 50 s of CPU time**, so expect
# roughly 3–6 minutes on a quiet 2-core machine (not measured); about three quarters of it is the convolutional
# training runs. `FAST=True` (3,000 training images, one epoch, one seed): 3 min 27 s wall under the same load,
# 24 s of CPU time. GPU: not measured; convolutions are what a GPU accelerates most, so expect well under a minute.

# %% [markdown]
# ## Setup

# %%
import utils  # isort: skip  (first: it starts TensorFlow quietly)

import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from IPython.display import Markdown, display

# %% tags=["parameters"]
FAST = False  # True: a 3,000-image training subset, one epoch, one seed (what the test suite runs)
SEED = 0  # first seed; runs use SEED, SEED + 1, ...
CODE_SIZE = 64  # the article's code size (the headline comparison)
SMALL_CODE_SIZE = 8  # a small code size, where the bottleneck dominates
FILTERS_1 = 16  # channels of the first convolution (28 -> 14); the decoder mirrors them
FILTERS_2 = 32  # channels of the second convolution (14 -> 7)
DENSE_HIDDEN = 128  # hidden width of the dense baseline (the article's 784-128-K-128-784)
EPOCHS = 3  # epochs of every training run, dense and convolutional alike
BATCH_SIZE = 128  # mini-batch size of every training run
LEARNING_RATE = 0.001  # Adam learning rate of every training run
N_SEEDS = 2  # training runs per model and code size (different initialisations and batch orders)
EQUAL_TIME_MAX_EPOCHS = 15  # cap on the epochs of the dense model given the conv model's training time
N_SHOW = 10  # digits per row in the reconstruction figures

# %%
utils.check_param("FAST", FAST, kind=bool)
utils.check_param("SEED", SEED, kind=int, low=0, high=2**31)
utils.check_param("CODE_SIZE", CODE_SIZE, kind=int, low=1, high=784)
utils.check_param("SMALL_CODE_SIZE", SMALL_CODE_SIZE, kind=int, low=1, high=784)
if SMALL_CODE_SIZE >= CODE_SIZE:
    raise ValueError(f"SMALL_CODE_SIZE ({SMALL_CODE_SIZE}) must be smaller than CODE_SIZE ({CODE_SIZE})")
utils.check_param("FILTERS_1", FILTERS_1, kind=int, low=1, high=256)
utils.check_param("FILTERS_2", FILTERS_2, kind=int, low=1, high=256)
utils.check_param("DENSE_HIDDEN", DENSE_HIDDEN, kind=int, low=1, high=4096)
utils.check_param("EPOCHS", EPOCHS, kind=int, low=1, high=200)
utils.check_param("BATCH_SIZE", BATCH_SIZE, kind=int, low=1, high=3000)
utils.check_param("LEARNING_RATE", LEARNING_RATE, kind=float, low=1e-6, high=1.0)
utils.check_param("N_SEEDS", N_SEEDS, kind=int, low=1, high=10)
utils.check_param("EQUAL_TIME_MAX_EPOCHS", EQUAL_TIME_MAX_EPOCHS, kind=int, low=1, high=500)
utils.check_param("N_SHOW", N_SHOW, kind=int, low=1, high=20)

# FAST mode: a training subset, one epoch, one seed, a test subset. Default: all 60,000 / 10,000 images.
N_TRAIN, N_TEST = (3000, 2000) if FAST else (None, None)
epochs = 1 if FAST else EPOCHS
n_seeds = 1 if FAST else N_SEEDS
equal_time_max_epochs = 2 if FAST else EQUAL_TIME_MAX_EPOCHS
FILTERS = (FILTERS_1, FILTERS_2)
CODE_SIZES = (CODE_SIZE, SMALL_CODE_SIZE)

utils.set_seed(SEED)
results = utils.Results("11_convolutional_autoencoder", {
    "FAST": FAST, "SEED": SEED, "CODE_SIZE": CODE_SIZE, "SMALL_CODE_SIZE": SMALL_CODE_SIZE,
    "FILTERS_1": FILTERS_1, "FILTERS_2": FILTERS_2, "DENSE_HIDDEN": DENSE_HIDDEN, "EPOCHS": EPOCHS,
    "BATCH_SIZE": BATCH_SIZE, "LEARNING_RATE": LEARNING_RATE, "N_SEEDS": N_SEEDS,
    "EQUAL_TIME_MAX_EPOCHS": EQUAL_TIME_MAX_EPOCHS, "N_SHOW": N_SHOW})

# %% [markdown]
# ## 1. Why convolutions: locality, weight sharing, equivariance
#
# A dense layer from a $28\times28$ image to $H$ units has a weight for every (pixel, unit) pair, $784H$ in all,
# and treats the digit shifted by one pixel as a completely different input. A convolution with a $k\times k$
# kernel and $C_\text{out}$ output channels computes, at every position $(i,j)$,
#
# $$
# y_{i,j,c} = b_c + \sum_{u=0}^{k-1}\sum_{v=0}^{k-1}\sum_{c'=1}^{C_\text{in}} w_{u,v,c',c}\;x_{s i+u-p,\;s j+v-p,\;c'},
# $$
#
# with stride $s$ and padding offset $p$. Three properties follow:
#
# - **Locality**: each output looks at a $k\times k$ patch, not at the whole image.
# - **Weight sharing**: the same $k^2C_\text{in}C_\text{out}+C_\text{out}$ numbers are used at every position, so the
#   count does not depend on the image size.
# - **Translation equivariance** (stride 1): shifting the input shifts the output by the same amount,
#   $\mathrm{conv}(\mathrm{shift}_t\,x)=\mathrm{shift}_t\,\mathrm{conv}(x)$, away from the border. With stride $s$
#   this holds only for shifts that are multiples of $s$ (the output moves by $t/s$).
#
# The cell checks the last two claims on a real digit, whose blank border makes a circular shift (`np.roll`) an
# ordinary shift.

# %% tags=["nbval-check-output"]
x_digit, _ = utils.load_mnist("test", scale="[0,1]", subset=1, seed=SEED)
x_digit = tf.constant(x_digit)

def init(offset):
    return keras.initializers.GlorotUniform(seed=SEED + offset)


conv_s1 = keras.layers.Conv2D(8, 3, strides=1, padding="same", kernel_initializer=init(1))
conv_s2 = keras.layers.Conv2D(8, 3, strides=2, padding="same", kernel_initializer=init(2))
dense_layer = keras.layers.Dense(8 * 28 * 28, kernel_initializer=init(3))
for layer in (conv_s1, conv_s2):
    layer.build((None, 28, 28, 1))
dense_layer.build((None, 784))
print(f"parameters to map a 28x28 image to 8 maps of 28x28: conv 3x3 {conv_s1.count_params():,}, "
      f"dense {dense_layer.count_params():,}")


def shift(a, t):
    return np.roll(np.asarray(a), (t, t), axis=(1, 2))


def max_gap(a, b, border=0):
    """Largest absolute difference, ignoring `border` pixels at each edge of the maps (none by default)."""
    a, b = np.asarray(a), np.asarray(b)
    if border:
        a, b = a[:, border:-border, border:-border], b[:, border:-border, border:-border]
    return float(np.max(np.abs(a - b)))


dense_map = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), dense_layer,
                              keras.layers.Reshape((28, 28, 8))])
checks = [("conv stride 1, shift 3 -> 3", conv_s1, 3, 3, 4), ("conv stride 2, shift 2 -> 1", conv_s2, 2, 1, 2),
          ("conv stride 2, shift 1 -> ?", conv_s2, 1, 0, 2), ("dense,         shift 3 -> 3", dense_map, 3, 3, 4)]
for label, f, t_in, t_out, border in checks:
    gap = max_gap(f(shift(x_digit, t_in)), shift(f(x_digit), t_out), border)
    print(f"{label}: max |f(shift x) - shift f(x)| away from the border = {gap:.2f}")

# %% [markdown]
# The stride-1 and the shift-2/stride-2 gaps are zero (up to float rounding); a one-pixel shift under stride 2
# has no exact counterpart, and the dense layer has no such structure at all (its gap is of the size of its
# outputs). The encoder below therefore sees a digit the same way
# wherever a stroke sits, up to its stride; only its last, dense layer (to the code) is position-specific.
#
# ## 2. The convolutional autoencoder, written out
#
# ### 2.1 Shapes
#
# With `padding="same"` Keras pads so that a convolution of stride $s$ maps a side of length $n$ to
# $\lceil n/s\rceil$, and a transposed convolution maps $n$ to $s\,n$. Two stride-2 convolutions take
# $28\to14\to7$; two stride-2 transposed convolutions take $7\to14\to28$:
#
# | part | layer | output shape | parameters |
# |---|---|---|---|
# | encoder | input | $28\times28\times1$ | 0 |
# | | `Conv2D` $3\times3$, stride 2, ReLU, $F_1$ channels | $14\times14\times F_1$ | $9F_1+F_1$ |
# | | `Conv2D` $3\times3$, stride 2, ReLU, $F_2$ channels | $7\times7\times F_2$ | $9F_1F_2+F_2$ |
# | | `Flatten`, then linear `Dense` | $K$ (the code) | $49F_2K+K$ |
# | decoder | `Dense`, ReLU, `Reshape` | $7\times7\times F_2$ | $49F_2K+49F_2$ |
# | | `Conv2DTranspose` $3\times3$, stride 2, ReLU, $F_2$ channels | $14\times14\times F_2$ | $9F_2^2+F_2$ |
# | | `Conv2DTranspose` $3\times3$, stride 2, ReLU, $F_1$ channels | $28\times28\times F_1$ | $9F_2F_1+F_1$ |
# | | `Conv2D` $3\times3$, stride 1, sigmoid, 1 channel | $28\times28\times1$ | $9F_1+1$ |
#
# The code layer is linear, as in the dense autoencoder, and the output is a sigmoid because the pixels are in
# $[0,1]$. This notebook uses $F_1=16$, $F_2=32$ (parameters `FILTERS_1`, `FILTERS_2`). With $K=64$ this gives
# almost exactly the parameter count of the article's dense autoencoder, so the comparison below is at equal code
# size **and** roughly equal size. (The shared builders default to $F=(32,64)$; on this CPU that model trains
# about five times more slowly, too slow for the notebook's budget.)
#
# The model in Keras, in full:

# %%
def make_conv_encoder(code_size, filters=(16, 32)):
    """28x28x1 -> Conv2D(stride 2) ... -> Flatten -> linear Dense(code_size)."""
    image = keras.Input((28, 28, 1), name="image")
    h = image
    for i, n_channels in enumerate(filters):  # each layer halves the side: 28 -> 14 -> 7
        h = keras.layers.Conv2D(n_channels, 3, strides=2, padding="same", activation="relu", name=f"conv_{i}")(h)
    h = keras.layers.Flatten(name="flatten")(h)
    code = keras.layers.Dense(code_size, name="code")(h)  # linear: the code may take any real value
    return keras.Model(image, code, name="encoder")


def make_conv_decoder(code_size, filters=(32, 16)):
    """code -> Dense -> 7x7xF -> Conv2DTranspose(stride 2) ... -> Conv2D(1, sigmoid) 28x28x1."""
    side = 28 // 2 ** len(filters)  # 7 for two upsampling layers
    code = keras.Input((code_size,), name="code")
    h = keras.layers.Dense(side * side * filters[0], activation="relu", name="project")(code)
    h = keras.layers.Reshape((side, side, filters[0]), name="reshape")(h)
    for i, n_channels in enumerate(filters):  # each layer doubles the side: 7 -> 14 -> 28
        h = keras.layers.Conv2DTranspose(n_channels, 3, strides=2, padding="same", activation="relu",
                                         name=f"deconv_{i}")(h)
    image = keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid", name="image")(h)  # pixels in (0, 1)
    return keras.Model(code, image, name="decoder")


def make_conv_autoencoder(code_size, filters=FILTERS):
    encoder = make_conv_encoder(code_size, filters)
    decoder = make_conv_decoder(code_size, tuple(reversed(filters)))
    image = keras.Input((28, 28, 1), name="image")
    return keras.Model(image, decoder(encoder(image)), name="conv_ae"), encoder, decoder


# %% [markdown]
# Every layer's output shape and parameter count, and a check that this definition is the same model as the
# shared builders `utils.conv_encoder(K, filters=(16, 32))` and `utils.conv_decoder(K, filters=(32, 16))`
# that later notebooks call: same layer types, shapes and counts, and, once the weights are copied across, the
# same outputs.

# %% tags=["nbval-check-output"]
def layer_table(model):
    rows = []
    for layer in model.layers:
        shape = tuple(layer.output.shape[1:])
        rows.append((layer.name, type(layer).__name__, shape, layer.count_params()))
    return rows


conv_ae_demo, conv_encoder_demo, conv_decoder_demo = make_conv_autoencoder(CODE_SIZE)
for part in (conv_encoder_demo, conv_decoder_demo):
    for name, kind, shape, n_params in layer_table(part):
        print(f"{part.name:8s} {name:8s} {kind:16s} {str(shape):14s} {n_params:>8,}")
print(f"total parameters: {conv_ae_demo.count_params():,}")

builder_encoder = utils.conv_encoder(CODE_SIZE, filters=FILTERS)
builder_decoder = utils.conv_decoder(CODE_SIZE, filters=tuple(reversed(FILTERS)))
same_layers = all(
    [(k, s, n) for _, k, s, n in layer_table(mine)] == [(k, s, n) for _, k, s, n in layer_table(theirs)]
    for mine, theirs in ((conv_encoder_demo, builder_encoder), (conv_decoder_demo, builder_decoder)))
builder_encoder.set_weights(conv_encoder_demo.get_weights())
builder_decoder.set_weights(conv_decoder_demo.get_weights())
x_check, _ = utils.load_mnist("test", scale="[0,1]", subset=64, seed=SEED)
gap = max_gap(builder_decoder(builder_encoder(x_check)), conv_ae_demo(x_check))
print(f"same layer types, shapes and counts as the builders: {same_layers}; "
      f"max output difference with copied weights: {gap:.1e}")

# %% [markdown]
# ### 2.2 Receptive fields
#
# A unit of layer $l$ sees a square of input pixels of side $r_l$ (its receptive field). With kernel $k_l$ and
# stride $s_l$, and $j_l=\prod_{i\le l}s_i$ the distance in input pixels between neighbouring units of layer $l$,
#
# $$
# r_0=1,\ j_0=1,\qquad r_l=r_{l-1}+(k_l-1)\,j_{l-1},\qquad j_l=j_{l-1}\,s_l .
# $$
#
# For two $3\times3$ stride-2 layers: $r_1=3$, $j_1=2$, $r_2=3+2\cdot2=7$. So each of the $7\times7$ positions of the
# encoder's last feature map summarises a $7\times7$ patch of the digit (neighbouring patches overlap by 3 pixels,
# since $j_2=4$), and the final dense layer combines all of them into the code. The cell checks this with a
# gradient: the input pixels on which one unit of `conv_1` depends are those where $\partial y/\partial x\neq0$
# (we use all-ones kernels and no activation, so that no gradient cancels by accident).

# %% tags=["nbval-check-output"]
def receptive_field(kernels, strides):
    r, j = 1, 1
    for k, s in zip(kernels, strides, strict=True):
        r, j = r + (k - 1) * j, j * s
    return r, j


probe = keras.Sequential([keras.Input((28, 28, 1))] + [
    keras.layers.Conv2D(1, 3, strides=2, padding="same", use_bias=False, kernel_initializer="ones")
    for _ in FILTERS])
x_probe = tf.Variable(tf.zeros((1, 28, 28, 1)))
with tf.GradientTape() as tape:
    unit = probe(x_probe)[0, 3, 3, 0]  # a unit in the middle of the 7x7 map
support = np.argwhere(tape.gradient(unit, x_probe).numpy()[0, :, :, 0] != 0)
rows, cols = support[:, 0], support[:, 1]
print(f"formula: receptive field {receptive_field([3, 3], [2, 2])[0]}x{receptive_field([3, 3], [2, 2])[0]}, "
      f"jump {receptive_field([3, 3], [2, 2])[1]}")
print(f"gradient: unit (3, 3) of conv_1 depends on input rows {rows.min()}..{rows.max()}, "
      f"columns {cols.min()}..{cols.max()} ({rows.max() - rows.min() + 1}x{cols.max() - cols.min() + 1} pixels)")

# %% [markdown]
# ### 2.3 What a transposed convolution is
#
# A strided convolution is a linear map $x\mapsto Cx$ from $\mathbb R^{28\cdot28\cdot C_\text{in}}$ to the smaller
# $\mathbb R^{14\cdot14\cdot C_\text{out}}$ (a sparse matrix $C$ built from the kernel). The **transposed
# convolution** with the same kernel is $y\mapsto C^\top y$: it goes back from the small shape to the large one.
# It is not an inverse ($C^\top C\neq I$); it is exactly the map that back-propagation applies to a convolution's
# output gradient, since $\nabla_x\langle y, Cx\rangle=C^\top y$ (Dumoulin and Visin, 2016). Equivalently, it
# spreads each input value, times the kernel, over a $k\times k$ output patch, moving $s$ output pixels per input
# pixel. Its kernel is learned like any other, so the decoder learns its own upsampling; a fixed
# alternative is `UpSampling2D` (repeat pixels) followed by an ordinary convolution.
#
# The check: a `Conv2DTranspose` given the kernel of a stride-2 `Conv2D` (Keras stores both as
# $k\times k\times C_\text{small-side}\dots$ arrays of the same shape) returns the gradient of
# $\langle y,\mathrm{conv}(x)\rangle$ with respect to $x$.

# %% tags=["nbval-check-output"]
rng = np.random.default_rng(SEED)
conv_down = keras.layers.Conv2D(4, 3, strides=2, padding="same", use_bias=False, kernel_initializer=init(4))
conv_down.build((None, 28, 28, 2))
conv_up = keras.layers.Conv2DTranspose(2, 3, strides=2, padding="same", use_bias=False)
conv_up.build((None, 14, 14, 4))
print(f"kernel shapes: Conv2D {tuple(conv_down.kernel.shape)}, Conv2DTranspose {tuple(conv_up.kernel.shape)}")
conv_up.kernel.assign(conv_down.kernel)

x_big = tf.Variable(rng.normal(size=(1, 28, 28, 2)).astype("float32"))
y_small = tf.constant(rng.normal(size=(1, 14, 14, 4)).astype("float32"))
with tf.GradientTape() as tape:
    inner = tf.reduce_sum(y_small * conv_down(x_big))
adjoint = tape.gradient(inner, x_big)
transposed = conv_up(y_small)
print(f"Conv2DTranspose(y) shape {tuple(transposed.shape)}; "
      f"max |Conv2DTranspose(y) - grad_x <y, conv(x)>| < 1e-5: {max_gap(transposed, adjoint) < 1e-5}")

# %% [markdown]
# ### 2.4 Checkerboard artefacts
#
# With kernel 3 and stride 2 the output patches of neighbouring input pixels overlap unevenly: along each axis
# every other output pixel receives contributions from two input pixels, the others from one. In 2-D the counts
# are 1, 2 and 4 in a checkerboard pattern, so even a constant input gives a patterned output unless the learned
# kernel compensates (Odena et al., 2016). A kernel size divisible by the stride (4 with stride 2) overlaps
# evenly; so does resize-then-convolve. The cell feeds a constant $4\times4$ map of ones through both, with
# all-ones kernels, and prints how many input pixels reach each output pixel.

# %% tags=["nbval-check-output"]
def overlap_counts(kernel_size):
    layer = keras.layers.Conv2DTranspose(1, kernel_size, strides=2, padding="same", use_bias=False,
                                         kernel_initializer="ones")
    return layer(tf.ones((1, 4, 4, 1))).numpy()[0, :, :, 0].astype(int)


counts_3, counts_4 = overlap_counts(3), overlap_counts(4)
print("kernel 3, stride 2 (uneven):")
print(counts_3)
print("kernel 4, stride 2 (even away from the border):")
print(counts_4)

# %%
fig, axes = plt.subplots(1, 2, figsize=(6.5, 3))
for ax, counts, title in zip(axes, (counts_3, counts_4), ("kernel 3, stride 2", "kernel 4, stride 2"), strict=True):
    image = ax.imshow(counts, vmin=0, vmax=4, cmap="viridis")
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
fig.colorbar(image, ax=axes, label="inputs per output pixel")
fig.suptitle("Transposed convolution of a constant 4x4 map")
utils.save_figure(fig, "11_checkerboard_overlap")
plt.show()

# %% [markdown]
# The builders (and this notebook's model) keep the common $3\times3$ kernel; the decoder's final stride-1
# convolution and training usually smooth the pattern away. Look for it in the reconstructions of section 4
# (exercise 3 asks you to try the 4×4 kernel).
#
# ## 3. Training both autoencoders under the same conditions
#
# The baseline is the article's dense autoencoder built by the shared builders,
# `utils.dense_encoder(K, hidden=(128,))` and `utils.dense_decoder(K, hidden=(128,))`
# ($784\to128\to K\to128\to784$, ReLU, linear code, sigmoid output). Both models get the same data (MNIST in
# $[0,1]$), the same loss (MSE per pixel), the same optimizer (Adam, learning rate `LEARNING_RATE`), the same
# number of epochs and batch size, and the same seeds, which fix both the initial weights and the order of the
# mini-batches. Time is measured per epoch over the training batches only (the test-set evaluation that Keras
# runs after each epoch for the loss curves is excluded); the first epoch includes tracing the `tf.function`.
# We report the median epoch and the sum.
#
# The parameter counts first; they do not depend on training:

# %% tags=["nbval-check-output"]
def make_dense_autoencoder(code_size):
    encoder = utils.dense_encoder(code_size, hidden=(DENSE_HIDDEN,))
    decoder = utils.dense_decoder(code_size, hidden=(DENSE_HIDDEN,), output_activation="sigmoid")
    return utils.autoencoder(encoder, decoder, name="dense_ae")


BUILDERS = {"dense": make_dense_autoencoder, "conv": lambda k: make_conv_autoencoder(k)[0]}
n_params = {(name, k): build(k).count_params() for k in CODE_SIZES for name, build in BUILDERS.items()}
for k in CODE_SIZES:
    print(f"K = {k:2d}: dense {n_params['dense', k]:>8,} parameters, conv {n_params['conv', k]:>8,} parameters")

# %%
x_train, _ = utils.load_mnist("train", scale="[0,1]", subset=N_TRAIN, seed=SEED)
x_test, y_test = utils.load_mnist("test", scale="[0,1]", subset=N_TEST, seed=SEED)
print(f"train {x_train.shape}, test {x_test.shape}, pixels in [{x_train.min():.0f}, {x_train.max():.0f}]")


class EpochTimer(keras.callbacks.Callback):
    """Seconds per epoch over the training batches only (validation after the epoch is not counted)."""

    def on_train_begin(self, logs=None):
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.last = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(self.last - self.start)


def per_image_mse(model, x):
    x_hat = model.predict(x, batch_size=1000, verbose=0)
    return np.mean((x - x_hat) ** 2, axis=(1, 2, 3)), x_hat


def train(name, code_size, seed, n_epochs):
    utils.set_seed(seed)
    model = BUILDERS[name](code_size)
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss="mse")
    batches = utils.make_dataset(x_train, batch_size=BATCH_SIZE, seed=seed).map(lambda x: (x, x))
    timer = EpochTimer()
    history = model.fit(batches, epochs=n_epochs, validation_data=(x_test, x_test), verbose=0, callbacks=[timer])
    errors, x_hat = per_image_mse(model, x_test)
    return {"history": history.history, "seconds": timer.seconds, "errors": errors, "x_hat": x_hat}


tf.get_logger().setLevel("ERROR")  # Keras warns about re-tracing predict for every new model; expected here
runs = {}
for k in CODE_SIZES:
    for seed in range(SEED, SEED + n_seeds):
        for name in BUILDERS:
            run = train(name, k, seed, epochs)
            if seed != SEED:
                del run["x_hat"]  # keep the reconstructions of the first seed only (for the figures)
            runs[name, k, seed] = run
            print(f"K={k:2d} seed {seed} {name:5s}: test MSE {run['errors'].mean():.5f}, "
                  f"{sum(run['seconds']):.1f} s")

# %% [markdown]
# ### 3.1 The table

# %%
def summarise(name, k):
    group = [runs[name, k, s] for s in range(SEED, SEED + n_seeds)]
    mse = np.array([r["errors"].mean() for r in group])
    return {"mse": mse, "per_epoch": float(np.median([t for r in group for t in r["seconds"]])),
            "total": float(np.mean([sum(r["seconds"]) for r in group]))}


def pm(values, digits=5):
    spread = f" ± {values.std(ddof=1):.{digits}f}" if len(values) > 1 else ""
    return f"{values.mean():.{digits}f}{spread}"


summary = {(name, k): summarise(name, k) for k in CODE_SIZES for name in BUILDERS}
lines = ["| code size K | model | parameters | s / epoch (median) | training s (mean) | test MSE (mean ± std) "
         "| test MSE per seed |", "|---|---|---|---|---|---|---|"]
for k in CODE_SIZES:
    for name in BUILDERS:
        s = summary[name, k]
        lines.append(f"| {k} | {name} | {n_params[name, k]:,} | {s['per_epoch']:.1f} | {s['total']:.1f} "
                     f"| {pm(s['mse'])} | {', '.join(f'{v:.5f}' for v in s['mse'])} |")
display(Markdown("\n".join(lines)))

for k in CODE_SIZES:
    dense, conv = summary["dense", k], summary["conv", k]
    ratio = conv["mse"].mean() / dense["mse"].mean()
    wins = int(np.sum(conv["mse"] < dense["mse"]))
    print(f"K = {k:2d}: conv / dense test MSE = {ratio:.2f}; conv better in {wins} of {n_seeds} paired seeds; "
          f"conv takes {conv['per_epoch'] / dense['per_epoch']:.1f}x the time per epoch")
    for name in BUILDERS:
        s = summary[name, k]
        label = "convolutional" if name == "conv" else "dense"
        results.record(f"{name}_ae_test_mse_k{k}", float(s["mse"].mean()), unit="MSE per pixel ([0,1] pixels)",
                       description=f"{label} AE, code size {k}, {epochs} epochs: test MSE, mean over {n_seeds} seeds")
        if n_seeds > 1:
            results.record(f"{name}_ae_test_mse_std_k{k}", float(s["mse"].std(ddof=1)),
                           unit="MSE per pixel ([0,1] pixels)",
                           description=f"{label} AE, code size {k}: standard deviation of the test MSE over seeds")
        results.record(f"{name}_ae_params_k{k}", n_params[name, k], unit="parameters",
                       description=f"{label} AE, code size {k}: trainable parameters")
        results.record(f"{name}_ae_train_seconds_k{k}", s["total"], unit="s",
                       description=f"{label} AE, code size {k}: training time of {epochs} epochs (mean over seeds; "
                                   "shared 2-core CPU)")
    results.record(f"conv_to_dense_mse_ratio_k{k}", float(ratio), unit="ratio",
                   description=f"code size {k}: test MSE of the conv AE divided by that of the dense AE (<1: conv "
                               "better)")

# %% [markdown]
# At the article's code size $K=64$ and almost equal parameter counts (221,153 vs 218,192), the convolutional
# autoencoder's test MSE is **less than half** the dense one's (0.0041 vs 0.0088 per pixel, conv / dense = 0.47),
# better for both seeds, and the seed-to-seed spread (about 0.0002) is twenty times smaller than the gap. At $K=8$ the
# gap shrinks to 16 % (0.0210 vs 0.0250, again both seeds) although the conv model has 4.5 times fewer parameters:
# when the code is this small the bottleneck, not the architecture, limits both models. The price is time: on
# this CPU one convolutional epoch costs about six times a dense one (the exact seconds above were measured under
# heavy load and are noisy).
#
# ### 3.2 Equal training time instead of equal epochs
#
# Per epoch the convolutional model costs several times more computation (each $3\times3$ kernel is applied at
# every position of a $28\times28$ or $14\times14$ map). A fair question is whether the dense model would catch up
# if it were given the same **wall-clock** time. We train it at $K=$ `CODE_SIZE` (first seed) for as many epochs
# as fit into the convolutional model's training time, capped at `EQUAL_TIME_MAX_EPOCHS`.

# %%
conv_time = sum(runs["conv", CODE_SIZE, SEED]["seconds"])
dense_epoch = float(np.median(runs["dense", CODE_SIZE, SEED]["seconds"]))
equal_epochs = int(min(equal_time_max_epochs, max(epochs, conv_time // dense_epoch)))
long_dense = train("dense", CODE_SIZE, SEED, equal_epochs)
long_mse = float(long_dense["errors"].mean())
conv_mse_first = float(runs["conv", CODE_SIZE, SEED]["errors"].mean())
print(f"dense AE, K={CODE_SIZE}, {equal_epochs} epochs ({sum(long_dense['seconds']):.1f} s): test MSE {long_mse:.5f}")
print(f"conv AE,  K={CODE_SIZE}, {epochs} epochs ({conv_time:.1f} s): test MSE {conv_mse_first:.5f}")
results.record(f"dense_ae_equal_time_test_mse_k{CODE_SIZE}", long_mse, unit="MSE per pixel ([0,1] pixels)",
               description=f"dense AE, code size {CODE_SIZE}, trained {equal_epochs} epochs (about the conv AE's "
                           "training time), first seed: test MSE")
results.record(f"dense_ae_equal_time_epochs_k{CODE_SIZE}", equal_epochs, unit="epochs",
               description="epochs the dense AE got in the equal-training-time comparison")

# %% [markdown]
# Honest answer: **given the same wall-clock time on this CPU, the dense model catches up.** In about 150 s the
# dense autoencoder ran 15 epochs and reached 0.0040, the convolutional one ran 3 epochs and reached 0.0042 (first
# seed, $K=64$). So the claim "the conv AE beats the dense AE" holds at equal epochs, equal code size and equal
# parameter count, not at equal CPU time after a few epochs; neither model has converged, and the conv model was
# still improving quickly (section 5). On a GPU the time ratio is much smaller, and exercise 4 shows that most of
# the conv model's parameters are in its two dense layers, not its convolutions.
#
# ## 4. Looking at the reconstructions
#
# The first test digits, reconstructed by both models at both code sizes (first seed):

# %%
first = slice(0, N_SHOW)
rows = {"original": x_test[first]}
for k in CODE_SIZES:
    for name in BUILDERS:
        rows[f"{name}, K={k}"] = runs[name, k, SEED]["x_hat"][first]
fig = utils.compare_images(rows, title="Test digits and their reconstructions")
utils.save_figure(fig, "11_reconstructions")
plt.show()

# %% [markdown]
# The average hides the failures. Below are the test digits that the convolutional model reconstructs
# **worst** at $K=$ `CODE_SIZE`, and, separately, those that the dense model reconstructs worst, each with both
# models' reconstructions and the per-image MSE of each (d = dense, c = conv) above the column.

# %%
def worst_figure(by, k):
    errors = {name: runs[name, k, SEED]["errors"] for name in BUILDERS}
    worst = np.argsort(errors[by])[::-1][:N_SHOW]
    fig = utils.compare_images({"original": x_test[worst],
                                f"dense, K={k}": runs["dense", k, SEED]["x_hat"][worst],
                                f"conv, K={k}": runs["conv", k, SEED]["x_hat"][worst]})
    for ax, i in zip(fig.axes[:N_SHOW], worst, strict=True):
        ax.set_title(f"digit {y_test[i]}\nd {errors['dense'][i]:.3f}\nc {errors['conv'][i]:.3f}", fontsize=7)
    fig.suptitle(f"The {N_SHOW} test digits the {by} model reconstructs worst (K={k}); "
                 "per-image MSE: d = dense, c = conv", y=1.12)
    return fig, worst


for by in ("conv", "dense"):
    fig, worst = worst_figure(by, CODE_SIZE)
    utils.save_figure(fig, f"11_worst_{by}")
    plt.show()
    errors_dense = runs["dense", CODE_SIZE, SEED]["errors"][worst]
    errors_conv = runs["conv", CODE_SIZE, SEED]["errors"][worst]
    print(f"worst {N_SHOW} for the {by} model: mean MSE dense {errors_dense.mean():.4f}, conv {errors_conv.mean():.4f}")

# %% [markdown]
# The convolutional model is better even on its own worst digits (mean MSE 0.019 vs the dense model's 0.025 on
# them): they are thick, bold zeros and eights with much ink, hard for both. The digits the dense model gets
# worst (mean 0.032) are unusual shapes — open loops, thin strokes, odd slants — which the conv model reconstructs
# far better (0.014): the dense model falls back to a blurred typical digit, while local filters copy the strokes
# that are there. No checkerboard pattern is visible at this contrast.
#
# ## 5. Loss curves
#
# Training loss (the running mean over each epoch's batches, while the weights change) and test loss (after each
# epoch), first seed, both code sizes:

# %%
fig, axes = plt.subplots(1, len(CODE_SIZES), figsize=(10, 3.6), sharey=True)
for ax, k in zip(axes, CODE_SIZES, strict=True):
    for name, color in (("dense", "tab:blue"), ("conv", "tab:orange")):
        history = runs[name, k, SEED]["history"]
        epoch_axis = np.arange(1, len(history["loss"]) + 1)
        ax.plot(epoch_axis, history["loss"], color=color, linestyle="--", marker="o", label=f"{name}, train")
        ax.plot(epoch_axis, history["val_loss"], color=color, marker="s", label=f"{name}, test")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_title(f"code size K = {k}")
    ax.set_xticks(epoch_axis)
axes[0].set_ylabel("MSE per pixel")
axes[0].legend()
utils.save_figure(fig, "11_loss_curves")
plt.show()

# %% [markdown]
# The test loss sits below the running-mean training loss because the latter averages over an epoch of
# still-improving weights; it is not a sign of under-fitting the test set. Both models are still improving after
# three epochs, the convolutional one faster at $K=64$. Longer training changes the numbers, not (at equal epochs)
# the order.
#
# ## 6. Which digits profit?
#
# Test MSE per digit class, averaged over the seeds (error bars: standard deviation over seeds when there are
# several):

# %%
fig, axes = plt.subplots(1, len(CODE_SIZES), figsize=(10, 3.4), sharey=False)
class_ratio = {}
for ax, k in zip(axes, CODE_SIZES, strict=True):
    per_class = {}
    for offset, (name, color) in zip((-0.2, 0.2), (("dense", "tab:blue"), ("conv", "tab:orange")), strict=True):
        table = np.array([[runs[name, k, s]["errors"][y_test == d].mean() for d in range(10)]
                          for s in range(SEED, SEED + n_seeds)])
        per_class[name] = table.mean(axis=0)
        spread = table.std(axis=0, ddof=1) if n_seeds > 1 else None
        ax.bar(np.arange(10) + offset, per_class[name], width=0.4, color=color, yerr=spread, capsize=2, label=name)
    class_ratio[k] = per_class["conv"] / per_class["dense"]
    ax.set_xticks(range(10))
    ax.set_xlabel("digit")
    ax.set_title(f"code size K = {k}")
axes[0].set_ylabel("test MSE per pixel")
axes[0].legend()
utils.save_figure(fig, "11_per_class_mse")
plt.show()
for k in CODE_SIZES:
    print(f"K = {k:2d}: conv / dense MSE per class " + " ".join(f"{d}:{r:.2f}" for d, r in enumerate(class_ratio[k])))

# %% [markdown]
# The gain is not limited to a few classes: at $K=64$ the conv model's per-class MSE is 0.42–0.51 of the dense
# model's for every digit, at $K=8$ it is 0.74–0.88. Ones are the easiest digit for both, zeros and eights (many
# pixels of ink) the hardest.
#
# ## Summary
#
# - A convolutional autoencoder replaces the dense layers next to the image by small shared kernels:
#   `Conv2D(3×3, stride 2, same)` maps $28\to14\to7$, `Conv2DTranspose(3×3, stride 2, same)` maps $7\to14\to28$,
#   and a linear dense layer gives the code. The notebook's model is `utils.conv_encoder(K, filters=(16, 32))` +
#   `utils.conv_decoder(K, filters=(32, 16))`, checked layer by layer and output by output.
# - Convolutions are translation-equivariant (exactly, for shifts that are multiples of the stride), each unit of
#   the second layer sees a $7\times7$ patch, and a transposed convolution is the adjoint $C^\top$ of a strided
#   convolution, not its inverse; $3\times3$ kernels with stride 2 overlap unevenly (checkerboards).
# - Same code size, data, optimizer, epochs, batch size and seeds: at $K=64$ (equal parameter counts) the conv AE
#   halves the test MSE (0.0041 vs 0.0088); at $K=8$ it is 16 % better with 4.5 times fewer parameters. It wins for
#   every digit class and on both models' worst digits.
# - It costs about six times more CPU time per epoch; given equal CPU time the dense AE reached the conv AE's error
#   at $K=64$ (0.0040 vs 0.0042). Which model is "better" depends on what is held equal — say which.
#
# ## Exercises

# %% [markdown]
# **Exercise 1 (count the parameters by hand).** Using the table of section 2.1, write the parameter count of the
# convolutional autoencoder as a function of $K$, $F_1$ and $F_2$, and check it against `count_params()` for
# $K\in\{2, 8, 64\}$. For which $K$ does it equal the dense autoencoder's $2\cdot784\cdot128+257K+1040$?

# %% tags=["solution"]
def conv_ae_params(k, f1, f2):
    encoder = (9 * f1 + f1) + (9 * f1 * f2 + f2) + (49 * f2 * k + k)
    decoder = (49 * f2 * k + 49 * f2) + (9 * f2 * f2 + f2) + (9 * f2 * f1 + f1) + (9 * f1 + 1)
    return encoder + decoder


def dense_ae_params(k, h=128):
    return (784 * h + h) + (h * k + k) + (k * h + h) + (h * 784 + 784)


for k in (2, 8, 64):
    print(f"K={k:2d}: formula {conv_ae_params(k, *FILTERS):,}, Keras {make_conv_autoencoder(k)[0].count_params():,}, "
          f"dense {dense_ae_params(k):,}")
# Both grow linearly in K; setting them equal and solving for K:
slope_conv = conv_ae_params(1, *FILTERS) - conv_ae_params(0, *FILTERS)
slope_dense = dense_ae_params(1) - dense_ae_params(0)
k_equal = (dense_ae_params(0) - conv_ae_params(0, *FILTERS)) / (slope_conv - slope_dense)
print(f"equal parameter counts at K = {k_equal:.1f}")

# %% [markdown]
# **Exercise 2 (a third layer).** Add a third stride-2 convolution to the encoder. What is the side of its
# output with `same` padding (28 → 14 → 7 → ?), what is its receptive field, and why can the decoder built by
# `utils.conv_decoder(K, filters=(64, 32, 16))` not mirror it (read its error message)?

# %% tags=["solution"]
print(f"side after a third stride-2 layer: ceil(7 / 2) = {int(np.ceil(7 / 2))}")
print(f"receptive field of three 3x3 stride-2 layers: {receptive_field([3, 3, 3], [2, 2, 2])[0]} pixels")
try:
    utils.conv_decoder(CODE_SIZE, filters=(64, 32, 16))
except ValueError as err:
    print("conv_decoder:", err)

# %% [markdown]
# **Exercise 3 (checkerboards).** Train the convolutional autoencoder once with `kernel_size=4` in both
# `Conv2DTranspose` layers and once with `UpSampling2D(2)` followed by a 3×3 `Conv2D` instead of each transposed
# convolution. Compare the test MSE and look at the reconstructions of a blank image (`np.zeros((1, 28, 28, 1))`)
# with the colour range stretched: which decoders show a periodic pattern?
#
# **Exercise 4 (where the parameters sit).** At $K=64$ most of the convolutional model's parameters are in the
# two dense layers around the code ($2\cdot49F_2K$). Replace `Flatten` + `Dense` in the encoder by a
# `GlobalAveragePooling2D` followed by `Dense(K)`. Before training, predict from section 1 what happens to the
# test MSE (hint: what does averaging over positions throw away?), then check.

# %% [markdown]
# ## References
#
# - Dumoulin, V. and Visin, F. (2016). A guide to convolution arithmetic for deep learning. *arXiv:1603.07285*.
# - Hinton, G. E. and Salakhutdinov, R. R. (2006). Reducing the dimensionality of data with neural networks.
#   *Science* 313(5786), 504–507.
# - Kingma, D. P. and Ba, J. (2015). Adam: a method for stochastic optimization. *International Conference on
#   Learning Representations (ICLR)*.
# - LeCun, Y., Bottou, L., Bengio, Y. and Haffner, P. (1998). Gradient-based learning applied to document
#   recognition. *Proceedings of the IEEE* 86(11), 2278–2324.
# - Masci, J., Meier, U., Cireşan, D. and Schmidhuber, J. (2011). Stacked convolutional auto-encoders for
#   hierarchical feature extraction. *International Conference on Artificial Neural Networks (ICANN)*, LNCS 6791,
#   52–59.
# - Odena, A., Dumoulin, V. and Olah, C. (2016). Deconvolution and checkerboard artifacts. *Distill* 1(10).
# - Zeiler, M. D., Krishnan, D., Taylor, G. W. and Fergus, R. (2010). Deconvolutional networks. *IEEE Conference on
#   Computer Vision and Pattern Recognition (CVPR)*, 2528–2535.
