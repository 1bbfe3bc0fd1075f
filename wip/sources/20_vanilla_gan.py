# %% [markdown]
# # 20 · The vanilla GAN on MNIST: the article's networks, corrected, trained with `train_step`
#
# The article's §4.2 GAN, a dense generator 100→128→64→784 and a dense discriminator 784→128→64→1, trains
# here on real MNIST digits after the corrections that notebook 05 motivated: logits with `from_logits=True`,
# `loss(y_true, y_pred)`, data and generator output on the same scale, minibatches and fresh noise. The
# training model is a `keras.Model` whose `train_step` we write out in full, so `fit` gives progress,
# callbacks and history for free; it is the `utils.GAN` that later notebooks reuse, and a cell checks that
# the two agree. We watch the losses, the discriminator's outputs and fixed-noise samples, judge the final
# generator with the course's classifier (Fréchet distance beside its real-vs-real floor, Inception-style
# score, precision and recall), and then make one change that the measurements point to, with
# before/after numbers over two seeds.
#
# ## Learning objectives
# - Write the discriminator and generator losses of Goodfellow et al. (2014) as binary cross-entropies on
#   logits, with the non-saturating generator loss, and implement them in a `train_step` override.
# - Say what each correction to the article's §4.2 listing changes, and why a `tanh` output on $[-1,1]$ data
#   is the article's sigmoid output, rescaled.
# - Read a GAN's training signals (losses, mean $D(x)$ and $D(G(z))$, fixed-noise samples) and know what they
#   do *not* tell you.
# - Evaluate a generator with a classifier Fréchet distance read against its floor, an Inception-style score and
#   precision/recall, and use these numbers to choose and test one improvement.
#
# ## Prerequisites
# [03_gan_theory](03_gan_theory.ipynb) (the minimax game, the non-saturating loss, Algorithm 1) and
# [05_article_code_review](05_article_code_review.ipynb) (the §4.2 listing's defects). The metrics are
# introduced briefly here and in depth in notebook 25 (evaluating generative models).
#
# ## Run time
# Default parameters: six training runs of 15 epochs (the article's networks twice, the wider ones twice, plus a
# few steps for the `utils.GAN` check), then the evaluations. The one full run was measured at 28.5 min wall time
# on a 2-core CPU that about 15 other processes were sharing (load average 15–18), so that figure is badly
# inflated. Measured CPU time is about 3.6 s per epoch for the article's networks and 6.5 s for the wider ones,
# about 330 CPU-seconds in all. On a quiet 2-core CPU expect about 5–6 minutes; that is an estimate, not a
# measurement. `FAST = True` (2,000 images, 2 epochs, one seed, 1,000 samples judged): measured 1 min 47 s under
# the same sharing (load average about 9), including the output comparison; much less on a quiet CPU. GPU: not
# measured. The networks are small dense ones, so expect the run to be limited by per-step overhead (around a
# minute or two).

# %% [markdown]
# ## Setup
#
# `import utils` comes first: it starts TensorFlow with its start-up log captured and sets the figure style.
# `utils.evaluation` holds the shipped MNIST classifier and the metrics built on it.

# %%
import time

import utils  # first: it starts TensorFlow quietly
import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from keras import layers

from utils import evaluation

# %% tags=["parameters"]
FAST = False  # True: a small subset, few epochs and one seed, for the test suite
SEED = 0  # seed of the first run; the before/after comparison also uses SEED + 1, ...
LATENT_DIM = 100  # size of the noise vector z (the article's 100)
TRAIN_SUBSET = 60000  # MNIST training images used; 60000 is all of them
BATCH_SIZE = 128  # minibatch size m
EPOCHS = 15  # passes over the training images, for every run
LEARNING_RATE = 0.0002  # Adam step size, both networks
BETA_1 = 0.5  # Adam's first-moment decay, both networks
SNAPSHOT_EVERY = 2  # keep fixed-noise samples every this many epochs
EVAL_SAMPLES = 10000  # generated images judged by the classifier (compared with as many test images)
N_SEEDS = 2  # training runs per model in the before/after comparison
IMPROVED_UNITS_1 = 256  # section 6: units of the first hidden layer of both networks (the article: 128)
IMPROVED_UNITS_2 = 256  # section 6: units of the second hidden layer of both networks (the article: 64)

# %%
utils.check_param("FAST", FAST, kind=bool)
utils.check_param("SEED", SEED, kind=int, low=0, high=2**31 - 1)
utils.check_param("LATENT_DIM", LATENT_DIM, kind=int, low=1, high=4096)
utils.check_param("TRAIN_SUBSET", TRAIN_SUBSET, kind=int, low=256, high=60000)
utils.check_param("BATCH_SIZE", BATCH_SIZE, kind=int, low=2, high=4096)
utils.check_param("EPOCHS", EPOCHS, kind=int, low=1, high=1000)
utils.check_param("LEARNING_RATE", LEARNING_RATE, kind=float, low=1e-6, high=1.0)
utils.check_param("BETA_1", BETA_1, kind=float, low=0.0, high=0.999)
utils.check_param("SNAPSHOT_EVERY", SNAPSHOT_EVERY, kind=int, low=1, high=1000)
utils.check_param("EVAL_SAMPLES", EVAL_SAMPLES, kind=int, low=100, high=10000)
utils.check_param("N_SEEDS", N_SEEDS, kind=int, low=1, high=10)
utils.check_param("IMPROVED_UNITS_1", IMPROVED_UNITS_1, kind=int, low=1, high=8192)
utils.check_param("IMPROVED_UNITS_2", IMPROVED_UNITS_2, kind=int, low=1, high=8192)
IMPROVED_HIDDEN = (IMPROVED_UNITS_1, IMPROVED_UNITS_2)
if BATCH_SIZE > TRAIN_SUBSET:
    raise ValueError(f"BATCH_SIZE ({BATCH_SIZE}) must not exceed TRAIN_SUBSET ({TRAIN_SUBSET})")
