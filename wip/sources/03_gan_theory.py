# %% [markdown]
# # 03 · GAN theory: the minimax game, its optimum, and why training is hard
#
# A generative adversarial network pits a generator $G$ against a discriminator $D$. This notebook states the
# game of Goodfellow et al. (2014) precisely, repairs the article's formulas (a discriminator defined through its
# own output, a log-likelihood called a loss), derives the optimal discriminator and the Jensen–Shannon form of
# the generator's criterion and checks both numerically on a 1-D example, measures why the original generator
# loss saturates, runs the paper's Algorithm 1 as an explicit `tf.GradientTape` loop on a 1-D target over several
# seeds, and ends with why GAN training is hard and the Wasserstein idea that notebooks 23 and 24 build on.
#
# ## Learning objectives
# - Write the value function $V(D,G)$ and say which player maximises and which minimises it; turn it into the
#   binary cross-entropy losses that Keras minimises, with `from_logits=True` and `loss(y_true, y_pred)`.
# - Derive the optimal discriminator $D^*_G = p_\mathrm{data}/(p_\mathrm{data}+p_g)$ and
#   $C(G) = -\log 4 + 2\,\mathrm{JSD}(p_\mathrm{data}\,\|\,p_g)$, and check both with numbers.
# - Explain, with measured gradients, why $\log(1-D(G(z)))$ saturates and $-\log D(G(z))$ does not.
# - Implement Goodfellow et al.'s Algorithm 1 ($k$ discriminator steps per generator step, fresh minibatches)
#   with `tf.GradientTape` and `tf.function`, and judge the result with a Wasserstein distance over seeds.
# - Name the main difficulties (non-convergence, mode collapse, vanishing signal for disjoint supports) and
#   state the Wasserstein distance and its Kantorovich–Rubinstein dual.
#
# ## Prerequisites
# [01_background](01_background.ipynb) (what a GAN is) and [02_autoencoder_theory](02_autoencoder_theory.ipynb)
# (cross-entropy as a log-likelihood). Basic calculus and probability: densities, expectations, KL divergence.
#
# ## Run time
# Default parameters: about 40 s on a 2-core CPU (measured 36 s wall time; 70–90 s when other jobs share the
# CPU); the three training runs of section 4 take about two thirds of it. `FAST = True`: about 17 s (52 s on a
# shared CPU). GPU: not measured; the models are tiny and the loop is launch-bound, so expect no speed-up.

# %% [markdown]
# ## Setup
#
# `import utils` comes first: it starts TensorFlow with its start-up log captured and sets the figure style.

# %%
import time

import utils  # first: it starts TensorFlow quietly
import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from scipy import special, stats
from scipy.spatial.distance import jensenshannon

# %% tags=["parameters"]
FAST = False  # True: fewer training steps and seeds, for the test suite
SEED = 0  # first seed; training seeds are SEED, SEED + 1, ...
GRID_POINTS = 4001  # grid for the numerical integrals of section 2
DISC_FIT_STEPS = 1500  # full-batch Adam steps fitting a discriminator network to D* (section 2)
TARGET_MEAN = 4.0  # the 1-D target of section 4 is N(TARGET_MEAN, TARGET_STD^2)
TARGET_STD = 0.5
NOISE_DIM = 1  # z ~ Uniform(-1, 1)^NOISE_DIM
HIDDEN_UNITS = 32  # width of the two hidden layers of G and of D
BATCH_SIZE = 512  # minibatch size m of Algorithm 1
TRAIN_STEPS = 3000  # generator updates
D_STEPS = 1  # k in Algorithm 1: discriminator updates per generator update (Goodfellow et al. used 1)
LEARNING_RATE = 0.0005  # Adam, for both players
LR_DECAY = True  # cosine decay of both learning rates to 2% over training (damps the late oscillations)
GEN_LOSS = "non_saturating"  # "non_saturating" (-log D(G(z))) or "minimax" (log(1 - D(G(z))))
N_SEEDS = 3  # independent training runs of section 4
EVAL_SAMPLES = 20000  # samples used to measure the fit

# %%
utils.check_param("FAST", FAST, kind=bool)
utils.check_param("SEED", SEED, kind=int, low=0, high=2**31)
utils.check_param("GRID_POINTS", GRID_POINTS, kind=int, low=501, high=100001)
utils.check_param("DISC_FIT_STEPS", DISC_FIT_STEPS, kind=int, low=10, high=100000)
utils.check_param("TARGET_MEAN", TARGET_MEAN, kind=float, low=-20.0, high=20.0)
utils.check_param("TARGET_STD", TARGET_STD, kind=float, low=0.05, high=5.0)
utils.check_param("NOISE_DIM", NOISE_DIM, kind=int, low=1, high=64)
utils.check_param("HIDDEN_UNITS", HIDDEN_UNITS, kind=int, low=2, high=1024)
utils.check_param("BATCH_SIZE", BATCH_SIZE, kind=int, low=2, high=65536)
utils.check_param("TRAIN_STEPS", TRAIN_STEPS, kind=int, low=20, high=10**6)
utils.check_param("D_STEPS", D_STEPS, kind=int, low=1, high=100)
utils.check_param("LEARNING_RATE", LEARNING_RATE, kind=float, low=1e-6, high=1.0)
utils.check_param("LR_DECAY", LR_DECAY, kind=bool)
utils.check_param("GEN_LOSS", GEN_LOSS, kind=str, choices=("non_saturating", "minimax"))
utils.check_param("N_SEEDS", N_SEEDS, kind=int, low=1, high=20)
utils.check_param("EVAL_SAMPLES", EVAL_SAMPLES, kind=int, low=100, high=10**7)
if FAST:
    DISC_FIT_STEPS = min(DISC_FIT_STEPS, 300)
    TRAIN_STEPS = min(TRAIN_STEPS, 300)
    N_SEEDS = min(N_SEEDS, 2)
    EVAL_SAMPLES = min(EVAL_SAMPLES, 5000)
utils.set_seed(SEED)
params = {"FAST": FAST, "SEED": SEED, "GRID_POINTS": GRID_POINTS, "DISC_FIT_STEPS": DISC_FIT_STEPS,
          "TARGET_MEAN": TARGET_MEAN, "TARGET_STD": TARGET_STD, "NOISE_DIM": NOISE_DIM,
          "HIDDEN_UNITS": HIDDEN_UNITS, "BATCH_SIZE": BATCH_SIZE, "TRAIN_STEPS": TRAIN_STEPS, "D_STEPS": D_STEPS,
          "LEARNING_RATE": LEARNING_RATE, "LR_DECAY": LR_DECAY, "GEN_LOSS": GEN_LOSS, "N_SEEDS": N_SEEDS,
          "EVAL_SAMPLES": EVAL_SAMPLES}
results = utils.Results("03_gan_theory", params)
notebook_start = time.perf_counter()

