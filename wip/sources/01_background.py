# %% [markdown]
# # 01 · Background: autoencoders, GANs, and where they came from
#
# Autoencoders learn to compress data into a short code and rebuild it; generative adversarial networks (GANs)
# learn to produce new data by pitting a generator against a discriminator. This notebook introduces both families
# with one picture each, sets the history straight (the source article credits the first autoencoder to "Baldi et
# al., 2006", which is wrong), lists the applications the article claims and where the course measures each, and
# takes a first look at MNIST, the data used throughout.
#
# ## Learning objectives
# - Describe an autoencoder and a GAN: their parts, their inputs and outputs, and what each is trained to do.
# - Place the key papers in time, from Rumelhart, Hinton and Williams (1986) to Wasserstein GANs (2017).
# - Know which claimed applications the course tests, and in which notebook.
# - Know the MNIST data: its size, its class balance, its pixel statistics, and why the scaling matters.
#
# ## Prerequisites
# - [00_start_here](00_start_here.ipynb): a working environment.
# - Basic neural networks: a dense layer, an activation function, gradient descent.
#
# ## Run time
# About 20 s on a 2-core CPU with the default parameters (the same on a GPU: nothing here trains a network);
# under 15 s with `FAST = True`.

# %% [markdown]
# ## Setup

# %%
import utils  # first: it starts TensorFlow quietly
import keras
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, Polygon, Rectangle
from sklearn.decomposition import PCA

# %% tags=["parameters"]
FAST = False  # True: fewer images for the PCA illustration, for the test suite
SEED = 0  # drives the random draws (example digits, noise)
CODE_SIZE = 16  # length of the code in the autoencoder picture
PCA_IMAGES = 20000  # training images used to fit the PCA that stands in for a trained autoencoder

# %%
utils.check_param("FAST", FAST, kind=bool)
utils.check_param("SEED", SEED, kind=int, low=0)
utils.check_param("CODE_SIZE", CODE_SIZE, kind=int, low=1, high=784)
utils.check_param("PCA_IMAGES", PCA_IMAGES, kind=int, low=CODE_SIZE, high=60000)
if FAST:
    PCA_IMAGES = min(PCA_IMAGES, 3000)
utils.set_seed(SEED)
rng = np.random.default_rng(SEED)
results = utils.Results("01_background", {"FAST": FAST, "SEED": SEED, "CODE_SIZE": CODE_SIZE,
                                          "PCA_IMAGES": PCA_IMAGES})
x_train, y_train = utils.load_mnist("train", scale="[0,1]")
x_test, y_test = utils.load_mnist("test", scale="[0,1]")

# %% [markdown]
# ## 1. Two families of models
#
# ### 1.1 The autoencoder
#
# An **autoencoder** is a network trained to output its own input. An *encoder* $f$ maps an input
# $x \in \mathbb{R}^{784}$ (a flattened 28×28 image) to a code $z = f(x) \in \mathbb{R}^{k}$, and a *decoder* $g$
# maps the code back to a reconstruction $\hat x = g(z)$. Both are trained together to make $\hat x$ close to $x$,
# for example by minimising the mean squared error over the training set. Because $k \ll 784$, the code cannot
# simply copy the input: it has to keep what matters most. The article writes the smallest such network, with one
# hidden layer $h$ in the encoder, as
#
# $$h = \sigma(W_1 x + b_1), \qquad z = W_2 h + b_2, \qquad \hat x = \sigma(W_3 z + b_3),$$
#
# where $\sigma$ is an element-wise activation (a sigmoid on the output keeps $\hat x$ in $(0,1)$, the range of the
# pixels). Notebook [02](02_autoencoder_theory.ipynb) takes these equations apart.
#
# The picture below uses a real digit. The reconstruction comes from principal component analysis with
# $k$ components, which is exactly what a *linear* autoencoder trained with squared error learns (Baldi and Hornik,
# 1989; shown numerically in notebook 02), so it is an honest stand-in for a trained model.

# %%
pca = PCA(n_components=CODE_SIZE, random_state=SEED)
pca.fit(x_train[:PCA_IMAGES].reshape(-1, 784))
example = x_test[0].reshape(1, 784)
code = pca.transform(example)
reconstruction = pca.inverse_transform(code).reshape(28, 28)
print(f"code of length {CODE_SIZE}: {np.array2string(code[0], precision=1, max_line_width=100)}")
print(f"reconstruction error (MSE): {np.mean((reconstruction - x_test[0, ..., 0]) ** 2):.4f}; "
      f"range of the reconstruction: [{reconstruction.min():.2f}, {reconstruction.max():.2f}]")


