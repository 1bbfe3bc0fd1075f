# %% [markdown]
# # 25 · Evaluating generative models: what the numbers see and what they miss
#
# A generator is judged by numbers: the course prints a classifier Fréchet distance (FD), an Inception-style
# score (IS), precision and recall, and for conditional models a label accuracy. This notebook takes each one
# apart. It writes out the formula, computes it once by hand from the shipped classifier's outputs and checks the
# result against `utils.evaluation`. It then measures the floor that two *real* samples give at each sample size
# and the bias that makes that floor shrink like $1/n$. Then it feeds the metrics sets of images whose faults we
# know: noisy, blurred, one digit only, one image repeated, ten perfect images repeated, uniform noise, and
# copies of training images. Each metric misses at least one of these faults. Last, it evaluates a cheap
# generator trained here and gathers the numbers of the course's GANs (notebooks 20–23) into one table.
#
# ## Learning objectives
# - Write the Fréchet distance, the Inception-style score and k-NN precision/recall as formulas, compute each
#   by hand from classifier features and probabilities, and match `utils.evaluation`.
# - Explain why an FD is meaningless without the real-vs-real floor at the same sample size, and why that
#   floor falls like $1/n$ (the mean term exactly, predicted here before it is measured).
# - Say which fault each metric catches and which it misses: noise, blur, a missing class, collapse, low
#   diversity with perfect labels, memorisation.
# - Explain why uniform noise gets a precision near 1 in this feature space, and why the IS of class-sorted
#   samples collapses unless the splits are shuffled.
# - Read a table of models where the sample size, the floor and all four metrics stand side by side.
#
# ## Prerequisites
# [03_gan_theory](03_gan_theory.ipynb) (what a generator should match),
# [13_variational_autoencoder](13_variational_autoencoder.ipynb) (sampling a latent Gaussian),
# [20_vanilla_gan](20_vanilla_gan.ipynb) (where the metrics are first used). Notebooks 21–23 supply the
# numbers of section 9.
#
# ## Run time
# Default parameters (5,000 images per evaluated set): about 100 s of CPU time (user + system, measured with
# `tools/reproduce.py`), so roughly 1–2 minutes of wall time on a quiet 2-core CPU (estimated from the CPU
# time). The measured wall time was 11.5 min on a machine shared with other jobs (load average 15–25). Nothing is
# trained by gradient descent, so a GPU changes little. `FAST = True` (1,000 images per set): about 26 s of CPU
# time (3 min wall under the same load).

# %% [markdown]
# ## Setup
#
# `import utils` comes first: it starts TensorFlow quietly. All metrics live in `utils.evaluation`; the
# notebook recomputes them by hand with NumPy and SciPy.

# %%
import json
import re
import time

import utils  # first: it starts TensorFlow quietly
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from scipy import ndimage
from scipy.spatial.distance import cdist
from threadpoolctl import threadpool_limits

from utils import evaluation

tf.get_logger().setLevel("ERROR")  # the classifier's predict retraces for new batch sizes; harmless here
# NumPy's OpenBLAS threads spin while competing with TensorFlow's threads for the CPU: on a 2-core machine one
# BLAS thread is several times cheaper in CPU time for this notebook's matrix products and eigen-decompositions.
threadpool_limits(1)

# %% tags=["parameters"]
FAST = False  # True: 1,000 images per set and fewer sample sizes (what the test suite runs)
SEED = 0  # seeds every sample drawn here
N_EVAL = 5000  # images per evaluated set (failure cases, the PCA sampler)
FLOOR_SIZES = [500, 1000, 2000, 5000, 10000]  # sample sizes n of the real-vs-real floor
FLOOR_SEEDS = 3  # random draws per sample size
K_NEIGHBOURS = 3  # k of the k-NN precision and recall (the paper's value)
NOISE_LEVELS = [0.05, 0.1, 0.2, 0.4]  # standard deviations of Gaussian pixel noise (pixels in [0, 1])
BLUR_SIGMAS = [1.0, 2.0]  # Gaussian blur widths in pixels
SINGLE_CLASS = 1  # the digit of the single-class set
PCA_COMPONENTS = [5, 20, 80]  # latent sizes of the PCA-Gaussian sampler
MEMO_SAMPLES = 1000  # samples whose nearest training image is searched (section 8)
TRAIN_FIT = 60000  # training images for the population statistics (section 3) and the PCA fit (section 7)

# %%
utils.check_param("FAST", FAST, kind=bool)
utils.check_param("SEED", SEED, kind=int, low=0, high=2**31 - 10)
utils.check_param("N_EVAL", N_EVAL, kind=int, low=200, high=5000)
utils.check_param("FLOOR_SEEDS", FLOOR_SEEDS, kind=int, low=1, high=10)
utils.check_param("K_NEIGHBOURS", K_NEIGHBOURS, kind=int, low=1, high=50)
utils.check_param("SINGLE_CLASS", SINGLE_CLASS, kind=int, low=0, high=9)
utils.check_param("MEMO_SAMPLES", MEMO_SAMPLES, kind=int, low=10, high=10000)
utils.check_param("TRAIN_FIT", TRAIN_FIT, kind=int, low=10000, high=60000)
for name, values, kind, low, high in (("FLOOR_SIZES", FLOOR_SIZES, int, 200, 10000),
                                      ("NOISE_LEVELS", NOISE_LEVELS, float, 0.001, 2.0),
                                      ("BLUR_SIGMAS", BLUR_SIGMAS, float, 0.1, 10.0),
                                      ("PCA_COMPONENTS", PCA_COMPONENTS, int, 1, 784)):
    if not isinstance(values, list) or len(values) < 1:
        raise ValueError(f"{name} must be a non-empty list, got {values!r}")
    for value in values:
        utils.check_param(f"{name} entry", value, kind=kind, low=low, high=high)
if len(FLOOR_SIZES) < 2:
    raise ValueError("FLOOR_SIZES needs at least two sample sizes to show how the floor depends on n")
if FAST:
    N_EVAL, FLOOR_SIZES, FLOOR_SEEDS = 1000, [500, 1000, 2000], min(FLOOR_SEEDS, 2)
    NOISE_LEVELS, PCA_COMPONENTS, MEMO_SAMPLES = NOISE_LEVELS[:3], PCA_COMPONENTS[:2], min(MEMO_SAMPLES, 300)
    TRAIN_FIT = 10000
utils.set_seed(SEED)
params = {"FAST": FAST, "SEED": SEED, "N_EVAL": N_EVAL, "FLOOR_SIZES": json.dumps(FLOOR_SIZES),
          "FLOOR_SEEDS": FLOOR_SEEDS, "K_NEIGHBOURS": K_NEIGHBOURS, "NOISE_LEVELS": json.dumps(NOISE_LEVELS),
          "BLUR_SIGMAS": json.dumps(BLUR_SIGMAS), "SINGLE_CLASS": SINGLE_CLASS,
          "PCA_COMPONENTS": json.dumps(PCA_COMPONENTS), "MEMO_SAMPLES": MEMO_SAMPLES,
          "TRAIN_FIT": TRAIN_FIT}
