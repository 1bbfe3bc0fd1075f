# %% [markdown]
# # 04 · Autoencoders and GANs side by side
#
# An autoencoder learns to *reconstruct* its input through a narrow code; a GAN learns to *sample* new data
# from noise, judged by a second network. This notebook compares the two on goals, structure and training
# (the article's §2 and §5), corrects two claims of the article (the encoder and decoder do not compete; a
# generator is a decoder, not an encoder), shows with a trained MNIST autoencoder why a plain decoder is a
# poor generator once its input leaves the region of the training codes, and maps the models that join the two ideas.
#
# ## Learning objectives
#
# - State the goal, the networks, the loss and the training procedure of an autoencoder and of a GAN, and
#   say what each gives you (a code per input, samples, a likelihood or none).
# - Explain, with a numerical check, why the encoder and decoder *cooperate* on one loss while a GAN's two
#   networks play a game with opposed losses.
# - See a decoder as a generator, and measure why a plain autoencoder's decoder generates poorly from codes
#   drawn away from the training codes.
# - Place the VAE, the adversarial autoencoder, the VAE-GAN and BiGAN/ALI on one map.
#
# ## Prerequisites
#
# - [01_background](01_background.ipynb): what autoencoders and GANs are, and the MNIST data.
# - [02_autoencoder_theory](02_autoencoder_theory.ipynb): reconstruction losses as likelihoods.
# - [03_gan_theory](03_gan_theory.ipynb): the minimax game and the non-saturating generator loss.
#
# ## Run time
#
# Measured on the course's 2-core CPU, start to end: 45 s with the default parameters when the machine was quiet,
# up to about 1 min 20 s while other jobs shared it (training the autoencoder takes 25–40 s of it, the
# classifier 3–6 s); about 35 s with `FAST = True` (of which about 10 s is importing TensorFlow). No GPU was available to measure; only the
# autoencoder's training would speed up, so expect well under a minute there.

# %% [markdown]
# ## Setup

# %%
import time

import utils  # before keras/tensorflow: it silences TensorFlow's start-up log

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

# One BLAS thread for NumPy and scikit-learn. On a small shared CPU, BLAS threads that compete with TensorFlow's
# own threads (and with other jobs) made the logistic-regression fit below about 8 times slower.
blas_limit = threadpool_limits(limits=1)

# %% tags=["parameters"]
FAST = False  # True: small data and few epochs, for tests
SEED = 0  # seeds NumPy, Python and TensorFlow
CODE_SIZE = 16  # size of the autoencoder's code z
HIDDEN = 256  # width of the hidden layer of the encoder and of the decoder
EPOCHS = 5  # training epochs of the autoencoder
BATCH_SIZE = 128
LEARNING_RATE = 0.001  # Adam
N_TRAIN = 60000  # MNIST training images used to train the autoencoder
CLF_TRAIN = 10000  # MNIST training images used to fit the logistic-regression judge
N_SAMPLES = 2000  # decoded images per source and per draw that the judge labels
N_DRAWS = 5  # independent draws of N_SAMPLES (for the spread of the fractions)
CONFIDENCE = 0.9  # the judge is "confident" when its largest class probability exceeds this
N_SHOW = 12  # images per row in the figures

# %%
utils.check_param("FAST", FAST, kind=bool)
utils.check_param("SEED", SEED, kind=int, low=0)
utils.check_param("CODE_SIZE", CODE_SIZE, kind=int, low=2, high=256)
utils.check_param("HIDDEN", HIDDEN, kind=int, low=8)
utils.check_param("EPOCHS", EPOCHS, kind=int, low=1)
utils.check_param("BATCH_SIZE", BATCH_SIZE, kind=int, low=1)
utils.check_param("LEARNING_RATE", LEARNING_RATE, kind=float, low=1e-6, high=1.0)
utils.check_param("N_TRAIN", N_TRAIN, kind=int, low=100, high=60000)
utils.check_param("CLF_TRAIN", CLF_TRAIN, kind=int, low=100, high=60000)
utils.check_param("N_SAMPLES", N_SAMPLES, kind=int, low=10, high=10000)
utils.check_param("N_DRAWS", N_DRAWS, kind=int, low=1)
utils.check_param("CONFIDENCE", CONFIDENCE, kind=float, low=0.1, high=0.999)
utils.check_param("N_SHOW", N_SHOW, kind=int, low=1, high=30)
if N_SHOW > N_SAMPLES:
    raise ValueError(f"N_SHOW ({N_SHOW}) must not exceed N_SAMPLES ({N_SAMPLES})")
if FAST:  # a smoke test of every cell, not a result
    N_TRAIN, CLF_TRAIN, EPOCHS = min(N_TRAIN, 3000), min(CLF_TRAIN, 1000), min(EPOCHS, 2)
    N_SAMPLES, N_DRAWS = min(N_SAMPLES, 300), min(N_DRAWS, 2)
utils.set_seed(SEED)
results = utils.Results("04_ae_vs_gan", {
    "FAST": FAST, "SEED": SEED, "CODE_SIZE": CODE_SIZE, "HIDDEN": HIDDEN, "EPOCHS": EPOCHS,
    "BATCH_SIZE": BATCH_SIZE, "LEARNING_RATE": LEARNING_RATE, "N_TRAIN": N_TRAIN, "CLF_TRAIN": CLF_TRAIN,
    "N_SAMPLES": N_SAMPLES, "N_DRAWS": N_DRAWS, "CONFIDENCE": CONFIDENCE})