if FAST:
    TRAIN_SUBSET, EPOCHS, SNAPSHOT_EVERY = min(TRAIN_SUBSET, 2000), min(EPOCHS, 2), 1
    EVAL_SAMPLES, N_SEEDS = min(EVAL_SAMPLES, 1000), 1
utils.set_seed(SEED)
params = {"FAST": FAST, "SEED": SEED, "LATENT_DIM": LATENT_DIM, "TRAIN_SUBSET": TRAIN_SUBSET,
          "BATCH_SIZE": BATCH_SIZE, "EPOCHS": EPOCHS, "LEARNING_RATE": LEARNING_RATE, "BETA_1": BETA_1,
          "SNAPSHOT_EVERY": SNAPSHOT_EVERY, "EVAL_SAMPLES": EVAL_SAMPLES, "N_SEEDS": N_SEEDS,
          "IMPROVED_UNITS_1": IMPROVED_UNITS_1,
          "IMPROVED_UNITS_2": IMPROVED_UNITS_2}
results = utils.Results("20_vanilla_gan", params)

# %% [markdown]
# ## 1. The article's networks, corrected
#
# The §4.2 listing defines both networks with ReLU hidden layers and a sigmoid on *both* outputs, trains them on
# `np.random.normal` vectors, and calls the losses as `BinaryCrossentropy(from_logits=True)(prediction, target)`.
# Notebook 05 showed what each defect does. Here is what we keep and what we change:
#
# | | article §4.2 | here | why |
# |---|---|---|---|
# | generator layers | 100→128→64→784, ReLU | same | the article's architecture is the "before" model |
# | generator output | sigmoid, $(0,1)$ | `tanh`, $(-1,1)$ | same function class, rescaled (below); the course's GAN convention |
# | discriminator layers | 784→128→64→1, ReLU | same | |
# | discriminator output | sigmoid, then `from_logits=True` | a **logit**, `from_logits=True` | a sigmoid fed to a loss that applies another sigmoid squashes every probability into $(0.5, 0.73)$ |
# | loss call | `loss(prediction, target)` | `loss(target, prediction)` | Keras losses take `(y_true, y_pred)` |
# | data | 100 fixed $\mathcal N(0,1)$ vectors | MNIST in $[-1,1]$ | a GAN learns the distribution of its data |
# | batches, noise | whole set, NumPy reseeded each epoch | shuffled minibatches of 128, fresh noise each step | Algorithm 1 of Goodfellow et al. (2014) |
# | update | $G$ and $D$ from one forward pass | $D$ step, then $G$ step against the updated $D$ | Algorithm 1 with $k=1$ |
# | optimiser | Adam, $10^{-3}$ | Adam, $2\cdot10^{-4}$, $\beta_1=0.5$ | the setting of Radford et al. (2016), the usual default for GANs |
#
# **Why `tanh` on $[-1,1]$ is the article's sigmoid.** $\tanh(a) = 2\,\sigma(2a) - 1$, so a `tanh` output on
# data scaled as $2x-1$ is a sigmoid output on data in $[0,1]$ with the last layer's weights doubled and the
# pixels mapped affinely: the two generators describe the same images. We use $[-1,1]$ because every GAN of the
# course does. The identity, numerically:

# %% tags=["nbval-check-output"]
a = np.linspace(-6.0, 6.0, 10001)
gap = np.max(np.abs(np.tanh(a) - (2 / (1 + np.exp(-2 * a)) - 1)))
print(f"max |tanh(a) - (2*sigmoid(2a) - 1)| on [-6, 6]: {gap:.1e}")


# %% [markdown]
# The two builders below take the hidden layer sizes as an argument (the article's by default), so section 6 can
# change them without changing anything else. They are functional `keras.Model`s with named layers, which lets
# us look inside them later.

# %%
def make_generator(hidden=(128, 64), latent_dim=LATENT_DIM, name="generator"):
    """z (latent_dim,) -> image (28, 28, 1) in (-1, 1): ReLU Dense hidden layers, then 784 tanh pixels."""
    z = keras.Input((latent_dim,), name="z")
    h = z
    for i, units in enumerate(hidden):
        h = layers.Dense(units, activation="relu", name=f"dense_{i}")(h)
    h = layers.Dense(28 * 28, activation="tanh", name="pixels")(h)
    return keras.Model(z, layers.Reshape((28, 28, 1), name="image")(h), name=name)


def make_discriminator(hidden=(128, 64), name="discriminator"):
    """image (28, 28, 1) -> one logit a(x); D(x) = sigmoid(a(x)) is applied by the loss, not here."""
    x = keras.Input((28, 28, 1), name="image")
    h = layers.Flatten(name="flatten")(x)
    for i, units in enumerate(hidden):
        h = layers.Dense(units, activation="relu", name=f"dense_{i}")(h)
    return keras.Model(x, layers.Dense(1, name="logit")(h), name=name)


# %% tags=["nbval-check-output"]
generator, discriminator = make_generator(), make_discriminator()
for model in (generator, discriminator):
    shapes = " -> ".join(str(layer.output.shape[1:]) for layer in model.layers if isinstance(layer, layers.Dense))
    print(f"{model.name:13s} {model.count_params():7,d} parameters; Dense outputs {shapes}")

