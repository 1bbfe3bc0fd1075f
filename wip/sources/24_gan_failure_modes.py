# %% [markdown]
# # 24 · GAN failure modes: mode collapse and vanishing gradients
#
# The article's §6.2 says only that GAN samples are "unstable" and that better models and architectures help.
# This notebook makes the two classic failures concrete and measures them. On a ring of eight tight Gaussians we
# train a plain GAN and a GAN with a *packed* discriminator (PacGAN, which judges two samples at once) for ten
# thousand generator updates each, over several seeds, and score every generator with the literature's two
# numbers: how many modes it covers and what share of its samples is of high quality. On MNIST, real training
# runs with the saturating generator loss $\log(1-D(G(z)))$ and the non-saturating $-\log D(G(z))$ are compared
# step by step through the generator's gradient norm, to watch the first one vanish.
#
# ## Learning objectives
# - Build the 8-Gaussian ring benchmark and score a generator by *% high-quality samples* (within $3\sigma$ of
#   the nearest mode) and *modes covered*, with one exact rule, checked on real samples against $1-e^{-9/2}$.
# - See mode collapse and mode hopping in scatter plots over training, and compare a vanilla GAN with a fix
#   (PacGAN) over several seeds (mean ± std).
# - Measure, on real MNIST runs, the generator's gradient norm and $D(G(z))$ under the saturating and the
#   non-saturating loss, and explain the difference with $\partial \mathcal L_G/\partial a$.
# - Name the usual fixes (non-saturating loss, packing, Wasserstein loss with gradient penalty, unrolling,
#   minibatch features) and what each one targets.
#
# ## Prerequisites
# [03_gan_theory](03_gan_theory.ipynb) (the minimax game, the saturating loss in theory) and
# [20_vanilla_gan](20_vanilla_gan.ipynb) (the `GAN` training model with its `train_step`, reused here as
# `utils.GAN`). [23_wgan_gp](23_wgan_gp.ipynb) (the Wasserstein critic) is only needed for Exercise 2.
#
# ## Run time
# Default parameters, 2-core CPU: 4.5 CPU-minutes (267 CPU-seconds, user + system, measured with
# `/usr/bin/time`; the six ring runs of 10 000 generator updates cost 30–34 CPU-seconds each, the ten MNIST runs
# about 6 each). On an idle 2-core machine that is about 3–4 min of wall time; our measured run took 17.7 min
# because about fifteen other processes shared the two cores.
# `FAST = True`: 30 CPU-seconds (4.5 min of wall time under the same load). GPU: not measured; the models are
# tiny and launch-bound, so expect little speed-up.

# %% [markdown]
# ## Setup
#
# `import utils` comes first: it starts TensorFlow quietly and sets the figure style.

# %%
import resource

import utils  # first: it starts TensorFlow quietly
import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from keras import ops

# %% tags=["parameters"]
FAST = False  # True: fewer steps and seeds, for the test suite
SEED = 0  # first seed; the runs use SEED, SEED + 1, ...
N_SEEDS = 3  # independent ring runs per method
RING_MODES = 8  # Gaussians on the ring
RING_RADIUS = 2.0  # radius of the ring (Metz et al. 2017)
RING_STD = 0.02  # standard deviation of each Gaussian (Metz et al. 2017)
RING_TRAIN = 100000  # training points drawn from the ring
LATENT_DIM = 64  # size of z for the ring generators
HIDDEN_UNITS = 128  # width of the two hidden layers of G and of D
RING_BATCH = 256  # m: samples per discriminator and per generator update
RING_STEPS = 10000  # generator updates per ring run
SNAPSHOT_EVERY = 1000  # generator updates between snapshots of fixed-noise samples
G_LR = 0.001  # Adam learning rate of the generator (Metz et al.'s released ring demo)
D_LR = 0.0001  # Adam learning rate of the discriminator (idem)
PACK = 2  # PacGAN: samples the packed discriminator judges together (Lin et al. 2018)
STEPS_PER_EXECUTION = 50  # training steps per compiled call (fewer returns to Python: speed)
EVAL_SAMPLES = 2500  # samples scored per generator (Srivastava et al. 2017)
COVER_SHARE = 0.01  # a mode is covered if at least this share of all samples are high-quality hits on it
N_SEEDS_MNIST = 5  # MNIST runs per generator loss
MNIST_SUBSET = 10000  # MNIST training images for the vanishing-gradient runs
MNIST_BATCH = 64  # batch size of the MNIST runs
MNIST_STEPS = 600  # training steps per MNIST run
MNIST_LR = 0.0002  # Adam learning rate of both players on MNIST
D_LR_FACTOR = 3.0  # MNIST: the discriminator's learning rate is this multiple of MNIST_LR (a strong D)
EARLY_STEP = 100  # MNIST: the table also reports the probe at this step
PROBE_EVERY = 5  # measure the generator's gradient every this many steps
PROBE_BATCH = 512  # fixed noise vectors used for the measurement
LATE_STEPS = 200  # window at the end of each MNIST run summarised in the table

