"""GAN building blocks that several notebooks reuse: generators, discriminators, and training models.

Notebook 20 teaches the ``GAN`` training model, 21 the convolutional builders, 22 conditioning and 23 the
``WGANGP`` model, each written out in full there; later notebooks call these versions. Adversarial training
overrides ``train_step`` so that ``fit`` brings callbacks, progress bars and checkpoints. Images are in
[-1, 1] (tanh generators), discriminators and critics output one unbounded logit/score per image.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers, ops

from utils.models import IMAGE_SHAPE
from utils.validation import check_array, check_param

GENERATOR_LOSSES = ("non_saturating", "saturating")


def _check_num_classes(num_classes):
    if num_classes is not None:
        check_param("num_classes", num_classes, kind=int, low=2)
    return num_classes


def _with_label(first_input, h, num_classes):
    """The model's inputs and its first hidden tensor: with ``num_classes``, a label input is added and its
    one-hot code concatenated to ``h``; without, ``h`` is returned as it is."""
    if not num_classes:
        return [first_input], h
    label = keras.Input((), dtype="int32", name="label")
    return [first_input, label], layers.Concatenate()([h, ops.one_hot(label, num_classes)])


def mlp_generator(latent_dim=100, hidden=(128, 64), *, num_classes=None, name="generator"):
    """The article's generator (100 -> 128 -> 64 -> 784) with LeakyReLU hidden layers and a tanh output.

    With ``num_classes`` the model takes ``[z, label]`` and concatenates a one-hot label to z.
    """
    check_param("latent_dim", latent_dim, kind=int, low=1)
    _check_num_classes(num_classes)
    z = keras.Input((latent_dim,), name="z")
    inputs, h = _with_label(z, z, num_classes)
    for i, units in enumerate(hidden):
        check_param("hidden entry", units, kind=int, low=1)
        h = layers.Dense(units, name=f"dense_{i}")(h)
        h = layers.LeakyReLU(0.2)(h)
    h = layers.Dense(int(np.prod(IMAGE_SHAPE)), activation="tanh", name="pixels")(h)
    image = layers.Reshape(IMAGE_SHAPE, name="image")(h)
    return keras.Model(inputs if num_classes else z, image, name=name)


def mlp_discriminator(hidden=(128, 64), *, num_classes=None, name="discriminator"):
    """The article's discriminator (784 -> 128 -> 64 -> 1) with LeakyReLU and a logit output (no sigmoid)."""
    _check_num_classes(num_classes)
    image = keras.Input(IMAGE_SHAPE, name="image")
    inputs, h = _with_label(image, layers.Flatten()(image), num_classes)
    for i, units in enumerate(hidden):
        check_param("hidden entry", units, kind=int, low=1)
        h = layers.Dense(units, name=f"dense_{i}")(h)
        h = layers.LeakyReLU(0.2)(h)
    logit = layers.Dense(1, name="logit")(h)
    return keras.Model(inputs if num_classes else image, logit, name=name)


def dcgan_generator(latent_dim=100, width=64, *, num_classes=None, name="generator"):
    """A DCGAN-style generator for 28x28 images (Radford et al., 2016): Dense to 7x7x(2*width), then two
    stride-2 transposed convolutions (7 -> 14 -> 28) with batch normalisation and ReLU, tanh output."""
    check_param("latent_dim", latent_dim, kind=int, low=1)
    check_param("width", width, kind=int, low=1)
    _check_num_classes(num_classes)
    z = keras.Input((latent_dim,), name="z")
    inputs, h = _with_label(z, z, num_classes)
    h = layers.Dense(7 * 7 * 2 * width, use_bias=False, name="project")(h)
    h = layers.BatchNormalization()(h)
    h = layers.ReLU()(h)
    h = layers.Reshape((7, 7, 2 * width))(h)
    h = layers.Conv2DTranspose(width, 4, strides=2, padding="same", use_bias=False, name="deconv_0")(h)
    h = layers.BatchNormalization()(h)
    h = layers.ReLU()(h)
    image = layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh", name="image")(h)
    return keras.Model(inputs if num_classes else z, image, name=name)


