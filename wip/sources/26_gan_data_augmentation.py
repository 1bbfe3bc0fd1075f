# %% [markdown]
# # 26 · Do GAN samples help a classifier with few labels?
#
# The article lists data augmentation among the uses of GANs without evidence. This notebook tests the claim
# with an honest protocol: a small CNN is trained on 100 or 1,000 labelled MNIST digits, once on the real
# digits alone, once with class-conditional GAN samples mixed into every batch, and once with a classic
# augmentation (random shifts). The conditional GAN may only learn from the same labelled digits the
# classifier gets; a second GAN trained on all 60,000 labels is kept as a clearly marked, leaky upper
# reference. Every variant is run over three seeds and reported as mean ± standard deviation of test accuracy,
# and the GAN samples are judged with the course's classifier to explain what the numbers show.
#
# ## Learning objectives
# - Design an augmentation experiment without label leakage, and say why a generator trained on more labels
#   than the classifier gets answers a different question.
# - Mix synthetic and real samples into training batches at a stated ratio, with everything else (network,
#   initial weights, number of updates) held equal, so that a difference in accuracy has one cause.
# - Report accuracies as mean ± standard deviation over seeds, and paired gains (same labelled subset, same
#   initial weights) with their spread.
# - Explain a gain or a loss from the samples themselves: how often they show the digit they were asked for
#   (label accuracy), and how close they sit to the few training images.
#
# ## Prerequisites
# [22_conditional_gan](22_conditional_gan.ipynb) (the conditional GAN and label accuracy, reused here through
# `utils.GAN`, `utils.dcgan_generator` and `utils.dcgan_discriminator`) and
# [20_vanilla_gan](20_vanilla_gan.ipynb) (the training step). Notebook 25 (evaluating generative models)
# explains the course classifier in depth; here only its label accuracy is used.
#
# ## Run time
# Default parameters: **772 s of CPU time** for the whole notebook (kernel, all threads, measured by
# `tools/reproduce.py` with `/usr/bin/time`), of which the seven cGAN trainings took 509 s and the thirty
# classifier trainings 236 s. The measured wall time was 18 min because other jobs shared the 2-core machine
# (load average 6–8); on a quiet 2-core CPU expect about **7 min** (estimated from the CPU time, not measured
# quietly). `FAST=True` (two seeds, 20 updates per model, no leaky reference, 1,000 test images): under a minute
# of CPU time (about 50 s measured with the earlier width-16 cGANs; not re-measured). GPU: not measured; the
# networks are tiny, so expect a few minutes at most, dominated by per-step overhead.

# %% [markdown]
# ## Setup
#
# `import utils` comes first: it starts TensorFlow quietly and sets the figure style. CPU time is read with
# `resource.getrusage`, which counts all threads of this process, so the cost figures below do not depend on
# how busy the machine is.

# %%
import resource
import time

import utils  # first: it starts TensorFlow quietly
import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from keras import layers

from utils import evaluation

tf.get_logger().setLevel("ERROR")  # Keras warns about retracing when many small models are built in a loop

# %% tags=["parameters"]
FAST = False  # True: two seeds, a few dozen updates per model, a test subset (what the test suite runs)
SEED = 0  # first seed; run r uses SEED + r for the labelled subset, the initial weights and the noise
N_SEEDS = 3  # independent runs per label budget
BUDGET_SMALL = 100  # labelled training digits, small budget (a multiple of 10: the same count per class)
BUDGET_LARGE = 1000  # labelled training digits, large budget (a multiple of 10, at least BUDGET_SMALL)
LATENT_DIM = 100  # size of the cGAN's noise vector z
GAN_WIDTH = 32  # width of the cGAN networks (notebook 22 uses 64; 32 keeps three seeds in the CPU budget)
GAN_STEPS = 1000  # generator updates per cGAN, the same for every label budget
GAN_BATCH = 64  # cGAN minibatch size
GAN_LEARNING_RATE = 0.0002  # Adam step size of both cGAN networks
GAN_BETA_1 = 0.5  # Adam's first-moment decay, both cGAN networks
SYNTH_PER_CLASS = 500  # generated digits per class in each synthetic pool (10 classes)
CLF_STEPS = 600  # classifier updates, the same for every variant
CLF_BATCH = 64  # classifier minibatch size
CLF_LEARNING_RATE = 0.001  # Adam step size of the classifier
SHIFT = 0.1  # random shifts: at most this fraction of the image size (0.1: 2.8 pixels) in each direction
SYNTH_FRACTION = 0.5  # share of synthetic images in a batch, "1:1" variant
SYNTH_FRACTION_HIGH = 0.75  # share of synthetic images in a batch, "3:1" variant
LEAKY_REFERENCE = True  # also train one cGAN on all 60,000 labels (an upper reference, not a fair method)
TEST_SUBSET = 10000  # test images that score every classifier (10000: the whole test set)

# %%
utils.check_param("FAST", FAST, kind=bool)
utils.check_param("SEED", SEED, kind=int, low=0, high=2**31 - 100)
utils.check_param("N_SEEDS", N_SEEDS, kind=int, low=2, high=20)
utils.check_param("BUDGET_SMALL", BUDGET_SMALL, kind=int, low=10, high=50000)
utils.check_param("BUDGET_LARGE", BUDGET_LARGE, kind=int, low=10, high=50000)
for _name, _budget in (("BUDGET_SMALL", BUDGET_SMALL), ("BUDGET_LARGE", BUDGET_LARGE)):
    if _budget % 10:
        raise ValueError(f"{_name} must be a multiple of 10 (the subsets hold the same count per class), got {_budget}")