# %% [markdown]
# ## 2. The training model: `train_step` written out
#
# With $a(x)$ the discriminator's logit and $D(x)=\sigma(a(x))$, one training step on a minibatch
# $x_1..x_m$ and noise $z_1..z_m \sim \mathcal N(0, I)$ does what Goodfellow et al.'s Algorithm 1 does with $k=1$:
#
# 1. **Discriminator step.** Minimise the binary cross-entropy with target 1 for real and 0 for generated images,
#    $$L_D = -\frac1m\sum_i \log \sigma\big(a(x_i)\big) - \frac1m\sum_i \log\Big(1 - \sigma\big(a(G(z_i))\big)\Big)
#          = \mathrm{BCE}(1, a(x)) + \mathrm{BCE}(0, a(G(z))),$$
#    which is $-V(D,G)$ estimated on the batch: minimising it is the discriminator's maximisation of $V$.
# 2. **Generator step**, with fresh noise and against the *updated* $D$: minimise the non-saturating loss
#    $$L_G = -\frac1m\sum_i \log \sigma\big(a(G(z_i))\big) = \mathrm{BCE}(1, a(G(z))),$$
#    i.e. label the fakes "real". Goodfellow et al. recommend it over $\log(1-D(G(z)))$, whose gradient vanishes
#    when $D$ rejects the fakes confidently, which is exactly the situation early in training (notebook 03
#    measures it).
#
# `keras.losses.BinaryCrossentropy(from_logits=True)` computes $\mathrm{BCE}(y, a) = -y\log\sigma(a)-(1-y)\log(1-\sigma(a))$
# from the logit in a numerically stable form. The class keeps its own random stream (`keras.random.SeedGenerator`),
# two optimisers, and four running means that `fit` reports per epoch: the two losses and the mean probabilities
# $\overline{D(x)}$ and $\overline{D(G(z))}$ on the discriminator step's batches.

# %%
class VanillaGAN(keras.Model):
    """A GAN (Goodfellow et al., 2014) trained by fit(): one discriminator step, then one generator step."""

    def __init__(self, generator, discriminator, latent_dim, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.generator, self.discriminator, self.latent_dim = generator, discriminator, latent_dim
        self.seed_generator = keras.random.SeedGenerator(seed)  # the noise stream, seeded once
        self.bce = keras.losses.BinaryCrossentropy(from_logits=True)  # the networks output logits
        self.trackers = {name: keras.metrics.Mean(name=name) for name in ("d_loss", "g_loss", "d_real", "d_fake")}

    def compile(self, d_optimizer, g_optimizer, **kwargs):
        super().compile(**kwargs)
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer

    @property
    def metrics(self):  # listed here, so fit() resets them at the start of every epoch
        return list(self.trackers.values())

    def call(self, z, training=False):
        return self.generator(z, training=training)

    def noise(self, n):
        return keras.random.normal((n, self.latent_dim), seed=self.seed_generator)

    def train_step(self, real):
        n = tf.shape(real)[0]
        # 1) discriminator: real -> 1, generated -> 0
        with tf.GradientTape() as tape:
            fake = self.generator(self.noise(n), training=True)
            real_logits = self.discriminator(real, training=True)
            fake_logits = self.discriminator(fake, training=True)
            d_loss = (self.bce(tf.ones_like(real_logits), real_logits)  # loss(y_true, y_pred)
                      + self.bce(tf.zeros_like(fake_logits), fake_logits))
        d_weights = self.discriminator.trainable_weights
        self.d_optimizer.apply_gradients(zip(tape.gradient(d_loss, d_weights), d_weights, strict=True))
        # 2) generator: fresh noise, the updated discriminator, non-saturating loss -log D(G(z))
        with tf.GradientTape() as tape:
            logits = self.discriminator(self.generator(self.noise(n), training=True), training=True)
            g_loss = self.bce(tf.ones_like(logits), logits)
        g_weights = self.generator.trainable_weights
        self.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, g_weights), g_weights, strict=True))

        for name, value in (("d_loss", d_loss), ("g_loss", g_loss), ("d_real", tf.reduce_mean(tf.sigmoid(real_logits))),
                            ("d_fake", tf.reduce_mean(tf.sigmoid(fake_logits)))):
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}


# %% [markdown]
# `fit` wraps `train_step` in a `tf.function`, so the step is traced once and runs as a graph. Note that `fit`
# gets no `y` and `compile` no `loss`: the model computes its losses itself.
#
# ### 2.1 This is `utils.GAN`
#
# `utils.GAN` is this class plus conditioning on labels, one-sided label smoothing and the saturating loss as
# options (all off by default), and input checks; notebooks 21–26 use it. To show that the two are the same
# algorithm, we give both the same initial weights and seed, train each for a few steps on the same batches,
# and compare the reported losses and the weights afterwards.

# %% tags=["nbval-check-output"]
check_x, _ = utils.load_mnist("train", scale="[-1,1]", subset=5 * 64, seed=SEED)
runs = {}
for label, cls in (("this notebook", VanillaGAN), ("utils.GAN", utils.GAN)):
    utils.set_seed(SEED)
    g, d = make_generator(), make_discriminator()
    if runs:  # copy the first pair's initial weights, so both start from the same point
        g.set_weights(runs["this notebook"]["initial"][0])
        d.set_weights(runs["this notebook"]["initial"][1])
    initial = (g.get_weights(), d.get_weights())
    model = cls(g, d, LATENT_DIM, seed=SEED)
    model.compile(d_optimizer=keras.optimizers.Adam(LEARNING_RATE, beta_1=BETA_1),
                  g_optimizer=keras.optimizers.Adam(LEARNING_RATE, beta_1=BETA_1))
    history = model.fit(utils.make_dataset(check_x, batch_size=64, shuffle=False), epochs=2, verbose=0)
    runs[label] = {"initial": initial, "history": history.history,
                   "weights": g.get_weights() + d.get_weights()}