# %% [markdown]
# ## 1. The two players, well defined
#
# The article (§1.2 and §3.2) writes the generator and the discriminator as
#
# $$G(z) = W_2\,\sigma(W_1 z + b_1) + b_2, \qquad
#   D(x) = \sigma\big((W_3 x + b_3)^\top W_4\, D_\mathrm{out} + b_4\big),$$
#
# and calls $D_\mathrm{out}$ "the output of the discriminator". $G$ is a proper one-hidden-layer network. $D$ is
# not a definition: its output appears on its right-hand side, so $D(x)$ is whatever solves the fixed-point
# equation $y = \sigma(c\,y + b_4)$ with $c = (W_3 x + b_3)^\top W_4$ (for a scalar output). Depending on $c$ and
# $b_4$, that equation has one solution or three, so the formula does not pick a value. The cell counts them.

# %% tags=["nbval-check-output"]
y = np.linspace(0.0, 1.0, 1_000_001)


def fixed_points(c, b4):
    """Solutions y in (0, 1) of y = sigmoid(c * y + b4), located by sign changes on a fine grid."""
    sign = np.sign(special.expit(c * y + b4) - y)
    crossings = np.nonzero(sign[:-1] != sign[1:])[0]
    return np.unique(y[crossings].round(3))


for c, b4 in [(1.0, 0.0), (8.0, -4.0), (12.0, -6.0)]:
    print(f"c = {c:4}, b4 = {b4:4}: solutions of y = sigmoid(c*y + b4) -> {fixed_points(c, b4)}")

# %% [markdown]
# A well-defined discriminator is an ordinary network whose input is $x$ only. With one hidden layer:
#
# $$a(x) = w_4^\top\,\mathrm{ReLU}(W_3 x + b_3) + b_4, \qquad D(x) = \sigma\big(a(x)\big) \in (0, 1).$$
#
# The number $a(x)$ is the **logit**. Our Keras discriminators output $a$ and leave the sigmoid to the loss
# (`from_logits=True`), which is more accurate than taking the log of a rounded probability. For the 1-D toys
# below both players have two hidden layers. The generator's output layer is linear because the data are
# unbounded real numbers. The discriminator divides its input by 5 (a fixed rescaling, so its first layer sees
# values of order 1) and uses leaky ReLUs, whose gradient is never exactly zero: with plain ReLUs our first runs
# ended with a discriminator whose units had all died, $D \equiv 1/2$ everywhere, and a generator left with no
# gradient far from the target.


# %%
def make_generator(noise_dim=NOISE_DIM, hidden=HIDDEN_UNITS, name="generator"):
    """G: R^noise_dim -> R, two ReLU hidden layers, linear output."""
    return keras.Sequential([
        keras.Input(shape=(noise_dim,)),
        keras.layers.Dense(hidden, activation="relu"),
        keras.layers.Dense(hidden, activation="relu"),
        keras.layers.Dense(1),
    ], name=name)


def make_discriminator(hidden=HIDDEN_UNITS, name="discriminator"):
    """D: R -> logit a(x), two leaky-ReLU hidden layers; D(x) = sigmoid(a(x)) is applied inside the loss."""
    return keras.Sequential([
        keras.Input(shape=(1,)),
        keras.layers.Rescaling(0.2),  # fixed: x / 5
        keras.layers.Dense(hidden, activation="leaky_relu"),  # slope 0.2 for x < 0
        keras.layers.Dense(hidden, activation="leaky_relu"),
        keras.layers.Dense(1),  # no sigmoid: the output is a logit
    ], name=name)


# %% tags=["nbval-check-output"]
g_demo, d_demo = make_generator(), make_discriminator()
print(f"G: {g_demo.input_shape} -> {g_demo.output_shape}, {g_demo.count_params()} parameters")
print(f"D: {d_demo.input_shape} -> {d_demo.output_shape}, {d_demo.count_params()} parameters")

# %% [markdown]
# ## 2. The value function and the optimal discriminator
#
# ### 2.1 Who maximises what
#
# Goodfellow et al. (2014, Eq. 1) define the two-player game
#
# $$\min_G \max_D V(D, G), \qquad V(D,G) = \mathbb{E}_{x\sim p_\mathrm{data}}[\log D(x)]
#   + \mathbb{E}_{z\sim p_z}[\log(1 - D(G(z)))].$$
#
# The article's $L_D = \mathbb{E}_x[\log D(x)] + \mathbb{E}_z[\log(1-D(G(z)))]$ is exactly $V$: a
# log-likelihood that the discriminator **maximises** (it is the log-probability of labelling real samples 1 and
# fakes 0). Optimisers minimise, so the discriminator's loss is $-V$, which is the binary cross-entropy with
# label 1 on real and 0 on generated samples:
#
# $$\mathcal{L}_D = -\mathbb{E}_x[\log D(x)] - \mathbb{E}_z[\log(1-D(G(z)))]
#   = \mathrm{BCE}(1, a(x)) + \mathrm{BCE}(0, a(G(z))).$$
#
# The article's $L_G = \mathbb{E}_z[\log(1-D(G(z)))]$ is correct as the quantity the generator **minimises**
# (the first term of $V$ does not depend on $G$); in Keras terms it is $-\mathrm{BCE}(0, a(G(z)))$. Section 3
# shows why one should not use it. The cell checks the identity on a batch of logits, and shows that swapping the
# arguments (the article's `loss(prediction, target)`) gives a different, meaningless number.

# %% tags=["nbval-check-output"]
bce = keras.losses.BinaryCrossentropy(from_logits=True)
demo_rng = np.random.default_rng(123)
a_real = demo_rng.normal(1.0, 1.5, size=(256, 1)).astype("float32")  # discriminator logits on real samples
a_fake = demo_rng.normal(-1.0, 1.5, size=(256, 1)).astype("float32")  # ... and on generated samples

v_hat = np.mean(np.log(special.expit(a_real))) + np.mean(np.log(1 - special.expit(a_fake)))
loss_d = float(bce(np.ones_like(a_real), a_real) + bce(np.zeros_like(a_fake), a_fake))
wrong_order = float(bce(a_real, np.ones_like(a_real)) + bce(a_fake, np.zeros_like(a_fake)))
print(f"V estimated from the batch       : {v_hat:.5f}")
print(f"BCE(1, a_real) + BCE(0, a_fake)  : {loss_d:.5f}   (= -V)")
print(f"arguments swapped (article's bug): {wrong_order:.5f}")