# %%
def draw_box(ax, x, y, w, h, text, color):
    ax.add_patch(Rectangle((x, y), w, h, facecolor=color, edgecolor="black", lw=1))
    ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=10)


def draw_funnel(ax, x, w, tall, short, text, color, narrowing=True):
    """A trapezoid: tall on the left and short on the right when narrowing (an encoder), else the reverse."""
    left, right = (tall, short) if narrowing else (short, tall)
    ax.add_patch(Polygon([(x, -left / 2), (x + w, -right / 2), (x + w, right / 2), (x, left / 2)],
                         facecolor=color, edgecolor="black", lw=1))
    ax.text(x + w / 2, 0, text, ha="center", va="center", fontsize=10)


def draw_arrow(ax, start, end):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12, color="black", lw=1))


def draw_image(ax, image, x, y, size, caption, value_range=(0, 1)):
    ax.imshow(image, cmap="gray", vmin=value_range[0], vmax=value_range[1], extent=(x, x + size, y, y + size))
    ax.text(x + size / 2, y - 0.25, caption, ha="center", va="top", fontsize=9)


def draw_vector(ax, values, x, caption):
    """A column of cells whose shade shows each value of a short vector."""
    span = np.abs(values).max() or 1.0
    height = 3.0 / len(values)
    for i, value in enumerate(values):
        ax.add_patch(Rectangle((x, 1.5 - (i + 1) * height), 0.35, height, edgecolor="black", lw=0.4,
                               facecolor=plt.cm.coolwarm(0.5 + 0.5 * value / span)))
    ax.text(x + 0.175, -1.75, caption, ha="center", va="top", fontsize=9)


def blank_canvas(width, height=4.2):
    fig, ax = plt.subplots(figsize=(width, height))
    ax.set_xlim(-0.2, width * 1.25)
    ax.set_ylim(-2.6, 2.1)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


fig, ax = blank_canvas(10)
draw_image(ax, x_test[0, ..., 0], 0, -1.5, 3, "input $x$ (784 pixels)")
draw_arrow(ax, (3.1, 0), (3.6, 0))
draw_funnel(ax, 3.7, 2.2, 3.0, 1.0, "encoder\n$f$", "#cfe2f3")
draw_arrow(ax, (6.0, 0), (6.5, 0))
draw_vector(ax, code[0], 6.6, f"code $z$\n({CODE_SIZE} numbers)")
draw_arrow(ax, (7.05, 0), (7.55, 0))
draw_funnel(ax, 7.65, 2.2, 3.0, 1.0, "decoder\n$g$", "#d9ead3", narrowing=False)
draw_arrow(ax, (9.95, 0), (10.45, 0))
draw_image(ax, np.clip(reconstruction, 0, 1), 10.55, -1.5, 3, r"reconstruction $\hat{x} = g(f(x))$")
ax.set_title("An autoencoder: squeeze the input through a short code, then rebuild it.\n"
             f"(Reconstruction here: PCA with {CODE_SIZE} components = a trained linear autoencoder; "
             "display clipped to [0,1].)", fontsize=10)
utils.save_figure(fig, "01_autoencoder_picture")

# %% [markdown]
# The reconstruction is blurry but recognisable from 16 numbers instead of 784. PCA's reconstruction is not bound
# to $[0,1]$ (see the range printed above), so the picture clips it *for display only*; a decoder with a sigmoid
# output stays in range by construction.
#
# ### 1.2 The generative adversarial network
#
# A **GAN** (Goodfellow et al., 2014) has no encoder. A *generator* $G$ maps random noise $z \sim p_z$ (say, 100
# numbers drawn from a standard normal) to an image $G(z)$. A *discriminator* $D$ maps an image to the
# probability that it is real rather than generated. The two are trained in turns: $D$ to tell real from
# generated, $G$ to make $D$ wrong. Written with one hidden layer each, a well-defined version of the article's
# equations is
#
# $$G(z) = \tanh\big(W_2\,\mathrm{ReLU}(W_1 z + b_1) + b_2\big), \qquad
#   D(x) = \sigma\big(w_4^{\top}\,\mathrm{ReLU}(W_3 x + b_3) + b_4\big).$$
#
# The article's version of $D$ contains $D_{out}$, the discriminator's own output, on its right-hand side, so it
# defines nothing; notebook [03](03_gan_theory.ipynb) derives the game, its optimum and its pitfalls. Before
# training, the generator below is a random network, so $G(z)$ is noise: everything a GAN produces is learned from
# the discriminator's feedback.