ours, theirs = runs["this notebook"], runs["utils.GAN"]
print("2 epochs x 5 steps; metrics per epoch:")
for key in ("d_loss", "g_loss", "d_real", "d_fake"):
    print(f"  {key:6s} this notebook {np.round(ours['history'][key], 4)}   "
          f"utils.GAN {np.round(theirs['history'][key], 4)}")
weight_gap = max(float(np.max(np.abs(a - b))) for a, b in zip(ours["weights"], theirs["weights"], strict=True))
moved = max(float(np.max(np.abs(a - b))) for a, b in
            zip(ours["weights"], ours["initial"][0] + ours["initial"][1], strict=True))
print(f"largest weight difference after training: {weight_gap:.1e} (largest change during training: {moved:.1e})")

# %% [markdown]
# Same losses, same weights to the last bit, while the weights did move: the two classes perform the same
# computation, and the numbers of later notebooks come from the algorithm written above.
#
# ## 3. Training the corrected article GAN
#
# MNIST scaled to $[-1,1]$ goes through `utils.make_dataset` (shuffled every epoch, batches of `BATCH_SIZE`;
# the last, smaller batch is kept). `utils.SampleSnapshots` keeps the generator's images for one fixed batch of
# 100 noise vectors every `SNAPSHOT_EVERY` epochs, so that the progress grid compares like with like.

# %%
x_train, _ = utils.load_mnist("train", scale="[-1,1]", subset=None if TRAIN_SUBSET == 60000 else TRAIN_SUBSET,
                              seed=SEED)
x_test, y_test = utils.load_mnist("test", scale="[-1,1]")
fixed_z = np.random.default_rng(SEED).standard_normal((100, LATENT_DIM)).astype("float32")
print(f"training images {x_train.shape}, range [{x_train.min():.0f}, {x_train.max():.0f}]; "
      f"{int(np.ceil(len(x_train) / BATCH_SIZE))} steps per epoch")


def train_gan(hidden, seed, snapshots=False):
    """Build and train one GAN with these hidden sizes; return (gan, history dict, seconds, snapshots)."""
    utils.set_seed(seed)
    gan = VanillaGAN(make_generator(hidden), make_discriminator(hidden), LATENT_DIM, seed=seed)
    gan.compile(d_optimizer=keras.optimizers.Adam(LEARNING_RATE, beta_1=BETA_1),
                g_optimizer=keras.optimizers.Adam(LEARNING_RATE, beta_1=BETA_1))
    callback = utils.SampleSnapshots(fixed_z, every=SNAPSHOT_EVERY)
    start = time.perf_counter()
    history = gan.fit(utils.make_dataset(x_train, batch_size=BATCH_SIZE, seed=seed), epochs=EPOCHS, verbose=0,
                      callbacks=[callback] if snapshots else [])
    return gan, history.history, time.perf_counter() - start, callback.snapshots


vanilla, vanilla_history, vanilla_seconds, vanilla_snapshots = train_gan((128, 64), SEED, snapshots=True)
print(f"{EPOCHS} epochs in {vanilla_seconds:.0f} s ({vanilla_seconds / EPOCHS:.1f} s per epoch on this machine)")
for key, values in vanilla_history.items():
    print(f"{key:6s}", np.round(values, 3))

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))
epochs_axis = np.arange(1, EPOCHS + 1)
for key in ("d_loss", "g_loss"):
    axes[0].plot(epochs_axis, vanilla_history[key], marker="o", label=key)
axes[0].axhline(2 * np.log(2), color="grey", ls=":", label=r"$L_D$ at $D \equiv 1/2$: $2\log 2$")
axes[0].axhline(np.log(2), color="grey", ls="--", label=r"$L_G$ at $D \equiv 1/2$: $\log 2$")
axes[0].set(title="Losses (mean per epoch)", xlabel="epoch", ylabel="nats")
axes[1].plot(epochs_axis, vanilla_history["d_real"], marker="o", label=r"mean $D(x)$, real")
axes[1].plot(epochs_axis, vanilla_history["d_fake"], marker="o", label=r"mean $D(G(z))$, generated")
axes[1].axhline(0.5, color="grey", ls=":")
axes[1].set(title="Discriminator outputs (mean per epoch)", xlabel="epoch", ylim=(0, 1))
for ax in axes:
    ax.legend(fontsize=8)
fig.suptitle("Corrected §4.2 GAN (ReLU), seed " + str(SEED))
fig.tight_layout()
utils.save_figure(fig, "20_vanilla_losses")

# %% [markdown]
# Neither loss settles to zero, and neither should: the two players pull the same quantity in opposite
# directions. In the first epoch the discriminator wins easily (mean $D(x)=0.995$, $L_D=0.33$ nats); from epoch 2
# the game settles with mean $D(x)$ between 0.73 and 0.81 and mean $D(G(z))$ between 0.20 and 0.31. If the
# generator matched the data perfectly, the best discriminator would output $1/2$ everywhere, giving
# $L_D = 2\log 2 \approx 1.39$ and $L_G = \log 2 \approx 0.69$ (the grey lines). $L_D$ stays near 0.6–0.8 and
# $L_G$ near 2–2.5, and over the last epochs the discriminator slowly pulls ahead ($\overline{D(G(z))}$ falls
# from 0.29 to 0.20). The curves show that the game is running and has not saturated: $D(G(z))$ is far from 0.
# They do not show whether the samples look like digits.
#
# The fixed-noise samples show what the losses cannot: the same ten noise vectors, epoch after epoch.