# %% [markdown]
# ### 2.2 The optimal discriminator (Goodfellow et al. 2014, Proposition 1)
#
# Fix $G$ and let $p_g$ be the density of $G(z)$. Writing the second expectation over $x = G(z)$,
#
# $$V(D, G) = \int \big[\,p_\mathrm{data}(x)\log D(x) + p_g(x)\log(1 - D(x))\,\big]\,dx.$$
#
# $D$ can take a separate value at each $x$, so $V$ is maximised pointwise. For $a, b \ge 0$ with $a + b > 0$,
# $f(y) = a\log y + b\log(1-y)$ on $(0,1)$ has $f'(y) = a/y - b/(1-y)$, which is zero at $y = a/(a+b)$, and
# $f''(y) = -a/y^2 - b/(1-y)^2 < 0$, so that point is the maximum. With $a = p_\mathrm{data}(x)$ and
# $b = p_g(x)$:
#
# $$D^*_G(x) = \frac{p_\mathrm{data}(x)}{p_\mathrm{data}(x) + p_g(x)}.$$
#
# (Where both densities vanish $D$ is unconstrained; it does not matter.)
#
# ### 2.3 The generator's criterion (Theorem 1)
#
# Putting $D^*_G$ back, $C(G) = \max_D V(D,G) = V(D^*_G, G)$. With the mixture $m = (p_\mathrm{data}+p_g)/2$,
# $D^* = p_\mathrm{data}/(2m)$ and $1 - D^* = p_g/(2m)$, so
#
# $$C(G) = \int p_\mathrm{data}\log\frac{p_\mathrm{data}}{2m} + \int p_g\log\frac{p_g}{2m}
#   = -\log 4 + \mathrm{KL}(p_\mathrm{data}\,\|\,m) + \mathrm{KL}(p_g\,\|\,m)
#   = -\log 4 + 2\,\mathrm{JSD}(p_\mathrm{data}\,\|\,p_g).$$
#
# The Jensen–Shannon divergence (Lin 1991) is $\ge 0$ and zero only when the two densities are equal, so the
# global minimum of $C$ is $-\log 4$, reached exactly at $p_g = p_\mathrm{data}$, where $D^* \equiv 1/2$.
#
# ### 2.4 Numerical check
#
# Take two known densities on the line: $p_\mathrm{data} = \tfrac12\mathcal N(-1, 0.6^2) + \tfrac12\mathcal N(2,
# 0.8^2)$ and $p_g = \mathcal N(0.5, 1.2^2)$. On a grid we (i) maximise $a\log y + b\log(1-y)$ over a fine grid of
# $y$ values at every 10th $x$ and compare the argmax with the formula, and (ii) integrate $V(D^*, G)$ and compare
# it with $-\log 4 + 2\,\mathrm{JSD}$ computed separately from the two KL integrals.

# %% tags=["nbval-check-output"]
x_grid = np.linspace(-8.0, 10.0, GRID_POINTS)


def gauss(x, mean, std):
    return stats.norm.pdf(x, mean, std)


p_data = 0.5 * gauss(x_grid, -1.0, 0.6) + 0.5 * gauss(x_grid, 2.0, 0.8)
p_g = gauss(x_grid, 0.5, 1.2)
d_star = p_data / (p_data + p_g)

# (i) the pointwise maximiser, found by brute force on a grid of y values
y_grid = np.linspace(1e-6, 1 - 1e-6, 20001)
xs = slice(None, None, 10)
objective = p_data[xs, None] * np.log(y_grid) + p_g[xs, None] * np.log1p(-y_grid)
d_argmax = y_grid[np.argmax(objective, axis=1)]
print(f"max |grid argmax - D*| over {d_argmax.size} x values: {np.max(np.abs(d_argmax - d_star[xs])):.1e}"
      f"  (y-grid step {y_grid[1] - y_grid[0]:.1e})")


# (ii) C(G) by integration vs -log 4 + 2 JSD
def integrate(f):
    return np.trapezoid(f, x_grid)


def value(d, p, q):
    """V(D, G) = int p log D + q log(1 - D), by the trapezoidal rule (xlogy: 0 log 0 = 0)."""
    return integrate(special.xlogy(p, d) + special.xlogy(q, 1 - d))


def jsd(p, q):
    m = 0.5 * (p + q)
    kl_pm = integrate(special.xlogy(p, p) - special.xlogy(p, m))
    kl_qm = integrate(special.xlogy(q, q) - special.xlogy(q, m))
    return 0.5 * kl_pm + 0.5 * kl_qm


c_of_g = value(d_star, p_data, p_g)
jsd_value = jsd(p_data, p_g)
print(f"integrals of the densities       : {integrate(p_data):.6f}, {integrate(p_g):.6f}")
print(f"C(G) = V(D*, G) by integration   : {c_of_g:.6f}")
print(f"-log 4 + 2 JSD(p_data || p_g)    : {-np.log(4) + 2 * jsd_value:.6f}   (JSD = {jsd_value:.6f})")
print(f"C at p_g = p_data                : {value(np.full_like(p_data, 0.5), p_data, p_data):.6f}"
      f"   (-log 4 = {-np.log(4):.6f})")
results.record("c_of_g_integral", c_of_g, unit="nats", description="C(G)=V(D*,G) by integration, 1-D example")
results.record("c_of_g_jsd_formula", -np.log(4) + 2 * jsd_value, unit="nats",
               description="-log 4 + 2 JSD for the same densities")

# %% [markdown]
# The formula can also be reached by *learning*: a small network trained to maximise $V$ (here by full-batch Adam
# on the grid integral, so that sampling noise does not blur the comparison) should approach $D^*$ wherever
# there is probability mass, and its $V$ should approach $C(G)$ from below.

# %%
fit_x = tf.constant(x_grid[:, None], tf.float32)
fit_p = tf.constant(p_data, tf.float32)
fit_q = tf.constant(p_g, tf.float32)
weights = tf.constant(np.gradient(x_grid), tf.float32)  # quadrature weights dx
d_fit = make_discriminator(hidden=32, name="d_fit")
d_fit_opt = keras.optimizers.Adam(learning_rate=0.01)


@tf.function
def d_fit_step():
    with tf.GradientTape() as tape:
        logits = d_fit(fit_x)[:, 0]
        # -V = int p_data * (-log sigmoid(a)) + p_g * (-log(1 - sigmoid(a))) = int p*softplus(-a) + q*softplus(a)
        neg_v = tf.reduce_sum(weights * (fit_p * tf.nn.softplus(-logits) + fit_q * tf.nn.softplus(logits)))
    grads = tape.gradient(neg_v, d_fit.trainable_variables)
    d_fit_opt.apply_gradients(zip(grads, d_fit.trainable_variables, strict=True))
    return neg_v


start = time.perf_counter()
for _ in range(DISC_FIT_STEPS):
    neg_v = d_fit_step()
d_learned = special.expit(d_fit.predict(x_grid[:, None], batch_size=len(x_grid), verbose=0)[:, 0])
mass = (p_data + p_g) > 1e-3  # where the comparison is meaningful
fit_error = float(np.max(np.abs(d_learned - d_star)[mass]))
print(f"{DISC_FIT_STEPS} steps in {time.perf_counter() - start:.1f} s")
print(f"V(trained D) = {value(d_learned, p_data, p_g):.5f}  <=  C(G) = {c_of_g:.5f}")
print(f"max |D_trained - D*| where p_data + p_g > 1e-3: {fit_error:.3f}")
results.record("trained_d_max_error", fit_error, description="max |D_trained - D*| on the 1-D example")

