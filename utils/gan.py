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

GENERATOR_LOSSES = ("non_saturating", "saturating", "hinge")


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


def _check_hidden(hidden):
    """`hidden` is a sequence of layer widths, e.g. (128, 64); a bare int is refused rather than guessed."""
    if not isinstance(hidden, (list, tuple)):
        raise TypeError(f"`hidden` must be a list or tuple of layer widths, e.g. (128, 64); got {hidden!r}")
    for units in hidden:
        check_param("hidden entry", units, kind=int, low=1)
    return hidden


def _hidden_activation(activation):
    """The hidden layers' nonlinearity: the article's "relu", or "leaky_relu" (slope 0.2, Radford et al. 2016)."""
    if activation not in ("relu", "leaky_relu"):
        raise ValueError(f"`activation` must be 'relu' (the article's) or 'leaky_relu'; got {activation!r}")
    return layers.ReLU() if activation == "relu" else layers.LeakyReLU(0.2)


def mlp_generator(latent_dim=100, hidden=(128, 64), *, num_classes=None, activation="leaky_relu", name="generator"):
    """The article's generator layout (100 -> 128 -> 64 -> 784) with a tanh output.

    The article uses ReLU hidden layers (``activation="relu"``); the default LeakyReLU is the course's choice
    for GANs (Radford et al. 2016). With ``num_classes`` the model takes ``[z, label]`` and concatenates a
    one-hot label to z.
    """
    check_param("latent_dim", latent_dim, kind=int, low=1)
    _check_num_classes(num_classes)
    z = keras.Input((latent_dim,), name="z")
    inputs, h = _with_label(z, z, num_classes)
    for i, units in enumerate(_check_hidden(hidden)):
        h = layers.Dense(units, name=f"dense_{i}")(h)
        h = _hidden_activation(activation)(h)
    h = layers.Dense(int(np.prod(IMAGE_SHAPE)), activation="tanh", name="pixels")(h)
    image = layers.Reshape(IMAGE_SHAPE, name="image")(h)
    return keras.Model(inputs if num_classes else z, image, name=name)


def mlp_discriminator(hidden=(128, 64), *, num_classes=None, activation="leaky_relu", name="discriminator"):
    """The article's discriminator layout (784 -> 128 -> 64 -> 1) with a logit output (no sigmoid).

    ``activation`` as in `mlp_generator`: "relu" is the article's, "leaky_relu" (default) the course's.
    """
    _check_num_classes(num_classes)
    image = keras.Input(IMAGE_SHAPE, name="image")
    inputs, h = _with_label(image, layers.Flatten()(image), num_classes)
    for i, units in enumerate(_check_hidden(hidden)):
        h = layers.Dense(units, name=f"dense_{i}")(h)
        h = _hidden_activation(activation)(h)
    logit = layers.Dense(1, name="logit")(h)
    return keras.Model(inputs if num_classes else image, logit, name=name)


def dcgan_generator(latent_dim=100, width=64, *, num_classes=None, channels_28=0, name="generator"):
    """A DCGAN-style generator for 28x28 images (Radford et al., 2016): Dense to 7x7x(2*width), then two
    stride-2 transposed convolutions (7 -> 14 -> 28) with batch normalisation and ReLU, tanh output.

    ``channels_28=0`` (default) lets the second transposed convolution write the image directly, so one
    4x4x``width`` kernel makes every pixel. ``channels_28=c`` gives the generator a 28x28 stage instead: that
    convolution outputs c channels (batch normalisation, ReLU) and a stride-1 3x3 convolution maps them to
    the image.
    """
    check_param("latent_dim", latent_dim, kind=int, low=1)
    check_param("width", width, kind=int, low=1)
    check_param("channels_28", channels_28, kind=int, low=0)
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
    if channels_28:
        h = layers.Conv2DTranspose(channels_28, 4, strides=2, padding="same", use_bias=False, name="deconv_1")(h)
        h = layers.ReLU()(layers.BatchNormalization()(h))
        image = layers.Conv2D(1, 3, padding="same", activation="tanh", name="image")(h)
    else:
        image = layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh", name="image")(h)
    return keras.Model(inputs if num_classes else z, image, name=name)