# %%
vanilla_final = vanilla.generator.predict(fixed_z, batch_size=100, verbose=0)  # after the last epoch
rows = {f"epoch {epoch}": images[:10] for epoch, images in vanilla_snapshots if epoch < EPOCHS}
rows[f"epoch {EPOCHS}"] = vanilla_final[:10]
if len(rows) > 10:  # keep the grid readable: about ten rows, always including the last
    keep = sorted(set(np.linspace(0, len(rows) - 1, 10).round().astype(int)))
    rows = {k: v for i, (k, v) in enumerate(rows.items()) if i in keep}
fig = utils.compare_images(rows, value_range=(-1, 1),
                           title="Corrected §4.2 GAN: the same 10 noise vectors over training")
utils.save_figure(fig, "20_vanilla_progress")

# %% [markdown]
# At epoch 2 every noise vector gives the same grey blob. By epoch 6–8 the background is dark and different
# vectors give different shapes. At the end a few are recognisable (1s, a 3-like shape), but all are speckled
# with isolated bright pixels and have smeared strokes. The same vector's image still changes from epoch 14 to
# epoch 15: the game keeps moving and does not converge to a fixed point.
#
# ## 4. What the discriminator sees at the end
#
# The per-epoch means average over a moving discriminator. At the end of training we freeze everything and look
# at the whole distribution of $D(x)=\sigma(a(x))$ on the 10,000 test images (never seen in training) and on
# 10,000 generated images.

# %%
def d_probabilities(gan, images):
    return tf.sigmoid(gan.discriminator.predict(images, batch_size=1000, verbose=0)).numpy().ravel()


eval_z = np.random.default_rng(SEED + 100).standard_normal((EVAL_SAMPLES, LATENT_DIM)).astype("float32")
vanilla_fakes = vanilla.generator.predict(eval_z, batch_size=1000, verbose=0)
p_real, p_fake = d_probabilities(vanilla, x_test), d_probabilities(vanilla, vanilla_fakes)
d_accuracy = 0.5 * (np.mean(p_real > 0.5) + np.mean(p_fake < 0.5))
fig, ax = plt.subplots(figsize=(6.5, 3.5))
bins = np.linspace(0, 1, 41)
ax.hist(p_real, bins=bins, alpha=0.6, density=True, label=f"test images (mean {p_real.mean():.2f})")
ax.hist(p_fake, bins=bins, alpha=0.6, density=True, label=f"generated (mean {p_fake.mean():.2f})")
ax.set(xlabel="D(x) = sigmoid(logit)", ylabel="density", title="Final discriminator on real vs generated images")
ax.legend()
utils.save_figure(fig, "20_vanilla_d_histogram")
print(f"mean D on test images {p_real.mean():.3f}, on generated {p_fake.mean():.3f}; "
      f"accuracy at threshold 0.5: {d_accuracy:.3f}")
results.record("vanilla_gan_d_accuracy", d_accuracy, unit="fraction",
               description="corrected §4.2 GAN (ReLU), final discriminator accuracy at 0.5 on 10,000 test images "
                           "vs as many generated ones (0.5 = cannot tell them apart)")

# %% [markdown]
# The discriminator separates the two sets well. It gives most *unseen* test images $D>0.9$ and most fakes
# values between 0.05 and 0.5, so it is right 90.6% of the time at the 0.5 threshold. This is
# generalisation, not memorised training images. It is confident but not saturated: the bulk of $D(G(z))$ lies
# well above 0 (section 6 counts the extreme values), so the non-saturating loss still gives the generator a
# gradient to follow.
#
# ## 5. Judging the samples
#
# A GAN's losses measure the two networks against each other, not the generator against the data. The course
# judges generated digits with its own MNIST classifier (`utils.evaluation`, 99.2% test accuracy; notebook 25
# explains every metric):
#
# - **Fréchet distance (FD)** between Gaussians fitted to the classifier's 128 penultimate features of
#   `EVAL_SAMPLES` generated and as many test images (Heusel et al., 2017):
#   $\lVert\mu_g-\mu_r\rVert^2 + \operatorname{Tr}\big(\Sigma_g+\Sigma_r-2(\Sigma_g\Sigma_r)^{1/2}\big)$. Lower is
#   better; it is biased upwards at small $n$, so it is printed beside the **floor**: the FD between as many
#   real *training* images and the same test images.
# - **Inception-style score** $\exp\big(\mathbb E_x\,\mathrm{KL}(p(y\mid x)\,\Vert\,p(y))\big)$ (Salimans et al.,
#   2016) with the course classifier in place of Inception: near 10 when samples are confidently recognised and
#   spread over all ten digits, 1 when they all look alike. Printed beside the test images' own score.
# - **Precision and recall** (Kynkäänniemi et al., 2019): the fraction of generated images that fall inside the
#   real images' feature manifold (realism), and of real images inside the generated manifold (coverage).

# %%
vanilla_metrics = evaluation.evaluate_images(vanilla_fakes, "[-1,1]", seed=SEED)
print(evaluation.format_metrics(vanilla_metrics, "corrected §4.2 GAN (ReLU)"))
digits = np.bincount(evaluation.classifier_probs(vanilla_fakes, "[-1,1]").argmax(axis=1), minlength=10)
print("classifier's digit counts among the samples (%):", np.round(100 * digits / digits.sum()).astype(int))
results.record("vanilla_gan_fd", vanilla_metrics["fd"], unit="",
               description=f"corrected §4.2 GAN (ReLU, seed {SEED}): classifier Fréchet distance of "
                           f"{vanilla_metrics['n']:,} samples to as many MNIST test images")
results.record("vanilla_gan_fd_floor", vanilla_metrics["fd_floor"], unit="",
               description=f"real-vs-real floor for vanilla_gan_fd: FD of {vanilla_metrics['n']:,} training "
                           "images to the same test images")