results = utils.Results("25_evaluating_generative_models", params)
cpu_start = time.process_time()

# %% [markdown]
# ## 1. The judge: a small MNIST classifier, not Inception
#
# Every metric here looks at images through one network, the course's own MNIST classifier
# (`data/classifier/README.md`): two convolutions, a dense layer of 128 ReLU units named `features`, and a
# softmax over the ten digits. The FD and precision/recall work on the 128 features; the IS and the label
# accuracy work on the ten probabilities.
#
# **This is not FID.** The Fréchet Inception Distance of Heusel et al. (2017) uses 2,048 features of
# Inception-v3, a network trained on ImageNet photographs. Our features come from a network trained on MNIST
# digits, so they react to the things that separate digits and to little else. The formula is the same, but
# the space is different. The numbers can therefore be compared only with each other, never with an FID or an
# Inception Score published in a paper. The same goes for our "Inception-style" score.
#
# The judge's own accuracy sets a ceiling on the label-based metrics: a perfect conditional generator cannot
# beat the classifier's accuracy on real test digits.

# %% tags=["nbval-check-output"]
classifier = evaluation.load_classifier()
sidecar = json.loads(evaluation.SIDECAR_PATH.read_text())
test_accuracy = evaluation.classifier_test_accuracy()
print(f"classifier: {classifier.count_params():,} parameters, feature layer '{evaluation.FEATURE_LAYER}' "
      f"({evaluation.FEATURE_DIM} units)")
print(f"test accuracy on the 10,000 MNIST test images: {test_accuracy:.4f} (sidecar: {sidecar['test_accuracy']:.4f})")
results.record("classifier_test_accuracy", test_accuracy, unit="fraction",
               description="accuracy of the shipped evaluation classifier on the 10,000 MNIST test images")

# %% [markdown]
# We load the images once. The test images are the reference every metric compares with. The training images
# stand in for a generator that draws real digits.

# %%
x_train, y_train = utils.load_mnist("train", scale="[0,1]")
x_test, y_test = utils.load_mnist("test", scale="[0,1]")
test_features, test_probs = evaluation.features_and_probs(x_test, "[0,1]")
rng = np.random.default_rng(SEED)
print(f"test features {test_features.shape}, probabilities {test_probs.shape}; "
      f"{np.mean(test_features == 0):.0%} of the feature values are exactly 0 (ReLU)")

# %% [markdown]
# ## 2. The Fréchet distance, by hand
#
# Fit a Gaussian to each feature set: means $\mu_r, \mu_g$ and covariances $\Sigma_r, \Sigma_g$. The
# Fréchet (2-Wasserstein) distance between the two Gaussians (Dowson and Landau, 1982; used for images by
# Heusel et al., 2017) is
#
# $$\mathrm{FD} = \underbrace{\lVert \mu_r - \mu_g \rVert^2}_{\text{mean term}}
#   + \underbrace{\operatorname{Tr}\big(\Sigma_r + \Sigma_g - 2\,(\Sigma_r \Sigma_g)^{1/2}\big)}_{\text{covariance term}} .$$
#
# The matrix $\Sigma_r\Sigma_g$ is not symmetric, but its eigenvalues are those of the symmetric
# positive semi-definite matrix $\Sigma_r^{1/2}\Sigma_g\Sigma_r^{1/2}$. So
# $\operatorname{Tr}(\Sigma_r\Sigma_g)^{1/2} = \sum_i \sqrt{\lambda_i(\Sigma_r^{1/2}\Sigma_g\Sigma_r^{1/2})}$,
# which needs only symmetric eigen-decompositions. `utils` takes `scipy.linalg.sqrtm` of the product instead.
# Both give the same trace. Below are both routes on real training images against test images of the same
# size.

# %%
def psd_sqrt(s):
    """Square root of a symmetric positive semi-definite matrix (negative round-off eigenvalues set to 0)."""
    w, v = np.linalg.eigh(s)
    return (v * np.sqrt(np.clip(w, 0, None))) @ v.T


def fd_terms(f_a, f_b):
    """Mean term and covariance term of the Fréchet distance between two feature sets (rows = samples)."""
    mu_a, mu_b = f_a.mean(axis=0), f_b.mean(axis=0)
    s_a, s_b = np.cov(f_a, rowvar=False), np.cov(f_b, rowvar=False)
    root_a = psd_sqrt(s_a)
    eigenvalues = np.clip(np.linalg.eigvalsh(root_a @ s_b @ root_a), 0, None)
    cov_term = np.trace(s_a) + np.trace(s_b) - 2 * np.sqrt(eigenvalues).sum()
    return float(np.sum((mu_a - mu_b) ** 2)), float(cov_term)


def test_reference(n, seed):
    """The n test images a sample of size n is compared with: the same draw as evaluation.evaluate_images."""
    if n == len(x_test):
        return np.arange(len(x_test))
    return np.sort(np.random.default_rng(seed).choice(len(x_test), size=n, replace=False))


x_real, y_real = utils.load_mnist("train", scale="[0,1]", subset=N_EVAL, seed=SEED)  # the floor's training draw
real_features, real_probs = evaluation.features_and_probs(x_real, "[0,1]")
reference = test_reference(N_EVAL, SEED)
mean_term, cov_term = fd_terms(real_features, test_features[reference])
by_hand = mean_term + cov_term
from_utils = evaluation.frechet_distance(real_features, test_features[reference])
print(f"{N_EVAL:,} training vs {N_EVAL:,} test images: mean term {mean_term:.4f} + covariance term "
      f"{cov_term:.4f} = FD {by_hand:.4f}")
print(f"utils.evaluation.frechet_distance: {from_utils:.4f}; real_fd_floor({N_EVAL}): "
      f"{evaluation.real_fd_floor(N_EVAL, SEED):.4f}")
print(f"by hand - utils = {by_hand - from_utils:.1e}: round-off only (the traces subtracted are about "
      f"{np.trace(np.cov(real_features, rowvar=False)):.0f} each); agree to 1e-5: {abs(by_hand - from_utils) < 1e-5}")

# %% [markdown]
# These two real samples are what `evaluation.real_fd_floor` compares, so all three numbers agree. Two real
# samples of 5,000 digits are not at distance 0. That gap is the **floor**: no generator can be expected to go
# below it at this $n$, and a model's FD means something only beside it.

# %% [markdown]
# ## 3. The floor and the sample size
#
# Why is the floor above 0, and why does it depend on $n$? Take two independent samples of sizes $n$ from
# populations with means $\mu_1, \mu_2$ and covariances $\Sigma_1, \Sigma_2$. Their sample means are unbiased,
# with covariance $\Sigma/n$. Sampling without replacement from a finite set of $N$ multiplies that by
# $(N-n)/(N-1)$. So the expected mean term is
#
# $$\mathbb E\,\lVert\hat\mu_1 - \hat\mu_2\rVert^2 = \lVert\mu_1-\mu_2\rVert^2
#   + \frac{\operatorname{Tr}\Sigma_1}{n}\,\frac{N_1-n}{N_1-1} + \frac{\operatorname{Tr}\Sigma_2}{n}\,\frac{N_2-n}{N_2-1},$$
#
# which has a bias of order $1/n$. The covariance term also has a positive bias of order $1/n$: estimated
# covariances are noisy, and noise never makes the two estimates closer on average. It has no simple closed
# form, so we measure it. Here population 1 is the 60,000 training images and population 2 the 10,000 test
# images (at $n = 10{,}000$ all test images are used, so only the training side varies). We predict the mean
# term from the full sets (`TRAIN_FIT` training images), then measure both terms at several $n$ and seeds.
# The utils floor is rebuilt by hand each time as a check.