# %%
utils.check_param("FAST", FAST, kind=bool)
utils.check_param("SEED", SEED, kind=int, low=0, high=2**31)
utils.check_param("N_SEEDS", N_SEEDS, kind=int, low=1, high=20)
utils.check_param("RING_MODES", RING_MODES, kind=int, low=2, high=64)
utils.check_param("RING_RADIUS", RING_RADIUS, kind=float, low=0.1, high=100.0)
utils.check_param("RING_STD", RING_STD, kind=float, low=1e-4, high=10.0)
utils.check_param("RING_TRAIN", RING_TRAIN, kind=int, low=1000, high=10**7)
utils.check_param("LATENT_DIM", LATENT_DIM, kind=int, low=1, high=1024)
utils.check_param("HIDDEN_UNITS", HIDDEN_UNITS, kind=int, low=2, high=4096)
utils.check_param("RING_BATCH", RING_BATCH, kind=int, low=2, high=65536)
utils.check_param("RING_STEPS", RING_STEPS, kind=int, low=10, high=10**6)
utils.check_param("SNAPSHOT_EVERY", SNAPSHOT_EVERY, kind=int, low=1, high=10**6)
utils.check_param("G_LR", G_LR, kind=float, low=1e-6, high=1.0)
utils.check_param("D_LR", D_LR, kind=float, low=1e-6, high=1.0)
utils.check_param("PACK", PACK, kind=int, low=2, high=16)
utils.check_param("STEPS_PER_EXECUTION", STEPS_PER_EXECUTION, kind=int, low=1, high=10**4)
utils.check_param("EVAL_SAMPLES", EVAL_SAMPLES, kind=int, low=100, high=10**6)
utils.check_param("COVER_SHARE", COVER_SHARE, kind=float, low=1e-4, high=1.0 / RING_MODES)
utils.check_param("N_SEEDS_MNIST", N_SEEDS_MNIST, kind=int, low=1, high=20)
utils.check_param("MNIST_SUBSET", MNIST_SUBSET, kind=int, low=100, high=60000)
utils.check_param("MNIST_BATCH", MNIST_BATCH, kind=int, low=2, high=4096)
utils.check_param("MNIST_STEPS", MNIST_STEPS, kind=int, low=10, high=10**6)
utils.check_param("MNIST_LR", MNIST_LR, kind=float, low=1e-6, high=1.0)
utils.check_param("D_LR_FACTOR", D_LR_FACTOR, kind=float, low=0.1, high=100.0)
utils.check_param("EARLY_STEP", EARLY_STEP, kind=int, low=1, high=10**6)
utils.check_param("PROBE_EVERY", PROBE_EVERY, kind=int, low=1, high=10**4)
utils.check_param("PROBE_BATCH", PROBE_BATCH, kind=int, low=2, high=65536)
utils.check_param("LATE_STEPS", LATE_STEPS, kind=int, low=1, high=10**6)
if SNAPSHOT_EVERY > RING_STEPS or RING_STEPS % SNAPSHOT_EVERY:
    raise ValueError(f"RING_STEPS ({RING_STEPS}) must be a multiple of SNAPSHOT_EVERY ({SNAPSHOT_EVERY})")
if RING_BATCH % PACK:
    raise ValueError(f"RING_BATCH ({RING_BATCH}) must be a multiple of PACK ({PACK})")
if EARLY_STEP >= MNIST_STEPS:
    raise ValueError(f"EARLY_STEP ({EARLY_STEP}) must be smaller than MNIST_STEPS ({MNIST_STEPS})")
if FAST:
    N_SEEDS, N_SEEDS_MNIST = min(N_SEEDS, 2), min(N_SEEDS_MNIST, 2)
    RING_STEPS, SNAPSHOT_EVERY = min(RING_STEPS, 300), min(SNAPSHOT_EVERY, 100)
    RING_TRAIN = min(RING_TRAIN, 20000)
    MNIST_SUBSET, MNIST_STEPS = min(MNIST_SUBSET, 2000), min(MNIST_STEPS, 60)
    EARLY_STEP = min(EARLY_STEP, 20)