def dcgan_discriminator(width=64, *, num_classes=None, conditioning="input", dropout=0.3, spectral_norm=False,
                        name="discriminator"):
    """Two stride-2 convolutions (28 -> 14 -> 7) with LeakyReLU and dropout, then one logit.

    ``dropout=0`` leaves the dropout layers out. ``spectral_norm=True`` wraps every layer with weights in
    ``keras.layers.SpectralNormalization`` (Miyato et al., 2018), which keeps each layer's largest singular
    value near 1 (one power iteration per training call).

    With ``num_classes`` the label enters either as extra constant input channels (``conditioning="input"``, a
    one-hot map beside the image) or by projection (``"projection"``, Miyato and Koyama, 2018): the logit is
    ``Dense(1)(phi(x)) + <embed(y), phi(x)>`` for the flattened features ``phi(x)``. Notebook 22 measures that
    projection learns the label much sooner.
    """
    check_param("width", width, kind=int, low=1)
    check_param("dropout", dropout, kind=float, low=0.0, high=0.9)
    check_param("spectral_norm", spectral_norm, kind=bool)
    check_param("conditioning", conditioning, kind=str, choices=("input", "projection"))
    _check_num_classes(num_classes)

    def weighted(layer):
        return layers.SpectralNormalization(layer, name=f"sn_{layer.name}") if spectral_norm else layer

    image = keras.Input(IMAGE_SHAPE, name="image")
    inputs, h = [image], image
    if num_classes:
        label = keras.Input((), dtype="int32", name="label")
        inputs.append(label)
        if conditioning == "input":
            one_hot = layers.Reshape((1, 1, num_classes))(ops.one_hot(label, num_classes))
            h = layers.Concatenate()([image, layers.UpSampling2D(IMAGE_SHAPE[:2])(one_hot)])
    for i, n in enumerate((width, 2 * width)):
        h = weighted(layers.Conv2D(n, 4, strides=2, padding="same", name=f"conv_{i}"))(h)
        h = layers.LeakyReLU(0.2)(h)
        if dropout:
            h = layers.Dropout(dropout)(h)
    features = layers.Flatten()(h)
    logit = weighted(layers.Dense(1, name="logit"))(features)
    if num_classes and conditioning == "projection":
        class_vector = layers.Embedding(num_classes, features.shape[-1], name="class_embedding")(label)
        logit = layers.Add()([logit, layers.Dot(axes=1)([class_vector, features])])
    return keras.Model(inputs if num_classes else image, logit, name=name)


# Notebook 22's conditional GAN: its default parameters, kept here so that notebook 26 trains the same model.
CONDITIONAL_GAN = {"latent_dim": 100, "width": 32, "dropout": 0.0, "learning_rate": 5e-4, "beta_1": 0.5,
                   "batch_size": 64}


def conditional_gan(num_classes=10, *, seed=0, **settings):
    """Notebook 22's conditional GAN, built and compiled: ``dcgan_generator`` with the one-hot label concatenated
    to z, the projection ``dcgan_discriminator``, Adam(learning_rate, beta_1) for both; returns a ``GAN``.

    ``settings`` override entries of ``CONDITIONAL_GAN`` (latent_dim, width, dropout, learning_rate, beta_1;
    batch_size is for the caller's dataset). Seed the initial weights first (``utils.set_seed``).
    """
    unknown = sorted(set(settings) - set(CONDITIONAL_GAN))
    if unknown:
        raise ValueError(f"unknown setting(s) {unknown}; conditional_gan takes {sorted(CONDITIONAL_GAN)}")
    s = {**CONDITIONAL_GAN, **settings}
    check_param("learning_rate", s["learning_rate"], kind=float, low=1e-7, high=1.0)
    check_param("beta_1", s["beta_1"], kind=float, low=0.0, high=0.999)
    generator = dcgan_generator(s["latent_dim"], s["width"], num_classes=num_classes)
    discriminator = dcgan_discriminator(s["width"], num_classes=num_classes, conditioning="projection",
                                        dropout=s["dropout"])
    gan = GAN(generator, discriminator, s["latent_dim"], seed=seed)
    gan.compile(d_optimizer=keras.optimizers.Adam(s["learning_rate"], beta_1=s["beta_1"]),
                g_optimizer=keras.optimizers.Adam(s["learning_rate"], beta_1=s["beta_1"]))
    return gan