results.record("vanilla_gan_inception_score", vanilla_metrics["inception_score"], unit="",
               description="corrected §4.2 GAN: Inception-style score with the course classifier (1 to 10; "
                           f"test images: {vanilla_metrics['inception_score_real']:.2f})")
results.record("vanilla_gan_precision", vanilla_metrics["precision"], unit="fraction",
               description="corrected §4.2 GAN: precision (Kynkäänniemi et al. 2019, k=3), share of samples on "
                           "the real-image manifold")
results.record("vanilla_gan_recall", vanilla_metrics["recall"], unit="fraction",
               description="corrected §4.2 GAN: recall (k=3), share of test images covered by the samples' manifold")

# %%
fig = utils.image_grid(vanilla_final, ncols=10, value_range=(-1, 1),
                       title=f"Corrected §4.2 GAN (ReLU) after {EPOCHS} epochs: 100 fixed noise vectors")
utils.save_figure(fig, "20_vanilla_samples")

# %% [markdown]
# The classifier disagrees with the impression the losses give. The FD is 206.7 against a real-vs-real floor
# of 0.71 at the same $n$. The Inception-style score is 2.12, against 9.77 for test images: the classifier is
# unsure about the samples, or they fall into few classes, or both. The digit counts show both: the
# classifier reads no sample as a 4, 7 or 9, and 37% as 3s. Precision is high (0.974), so the samples land
# where real digits' features are. Recall is **0.000**: not one of the 10,000 test images lies within the
# $k$-nearest-neighbour balls of the samples, so the samples cover almost none of the variety of real digits. In
# short: recognisable strokes, poor coverage, partial mode collapse. Notebook 05 saw the same thing by eye after
# 12 epochs.
#
# ## 6. One improvement, chosen by a measurement
#
# Section 5 says what is wrong: the samples are recognisable as strokes but speckled, the Inception-style score
# is far below the test images', and recall is close to zero, i.e. the samples cover almost none of the variety
# of real digits. Three candidate causes, and a number for each:
#
# - **dead ReLU units** (a unit that outputs 0 for every input passes no gradient and never recovers): the usual
#   argument for LeakyReLU;
# - **an over-confident discriminator**, whose saturated outputs starve the generator: the argument for one-sided
#   label smoothing (Salimans et al., 2016);
# - **too little capacity**: the generator's last hidden layer has 64 units, and its 784 outputs are
#   $\tanh(W h + b)$ with $h \in \mathbb R^{64}$. Before the pixel-wise `tanh`, every generated image lies in one
#   fixed 64-dimensional affine subspace of $\mathbb R^{784}$. Real digits need more directions than that.

# %%
def relu_outputs(model, inputs):
    """Activations of every ReLU Dense hidden layer of a model, on a batch of inputs."""
    hidden = [layer.output for layer in model.layers if layer.name.startswith("dense_")]
    return keras.Model(model.inputs, hidden).predict(inputs, batch_size=1000, verbose=0)


g_hidden = relu_outputs(vanilla.generator, eval_z)
d_hidden = relu_outputs(vanilla.discriminator, np.concatenate([x_test, vanilla_fakes]))
for name, acts in (("generator", g_hidden), ("discriminator", d_hidden)):
    dead = [f"{int(np.sum(np.all(a <= 0, axis=0)))}/{a.shape[1]}" for a in acts]
    print(f"{name:13s} dead units per hidden layer (zero on every input): {dead}")
print(f"discriminator on test vs generated images: mean D {p_real.mean():.2f} vs {p_fake.mean():.2f}, "
      f"share of D(G(z)) < 0.01: {np.mean(p_fake < 0.01):.3f}")
last = g_hidden[-1]
w, b = vanilla.generator.get_layer("pixels").get_weights()
pre_tanh = last @ w + b
s_fake = np.linalg.svd(pre_tanh - pre_tanh.mean(axis=0), compute_uv=False)
print(f"rank of the generator's pre-tanh images: {int(np.sum(s_fake > 1e-4 * s_fake[0]))} (at most {last.shape[1]})")

# %% tags=["nbval-check-output"]
pca_x, _ = utils.load_mnist("train", scale="[-1,1]", flatten=True, subset=10000, seed=0)
s_real = np.linalg.svd(pca_x - pca_x.mean(axis=0), compute_uv=False)
explained = np.cumsum(s_real**2) / np.sum(s_real**2)
for share in (0.80, 0.90, 0.95):
    print(f"principal components of 10,000 real digits needed for {share:.0%} of their pixel variance: "
          f"{int(np.searchsorted(explained, share)) + 1}")
print(f"variance share of the first 64 components: {explained[63]:.3f}")

# %% [markdown]
# What the numbers say about each candidate:
#
# - **Dead units.** None in the generator. In the discriminator, 8 of 128 and 10 of 64 units are dead (6% and
#   16%). That is a real loss of capacity, but on the side that is already ahead. LeakyReLU would revive them;
#   it is a fair second candidate (Exercise 4), not the first.
# - **Discriminator confidence.** Mean $D(G(z))$ is 0.29 and no generated image gets $D<0.01$. The
#   discriminator is not saturated and the generator's gradient has not vanished, so label smoothing would treat a
#   problem this run does not have.
# - **Capacity.** The pre-`tanh` images span exactly 64 dimensions. Real digits need 87 principal components for
#   90% of their pixel variance and 152 for 95%; the first 64 carry 86%. Every sample is the pixel-wise `tanh` of
#   a combination of the same 64 basis images (plus a bias image). That limits what the generator can draw, and it
#   fits the speckle and the poor coverage we measured.
#
# So the change we test is **width**, and only width: both networks get hidden layers `IMPROVED_UNITS_1`, `IMPROVED_UNITS_2`
# (default 256 and 256 units) instead of 128 then 64; activations, losses, optimiser, data and epochs stay as
# they are. The discriminator widens with the generator so that neither player gets a head start. Because one
# GAN run is a noisy measurement, both models train with `N_SEEDS` seeds (the first run of the article's model
# is the one of section 3), and each is judged on the same `EVAL_SAMPLES` noise vectors.