notebook_start = time.perf_counter()

# %% [markdown]
# ## 1. Goals, structure and training, side by side
#
# Write $x \in \mathbb{R}^{784}$ for an MNIST image and $z \in \mathbb{R}^{k}$ for a code (or noise) vector.
#
# | | Autoencoder (AE) | Generative adversarial network (GAN) |
# |---|---|---|
# | **goal** | reconstruct the input through a bottleneck: $\hat x = g_\psi(f_\phi(x)) \approx x$ | produce new samples $G_\theta(z)$, $z \sim p(z)$, distributed like the data |
# | **what you get** | a code $z = f_\phi(x)$ for every input, and a reconstruction | samples; no code for a given input (there is no encoder) |
# | **typical uses** | compression, denoising, features for few labels, anomaly detection (notebook 14) | image synthesis, data augmentation (notebook 26), super-resolution, image translation |
# | **networks** | encoder $f_\phi: x \mapsto z$, decoder $g_\psi: z \mapsto \hat x$ | generator $G_\theta: z \mapsto x$, discriminator $D_\omega: x \mapsto$ probability "real" |
# | **input at training time** | data only | data and noise |
# | **objective** | one loss, e.g. $\mathcal{L}(\phi,\psi) = \mathbb{E}_x\,\ell\big(x, g_\psi(f_\phi(x))\big)$ | a value $V(\omega,\theta)$ that $D$ maximises and $G$ minimises |
# | **training** | gradient descent on *all* parameters $(\phi,\psi)$ together: cooperation | alternating steps of two players with opposed goals: a game |
# | **what a solution is** | a (local) minimum of $\mathcal{L}$ | a saddle point (equilibrium) of $V$, which gradient steps may circle around instead of reaching |
# | **likelihood** | $\ell$ is a *conditional* negative log-likelihood $-\log p_\psi(x \mid z{=}f_\phi(x))$ (notebook 02); a plain AE has no $p(z)$, hence no model of $p(x)$ | none: $G$ defines samples, not a density ("implicit model"); it is judged only through $D$ |
# | **typical failures** | blurry reconstructions; codes that a decoder cannot use as a sampler (Section 2) | mode collapse, vanishing generator gradients, no loss that tracks quality (notebooks 03, 24) |
#
# The GAN value function is the one of Goodfellow et al. (2014):
#
# $$
# \min_\theta \max_\omega V(\omega, \theta) = \mathbb{E}_{x\sim p_\text{data}}\big[\log D_\omega(x)\big]
#   + \mathbb{E}_{z\sim p(z)}\big[\log\big(1 - D_\omega(G_\theta(z))\big)\big].
# $$
#
# In practice the generator minimises the non-saturating loss $-\mathbb{E}_z \log D_\omega(G_\theta(z))$
# instead, as Goodfellow et al. recommend (notebook 03); the two goals stay opposed.

# %% [markdown]
# ### 1.1 Two corrections to the article
#
# **The encoder and decoder cooperate.** The article's §5.1 says the autoencoder works by letting "the encoder
# and decoder oppose each other" (相互对抗). They do not. There is one loss $\mathcal{L}(\phi,\psi)$, and one
# optimiser moves *both* sets of parameters downhill on it: whatever lowers $\mathcal{L}$ is good for the encoder
# and for the decoder alike. Only the GAN has two losses that pull in opposite directions: with the minimax
# value, the discriminator's loss is $-V$ and the generator's is $+V$, so every gain of one player is a loss of
# the other. The article's §2.3 and §5.2 describe the GAN correctly; §5.1 copies the word "adversarial" from
# the GAN onto the autoencoder by mistake.
#
# **A generator is like a decoder, not an encoder.** The article's §2.2 says the generator "can be seen as an
# encoder that encodes random noise into samples". By its signature it is the opposite: an encoder maps data
# to a code, $\mathbb{R}^{784} \to \mathbb{R}^{k}$; a decoder maps a code to data space,
# $\mathbb{R}^{k} \to \mathbb{R}^{784}$, and so does a generator. The two differ in how they are trained (from
# reconstructions vs from a discriminator's verdicts) and in what their input is (a code of a real image vs
# noise from a fixed prior $p(z)$). Section 2 takes this literally and feeds noise to a decoder.

# %% [markdown]
# ### 1.2 Cooperation versus competition, measured
#
# The cell below takes one gradient step for each part of two tiny models, in float64 so the numbers are
# exact to the digits printed. For a linear autoencoder on 8 fixed points in $\mathbb{R}^4$ (code size 2) it
# steps the encoder alone, then the decoder alone, and prints the one loss both parts share. For a 1-D GAN
# (real data around 2, generator $G(z) = az + b$, discriminator $D(x) = \sigma(wx + c)$) it steps the
# discriminator alone, then the generator alone, and prints both players' losses under the minimax value $V$,
# plus the non-saturating generator loss.

# %% tags=["nbval-check-output"]
toy = np.random.default_rng(42)
x_toy = tf.constant(toy.normal(size=(8, 4)) @ np.diag([2.0, 1.0, 0.5, 0.1]))
enc_w = tf.Variable(toy.normal(scale=0.5, size=(4, 2)))
dec_w = tf.Variable(toy.normal(scale=0.5, size=(2, 4)))


def ae_loss():
    """The one loss of the autoencoder: mean squared reconstruction error."""
    return tf.reduce_mean(tf.reduce_sum((x_toy - x_toy @ enc_w @ dec_w) ** 2, axis=1))