# %%
generator = keras.Sequential([keras.Input((100,)), keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(784, activation="tanh")])  # outputs in [-1, 1]
noise = rng.standard_normal((1, 100)).astype("float32")
untrained_sample = generator.predict(noise, verbose=0).reshape(28, 28)
real = x_train[rng.integers(len(x_train)), ..., 0] * 2 - 1  # the same [-1, 1] scale as tanh

fig, ax = blank_canvas(10)
draw_vector(ax, noise[0, :16], 0.2, "noise $z$\n(first 16 of 100)")
draw_arrow(ax, (0.65, 0), (1.15, 0))
draw_funnel(ax, 1.25, 2.0, 3.0, 1.0, "generator\n$G$", "#fce5cd", narrowing=False)
draw_arrow(ax, (3.35, 0), (3.85, 0))
draw_image(ax, untrained_sample, 3.95, -1.5, 1.4, "$G(z)$, fake\n(untrained: noise)", (-1, 1))
draw_image(ax, real, 3.95, 0.35, 1.4, "", (-1, 1))
ax.text(4.65, 1.85, "real $x$", ha="center", fontsize=9)
draw_arrow(ax, (5.45, 1.0), (6.55, 0.25))
draw_arrow(ax, (5.45, -0.8), (6.55, -0.25))
draw_funnel(ax, 6.65, 2.0, 3.0, 1.0, "discriminator\n$D$", "#ead1dc")
draw_arrow(ax, (8.75, 0), (9.25, 0))
ax.text(9.35, 0, "$D(\\cdot)$ = probability\nthat the input is real", va="center", fontsize=10)
ax.text(5.0, -2.4, "D learns to tell real from fake; G learns to make D call its samples real.", ha="center",
        fontsize=10)
ax.set_title("A generative adversarial network: a generator and a discriminator trained against each other",
             fontsize=10)
utils.save_figure(fig, "01_gan_picture")

# %% [markdown]
# ## 2. History, corrected
#
# The article says autoencoders were "proposed by Baldi et al. in 2006". No paper fits that description. The idea
# is two decades older, and the 2006 landmark is by other authors:
#
# - **1986.** Rumelhart, Hinton and Williams train networks by back-propagation and show networks that learn to
#   reproduce their input through a narrow hidden layer (the "encoder problem"), learning a compact internal code.
# - **1988.** Bourlard and Kamp show that for such an auto-associative network with linear output units, the best
#   weights follow from the singular value decomposition of the data, and nonlinear hidden units bring no advantage.
# - **1989.** Baldi and Hornik prove that a linear autoencoder trained with squared error has no spurious local
#   minima and that its optimum spans the principal subspace: the linear autoencoder *is* PCA.
# - **2006.** Hinton and Salakhutdinov (*Science*) train *deep* autoencoders, pre-trained layer by layer, that
#   reconstruct far better than PCA at the same code size. This is the paper the article most likely means.
# - **2008–2011.** Regularised autoencoders: denoising (Vincent et al., 2008), contractive (Rifai et al., 2011).
# - **2014.** Variational autoencoders (Kingma and Welling, 2014; Rezende et al., 2014) make the decoder a
#   probabilistic generative model. Generative adversarial networks (Goodfellow et al., 2014) are, as the article
#   says, from 2014.
# - **2016–2017.** Convolutional GANs (Radford et al., 2016), adversarial autoencoders (Makhzani et al., 2016),
#   Wasserstein GANs (Arjovsky et al., 2017; Gulrajani et al., 2017).
#
# Since about 2021, diffusion models have overtaken GANs on the standard image-synthesis benchmarks (Dhariwal and
# Nichol, 2021); autoencoders live on inside them, for example as the compressor in latent diffusion (Rombach et
# al., 2022). The course stays with AEs and GANs: they are small, fast, and teach the ideas the newer models build on.