# %%
fig, ax = plt.subplots(figsize=(7, 3.6))
ax.plot(x_grid, p_data, color="black", label=r"$p_\mathrm{data}$")
ax.plot(x_grid, p_g, color="tab:orange", label=r"$p_g$")
ax.plot(x_grid, d_star, color="tab:blue", lw=2.5, alpha=0.5, label=r"$D^* = p_\mathrm{data}/(p_\mathrm{data}+p_g)$")
ax.plot(x_grid[xs][::4], d_argmax[::4], "o", ms=3, color="tab:blue", label="grid argmax of $a\\log y+b\\log(1-y)$")
ax.plot(x_grid, d_learned, "--", color="tab:red", label="network trained to maximise $V$")
ax.set_xlim(-5, 6)
ax.set_xlabel("$x$")
ax.set_title("The optimal discriminator: formula, brute force and a trained network")
ax.legend(fontsize=8, loc="upper left")
utils.save_figure(fig, "03_optimal_discriminator")
plt.show()

# %% [markdown]
# Formula and brute force agree to the $y$-grid step. The trained network follows $D^*$ closely where the
# densities are large; its largest deviation (printed above) sits in the tails, where $V$ hardly depends on $D$
# because there is almost no mass to classify. Far out the network is free to do anything.
#
# ## 3. Saturation: why the generator should not minimise $\log(1 - D(G(z)))$
#
# Early in training the generator is poor and the discriminator rejects its samples confidently: $D(G(z))
# \approx 0$. Write $D = \sigma(a)$ with $a$ the discriminator's logit on a generated sample. The generator's
# gradient reaches its parameters only through $\partial \mathcal L_G/\partial a$ (chain rule:
# $\nabla_\theta \mathcal L_G = \frac{\partial \mathcal L_G}{\partial a}\,\nabla_\theta a$), and since
# $\sigma'(a) = \sigma(a)(1-\sigma(a))$:
#
# | generator loss | $\mathcal L_G(a)$ | $\partial \mathcal L_G / \partial a$ | as $D(G(z)) \to 0$ |
# |---|---|---|---|
# | minimax (the article's $L_G$) | $\log(1 - \sigma(a))$ | $-\sigma(a) = -D$ | $\to 0$: no signal |
# | non-saturating | $-\log \sigma(a)$ | $-(1 - \sigma(a)) = -(1-D)$ | $\to -1$: full signal |
#
# Both push $a$ up (both derivatives are negative) and both have the same fixed points, but the minimax loss
# gives almost no gradient exactly when the generator most needs it. Goodfellow et al. (2014, §3) point this out
# and recommend training $G$ to maximise $\log D(G(z))$ instead. The cell measures both derivatives with
# `tf.GradientTape` for $D(G(z))$ from $10^{-4}$ to $0.5$ and compares them with the closed forms.

# %% tags=["nbval-check-output"]
table_d = np.array([1e-4, 1e-3, 1e-2, 1e-1, 0.5])  # printed below
d_values = np.concatenate([np.logspace(-4, np.log10(0.5), 60), table_d])
a = tf.Variable(special.logit(d_values), dtype=tf.float64)  # float64 so the comparison is not rounding-limited
with tf.GradientTape(persistent=True) as tape:
    loss_minimax = tf.math.log(1.0 - tf.sigmoid(a))  # what the generator minimises in the minimax game
    loss_nonsat = -tf.math.log(tf.sigmoid(a))  # Goodfellow et al.'s recommended alternative
grad_minimax = tape.gradient(loss_minimax, a).numpy()
grad_nonsat = tape.gradient(loss_nonsat, a).numpy()
del tape

err_mm = np.max(np.abs(grad_minimax - (-d_values)))
err_ns = np.max(np.abs(grad_nonsat - (-(1 - d_values))))
print(f"max |tape - closed form|: minimax {err_mm:.1e}, non-saturating {err_ns:.1e}")
print("D(G(z))   |dL/da| minimax   |dL/da| non-saturating   ratio")
for j, d in enumerate(table_d, start=len(d_values) - len(table_d)):
    print(f"{d:7.0e}   {abs(grad_minimax[j]):16.4e}   {abs(grad_nonsat[j]):22.4f}   "
          f"{abs(grad_nonsat[j] / grad_minimax[j]):7.1f}")
i_1e3 = len(d_values) - len(table_d) + 1  # the entry D(G(z)) = 1e-3
results.record("grad_minimax_at_d_0p001", abs(grad_minimax[i_1e3]),
               description="|d log(1-D)/da| at D(G(z))=1e-3, tf.GradientTape")
results.record("grad_nonsat_at_d_0p001", abs(grad_nonsat[i_1e3]),
               description="|d(-log D)/da| at D(G(z))=1e-3, tf.GradientTape")

# %%
order = np.argsort(d_values)
fig, ax = plt.subplots(figsize=(6, 3.8))
ax.loglog(d_values[order], np.abs(grad_minimax[order]), lw=2.5, alpha=0.6,
          label=r"minimax $\log(1-D)$: tape")
ax.loglog(d_values[order], np.abs(grad_nonsat[order]), lw=2.5, alpha=0.6,
          label=r"non-saturating $-\log D$: tape")
ax.loglog(d_values[order][::5], d_values[order][::5], "k.", label=r"closed form $\sigma(a)$")
ax.loglog(d_values[order][::5], 1 - d_values[order][::5], "kx", ms=4, label=r"closed form $1-\sigma(a)$")
ax.set_xlabel(r"$D(G(z)) = \sigma(a)$")
ax.set_ylabel(r"$|\partial \mathcal{L}_G / \partial a|$")
ax.set_title("Gradient reaching the generator through the logit")
ax.legend(fontsize=8)
utils.save_figure(fig, "03_saturating_gradients")
plt.show()

# %% [markdown]
# At $D(G(z)) = 10^{-3}$ the minimax loss passes on about a thousandth of the gradient that the non-saturating
# loss passes on. The price of the switch: with the optimal discriminator the non-saturating loss no longer
# minimises the Jensen–Shannon divergence but a different combination ($\mathrm{KL}(p_g\,\|\,p_\mathrm{data}) -
# 2\,\mathrm{JSD}$, Arjovsky & Bottou 2017, Thm. 2.5), which favours dropping modes over covering them.
#
# ## 4. Goodfellow et al.'s Algorithm 1 as an explicit training loop
#
# Algorithm 1 of the paper, with our loss names:
#
# > **for** each training iteration:
# > &nbsp;&nbsp;**for** $k$ steps: draw $m$ noise vectors $z \sim p_z$ and $m$ **real** samples $x \sim
# > p_\mathrm{data}$; update $D$ by descending $\mathcal L_D = \mathrm{BCE}(1, a(x)) + \mathrm{BCE}(0,
# > a(G(z)))$ (= ascending $V$).
# > &nbsp;&nbsp;Draw $m$ **fresh** noise vectors; update $G$ by descending its loss.
#
# The paper states the generator step with $\log(1-D(G(z)))$ and recommends $-\log D(G(z))$ in practice;
# `GEN_LOSS` chooses (default: non-saturating, $\mathrm{BCE}(1, a(G(z)))$). Each step is a `tf.function`, every
# loss is called as `loss(y_true, y_pred)` on logits, and the data come from the target
# $p_\mathrm{data} = \mathcal N(4, 0.5^2)$ (with the default parameters), never from noise as in the article's §4.
# The noise is $z \sim \mathcal U(-1, 1)$, so $G$ must learn a nonlinear map from a uniform to a Gaussian. The paper
# allows any gradient-based learning rule; we use Adam ($\beta_1 = 0.5$) with a cosine decay of the learning rate
# (`LR_DECAY`): with a constant rate our runs kept oscillating around the target (exercise 2 lets you see it).