if BUDGET_LARGE < BUDGET_SMALL:
    raise ValueError(f"BUDGET_LARGE ({BUDGET_LARGE}) must be at least BUDGET_SMALL ({BUDGET_SMALL})")
utils.check_param("LATENT_DIM", LATENT_DIM, kind=int, low=1, high=4096)
utils.check_param("GAN_WIDTH", GAN_WIDTH, kind=int, low=4, high=256)
utils.check_param("GAN_STEPS", GAN_STEPS, kind=int, low=1, high=100000)
utils.check_param("GAN_BATCH", GAN_BATCH, kind=int, low=2, high=1024)
utils.check_param("GAN_LEARNING_RATE", GAN_LEARNING_RATE, kind=float, low=1e-6, high=1.0)
utils.check_param("GAN_BETA_1", GAN_BETA_1, kind=float, low=0.0, high=0.999)
utils.check_param("SYNTH_PER_CLASS", SYNTH_PER_CLASS, kind=int, low=10, high=10000)
utils.check_param("CLF_STEPS", CLF_STEPS, kind=int, low=1, high=100000)
utils.check_param("CLF_BATCH", CLF_BATCH, kind=int, low=2, high=1024)
utils.check_param("CLF_LEARNING_RATE", CLF_LEARNING_RATE, kind=float, low=1e-6, high=1.0)
utils.check_param("SHIFT", SHIFT, kind=float, low=0.0, high=0.5)
utils.check_param("SYNTH_FRACTION", SYNTH_FRACTION, kind=float, low=0.0, high=1.0)
utils.check_param("SYNTH_FRACTION_HIGH", SYNTH_FRACTION_HIGH, kind=float, low=0.0, high=1.0)
utils.check_param("LEAKY_REFERENCE", LEAKY_REFERENCE, kind=bool)
utils.check_param("TEST_SUBSET", TEST_SUBSET, kind=int, low=100, high=10000)
if FAST:
    N_SEEDS, GAN_STEPS, CLF_STEPS, LEAKY_REFERENCE = 2, 20, 20, False
    SYNTH_PER_CLASS, TEST_SUBSET = 50, min(TEST_SUBSET, 1000)
utils.set_seed(SEED)
params = {"FAST": FAST, "SEED": SEED, "N_SEEDS": N_SEEDS, "BUDGET_SMALL": BUDGET_SMALL, "BUDGET_LARGE": BUDGET_LARGE,
          "LATENT_DIM": LATENT_DIM, "GAN_WIDTH": GAN_WIDTH, "GAN_STEPS": GAN_STEPS, "GAN_BATCH": GAN_BATCH,
          "GAN_LEARNING_RATE": GAN_LEARNING_RATE, "GAN_BETA_1": GAN_BETA_1, "SYNTH_PER_CLASS": SYNTH_PER_CLASS,
          "CLF_STEPS": CLF_STEPS, "CLF_BATCH": CLF_BATCH, "CLF_LEARNING_RATE": CLF_LEARNING_RATE, "SHIFT": SHIFT,
          "SYNTH_FRACTION": SYNTH_FRACTION, "SYNTH_FRACTION_HIGH": SYNTH_FRACTION_HIGH,
          "LEAKY_REFERENCE": LEAKY_REFERENCE, "TEST_SUBSET": TEST_SUBSET}
results = utils.Results("26_gan_data_augmentation", params)
BUDGETS = (BUDGET_SMALL, BUDGET_LARGE)
RUN_SEEDS = [SEED + r for r in range(N_SEEDS)]