def dcgan_discriminator(width=64, *, num_classes=None, conditioning="input", dropout=0.3, name="discriminator"):
    """Two stride-2 convolutions (28 -> 14 -> 7) with LeakyReLU and dropout, then one logit.

    With ``num_classes`` the label enters either as extra constant input channels (``conditioning="input"``, a
    one-hot map beside the image) or by projection (``"projection"``, Miyato and Koyama, 2018): the logit is
    ``Dense(1)(phi(x)) + <embed(y), phi(x)>`` for the flattened features ``phi(x)``. Notebook 22 measures that
    projection learns the label much sooner.
    """
    check_param("width", width, kind=int, low=1)
    check_param("dropout", dropout, kind=float, low=0.0, high=0.9)
    check_param("conditioning", conditioning, kind=str, choices=("input", "projection"))
    _check_num_classes(num_classes)
    image = keras.Input(IMAGE_SHAPE, name="image")
    inputs, h = [image], image
    if num_classes:
        label = keras.Input((), dtype="int32", name="label")
        inputs.append(label)
        if conditioning == "input":
            one_hot = layers.Reshape((1, 1, num_classes))(ops.one_hot(label, num_classes))
            h = layers.Concatenate()([image, layers.UpSampling2D(IMAGE_SHAPE[:2])(one_hot)])
    for i, n in enumerate((width, 2 * width)):
        h = layers.Conv2D(n, 4, strides=2, padding="same", name=f"conv_{i}")(h)
        h = layers.LeakyReLU(0.2)(h)
        h = layers.Dropout(dropout)(h)
    features = layers.Flatten()(h)
    logit = layers.Dense(1, name="logit")(features)
    if num_classes and conditioning == "projection":
        class_vector = layers.Embedding(num_classes, features.shape[-1], name="class_embedding")(label)
        logit = layers.Add()([logit, layers.Dot(axes=1)([class_vector, features])])
    return keras.Model(inputs if num_classes else image, logit, name=name)