# %%
def train_gan(seed, steps=TRAIN_STEPS, snapshot_steps=(), eval_x=None):
    """Algorithm 1 on the 1-D target. Returns the generator, the discriminator, the loss history and snapshots."""
    utils.set_seed(seed)
    rng = np.random.default_rng(seed)  # draws the real minibatches and the noise
    gen, disc = make_generator(), make_discriminator()

    def rate(n_updates):
        return keras.optimizers.schedules.CosineDecay(LEARNING_RATE, n_updates, alpha=0.02) if LR_DECAY \
            else LEARNING_RATE

    opt_g = keras.optimizers.Adam(rate(steps), beta_1=0.5)
    opt_d = keras.optimizers.Adam(rate(steps * D_STEPS), beta_1=0.5)
    loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)

    @tf.function
    def d_step(x_real, z):
        with tf.GradientTape() as tape:
            logits_real = disc(x_real, training=True)
            logits_fake = disc(gen(z, training=True), training=True)
            loss_d = (loss_fn(tf.ones_like(logits_real), logits_real)
                      + loss_fn(tf.zeros_like(logits_fake), logits_fake))
        grads = tape.gradient(loss_d, disc.trainable_variables)
        opt_d.apply_gradients(zip(grads, disc.trainable_variables, strict=True))
        return loss_d

    @tf.function
    def g_step(z):
        with tf.GradientTape() as tape:
            logits_fake = disc(gen(z, training=True), training=True)
            if GEN_LOSS == "non_saturating":
                loss_g = loss_fn(tf.ones_like(logits_fake), logits_fake)  # -E log D(G(z))
            else:
                loss_g = -loss_fn(tf.zeros_like(logits_fake), logits_fake)  # E log(1 - D(G(z)))
        grads = tape.gradient(loss_g, gen.trainable_variables)
        opt_g.apply_gradients(zip(grads, gen.trainable_variables, strict=True))
        return loss_g, tf.reduce_mean(tf.sigmoid(logits_fake))

    def noise(n):
        return rng.uniform(-1.0, 1.0, size=(n, NOISE_DIM)).astype("float32")

    history = {"loss_d": [], "loss_g": [], "mean_d_fake": []}
    snapshots = {}
    for step in range(steps + 1):
        if step in snapshot_steps:
            snapshots[step] = (gen(noise(EVAL_SAMPLES)).numpy()[:, 0],  # one batch: small models, small data
                               tf.sigmoid(disc(eval_x)).numpy()[:, 0])
        if step == steps:
            break
        for _ in range(D_STEPS):
            x_real = rng.normal(TARGET_MEAN, TARGET_STD, size=(BATCH_SIZE, 1)).astype("float32")
            loss_d = d_step(x_real, noise(BATCH_SIZE))
        loss_g, mean_d_fake = g_step(noise(BATCH_SIZE))
        history["loss_d"].append(float(loss_d))
        history["loss_g"].append(float(loss_g))
        history["mean_d_fake"].append(float(mean_d_fake))
    samples = gen(noise(EVAL_SAMPLES)).numpy()[:, 0]
    return {"gen": gen, "disc": disc, "history": history, "snapshots": snapshots, "samples": samples}


# %% [markdown]
# We train `N_SEEDS` independent runs (seeds `SEED`, `SEED+1`, …) and keep snapshots of the first. The fit is
# measured by the 1-D Wasserstein distance $W_1$ between `EVAL_SAMPLES` generated and as many fresh target
# samples (`scipy.stats.wasserstein_distance`), printed beside its floor: $W_1$ between two independent target
# samples of the same size, which is what a perfect generator would score.