# %%
events = [
    (1986, "Rumelhart, Hinton &\nWilliams: back-prop,\nencoder problem", "ae"),
    (1988, "Bourlard & Kamp:\nauto-association = SVD", "ae"),
    (1989, "Baldi & Hornik:\nlinear AE = PCA", "ae"),
    (2006, "Hinton & Salakhutdinov:\ndeep autoencoders\n(Science)", "ae"),
    (2008, "Vincent et al.:\ndenoising AE", "ae"),
    (2011, "Rifai et al.:\ncontractive AE", "ae"),
    (2014, "Kingma & Welling:\nVAE", "ae"),
    (2014, "Goodfellow et al.:\nGAN", "gan"),
    (2016, "Radford et al.: DCGAN\nMakhzani et al.: AAE (hybrid)", "gan"),
    (2017, "Arjovsky et al.: WGAN\nGulrajani et al.: WGAN-GP", "gan"),
    (2021, "Dhariwal & Nichol:\ndiffusion beats GANs", "other"),
]
colors = {"ae": "#3d85c6", "gan": "#e69138", "other": "#999999"}
fig, ax = plt.subplots(figsize=(12, 4.2))
ax.axhline(0, color="black", lw=1)
offsets = [1.0, -1.0, 1.9, -1.9, 1.0, -1.0, 1.9, -1.9, 1.0, -1.0, 1.9]
x_positions = np.linspace(0, 10, len(events))  # evenly spaced labels, tied to their year on the axis
for (year, label, kind), x, dy in zip(events, x_positions, offsets, strict=True):
    ax.plot([x, x], [0, dy * 0.8], color=colors[kind], lw=1)
    ax.plot(x, 0, "o", color=colors[kind])
    ax.text(x, dy, f"{year}\n{label}", ha="center", va="bottom" if dy > 0 else "top", fontsize=8,
            color=colors[kind])
ax.set_ylim(-3.6, 3.6)
ax.set_xlim(-0.8, 10.8)
ax.axis("off")
ax.set_title("Milestones (blue: autoencoders, orange: GANs). Not on the timeline: \"Baldi et al., 2006\".")
utils.save_figure(fig, "01_history_timeline")

# %% [markdown]
# ## 3. What they are used for, and where the course checks it
#
# The article lists applications without evidence. The course measures each claim instead of repeating it:
#
# | claim in the article | model | where the course tests it | what is measured |
# |---|---|---|---|
# | data compression | AE | [14](14_autoencoder_applications.ipynb) | bits per image vs distortion, against PCA |
# | feature learning | AE | [14](14_autoencoder_applications.ipynb) | accuracy of a linear classifier on codes with 100 and 1,000 labels |
# | anomaly detection | AE | [14](14_autoencoder_applications.ipynb) | ROC-AUC for a digit class never seen in training |
# | denoising | AE | [12](12_denoising_and_sparse_autoencoders.ipynb) | PSNR of noisy vs denoised images |
# | image generation | GAN, VAE | [20](20_vanilla_gan.ipynb)–[23](23_wgan_gp.ipynb), [13](13_variational_autoencoder.ipynb) | classifier Fréchet distance and score against the real-vs-real floor |
# | data augmentation | GAN | [26](26_gan_data_augmentation.ipynb) | classifier accuracy with and without generated samples, several seeds |
# | AEs and GANs together | AAE | [30](30_adversarial_autoencoder.ipynb), [31](31_ae_vs_gan_head_to_head.ipynb) | the same data and budget, compared |
#
# (Links point to notebooks that later parts of the course add; the map in [00](00_start_here.ipynb) lists
# those available in your copy.)

# %% [markdown]
# ## 4. A look at the data
#
# MNIST (LeCun et al., 1998): 70,000 grey-level images of handwritten digits, 28×28 pixels, split into 60,000 for
# training and 10,000 for testing, with a label 0–9 each. The course never tunes anything on the test set except
# where a notebook says so.

# %%
examples = np.concatenate([x_train[y_train == digit][:10] for digit in range(10)])
fig = utils.image_grid(examples, ncols=10, title="Ten training examples of each digit (rows: 0 to 9)")
utils.save_figure(fig, "01_digits_by_class")

# %% tags=["nbval-check-output"]
train_counts, test_counts = np.bincount(y_train), np.bincount(y_test)
print("digit          " + " ".join(f"{d:>5}" for d in range(10)))
print("train images   " + " ".join(f"{c:>5}" for c in train_counts))
print("test images    " + " ".join(f"{c:>5}" for c in test_counts))
print(f"largest / smallest class in train: {train_counts.max() / train_counts.min():.3f}")