def step(loss_fn, variables, lr=0.05):
    """One plain gradient-descent step on `variables` (and only those) for `loss_fn`."""
    with tf.GradientTape() as tape:
        loss = loss_fn()
    for variable, grad in zip(variables, tape.gradient(loss, variables), strict=True):
        variable.assign_sub(lr * grad)


lines = ["Autoencoder: encoder and decoder share ONE loss",
         f"  start                 loss = {ae_loss().numpy():.4f}"]
step(ae_loss, [enc_w])
lines.append(f"  after encoder step    loss = {ae_loss().numpy():.4f}   (lower: good for the decoder too)")
step(ae_loss, [dec_w])
lines.append(f"  after decoder step    loss = {ae_loss().numpy():.4f}   (lower: good for the encoder too)")

x_real = tf.constant(toy.normal(2.0, 0.5, size=64))
z_toy = tf.constant(toy.normal(size=64))
gen = {"a": tf.Variable(1.0, dtype=tf.float64), "b": tf.Variable(0.0, dtype=tf.float64)}
disc = {"w": tf.Variable(0.5, dtype=tf.float64), "c": tf.Variable(0.0, dtype=tf.float64)}


def value():
    """Goodfellow et al.'s V(D, G), estimated on the fixed samples."""
    d_real = tf.sigmoid(disc["w"] * x_real + disc["c"])
    d_fake = tf.sigmoid(disc["w"] * (gen["a"] * z_toy + gen["b"]) + disc["c"])
    return tf.reduce_mean(tf.math.log(d_real)) + tf.reduce_mean(tf.math.log(1.0 - d_fake))


def nonsaturating_g_loss():
    d_fake = tf.sigmoid(disc["w"] * (gen["a"] * z_toy + gen["b"]) + disc["c"])
    return -tf.reduce_mean(tf.math.log(d_fake))


def show(stage):
    v = value().numpy()
    lines.append(f"  {stage:<20}  L_D = -V = {-v:.4f}   L_G = V = {v:.4f}   "
                 f"non-saturating L_G = {nonsaturating_g_loss().numpy():.4f}")


lines.append("GAN: two players, opposed losses")
show("start")
step(lambda: -value(), list(disc.values()), lr=0.5)
show("after D step")
step(value, list(gen.values()), lr=0.5)
show("after G step")
print("\n".join(lines))

# %% [markdown]
# Both autoencoder steps lower the same number. In the GAN, the discriminator's step lowers $L_D$ and raises
# both generator losses; the generator's step lowers $L_G$ and raises $L_D$. With the minimax value the sum
# $L_D + L_G$ is exactly zero (a zero-sum game); the non-saturating loss breaks the exact zero sum but keeps the
# conflict.

# %% [markdown]
# ## 2. The decoder is a generator
#
# A decoder $g_\psi: \mathbb{R}^{k} \to \mathbb{R}^{784}$ has the signature of a generator. So we can "sample"
# from an autoencoder by decoding some code $z$ that no image produced. The question is which $z$. We train a
# small dense autoencoder on MNIST and decode three kinds of codes:
#
# - **(a)** codes of test images, $z = f_\phi(x)$: ordinary reconstructions;
# - **(b)** random codes from a Gaussian fitted to the training codes, $z \sim \mathcal{N}(\hat\mu, \hat\Sigma)$
#   (sample mean and covariance), a simple "ex-post" density over codes (Ghosh et al., 2020 fit such densities);
# - **(c)** random codes from $\mathcal{N}(0, I)$, the prior a GAN or a VAE would use.
#
# A plain autoencoder is never told where its codes should lie, so nothing makes (c) sensible.

# %% [markdown]
# ### 2.1 A small dense autoencoder
#
# Encoder $784 \to$ `HIDDEN` (ReLU) $\to$ `CODE_SIZE` (linear); decoder `CODE_SIZE` $\to$ `HIDDEN` (ReLU)
# $\to 784$ (sigmoid). Pixels are in $[0, 1]$ and the loss is the per-pixel binary cross-entropy, which is the
# negative log-likelihood of a Bernoulli decoder (notebook 02). The encoder and decoder are separate models so
# the decoder can be called on its own.

# %% tags=["nbval-check-output"]
encoder = keras.Sequential([keras.Input((784,)), keras.layers.Dense(HIDDEN, activation="relu"),
                            keras.layers.Dense(CODE_SIZE)], name="encoder")
decoder = keras.Sequential([keras.Input((CODE_SIZE,)), keras.layers.Dense(HIDDEN, activation="relu"),
                            keras.layers.Dense(784, activation="sigmoid")], name="decoder")
image_in = keras.Input((784,))
autoencoder = keras.Model(image_in, decoder(encoder(image_in)), name="autoencoder")
autoencoder.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss=keras.losses.BinaryCrossentropy())
print("\n".join(f"{model.name:<12} {str(model.input_shape):>12} -> {str(model.output_shape):<12} "
                f"{model.count_params():>9,} parameters" for model in (encoder, decoder, autoencoder)))

# %%
x_train, y_train = utils.load_mnist("train", scale="[0,1]", flatten=True,
                                    subset=None if N_TRAIN == 60000 else N_TRAIN, seed=SEED)
