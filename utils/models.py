"""Model builders that several notebooks reuse: dense and convolutional encoders/decoders, and the VAE.

The notebook that teaches a model writes its definition out in full; later notebooks call these builders so
that the same architecture is not copied from notebook to notebook. Every builder returns a ``keras.Model``
and takes images of shape (28, 28, 1) unless told otherwise.
"""

from __future__ import annotations

import functools
import math

import keras
import numpy as np
from keras import layers, ops

from utils.validation import check_array, check_param

IMAGE_SHAPE = (28, 28, 1)
_ACTIVATIONS = ("relu", "leaky_relu", "elu", "gelu", "tanh", "sigmoid", "linear")
_OUTPUT_ACTIVATIONS = ("sigmoid", "tanh", "linear", None)


def _check_sizes(name, sizes, *, allow_empty=True):
    if not isinstance(sizes, (tuple, list)):
        raise TypeError(f"{name} must be a tuple of positive ints, got {sizes!r}")
    if not allow_empty and not sizes:
        raise ValueError(f"{name} must hold at least one size, got {sizes!r}")
    for size in sizes:
        check_param(f"{name} entry", size, kind=int, low=1)
    return tuple(sizes)


def _check_shape(name, shape, *, image=False):
    if not isinstance(shape, (tuple, list)) or not shape:
        raise TypeError(f"{name} must be a non-empty tuple of positive ints, got {shape!r}")
    for size in shape:
        check_param(f"{name} entry", size, kind=int, low=1)
    if image and len(shape) != 3:
        raise ValueError(f"{name} must be (height, width, channels), got {tuple(shape)}")
    return tuple(shape)


def _check_output_activation(output_activation):
    if output_activation not in _OUTPUT_ACTIVATIONS:
        raise ValueError(f"output_activation must be one of {_OUTPUT_ACTIVATIONS}, got {output_activation!r}")


def dense_encoder(code_size, hidden=(128,), *, input_shape=IMAGE_SHAPE, activation="relu", name="encoder"):
    """Flatten, then Dense layers of sizes ``hidden`` with ``activation``, then a linear Dense to ``code_size``.

    The default is the article's encoder (784-128-64 with ``code_size=64``). The code layer is linear so that
    the code can take any real value, as PCA's scores do.
    """
    check_param("code_size", code_size, kind=int, low=1)
    hidden = _check_sizes("hidden", hidden)
    input_shape = _check_shape("input_shape", input_shape)
    check_param("activation", activation, kind=str, choices=_ACTIVATIONS)
    inputs = keras.Input(input_shape, name="image")
    h = layers.Flatten()(inputs)
    for i, units in enumerate(hidden):
        h = layers.Dense(units, activation=activation, name=f"dense_{i}")(h)
    code = layers.Dense(code_size, name="code")(h)
    return keras.Model(inputs, code, name=name)


def dense_decoder(code_size, hidden=(128,), *, output_shape=IMAGE_SHAPE, activation="relu",
                  output_activation="sigmoid", name="decoder"):
    """Dense layers of sizes ``hidden``, then a Dense to the pixels with ``output_activation``, reshaped.

    ``output_activation`` must match the data: "sigmoid" for pixels in [0, 1], "tanh" for [-1, 1], and
    None (logits) when the loss takes logits, as the VAE's Bernoulli likelihood does.
    """
    check_param("code_size", code_size, kind=int, low=1)
    hidden = _check_sizes("hidden", hidden)
    output_shape = _check_shape("output_shape", output_shape)
    check_param("activation", activation, kind=str, choices=_ACTIVATIONS)
    _check_output_activation(output_activation)
    code = keras.Input((code_size,), name="code")
    h = code
    for i, units in enumerate(hidden):
        h = layers.Dense(units, activation=activation, name=f"dense_{i}")(h)
    h = layers.Dense(math.prod(output_shape), activation=output_activation, name="pixels")(h)
    outputs = layers.Reshape(output_shape, name="image")(h)
    return keras.Model(code, outputs, name=name)