# %% [markdown]
# The classes are close to balanced (the largest, digit 1, has about 24% more images than the smallest, digit 5),
# so accuracy is a fair summary for classifiers on this data.
#
# Pixels are mostly background. That matters for the losses of later notebooks: a model that outputs all zeros
# already gets most pixels right, so the mean squared error of a useless model is small in absolute terms, and a
# pixel-wise Bernoulli likelihood fits the nearly binary images well.

# %% tags=["nbval-check-output"]
pixels = x_train.reshape(-1)
zero_fraction = float(np.mean(pixels == 0))
saturated_fraction = float(np.mean(pixels == 1))
middle_fraction = 1 - zero_fraction - saturated_fraction
mean_pixel = float(pixels.mean())
print(f"pixels exactly 0 (background): {zero_fraction:.3f}")
print(f"pixels exactly 1 (full ink):   {saturated_fraction:.3f}")
print(f"pixels in between:             {middle_fraction:.3f}")
print(f"mean pixel value:              {mean_pixel:.4f}")
print(f"MSE of predicting all zeros:   {np.mean(pixels ** 2):.4f}")
print(f"MSE of predicting the mean image: {np.mean((x_train - x_train.mean(axis=0)) ** 2):.4f}")

# %%
results.record("zero_pixel_fraction", round(zero_fraction, 4), description="training pixels that are exactly 0")
results.record("mean_pixel_value", round(mean_pixel, 4), description="mean training pixel in [0,1] scale")
results.record("mse_mean_image_baseline", round(float(np.mean((x_train - x_train.mean(axis=0)) ** 2)), 4),
               description="MSE of reconstructing every training image by the mean image")

fig, axes = plt.subplots(1, 2, figsize=(11, 3.3))
axes[0].bar(np.arange(10) - 0.2, train_counts / train_counts.sum(), width=0.4, label="train")
axes[0].bar(np.arange(10) + 0.2, test_counts / test_counts.sum(), width=0.4, label="test")
axes[0].set_xticks(range(10))
axes[0].set_xlabel("digit")
axes[0].set_ylabel("share of the split")
axes[0].legend()
axes[0].set_title("Class balance")
axes[1].hist(pixels[pixels > 0], bins=50)
axes[1].set_yscale("log")
axes[1].set_xlabel("pixel value (non-zero pixels only)")
axes[1].set_ylabel("count")
axes[1].set_title(f"Pixel values: {zero_fraction:.0%} of pixels are exactly 0 (not shown)")
utils.save_figure(fig, "01_class_balance_and_pixels")

# %% [markdown]
# The average image of each class already shows the digit's shape. These means are also the simplest possible
# "generator": the course's generative models have to beat producing the same blurry average every time.

# %%
class_means = np.stack([x_train[y_train == digit].mean(axis=0) for digit in range(10)])
fig = utils.image_grid(class_means, ncols=10, titles=[f"mean {d}" for d in range(10)],
                       title="Average training image per digit")
utils.save_figure(fig, "01_class_means")

# %% [markdown]
# **Scaling.** `utils.load_mnist` returns pixels in `[0,1]` or `[-1,1]`, and the choice must match the model's
# output activation: a sigmoid output lives in $(0,1)$, a tanh output in $(-1,1)$. The article's autoencoder has a
# sigmoid output but is trained on standard-normal targets, half of which are negative and can never be reached;
# notebook [05](05_article_code_review.ipynb) measures the damage.

# %% tags=["nbval-check-output"]
for scale in utils.SCALES:
    x, _ = utils.load_mnist("test", scale=scale, subset=1000)
    print(f"scale={scale:7} min={x.min():+.1f} max={x.max():+.1f} background value={np.median(x):+.1f}")

# %% [markdown]
# ## Summary
#
# - An autoencoder compresses an input into a short code and rebuilds it; a GAN turns noise into samples with a
#   generator trained against a discriminator. One reconstructs, the other generates.
# - Autoencoders go back to Rumelhart, Hinton and Williams (1986), Bourlard and Kamp (1988) and Baldi and Hornik
#   (1989); deep autoencoders to Hinton and Salakhutdinov (2006). There is no "Baldi et al., 2006".
# - The applications the article lists are claims; notebooks 12, 14, 20–26 and 30–31 measure them.
# - MNIST is balanced, mostly background, and must be scaled to match the output activation.
#
# ## Exercises
#
# **Exercise 1.** Which two digits have the most similar average images (smallest Euclidean distance between class
# means)? Which two are the most different? Does the answer match your intuition?