x_test, y_test = utils.load_mnist("test", scale="[0,1]", flatten=True)
start = time.perf_counter()
history = autoencoder.fit(x_train, x_train, epochs=EPOCHS, batch_size=BATCH_SIZE, shuffle=True, verbose=0)
ae_seconds = time.perf_counter() - start
recon_test = autoencoder.predict(x_test, batch_size=1000, verbose=0)
test_bce = float(keras.losses.BinaryCrossentropy()(x_test, recon_test))
print(f"trained on {len(x_train)} images for {EPOCHS} epochs in {ae_seconds:.0f} s")
print(f"binary cross-entropy: train (last epoch) {history.history['loss'][-1]:.4f}, test {test_bce:.4f} "
      f"nats/pixel = {784 * test_bce:.1f} nats/image")
results.record("ae_train_seconds", ae_seconds, unit="s", description="wall time of autoencoder training")
_ = results.record("ae_test_bce", 784 * test_bce, unit="nats/image",
               description="test binary cross-entropy of the dense autoencoder, summed over 784 pixels")

# %% [markdown]
# ### 2.2 Where the training codes lie, and where $\mathcal{N}(0, I)$ puts its mass
#
# We encode the training set and fit a Gaussian to the codes. Two numbers say how far the codes are from the
# prior $\mathcal{N}(0, I)$: the Kullback–Leibler divergence between the fitted Gaussian and the prior,
#
# $$
# \mathrm{KL}\big(\mathcal{N}(\hat\mu,\hat\Sigma)\,\|\,\mathcal{N}(0,I)\big)
#   = \tfrac12\big(\operatorname{tr}\hat\Sigma + \hat\mu^\top\hat\mu - k - \log\det\hat\Sigma\big),
# $$
#
# and the squared Mahalanobis distance $d^2(z) = (z-\hat\mu)^\top\hat\Sigma^{-1}(z-\hat\mu)$ under the fitted
# Gaussian, whose mean over the training codes is $k$ by construction (up to $(n-1)/n$).

# %%
codes_train = encoder.predict(x_train, batch_size=1000, verbose=0).astype(np.float64)
codes_test = encoder.predict(x_test, batch_size=1000, verbose=0).astype(np.float64)
mu = codes_train.mean(axis=0)
sigma = np.cov(codes_train, rowvar=False)
eigvals, eigvecs = np.linalg.eigh(sigma)  # ascending
eigvals, eigvecs = eigvals[::-1], eigvecs[:, ::-1]
sign, logdet = np.linalg.slogdet(sigma)
kl_to_prior = 0.5 * (np.trace(sigma) + mu @ mu - CODE_SIZE - logdet)
sigma_inv = np.linalg.inv(sigma)


def mahalanobis2(z):
    d = z - mu
    return np.einsum("ni,ij,nj->n", d, sigma_inv, d)


prior_codes = np.random.default_rng(SEED).standard_normal((len(codes_test), CODE_SIZE))
print(f"|mean code| = {np.linalg.norm(mu):.2f};  std along principal directions: "
      f"{np.sqrt(eigvals[0]):.2f} (largest) ... {np.sqrt(eigvals[-1]):.2f} (smallest);  prior: 0 and 1")
print(f"KL(N(mu, Sigma) || N(0, I)) = {kl_to_prior:.1f} nats")
print(f"median squared Mahalanobis distance (k = {CODE_SIZE}): training codes "
      f"{np.median(mahalanobis2(codes_train)):.1f}, test codes {np.median(mahalanobis2(codes_test)):.1f}, "
      f"N(0, I) draws {np.median(mahalanobis2(prior_codes)):.1f}")
_ = results.record("kl_code_gaussian_to_prior", kl_to_prior, unit="nats",
               description="KL between the Gaussian fitted to the AE's training codes and N(0, I)")

# %%
pcs_train = (codes_train - mu) @ eigvecs[:, :2]
pcs_prior = (prior_codes - mu) @ eigvecs[:, :2]
show_idx = np.random.default_rng(SEED).choice(len(codes_train), size=min(4000, len(codes_train)), replace=False)
fig, (ax_scatter, ax_std) = plt.subplots(1, 2, figsize=(11, 4.3), gridspec_kw={"width_ratios": [1.3, 1]})
points = ax_scatter.scatter(pcs_train[show_idx, 0], pcs_train[show_idx, 1], c=y_train[show_idx], s=3,
                            alpha=0.6, cmap="tab10", vmin=-0.5, vmax=9.5)
ax_scatter.scatter(pcs_prior[:1000, 0], pcs_prior[:1000, 1], s=4, c="black", marker="x", linewidths=0.6,
                   label="draws from N(0, I)")
fig.colorbar(points, ax=ax_scatter, ticks=range(10), label="digit of the training code")
ax_scatter.set_xlabel("principal direction 1 of the training codes")
ax_scatter.set_ylabel("principal direction 2")
ax_scatter.set_title("training codes vs the prior, first two principal directions")
ax_scatter.legend(loc="upper right", markerscale=3)
ax_std.bar(np.arange(1, CODE_SIZE + 1), np.sqrt(eigvals), color="tab:blue", label="training codes")
ax_std.axhline(1.0, color="black", linestyle="--", label="N(0, I): std 1 in every direction")
ax_std.set_xlabel("principal direction")
ax_std.set_ylabel("standard deviation")
ax_std.set_title(f"spread of the codes (|mean| = {np.linalg.norm(mu):.1f})")
ax_std.legend()
fig.tight_layout()
utils.save_figure(fig, "04_codes_vs_prior")
plt.show()