LATE_STEPS = min(LATE_STEPS, (MNIST_STEPS - EARLY_STEP) // 2)
SEEDS = [SEED + i for i in range(N_SEEDS)]
MNIST_SEEDS = [SEED + i for i in range(N_SEEDS_MNIST)]
utils.set_seed(SEED)
params = {"FAST": FAST, "SEED": SEED, "N_SEEDS": N_SEEDS, "RING_MODES": RING_MODES, "RING_RADIUS": RING_RADIUS,
          "RING_STD": RING_STD, "RING_TRAIN": RING_TRAIN, "LATENT_DIM": LATENT_DIM, "HIDDEN_UNITS": HIDDEN_UNITS,
          "RING_BATCH": RING_BATCH, "RING_STEPS": RING_STEPS, "SNAPSHOT_EVERY": SNAPSHOT_EVERY, "G_LR": G_LR,
          "D_LR": D_LR, "PACK": PACK, "STEPS_PER_EXECUTION": STEPS_PER_EXECUTION, "EVAL_SAMPLES": EVAL_SAMPLES,
          "COVER_SHARE": COVER_SHARE, "N_SEEDS_MNIST": N_SEEDS_MNIST, "MNIST_SUBSET": MNIST_SUBSET,
          "MNIST_BATCH": MNIST_BATCH, "MNIST_STEPS": MNIST_STEPS, "MNIST_LR": MNIST_LR, "D_LR_FACTOR": D_LR_FACTOR,
          "EARLY_STEP": EARLY_STEP, "PROBE_EVERY": PROBE_EVERY, "PROBE_BATCH": PROBE_BATCH,
          "LATE_STEPS": LATE_STEPS}
results = utils.Results("24_gan_failure_modes", params)


def cpu_seconds():
    """CPU time (user + system) used by this process so far; on a shared machine a fairer clock than wall time."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime

# %% [markdown]
# ## 1. Two ways a GAN fails
#
# The article (§6.2) lists "unstable sample quality" as a challenge and "more stable models, better
# architectures" as the answer. Two concrete failures lie behind that sentence:
#
# - **Mode collapse.** The generator maps most of its noise to a few points that the current discriminator
#   accepts, instead of covering the whole data distribution. The discriminator then learns to reject those
#   points, the generator jumps to other ones, and training can *cycle* between modes instead of converging
#   (Goodfellow 2016, §5.1.1; Metz et al. 2017). Nothing in one generator step rewards diversity: the
#   generator's loss is an average of per-sample terms, and the discriminator judges one sample at a time.
# - **Vanishing gradients.** With the minimax loss $\log(1-D(G(z)))$ the generator's gradient is proportional to
#   $D(G(z))$ (notebook 03, section 3). A discriminator that confidently rejects fakes therefore silences the
#   generator exactly when it is worst.
#
# Section 2 builds a benchmark where mode collapse can be counted, sections 3–4 measure it for a vanilla GAN
# and for a GAN with a packed discriminator, and section 5 measures vanishing gradients on MNIST.
#
# ## 2. A benchmark where modes can be counted
#
# ### 2.1 The ring of Gaussians
#
# Metz et al. (2017) introduced the standard toy: a uniform mixture of $K=8$ isotropic Gaussians with standard
# deviation $\sigma = 0.02$ whose means lie on a circle of radius $2$,
#
# $$p_\mathrm{data}(x) = \frac1K\sum_{k=0}^{K-1}\mathcal N\big(x;\ \mu_k, \sigma^2 I_2\big), \qquad
#   \mu_k = 2\,\big(\cos\tfrac{2\pi k}{K},\ \sin\tfrac{2\pi k}{K}\big).$$
#
# The modes are far apart ($2\cdot 2\sin(\pi/8) \approx 1.53$ between neighbours, $\approx 77\sigma$), so a
# generator that produces points between modes is visibly wrong, and each sample can be attributed to a mode.

# %% tags=["nbval-check-output"]
MODES = RING_RADIUS * np.stack([np.cos(2 * np.pi * np.arange(RING_MODES) / RING_MODES),
                                np.sin(2 * np.pi * np.arange(RING_MODES) / RING_MODES)], axis=1)


def sample_ring(n, rng):
    """n points from the ring: a uniformly chosen mode plus isotropic Gaussian noise of std RING_STD."""
    k = rng.integers(0, RING_MODES, size=n)
    return (MODES[k] + RING_STD * rng.standard_normal((n, 2))).astype("float32")


print("mode centres:\n", np.round(MODES, 3))
print(f"distance between neighbouring modes: {np.linalg.norm(MODES[1] - MODES[0]):.3f} "
      f"= {np.linalg.norm(MODES[1] - MODES[0]) / RING_STD:.0f} sigma")

# %% [markdown]
# ### 2.2 Two scores: high-quality samples and modes covered
#
# We use the two numbers of Srivastava et al. (2017, VEEGAN), also used by Lin et al. (2018, PacGAN), on
# $n = 2500$ generated samples:
#
# - a sample $x$ is **high quality** if it lies within $3\sigma$ of its nearest mode centre,
#   $\min_k \lVert x-\mu_k\rVert \le 3\sigma$; we report the percentage of high-quality samples;
# - let $n_k$ be the number of high-quality samples whose nearest mode is $k$. Mode $k$ is **covered** if
#   $n_k \ge 0.01\,n$ (25 of 2500 samples; a perfect generator puts about $n/K \approx 312$ there).
#
# Papers differ in the threshold on $n_k$ (some count a mode as soon as one sample lands in it); a single sample
# can be a generator sweeping past a mode on its way elsewhere, so we demand 1% of the samples. This is the
# only coverage rule used below (Exercise 1 shows how the lenient one-sample rule flatters a bad generator).
#
# A sanity check with real samples: in two dimensions $\lVert x-\mu\rVert^2/\sigma^2$ follows a $\chi^2_2$
# distribution, so the probability of lying within $3\sigma$ is $1-e^{-9/2} \approx 98.89\%$. A perfect
# generator scores 8 modes and about 98.9% high quality, not 100%.

# %% tags=["nbval-check-output"]
def ring_scores(x):
    """% high-quality samples, high-quality hits per mode, and modes covered for 2-D samples x."""
    x = utils.check_array("x", x, shape=(None, 2), dtype_kind="f", min_len=1)
    dist = np.linalg.norm(x[:, None, :] - MODES[None, :, :], axis=-1)  # (n, K)
    high_quality = dist.min(axis=1) <= 3 * RING_STD
    counts = np.bincount(dist.argmin(axis=1)[high_quality], minlength=RING_MODES)  # n_k
    return {"hq_pct": 100.0 * float(high_quality.mean()), "counts": counts,
            "modes": int(np.sum(counts >= COVER_SHARE * len(x)))}


real_scores = ring_scores(sample_ring(EVAL_SAMPLES, np.random.default_rng(2024)))
print(f"{EVAL_SAMPLES} real samples: {real_scores['modes']} modes covered, {real_scores['hq_pct']:.2f}% high "
      f"quality (theory: {100 * (1 - np.exp(-4.5)):.2f}%)")
print("high-quality hits per mode n_k:", real_scores["counts"], f"(covered if >= {COVER_SHARE * EVAL_SAMPLES:g})")
one_mode = ring_scores(np.repeat(MODES[:1], EVAL_SAMPLES, axis=0).astype("float32"))
print(f"a generator that outputs mode 0 exactly: {one_mode['modes']} mode, {one_mode['hq_pct']:.1f}% high quality")

# %% [markdown]
# The last line is why both numbers are needed: a fully collapsed generator scores a perfect 100% on quality.
# Quality without coverage, or coverage without quality (a blurry ring), are both failures.
#
# ### 2.3 The players
#
# Both networks are small MLPs in the spirit of Metz et al. (2017): the generator maps $z \sim \mathcal N(0,
# I_{64})$ through two ReLU layers of 128 units to a **linear** 2-D output (the data are not bounded, so no
# tanh); the discriminator first scales its input by $1/2$ so that it sees values of order one, then has two
# ReLU layers of 128 units and one logit.
#
# **The fix: packing.** Lin et al. (2018, PacGAN) keep everything and change only what the discriminator looks
# at: it judges $p$ samples *jointly*, all real or all generated, concatenated into one input of size $2p$. A
# single collapsed sample may look real, but two samples from a collapsed generator are suspiciously close to
# each other, while two real samples usually come from different modes. The packed discriminator can therefore
# see diversity, which a one-sample discriminator cannot. Here $p = 2$ (PacGAN2). Because `utils.GAN` calls the
# discriminator on a batch of real images and, separately, on a batch of generated ones, packing is one layer
# at the discriminator's input that reshapes a batch of $m$ points in $\mathbb R^2$ into $m/p$ points in
# $\mathbb R^{2p}$; the losses stay the ones of notebook 20, averaged over the $m/p$ packs.

# %% tags=["nbval-check-output"]
class PackSamples(keras.layers.Layer):
    """Reshape a batch (m, d) into (m / pack, pack * d): consecutive samples become one discriminator input."""

    def __init__(self, pack, **kwargs):
        super().__init__(**kwargs)
        self.pack = pack

    def call(self, x):
        return ops.reshape(x, (-1, self.pack * x.shape[-1]))

    def compute_output_shape(self, input_shape):
        m = None if input_shape[0] is None else input_shape[0] // self.pack
        return (m, self.pack * input_shape[-1])


def make_generator():
    """G: R^LATENT_DIM -> R^2, two ReLU hidden layers, linear output."""
    return keras.Sequential([
        keras.Input((LATENT_DIM,)),
        keras.layers.Dense(HIDDEN_UNITS, activation="relu"),
        keras.layers.Dense(HIDDEN_UNITS, activation="relu"),
        keras.layers.Dense(2),
    ], name="generator")


def make_discriminator(pack=1):
    """D: R^2 -> one logit; with pack > 1 it judges `pack` consecutive samples together (PacGAN)."""
    return keras.Sequential([keras.Input((2,))] + ([PackSamples(pack)] if pack > 1 else []) + [
        keras.layers.Rescaling(0.5),  # fixed: the ring has radius 2, the first layer sees values of order 1
        keras.layers.Dense(HIDDEN_UNITS, activation="relu"),
        keras.layers.Dense(HIDDEN_UNITS, activation="relu"),
        keras.layers.Dense(1),
    ], name="discriminator")


demo = np.arange(8, dtype="float32").reshape(4, 2)
print("4 samples in R^2 ->", PackSamples(PACK)(demo).numpy().tolist())
print(f"G: {make_generator().count_params()} parameters, D: {make_discriminator().count_params()}, "
      f"packed D: {make_discriminator(PACK).count_params()} (only the first layer is wider)")

# %% [markdown]
# ## 3. Training both methods over several seeds
#
# Both methods are `utils.GAN` (notebook 20) with the non-saturating generator loss $-\log D(G(z))$, one
# discriminator update and one generator update per step, on batches of $m=256$ drawn from the same 100 000
# ring points; only the discriminator differs. The optimiser settings are those of the ring demo Metz et al.
# released with their paper: Adam with $\beta_1 = 0.5$, learning rate $10^{-3}$ for the generator and
# $10^{-4}$ for the discriminator. Each run takes `RING_STEPS` = 10 000 generator updates. These 2-D networks are
# cheap; `steps_per_execution` runs 50 training steps per compiled call, which cuts Keras's per-step
# overhead (the training step itself is unchanged). Every `SNAPSHOT_EVERY` updates, `utils.SampleSnapshots` stores the
# generator's output for the same 2500 noise vectors, which we score.

# %%
ring_train = sample_ring(RING_TRAIN, np.random.default_rng(SEED))
eval_z = np.random.default_rng(SEED + 10_000).standard_normal((EVAL_SAMPLES, LATENT_DIM)).astype("float32")
METHODS = {"vanilla": "vanilla GAN", "pacgan": f"PacGAN{PACK}"}


def train_ring(method, seed):
    """Train one model on the ring; return its snapshots [(generator step, samples)] and its CPU seconds."""
    utils.set_seed(seed)  # same seed, same initial generator and noise for both methods
    model = utils.GAN(make_generator(), make_discriminator(PACK if method == "pacgan" else 1), LATENT_DIM,
                      seed=seed)
    model.compile(d_optimizer=keras.optimizers.Adam(D_LR, beta_1=0.5),
                  g_optimizer=keras.optimizers.Adam(G_LR, beta_1=0.5),
                  steps_per_execution=min(STEPS_PER_EXECUTION, SNAPSHOT_EVERY))
    data = utils.make_dataset(ring_train, batch_size=RING_BATCH, seed=seed, drop_remainder=True).repeat()
    snapshots = utils.SampleSnapshots(eval_z)
    start = cpu_seconds()
    model.fit(data, epochs=RING_STEPS // SNAPSHOT_EVERY, steps_per_epoch=SNAPSHOT_EVERY, verbose=0,
              callbacks=[snapshots])
    return [(epoch * SNAPSHOT_EVERY, x) for epoch, x in snapshots.snapshots], cpu_seconds() - start


runs = {method: {} for method in METHODS}
for method in METHODS:
    for seed in SEEDS:
        runs[method][seed] = train_ring(method, seed)
        final = ring_scores(runs[method][seed][0][-1][1])
        print(f"{METHODS[method]:11s} seed {seed}: {final['modes']} modes covered, {final['hq_pct']:5.1f}% high "
              f"quality, n_k = {final['counts']}, {runs[method][seed][1]:5.1f} CPU-s")

# %% [markdown]
# ### 3.1 The table
#
# Scores of the final generators (after `RING_STEPS` updates), mean ± standard deviation over the seeds.

# %%
final_scores = {method: [ring_scores(runs[method][seed][0][-1][1]) for seed in SEEDS] for method in METHODS}
summary_ring = {}
print(f"{'method':12s} {'modes covered (of 8)':>21s} {'% high quality':>16s} {'CPU-s per run':>14s}")
for method, label in METHODS.items():
    modes = np.array([s["modes"] for s in final_scores[method]], dtype=float)
    hq = np.array([s["hq_pct"] for s in final_scores[method]])
    cpu = np.array([runs[method][seed][1] for seed in SEEDS])
    summary_ring[method] = modes, hq
    print(f"{label:12s} {modes.mean():12.2f} ± {modes.std():4.2f} {hq.mean():9.1f} ± {hq.std():4.1f} "
          f"{cpu.mean():12.1f}")
    where = f"on the 8-Gaussian ring after {RING_STEPS} generator updates"
    results.record(f"ring_{method}_modes_mean", modes.mean(), unit="modes",
                   description=f"{label} {where}: modes covered (>= {COVER_SHARE:.0%} of {EVAL_SAMPLES} samples "
                               f"within 3 sigma of the mode), mean over {N_SEEDS} seeds")
    results.record(f"ring_{method}_modes_std", modes.std(), unit="modes",
                   description=f"{label} {where}: std over seeds of the modes covered")
    results.record(f"ring_{method}_hq_pct_mean", hq.mean(), unit="%",
                   description=f"{label} {where}: % of samples within 3 sigma of the nearest mode, mean over "
                               f"{N_SEEDS} seeds")
    results.record(f"ring_{method}_hq_pct_std", hq.std(), unit="%",
                   description=f"{label} {where}: std over seeds of the % high-quality samples")
    results.record(f"ring_{method}_train_cpu_seconds", cpu.mean(), unit="CPU-s",
                   description=f"{label} on the ring: mean CPU time (user + system) per run of {RING_STEPS} "
                               f"generator updates")
fix_all = bool(np.all(summary_ring["pacgan"][0] == RING_MODES))
print(f"\n{METHODS['pacgan']} covers all {RING_MODES} modes in every seed: {'yes' if fix_all else 'no'}; "
      f"vanilla GAN does: {'yes' if np.all(summary_ring['vanilla'][0] == RING_MODES) else 'no'}")
print(f"{METHODS['pacgan']} has more high-quality samples than the vanilla GAN in every seed: "
      f"{'yes' if np.all(summary_ring['pacgan'][1] > summary_ring['vanilla'][1]) else 'no'}")

# %% [markdown]
# ## 4. What happens during training
#
# ### 4.1 Scatter plots over training
#
# The generator's output for the same 2500 noise vectors at several points of training (first seed), with the
# mode centres as red crosses and the $3\sigma$ discs drawn to scale (they are tiny).

# %%
def plot_ring_progress(method_runs, seed, n_cols=6):
    snaps = {method: method_runs[method][seed][0] for method in METHODS}
    n_snaps = len(snaps["vanilla"])
    cols = sorted(set(np.linspace(0, n_snaps - 1, min(n_cols, n_snaps)).round().astype(int)))
    fig, axes = plt.subplots(len(METHODS), len(cols), figsize=(2.4 * len(cols), 2.6 * len(METHODS)),
                             squeeze=False)
    for r, method in enumerate(METHODS):
        for c, i in enumerate(cols):
            step, x = snaps[method][i]
            s = ring_scores(x)
            ax = axes[r, c]
            ax.scatter(x[:, 0], x[:, 1], s=2, alpha=0.3, color="tab:blue", rasterized=True)
            ax.scatter(MODES[:, 0], MODES[:, 1], marker="x", color="tab:red", s=30, linewidths=1.2)
            for mu in MODES:
                ax.add_patch(plt.Circle(mu, 3 * RING_STD, fill=False, color="tab:red", lw=0.6))
            ax.set_xlim(-3, 3)
            ax.set_ylim(-3, 3)
            ax.set_aspect("equal")
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(f"step {step}: {s['modes']} modes, {s['hq_pct']:.0f}% HQ", fontsize=8)
        axes[r, 0].set_ylabel(METHODS[method])
    fig.suptitle(f"Generated samples for fixed noise during training (seed {seed}); HQ = high quality")
    fig.tight_layout()
    return fig


fig = plot_ring_progress(runs, SEEDS[0])
utils.save_figure(fig, "24_ring_scatter_over_training")
plt.show()

# %% [markdown]
# ### 4.2 Scores over training, all seeds

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
colors = {"vanilla": "tab:orange", "pacgan": "tab:blue"}
for method, label in METHODS.items():
    curves = np.array([[[step, ring_scores(x)["modes"], ring_scores(x)["hq_pct"]]
                        for step, x in runs[method][seed][0]] for seed in SEEDS])  # (seeds, snapshots, 3)
    steps = curves[0, :, 0]
    for k, ax in zip((1, 2), axes, strict=True):
        for run in curves:
            ax.plot(steps, run[:, k], color=colors[method], lw=0.8, alpha=0.4)
        ax.plot(steps, curves[:, :, k].mean(axis=0), color=colors[method], lw=2.2, marker="o", ms=3,
                label=f"{label} (mean of {N_SEEDS})")
axes[0].set_ylabel(f"modes covered (of {RING_MODES})")
axes[0].set_ylim(-0.3, RING_MODES + 0.3)
axes[1].set_ylabel("% high-quality samples")
axes[1].set_ylim(0, 100)
for ax in axes:
    ax.set_xlabel("generator updates")
    ax.legend(fontsize=8)
fig.suptitle("Ring scores over training: thin lines are single seeds")
fig.tight_layout()
utils.save_figure(fig, "24_ring_scores_over_training")
plt.show()

# %% [markdown]
# **Reading the results.** In the vanilla GAN's row (seed 0) the samples sit in one blob for thousands of
# updates, and the blob *moves* from snapshot to snapshot (steps 1000–6000): the discriminator learns to reject
# the current location and the generator moves on, the mode collapse and mode hopping that Metz et al. (2017)
# describe. Late in the run this seed spreads along arcs of the ring, but samples on the arcs between modes are
# not high quality and some modes get fewer than 25 hits. Over the three seeds the vanilla GAN ends with
# 4.0 ± 2.9 modes covered and 16.5 ± 13.0% high-quality samples, and one seed covers no mode at all after
# 10 000 updates. The packed discriminator, the only change, spreads the samples around the whole ring by step
# 3000 and then contracts them onto the modes: all 8 modes in every seed and 80.2 ± 8.0% high-quality samples,
# still rising when the runs stop (4.2). That is short of the 98.9% of real samples: the $3\sigma$ disc has
# radius 0.06, 1.5% of the ring's radius, and a continuous generator that maps one Gaussian blob of noise onto
# eight tiny discs keeps some samples on the thin bridges between them (last column).
#
# Packing is one of several fixes that target the discriminator's blindness to diversity: minibatch
# discrimination (Salimans et al. 2016) and minibatch standard-deviation features (Karras et al. 2018) give the
# discriminator statistics of the whole batch; unrolling (Metz et al. 2017) lets the generator anticipate the
# discriminator's next updates. The Wasserstein critic with gradient penalty (Gulrajani et al. 2017, notebook
# 23) changes the loss instead; Exercise 2 puts it on this ring. Its toy setting is expensive on a CPU: five
# critic updates per generator update, each with a second backward pass for the penalty, and Gulrajani et al.
# trained their 8-Gaussian model for 100 000 generator updates with a learning rate of $10^{-4}$.
#
# ## 5. Vanishing gradients on a real run
#
# ### 5.1 What to measure
#
# With the discriminator's logit $a = a(G_\theta(z))$ and $D = \sigma(a)$, the two generator losses and their
# derivatives are (notebook 03, section 3)
#
# $$\mathcal L_G^\mathrm{sat} = \mathbb E_z\big[\log(1-\sigma(a))\big],\quad
#   \frac{\partial \mathcal L_G^\mathrm{sat}}{\partial a} = -\sigma(a) = -D; \qquad
#   \mathcal L_G^\mathrm{ns} = \mathbb E_z\big[-\log \sigma(a)\big],\quad
#   \frac{\partial \mathcal L_G^\mathrm{ns}}{\partial a} = -(1-D).$$
#
# Both reach $\theta$ through the same $\nabla_\theta a$, so if the discriminator rejects fakes ($D(G(z))\to 0$),
# the saturating gradient is about $D(G(z))$ times smaller. Goodfellow et al. (2014) point out that this is the
# situation *early in learning*, when the generator is poor and the discriminator rejects its samples
# confidently. With equal learning rates, whether a saturating run falls into that trap depends on the seed
# (Exercise 4). To make the discriminator reliably the stronger player, its Adam learning rate here is
# `D_LR_FACTOR` = 3 times the generator's ($6\cdot10^{-4}$ against $2\cdot10^{-4}$), in *both* losses' runs.
# We train the article's
# MLP GAN (`utils.mlp_generator`, `utils.mlp_discriminator`, 100 → 128 → 64 → 784) on MNIST with
# `utils.GAN(generator_loss="saturating")` and with `"non_saturating"`, five seeds each, and record during each
# run, every `PROBE_EVERY` steps and on a fixed batch of 512 noise vectors:
#
# - the mean of $D(G(z))$, and
# - the norm of the full gradient of the generator's loss, $\lVert\nabla_\theta \mathcal L_G\rVert_2$ over all
#   generator weights, for **both** losses on the same weights.
#
# The measurement is a callback that runs one extra forward/backward pass (no update) after each probed batch.

# %%
class GeneratorGradientProbe(keras.callbacks.Callback):
    """Every `every` training steps, record mean D(G(z)) and the generator's gradient norm for both losses on a
    fixed noise batch. Does not change any weight."""

    def __init__(self, z, every):
        super().__init__()
        self.z = tf.constant(z)
        self.every = every
        self.step = 0
        self.log = {"step": [], "d_fake": [], "grad_sat": [], "grad_nonsat": []}

    def on_train_begin(self, logs=None):
        gan = self.model

        @tf.function
        def probe():
            weights = gan.generator.trainable_weights
            with tf.GradientTape(persistent=True) as tape:
                logits = gan.discriminator(gan.generator(self.z, training=False), training=False)
                loss_sat = tf.reduce_mean(-tf.nn.softplus(logits))  # log(1 - sigmoid(a)), written stably
                loss_nonsat = tf.reduce_mean(tf.nn.softplus(-logits))  # -log sigmoid(a)
            norms = [tf.linalg.global_norm(tape.gradient(loss, weights)) for loss in (loss_sat, loss_nonsat)]
            return tf.reduce_mean(tf.sigmoid(logits)), norms[0], norms[1]

        self.probe = probe
        self._record()  # step 0: before any update

    def _record(self):
        d_fake, grad_sat, grad_nonsat = (float(v) for v in self.probe())
        for key, value in zip(self.log, (self.step, d_fake, grad_sat, grad_nonsat), strict=True):
            self.log[key].append(value)

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        if self.step % self.every == 0:
            self._record()


mnist_x, _ = utils.load_mnist("train", scale="[-1,1]", subset=MNIST_SUBSET, seed=SEED)
probe_z = np.random.default_rng(SEED + 20_000).standard_normal((PROBE_BATCH, 100)).astype("float32")
LOSSES = {"saturating": r"saturating $\log(1-D(G(z)))$", "non_saturating": r"non-saturating $-\log D(G(z))$"}
probes, mnist_gans = {loss: {} for loss in LOSSES}, {loss: {} for loss in LOSSES}
start = cpu_seconds()
for loss in LOSSES:
    for seed in MNIST_SEEDS:
        utils.set_seed(seed)
        gan = utils.GAN(utils.mlp_generator(), utils.mlp_discriminator(), 100, generator_loss=loss, seed=seed)
        gan.compile(d_optimizer=keras.optimizers.Adam(D_LR_FACTOR * MNIST_LR, beta_1=0.5),
                    g_optimizer=keras.optimizers.Adam(MNIST_LR, beta_1=0.5))
        data = utils.make_dataset(mnist_x, batch_size=MNIST_BATCH, seed=seed, drop_remainder=True).repeat()
        probe = GeneratorGradientProbe(probe_z, PROBE_EVERY)
        gan.fit(data, epochs=1, steps_per_epoch=MNIST_STEPS, verbose=0, callbacks=[probe])
        probes[loss][seed] = {key: np.array(values) for key, values in probe.log.items()}
        mnist_gans[loss][seed] = gan
print(f"{len(LOSSES) * N_SEEDS_MNIST} MNIST runs of {MNIST_STEPS} steps: {cpu_seconds() - start:.0f} CPU-s")

# %% [markdown]
# ### 5.2 The measurement

# %%
fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
colors = {"saturating": "tab:red", "non_saturating": "tab:green"}
for loss, label in LOSSES.items():
    for i, seed in enumerate(MNIST_SEEDS):
        log = probes[loss][seed]
        own = log["grad_sat"] if loss == "saturating" else log["grad_nonsat"]
        kw = {"color": colors[loss], "lw": 1.1, "alpha": 0.7, "label": label if i == 0 else None}
        axes[0].plot(log["step"], log["d_fake"], **kw)
        axes[1].semilogy(log["step"], own, **kw)
        axes[2].semilogy(log["step"], log["grad_sat"] / log["grad_nonsat"], **kw)
axes[0].set_ylabel(r"mean $D(G(z))$ on the probe batch")
axes[1].set_ylabel(r"$\|\nabla_\theta \mathcal{L}_G\|_2$ of the loss being trained")
axes[2].set_ylabel("saturating / non-saturating norm\n(same weights)")
for ax in axes:
    ax.set_xlabel("training step")
    ax.axvline(EARLY_STEP, color="grey", lw=0.8, ls="--")
    ax.axvspan(MNIST_STEPS - LATE_STEPS, MNIST_STEPS, color="grey", alpha=0.15, lw=0)
axes[0].legend(fontsize=8)
fig.suptitle(f"MNIST, article's MLP GAN, D learning rate {D_LR_FACTOR:g}x G's, {N_SEEDS_MNIST} seeds per loss "
             f"(dashed: step {EARLY_STEP}; grey: the late window)")
fig.tight_layout()
utils.save_figure(fig, "24_vanishing_gradients")
plt.show()

# %% [markdown]
# The right panel needs a word: at every probe we evaluate **both** gradients on the *same* weights, so the ratio
# isolates the effect of the loss from the state of the networks. By the chain rule the per-sample ratio is
# exactly $D/(1-D)$ along the same direction $\nabla_\theta a$; over a batch it is a weighted version of that.
#
# The table summarises two moments of each run: the probe at step `EARLY_STEP` = 100, and the median over the
# last `LATE_STEPS` = 200 steps. Each loss is measured in its own runs; one line per seed, so that a run that
# behaves differently is not hidden in a mean.

# %%
def late_median(log, key):
    return float(np.median(log[key][log["step"] > MNIST_STEPS - LATE_STEPS]))


def at_step(log, key, step):
    return float(log[key][np.argmin(np.abs(log["step"] - step))])


late = {loss: {} for loss in LOSSES}
print(f"{'loss':15s} {'seed':>4s} {f'D(G(z)) at step {EARLY_STEP}':>20s} {f'grad at step {EARLY_STEP}':>17s} "
      f"{'late D(G(z))':>13s} {'late grad':>10s}")
for loss in LOSSES:
    own_key = "grad_sat" if loss == "saturating" else "grad_nonsat"
    for seed in MNIST_SEEDS:
        log = probes[loss][seed]
        late[loss][seed] = late_median(log, "d_fake"), late_median(log, own_key)
        print(f"{loss:15s} {seed:4d} {at_step(log, 'd_fake', EARLY_STEP):20.4f} "
              f"{at_step(log, own_key, EARLY_STEP):17.3g} {late[loss][seed][0]:13.4f} {late[loss][seed][1]:10.3g}")

for loss in LOSSES:
    d_fake, grad = (np.array([late[loss][s][i] for s in MNIST_SEEDS]) for i in (0, 1))
    where = (f"median over the last {LATE_STEPS} of {MNIST_STEPS} steps (discriminator learning rate "
             f"{D_LR_FACTOR:g}x the generator's)")
    results.record(f"vanish_{loss}_grad_late", float(np.mean(grad)), unit="L2 norm",
                   description=f"MNIST MLP GAN trained with the {loss} generator loss: {where} of the generator's "
                               f"gradient norm, mean over {N_SEEDS_MNIST} seeds")
    results.record(f"vanish_{loss}_d_fake_late", float(np.mean(d_fake)), unit="probability",
                   description=f"MNIST MLP GAN, {loss} generator loss: {where} of mean D(G(z)), mean over seeds")
sat_grads = np.array([late["saturating"][s][1] for s in MNIST_SEEDS])
ns_grads = np.array([late["non_saturating"][s][1] for s in MNIST_SEEDS])
stuck = int(np.sum(sat_grads < ns_grads.min() / 10))
ratio = float(np.median(ns_grads) / np.median(sat_grads))
print(f"\nsaturating runs whose late gradient norm is below 1/10 of every non-saturating run's: "
      f"{stuck} of {N_SEEDS_MNIST}")
print(f"median late gradient norm, non-saturating / saturating: {ratio:.0f}x")
results.record("vanish_saturating_stuck_runs", stuck, unit="runs",
               description=f"MNIST MLP GAN: saturating-loss runs (of {N_SEEDS_MNIST}) whose late generator gradient "
                           f"norm is below 1/10 of the smallest non-saturating run's")
results.record("vanish_grad_ratio_late", ratio, unit="x",
               description="MNIST MLP GAN: median over seeds of the late generator gradient norm, non-saturating "
                           "loss divided by saturating loss (each in its own runs)")

# %% [markdown]
# And what the two generators draw at the end (first seed, same noise):

# %%
fig = utils.compare_images({loss: mnist_gans[loss][MNIST_SEEDS[0]].generator.predict(probe_z[:10], verbose=0)
                            for loss in LOSSES}, value_range=(-1, 1),
                           title=f"Samples after {MNIST_STEPS} steps (seed {MNIST_SEEDS[0]})")
utils.save_figure(fig, "24_vanishing_gradients_samples")
plt.show()

# %% [markdown]
# **Reading the results.** In all five saturating runs (red) $D(G(z))$ falls below 0.002 and the generator's
# gradient norm falls with it, from about 1 at the start to about 0.01 in the late window (middle panel): the
# weaker the generator, the less gradient it gets, a loop with no way out. The non-saturating runs (green) face
# the same strong discriminator, and their $D(G(z))$ is just as low between steps 100 and 300, but their
# gradient norm *grows* to 5–8, and in four of the five runs $D(G(z))$ climbs back. In the late window the
# median gradient norms of the two losses differ about 500-fold (printed above). The right panel shows the
# cause on identical weights: the ratio of the two gradients follows $D/(1-D)$ in every run. After 600 steps
# neither generator draws digits (the runs are short); the non-saturating one has started to learn the dark
# background, the saturating one has barely left its initial noise. Adam divides each update by a running
# estimate of the gradient's size, so a gradient that is small but clean can still move the generator; that is
# why, with equal learning rates, some saturating runs escape (Exercise 4). This is the saturation of
# notebook 03's table measured on real runs, the reason Goodfellow et al. (2014) recommend $-\log D(G(z))$ and
# every GAN in this course uses it; Arjovsky and Bottou (2017) show the same decay with a discriminator trained
# against a frozen generator.
#
# ## Summary
#
# - Scores on the 8-Gaussian ring (2500 samples): a sample is high quality if it lies within $3\sigma$ of its
#   nearest mode; a mode is covered if at least 1% of all samples are high-quality samples of it. Real data
#   score 8 modes and $1-e^{-9/2} \approx 98.9\%$; a generator that outputs one point scores 1 mode and 100%.
# - With the optimiser settings of Metz et al.'s ring demo and 10 000 generator updates, the vanilla GAN
#   collapses onto a blob that hops between modes and ends with 4.0 ± 2.9 modes covered and 16.5 ± 13.0%
#   high-quality samples (three seeds, one with no mode covered). Packing two samples into the discriminator's
#   input (PacGAN2), the only change, covers all 8 modes in every seed with 80.2 ± 8.0% high-quality samples,
#   below the 98.9% of real data and still improving when the runs stop.
# - On MNIST with a discriminator three times faster than the generator, the saturating loss
#   $\log(1-D(G(z)))$ let $D(G(z))$ and the generator's gradient collapse together in all five runs (gradient
#   norm about 0.01 at the end), while $-\log D(G(z))$ kept a gradient about 500 times larger; on the same
#   weights the two gradients differ by $D/(1-D)$.
# - The cures act on different causes: the non-saturating loss on the vanishing signal; packing, minibatch
#   features, unrolling and the Wasserstein critic on the discriminator's blindness to diversity.
#
# ## Exercises
#
# **Exercise 1 (how lenient can a coverage rule be?).** Re-score the final samples of section 3 with the lenient
# rule "a mode is covered as soon as one high-quality sample lands in it" and with a $2\sigma$ quality radius.
# Which numbers change, and for which method?

# %% tags=["solution"]
def rescore(x, n_sigma, min_hits):
    dist = np.linalg.norm(x[:, None, :] - MODES[None], axis=-1)
    hq = dist.min(axis=1) <= n_sigma * RING_STD
    counts = np.bincount(dist.argmin(axis=1)[hq], minlength=RING_MODES)
    return int(np.sum(counts >= min_hits)), 100 * hq.mean()


for method, label in METHODS.items():
    lenient = np.array([rescore(runs[method][seed][0][-1][1], 3, 1) for seed in SEEDS])
    tight = np.array([rescore(runs[method][seed][0][-1][1], 2, COVER_SHARE * EVAL_SAMPLES) for seed in SEEDS])
    print(f"{label:11s}: modes with >= 1 sample within 3 sigma {lenient[:, 0].mean():.2f}; "
          f"within 2 sigma: {tight[:, 1].mean():.1f}% of samples, {tight[:, 0].mean():.2f} modes covered")

# %% [markdown]
# **Exercise 2 (WGAN-GP on the ring).** Train `utils.WGANGP` (notebook 23) on the ring with the same generator and
# the unpacked discriminator as critic, `critic_steps=5`, Adam $(\beta_1, \beta_2) = (0.5, 0.9)$ and the
# penalty weight $\lambda = 0.1$ that Gulrajani et al.'s released toy script uses (their paper uses
# $\lambda = 10$ elsewhere). Feed batches of $5m$ points. Measure its CPU cost per 1000 generator updates
# against the GAN's, and compare the scores after the same *CPU time* rather than the same number of updates.
#
# **Exercise 3 (training length).** Plot the scores of section 4.2 for `RING_STEPS = 20000`. Does PacGAN's
# high-quality share keep rising? Does the vanilla GAN settle on a fixed set of modes?
#
# **Exercise 4 (a weaker discriminator).** Set `D_LR_FACTOR = 1.0` (papermill: `-p D_LR_FACTOR 1.0`), equal
# learning rates. Predict, then count, how many saturating runs still end with a vanishing gradient. Why does a
# run whose $D(G(z))$ recovers early stay healthy?
#
# ## References
#
# - Arjovsky, M. and Bottou, L. (2017). Towards principled methods for training generative adversarial networks.
#   *International Conference on Learning Representations (ICLR)*.
# - Goodfellow, I. (2016). NIPS 2016 tutorial: generative adversarial networks. arXiv:1701.00160.
# - Goodfellow, I., Pouget-Abadie, J., Mirza, M., Xu, B., Warde-Farley, D., Ozair, S., Courville, A. and Bengio, Y.
#   (2014). Generative adversarial nets. *Advances in Neural Information Processing Systems (NeurIPS)* 27.
# - Gulrajani, I., Ahmed, F., Arjovsky, M., Dumoulin, V. and Courville, A. (2017). Improved training of
#   Wasserstein GANs. *Advances in Neural Information Processing Systems (NeurIPS)* 30.
# - Karras, T., Aila, T., Laine, S. and Lehtinen, J. (2018). Progressive growing of GANs for improved quality,
#   stability, and variation. *International Conference on Learning Representations (ICLR)*.
# - Lin, Z., Khetan, A., Fanti, G. and Oh, S. (2018). PacGAN: the power of two samples in generative adversarial
#   networks. *Advances in Neural Information Processing Systems (NeurIPS)* 31.
# - Metz, L., Poole, B., Pfau, D. and Sohl-Dickstein, J. (2017). Unrolled generative adversarial networks.
#   *International Conference on Learning Representations (ICLR)*.
# - Salimans, T., Goodfellow, I., Zaremba, W., Cheung, V., Radford, A. and Chen, X. (2016). Improved techniques
#   for training GANs. *Advances in Neural Information Processing Systems (NeurIPS)* 29.
# - Srivastava, A., Valkov, L., Russell, C., Gutmann, M. U. and Sutton, C. (2017). VEEGAN: reducing mode collapse
#   in GANs using implicit variational learning. *Advances in Neural Information Processing Systems (NeurIPS)* 30.