class _AdversarialModel(keras.Model):
    """What the GAN and WGAN-GP training models share: the two networks, noise, and conditioning."""

    def __init__(self, generator, discriminator, latent_dim, seed=0, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(generator, keras.Model) or not isinstance(discriminator, keras.Model):
            raise TypeError("generator and discriminator must be keras.Model instances")
        check_param("latent_dim", latent_dim, kind=int, low=1)
        check_param("seed", seed, kind=int, low=0)
        self.conditional = len(generator.inputs) == 2
        if self.conditional != (len(discriminator.inputs) == 2):
            raise ValueError("generator and discriminator must both be conditional (take a label) or both not")
        if generator.inputs[0].shape[-1] != latent_dim:
            raise ValueError(f"the generator takes z of size {generator.inputs[0].shape[-1]}, not latent_dim="
                             f"{latent_dim}")
        self.generator, self.discriminator = generator, discriminator
        self.latent_dim = latent_dim
        self.seed_generator = keras.random.SeedGenerator(seed)

    def compile(self, d_optimizer, g_optimizer, **kwargs):
        """Two optimisers, one per network; there is no single loss to pass."""
        for name, opt in (("d_optimizer", d_optimizer), ("g_optimizer", g_optimizer)):
            if not isinstance(opt, keras.optimizers.Optimizer):
                raise TypeError(f"{name} must be a keras.optimizers.Optimizer instance, got {type(opt).__name__}")
        if d_optimizer is g_optimizer:
            raise ValueError("d_optimizer and g_optimizer must be two optimiser objects (each keeps its own state)")
        super().compile(**kwargs)
        # Keras's compile always creates a default optimiser; unused here, and fit would build it on every weight.
        self.optimizer = None
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer

    def _unpack(self, data):
        x, labels, _ = keras.utils.unpack_x_y_sample_weight(data)
        if self.conditional and labels is None:
            raise ValueError("a conditional GAN needs (images, labels) batches")
        return x, (ops.cast(labels, "int32") if self.conditional else None)

    def _noise(self, n):
        return keras.random.normal((n, self.latent_dim), seed=self.seed_generator)

    def _g(self, z, labels, training):
        return self.generator([z, labels] if self.conditional else z, training=training)

    def _d(self, x, labels, training):
        return self.discriminator([x, labels] if self.conditional else x, training=training)

    def call(self, inputs, training=False):
        """Generate images from ``z`` (or ``[z, labels]`` when conditional)."""
        return self.generator(inputs, training=training)

    def generate(self, n, labels=None, seed=0, batch_size=1000):
        """``n`` images as a NumPy array in [-1, 1], from seeded noise (same seed, same images)."""
        check_param("n", n, kind=int, low=1)
        z = np.random.default_rng(seed).standard_normal((n, self.latent_dim)).astype("float32")
        if self.conditional:
            if labels is None:
                raise ValueError("a conditional GAN needs one label per image")
            labels = check_array("labels", labels, shape=(n,), dtype_kind="iu", value_range=(0, 10 ** 6))
            return self.generator.predict([z, labels.astype("int32")], batch_size=batch_size, verbose=0)
        if labels is not None:
            raise ValueError("labels given to an unconditional GAN")
        return self.generator.predict(z, batch_size=batch_size, verbose=0)

    def get_config(self):
        raise NotImplementedError("save the generator and discriminator (or use checkpoints), not the GAN wrapper")


class GAN(_AdversarialModel):
    """The GAN of Goodfellow et al. (2014) with the discriminator on logits.

    Each ``train_step`` takes one discriminator step on a real and a fake batch, then one generator step on
    fresh noise. ``generator_loss="non_saturating"`` minimises -log D(G(z)), the form the paper recommends;
    "saturating" minimises log(1 - D(G(z))), the literal minimax term, kept to show why it fails.
    ``label_smoothing`` replaces the real targets 1 by 1 - label_smoothing (one-sided, Salimans et al., 2016).
    Metrics: d_loss, g_loss, and the mean discriminator probabilities d_real and d_fake.
    """

    def __init__(self, generator, discriminator, latent_dim, *, generator_loss="non_saturating",
                 label_smoothing=0.0, seed=0, **kwargs):
        super().__init__(generator, discriminator, latent_dim, seed=seed, **kwargs)
        check_param("generator_loss", generator_loss, kind=str, choices=GENERATOR_LOSSES)
        check_param("label_smoothing", label_smoothing, kind=float, low=0.0, high=0.5)
        self.generator_loss = generator_loss
        self.label_smoothing = float(label_smoothing)
        self.bce = keras.losses.BinaryCrossentropy(from_logits=True)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in ("d_loss", "g_loss", "d_real", "d_fake")}

    @property
    def metrics(self):
        return list(self.trackers.values())

    def train_step(self, data):
        import tensorflow as tf  # the course runs Keras on the TensorFlow backend

        real, labels = self._unpack(data)
        n = ops.shape(real)[0]
        with tf.GradientTape() as tape:
            fake = self._g(self._noise(n), labels, training=True)
            real_logits = self._d(real, labels, training=True)
            fake_logits = self._d(fake, labels, training=True)
            d_loss = (self.bce(ops.full_like(real_logits, 1.0 - self.label_smoothing), real_logits)
                      + self.bce(ops.zeros_like(fake_logits), fake_logits))
        weights = self.discriminator.trainable_weights
        self.d_optimizer.apply_gradients(zip(tape.gradient(d_loss, weights), weights, strict=True))

        with tf.GradientTape() as tape:
            logits = self._d(self._g(self._noise(n), labels, training=True), labels, training=True)
            if self.generator_loss == "non_saturating":
                g_loss = self.bce(ops.ones_like(logits), logits)  # -log D(G(z))
            else:
                g_loss = -self.bce(ops.zeros_like(logits), logits)  # log(1 - D(G(z)))
        weights = self.generator.trainable_weights
        self.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, weights), weights, strict=True))

        for name, value in (("d_loss", d_loss), ("g_loss", g_loss), ("d_real", ops.mean(ops.sigmoid(real_logits))),
                            ("d_fake", ops.mean(ops.sigmoid(fake_logits)))):
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}