# %%
fit_rows = np.sort(rng.choice(len(x_train), size=TRAIN_FIT, replace=False))  # all 60,000 by default
x_fit, y_fit = x_train[fit_rows], y_train[fit_rows]
train_features, train_probs = evaluation.features_and_probs(x_fit, "[0,1]")
gap = float(np.sum((train_features.mean(axis=0) - test_features.mean(axis=0)) ** 2))
trace_train = float(np.trace(np.cov(train_features, rowvar=False)))
trace_test = float(np.trace(np.cov(test_features, rowvar=False)))


def predicted_mean_term(n):
    return (gap + trace_train / n * (len(x_train) - n) / (len(x_train) - 1)
            + trace_test / n * (len(x_test) - n) / (len(x_test) - 1))


floor_rows = []  # (n, seed, mean term, covariance term, utils floor)
for n in FLOOR_SIZES:
    for seed in range(SEED, SEED + FLOOR_SEEDS):
        x_n, _ = utils.load_mnist("train", scale="[0,1]", subset=n, seed=seed)
        terms = fd_terms(evaluation.classifier_features(x_n, "[0,1]"), test_features[test_reference(n, seed)])
        floor_rows.append((n, seed, *terms, evaluation.real_fd_floor(n, seed)))
floor_rows = np.array(floor_rows)
assert np.allclose(floor_rows[:, 2] + floor_rows[:, 3], floor_rows[:, 4], rtol=0, atol=1e-5), "hand floor != utils"
sizes = np.array(FLOOR_SIZES, dtype=float)
by_n = {k: np.array([floor_rows[floor_rows[:, 0] == n, col] for n in FLOOR_SIZES])
        for k, col in (("mean", 2), ("cov", 3), ("fd", 4))}
print(f"population: ||mu_train - mu_test||^2 = {gap:.3f}, Tr Sigma_train = {trace_train:.0f}, "
      f"Tr Sigma_test = {trace_test:.0f}")
print(f"{'n':>6} {'FD floor (mean ± std)':>22} {'mean term (mean ± std)':>23} {'predicted':>10} {'ratio':>6} "
      f"{'cov term':>9}")
for i, n in enumerate(FLOOR_SIZES):
    fd, mean = by_n["fd"][i], by_n["mean"][i]
    print(f"{n:>6,} {fd.mean():>13.3f} ± {fd.std():5.3f} {mean.mean():>14.3f} ± {mean.std():5.3f} "
          f"{predicted_mean_term(n):>10.3f} {mean.mean() / predicted_mean_term(n):>6.2f} {by_n['cov'][i].mean():>9.3f}")
# FD(n) = a + b / n, least squares on the means over seeds
design = np.stack([np.ones_like(sizes), 1 / sizes], axis=1)
(a_fit, b_fit), *_ = np.linalg.lstsq(design, by_n["fd"].mean(axis=1), rcond=None)
print(f"fit FD_floor(n) = {a_fit:.3f} + {b_fit:,.0f} / n: the floor would be {a_fit:.3f} with infinitely many "
      f"samples; at n = {FLOOR_SIZES[0]:,} the 1/n part is {b_fit / FLOOR_SIZES[0]:.2f}")
for i, n in enumerate(FLOOR_SIZES):
    results.record(f"fd_floor_n{n}", float(by_n["fd"][i].mean()), unit="",
                   description=f"real-vs-real classifier FD floor at n = {n:,} ({n:,} training vs {n:,} test images), "
                               f"mean over {FLOOR_SEEDS} seeds (std {by_n['fd'][i].std():.3f})")
results.record("fd_floor_fit_intercept", float(a_fit), unit="",
               description="intercept a of the fit FD_floor(n) = a + b/n: the floor extrapolated to infinite n")
results.record("fd_floor_fit_slope", float(b_fit), unit="FD x images",
               description="slope b of the fit FD_floor(n) = a + b/n: the sample-size bias of the floor is b/n")

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
ax = axes[0]
ax.errorbar(sizes, by_n["fd"].mean(axis=1), yerr=by_n["fd"].std(axis=1), fmt="o-", capsize=3,
            label=f"FD floor (mean ± std, {FLOOR_SEEDS} seeds)")
dense = np.geomspace(sizes.min(), sizes.max(), 100)
ax.plot(dense, a_fit + b_fit / dense, "k--", lw=1, label=f"fit {a_fit:.2f} + {b_fit:,.0f}/n")
ax.set(xscale="log", yscale="log", xlabel="sample size n", ylabel="real-vs-real FD",
       title="The floor shrinks with n")
ax.legend(fontsize=8)
ax = axes[1]
ax.plot(1000 / sizes, by_n["mean"].mean(axis=1), "o", label="mean term, measured")
ax.plot(1000 / dense, [predicted_mean_term(n) for n in dense], "C0-", lw=1, label="mean term, predicted")
ax.plot(1000 / sizes, by_n["cov"].mean(axis=1), "s", color="C1", label="covariance term, measured")
ax.set(xlabel="1,000 / n", ylabel="term of the FD (mean over seeds)", title="Both terms grow like 1/n")
ax.legend(fontsize=8)
fig.tight_layout()
utils.save_figure(fig, "25_floor_vs_n")

# %% [markdown]
# The measured mean term follows the prediction in size and in its $1/n$ shape (the column "ratio"; with three
# seeds per $n$ the measured means still scatter by up to about 30%). The covariance term, about ten times
# larger, falls like $1/n$ too. So the
# floor is mostly estimation bias. Only the intercept $a$ measures a real difference between the training and
# the test distributions, and it is small. This has three consequences:
#
# - **Compare FDs only at the same $n$.** An FD of 5 at $n = 1{,}000$ can be a better model than an FD of 3 at
#   $n = 10{,}000$. Every FD in the course is printed beside the floor at its own $n$.
# - The ratio FD / floor is handy, but it depends on $n$ too, because the floor shrinks faster than a bad
#   model's FD.
# - Fitting $a + b/n$ over several $n$ and reporting $a$ removes the bias. Chong and Forsyth (2020) propose this
#   extrapolation for FID and IS.
#
# Heusel et al. (2017) recommend at least 10,000 samples. The course's final evaluations use $n = 10{,}000$.
# This notebook uses $n$ = `N_EVAL` for its experiments and always prints the floor at that $n$.