# %% [markdown]
# Nothing in the loss asked the codes to look like $\mathcal{N}(0, I)$, and they do not. In the default run the
# mean code lies about 13 units from the origin and the codes spread with standard deviations of roughly 3 to 9
# along every principal direction, against 1 for the prior. The origin happens to lie inside the cloud of codes
# (the median Mahalanobis distance of the prior draws is below $k$), but $\mathcal{N}(0, I)$ puts nearly all its
# mass in a ball of radius about $\sqrt{k} = 4$ there: the black blob in the scatter. Decoding prior draws
# therefore explores one small region between the digit clusters, not the whole code distribution.

# %% [markdown]
# ### 2.3 Decoding the three kinds of codes

# %%
rng = np.random.default_rng(SEED + 1)


def draw_codes(kind, n, rng):
    """n codes of one kind: 'a' (codes of test images), 'b' (fitted Gaussian) or 'c' (N(0, I))."""
    if kind == "a":
        idx = rng.choice(len(x_test), size=n, replace=False)
        return codes_test[idx], idx
    if kind == "b":
        return rng.multivariate_normal(mu, sigma, size=n), None
    return rng.standard_normal((n, CODE_SIZE)), None


def decode(z):
    return decoder.predict(z.astype(np.float32), batch_size=1000, verbose=0)


show_a, show_idx_a = draw_codes("a", N_SHOW, rng)
rows = {"test image": x_test[show_idx_a], "(a) reconstruction": decode(show_a),
        "(b) z ~ N(mu, Sigma)": decode(draw_codes("b", N_SHOW, rng)[0]),
        "(c) z ~ N(0, I)": decode(draw_codes("c", N_SHOW, rng)[0])}
fig = utils.compare_images(rows, value_range=(0, 1), title="the decoder of a plain autoencoder used as a generator")
utils.save_figure(fig, "04_decoder_as_generator")
plt.show()

# %% [markdown]
# Only the first two rows are paired column by column; rows (b) and (c) are independent random draws.
# Reconstructions look like their inputs, slightly blurred. Codes from the fitted Gaussian give many digit-like
# images and some blends or broken strokes, because a single Gaussian also covers the gaps between the clusters
# of codes. Codes from $\mathcal{N}(0, I)$ decode to faint, blurred blends that look alike and are rarely digits.

# %% [markdown]
# ### 2.4 A simple judge: how often does a classifier recognise a digit?
#
# To put a number on "looks like a digit" we fit a multinomial logistic regression on raw pixels of
# `CLF_TRAIN` MNIST training images and count how often its largest class probability exceeds `CONFIDENCE`.
# Real test images set the reference. This judge is crude: a linear model can be confident about an image
# no person would call a digit, and unsure about a sloppy real one. It only compares the three sources
# against each other and against real data; notebook 25 builds the course's proper evaluation tools. We also
# report the entropy of the judge's labels (in bits, at most $\log_2 10 \approx 3.32$): a generator whose
# outputs all look like one digit would score low.

# %%
x_clf, y_clf = utils.load_mnist("train", scale="[0,1]", flatten=True, subset=CLF_TRAIN, seed=SEED + 2)
start = time.perf_counter()
judge = LogisticRegression(C=0.1, max_iter=500)
judge.fit(x_clf, y_clf)
judge_acc = judge.score(x_test, y_test)
print(f"logistic regression on {CLF_TRAIN} images: test accuracy {judge_acc:.3f} "
      f"({judge.n_iter_[0]} iterations, {time.perf_counter() - start:.0f} s)")
results.record("judge_test_accuracy", judge_acc, unit="fraction",
               description="test accuracy of the logistic-regression judge on real MNIST test images")

sources = {"real test images": None, "(a) reconstructions": "a", "(b) N(mu, Sigma) codes": "b",
           "(c) N(0, I) codes": "c"}
confident = {name: [] for name in sources}
label_counts = {name: np.zeros(10) for name in sources}
for _ in range(N_DRAWS):
    for name, kind in sources.items():
        if kind is None:
            images = x_test[rng.choice(len(x_test), size=N_SAMPLES, replace=False)]
        else:
            images = decode(draw_codes(kind, N_SAMPLES, rng)[0])
        proba = judge.predict_proba(images)
        is_confident = proba.max(axis=1) > CONFIDENCE
        confident[name].append(is_confident.mean())
        label_counts[name] += np.bincount(proba.argmax(axis=1)[is_confident], minlength=10)


def entropy_bits(counts):
    p = counts / max(counts.sum(), 1)
    p = p[p > 0]
    return float(-(p * np.log2(p)).sum()) + 0.0  # + 0.0 turns -0.0 into 0.0


record_names = {"real test images": "real", "(a) reconstructions": "a_reconstructions",
                "(b) N(mu, Sigma) codes": "b_fitted_gaussian", "(c) N(0, I) codes": "c_standard_normal"}
print(f"\nfraction labelled with probability > {CONFIDENCE} (mean ± std over {N_DRAWS} draws of {N_SAMPLES}),"
      " and the entropy of the confident labels")
for name in sources:
    frac = np.array(confident[name])
    print(f"  {name:<24} {frac.mean():.3f} ± {frac.std():.3f}    {entropy_bits(label_counts[name]):.2f} bits")
    results.record(f"confident_fraction_{record_names[name]}", frac.mean(), unit="fraction",
                   description=f"share of {name} the pixel logistic regression labels with max prob > {CONFIDENCE}")
    results.record(f"label_entropy_{record_names[name]}", entropy_bits(label_counts[name]), unit="bits",
                   description=f"entropy of the judge's confident labels for {name}")