class WGANGP(_AdversarialModel):
    """WGAN with gradient penalty (Gulrajani et al., 2017).

    The critic outputs an unbounded score (no sigmoid). As in the paper's Algorithm 1, each critic update sees
    its own real minibatch: a batch of ``critic_steps * m`` images is cut into ``critic_steps`` slices of m
    (feed batches whose size is a multiple of ``critic_steps``, with ``drop_remainder=True``), and each critic
    update draws fresh noise; then one generator update on m fresh noise vectors. The
    penalty is gp_weight * (||grad_x critic(x_hat)|| - 1)^2 at x_hat = eps * real + (1 - eps) * fake with
    eps ~ U[0, 1] per image. Metrics: critic_loss, g_loss, gradient_penalty and wasserstein (the critic's
    estimate E[critic(real)] - E[critic(fake)]).
    """

    def __init__(self, generator, critic, latent_dim, *, critic_steps=5, gp_weight=10.0, seed=0, **kwargs):
        super().__init__(generator, critic, latent_dim, seed=seed, **kwargs)
        check_param("critic_steps", critic_steps, kind=int, low=1, high=20)
        check_param("gp_weight", gp_weight, kind=float, low=0.0)
        self.critic_steps, self.gp_weight = critic_steps, float(gp_weight)
        names = ("critic_loss", "g_loss", "gradient_penalty", "wasserstein")
        self.trackers = {name: keras.metrics.Mean(name=name) for name in names}

    @property
    def metrics(self):
        return list(self.trackers.values())

    def gradient_penalty(self, real, fake, labels):
        import tensorflow as tf

        shape = (ops.shape(real)[0],) + (1,) * (len(real.shape) - 1)
        eps = keras.random.uniform(shape, 0.0, 1.0, seed=self.seed_generator)  # U[0, 1], not a normal
        x_hat = eps * real + (1.0 - eps) * fake
        with tf.GradientTape() as tape:
            tape.watch(x_hat)
            scores = self._d(x_hat, labels, training=True)
        grads = tape.gradient(scores, x_hat)
        norms = ops.sqrt(ops.sum(ops.square(ops.reshape(grads, (ops.shape(grads)[0], -1))), axis=1) + 1e-12)
        return ops.mean(ops.square(norms - 1.0))

    def train_step(self, data):
        import tensorflow as tf

        images, all_labels = self._unpack(data)
        m = ops.shape(images)[0] // self.critic_steps
        weights = self.discriminator.trainable_weights
        for step in range(self.critic_steps):
            real = images[step * m : (step + 1) * m]
            labels = None if all_labels is None else all_labels[step * m : (step + 1) * m]
            with tf.GradientTape() as tape:
                fake = self._g(self._noise(m), labels, training=True)
                w_estimate = (ops.mean(self._d(real, labels, training=True))
                              - ops.mean(self._d(fake, labels, training=True)))
                penalty = self.gradient_penalty(real, fake, labels)
                critic_loss = -w_estimate + self.gp_weight * penalty
            self.d_optimizer.apply_gradients(zip(tape.gradient(critic_loss, weights), weights, strict=True))

        with tf.GradientTape() as tape:
            g_loss = -ops.mean(self._d(self._g(self._noise(m), labels, training=True), labels, training=True))
        g_weights = self.generator.trainable_weights
        self.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, g_weights), g_weights, strict=True))

        for name, value in (("critic_loss", critic_loss), ("g_loss", g_loss), ("gradient_penalty", penalty),
                            ("wasserstein", w_estimate)):
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}


class SampleSnapshots(keras.callbacks.Callback):
    """Keep the generator's images for one fixed noise batch (and labels) at the end of every ``every`` epochs,
    so that progress grids compare like with like. ``snapshots`` is a list of (epoch, images in [-1, 1])."""

    def __init__(self, z, labels=None, every=1):
        super().__init__()
        self.z = check_array("z", z, ndim=2, dtype_kind="f").astype("float32")
        self.labels = None if labels is None else check_array("labels", labels, shape=(len(self.z),),
                                                               dtype_kind="iu").astype("int32")
        self.every = check_param("every", every, kind=int, low=1)
        self.snapshots = []

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every == 0:
            inputs = self.z if self.labels is None else [self.z, self.labels]
            self.snapshots.append((epoch + 1, self.model.generator.predict(inputs, verbose=0)))