# %%
def judge(gan):
    images = gan.generator.predict(eval_z, batch_size=1000, verbose=0)
    return evaluation.evaluate_images(images, "[-1,1]", seed=SEED), images


comparison = {"article (128, 64)": [], f"wider {IMPROVED_HIDDEN}": []}
seconds = {name: [] for name in comparison}
comparison["article (128, 64)"].append(vanilla_metrics)
seconds["article (128, 64)"].append(vanilla_seconds)
improved_samples = None
for name, hidden in (("article (128, 64)", (128, 64)), (f"wider {IMPROVED_HIDDEN}", IMPROVED_HIDDEN)):
    for seed in range(SEED, SEED + N_SEEDS):
        if hidden == (128, 64) and seed == SEED:
            continue  # trained in section 3
        gan, _, took, _ = train_gan(hidden, seed)
        metrics, images = judge(gan)
        comparison[name].append(metrics)
        seconds[name].append(took)
        if improved_samples is None and hidden == IMPROVED_HIDDEN:
            improved, improved_samples = gan, images
for name, runs in comparison.items():
    for seed, metrics in zip(range(SEED, SEED + N_SEEDS), runs, strict=True):
        print(evaluation.format_metrics(metrics, f"{name}, seed {seed}"))
    print(f"   training time per run: {np.mean(seconds[name]):.0f} s")

# %%
keys = ("fd", "inception_score", "precision", "recall")
summary = {name: {k: np.array([m[k] for m in runs]) for k in keys} for name, runs in comparison.items()}
(before_name, before), (after_name, after) = summary.items()
print(f"{'metric':16s} {before_name:>24s} {after_name:>24s}   (mean ± spread over {N_SEEDS} seed(s))")
for k in keys:
    cells = [f"{v[k].mean():8.3f} ± {(v[k].max() - v[k].min()) / 2:6.3f}" for v in (before, after)]
    print(f"{k:16s} {cells[0]:>24s} {cells[1]:>24s}")
print(f"FD floor (real vs real, n={vanilla_metrics['n']:,}): {vanilla_metrics['fd_floor']:.3f}; "
      f"test images' Inception-style score: {vanilla_metrics['inception_score_real']:.2f}")
separated = before["fd"].min() > after["fd"].max() or after["fd"].min() > before["fd"].max()
print(f"FD change, mean over seeds: {after['fd'].mean() - before['fd'].mean():+.1f}; the two models' FD ranges over "
      f"seeds {'do not overlap' if separated else 'overlap'}")
first = comparison[after_name][0]
results.record("improved_gan_fd", first["fd"], unit="",
               description=f"GAN with wider layers {IMPROVED_HIDDEN} (seed {SEED}): classifier FD of "
                           f"{first['n']:,} samples to as many test images")
results.record("improved_gan_fd_floor", first["fd_floor"], unit="",
               description="real-vs-real floor for improved_gan_fd (same n, same test images)")
results.record("improved_gan_inception_score", first["inception_score"], unit="",
               description=f"GAN with wider layers {IMPROVED_HIDDEN}: Inception-style score with the course classifier")
results.record("improved_gan_precision", first["precision"], unit="fraction",
               description=f"GAN with wider layers {IMPROVED_HIDDEN}: precision (k=3)")
results.record("improved_gan_recall", first["recall"], unit="fraction",
               description=f"GAN with wider layers {IMPROVED_HIDDEN}: recall (k=3)")
results.record("vanilla_gan_fd_mean_over_seeds", before["fd"].mean(), unit="",
               description=f"corrected §4.2 GAN: classifier FD averaged over {N_SEEDS} training seed(s)")
results.record("improved_gan_fd_mean_over_seeds", after["fd"].mean(), unit="",
               description=f"GAN with wider layers {IMPROVED_HIDDEN}: classifier FD averaged over {N_SEEDS} seed(s)")
results.record("improved_gan_training_time_ratio", np.mean(seconds[after_name]) / np.mean(seconds[before_name]),
               unit="x", description="training time of the wider GAN divided by that of the article's GAN "
                                     "(same epochs, same machine)")

# %%
fig = utils.compare_images({f"article (128, 64), row {i + 1}": vanilla_fakes[10 * i:10 * i + 10] for i in range(3)}
                           | {f"wider {IMPROVED_HIDDEN}, row {i + 1}": improved_samples[10 * i:10 * i + 10]
                              for i in range(3)},
                           value_range=(-1, 1), title=f"Same noise vectors, seed {SEED}, after {EPOCHS} epochs")
utils.save_figure(fig, "20_before_after_samples")

# %% [markdown]
# Width helps, and by much more than the seed-to-seed spread. Over two seeds the FD falls from 204 (201.9 and
# 206.7) to 106 (98.6 and 114.1): the two models' ranges do not overlap. The Inception-style score doubles, from
# 2.4 to 4.9, and recall rises from 0.000 to 0.018. The samples show it: strokes are mostly clean, and 1s, 9s,
# 3s and 5s are clearly drawn. The change does not fix everything, and not every number improves:
#
# - the FD is still about 150 times the real-vs-real floor of 0.71, and recall is still tiny, so coverage of the
#   data remains poor;
# - precision *drops*, from 0.92 to 0.80. The article's speckled samples sat in few, well-populated regions of
#   the real feature space. The wider model spreads out more, and some of its samples fall outside the real
#   manifold. That is the precision–recall trade-off Kynkäänniemi et al. (2019) describe;
# - it costs time: one run of the wider model took about 1.4 times as long as the article's on this (shared) CPU.
#
# Two seeds give an estimate of the spread, not a confidence interval. The gap here (about 98 FD units against
# spreads of 2 and 8) is large enough that we trust its sign. Convolutional networks do much better at this task
# with fewer weights: see notebook 21.