# %%
fig, (ax_frac, ax_hist) = plt.subplots(1, 2, figsize=(11, 3.8))
names = list(sources)
means = [np.mean(confident[n]) for n in names]
stds = [np.std(confident[n]) for n in names]
ax_frac.bar(range(4), means, yerr=stds, color=["gray", "tab:blue", "tab:green", "tab:red"], capsize=4)
ax_frac.set_xticks(range(4), ["real", "(a) recon.", "(b) N(mu, Sigma)", "(c) N(0, I)"])
ax_frac.set_ylabel(f"fraction with max prob > {CONFIDENCE}")
ax_frac.set_ylim(0, 1)
ax_frac.set_title("how often the judge recognises a digit")
width = 0.2
for i, (name, color) in enumerate(zip(names, ["gray", "tab:blue", "tab:green", "tab:red"], strict=True)):
    share = label_counts[name] / max(label_counts[name].sum(), 1)
    ax_hist.bar(np.arange(10) + (i - 1.5) * width, share, width=width, color=color, label=name)
ax_hist.set_xticks(range(10))
ax_hist.set_xlabel("label given by the judge (confident cases only)")
ax_hist.set_ylabel("share")
ax_hist.set_title("which digits the judge sees")
ax_hist.legend(fontsize=8)
fig.tight_layout()
utils.save_figure(fig, "04_judge_fractions")
plt.show()

# %% [markdown]
# **Reading the numbers** (default run, rounded): the judge is confident on about 0.68 of real test images and
# 0.67 of reconstructions, but only on about 0.22 of decoded $\mathcal{N}(\hat\mu,\hat\Sigma)$ codes and 0.06 of
# decoded $\mathcal{N}(0, I)$ codes. The few confident labels of the $\mathcal{N}(0, I)$ samples are mostly 2s and
# 5s (about 1.5 bits of entropy against 3.3 for real data): low quality *and* low diversity. So the same
# decoder is a passable sampler when its input looks like the training codes, and a poor one when its input
# comes from a prior it was never fitted to. Even the fitted Gaussian falls far short of real data; Exercise 1
# shows that a better density over the codes closes much of that gap. The spread over draws measures only the
# sampling noise of the codes; the autoencoder itself was trained once (seed `SEED`), and the exercises ask you to
# check other seeds.
#
# This is the gap the hybrids of Section 3 close. A VAE adds a term that pulls the encoder's codes towards
# $\mathcal{N}(0, I)$, so the decoder is trained where the prior puts its mass; an adversarial autoencoder
# lets a discriminator do the pulling. A GAN never has the problem: its generator is trained only on draws
# from the prior.

# %% [markdown]
# ## 3. A map of the models that join both ideas
#
# | model | one-line definition | reference | in this course |
# |---|---|---|---|
# | **VAE** | an autoencoder with a stochastic encoder $q_\phi(z\mid x)$ and a prior $p(z)=\mathcal{N}(0,I)$, trained by maximising the evidence lower bound: reconstruction log-likelihood minus $\mathrm{KL}(q_\phi(z\mid x)\,\|\,p(z))$ | Kingma & Welling (2014), ICLR; Rezende et al. (2014), ICML | [13_variational_autoencoder](13_variational_autoencoder.ipynb) |
# | **AAE** | an autoencoder whose *code* distribution is matched to a chosen prior by a discriminator on $z$ (codes vs prior draws), instead of the VAE's KL term | Makhzani et al. (2016), ICLR workshop (arXiv 2015) | [30_adversarial_autoencoder](30_adversarial_autoencoder.ipynb) |
# | **VAE-GAN** | a VAE whose decoder is also a GAN generator; the reconstruction error is measured on the features of the GAN's discriminator instead of on pixels | Larsen et al. (2016), ICML | — |
# | **BiGAN / ALI** | a GAN that also learns an encoder $E: x\mapsto z$; the discriminator sees pairs and tells $(x, E(x))$ from $(G(z), z)$, and at the optimum $E$ inverts $G$ | Donahue et al. (2017), ICLR; Dumoulin et al. (2017), ICLR (two groups, same idea) | — |
#
# Each row keeps the autoencoder's encoder–decoder pair and adds a way to make the decoder a true generator:
# a likelihood bound with a prior (VAE), a discriminator on codes (AAE), a discriminator on images (VAE-GAN), or
# a discriminator on joint pairs (BiGAN/ALI). Notebook 31 compares an autoencoder and a GAN head to head.

# %%
COLORS = {"data": "white", "enc": "#9ecae1", "dec": "#a1d99b", "disc": "#fc9272", "prior": "#e0e0e0"}


def draw_model(ax, title, nodes, edges, note=""):
    """Boxes (name -> (x, y, label, kind)) and arrows (from, to, style) on an empty axis."""
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
    ax.set_title(title, fontsize=11)
    boxes = {}
    for name, (bx, by, label, kind) in nodes.items():
        boxes[name] = ax.text(bx, by, label, ha="center", va="center", fontsize=10,
                              bbox={"boxstyle": "round,pad=0.35", "fc": COLORS[kind], "ec": "black", "lw": 0.8})
    for start_node, end_node, style in edges:
        ax.annotate("", xy=nodes[end_node][:2], xytext=nodes[start_node][:2],
                    arrowprops={"arrowstyle": "-|>", "lw": 1.0, "linestyle": style, "color": "black",
                                "patchA": boxes[start_node].get_bbox_patch(),
                                "patchB": boxes[end_node].get_bbox_patch(), "shrinkA": 1, "shrinkB": 1})
    if note:
        ax.text(0.5, 0.02, note, ha="center", va="bottom", fontsize=9, style="italic")