# %% [markdown]
# ## 4. The Inception-style score, by hand, and the sorted-samples trap
#
# Salimans et al. (2016) score a generator by how confident the classifier is about each sample, $p(y\mid x)$,
# and how spread its predictions are over the classes, $p(y) = \mathbb E_x\, p(y\mid x)$:
#
# $$\mathrm{IS} = \exp\Big(\mathbb E_x\, \mathrm{KL}\big(p(y\mid x)\,\Vert\, p(y)\big)\Big)
#   = \exp\big(H(y) - \mathbb E_x H(y\mid x)\big),$$
#
# the exponential of the mutual information between image and label. It lies between 1 (every sample gets
# the same prediction) and the number of classes, 10 (certain predictions spread evenly over the classes).
# The samples are cut into 10 parts. In each part $p(y)$ is that part's mean prediction, and the score is
# averaged over the parts. **The IS never looks at real images.** Only the classifier stands for the data.

# %%
def inception_score_by_hand(probs, splits=10, shuffle_seed=None):
    """exp(E KL(p(y|x) || p(y))) per part, mean over parts; parts are consecutive rows unless shuffle_seed."""
    if shuffle_seed is not None:
        probs = probs[np.random.default_rng(shuffle_seed).permutation(len(probs))]
    scores = []
    for part in np.array_split(probs, splits):
        marginal = part.mean(axis=0)
        kl = np.sum(np.where(part > 0, part * (np.log(np.where(part > 0, part, 1)) - np.log(marginal)), 0), axis=1)
        scores.append(np.exp(kl.mean()))
    return float(np.mean(scores))


is_hand = inception_score_by_hand(test_probs, shuffle_seed=0)
is_utils = evaluation.inception_score(test_probs, splits=10, seed=0)
print(f"10,000 test images: IS by hand {is_hand:.4f}, utils {is_utils[0]:.4f} ± {is_utils[1]:.4f}")
results.record("inception_score_test_images", is_utils[0], unit="",
               description="Inception-style score (course classifier, 10 splits) of the 10,000 MNIST test images")

# %% [markdown]
# A conditional generator typically returns its samples sorted by class: 1,000 zeros, then 1,000 ones, and so
# on. Cut into 10 *consecutive* parts, each part then holds one digit. Within a part $p(y)$ is as confident as
# each sample, the KL is about 0, and the score collapses to about 1. This happens although the set as a whole
# is perfect. The test images sorted by label show it:

# %% tags=["nbval-check-output"]
by_label = np.argsort(y_test, kind="stable")
consecutive = inception_score_by_hand(test_probs[by_label], splits=10)
print(f"test images sorted by label: IS with consecutive splits {consecutive:.2f}, "
      f"with the splits of utils (shuffled) {evaluation.inception_score(test_probs[by_label])[0]:.2f}")
print(f"same images, original order, consecutive splits: {inception_score_by_hand(test_probs, splits=10):.2f}")
results.record("inception_score_sorted_consecutive_splits", consecutive, unit="",
               description="IS of the 10,000 test images sorted by label, cut into 10 consecutive splits "
                           "(each split one digit): the trap that utils avoids by shuffling")

# %% [markdown]
# The score is not a property of the order, so `evaluation.inception_score` splits a seeded random permutation.
# An earlier version split in the given order, and notebook 22's class-sorted samples scored about 1. The
# original test set happens to be unsorted, which is why the trap went unnoticed with real data.

# %% [markdown]
# ## 5. Precision and recall in feature space, by hand
#
# FD mixes two faults into one number: samples that do not look real, and real variety that the samples do not
# cover. Sajjadi et al. (2018) proposed to measure them separately. Kynkäänniemi et al. (2019) gave the
# k-nearest-neighbour version used here. Estimate each set's manifold as the union of balls around its
# points, each ball reaching that point's $k$-th nearest neighbour in the same set:
#
# $$f(\phi, \Phi) = \begin{cases} 1 & \text{if } \lVert\phi - \phi'\rVert \le \lVert\phi' - \mathrm{NN}_k(\phi', \Phi)\rVert
#   \text{ for some } \phi' \in \Phi \\ 0 & \text{otherwise,}\end{cases}$$
#
# $$\text{precision} = \frac{1}{|\Phi_g|}\sum_{\phi_g\in\Phi_g} f(\phi_g, \Phi_r), \qquad
#   \text{recall} = \frac{1}{|\Phi_r|}\sum_{\phi_r\in\Phi_r} f(\phi_r, \Phi_g).$$
#
# Precision is the share of generated samples inside the real manifold (are the samples realistic?). Recall is
# the share of real samples inside the generated manifold (is the data's variety covered?). The paper uses
# $k = 3$ and VGG-16 features. Here we use $k$ = `K_NEIGHBOURS` and the classifier's 128 features. By hand, with
# full distance matrices, on 1,000 against 1,000:

# %%
def precision_recall_by_hand(real, fake, k):
    radii_real = np.sort(cdist(real, real), axis=1)[:, k]  # column 0 is the point itself
    radii_fake = np.sort(cdist(fake, fake), axis=1)[:, k]
    between = cdist(fake, real)  # (fake, real)
    precision = np.mean((between <= radii_real[None, :]).any(axis=1))
    recall = np.mean((between.T <= radii_fake[None, :]).any(axis=1))
    return float(precision), float(recall)


small = test_reference(1000, SEED)
hand = precision_recall_by_hand(test_features[small], real_features[:1000], K_NEIGHBOURS)
lib = evaluation.precision_recall(test_features[small], real_features[:1000], K_NEIGHBOURS)
print(f"1,000 training vs 1,000 test images, k={K_NEIGHBOURS}: by hand P={hand[0]:.3f} R={hand[1]:.3f}; "
      f"utils P={lib[0]:.3f} R={lib[1]:.3f}; equal: {hand == lib}")

# %% [markdown]
# Even two real samples give precision and recall below 1. With $k = 3$ a ball is small, so a fresh real point
# often falls outside every ball of the other set. Like the FD, P and R have a real-vs-real reference at each
# $n$, and section 6 prints it in its first row.

# %% [markdown]
# ### Why uniform noise gets a precision near 1
#
# An earlier check scored images of uniform noise at precision 1.0 ($n = 1{,}000$). It sounds absurd, and the
# reason is instructive:

# %%
noise_images = rng.uniform(0, 1, size=(N_EVAL, 28, 28, 1)).astype(np.float32)
noise_features = evaluation.classifier_features(noise_images, "[0,1]")
ref_features = test_features[reference]
radii = np.sort(cdist(ref_features, ref_features), axis=1)[:, K_NEIGHBOURS]
inside = cdist(noise_features, ref_features) <= radii[None, :]  # (noise, real): noise j inside real ball i
precision_noise = inside.any(axis=1).mean()
hosts = np.flatnonzero(inside.any(axis=0))
norms_real = np.linalg.norm(ref_features, axis=1)
print(f"uniform noise, n={N_EVAL:,}: precision {precision_noise:.3f} "
      f"(utils: {evaluation.precision_recall(ref_features, noise_features, K_NEIGHBOURS)[0]:.3f})")
print(f"feature norm: noise {np.linalg.norm(noise_features, axis=1).mean():.1f} on average; real digits: "
      f"median {np.median(norms_real):.1f}, smallest {norms_real.min():.1f}")