# %% [markdown]
# ## Summary
#
# - The article's §4.2 networks train on MNIST once they are corrected. The discriminator outputs a logit, and
#   the losses use `from_logits=True` and `(y_true, y_pred)`. The data and the `tanh` output share the range
#   $[-1,1]$ ($\tanh(a)=2\sigma(2a)-1$: the article's sigmoid, rescaled). Training uses shuffled minibatches,
#   fresh noise every step, alternating $D$/$G$ updates, the non-saturating generator loss, and
#   Adam($2\cdot10^{-4}$, $\beta_1=0.5$).
# - The `train_step` override is a dozen lines, and `fit` supplies the loop, the per-epoch metrics and the
#   callbacks. With the same weights and seed, `utils.GAN` gives bit-identical losses and weights, so later
#   notebooks use it.
# - The training signals (losses, mean $D(x)$ and $D(G(z))$, the final discriminator's 90.6% accuracy) show
#   a running, unsaturated game. They cannot show sample quality. The classifier can: FD 204 against a floor of
#   0.71, an Inception-style score of 2.4 against 9.77, and recall 0.000 over two seeds.
# - The measurements pointed at capacity rather than dead units or a saturated discriminator. The generator's
#   pre-`tanh` images live in a 64-dimensional subspace, while real digits need 152 principal components for 95%
#   of their variance. Widening both networks to 256 and 256 units halves the FD (to 106) and doubles the score
#   over two seeds. It costs some precision and about 1.4 times the training time, and it remains far from the
#   floor.
#
# ## Exercises

# %% [markdown]
# **Exercise 1.** Rewrite the discriminator step's loss without `BinaryCrossentropy`, using only
# `tf.math.softplus` on the logits (hint: $-\log\sigma(a) = \operatorname{softplus}(-a)$ and
# $-\log(1-\sigma(a)) = \operatorname{softplus}(a)$), and check on the trained discriminator that it gives the
# same number as `bce` on a batch of test images and generated images.

# %% tags=["solution"]
real_logits = vanilla.discriminator.predict(x_test[:256], verbose=0)
fake_logits = vanilla.discriminator.predict(vanilla_fakes[:256], verbose=0)
by_softplus = tf.reduce_mean(tf.math.softplus(-real_logits)) + tf.reduce_mean(tf.math.softplus(fake_logits))
by_bce = vanilla.bce(np.ones_like(real_logits), real_logits) + vanilla.bce(np.zeros_like(fake_logits), fake_logits)
print(f"softplus form {float(by_softplus):.6f}, BinaryCrossentropy {float(by_bce):.6f}")

# %% [markdown]
# **Exercise 2.** Train the ReLU GAN with the *saturating* generator loss $\log(1-D(G(z)))$ (in `train_step`,
# `g_loss = -self.bce(tf.zeros_like(logits), logits)`, or `utils.GAN(..., generator_loss="saturating")`) and
# compare the first epochs' `d_fake` and the final FD with section 5. Which loss starts faster, and why
# (notebook 03)?
#
# **Exercise 3.** The article's listing updates $G$ and $D$ from one forward pass (simultaneous updates).
# Write a `train_step` that does that with two tapes, train it with the settings of section 3, and compare the
# FD. Is the difference larger than the seed-to-seed spread of section 6?
#
# **Exercise 4.** Section 6 changes one thing. Test another candidate from its list: LeakyReLU(0.2) in both of
# the article's networks (`utils.mlp_generator()` and `utils.mlp_discriminator()` are exactly that), or one-sided
# label smoothing with `utils.GAN(..., label_smoothing=0.1)`. Say beforehand which measured number it should move,
# and test it over two seeds.

# %% [markdown]
# ## References
#
# - Goodfellow, I., Pouget-Abadie, J., Mirza, M., Xu, B., Warde-Farley, D., Ozair, S., Courville, A., Bengio, Y.
#   (2014). Generative adversarial nets. *Advances in Neural Information Processing Systems 27 (NIPS 2014)*.
# - Radford, A., Metz, L., Chintala, S. (2016). Unsupervised representation learning with deep convolutional
#   generative adversarial networks. *International Conference on Learning Representations (ICLR 2016)*.
# - Salimans, T., Goodfellow, I., Zaremba, W., Cheung, V., Radford, A., Chen, X. (2016). Improved techniques for
#   training GANs. *Advances in Neural Information Processing Systems 29 (NeurIPS 2016)*.
# - Heusel, M., Ramsauer, H., Unterthiner, T., Nessler, B., Hochreiter, S. (2017). GANs trained by a two
#   time-scale update rule converge to a local Nash equilibrium. *Advances in Neural Information Processing
#   Systems 30 (NeurIPS 2017)*.
# - Kynkäänniemi, T., Karras, T., Laine, S., Lehtinen, J., Aila, T. (2019). Improved precision and recall metric
#   for assessing generative models. *Advances in Neural Information Processing Systems 32 (NeurIPS 2019)*.
# - Maas, A. L., Hannun, A. Y., Ng, A. Y. (2013). Rectifier nonlinearities improve neural network acoustic
#   models. *ICML Workshop on Deep Learning for Audio, Speech and Language Processing*.
# - Kingma, D. P., Ba, J. (2015). Adam: a method for stochastic optimization. *International Conference on
#   Learning Representations (ICLR 2015)*.