fig, axes = plt.subplots(2, 3, figsize=(13, 6.4))
draw_model(axes[0, 0], "autoencoder: one shared loss",
           {"x": (0.07, 0.6, "$x$", "data"), "E": (0.28, 0.6, "encoder", "enc"), "z": (0.5, 0.6, "$z$", "data"),
            "G": (0.72, 0.6, "decoder", "dec"), "xh": (0.93, 0.6, r"$\hat x$", "data")},
           [("x", "E", "-"), ("E", "z", "-"), ("z", "G", "-"), ("G", "xh", "-")],
           r"minimise $\ell(x, \hat x)$: encoder and decoder cooperate")
draw_model(axes[0, 1], "GAN: a two-player game",
           {"p": (0.1, 0.72, "$z \\sim p(z)$", "prior"), "G": (0.38, 0.72, "generator", "dec"),
            "xf": (0.63, 0.72, "$G(z)$", "data"), "xr": (0.63, 0.3, "real $x$", "data"),
            "D": (0.88, 0.5, "D", "disc")},
           [("p", "G", "-"), ("G", "xf", "-"), ("xf", "D", "-"), ("xr", "D", "-")],
           "D: real or fake?  G and D have opposed losses")
draw_model(axes[0, 2], "VAE  (notebook 13)",
           {"x": (0.07, 0.65, "$x$", "data"), "E": (0.28, 0.65, "encoder", "enc"),
            "z": (0.5, 0.65, r"$z \sim q(z|x)$", "data"), "G": (0.73, 0.65, "decoder", "dec"),
            "xh": (0.93, 0.65, r"$\hat x$", "data"), "p": (0.5, 0.25, "$p(z)=N(0,I)$", "prior")},
           [("x", "E", "-"), ("E", "z", "-"), ("z", "G", "-"), ("G", "xh", "-"), ("p", "z", ":")],
           "reconstruction + KL(q(z|x) || p(z)) (dotted)")
draw_model(axes[1, 0], "adversarial autoencoder  (notebook 30)",
           {"x": (0.07, 0.7, "$x$", "data"), "E": (0.28, 0.7, "encoder", "enc"), "z": (0.5, 0.7, "$z$", "data"),
            "G": (0.72, 0.7, "decoder", "dec"), "xh": (0.93, 0.7, r"$\hat x$", "data"),
            "p": (0.22, 0.28, "$z' \\sim p(z)$", "prior"), "D": (0.5, 0.28, "$D_z$", "disc")},
           [("x", "E", "-"), ("E", "z", "-"), ("z", "G", "-"), ("G", "xh", "-"), ("z", "D", "-"), ("p", "D", "-")],
           "reconstruction + a discriminator on codes")
draw_model(axes[1, 1], "VAE-GAN",
           {"x": (0.07, 0.7, "$x$", "data"), "E": (0.25, 0.7, "encoder", "enc"), "z": (0.43, 0.7, "$z$", "data"),
            "G": (0.63, 0.7, "decoder = G", "dec"), "p": (0.43, 0.28, "$z \\sim p(z)$", "prior"),
            "D": (0.88, 0.5, "$D_x$", "disc"), "xr": (0.88, 0.9, "real $x$", "data")},
           [("x", "E", "-"), ("E", "z", "-"), ("z", "G", "-"), ("p", "G", "-"), ("G", "D", "-"), ("xr", "D", "-")],
           "VAE loss, reconstruction error in D's features, + GAN loss")
draw_model(axes[1, 2], "BiGAN / ALI",
           {"x": (0.08, 0.75, "$x$", "data"), "E": (0.3, 0.75, "encoder", "enc"),
            "pe": (0.58, 0.75, "$(x, E(x))$", "data"), "z": (0.08, 0.3, "$z \\sim p(z)$", "prior"),
            "G": (0.3, 0.3, "generator", "dec"), "pg": (0.58, 0.3, "$(G(z), z)$", "data"),
            "D": (0.88, 0.52, "D", "disc")},
           [("x", "E", "-"), ("E", "pe", "-"), ("z", "G", "-"), ("G", "pg", "-"), ("pe", "D", "-"), ("pg", "D", "-")],
           "D tells the two kinds of pairs apart")
handles = [plt.Rectangle((0, 0), 1, 1, fc=COLORS[k], ec="black") for k in ("enc", "dec", "disc", "prior")]
fig.legend(handles, ["encoder (data to code)", "decoder / generator (code to data)", "discriminator",
                     "prior p(z)"], loc="lower center", ncol=4, bbox_to_anchor=(0.5, -0.01))
fig.tight_layout(rect=(0, 0.05, 1, 1))
utils.save_figure(fig, "04_hybrid_map")
plt.show()

# %%
total_seconds = time.perf_counter() - notebook_start
print(f"notebook body ran in {total_seconds:.0f} s")
_ = results.record("run_seconds", total_seconds, unit="s", description="wall time from the parameter check to here")