print(f"the noise lies in the balls of only {len(hosts)} of the {N_EVAL:,} real points; their radii are at the "
      f"{np.mean(radii[:, None] < radii[hosts][None, :], axis=0).min():.0%}-"
      f"{np.mean(radii[:, None] < radii[hosts][None, :], axis=0).max():.0%} percentiles of all radii; "
      f"their feature norms: {np.round(np.sort(norms_real[hosts])[:6], 1).tolist()} ...")
results.record("uniform_noise_precision", float(precision_noise), unit="fraction",
               description=f"precision (k={K_NEIGHBOURS}) of {N_EVAL:,} uniform-noise images against as many test "
                           "images: noise lands inside the balls of a few faint real digits")
results.record("uniform_noise_host_count", len(hosts), unit="real images",
               description=f"number of the {N_EVAL:,} real test images whose k-NN balls contain the uniform noise")

# %%
order = hosts[np.argsort(-inside[:, hosts].sum(axis=0))][:8]
fig = utils.image_grid(np.concatenate([noise_images[:2], x_test[reference][order]]), ncols=10,
                       titles=["noise", "noise"] + [f"hosts {inside[:, i].sum()}" for i in order],
                       title="Uniform noise, and the real digits whose k-NN balls contain it (hosts: noise inside)")
fig.subplots_adjust(top=0.68)
utils.save_figure(fig, "25_noise_hosts")

# %% [markdown]
# The classifier was trained on digits. It answers noise with weak activations, so noise maps close to the
# origin of feature space. The real digits closest to the origin are faint, thin or oddly shaped. They live in a sparse
# region, so their $k$-th neighbour is far away and their balls are large, and a few of those balls reach the
# origin. Precision only asks whether a sample lies in *some* real ball, so this handful of outliers accepts
# every noise image. The other numbers see through it: recall is 0, because the noise covers no real digit,
# and the FD is huge (section 6). **Read precision only together with recall and the FD.** Kynkäänniemi et al.
# know about outliers: their per-sample *realism score* leaves out the real points with the largest radii. Our
# quick variant keeps only the real balls with radii up to the median:

# %%
keep = radii <= np.median(radii)
real_inside = cdist(real_features, ref_features) <= radii[None, :]
print(f"precision with all real balls: uniform noise {precision_noise:.3f}, real training images "
      f"{real_inside.any(axis=1).mean():.3f}")
print("precision with the real balls of radius <= median only: uniform noise "
      f"{inside[:, keep].any(axis=1).mean():.3f}, "
      f"real training images {real_inside[:, keep].any(axis=1).mean():.3f}")

# %% [markdown]
# Without the large balls, noise drops to precision 0, while real digits keep about half of theirs. This variant
# is a diagnostic only, not a replacement: dropping half of the balls also shrinks the real manifold.

# %% [markdown]
# ## 6. Failure cases: what each metric sees
#
# Each set below holds `N_EVAL` images and is scored by `evaluation.evaluate_images` against as many test
# images, the same reference for every set. The corrupted sets start from the same training images as the first
# row, so only the corruption differs:
#
# | set | what it imitates |
# |---|---|
# | real training images | a perfect generator, or one that **memorised** its training set |
# | + Gaussian noise $\sigma$ | a generator with grainy output (clipped to [0, 1]) |
# | blurred $\sigma$ | the blurry samples of an under-fitting VAE |
# | only digit 1 | dropping nine of ten classes (mode dropping) |
# | one image repeated | complete mode collapse |
# | ten perfect images repeated | perfect labels, almost no diversity |
# | uniform noise | a generator that learned nothing |

# %%
def clipped(x):
    return np.clip(x, 0.0, 1.0).astype(np.float32)


ones = np.flatnonzero(y_train == SINGLE_CLASS)
champions = [np.flatnonzero(y_fit == c)[np.argmax(train_probs[y_fit == c, c])] for c in range(10)]
ten_images = x_fit[np.array(champions)[rng.permutation(np.arange(N_EVAL) % 10)]]
cases = {"real training images": x_real}
for sigma in NOISE_LEVELS:
    cases[f"+ Gaussian noise {sigma:g}"] = clipped(x_real + rng.normal(0, sigma, x_real.shape))
for sigma in BLUR_SIGMAS:
    cases[f"blurred {sigma:g} px"] = clipped(ndimage.gaussian_filter(x_real, sigma=(0, sigma, sigma, 0)))
cases[f"only digit {SINGLE_CLASS}"] = x_train[rng.choice(ones, size=N_EVAL, replace=len(ones) < N_EVAL)]
cases["one image repeated"] = np.repeat(x_real[:1], N_EVAL, axis=0)
cases["ten perfect images repeated"] = ten_images
cases["uniform noise"] = noise_images

case_metrics = {}
for name, images in cases.items():
    case_metrics[name] = evaluation.evaluate_images(images, "[0,1]", seed=SEED, k=K_NEIGHBOURS)
    features = evaluation.classifier_features(images, "[0,1]")
    case_metrics[name]["mean_term"], case_metrics[name]["cov_term"] = fd_terms(features, ref_features)
    case_metrics[name]["norm"] = float(np.linalg.norm(features, axis=1).mean())
floor = case_metrics["real training images"]["fd_floor"]
is_real = case_metrics["real training images"]["inception_score_real"]
print(f"n = {N_EVAL:,} per set; real-vs-real FD floor at this n: {floor:.2f}; IS of the {N_EVAL:,} test images: "
      f"{is_real:.2f}")
print(f"{'set':30s} {'FD':>8} {'FD/floor':>9} {'mean':>7} {'cov':>7} {'IS':>6} {'P':>6} {'R':>6} {'|f|':>6}")
for name, m in case_metrics.items():
    print(f"{name:30s} {m['fd']:8.2f} {m['fd'] / m['fd_floor']:9.1f} {m['mean_term']:7.1f} {m['cov_term']:7.1f} "
          f"{m['inception_score']:6.2f} {m['precision']:6.3f} {m['recall']:6.3f} {m['norm']:6.1f}")
print(f"|f|: mean feature norm; the {N_EVAL:,} test images: {np.linalg.norm(ref_features, axis=1).mean():.1f}")

# %%
def slug(name):
    return re.sub(r"[^a-z0-9]+", "_", name.lower().replace(".", "p")).strip("_")


for name, m in case_metrics.items():
    for key, unit in (("fd", ""), ("inception_score", ""), ("precision", "fraction"), ("recall", "fraction")):
        if name != "real training images" and key != "fd" and name.startswith(("+", "blurred")):
            continue  # noise and blur levels: FD only (the rest is in the figure)
        results.record(f"case_{slug(name)}_{key}", m[key], unit=unit,
                       description=f"failure case '{name}' ({N_EVAL:,} images vs as many test images; FD floor "
                                   f"{m['fd_floor']:.2f}): {key.replace('_', ' ')}")

# %%
rows = {name: images[:10] for name, images in cases.items()}
fig = utils.compare_images(rows, title="The failure-case sets (first 10 images of each)")
utils.save_figure(fig, "25_failure_case_images")