# Failed input checks inside train_step raise tf.errors.InvalidArgumentError; fit turns those that carry this
# prefix into a ValueError with the same message.
_INPUT_CHECK, _END = "bad training batch: ", " <end of check>"


def _label_classes(model):
    """The numbers of classes a conditional model's layers take labels from (one-hot ops, embeddings)."""
    found = set()
    for op in getattr(model, "operations", []):
        if type(op).__name__ == "OneHot":
            found.add(int(op.num_classes))
        elif isinstance(op, layers.Embedding):
            found.add(int(op.input_dim))
    return found


# Layers whose output depends on the training flag (the course's networks use the first three).
_MODE_DEPENDENT = (layers.Dropout, layers.BatchNormalization, layers.SpectralNormalization, layers.GaussianNoise,
                   layers.GaussianDropout, layers.AlphaDropout)


def _mode_dependent(model):
    """Whether any layer of the model (nested models included) behaves differently in training and inference."""
    return any(isinstance(layer, _MODE_DEPENDENT) or (hasattr(layer, "layers") and _mode_dependent(layer))
               for layer in model.layers)


class _AdversarialModel(keras.Model):
    """What the GAN and WGAN-GP training models share: the two networks, noise, conditioning and input checks."""

    def __init__(self, generator, discriminator, latent_dim, seed=0, num_classes=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(generator, keras.Model) or not isinstance(discriminator, keras.Model):
            raise TypeError("generator and discriminator must be keras.Model instances")
        check_param("latent_dim", latent_dim, kind=int, low=1)
        check_param("seed", seed, kind=int, low=0)
        _check_num_classes(num_classes)
        self.conditional = len(generator.inputs) == 2
        if self.conditional != (len(discriminator.inputs) == 2):
            raise ValueError("generator and discriminator must both be conditional (take a label) or both not")
        if generator.inputs[0].shape[-1] != latent_dim:
            raise ValueError(f"the generator takes z of size {generator.inputs[0].shape[-1]}, not latent_dim="
                             f"{latent_dim}")
        if self.conditional and num_classes is None:
            # Read it from the layers that consume the label, so that out-of-range labels can be refused.
            found = _label_classes(generator) | _label_classes(discriminator)
            if len(found) != 1:
                raise ValueError(f"num_classes: the networks' label layers give {sorted(found) or 'none'}; pass "
                                 "num_classes= explicitly")
            num_classes = found.pop()
        if num_classes is not None and not self.conditional:
            raise ValueError("num_classes given for unconditional networks (they take no label)")
        self.num_classes = num_classes
        self.generator, self.discriminator = generator, discriminator
        self.latent_dim = latent_dim
        self.seed_generator = keras.random.SeedGenerator(seed)

    def compile(self, d_optimizer, g_optimizer, **kwargs):
        """Two optimisers, one per network; there is no single loss to pass.

        An optimiser with ``use_ema=True`` keeps a moving average of its network's weights; ``fit`` copies the
        average into the network when it ends (as Keras does for a one-optimiser model), so that ``generate``
        samples from the averaged generator. Training on with another ``fit`` continues from those weights.
        """
        for name, opt in (("d_optimizer", d_optimizer), ("g_optimizer", g_optimizer)):
            if not isinstance(opt, keras.optimizers.Optimizer):
                raise TypeError(f"{name} must be a keras.optimizers.Optimizer instance, got {type(opt).__name__}")
        if d_optimizer is g_optimizer:
            raise ValueError("d_optimizer and g_optimizer must be two optimiser objects (each keeps its own state)")
        # Keras's compile would create a default optimiser, unused here, that fit would build on every weight.
        super().compile(optimizer=None, **kwargs)
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer
        # Built now, not at the first step: a checkpoint or BackupAndRestore backup can then be restored into them
        # before training (an unbuilt optimiser skips its saved state with a warning).
        for optimizer, network in ((d_optimizer, self.discriminator), (g_optimizer, self.generator)):
            if not optimizer.built:
                optimizer.build(network.trainable_variables)

    def fit(self, *args, **kwargs):
        """``keras.Model.fit``; a batch that fails the input checks raises a ValueError saying what is wrong."""
        import tensorflow as tf

        try:
            history = super().fit(*args, **kwargs)
        except tf.errors.InvalidArgumentError as err:
            if _INPUT_CHECK not in err.message:
                raise
            start = err.message.index(_INPUT_CHECK) + len(_INPUT_CHECK)
            raise ValueError(err.message[start:err.message.index(_END, start)]) from None
        for optimizer, network in ((self.d_optimizer, self.discriminator), (self.g_optimizer, self.generator)):
            optimizer.finalize_variable_values(network.trainable_variables)  # EMA weights in (no-op without EMA)
        return history

    def _checks(self, images, labels):
        """(condition, message, values) for each check a training batch must pass; "{}" in the message stands for
        the values found."""
        checks = [(ops.logical_and(ops.min(images) >= -1.0, ops.max(images) <= 1.0),
                   "images must lie in [-1, 1] (tanh generators: load MNIST with scale [-1,1]), got values in "
                   "[{}, {}]", (ops.min(images), ops.max(images)))]
        if labels is not None:
            checks.append((ops.logical_and(ops.min(labels) >= 0, ops.max(labels) < self.num_classes),
                           f"labels must lie in [0, {self.num_classes}), got labels in [{{}}, {{}}]",
                           (ops.min(labels), ops.max(labels))))
        return checks

    def _unpack(self, data):
        """Images and int32 labels (None if unconditional) of one batch, available only once they pass the
        checks (graph asserts: a few reductions per batch)."""
        import tensorflow as tf

        x, labels, _ = keras.utils.unpack_x_y_sample_weight(data)
        if self.conditional and labels is None:
            raise ValueError("a conditional GAN needs (images, labels) batches")
        x = ops.cast(x, "float32")
        labels = labels if self.conditional else None  # checked in their own dtype (a cast could wrap them)
        asserts = [tf.debugging.Assert(ok, [tf.strings.format(_INPUT_CHECK + message + _END, values)])
                   for ok, message, values in self._checks(x, labels)]
        with tf.control_dependencies(asserts):  # no layer may run on the batch before the checks
            return tf.identity(x), (None if labels is None else tf.identity(ops.cast(labels, "int32")))

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
        """``n`` images as a NumPy array in [-1, 1], from seeded noise (same seed, same images).

        The generator is called in inference mode, batch by batch (no ``predict``: nothing to retrace when
        ``n`` changes).
        """
        check_param("n", n, kind=int, low=1)
        check_param("seed", seed, kind=int, low=0)
        check_param("batch_size", batch_size, kind=int, low=1)
        z = np.random.default_rng(seed).standard_normal((n, self.latent_dim)).astype("float32")
        if self.conditional:
            if labels is None:
                raise ValueError("a conditional GAN needs one label per image")
            labels = check_array("labels", labels, shape=(n,), dtype_kind="iu", value_range=(0, self.num_classes - 1))
            labels = labels.astype("int32")
        elif labels is not None:
            raise ValueError("labels given to an unconditional GAN")
        batches = []
        for start in range(0, n, batch_size):
            z_batch = z[start:start + batch_size]
            inputs = [z_batch, labels[start:start + batch_size]] if self.conditional else z_batch
            batches.append(ops.convert_to_numpy(self.generator(inputs, training=False)))
        return np.concatenate(batches)

    def get_config(self):
        raise NotImplementedError("save the generator and discriminator (or use checkpoints), not the GAN wrapper")


class GAN(_AdversarialModel):
    """The GAN of Goodfellow et al. (2014) with the discriminator on logits.

    Each ``train_step`` draws one noise batch and runs the generator once: one discriminator step on the real
    batch and those fakes, then one generator step that scores the same fakes with the updated discriminator
    (Algorithm 1 with k = 1; the generator's update reuses the fakes instead of generating a second batch).

    Losses (``generator_loss``): "non_saturating" minimises -log D(G(z)), the form the paper recommends;
    "saturating" minimises log(1 - D(G(z))), the literal minimax term, kept to show why it fails; "hinge" uses
    the hinge loss for both players (Lim and Ye, 2017; Miyato et al., 2018): D minimises
    E[max(0, 1 - D(x))] + E[max(0, 1 + D(G(z)))], G minimises -E[D(G(z))].
    ``label_smoothing`` replaces the real targets 1 by 1 - label_smoothing (one-sided, Salimans et al., 2016).
    ``r1_weight`` (gamma) adds the R1 penalty gamma/2 E||grad_x D(x)||^2 on real images to D's loss (Mescheder
    et al., 2018); with ``r1_every=k`` it is computed on every k-th discriminator step only, weighted by k
    ("lazy" R1, Karras et al., 2020), which saves most of its cost.
    ``num_classes`` (conditional GANs) is read from the networks' one-hot/embedding layers when not given;
    labels outside [0, num_classes) and images outside [-1, 1] are refused.
    Metrics: d_loss (without the penalty), g_loss, r1_penalty when used, and d_real and d_fake, the mean
    sigmoid of D's output on the batch's real and generated images, with D in inference mode (dropout off,
    batch normalisation on its moving statistics) before its update; when D has no layer that depends on the
    mode (dropout, batch or spectral normalisation, noise), its training-mode outputs are the same and are reused.
    """

    def __init__(self, generator, discriminator, latent_dim, *, generator_loss="non_saturating",
                 label_smoothing=0.0, r1_weight=0.0, r1_every=1, num_classes=None, seed=0, **kwargs):
        super().__init__(generator, discriminator, latent_dim, seed=seed, num_classes=num_classes, **kwargs)
        check_param("generator_loss", generator_loss, kind=str, choices=GENERATOR_LOSSES)
        check_param("label_smoothing", label_smoothing, kind=float, low=0.0, high=0.5)
        check_param("r1_weight", r1_weight, kind=float, low=0.0)
        check_param("r1_every", r1_every, kind=int, low=1)
        if generator_loss == "hinge" and label_smoothing:
            raise ValueError("label_smoothing applies to the cross-entropy losses, not generator_loss='hinge'")
        self.generator_loss = generator_loss
        self.label_smoothing = float(label_smoothing)
        self.r1_weight, self.r1_every = float(r1_weight), r1_every
        self.bce = keras.losses.BinaryCrossentropy(from_logits=True)
        self._d_mode_dependent = _mode_dependent(discriminator)
        names = ("d_loss", "g_loss") + (("r1_penalty",) if r1_weight else ()) + ("d_real", "d_fake")
        self.trackers = {name: keras.metrics.Mean(name=name) for name in names}

    @property
    def metrics(self):
        return list(self.trackers.values())

    def _r1_penalty(self, real, labels):
        """E||grad_x D(x)||^2 over the real batch (D in training mode, as in the loss)."""
        import tensorflow as tf

        with tf.GradientTape() as tape:
            tape.watch(real)
            scores = self._d(real, labels, training=True)
        grads = tape.gradient(scores, real)
        return ops.mean(ops.sum(ops.square(ops.reshape(grads, (ops.shape(grads)[0], -1))), axis=1))

    def _d_losses(self, real_logits, fake_logits):
        if self.generator_loss == "hinge":
            return ops.mean(ops.relu(1.0 - real_logits)) + ops.mean(ops.relu(1.0 + fake_logits))
        return (self.bce(ops.full_like(real_logits, 1.0 - self.label_smoothing), real_logits)
                + self.bce(ops.zeros_like(fake_logits), fake_logits))

    def _g_loss(self, logits):
        if self.generator_loss == "hinge":
            return -ops.mean(logits)
        if self.generator_loss == "non_saturating":
            return self.bce(ops.ones_like(logits), logits)  # -log D(G(z))
        return -self.bce(ops.zeros_like(logits), logits)  # log(1 - D(G(z)))

    def train_step(self, data):
        import tensorflow as tf  # the course runs Keras on the TensorFlow backend

        real, labels = self._unpack(data)
        with tf.GradientTape() as g_tape:
            fake = self._g(self._noise(ops.shape(real)[0]), labels, training=True)
            with g_tape.stop_recording():  # the discriminator's step is no part of the generator's gradient
                logs = self._d_step(real, fake, labels)
            logits = self._d(fake, labels, training=True)
            g_loss = self._g_loss(logits)
        weights = self.generator.trainable_weights
        self.g_optimizer.apply_gradients(zip(g_tape.gradient(g_loss, weights), weights, strict=True))
        logs["g_loss"] = g_loss
        for name, value in logs.items():
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def _d_step(self, real, fake, labels):
        """One discriminator update; returns its loss, penalty and inference-mode probabilities."""
        import tensorflow as tf

        logs = {}
        with tf.GradientTape() as tape:
            real_logits, fake_logits = self._d(real, labels, training=True), self._d(fake, labels, training=True)
            d_loss = self._d_losses(real_logits, fake_logits)
            total = d_loss
            if self.r1_weight:
                due = ops.equal(self.d_optimizer.iterations % self.r1_every, 0)
                penalty = ops.cond(due, lambda: self._r1_penalty(real, labels), lambda: ops.zeros(()))
                total = d_loss + 0.5 * self.r1_weight * self.r1_every * penalty
                logs["r1_penalty"] = penalty  # 0 on the steps that skip it
        if self._d_mode_dependent:  # read D as it will be used, in inference mode (an extra forward pass)
            n = ops.shape(real)[0]
            both = self._d(ops.concatenate([real, fake]),
                           None if labels is None else ops.concatenate([labels, labels]), training=False)
            real_logits, fake_logits = both[:n], both[n:]
        logs["d_real"], logs["d_fake"] = ops.mean(ops.sigmoid(real_logits)), ops.mean(ops.sigmoid(fake_logits))
        weights = self.discriminator.trainable_weights
        self.d_optimizer.apply_gradients(zip(tape.gradient(total, weights), weights, strict=True))
        logs["d_loss"] = d_loss
        return logs


class WGANGP(_AdversarialModel):
    """WGAN with gradient penalty (Gulrajani et al., 2017).

    The critic outputs an unbounded score (no sigmoid). As in the paper's Algorithm 1, each critic update sees
    its own real minibatch: a batch of ``critic_steps * m`` images is cut into ``critic_steps`` slices of m
    (batches whose size is not a multiple of ``critic_steps`` are refused: use ``drop_remainder=True`` and a
    multiple), and each critic update draws fresh noise; then one generator update on m fresh noise vectors.
    The penalty is gp_weight * (||grad_x critic(x_hat)|| - 1)^2 at x_hat = eps * real + (1 - eps) * fake with
    eps ~ U[0, 1] per image. Metrics: critic_loss, g_loss, gradient_penalty and wasserstein (the critic's
    estimate E[critic(real)] - E[critic(fake)]).
    """

    def __init__(self, generator, critic, latent_dim, *, critic_steps=5, gp_weight=10.0, num_classes=None, seed=0,
                 **kwargs):
        super().__init__(generator, critic, latent_dim, seed=seed, num_classes=num_classes, **kwargs)
        check_param("critic_steps", critic_steps, kind=int, low=1, high=20)
        check_param("gp_weight", gp_weight, kind=float, low=0.0)
        self.critic_steps, self.gp_weight = critic_steps, float(gp_weight)
        names = ("critic_loss", "g_loss", "gradient_penalty", "wasserstein")
        self.trackers = {name: keras.metrics.Mean(name=name) for name in names}

    @property
    def metrics(self):
        return list(self.trackers.values())

    def _checks(self, images, labels):
        n = ops.shape(images)[0]
        return super()._checks(images, labels) + [
            (ops.logical_and(n >= self.critic_steps, n % self.critic_steps == 0),
             f"the batch size must be a positive multiple of critic_steps={self.critic_steps} (one slice per "
             "critic update; batch with drop_remainder=True), got a batch of {}", (n,))]

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
    so that progress grids compare like with like. ``snapshots`` is a list of (epoch, images in [-1, 1]).
    The noise size and the labels are checked against the model when training begins."""

    def __init__(self, z, labels=None, every=1):
        super().__init__()
        self.z = check_array("z", z, ndim=2, dtype_kind="f", min_len=1).astype("float32")
        self.labels = None if labels is None else check_array("labels", labels, shape=(len(self.z),),
                                                               dtype_kind="iu").astype("int32")
        self.every = check_param("every", every, kind=int, low=1)
        self.snapshots = []

    def on_train_begin(self, logs=None):
        model = self.model
        if self.z.shape[1] != model.latent_dim:
            raise ValueError(f"z must have {model.latent_dim} columns (the model's latent_dim), got shape "
                             f"{self.z.shape}")
        if model.conditional != (self.labels is not None):
            raise ValueError("labels must be given for a conditional GAN, and only for one")
        if self.labels is not None:
            check_array("labels", self.labels, value_range=(0, model.num_classes - 1))

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every == 0:
            inputs = self.z if self.labels is None else [self.z, self.labels]
            self.snapshots.append((epoch + 1, ops.convert_to_numpy(self.model.generator(inputs, training=False))))