def cpu_seconds():
    """CPU time (user + system, all threads) used by this process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# %% [markdown]
# ## 1. The question, and a protocol that does not leak labels
#
# A classifier trained on $n$ labelled digits $\{(x_i, y_i)\}_{i=1}^n$ minimises the average loss over the
# empirical distribution $\hat p_n$. Augmenting with a conditional generator $G(z, y)$ replaces it by a mixture:
# each training example is, with probability $1-\lambda$, a real pair from $\hat p_n$ and, with probability
# $\lambda$, a synthetic pair $(G(z, y), y)$ with $y$ uniform over the ten classes and $z \sim \mathcal N(0, I)$:
#
# $$p_{\text{train}}(x, y) = (1-\lambda)\,\hat p_n(x, y) + \lambda\,\tfrac{1}{10}\,p_g(x \mid y).$$
#
# This can only help if $p_g(x\mid y)$ adds something true that $\hat p_n$ lacks: new shapes of each digit, with
# the right label. Two ways it can fail are easy to name. If the generator draws the wrong digit for a label,
# the mixture carries label noise. If it copies its training images, it adds nothing that $\hat p_n$ does not
# already hold.
#
# **Leakage.** Where the generator's labels come from matters. A cGAN trained on all 60,000 labelled MNIST
# digits has seen 600 times more labels than a 100-label classifier; its samples smuggle that information in, and
# a gain would answer "do 60,000 labels help?", not "does a GAN help?". The honest protocol therefore trains
# the cGAN on **the same labelled subset** the classifier gets, and nothing else. (Using the 59,000 unlabelled
# images as well would be semi-supervised learning, a different method outside this notebook.) One cGAN
# trained on all 60,000 labels is kept as a **leaky reference**: an upper bound on what better samples could
# do, not a method anyone with 100 labels could use.
#
# **The protocol**, for each label budget $n \in \{100, 1000\}$ and each seed $s$:
#
# 1. Draw $n/10$ training digits of each class with seed $s$ (the 100-digit subset is contained in the 1,000-digit
#    one).
# 2. Train a conditional GAN (`utils.dcgan_generator`/`utils.dcgan_discriminator` with `num_classes=10` and a
#    projection discriminator, trained by `utils.GAN` as in notebook 22) on those $n$ digits only, for a fixed number of generator updates, and draw
#    a pool of synthetic digits, the same number for each class.
# 3. Train the same small CNN, from the same initial weights (seed $s$) and for the same number of updates,
#    five times: on real digits only; on real digits with random shifts; with $\lambda = 1/2$ and $\lambda = 3/4$
#    of each batch drawn from the cGAN pool; and with $\lambda = 1/2$ from the leaky cGAN's pool.
# 4. Score each classifier on the MNIST test set, which nothing else touches.
#
# There is no validation split: with 100 labels, holding some out for early stopping would cost 10% of the data,
# so every classifier gets a fixed number of updates instead. The leaky cGAN is trained once (seed `SEED`) and
# its pool is shared by all runs.

# %%
x_train01, y_train = utils.load_mnist("train", scale="[0,1]")
x_test01, y_test = utils.load_mnist("test", scale="[0,1]")
if TEST_SUBSET < len(x_test01):
    keep = np.sort(np.random.default_rng(SEED).choice(len(x_test01), TEST_SUBSET, replace=False))
    x_test01, y_test = x_test01[keep], y_test[keep]


def draw_labelled(n, seed):
    """Indices of n training digits, n // 10 per class, drawn with `seed`.

    Each class's images are put in a seeded random order and the first n // 10 are kept, so for one seed the
    subset of a smaller budget is contained in that of a larger one.
    """
    rng = np.random.default_rng(seed)
    per_class = [rng.permutation(np.flatnonzero(y_train == c)) for c in range(10)]
    return np.sort(np.concatenate([order[: n // 10] for order in per_class]))


# %% tags=["nbval-check-output"]
for n in BUDGETS:
    idx = draw_labelled(n, SEED)
    print(f"n = {n:5d}: {len(idx)} distinct images, per class {np.bincount(y_train[idx], minlength=10).tolist()}")
small, large = draw_labelled(BUDGET_SMALL, SEED), draw_labelled(BUDGET_LARGE, SEED)
print(f"the {BUDGET_SMALL}-digit subset lies inside the {BUDGET_LARGE}-digit one: {np.isin(small, large).all()}")
print(f"another seed draws another subset: {not np.array_equal(small, draw_labelled(BUDGET_SMALL, SEED + 1))}")

# %% [markdown]
# ## 2. The classifier, and how batches are mixed
#
# The classifier is deliberately small, so that fifteen trainings per label budget fit the CPU budget: two
# $3\times3$ convolutions (16 and 32 filters, ReLU), each followed by $2\times2$ max-pooling, dropout, and a
# linear layer to ten logits, trained with the cross-entropy on logits. It is *not* the course's evaluation
# classifier (`utils.evaluation`), which was trained on all 60,000 labels and serves only as a judge below.
#
# The shift variant puts a `RandomTranslation` layer in front; it is active only in training and moves each image
# by up to `SHIFT` of its size in each direction, filling with black. It has no weights, so every variant
# starts from identical weights when the seed is the same.

# %%
def make_classifier(shifts=False, seed=0):
    """Images (28, 28, 1) in [0, 1] -> ten logits. With `shifts`, random translations are applied in training."""
    image = keras.Input((28, 28, 1), name="image")
    h = image
    if shifts:
        h = layers.RandomTranslation(SHIFT, SHIFT, fill_mode="constant", fill_value=0.0, seed=seed, name="shift")(h)
    h = layers.Conv2D(16, 3, activation="relu", name="conv_0")(h)
    h = layers.MaxPooling2D(2)(h)  # 26 -> 13
    h = layers.Conv2D(32, 3, activation="relu", name="conv_1")(h)
    h = layers.MaxPooling2D(2)(h)  # 11 -> 5
    h = layers.Dropout(0.3)(layers.Flatten()(h))
    logits = layers.Dense(10, name="logits")(h)
    return keras.Model(image, logits, name="small_cnn")


# %% tags=["nbval-check-output"]
utils.set_seed(SEED)
plain = make_classifier()
utils.set_seed(SEED)
shifted = make_classifier(shifts=True, seed=SEED)
for layer in plain.layers:
    if layer.weights:
        print(f"  {layer.name:8s} {str(layer.output.shape[1:]):14s} {layer.count_params():7,d}")
print(f"  {'total':8s} {'':14s} {plain.count_params():7,d}")
same_start = all(np.array_equal(a, b) for a, b in zip(plain.get_weights(), shifted.get_weights(), strict=True))
print(f"with and without the shift layer, the same seed gives the same initial weights: {same_start}")
probe = np.zeros((1, 28, 28, 1), "float32")
probe[0, 10:18, 10:18] = 1.0
moved = keras.ops.convert_to_numpy(shifted.get_layer("shift")(probe, training=True))
still = keras.ops.convert_to_numpy(shifted.get_layer("shift")(probe, training=False))
print(f"shift layer: identity at test time: {np.array_equal(still, probe)}; "
      f"moves the image in training: {not np.allclose(moved, probe)}")

# %% [markdown]
# **Mixing.** Real and synthetic digits are two infinite, shuffled streams; `tf.data.Dataset.sample_from_datasets`
# takes each next example from the synthetic stream with probability $\lambda$ (seeded), so a batch of 64 holds
# on average $64\lambda$ synthetic digits. With $\lambda = 1/2$ ("1:1") a classifier sees as many synthetic as real
# examples; with $\lambda = 3/4$ ("3:1") three times as many. Every variant takes `CLF_STEPS` updates of
# `CLF_BATCH` examples, so all see the same number of examples and differ only in where they come from.
# Synthetic digits come from the generator in $[-1, 1]$ and are rescaled to the classifier's $[0, 1]$.

# %%
def stream(x, y, seed):
    """An endless stream of (image, label) pairs, reshuffled on every pass."""
    return tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed).repeat()


def train_classifier(x, y, seed, *, synth=None, fraction=0.0, shifts=False):
    """Train a fresh classifier (initial weights from `seed`) for CLF_STEPS updates; return its test accuracy.

    `synth`: optional (images in [0, 1], labels); each example is synthetic with probability `fraction`.
    """
    utils.set_seed(seed)
    model = make_classifier(shifts=shifts, seed=seed)
    data = stream(x, y.astype("int32"), seed)
    if synth is not None and fraction > 0:
        fake = stream(synth[0], synth[1].astype("int32"), seed + 1)
        data = tf.data.Dataset.sample_from_datasets([data, fake], weights=[1 - fraction, fraction], seed=seed)
    model.compile(optimizer=keras.optimizers.Adam(CLF_LEARNING_RATE),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(data.batch(CLF_BATCH), epochs=1, steps_per_epoch=CLF_STEPS, verbose=0)
    logits = model.predict(x_test01, batch_size=1000, verbose=0)
    return float(np.mean(logits.argmax(axis=1) == y_test))


# %% [markdown]
# ## 3. The conditional GAN and its synthetic pool
#
# The cGAN is notebook 22's, built by `utils` at width `GAN_WIDTH` and trained with `utils.GAN` (non-saturating
# loss, Adam with $\eta = 2\cdot10^{-4}$, $\beta_1 = 0.5$). Every cGAN gets the same `GAN_STEPS` generator updates
# of `GAN_BATCH` pairs, whatever its data: with 100 digits that is 640 passes over them, with 60,000 barely
# more than one. The pool holds `SYNTH_PER_CLASS` samples per class from seeded noise.
#
# **Projection discriminator.** The discriminator receives the label by *projection* (Miyato and Koyama, 2018):
# its logit is $\psi(\phi(x)) + v_y^\top \phi(x)$, an unconditional score plus the inner product of the image
# features with a learned class vector, instead of ten one-hot input channels. Notebook 22 compares the two
# side by side and finds that projection learns to use the label much sooner; a first version of this notebook
# used input channels and, at this budget, got cGANs whose samples matched their label only 12–14% of the time
# (chance: 10%), so its test said nothing about a cGAN that works.
#
# **Budget choice.** Probes on this machine (one cGAN, projection discriminator): on a 1,000-digit subset, width
# 16 cost 37 ms of CPU time per update and its samples reached a label accuracy of 0.70, 0.59 and 0.66 after
# 500, 1,000 and 1,500 updates; on a 100-digit subset, width 32 cost 72 ms per update and reached 0.74 and 0.73
# after 500 and 1,000 updates. A classifier update costs about 8 ms. Seven cGANs (six honest, one leaky) and thirty
# classifiers must fit in roughly 850 CPU-seconds, hence width 32 and 1,000 updates per cGAN: half of notebook
# 22's width and about a third of its updates. These cGANs draw the requested digit most of the time but are far
# from perfect (section 5 measures it), so the answer below is about *small, cheaply trained* cGANs; exercise 4
# asks what a bigger one changes.

# %%
def train_cgan(x01, y, seed):
    """Train a conditional DCGAN on images in [0, 1] with labels; return the trained utils.GAN and its last
    metrics."""
    utils.set_seed(seed)
    generator = utils.dcgan_generator(LATENT_DIM, GAN_WIDTH, num_classes=10)
    discriminator = utils.dcgan_discriminator(GAN_WIDTH, num_classes=10, conditioning="projection")
    gan = utils.GAN(generator, discriminator, LATENT_DIM, seed=seed)
    gan.compile(d_optimizer=keras.optimizers.Adam(GAN_LEARNING_RATE, beta_1=GAN_BETA_1),
                g_optimizer=keras.optimizers.Adam(GAN_LEARNING_RATE, beta_1=GAN_BETA_1))
    pairs = stream(2.0 * x01 - 1.0, y.astype("int32"), seed).batch(GAN_BATCH, drop_remainder=True)
    history = gan.fit(pairs, epochs=1, steps_per_epoch=GAN_STEPS, verbose=0)
    return gan, {key: values[-1] for key, values in history.history.items()}


POOL_LABELS = np.repeat(np.arange(10), SYNTH_PER_CLASS).astype("int32")


def synthetic_pool(gan, seed):
    """SYNTH_PER_CLASS generated digits per class, in [-1, 1], with the labels they were asked for."""
    return gan.generate(len(POOL_LABELS), labels=POOL_LABELS, seed=seed), POOL_LABELS


def nearest_distance(queries01, references01):
    """Euclidean pixel distance from each query image to its nearest reference image (both in [0, 1])."""
    q = queries01.reshape(len(queries01), -1).astype(np.float64)
    r = references01.reshape(len(references01), -1).astype(np.float64)
    d2 = (q * q).sum(1)[:, None] + (r * r).sum(1)[None, :] - 2.0 * q @ r.T
    return np.sqrt(np.maximum(d2, 0.0).min(axis=1))


# %% [markdown]
# The leaky reference first (trained on every labelled training digit), then, for each budget and seed, the
# honest cGAN and the five classifiers. For each honest pool we also keep two diagnostics for section 5: its
# label accuracy under the course classifier, and the median pixel distance from a synthetic digit to the nearest
# of the $n$ training digits, beside the same distance for real test digits (which the cGAN never saw).

# %%
cost = {"cgan": 0.0, "classifier": 0.0}
wall_start = time.perf_counter()
leaky_pool = None
if LEAKY_REFERENCE:
    start = cpu_seconds()
    leaky_gan, leaky_last = train_cgan(x_train01, y_train, SEED)
    leaky_pool = synthetic_pool(leaky_gan, SEED)
    cost["cgan"] += cpu_seconds() - start
    leaky_label_accuracy = evaluation.label_accuracy(leaky_pool[0], leaky_pool[1], "[-1,1]")
    print(f"leaky cGAN (all {len(x_train01):,} labels): label accuracy of its pool {leaky_label_accuracy:.3f}; "
          f"last d_real {leaky_last['d_real']:.2f}, d_fake {leaky_last['d_fake']:.2f}")

VARIANTS = ["real", "shifts", "gan_1to1", "gan_3to1"] + (["leaky_1to1"] if LEAKY_REFERENCE else [])
accuracy = {n: {v: [] for v in VARIANTS} for n in BUDGETS}
diagnostics = {n: [] for n in BUDGETS}
pools = {}
test_probe = x_test01[:1000]
for n in BUDGETS:
    for seed in RUN_SEEDS:
        idx = draw_labelled(n, seed)
        x, y = x_train01[idx], y_train[idx]
        start = cpu_seconds()
        gan, last = train_cgan(x, y, seed)
        pool = synthetic_pool(gan, seed)
        cost["cgan"] += cpu_seconds() - start
        pools[(n, seed)] = pool
        pool01 = (pool[0] + 1.0) / 2.0
        diagnostics[n].append({
            "label_accuracy": evaluation.label_accuracy(pool[0], pool[1], "[-1,1]"),
            "synth_to_train": float(np.median(nearest_distance(pool01, x))),
            "test_to_train": float(np.median(nearest_distance(test_probe, x))),
            "d_real": last["d_real"], "d_fake": last["d_fake"]})
        start = cpu_seconds()
        accuracy[n]["real"].append(train_classifier(x, y, seed))
        accuracy[n]["shifts"].append(train_classifier(x, y, seed, shifts=True))
        accuracy[n]["gan_1to1"].append(train_classifier(x, y, seed, synth=(pool01, pool[1]),
                                                        fraction=SYNTH_FRACTION))
        accuracy[n]["gan_3to1"].append(train_classifier(x, y, seed, synth=(pool01, pool[1]),
                                                        fraction=SYNTH_FRACTION_HIGH))
        if LEAKY_REFERENCE:
            accuracy[n]["leaky_1to1"].append(train_classifier(
                x, y, seed, synth=((leaky_pool[0] + 1.0) / 2.0, leaky_pool[1]), fraction=SYNTH_FRACTION))
        cost["classifier"] += cpu_seconds() - start
        print(f"n = {n:5d}, seed {seed}: " + ", ".join(f"{v} {accuracy[n][v][-1]:.3f}" for v in VARIANTS)
              + f"; cGAN label accuracy {diagnostics[n][-1]['label_accuracy']:.3f}", flush=True)
n_cgans = len(BUDGETS) * N_SEEDS + int(LEAKY_REFERENCE)
n_classifiers = len(BUDGETS) * N_SEEDS * len(VARIANTS)
print(f"CPU time: {n_cgans} cGANs {cost['cgan']:.0f} s, {n_classifiers} classifiers {cost['classifier']:.0f} s "
      f"(wall {time.perf_counter() - wall_start:.0f} s on a shared machine)")

# %% [markdown]
# ## 4. Test accuracy, mean ± standard deviation over seeds
#
# The table gives, for each label budget and variant, the mean test accuracy and its sample standard deviation
# over the seeds. The last column is the **paired gain** over real-only training: within a seed, both
# classifiers saw the same labelled digits and started from the same weights, so the difference isolates the
# augmentation, and its spread over seeds is the honest error bar (it is usually smaller than the spread of either
# accuracy, because the subset's luck cancels).

# %%
NAMES = {"real": "real only", "shifts": "real + random shifts",
         "gan_1to1": f"real + cGAN samples ({SYNTH_FRACTION:.0%} of each batch)",
         "gan_3to1": f"real + cGAN samples ({SYNTH_FRACTION_HIGH:.0%} of each batch)",
         "leaky_1to1": f"LEAKY: real + all-label cGAN ({SYNTH_FRACTION:.0%})"}
RESULT_KEYS = {"real": "real", "shifts": "shift", "gan_1to1": "gan", "gan_3to1": "gan3x", "leaky_1to1": "leaky_gan"}
DESCRIBE = {"real": "trained on the real labelled digits only",
            "shifts": "trained on the real labelled digits with random shifts (classic augmentation)",
            "gan_1to1": f"with {SYNTH_FRACTION:.0%} of each batch from a cGAN trained on the same labelled digits",
            "gan_3to1": f"with {SYNTH_FRACTION_HIGH:.0%} of each batch from a cGAN trained on the same labelled digits",
            "leaky_1to1": f"with {SYNTH_FRACTION:.0%} of each batch from a cGAN trained on all 60,000 labels "
                          "(leaky upper reference)"}
summary = {}
for n in BUDGETS:
    print(f"n = {n} labelled digits, {N_SEEDS} seeds, {len(y_test):,} test images")
    print(f"  {'variant':46s} {'accuracy':>16s} {'paired gain':>18s}")
    real = np.array(accuracy[n]["real"])
    for v in VARIANTS:
        acc = np.array(accuracy[n][v])
        gain = acc - real
        summary[(n, v)] = (acc.mean(), acc.std(ddof=1), gain.mean(), gain.std(ddof=1))
        gain_text = "" if v == "real" else f"{100 * gain.mean():+6.1f} ± {100 * gain.std(ddof=1):4.1f} pts"
        print(f"  {NAMES[v]:46s} {100 * acc.mean():7.1f} ± {100 * acc.std(ddof=1):4.1f} %  {gain_text:>18s}")
        key = f"aug_n{n}_{RESULT_KEYS[v]}_acc"
        results.record(f"{key}_mean", acc.mean(), unit="fraction",
                       description=f"test accuracy of a small CNN given {n} labelled MNIST digits, {DESCRIBE[v]}; "
                                   f"mean over {N_SEEDS} seeds")
        results.record(f"{key}_std", acc.std(ddof=1), unit="fraction",
                       description=f"sample standard deviation over {N_SEEDS} seeds of {key}_mean")
        if v != "real":
            results.record(f"aug_n{n}_{RESULT_KEYS[v]}_gain_mean", gain.mean(), unit="fraction",
                           description=f"paired gain in test accuracy over real-only training ({n} labels), "
                                       f"{DESCRIBE[v]}; mean over {N_SEEDS} seeds")
            results.record(f"aug_n{n}_{RESULT_KEYS[v]}_gain_std", gain.std(ddof=1), unit="fraction",
                           description=f"sample standard deviation over {N_SEEDS} seeds of the paired gain "
                                       f"aug_n{n}_{RESULT_KEYS[v]}_gain_mean")

# %%
fig, axes = plt.subplots(1, len(BUDGETS), figsize=(12, 3.8), sharey=False)
colours = {"real": "0.4", "shifts": "tab:green", "gan_1to1": "tab:blue", "gan_3to1": "tab:purple",
           "leaky_1to1": "tab:orange"}
for ax, n in zip(axes, BUDGETS, strict=True):
    for i, v in enumerate(VARIANTS):
        acc = np.array(accuracy[n][v])
        ax.bar(i, acc.mean(), yerr=acc.std(ddof=1), color=colours[v], alpha=0.35 if v == "leaky_1to1" else 0.8,
               hatch="//" if v == "leaky_1to1" else None, capsize=4)
        ax.plot(np.full(len(acc), i), acc, "k.", ms=5)
    low = min(min(accuracy[n][v]) for v in VARIANTS)
    ax.set(xticks=range(len(VARIANTS)), xticklabels=[RESULT_KEYS[v].replace("_", " ") for v in VARIANTS],
           ylim=(max(0.0, low - 0.05), 1.0), ylabel="test accuracy", title=f"{n} labelled digits")
fig.suptitle("Mean ± std over seeds (dots: single seeds); hatched = leaky reference (all 60,000 labels)")
utils.save_figure(fig, "26_accuracy")

# %% [markdown]
# The verdict, computed from the table rather than written in advance. A gain counts as *clear* only if its mean
# exceeds twice its standard deviation over seeds, and as *consistent* if it has the same sign in every seed.

# %%
def verdict(n, v):
    _, _, gain, spread = summary[(n, v)]
    signs = np.sign(np.array(accuracy[n][v]) - np.array(accuracy[n]["real"]))
    if abs(gain) > 2 * spread and abs(signs.sum()) == len(signs):
        return ("clear gain" if gain > 0 else "clear loss") + f" ({100 * gain:+.1f} pts)"
    same_sign = ", same sign in every seed" if abs(signs.sum()) == len(signs) and signs[0] != 0 else ""
    return f"no clear effect ({100 * gain:+.1f} ± {100 * spread:.1f} pts{same_sign})"


for n in BUDGETS:
    print(f"n = {n}:")
    for v in VARIANTS[1:]:
        print(f"  {NAMES[v]:46s} {verdict(n, v)}")

# %% [markdown]
# **What the numbers say.** In this run the honest cGAN augmentation **hurts** at both label budgets, clearly by
# the rule above: with 100 labels, mixing cGAN samples into half of each batch lowers test accuracy from
# 84.4 ± 1.3% to 81.7 ± 0.7% (paired change −2.7 ± 1.1 points), into three quarters to 80.6 ± 0.7% (−3.8 ± 0.6).
# With 1,000 labels the losses are −2.6 ± 0.2 points (1:1, from 94.8 ± 0.4% to 92.3 ± 0.5%) and −5.4 ± 0.6 (3:1).
# More synthetic data hurts more. The only GAN variant that helps is the **leaky** one, and only with 100 labels:
# +2.6 ± 0.6 points (to 86.9 ± 0.8%), a gain owed to the 60,000 labels its cGAN saw, not to the GAN method; with
# 1,000 labels it loses 2.6 ± 0.4 points too. The classic baseline, random shifts of at most 2.8 pixels, costs
# nothing to train and helps more than any GAN variant: +6.7 ± 1.3 points with 100 labels (to 91.0 ± 0.5%) and
# +1.3 ± 0.2 with 1,000 (to 96.1 ± 0.2%). The article's claim is not supported by this experiment; section 5
# shows why, and why this does not prove that no cGAN could help.
#
# ## 5. Why: what the cGAN samples look like and how good they are
#
# First the samples themselves: one pool per budget (seed `SEED`), ten per class (rows: the label asked for),
# next to the leaky cGAN's.

# %%
def mosaic(images, labels, per_class=10):
    """A (10*28, per_class*28) picture: row c holds the first `per_class` images with label c."""
    rows = [np.concatenate(list(images[labels == c][:per_class, :, :, 0]), axis=1) for c in range(10)]
    return np.concatenate(rows, axis=0)


panels = {f"{BUDGET_SMALL} real labelled digits (seed {SEED})":
          mosaic(2 * x_train01[draw_labelled(BUDGET_SMALL, SEED)] - 1, y_train[draw_labelled(BUDGET_SMALL, SEED)])}
for n in BUDGETS:
    panels[f"cGAN trained on {n} digits"] = mosaic(*pools[(n, SEED)])
if LEAKY_REFERENCE:
    panels["LEAKY cGAN, all 60,000 labels"] = mosaic(*leaky_pool)
fig, axes = plt.subplots(1, len(panels), figsize=(3.2 * len(panels), 3.6))
for ax, (title, picture) in zip(axes, panels.items(), strict=True):
    ax.imshow(picture, cmap="gray", vmin=-1, vmax=1)
    ax.set_title(title, fontsize=9)
    ax.axis("off")
fig.suptitle("Row c: digits labelled c")
utils.save_figure(fig, "26_samples")

# %% [markdown]
# Then two numbers per pool. **Label accuracy** is the share of synthetic digits that the course classifier
# (trained on all of MNIST, 99% accurate on real test digits) reads as the label they were generated for; one
# minus it estimates the label noise the pool injects. **Nearest-neighbour distance**: the median pixel
# distance from a synthetic digit to the closest of the $n$ training digits, beside the median distance from a
# real *test* digit to the closest of them. A pool much closer to the training digits than fresh real digits
# are is copying; a pool as far as fresh digits adds new shapes (right or wrong ones).

# %%
real_label_accuracy = evaluation.classifier_test_accuracy()
print(f"course classifier on real test digits: {real_label_accuracy:.3f}")
for n in BUDGETS:
    la = np.array([d["label_accuracy"] for d in diagnostics[n]])
    near = np.array([d["synth_to_train"] for d in diagnostics[n]])
    fresh = np.array([d["test_to_train"] for d in diagnostics[n]])
    d_real = np.array([d["d_real"] for d in diagnostics[n]])
    d_fake = np.array([d["d_fake"] for d in diagnostics[n]])
    print(f"n = {n:5d}: cGAN label accuracy {la.mean():.3f} ± {la.std(ddof=1):.3f}; median distance to the nearest "
          f"training digit: synthetic {near.mean():.2f}, real test digits {fresh.mean():.2f}; "
          f"last D(real) {d_real.mean():.2f}, D(fake) {d_fake.mean():.2f}")
    results.record(f"aug_n{n}_cgan_label_acc_mean", la.mean(), unit="fraction",
                   description=f"label accuracy (course classifier) of the samples of cGANs trained on {n} labelled "
                               f"digits, mean over {N_SEEDS} seeds")
if LEAKY_REFERENCE:
    results.record("aug_leaky_cgan_label_acc", leaky_label_accuracy, unit="fraction",
                   description="label accuracy (course classifier) of the samples of the leaky reference cGAN "
                               "trained on all 60,000 labelled digits")
    print(f"leaky cGAN (all labels): label accuracy {leaky_label_accuracy:.3f}")

# %%
fig, ax = plt.subplots(figsize=(6, 4))
for n, marker in zip(BUDGETS, "os", strict=True):
    la = [d["label_accuracy"] for d in diagnostics[n]]
    gain = np.array(accuracy[n]["gan_1to1"]) - np.array(accuracy[n]["real"])
    ax.plot(la, 100 * gain, marker, ms=8, ls="none", label=f"{n} labels, own cGAN")
    if LEAKY_REFERENCE:
        leaky_gain = np.array(accuracy[n]["leaky_1to1"]) - np.array(accuracy[n]["real"])
        ax.plot(np.full(N_SEEDS, leaky_label_accuracy), 100 * leaky_gain, marker, ms=8, ls="none", mfc="none",
                label=f"{n} labels, LEAKY cGAN")
ax.axhline(0, color="black", lw=1)
ax.set(xlabel="label accuracy of the synthetic pool", ylabel="paired gain (points)",
       title=f"Gain from {SYNTH_FRACTION:.0%} synthetic batches vs. sample quality")
ax.legend(fontsize=8)
utils.save_figure(fig, "26_gain_vs_label_accuracy")

# %% [markdown]
# **Why.** The projection cGANs have learned the label, but only partly. The course classifier (99.2% on real
# test digits) agrees with the requested label for 72.5 ± 1.1% of the 100-label cGANs' samples, 61.2 ± 2.5% of
# the 1,000-label cGANs' and 63.8% of the leaky cGAN's: far above the 10% of chance (the first, input-channel
# version of this notebook reached only 12–14%), but 27–39% of the synthetic digits still show another digit.
# With half of each batch synthetic, that is about 14–19% label noise in every batch, and the table says it
# costs more than the new shapes bring; the more synthetic data, the larger the loss. At the end of training the
# discriminator still wins (mean $D$ about 0.7 on real and 0.35 on generated pairs). The nearest-neighbour
# distances rule out copying: the samples are as far from the training digits as fresh test digits are with 100
# labels (median Euclidean distance on $[0,1]$ pixels 6.97 vs 6.93) and farther with 1,000 (6.91 vs 5.77). That
# the 100-label cGANs score a higher label accuracy than the 1,000-label ones is plausible for a fixed number of
# updates: 1,000 updates are 640 passes over 100 digits but 64 over 1,000. Exercise 1's solution adds one more
# number: a classifier trained on the synthetic pool alone reaches 71.6% test accuracy (real-only: 85.2%; with the
# input-channel cGAN of the first version: 34.5%), so the samples now carry much class information, but less than
# the 100 real digits they came from.
#
# What this run does not show: whether a cGAN that draws the requested digit nearly always (notebook 22's
# width-64 model aims at 95% label accuracy) would help. Published evidence is mixed: classifiers trained on
# samples of strong conditional GANs score well below those trained on the same number of real images (Shmelkov
# et al., 2018; Ravuri and Vinyals, 2019), while DAGAN (Antoniou et al., 2017) reports gains in few-shot settings
# with a generator designed for augmentation. Testing it here needs longer, wider cGAN training than this
# notebook's CPU budget (exercise 4). The scatter plot above puts every run in one picture: the honest pools sit
# at label accuracies of 0.59–0.74 and all their gains are below zero; only the leaky pool, with 100 labels, is
# above.
#
# ## Summary
#
# - Honest GAN augmentation trains the generator on the same labelled digits the classifier gets; a cGAN
#   trained on all 60,000 labels leaks labels and is only a reference.
# - Same network, same initial weights, same number of updates; only the source of the examples differs. Gains
#   are paired within a seed and reported as mean ± standard deviation over three seeds.
# - The cGANs use a projection discriminator (Miyato and Koyama, 2018), which notebook 22 shows learns the label
#   much sooner than label input channels; at width 32 and 1,000 updates their samples show the requested digit
#   61–73% of the time (chance 10%) and are not copies of the training digits.
# - Even so, honest GAN samples **lowered** test accuracy in every seed: −2.7 ± 1.1 points (100 labels) and
#   −2.6 ± 0.2 (1,000 labels) with half of each batch synthetic, −3.8 ± 0.6 and −5.4 ± 0.6 with three quarters.
#   The 27–39% of samples with a wrong label act as label noise.
# - The leaky cGAN (all 60,000 labels) helped only with 100 labels (+2.6 ± 0.6 points), a gain that belongs to
#   its extra labels; with 1,000 labels it hurt (−2.6 ± 0.4).
# - Random shifts, the classic augmentation, helped clearly and most: +6.7 ± 1.3 points with 100 labels,
#   +1.3 ± 0.2 with 1,000. Whether a well-trained cGAN helps is not settled by this run; it would first have to
#   draw the requested digit nearly always.
#
# ## Exercises

# %% [markdown]
# **Exercise 1.** Train the classifier on synthetic digits *only* (`fraction=1.0`) from the seed-`SEED` pool of
# the small budget, and compare its test accuracy with the real-only classifier of the same seed. Shmelkov et al.
# (2018) call this score "GAN-train": it says how much of the class information the samples carry on their own.

# %% tags=["solution"]
x_small, y_small = x_train01[draw_labelled(BUDGET_SMALL, SEED)], y_train[draw_labelled(BUDGET_SMALL, SEED)]
synth_small = ((pools[(BUDGET_SMALL, SEED)][0] + 1.0) / 2.0, pools[(BUDGET_SMALL, SEED)][1])
synthetic_only = train_classifier(x_small, y_small, SEED, synth=synth_small, fraction=1.0)
print(f"{BUDGET_SMALL} labels, seed {SEED}: synthetic only {synthetic_only:.3f}, "
      f"real only {accuracy[BUDGET_SMALL]['real'][0]:.3f}")

# %% [markdown]
# **Exercise 2.** A tempting fix is to keep only the synthetic digits that the course classifier reads as their
# label. Explain why that breaks the protocol of section 1 (which labels did that classifier see?). Then do the
# honest version: filter the pool with the *real-only* classifier trained on the same $n$ digits, and retrain.
#
# **Exercise 3.** Combine the two augmentations: random shifts on both real and synthetic digits. Is the gain of
# the combination larger than that of shifts alone, with the seeds' spread taken into account?
#
# **Exercise 4.** The cGANs here are small (width 32) and short (1,000 updates) to fit the CPU budget. Train the
# 1,000-label cGAN at width 64 for 3,000 updates for one seed. How do its label accuracy and its paired gain
# change? Does the small-budget cGAN improve the same way, or does it just memorise its 100 digits sooner? Then
# switch back to `conditioning="input"` at this notebook's width and length: what happens to label accuracy and
# to the gain?
#
# **Exercise 5.** With three seeds, how large must a true gain be for the "mean above twice the standard deviation"
# rule of section 4 to detect it reliably? Simulate: draw paired differences from a normal with the observed
# spread and a chosen mean, and count how often the rule fires.

# %% [markdown]
# ## References
#
# - Mirza, M., Osindero, S. (2014). Conditional generative adversarial nets. *arXiv preprint arXiv:1411.1784*.
# - Miyato, T., Koyama, M. (2018). cGANs with projection discriminator. *International Conference on Learning
#   Representations (ICLR 2018)*.
# - Goodfellow, I., Pouget-Abadie, J., Mirza, M., Xu, B., Warde-Farley, D., Ozair, S., Courville, A., Bengio, Y.
#   (2014). Generative adversarial nets. *Advances in Neural Information Processing Systems 27 (NIPS 2014)*.
# - Radford, A., Metz, L., Chintala, S. (2016). Unsupervised representation learning with deep convolutional
#   generative adversarial networks. *International Conference on Learning Representations (ICLR 2016)*.
# - Simard, P. Y., Steinkraus, D., Platt, J. C. (2003). Best practices for convolutional neural networks applied
#   to visual document analysis. *Proceedings of the 7th International Conference on Document Analysis and
#   Recognition (ICDAR 2003)*.
# - Antoniou, A., Storkey, A., Edwards, H. (2017). Data augmentation generative adversarial networks.
#   *arXiv preprint arXiv:1711.04340*.
# - Shmelkov, K., Schmid, C., Alahari, K. (2018). How good is my GAN? *European Conference on Computer Vision
#   (ECCV 2018)*.
# - Ravuri, S., Vinyals, O. (2019). Classification accuracy score for conditional generative models. *Advances in
#   Neural Information Processing Systems 32 (NeurIPS 2019)*.