def conv_encoder(code_size, filters=(32, 64), *, input_shape=IMAGE_SHAPE, activation="relu", name="encoder"):
    """3x3 convolutions with stride 2 (28 -> 14 -> 7 for two layers), flatten, linear Dense to ``code_size``."""
    check_param("code_size", code_size, kind=int, low=1)
    filters = _check_sizes("filters", filters, allow_empty=False)
    input_shape = _check_shape("input_shape", input_shape, image=True)
    check_param("activation", activation, kind=str, choices=_ACTIVATIONS)
    inputs = keras.Input(input_shape, name="image")
    h = inputs
    for i, n in enumerate(filters):
        h = layers.Conv2D(n, 3, strides=2, padding="same", activation=activation, name=f"conv_{i}")(h)
    h = layers.Flatten()(h)
    code = layers.Dense(code_size, name="code")(h)
    return keras.Model(inputs, code, name=name)


def conv_decoder(code_size, filters=(64, 32), *, output_shape=IMAGE_SHAPE, activation="relu",
                 output_activation="sigmoid", name="decoder"):
    """The mirror of ``conv_encoder``: Dense to a small feature map, transposed convolutions with stride 2,
    and a 3x3 convolution to the output channels with ``output_activation`` (None gives logits)."""
    check_param("code_size", code_size, kind=int, low=1)
    filters = _check_sizes("filters", filters, allow_empty=False)
    output_shape = _check_shape("output_shape", output_shape, image=True)
    check_param("activation", activation, kind=str, choices=_ACTIVATIONS)
    _check_output_activation(output_activation)
    height, width, channels = output_shape
    scale = 2 ** len(filters)
    if height % scale or width % scale:
        raise ValueError(f"output_shape {output_shape} must have height and width divisible by 2**len(filters) "
                         f"= {scale}")
    code = keras.Input((code_size,), name="code")
    h = layers.Dense(height // scale * width // scale * filters[0], activation=activation, name="project")(code)
    h = layers.Reshape((height // scale, width // scale, filters[0]))(h)
    for i, n in enumerate(filters):
        h = layers.Conv2DTranspose(n, 3, strides=2, padding="same", activation=activation, name=f"deconv_{i}")(h)
    outputs = layers.Conv2D(channels, 3, padding="same", activation=output_activation, name="image")(h)
    return keras.Model(code, outputs, name=name)


def autoencoder(encoder, decoder, name="autoencoder"):
    """Chain an encoder and a decoder into one model (x -> decoder(encoder(x))); the parts keep their weights."""
    if not isinstance(encoder, keras.Model) or not isinstance(decoder, keras.Model):
        raise TypeError("encoder and decoder must be keras.Model instances")
    if encoder.outputs[0].shape[-1] != decoder.inputs[0].shape[-1]:
        raise ValueError(f"the encoder's code size {encoder.outputs[0].shape[-1]} differs from the decoder's "
                         f"input size {decoder.inputs[0].shape[-1]}")
    inputs = keras.Input(encoder.inputs[0].shape[1:], name="image")
    return keras.Model(inputs, decoder(encoder(inputs)), name=name)


def _symbolic(x):
    """True inside a compiled step or a functional build, where values cannot be checked in Python."""
    import tensorflow as tf

    return not tf.executing_eagerly() or isinstance(x, keras.KerasTensor)


def _shape(x):
    return tuple(x.shape) if hasattr(x, "shape") else np.shape(x)


def _check_like(name, value, other_name, other):
    """Eager inputs must be finite and of the same shape as ``other`` (symbolic tensors inside fit pass)."""
    if _symbolic(value):
        return
    value = check_array(name, value, dtype_kind="fiu")
    if other is not None and value.shape != _shape(other):
        raise ValueError(f"{name} must have the shape of {other_name}, {_shape(other)}, got {value.shape}")


def gaussian_kl(mean, log_var):
    """KL(N(mean, diag(exp(log_var))) || N(0, I)) in nats, summed over the latent axis (one value per row)."""
    _check_like("mean", mean, "", None)
    _check_like("log_var", log_var, "mean", mean)
    return 0.5 * ops.sum(ops.exp(log_var) + ops.square(mean) - 1.0 - log_var, axis=-1)


def _check_pixels(name, x, *, binary=False):
    """Eager pixel tensors must be finite and in [0, 1] (binary if asked): [0, 255] pixels would give a
    likelihood off by orders of magnitude. Symbolic tensors (inside fit's compiled step) pass unchecked."""
    if _symbolic(x):
        return x
    array = check_array(name, x, dtype_kind="f", value_range=(0.0, 1.0), min_len=1)
    if binary and not np.all((array == 0.0) | (array == 1.0)):
        raise ValueError(f"{name} must be binary pixels (0 or 1) for the Bernoulli likelihood to be a likelihood; "
                         "binarise them first (load_mnist(..., binarize='sample'))")
    return x


def bernoulli_nll(x, logits):
    """-log p(x | logits) in nats for binary x under independent Bernoulli pixels, summed per image."""
    _check_pixels("x", x)
    _check_like("logits", logits, "x", x)
    per_pixel = ops.binary_crossentropy(x, logits, from_logits=True)
    return ops.sum(ops.reshape(per_pixel, (ops.shape(x)[0], -1)), axis=-1)


@keras.saving.register_keras_serializable(package="utils")
class VAE(keras.Model):
    """A variational autoencoder for binary images (Kingma and Welling, 2014).

    ``encoder`` maps an image to ``2 * latent_size`` numbers, the mean and the log-variance of q(z | x);
    ``decoder`` maps z to Bernoulli logits of the pixels (build it with ``output_activation=None``).
    Training minimises ``reconstruction + beta * kl`` per image, in nats; all three are tracked as metrics.
    ``beta=1`` is the plain VAE: the loss is the negative ELBO, an upper bound on -log p(x). ``beta > 1`` (the
    beta-VAE, Higgins et al., 2017) adds a non-negative term (beta - 1) * KL, so its loss is a looser upper
    bound on -log p(x); ``beta < 1`` removes part of the KL term and its loss bounds nothing. ``negative_elbo``
    and ``importance_weighted_bound`` measure the bounds whatever beta trained the model.

    ``beta`` is a non-trainable variable: a callback may ``vae.beta.assign(value)`` during ``fit`` (KL warm-up)
    and the compiled step uses the new value. The model saves and loads with ``vae.save("name.keras")`` and
    ``keras.saving.load_model`` (``import utils`` first, which registers the class).
    """

    def __init__(self, encoder, decoder, beta=1.0, seed=0, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(encoder, keras.Model) or not isinstance(decoder, keras.Model):
            raise TypeError("encoder and decoder must be keras.Model instances")
        check_param("beta", beta, kind=float, low=0.0)
        check_param("seed", seed, kind=int, low=0)
        out, latent = encoder.outputs[0].shape[-1], decoder.inputs[0].shape[-1]
        if out != 2 * latent:
            raise ValueError(f"the encoder must output 2 * latent_size = {2 * latent} numbers (mean and "
                             f"log-variance) for a decoder with {latent} inputs, got {out}")
        self.encoder, self.decoder = encoder, decoder
        self.latent_size = latent
        self.seed = seed
        self.beta = keras.Variable(float(beta), trainable=False, dtype="float32", name="beta")
        self.seed_generator = keras.random.SeedGenerator(seed)  # training noise only
        self.sample_seed_generator = keras.random.SeedGenerator(seed + 1)  # sample(seed=None) draws from its own
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction")
        self.kl_tracker = keras.metrics.Mean(name="kl")
        self.built = True  # the encoder and decoder are built models: nothing is left to create

    @property
    def metrics(self):
        return [self.loss_tracker, self.reconstruction_tracker, self.kl_tracker]

    def _check_images(self, x):
        if not _symbolic(x):
            expected = tuple(self.encoder.inputs[0].shape[1:])
            if not hasattr(x, "shape") or _shape(x)[1:] != expected:
                got = _shape(x) if hasattr(x, "shape") else type(x).__name__
                raise ValueError(f"x must be images of shape (n, {', '.join(map(str, expected))}), got {got}")
        return _check_pixels("x", x)

    def encode(self, x, training=False):
        """The mean and log-variance of q(z | x)."""
        self._check_images(x)
        stats = self.encoder(x, training=training)
        return stats[:, : self.latent_size], stats[:, self.latent_size :]

    def reparameterize(self, mean, log_var):
        """z = mean + sigma * eps with eps ~ N(0, I): a sample that gradients can flow through."""
        eps = keras.random.normal(ops.shape(mean), seed=self.seed_generator)
        return mean + ops.exp(0.5 * log_var) * eps

    def call(self, x, training=False):
        """Pixel probabilities of the reconstruction decoded from the posterior mean (deterministic)."""
        mean, _ = self.encode(x, training=training)
        return ops.sigmoid(self.decoder(mean, training=training))

    def terms(self, x, training=False):
        """Per-image reconstruction term -log p(x | z) (one z sample) and KL term, both in nats."""
        mean, log_var = self.encode(x, training=training)
        z = self.reparameterize(mean, log_var)
        logits = self.decoder(z, training=training)
        return bernoulli_nll(x, logits), gaussian_kl(mean, log_var)

    def _update(self, reconstruction, kl):
        loss = ops.mean(reconstruction + self.beta * kl)
        self.loss_tracker.update_state(loss)
        self.reconstruction_tracker.update_state(ops.mean(reconstruction))
        self.kl_tracker.update_state(ops.mean(kl))
        return loss

    def train_step(self, data):
        import tensorflow as tf  # the course runs Keras on the TensorFlow backend

        x = data[0] if isinstance(data, tuple) else data
        with tf.GradientTape() as tape:
            reconstruction, kl = self.terms(x, training=True)
            loss = ops.mean(reconstruction + self.beta * kl)
        grads = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights, strict=True))
        self._update(reconstruction, kl)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        x = data[0] if isinstance(data, tuple) else data
        self._update(*self.terms(x))
        return {m.name: m.result() for m in self.metrics}

    def sample(self, n, seed=None):
        """Pixel probabilities of ``n`` images decoded from z ~ N(0, I).

        ``seed`` (an int) gives the same images every call; ``seed=None`` draws from the model's own sampling
        stream, which is not the training noise stream: sampling between epochs leaves training unchanged.
        """
        check_param("n", n, kind=int, low=1)
        if seed is not None:
            check_param("seed", seed, kind=int, low=0)
        z = keras.random.normal((n, self.latent_size), seed=seed if seed is not None else self.sample_seed_generator)
        return ops.sigmoid(self.decoder(z))

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable, "seed": self.seed,
                "beta": float(ops.convert_to_numpy(self.beta)),
                "encoder": keras.saving.serialize_keras_object(self.encoder),
                "decoder": keras.saving.serialize_keras_object(self.decoder)}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for part in ("encoder", "decoder"):
            config[part] = keras.saving.deserialize_keras_object(config[part])
        return cls(**config)


def _vae_batches(vae, x, batch_size):
    if not isinstance(vae, VAE):
        raise TypeError(f"vae must be a utils.VAE, got {type(vae).__name__}")
    check_param("batch_size", batch_size, kind=int, low=1)
    x = check_array("x", x, dtype_kind="f", min_len=1)
    vae._check_images(x)
    _check_pixels("x", x, binary=True)
    return x.astype("float32", copy=False)


def negative_elbo(vae, x, *, seed=0, batch_size=1000):
    """-ELBO of each image in nats (a NumPy array): -log p(x | z) for one z ~ q(z | x) plus the exact KL term,
    with beta = 1 whatever beta the model trained with, so it is an upper bound on -log p(x) in expectation.

    ``x`` must be binary images. The noise is drawn statelessly from ``seed`` (not from the training stream),
    so the same call gives the same numbers.
    """
    import tensorflow as tf

    x = _vae_batches(vae, x, batch_size)
    check_param("seed", seed, kind=int, low=0)
    out = []
    for i, start in enumerate(range(0, len(x), batch_size)):
        batch = x[start:start + batch_size]
        mean, log_var = vae.encode(batch)
        eps = tf.random.stateless_normal(ops.shape(mean), seed=(seed, i))
        logits = vae.decoder(mean + ops.exp(0.5 * log_var) * eps, training=False)
        out.append(ops.convert_to_numpy(bernoulli_nll(batch, logits) + gaussian_kl(mean, log_var)))
    return np.concatenate(out).astype(np.float64)


_LOG_2PI = float(np.log(2.0 * np.pi))


def _log_weights(decoder, x, mean, log_var, eps):
    """log p(x, z) - log q(z | x) for eps of shape (c, B, L): c samples for each of B images; returns (B, c)."""
    c, b = ops.shape(eps)[0], ops.shape(eps)[1]
    z = mean[None] + ops.exp(0.5 * log_var)[None] * eps
    logits = decoder(ops.reshape(z, (c * b, -1)), training=False)
    targets = ops.reshape(ops.broadcast_to(x[None], (c,) + tuple(ops.shape(x))), (c * b,) + tuple(ops.shape(x))[1:])
    log_px_z = -ops.reshape(bernoulli_nll(targets, logits), (c, b))
    log_pz = -0.5 * ops.sum(ops.square(z) + _LOG_2PI, axis=-1)
    log_qz = -0.5 * ops.sum(ops.square(eps) + _LOG_2PI + log_var[None], axis=-1)
    return ops.transpose(log_px_z + log_pz - log_qz)


def importance_weighted_bound(vae, x, k, *, seed=0, max_decodes=20_000):
    """-L_k of each image in nats (a NumPy array), the importance-weighted bound of Burda et al. (2016):

        L_k = log (1/k) sum_j p(x, z_j) / q(z_j | x),   z_1..z_k ~ q(z | x),

    so -L_k is an upper bound on -log p(x) that tightens as k grows (k = 1 is the ELBO; Burda et al. report
    k = 5000). ``x`` must be binary images. Samples are drawn statelessly from ``seed``; at most ``max_decodes``
    images go through the decoder at once (memory), in a compiled function traced once per batch shape.
    """
    import tensorflow as tf

    check_param("k", k, kind=int, low=1)
    check_param("max_decodes", max_decodes, kind=int, low=1)
    check_param("seed", seed, kind=int, low=0)
    images_per_batch = max(1, max_decodes // k)
    chunk = min(k, max_decodes)  # samples per decoder call for one image batch
    x = _vae_batches(vae, x, images_per_batch)
    log_weights = tf.function(functools.partial(_log_weights, vae.decoder), reduce_retracing=True)
    bounds, call = [], 0
    for start in range(0, len(x), images_per_batch):
        batch = x[start:start + images_per_batch]
        mean, log_var = vae.encode(batch)
        parts = []
        for done in range(0, k, chunk):
            eps = tf.random.stateless_normal((min(chunk, k - done),) + tuple(ops.shape(mean)), seed=(seed, call))
            call += 1
            parts.append(ops.convert_to_numpy(log_weights(batch, mean, log_var, eps)).astype(np.float64))
        logw = np.concatenate(parts, axis=1)
        peak = logw.max(axis=1, keepdims=True)
        bounds.append(-(peak[:, 0] + np.log(np.exp(logw - peak).mean(axis=1))))
    return np.concatenate(bounds)


def layer_table(model, *, all_layers=False):
    """A text table of a Keras model's layers: name, type, output shape and parameters, with the total.

    Only layers with weights are listed unless ``all_layers``; print it (``print(utils.layer_table(g))``).
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    check_param("all_layers", all_layers, kind=bool)
    rows = [(layer.name, type(layer).__name__, str(tuple(layer.output.shape[1:])), layer.count_params())
            for layer in model.layers if all_layers or layer.weights]
    width = max([len(r[0]) for r in rows] + [5])
    lines = [f"{'layer':{width}s}  {'type':20s} {'output':16s} {'parameters':>10s}"]
    lines += [f"{name:{width}s}  {kind:20s} {shape:16s} {count:10,d}" for name, kind, shape, count in rows]
    lines.append(f"{'total':{width}s}  {'':20s} {'':16s} {model.count_params():10,d}")
    return "\n".join(lines)


def build_vae(latent_size, *, conv=True, beta=1.0, seed=0, hidden=(512, 256), filters=(32, 64)):
    """A VAE whose encoder and decoder come from the builders above (convolutional by default)."""
    check_param("latent_size", latent_size, kind=int, low=1)
    check_param("conv", conv, kind=bool)
    if conv:
        encoder = conv_encoder(2 * latent_size, filters)
        decoder = conv_decoder(latent_size, tuple(reversed(filters)), output_activation=None)
    else:
        encoder = dense_encoder(2 * latent_size, hidden)
        decoder = dense_decoder(latent_size, tuple(reversed(hidden)), output_activation=None)
    return VAE(encoder, decoder, beta=beta, seed=seed, name="vae")


def code_discriminator(code_size, hidden=(256, 256), *, name="code_discriminator"):
    """D(z) of an adversarial autoencoder: an MLP on the code (ReLU hidden layers), one logit for "z came from
    the prior"."""
    check_param("code_size", code_size, kind=int, low=1)
    hidden = _check_sizes("hidden", hidden)
    z = keras.Input((code_size,), name="z")
    h = z
    for i, width in enumerate(hidden):
        h = layers.Dense(width, activation="relu", name=f"dense_{i}")(h)
    return keras.Model(z, layers.Dense(1, name="logit")(h), name=name)


def gaussian_prior(code_size):
    """p(z) = N(0, I) as a function prior(n, seed_generator) -> (n, code_size) samples in Keras ops."""
    check_param("code_size", code_size, kind=int, low=1)

    def prior(n, seed):
        return keras.random.normal((n, code_size), seed=seed)
    return prior


class AdversarialAutoencoder(keras.Model):
    """An adversarial autoencoder (Makhzani et al., 2016) for binary images, the model notebook 30 teaches.

    ``encoder`` maps an image to a code z = E(x); ``decoder`` maps z to Bernoulli logits of the pixels;
    ``discriminator`` maps z to one logit; ``prior(n, seed_generator)`` draws n codes from p(z) in Keras ops
    (``gaussian_prior(code_size)`` for N(0, I)). Each ``train_step`` runs, on one batch:
    1. the reconstruction phase: encoder and decoder minimise -log p(x | z = E(x)), summed over the pixels;
    2. the regularisation phase: (a) D learns prior samples -> 1, codes -> 0; (b) the encoder, as the
       generator, minimises -log D(E(x)) against the updated D.
    ``adversarial=False`` runs phase 1 alone: a plain autoencoder with the same networks (a control).
    ``compile(ae_optimizer, d_optimizer, g_optimizer)`` takes one optimiser per update.
    """

    def __init__(self, encoder, decoder, discriminator, prior, seed=0, adversarial=True, **kwargs):
        super().__init__(**kwargs)
        for part_name, part in (("encoder", encoder), ("decoder", decoder), ("discriminator", discriminator)):
            if not isinstance(part, keras.Model):
                raise TypeError(f"{part_name} must be a keras.Model, got {type(part).__name__}")
        if not callable(prior):
            raise TypeError(f"prior must be a function prior(n, seed_generator), got {type(prior).__name__}")
        check_param("seed", seed, kind=int, low=0)
        check_param("adversarial", adversarial, kind=bool)
        code, latent = encoder.outputs[0].shape[-1], decoder.inputs[0].shape[-1]
        judged = discriminator.inputs[0].shape[-1]
        if not code == latent == judged:
            raise ValueError(f"the encoder's output ({code}), the decoder's input ({latent}) and the discriminator's "
                             f"input ({judged}) must have one code size")
        self.encoder, self.decoder, self.discriminator = encoder, decoder, discriminator
        self.code_size, self.prior, self.adversarial = code, prior, adversarial
        self.noise = keras.random.SeedGenerator(seed)  # draws the prior samples of training
        self.bce = keras.losses.BinaryCrossentropy(from_logits=True)
        names = ("reconstruction", "d_loss", "g_loss", "d_prior", "d_code") if adversarial else ("reconstruction",)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in names}

    @property
    def metrics(self):  # reset by fit at the start of every epoch
        return list(self.trackers.values())

    def compile(self, ae_optimizer, d_optimizer, g_optimizer):
        """One optimiser per update: reconstruction (encoder + decoder), discriminator, encoder as generator."""
        super().compile()
        self.ae_optimizer, self.d_optimizer, self.g_optimizer = ae_optimizer, d_optimizer, g_optimizer
        self.ae_weights = self.encoder.trainable_weights + self.decoder.trainable_weights
        for optimizer, weights in ((ae_optimizer, self.ae_weights), (d_optimizer, self.discriminator.trainable_weights),
                                   (g_optimizer, self.encoder.trainable_weights)):
            optimizer.build(weights)

    def encode(self, x):
        """The codes z = E(x), in inference mode."""
        _check_pixels("x", x)  # symbolic tensors pass unchecked
        return self.encoder(x, training=False)

    def call(self, x, training=False):
        """Pixel probabilities of the reconstruction of x."""
        return ops.sigmoid(self.decoder(self.encoder(x, training=training), training=training))

    def train_step(self, data):
        import tensorflow as tf  # the course runs Keras on the TensorFlow backend

        x = data[0] if isinstance(data, tuple) else data
        n = ops.shape(x)[0]
        with tf.GradientTape() as tape:  # 1. reconstruction phase
            logits = self.decoder(self.encoder(x, training=True), training=True)
            reconstruction = ops.mean(bernoulli_nll(x, logits))
        grads = tape.gradient(reconstruction, self.ae_weights)
        self.ae_optimizer.apply_gradients(zip(grads, self.ae_weights, strict=True))
        if not self.adversarial:
            self.trackers["reconstruction"].update_state(reconstruction)
            return {"reconstruction": self.trackers["reconstruction"].result()}
        z_prior = self.prior(n, self.noise)  # 2. regularisation phase, on the updated encoder's codes
        with tf.GradientTape() as g_tape:
            z_code = self.encoder(x, training=True)
            with g_tape.stop_recording():  # (a) D's update is no part of the encoder's gradient
                with tf.GradientTape() as d_tape:
                    prior_logits = self.discriminator(z_prior, training=True)
                    code_logits = self.discriminator(z_code, training=True)
                    d_loss = (self.bce(ops.ones_like(prior_logits), prior_logits)
                              + self.bce(ops.zeros_like(code_logits), code_logits))
                d_weights = self.discriminator.trainable_weights
                self.d_optimizer.apply_gradients(zip(d_tape.gradient(d_loss, d_weights), d_weights, strict=True))
            fooled = self.discriminator(z_code, training=True)  # (b) the encoder as generator: -log D(E(x))
            g_loss = self.bce(ops.ones_like(fooled), fooled)
        e_weights = self.encoder.trainable_weights
        self.g_optimizer.apply_gradients(zip(g_tape.gradient(g_loss, e_weights), e_weights, strict=True))
        for name, value in (("reconstruction", reconstruction), ("d_loss", d_loss), ("g_loss", g_loss),
                            ("d_prior", ops.mean(ops.sigmoid(prior_logits))),
                            ("d_code", ops.mean(ops.sigmoid(code_logits)))):
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}


def build_aae(code_size, *, hidden=(512, 256), d_hidden=(256, 256), prior=None, seed=0, adversarial=True):
    """Notebook 30's AAE: dense encoder and decoder (as ``build_vae(conv=False)``), a code discriminator, and the
    prior N(0, I) unless ``prior`` is given."""
    check_param("code_size", code_size, kind=int, low=1)
    hidden = _check_sizes("hidden", hidden, allow_empty=False)
    encoder = dense_encoder(code_size, hidden)
    decoder = dense_decoder(code_size, tuple(reversed(hidden)), output_activation=None)
    return AdversarialAutoencoder(encoder, decoder, code_discriminator(code_size, d_hidden),
                                  gaussian_prior(code_size) if prior is None else prior, seed=seed,
                                  adversarial=adversarial, name="aae" if adversarial else "ae")