# %%
fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
levels = [0.0] + list(NOISE_LEVELS)
names = ["real training images"] + [f"+ Gaussian noise {s:g}" for s in NOISE_LEVELS]
axes[0].plot(levels, [case_metrics[n]["fd"] for n in names], "o-", label="FD")
axes[0].axhline(floor, color="k", ls="--", lw=1, label=f"floor at n={N_EVAL:,}")
axes[0].set(yscale="log", xlabel="pixel noise σ", ylabel="classifier FD", title="FD grows with noise")
axes[0].legend(fontsize=8)
for key, label in (("precision", "precision"), ("recall", "recall")):
    axes[1].plot(levels, [case_metrics[n][key] for n in names], "o-", label=label)
axes[1].set(xlabel="pixel noise σ", ylim=(-0.02, 1.02), title="Precision and recall")
axes[1].legend(fontsize=8)
axes[2].plot(levels, [case_metrics[n]["inception_score"] for n in names], "o-")
axes[2].set(xlabel="pixel noise σ", ylabel="Inception-style score", title="IS barely notices until late")
fig.tight_layout()
utils.save_figure(fig, "25_noise_levels")

# %% [markdown]
# Reading the table row by row:
#
# - **Real training images** sit exactly on the floor (they are the floor's training sample). A generator that
#   copies its training set gets the best FD possible. Section 8 returns to this.
# - **Noise and blur** raise the FD steadily, by about two orders of magnitude for the strongest noise and blur.
#   The IS stays near the real value up to $\sigma = 0.2$: the classifier still recognises the digits, and the IS
#   asks nothing else. The FD catches the small degradations that the IS misses. Recall falls as the noisy
#   digits leave the real manifold.
# - **Precision goes the wrong way**: noisy and blurred images get a precision *at or above* that of the clean
#   images. The column $|f|$ shows why. Degraded images excite the classifier less, so their features move toward
#   the origin, the sparse region where the real balls are wide (section 5). Precision rewards them for it.
# - **Only digit 1**: FD large, IS about 1, recall low, precision high. The samples are realistic, but they cover
#   only the ones (about 11% of the test set, close to the recall).
# - **One image repeated**: the covariance term is the whole test covariance (one point has none), IS exactly
#   1, recall 0. Precision can still be 1: that one image is a real digit.
# - **Ten perfect images repeated**: the IS is *above* the real images' own, because each image is classified
#   with certainty and the classes are perfectly balanced. Yet the FD is large and recall is near 0. The IS
#   rewards exactly this failure.
# - **Uniform noise**: an FD as large as that of the single-class set, IS about 1, recall 0, and a precision near
#   1 for the reason of section 5.
#
# No single number flags every fault. FD flags all of them but cannot say which fault it sees. P and R say
# which (realism or coverage). The IS only checks class confidence and balance.

# %% [markdown]
# ## 7. A cheap generator, evaluated: Gaussian samples in PCA space
#
# A model-agnostic example that trains in a second: fit PCA to the training images (`TRAIN_FIT` of them), model the first $K$
# principal coordinates as independent Gaussians with their variances $\lambda_1, \dots, \lambda_K$, and decode
# samples $x = \bar x + \sum_{i\le K} \sqrt{\lambda_i}\, \varepsilon_i\, v_i$ with $\varepsilon_i \sim
# \mathcal N(0, 1)$. This is a linear-Gaussian latent variable model. Probabilistic PCA (Tipping and Bishop,
# 1999) would add isotropic noise on top. The pixels are then clipped to [0, 1]. A class-conditional version
# fits the same model to each digit separately, so it also gets a label accuracy.

# %%
def pca_fit(x):
    """Mean (784,), eigenvalues (largest first) and eigenvectors (columns) of the pixel covariance of x."""
    flat = x.reshape(len(x), -1)
    mean = flat.mean(axis=0)
    centred = flat - mean
    values, vectors = np.linalg.eigh((centred.T @ centred).astype(np.float64) / (len(flat) - 1))
    return mean, values[::-1], vectors[:, ::-1]


def pca_sampler(n, k, seed, fit):
    mean, values, vectors = fit
    eps = np.random.default_rng(seed).standard_normal((n, k))
    return clipped((mean + (eps * np.sqrt(values[:k])) @ vectors[:, :k].T).reshape(n, 28, 28, 1))


def class_pca_sampler(labels, k, seed):
    images = np.empty((len(labels), 28, 28, 1), np.float32)
    for c in range(10):
        where = np.flatnonzero(labels == c)
        images[where] = pca_sampler(len(where), k, seed + c, pca_fit(x_fit[y_fit == c]))
    return images


pca_all = pca_fit(x_fit)
pca_metrics, pca_samples = {}, {}
for k in PCA_COMPONENTS:
    pca_samples[k] = pca_sampler(N_EVAL, k, SEED, pca_all)
    pca_metrics[f"PCA-Gaussian, K={k}"] = evaluation.evaluate_images(pca_samples[k], "[0,1]", seed=SEED,
                                                                    k=K_NEIGHBOURS)
best_k = min(PCA_COMPONENTS, key=lambda k: pca_metrics[f"PCA-Gaussian, K={k}"]["fd"])
wanted = rng.permutation(np.arange(N_EVAL) % 10)
conditional_samples = class_pca_sampler(wanted, best_k, SEED)
pca_metrics[f"class-conditional PCA, K={best_k}"] = evaluation.evaluate_images(
    conditional_samples, "[0,1]", labels=wanted, seed=SEED, k=K_NEIGHBOURS)
for name, m in pca_metrics.items():
    print(evaluation.format_metrics(m, name))
print(f"lowest FD among the unconditional samplers: K = {best_k}")

# %%
for name, m in pca_metrics.items():
    tag = slug(name)
    results.record(f"{tag}_fd", m["fd"], unit="",
                   description=f"{name} sampler (this notebook): classifier FD of {m['n']:,} samples to as many test "
                               f"images (floor {m['fd_floor']:.2f})")
    results.record(f"{tag}_inception_score", m["inception_score"], unit="",
                   description=f"{name} sampler: Inception-style score (course classifier)")
    results.record(f"{tag}_precision", m["precision"], unit="fraction", description=f"{name} sampler: precision")
    results.record(f"{tag}_recall", m["recall"], unit="fraction", description=f"{name} sampler: recall")
    if "label_accuracy" in m:
        results.record(f"{tag}_label_accuracy", m["label_accuracy"], unit="fraction",
                       description=f"{name} sampler: share of samples classified as the digit they were drawn for")

# %%
rows = {f"K={k}": pca_samples[k][:10] for k in PCA_COMPONENTS}
rows[f"per class, K={best_k}"] = conditional_samples[[np.flatnonzero(wanted == c)[0] for c in range(10)]]
fig = utils.compare_images(rows, title="PCA-Gaussian samples (last row: class-conditional, digits 0-9)")
utils.save_figure(fig, "25_pca_samples")

