"""Model builders that several notebooks reuse: dense and convolutional encoders/decoders, and the VAE.

The notebook that teaches a model writes its definition out in full; later notebooks call these builders so
that the same architecture is not copied from notebook to notebook. Every builder returns a ``keras.Model``
and takes images of shape (28, 28, 1) unless told otherwise.
"""

from __future__ import annotations

import math

import keras
from keras import layers, ops

from utils.validation import check_param

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


def gaussian_kl(mean, log_var):
    """KL(N(mean, diag(exp(log_var))) || N(0, I)) in nats, summed over the latent axis (one value per row)."""
    return 0.5 * ops.sum(ops.exp(log_var) + ops.square(mean) - 1.0 - log_var, axis=-1)


def bernoulli_nll(x, logits):
    """-log p(x | logits) in nats for binary x under independent Bernoulli pixels, summed per image."""
    per_pixel = ops.binary_crossentropy(x, logits, from_logits=True)
    return ops.sum(ops.reshape(per_pixel, (ops.shape(x)[0], -1)), axis=-1)


class VAE(keras.Model):
    """A variational autoencoder for binary images (Kingma and Welling, 2014).

    ``encoder`` maps an image to ``2 * latent_size`` numbers, the mean and the log-variance of q(z | x);
    ``decoder`` maps z to Bernoulli logits of the pixels (build it with ``output_activation=None``).
    Training minimises the negative ELBO per image, ``reconstruction + beta * kl``, in nats; all three are
    tracked as metrics. ``beta=1`` is the plain VAE; other values give the beta-VAE (Higgins et al., 2017),
    whose loss is then no longer a bound on -log p(x).
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
        self.beta = float(beta)
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction")
        self.kl_tracker = keras.metrics.Mean(name="kl")

    @property
    def metrics(self):
        return [self.loss_tracker, self.reconstruction_tracker, self.kl_tracker]

    def encode(self, x):
        """The mean and log-variance of q(z | x)."""
        stats = self.encoder(x)
        return stats[:, : self.latent_size], stats[:, self.latent_size :]

    def reparameterize(self, mean, log_var):
        """z = mean + sigma * eps with eps ~ N(0, I): a sample that gradients can flow through."""
        eps = keras.random.normal(ops.shape(mean), seed=self.seed_generator)
        return mean + ops.exp(0.5 * log_var) * eps

    def call(self, x, training=False):
        """Pixel probabilities of the reconstruction decoded from the posterior mean (deterministic)."""
        mean, _ = self.encode(x)
        return ops.sigmoid(self.decoder(mean, training=training))

    def terms(self, x, training=False):
        """Per-image reconstruction term -log p(x | z) (one z sample) and KL term, both in nats."""
        mean, log_var = self.encode(x)
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
        """Pixel probabilities of ``n`` images decoded from z ~ N(0, I)."""
        check_param("n", n, kind=int, low=1)
        z = keras.random.normal((n, self.latent_size), seed=seed if seed is not None else self.seed_generator)
        return ops.sigmoid(self.decoder(z))

    def get_config(self):
        raise NotImplementedError("save a VAE with save_weights() and rebuild it from the same builders")


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