# %% [markdown]
# ## Summary
#
# - An autoencoder *reconstructs*: it gives a code for every input and is trained by minimising one loss
#   over encoder and decoder together. Its parts cooperate (the article's §5.1 is wrong to call them
#   adversarial).
# - A GAN *samples*: it has no encoder and no likelihood, and trains two networks with opposed losses, a
#   game whose solution is an equilibrium, not a minimum.
# - A generator maps codes to data, like a *decoder* (not an encoder, as the article's §2.2 says).
# - The decoder of a plain autoencoder is a generator only where its codes lie. Decoding draws from a Gaussian
#   fitted to the training codes gives some digit-like images; decoding draws from $\mathcal{N}(0, I)$ gives far
#   fewer and less varied ones, because nothing tied the codes to that prior (numbers in Section 2.4).
# - VAEs, adversarial autoencoders, VAE-GANs and BiGAN/ALI each add what is missing: a prior the codes are
#   pulled towards, or a discriminator on codes, images or pairs.

# %% [markdown]
# ## Exercises

# %% [markdown]
# **Exercise 1.** One Gaussian over all codes also covers the gaps between the digit clusters. Fit a Gaussian
# mixture with 10 components (`sklearn.mixture.GaussianMixture`, full covariances) to the training codes
# instead, decode `N_SAMPLES` draws, and compare the judge's confident fraction with (b). Does the mixture
# help?

# %% tags=["solution"]
from sklearn.mixture import GaussianMixture

mixture = GaussianMixture(n_components=10, covariance_type="full", random_state=SEED, max_iter=100)
mixture.fit(codes_train[:10000])  # 10,000 codes are plenty for 10 Gaussians in 16 dimensions
mixture_codes, _ = mixture.sample(N_SAMPLES)
mixture_proba = judge.predict_proba(decode(mixture_codes))
print(f"confident fraction: Gaussian-mixture codes {np.mean(mixture_proba.max(axis=1) > CONFIDENCE):.3f}, "
      f"single Gaussian (b) {np.mean(confident['(b) N(mu, Sigma) codes']):.3f}")

# %% [markdown]
# **Exercise 2.** Take the codes of a test "1" and a test "7", decode 9 evenly spaced points on the straight
# line between them, and plot the row. Are the intermediate images digits? Compare with what you would expect
# from a GAN whose generator was trained on every point of its prior.

# %% tags=["solution"]
one, seven = np.flatnonzero(y_test == 1)[0], np.flatnonzero(y_test == 7)[0]
weights = np.linspace(0.0, 1.0, 9)[:, None]
path = (1 - weights) * codes_test[one] + weights * codes_test[seven]
fig = utils.image_grid(decode(path), ncols=9, titles=[f"{w:.2f}" for w in weights[:, 0]])
fig.suptitle("decoded straight line from a test 1 to a test 7 (weight of the 7)", y=1.15)
plt.show()

# %% [markdown]
# **Exercise 3.** The fractions of Section 2.4 come from one trained autoencoder. Re-run the notebook with
# papermill for `SEED` = 1 and 2 (e.g. `papermill 04_ae_vs_gan.ipynb out.ipynb -p SEED 1`) and for
# `CODE_SIZE` = 2 and 64. How much do the fractions move with the seed? How do the fractions of (b) and (c),
# and the spread of the codes, change with the code size?

# %% [markdown]
# **Exercise 4.** In Section 1.2 the minimax losses sum to zero. Show on the same toy that the discriminator's
# loss plus the *non-saturating* generator loss is not constant across the two steps, i.e. that game is not
# zero-sum, although each step still hurts the other player.

# %% tags=["solution"]
def total(stage):
    l_d = -value().numpy()
    l_g = nonsaturating_g_loss().numpy()
    print(f"{stage:<14} L_D = {l_d:.4f}  non-saturating L_G = {l_g:.4f}  sum = {l_d + l_g:.4f}")


total("now")
step(lambda: -value(), list(disc.values()), lr=0.5)
total("after D step")
step(nonsaturating_g_loss, list(gen.values()), lr=0.5)
total("after G step")

# %% [markdown]
# ## References
#
# - Goodfellow, I., Pouget-Abadie, J., Mirza, M., Xu, B., Warde-Farley, D., Ozair, S., Courville, A., Bengio, Y.
#   (2014). Generative adversarial nets. *Advances in Neural Information Processing Systems 27* (NeurIPS).
# - Hinton, G. E., Salakhutdinov, R. R. (2006). Reducing the dimensionality of data with neural networks.
#   *Science* 313(5786), 504–507.
# - Kingma, D. P., Welling, M. (2014). Auto-encoding variational Bayes. *International Conference on Learning
#   Representations* (ICLR).
# - Rezende, D. J., Mohamed, S., Wierstra, D. (2014). Stochastic backpropagation and approximate inference in
#   deep generative models. *International Conference on Machine Learning* (ICML).
# - Makhzani, A., Shlens, J., Jaitly, N., Goodfellow, I., Frey, B. (2016). Adversarial autoencoders. *ICLR
#   2016 workshop*; arXiv:1511.05644 (2015).
# - Larsen, A. B. L., Sønderby, S. K., Larochelle, H., Winther, O. (2016). Autoencoding beyond pixels using a
#   learned similarity metric. *International Conference on Machine Learning* (ICML).
# - Donahue, J., Krähenbühl, P., Darrell, T. (2017). Adversarial feature learning. *International Conference on
#   Learning Representations* (ICLR).
# - Dumoulin, V., Belghazi, I., Poole, B., Mastropietro, O., Lamb, A., Arjovsky, M., Courville, A. (2017).
#   Adversarially learned inference. *International Conference on Learning Representations* (ICLR).
# - Ghosh, P., Sajjadi, M. S. M., Vergari, A., Black, M., Schölkopf, B. (2020). From variational to
#   deterministic autoencoders. *International Conference on Learning Representations* (ICLR).