# %% [markdown]
# One Gaussian over all digits is a poor generator at every $K$. Few components give blurry average shapes
# between digits. More components add detail, but it is a blend of strokes from several digits, so the
# classifier is rarely sure (IS about 3) and recall stays near 0. Fitting one Gaussian per digit removes the
# blending. The FD falls several-fold and the IS approaches the real value. The label accuracy is then close to
# the classifier's own, although the samples are visibly worse than real digits and the FD is still far above
# the floor. The label accuracy checks the class only: a messy but recognisable digit counts as correct.

# %% [markdown]
# ## 8. Memorisation is invisible to FD
#
# Section 6 showed that copies of training images reach the floor exactly. The FD compares distributions,
# and a copy of the training set *has* the data distribution. The same holds for IS and precision/recall, which
# also see only features of the samples. To detect memorisation, compare samples with the **training** set:
# the distance from each sample to its nearest training image. Copies have distance 0. Real test images, which
# the model never saw, show the distance a new digit has to the training set.

# %%
def nearest_training_distance(images):
    flat_images = images.reshape(len(images), -1).astype(np.float32)
    train_flat = x_train.reshape(len(x_train), -1)
    train_sq = (train_flat ** 2).sum(axis=1)
    best = np.full(len(images), np.inf, np.float32)
    for start in range(0, len(train_flat), 10000):
        block = train_flat[start:start + 10000]
        d2 = (flat_images ** 2).sum(axis=1)[:, None] + train_sq[None, start:start + 10000] - 2 * flat_images @ block.T
        best = np.minimum(best, d2.min(axis=1))
    return np.sqrt(np.maximum(best, 0))


memo_sets = {"copies of training images": x_real[:MEMO_SAMPLES],
             "real test images (unseen)": x_test[reference[:MEMO_SAMPLES]],
             f"PCA-Gaussian, K={best_k}": pca_samples[best_k][:MEMO_SAMPLES]}
distances = {name: nearest_training_distance(images) for name, images in memo_sets.items()}
for name, d in distances.items():
    print(f"{name:28s}: distance to the nearest training image (pixels in [0,1], L2) median {np.median(d):.2f}, "
          f"share below 0.5: {np.mean(d < 0.5):.3f}")
copies = case_metrics["real training images"]
print(f"the copies' FD: {copies['fd']:.3f} = the real-vs-real floor {copies['fd_floor']:.3f} at n={N_EVAL:,}")
results.record("memorised_copies_median_nn_distance", float(np.median(distances["copies of training images"])),
               unit="L2, pixels in [0,1]", description="median distance from copied training images to the nearest "
                                                       "training image (0: memorisation detected)")
results.record("test_images_median_nn_distance", float(np.median(distances["real test images (unseen)"])),
               unit="L2, pixels in [0,1]", description="median distance from real test images to the nearest "
                                                       "training image: what a new digit looks like")

# %%
fig, ax = plt.subplots(figsize=(6.5, 3.5))
bins = np.linspace(0, max(d.max() for d in distances.values()), 50)
for name, d in distances.items():
    ax.hist(d, bins=bins, alpha=0.6, label=name)
ax.set(xlabel="distance to the nearest training image", ylabel="samples",
       title="Memorisation shows up against the training set, not in FD")
ax.legend(fontsize=8)
fig.tight_layout()
utils.save_figure(fig, "25_nearest_training_distance")

# %% [markdown]
# The copies form a spike at 0. Unseen test digits lie at a typical distance from their nearest training image,
# and so do the PCA samples. A model whose samples pile up near 0 is copying. Pixel distance is a blunt tool:
# a copy shifted by one pixel is far away in pixels. Serious memorisation checks use a feature space and look
# at the nearest neighbours themselves, but the principle is the same. The check needs the training set, which
# FD, IS and precision/recall never see.

# %% [markdown]
# ## 9. The course's models in one table
#
# Notebooks 20–23 record their final metrics in the results file. This cell reads them with
# `utils.load_results()` and does not recompute anything. A model counts once its notebook has recorded an FD.
# It is named by its result-key prefix (e.g. `dcgan` for `dcgan_fd_10k`), and its floor, IS, precision, recall
# and label accuracy are looked up under the same prefix. A notebook that has not run yet is listed as such. No
# number is filled in by hand. The rows of this notebook's own samplers follow. Read each FD against the floor
# on its own row: the sample sizes differ.

# %%
COURSE_NOTEBOOKS = {"20_vanilla_gan": ["vanilla_gan", "improved_gan"], "21_dcgan": ["dcgan"],
                    "22_conditional_gan": ["cgan"], "23_wgan_gp": ["wgan_gp"]}  # prefixes expected in each
FD_KEY = re.compile(r"^(?P<prefix>[a-z0-9_]+?)_fd(?P<suffix>(?:_\d+k)?(?:_mean)?)$")


def lookup(values, prefix, metric, suffix):
    """The value stored under prefix_metric+suffix or prefix_metric, else None."""
    for key in (f"{prefix}_{metric}{suffix}", f"{prefix}_{metric}"):
        if key in values:
            return values[key]["value"]
    return None


def floor_of(values, prefix, suffix):
    found = lookup(values, prefix, "fd_floor", suffix)
    if found is None:  # one notebook-wide floor (any key with "floor", not per class)
        floors = [k for k in values if "floor" in k and "class" not in k]
        found = values[floors[0]]["value"] if len(floors) == 1 else None
    return found


def course_rows(all_results):
    rows = []
    for notebook, expected in COURSE_NOTEBOOKS.items():
        if notebook not in all_results:
            rows += [(notebook, prefix, "not run yet") for prefix in expected]
            continue
        values = all_results[notebook]["values"]
        found = [(m["prefix"], m["suffix"], key) for key in values if (m := FD_KEY.match(key))]
        if not found:
            rows.append((notebook, ", ".join(expected), "ran, but recorded no FD under a known name"))
        for prefix, suffix, key in found:
            n = re.search(r"(\d{1,3}(?:,\d{3})+|\d+) samples|\bn ?= ?(\d+)\b", values[key]["description"])
            fd_std = lookup(values, prefix, "fd_std", "") if suffix.endswith("_mean") else None
            rows.append((notebook, prefix, {
                "n": (n.group(1) or f"{int(n.group(2)):,}") if n else "?", "fd": values[key]["value"], "fd_std": fd_std,
                "floor": floor_of(values, prefix, suffix),
                "is": lookup(values, prefix, "inception_score", suffix),
                "precision": lookup(values, prefix, "precision", suffix),
                "recall": lookup(values, prefix, "recall", suffix),
                "label_accuracy": lookup(values, prefix, "label_accuracy", suffix)}))
    return rows


def cell(value, fmt):
    return "—" if value is None else format(value, fmt)


all_results = utils.load_results()
table = course_rows(all_results)
for name, m in pca_metrics.items():
    table.append(("25 (this notebook)", name, {
        "n": f"{m['n']:,}", "fd": m["fd"], "fd_std": None, "floor": m["fd_floor"], "is": m["inception_score"],
        "precision": m["precision"], "recall": m["recall"], "label_accuracy": m.get("label_accuracy")}))