# %% tags=["solution"]
distances = np.linalg.norm(class_means.reshape(10, 1, -1) - class_means.reshape(1, 10, -1), axis=-1)
pairs = [(distances[i, j], i, j) for i in range(10) for j in range(i + 1, 10)]
closest, farthest = min(pairs), max(pairs)
print(f"most similar means: {closest[1]} and {closest[2]} (distance {closest[0]:.2f})")
print(f"most different means: {farthest[1]} and {farthest[2]} (distance {farthest[0]:.2f})")

# %% [markdown]
# **Exercise 2.** Re-draw the autoencoder picture with `CODE_SIZE = 2` and `CODE_SIZE = 64` (change the
# parameter, or call `PCA` directly). How does the reconstruction error change? Plot the test reconstruction MSE of
# PCA against the code size on a log axis.

# %% tags=["solution"]
sizes = [2, 4, 8, 16, 32, 64]
flat_train, flat_test = x_train[:PCA_IMAGES].reshape(-1, 784), x_test.reshape(-1, 784)
errors = []
for k in sizes:
    model = PCA(n_components=k, random_state=SEED).fit(flat_train)
    errors.append(np.mean((model.inverse_transform(model.transform(flat_test)) - flat_test) ** 2))
fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(sizes, errors, marker="o")
ax.set_xscale("log", base=2)
ax.set_xlabel("code size $k$")
ax.set_ylabel("test MSE")
ax.set_title("PCA reconstruction error vs code size")
plt.show()

# %% [markdown]
# **Exercise 3.** The article says GANs produce "high-quality" images. Before reading notebooks 20–25, write down
# how you would check such a claim with numbers rather than by looking at samples. (Notebook 25 gives the course's
# answer.)

# %% [markdown]
# ## References
#
# - Arjovsky, M., Chintala, S. and Bottou, L. (2017). Wasserstein generative adversarial networks. *ICML*.
# - Baldi, P. and Hornik, K. (1989). Neural networks and principal component analysis: learning from examples
#   without local minima. *Neural Networks*, 2(1), 53–58.
# - Bourlard, H. and Kamp, Y. (1988). Auto-association by multilayer perceptrons and singular value decomposition.
#   *Biological Cybernetics*, 59(4–5), 291–294.
# - Dhariwal, P. and Nichol, A. (2021). Diffusion models beat GANs on image synthesis. *NeurIPS*.
# - Goodfellow, I. et al. (2014). Generative adversarial nets. *NeurIPS (NIPS)*.
# - Gulrajani, I., Ahmed, F., Arjovsky, M., Dumoulin, V. and Courville, A. (2017). Improved training of Wasserstein
#   GANs. *NeurIPS (NIPS)*.
# - Hinton, G. E. and Salakhutdinov, R. R. (2006). Reducing the dimensionality of data with neural networks.
#   *Science*, 313(5786), 504–507.
# - Kingma, D. P. and Welling, M. (2014). Auto-encoding variational Bayes. *ICLR*.
# - LeCun, Y., Bottou, L., Bengio, Y. and Haffner, P. (1998). Gradient-based learning applied to document
#   recognition. *Proceedings of the IEEE*, 86(11), 2278–2324.
# - Makhzani, A., Shlens, J., Jaitly, N., Goodfellow, I. and Frey, B. (2016). Adversarial autoencoders. *ICLR
#   workshop* (arXiv:1511.05644, 2015).
# - Radford, A., Metz, L. and Chintala, S. (2016). Unsupervised representation learning with deep convolutional
#   generative adversarial networks. *ICLR*.
# - Rezende, D. J., Mohamed, S. and Wierstra, D. (2014). Stochastic backpropagation and approximate inference in
#   deep generative models. *ICML*.
# - Rifai, S., Vincent, P., Muller, X., Glorot, X. and Bengio, Y. (2011). Contractive auto-encoders: explicit
#   invariance during feature extraction. *ICML*.
# - Rombach, R., Blattmann, A., Lorenz, D., Esser, P. and Ommer, B. (2022). High-resolution image synthesis with
#   latent diffusion models. *CVPR*.
# - Rumelhart, D. E., Hinton, G. E. and Williams, R. J. (1986). Learning internal representations by error
#   propagation. In *Parallel Distributed Processing*, vol. 1, MIT Press, 318–362.
# - Vincent, P., Larochelle, H., Bengio, Y. and Manzagol, P.-A. (2008). Extracting and composing robust features
#   with denoising autoencoders. *ICML*.