# %%
x_plot = np.linspace(-2.0, 7.0, 400)
snapshot_steps = sorted({0, TRAIN_STEPS // 30, TRAIN_STEPS // 10, TRAIN_STEPS // 3, TRAIN_STEPS})
eval_rng = np.random.default_rng(SEED + 1000)
runs, rows = [], []
start = time.perf_counter()
for i in range(N_SEEDS):
    run = train_gan(SEED + i, snapshot_steps=snapshot_steps if i == 0 else (), eval_x=x_plot[:, None].astype("float32"))
    target_a = eval_rng.normal(TARGET_MEAN, TARGET_STD, EVAL_SAMPLES)
    target_b = eval_rng.normal(TARGET_MEAN, TARGET_STD, EVAL_SAMPLES)
    run["w1"] = stats.wasserstein_distance(run["samples"], target_a)
    run["w1_floor"] = stats.wasserstein_distance(target_b, target_a)
    runs.append(run)
    print(f"seed {SEED + i}: mean {run['samples'].mean():.3f}, std {run['samples'].std():.3f}, "
          f"W1 {run['w1']:.4f} (floor {run['w1_floor']:.4f}), "
          f"last-10% mean D(G(z)) {np.mean(run['history']['mean_d_fake'][-TRAIN_STEPS // 10:]):.3f}")
train_seconds = time.perf_counter() - start
print(f"{N_SEEDS} runs of {TRAIN_STEPS} generator steps (k = {D_STEPS}) in {train_seconds:.1f} s; "
      f"target mean {TARGET_MEAN}, std {TARGET_STD}")

# %%
w1s = np.array([r["w1"] for r in runs])
means = np.array([r["samples"].mean() for r in runs])
stds = np.array([r["samples"].std() for r in runs])
floor = np.mean([r["w1_floor"] for r in runs])
print(f"over {N_SEEDS} seeds: W1 = {w1s.mean():.4f} ± {w1s.std(ddof=1) if N_SEEDS > 1 else 0:.4f} "
      f"(floor {floor:.4f}); mean {means.mean():.3f} ± {means.std():.3f}; std {stds.mean():.3f} ± {stds.std():.3f}")
results.record("gan_1d_w1_mean", w1s.mean(), description=f"W1(G samples, target) mean over {N_SEEDS} seeds")
results.record("gan_1d_w1_std", w1s.std(ddof=1) if N_SEEDS > 1 else 0.0,
               description="sample std of W1 over seeds")
results.record("gan_1d_w1_floor", floor, description="W1 between two target samples of the same size")
results.record("gan_1d_sample_mean", means.mean(), description=f"mean of G samples (target {TARGET_MEAN})")
results.record("gan_1d_sample_std", stds.mean(), description=f"std of G samples (target {TARGET_STD})")
results.record("gan_1d_train_seconds", train_seconds, unit="s", description="wall time of all training runs")

# %%
target_pdf = gauss(x_plot, TARGET_MEAN, TARGET_STD)
fig, axes = plt.subplots(1, len(snapshot_steps), figsize=(2.6 * len(snapshot_steps), 3.1), sharey=True,
                         layout="constrained")
for ax, step in zip(axes, snapshot_steps, strict=True):
    samples, d_curve = runs[0]["snapshots"][step]
    ax.hist(samples, bins=np.linspace(-2, 7, 91), density=True, color="tab:orange", alpha=0.6, label="$p_g$ (G)")
    ax.plot(x_plot, target_pdf, color="black", label=r"$p_\mathrm{data}$")
    ax.plot(x_plot, d_curve, "--", color="tab:blue", label="$D(x)$")
    ax.set_ylim(0, 1.3)
    ax.set_title(f"step {step}")
    ax.set_xlabel("$x$")
axes[0].legend(fontsize=7, loc="upper left")
fig.suptitle(f"Seed {SEED}: generator density and discriminator during training")
utils.save_figure(fig, "03_gan_1d_training")
plt.show()

# %%
def smooth(v, w=50):
    v = np.asarray(v)
    w = max(1, min(w, len(v) // 5))
    return np.convolve(v, np.ones(w) / w, mode="valid")


fig, axes = plt.subplots(1, 2, figsize=(10, 3.2))
for i, run in enumerate(runs):
    axes[0].plot(smooth(run["history"]["loss_d"]), color="tab:blue", alpha=0.7, label="$\\mathcal{L}_D$" * (i == 0))
    axes[0].plot(smooth(run["history"]["loss_g"]), color="tab:orange", alpha=0.7,
                 label="$\\mathcal{L}_G$" * (i == 0))
    axes[1].plot(smooth(run["history"]["mean_d_fake"]), alpha=0.8, label=f"seed {SEED + i}")
axes[0].axhline(2 * np.log(2), color="k", ls=":", label=r"$2\log 2$ (equilibrium $\mathcal{L}_D$)")
axes[0].axhline(np.log(2), color="gray", ls=":", label=r"$\log 2$")
axes[0].set_xlabel("generator step")
axes[0].set_title("losses (moving average)")
axes[0].legend(fontsize=7)
axes[1].axhline(0.5, color="k", ls=":")
axes[1].set_xscale("symlog", linthresh=10)
axes[1].set_xlim(left=0)
axes[1].set_xlabel("generator step")
axes[1].set_title("mean $D(G(z))$ on the generator's batch")
axes[1].legend(fontsize=7)
utils.save_figure(fig, "03_gan_1d_losses")
plt.show()

# %% [markdown]
# What the runs show. The generator's density moves from its start near 0 onto the target, and $D(x)$ flattens
# towards $1/2$ where the two densities agree, as Proposition 1 predicts. At equilibrium $\mathcal L_D = 2\log 2$
# and the non-saturating $\mathcal L_G = \log 2$; after a few hundred steps the losses sit on those values while
# the generator is still improving, which is why GAN losses are poor progress indicators.
#
# With the default parameters the three seeds gave $W_1 = 0.081 \pm 0.018$ (mean ± sample std), sample mean
# $3.994$ and standard deviation $0.459$ (target 4 and 0.5), against a sampling floor of $0.006$. So the fit is
# good but well above the floor. Part of the gap is structural: a ReLU network applied to a bounded $z \in
# (-1, 1)$ has a bounded output, so $G$ cannot produce the Gaussian's tails (see the cut-off histogram at step
# 3000). Note also that in this toy $D(G(z))$ never dropped below about $0.4$: the discriminator starts near
# $1/2$ and the generator moves quickly, so the saturation of section 3 does not bite here. It does when the
# generator starts far from the data and $D$ becomes confident (exercise 2).
#
# ## 5. Why GAN training is hard, and the Wasserstein idea
#
# ### 5.1 Non-convergence: gradient steps on a game can circle or spiral
#
# The theory of section 2 describes the *solution* of the game, not whether gradient steps find it. The smallest
# counter-example is the bilinear game $\min_x \max_y\, xy$, whose only equilibrium is $(0, 0)$. Simultaneous
# gradient descent–ascent with step $\eta$ is $x_{t+1} = x_t - \eta y_t$, $y_{t+1} = y_t + \eta x_t$: the update
# matrix $\begin{pmatrix}1 & -\eta\\ \eta & 1\end{pmatrix}$ has eigenvalues $1 \pm i\eta$ of modulus
# $\sqrt{1+\eta^2} > 1$, so the distance to the equilibrium grows by exactly $(1+\eta^2)^{1/2}$ per step.
# Alternating updates ($y$ uses the new $x$, as Algorithm 1 does) have a matrix of determinant 1 and stay on a
# closed orbit: they neither diverge nor converge. Mescheder et al. (2018) show the same behaviour for a GAN
# with one parameter per player and study which regularisers make it converge.

# %% tags=["nbval-check-output"]
eta, n_steps = 0.1, 300
sim, alt = np.zeros((n_steps + 1, 2)), np.zeros((n_steps + 1, 2))
sim[0] = alt[0] = (1.0, 1.0)
for t in range(n_steps):
    x_, y_ = sim[t]
    sim[t + 1] = (x_ - eta * y_, y_ + eta * x_)  # both players use the old values
    x_, y_ = alt[t]
    x_new = x_ - eta * y_
    alt[t + 1] = (x_new, y_ + eta * x_new)  # y responds to the new x
r_sim, r_alt = np.linalg.norm(sim, axis=1), np.linalg.norm(alt, axis=1)
print(f"simultaneous: |(x, y)| after {n_steps} steps = {r_sim[-1]:.4f}; "
      f"predicted sqrt(2) * (1 + eta^2)^(t/2) = {np.sqrt(2) * (1 + eta**2) ** (n_steps / 2):.4f}")
print(f"alternating : |(x, y)| stays in [{r_alt.min():.4f}, {r_alt.max():.4f}]; "
      f"closest approach to (0, 0) = {r_alt.min():.4f}")

# %%
fig, ax = plt.subplots(figsize=(4.6, 4.4))
ax.plot(sim[:, 0], sim[:, 1], lw=1, label="simultaneous (spirals out)")
ax.plot(alt[:, 0], alt[:, 1], lw=1, label="alternating (cycles)")
ax.plot(0, 0, "k*", ms=10, label="equilibrium (0, 0)")
ax.plot(1, 1, "ko", ms=4)
ax.set_aspect("equal")
ax.set_xlabel("$x$ (minimiser)")
ax.set_ylabel("$y$ (maximiser)")
ax.set_title(r"Gradient play on $\mathrm{min}_x\,\mathrm{max}_y\ xy$, $\eta = 0.1$")
ax.legend(fontsize=8, loc="lower left")
utils.save_figure(fig, "03_bilinear_game")
plt.show()

# %% [markdown]
# ### 5.2 Mode collapse: the generator's best response to a fixed discriminator is a point
#
# Algorithm 1 never solves $\max_D$ exactly before moving $G$. If $D$ is held fixed, the generator's best
# response minimises $\mathbb E_{x\sim p_g}[-\log D(x)]$, and the minimiser over all distributions puts **all**
# its mass at $\arg\max_x D(x)$: a single point. The cell takes a two-mode target, a generator density between
# the modes, the corresponding $D^*$, and searches the Gaussians $\mathcal N(\mu, s^2)$ for the best response.

# %% tags=["nbval-check-output"]
p_two = 0.5 * gauss(x_grid, -2.0, 0.3) + 0.5 * gauss(x_grid, 2.0, 0.3)  # two-mode target
p_mid = gauss(x_grid, 0.0, 1.5)  # current generator: between the modes
d_fixed = p_two / (p_two + p_mid)
best = (np.inf, None, None)
for mu in np.linspace(-4, 4, 161):
    for s in [0.01, 0.05, 0.1, 0.3, 0.5, 1.0, 1.5]:
        q = gauss(x_grid, mu, s)
        loss = integrate(q * -np.log(np.clip(d_fixed, 1e-300, None))) / integrate(q)
        if loss < best[0]:
            best = (loss, mu, s)
left, right = x_grid < 0, x_grid > 0
peak_left, peak_right = x_grid[left][np.argmax(d_fixed[left])], x_grid[right][np.argmax(d_fixed[right])]
print(f"best response N(mu={best[1]:.2f}, s={best[2]}), loss {best[0]:.4f}")
print(f"the fixed D peaks at x = {peak_left:.2f} and {peak_right:.2f} (D = {d_fixed.max():.4f}); "
      "target modes at -2 and +2")

# %% [markdown]
# The best response is the narrowest Gaussian on offer, sitting where $D$ peaks: just outside one of the two
# target modes (the two peaks tie by symmetry; the search keeps one). Only the discriminator's next update can
# punish this; if it does, $G$ jumps elsewhere ("mode hopping"), and if $D$ lags, $G$ keeps one mode. This is the
# mechanism of mode collapse (Goodfellow 2016). Notebook [24_gan_failure_modes](24_gan_failure_modes.ipynb) shows it
# happening in training on a ring of Gaussians, over several seeds.
#
# ### 5.3 Disjoint supports and the Wasserstein distance
#
# Real data lie near low-dimensional sets, and early in training $p_g$ and $p_\mathrm{data}$ hardly overlap. For
# disjoint supports $D^* = 1$ on the data and $0$ on the fakes, and $\mathrm{JSD} = \log 2$ **whatever the
# distance between them**: $C(G)$ is flat, so it gives the generator no direction (Arjovsky & Bottou 2017;
# Arjovsky et al. 2017, Example 1). The earth mover's (Wasserstein-1) distance
#
# $$W_1(p, q) = \inf_{\gamma \in \Pi(p, q)} \mathbb{E}_{(x, y)\sim\gamma}\,\|x - y\|$$
#
# (the cheapest way to move the mass of $p$ onto $q$; $\Pi(p,q)$ is the set of joint distributions with marginals
# $p$ and $q$) grows with that distance. The cell compares both for two point masses $\delta_0, \delta_\theta$
# and for two narrow Gaussians $\mathcal N(0, 0.05^2)$, $\mathcal N(\theta, 0.05^2)$. In 1-D, $W_1 = \int |F_p -
# F_q|\,dx$, which we integrate on the grid.

# %% tags=["nbval-check-output"]
sigma = 0.05
x_fine = np.linspace(-1.0, 3.0, 40001)
print("theta   JSD(points)  W1(points)   JSD(Gaussians)  W1(Gaussians)")
thetas = np.linspace(0.0, 2.0, 81)
jsd_g, w1_g = [], []
for theta in thetas:
    p0, p1 = gauss(x_fine, 0.0, sigma), gauss(x_fine, theta, sigma)
    m = 0.5 * (p0 + p1)
    kl = [np.trapezoid(special.xlogy(p, p) - special.xlogy(p, m), x_fine) for p in (p0, p1)]
    jsd_g.append(0.5 * kl[0] + 0.5 * kl[1])
    w1_g.append(np.trapezoid(np.abs(stats.norm.cdf(x_fine, 0, sigma) - stats.norm.cdf(x_fine, theta, sigma)), x_fine))
    if np.isclose(theta, [0.0, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0]).any():
        atoms = np.array([0.0, theta])  # the support points of the two point masses
        w_p, w_q = (atoms == 0.0).astype(float), (atoms == theta).astype(float)
        jsd_points = jensenshannon(w_p / w_p.sum(), w_q / w_q.sum()) ** 2 if theta > 0 else 0.0
        w1_points = stats.wasserstein_distance([0.0], [theta])
        print(f"{theta:5.2f}   {jsd_points:11.6f}  {w1_points:10.4f}   {jsd_g[-1]:14.6f}  {w1_g[-1]:13.4f}")
print(f"log 2 = {np.log(2):.6f}")
results.record("jsd_disjoint_gaussians_theta_1", jsd_g[int(np.argmin(np.abs(thetas - 1.0)))], unit="nats",
               description="JSD(N(0,0.05^2), N(1,0.05^2)); log 2 = 0.6931")

# %%
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(thetas, jsd_g, label=r"$\mathrm{JSD}$ (nats)")
ax.plot(thetas, w1_g, label=r"$W_1$")
ax.axhline(np.log(2), color="gray", ls=":", label=r"$\log 2$")
ax.set_xlabel(r"shift $\theta$ between $\mathcal{N}(0, 0.05^2)$ and $\mathcal{N}(\theta, 0.05^2)$")
ax.set_title("JSD saturates once the bumps stop overlapping; $W_1$ keeps growing")
ax.legend(fontsize=8)
utils.save_figure(fig, "03_jsd_vs_w1")
plt.show()

# %% [markdown]
# From $\theta = 10\sigma = 0.5$ on, the JSD is within $10^{-6}$ of $\log 2$: moving the generator's mass
# closer to the data (from $\theta = 2$ to $\theta = 0.5$) does not change it at all, so its gradient is zero.
# $W_1 = \theta$ decreases steadily all the way.
#
# **Kantorovich–Rubinstein duality** (Villani 2009, Remark 6.5) turns the infimum over couplings into a supremum
# over functions:
#
# $$W_1(p, q) = \sup_{\|f\|_L \le 1}\ \mathbb{E}_{x\sim p}[f(x)] - \mathbb{E}_{x\sim q}[f(x)],$$
#
# the supremum running over 1-Lipschitz functions $f$. A WGAN (Arjovsky et al. 2017) trains a **critic** $f$ (a
# network with an unbounded real output, no sigmoid) to approximate this supremum and the generator to decrease
# it. The critic must be kept (approximately) 1-Lipschitz: the WGAN paper clips its weights; WGAN-GP (Gulrajani
# et al. 2017) instead penalises $\lambda\,\mathbb{E}_{\hat x}[(\|\nabla_{\hat x} f(\hat x)\| - 1)^2]$ at points
# $\hat x$ between real and generated samples. For a shift in 1-D the best critic is simply $f(x) = \pm x$ — the
# cell checks that it attains $W_1$.

# %% tags=["nbval-check-output"]
theta = 0.7
p0, p1 = gauss(x_fine, 0.0, sigma), gauss(x_fine, theta, sigma)
dual = np.trapezoid(x_fine * p1, x_fine) - np.trapezoid(x_fine * p0, x_fine)  # f(x) = x, E_p1 f - E_p0 f
primal = np.trapezoid(np.abs(stats.norm.cdf(x_fine, 0, sigma) - stats.norm.cdf(x_fine, theta, sigma)), x_fine)
print(f"theta = {theta}: critic f(x)=x gives {dual:.6f}; W1 from the CDFs = {primal:.6f}")

# %% [markdown]
# Notebook [23_wgan_gp](23_wgan_gp.ipynb) trains a WGAN-GP critic on images; notebook
# [24_gan_failure_modes](24_gan_failure_modes.ipynb) compares the fixes on the failure modes above.

# %% [markdown]
# ## Summary
#
# - $V(D,G) = \mathbb E_x[\log D(x)] + \mathbb E_z[\log(1-D(G(z)))]$ is maximised by $D$ and minimised by $G$.
#   The article's $L_D$ is $V$ itself, a log-likelihood; the loss to minimise is $-V$, the binary cross-entropy
#   with labels 1 (real) and 0 (fake), written `bce(y_true, logits)` with `from_logits=True`.
# - The article's $D$ uses its own output in its definition; a discriminator is an ordinary network of $x$,
#   e.g. $\sigma(w_4^\top \mathrm{ReLU}(W_3x+b_3)+b_4)$.
# - For fixed $G$, $D^* = p_\mathrm{data}/(p_\mathrm{data}+p_g)$ (pointwise maximum of $a\log y + b\log(1-y)$)
#   and $C(G) = -\log 4 + 2\,\mathrm{JSD}$; both checked numerically to the grid's precision, and a trained
#   network reaches $D^*$ where there is mass.
# - $\partial \log(1-\sigma(a))/\partial a = -\sigma(a)$ vanishes when $D(G(z))\to 0$; the non-saturating loss
#   gives $-(1-\sigma(a))$. Measured at $D(G(z)) = 10^{-3}$: $10^{-3}$ against $0.999$.
# - Algorithm 1 as a `tf.GradientTape` loop learns $\mathcal N(4, 0.5^2)$: $W_1 = 0.081 \pm 0.018$ over three
#   seeds (default run), good but an order of magnitude above the sampling floor of $0.006$.
# - Gradient play need not converge (bilinear game), best responses collapse onto points (mode collapse), and the
#   JSD is flat for disjoint supports; $W_1$ is not, which motivates WGAN and WGAN-GP.
#
# ## Exercises

# %% [markdown]
# **Exercise 1 (optimal discriminator with unequal classes).** Suppose the discriminator sees real samples with
# probability $\pi$ and generated ones with probability $1-\pi$, i.e. it maximises $V_\pi = \pi\,\mathbb
# E_x[\log D(x)] + (1-\pi)\,\mathbb E_z[\log(1-D(G(z)))]$. Derive $D^*_\pi$ and check it on the grid of section 2
# with $\pi = 0.8$ by brute-force maximisation.

# %% tags=["solution"]
# Pointwise: maximise pi*p log y + (1-pi)*q log(1-y)  ->  y = pi*p / (pi*p + (1-pi)*q).
pi = 0.8
d_star_pi = pi * p_data / (pi * p_data + (1 - pi) * p_g)
objective_pi = pi * p_data[xs, None] * np.log(y_grid) + (1 - pi) * p_g[xs, None] * np.log1p(-y_grid)
print(f"max |grid argmax - D*_pi| = {np.max(np.abs(y_grid[np.argmax(objective_pi, axis=1)] - d_star_pi[xs])):.1e}")

# %% [markdown]
# **Exercise 2 (saturation in training).** Re-run section 4 with `GEN_LOSS = "minimax"` and then with
# `TARGET_MEAN = 10.0` for both losses (the generator starts far from the data). Compare the curves of mean
# $D(G(z))$ and the final $W_1$. In which setting does the minimax loss fail, and does the plot of section 3
# explain why?

# %% [markdown]
# **Exercise 3 (alternating updates).** Show that for the alternating updates of section 5.1 the quantity
# $x^2 + y^2 - \eta\,xy$ is conserved, so the iterates stay on an ellipse. Check it numerically on `alt`.

# %% tags=["solution"]
invariant = alt[:, 0] ** 2 + alt[:, 1] ** 2 - eta * alt[:, 0] * alt[:, 1]
print(f"x^2 + y^2 - eta*x*y along the alternating run: min {invariant.min():.10f}, max {invariant.max():.10f}")

# %% [markdown]
# **Exercise 4 (two modes).** Replace the target of section 4 by the mixture $\tfrac12\mathcal N(-2, 0.3^2) +
# \tfrac12\mathcal N(2, 0.3^2)$ (change the two sampling lines in `train_gan`). Over three seeds, how often does
# the generator cover both modes, and what does it put between them? Relate your answer to section 5.2.

# %%
total_seconds = time.perf_counter() - notebook_start
results.record("notebook_seconds", total_seconds, unit="s", description="wall time from the parameters cell on")
print(f"notebook body ran in {total_seconds:.0f} s")

# %% [markdown]
# ## References
#
# - Goodfellow, I., Pouget-Abadie, J., Mirza, M., Xu, B., Warde-Farley, D., Ozair, S., Courville, A., Bengio, Y.
#   (2014). Generative adversarial nets. *Advances in Neural Information Processing Systems 27 (NeurIPS 2014)*.
#   Eq. 1, Algorithm 1, Proposition 1, Theorem 1, §3 on the non-saturating loss.
# - Goodfellow, I. (2016). NIPS 2016 tutorial: Generative adversarial networks. arXiv:1701.00160.
# - Arjovsky, M., Bottou, L. (2017). Towards principled methods for training generative adversarial networks.
#   *International Conference on Learning Representations (ICLR 2017)*.
# - Arjovsky, M., Chintala, S., Bottou, L. (2017). Wasserstein generative adversarial networks. *Proceedings of
#   the 34th International Conference on Machine Learning (ICML 2017)*, PMLR 70.
# - Gulrajani, I., Ahmed, F., Arjovsky, M., Dumoulin, V., Courville, A. (2017). Improved training of Wasserstein
#   GANs. *Advances in Neural Information Processing Systems 30 (NeurIPS 2017)*.
# - Mescheder, L., Geiger, A., Nowozin, S. (2018). Which training methods for GANs do actually converge?
#   *Proceedings of the 35th International Conference on Machine Learning (ICML 2018)*, PMLR 80.
# - Lin, J. (1991). Divergence measures based on the Shannon entropy. *IEEE Transactions on Information Theory*
#   37(1), 145–151.
# - Villani, C. (2009). *Optimal Transport: Old and New*. Grundlehren der mathematischen Wissenschaften 338,
#   Springer.