print(f"{'notebook':19s} {'model':27s} {'n':>7} {'FD':>14} {'floor':>6} {'FD/floor':>8} {'IS':>5} {'P':>6} "
      f"{'R':>6} {'label acc':>9}")
for notebook, model, m in table:
    if isinstance(m, str):
        print(f"{notebook:19s} {model:27s} {m}")
        continue
    fd = f"{m['fd']:.2f}" + (f" ± {m['fd_std']:.2f}" if m["fd_std"] is not None else "")
    ratio = m["fd"] / m["floor"] if m["floor"] else None
    print(f"{notebook:19s} {model:27s} {m['n']:>7} {fd:>14} {cell(m['floor'], '.2f'):>6} {cell(ratio, '.1f'):>8} "
          f"{cell(m['is'], '.2f'):>5} {cell(m['precision'], '.3f'):>6} {cell(m['recall'], '.3f'):>6} "
          f"{cell(m['label_accuracy'], '.3f'):>9}")
missing = [nb for nb in COURSE_NOTEBOOKS if nb not in all_results]
print(f"course notebooks not in the results file yet: {', '.join(missing) if missing else 'none'}")
print(f"references: IS of the test images {is_utils[0]:.2f}; classifier accuracy on real test digits "
      f"{test_accuracy:.4f} (the ceiling of any label accuracy)")

# %% [markdown]
# How to read the table. FD and FD/floor rank models only when their $n$ is equal, which is $n = 10{,}000$ for
# the final evaluations of 20–22. Precision and recall then say whether a high FD comes from unrealistic samples
# (low P) or from missing variety (low R). The IS is read against the test images' own score and cannot reveal
# low diversity within a class. The label accuracy of a conditional model is read against the classifier's own
# accuracy. A model whose FD sits at its floor must also pass the check of section 8 before anyone believes it.

# %%
print(f"CPU time of this notebook so far: {time.process_time() - cpu_start:.0f} s")

# %% [markdown]
# ## Summary
#
# - The course's FD, IS and precision/recall use the 128 features and 10 probabilities of its own MNIST
#   classifier. The formulas are those of FID, IS and improved precision/recall, but the numbers compare only
#   with each other. Computed by hand, each matches `utils.evaluation`.
# - Two real samples have an FD above 0. The real-vs-real floor falls like $1/n$: the mean term exactly as
#   predicted from the data's covariance trace, and the covariance term likewise. An FD without its floor at the
#   same $n$ says little.
# - The IS rewards confident, balanced predictions and never looks at real data. Ten perfect images repeated
#   score above the real test set. Computed over consecutive parts of class-sorted samples it collapses to
#   about 1, which is why `utils` shuffles the parts.
# - Precision is fooled by uniform noise: noise maps near the origin of feature space, inside the wide balls
#   of a few faint real digits. Recall (0) and FD (huge) expose it.
# - Copies of training images reach the FD floor exactly. Memorisation is only visible against the training
#   set, for example by the distance to the nearest training image.
# - The course's GAN numbers are gathered from the results file, each beside its floor, and a PCA-Gaussian
#   sampler trained here serves as a cheap, model-agnostic baseline.

# %% [markdown]
# ## Exercises

# %% [markdown]
# **Exercise 1.** Naeem et al. (2020) propose *density* and *coverage* in place of precision and recall.
# Density counts how many real balls contain each sample, divided by $k$, so one huge outlier ball counts
# once, not decisively. Coverage is the share of real points whose ball contains at least one sample. Compute
# both for the uniform noise and for the real training images of section 5 (using `inside`, `radii`,
# `ref_features`). Which of the two exposes the noise?

# %% tags=["solution"]
def density_coverage(real, fake, radii_real, k):
    hits = cdist(fake, real) <= radii_real[None, :]  # (fake, real)
    return hits.sum(axis=1).mean() / k, hits.any(axis=0).mean()


for name, feats in (("uniform noise", noise_features), ("real training images", real_features)):
    density, coverage = density_coverage(ref_features, feats, radii, K_NEIGHBOURS)
    print(f"{name:22s}: density {density:.2f}, coverage {coverage:.3f}")

# %% [markdown]
# Coverage exposes the noise: it lands in the balls of only a handful of real points. Density is much less
# clear. The few large balls around the origin overlap, so each noise image lies in several of them, and its
# density stays of the same order as that of real digits (and can exceed it at small $n$).

# %% [markdown]
# **Exercise 2.** Evaluate the PCA-Gaussian sampler with $K$ = 20 at $n$ = 500, 1,000, 2,000 and 5,000, and print
# each FD beside `evaluation.real_fd_floor(n)`. Does the ratio FD / floor stay constant? Which of the two numbers
# would you report, and at which $n$?

# %% [markdown]
# **Exercise 3.** Build a "generator" that returns training images shifted by one pixel (`np.roll` along an
# axis). Compute its FD (against the floor) and its nearest-training-image distances. Which of the two tells you
# that it copies? Propose a distance that would catch it.

# %% [markdown]
# **Exercise 4.** The ten perfect images repeated score an IS above the real images'. Find the largest IS you can reach with
# real test images of one class per split, by choosing how many splits to use for class-sorted samples. Explain
# the result with the formula $\mathrm{IS} = \exp(H(y) - \mathbb E_x H(y\mid x))$.

# %% [markdown]
# ## References
#
# - Heusel, M., Ramsauer, H., Unterthiner, T., Nessler, B., Hochreiter, S. (2017). GANs trained by a two
#   time-scale update rule converge to a local Nash equilibrium. *Advances in Neural Information Processing
#   Systems 30 (NeurIPS 2017)*. (The Fréchet Inception Distance.)
# - Salimans, T., Goodfellow, I., Zaremba, W., Cheung, V., Radford, A., Chen, X. (2016). Improved techniques for
#   training GANs. *Advances in Neural Information Processing Systems 29 (NeurIPS 2016)*. (The Inception Score.)
# - Sajjadi, M. S. M., Bachem, O., Lucic, M., Bousquet, O., Gelly, S. (2018). Assessing generative models via
#   precision and recall. *Advances in Neural Information Processing Systems 31 (NeurIPS 2018)*.
# - Kynkäänniemi, T., Karras, T., Laine, S., Lehtinen, J., Aila, T. (2019). Improved precision and recall metric
#   for assessing generative models. *Advances in Neural Information Processing Systems 32 (NeurIPS 2019)*.
# - Naeem, M. F., Oh, S. J., Uh, Y., Choi, Y., Yoo, J. (2020). Reliable fidelity and diversity metrics for
#   generative models. *International Conference on Machine Learning (ICML 2020)*.
# - Chong, M. J., Forsyth, D. (2020). Effectively unbiased FID and Inception Score and where to find them.
#   *IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR 2020)*.
# - Dowson, D. C., Landau, B. V. (1982). The Fréchet distance between multivariate normal distributions.
#   *Journal of Multivariate Analysis* 12(3), 450–455.
# - Tipping, M. E., Bishop, C. M. (1999). Probabilistic principal component analysis. *Journal of the Royal
#   Statistical Society: Series B* 61(3), 611–622.
