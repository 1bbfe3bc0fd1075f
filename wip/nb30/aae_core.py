# ruff: noqa
# Cell sources shared by the build script and the exploration script.
AAE_CELL = r'''
def make_encoder(code_size, hidden=HIDDEN, outputs=1):
    """Dense encoder: `outputs` = 1 gives the AAE's deterministic code, 2 the VAE's mean and log-variance."""
    image = keras.Input((28, 28, 1), name="image")
    h = layers.Flatten()(image)
    for i, width in enumerate(hidden):
        h = layers.Dense(width, activation="relu", name=f"dense_{i}")(h)
    return keras.Model(image, layers.Dense(outputs * code_size, name="code")(h), name="encoder")


def make_decoder(code_size, hidden=HIDDEN):
    """Dense decoder to 784 Bernoulli logits (no sigmoid: the loss takes logits)."""
    z = keras.Input((code_size,), name="z")
    h = z
    for i, width in enumerate(reversed(hidden)):
        h = layers.Dense(width, activation="relu", name=f"dense_{i}")(h)
    logits = layers.Dense(28 * 28, name="logits")(h)
    return keras.Model(z, layers.Reshape((28, 28, 1))(logits), name="decoder")


def make_code_discriminator(code_size, hidden=D_HIDDEN):
    """D(z): one logit, "this code was drawn from the prior" (a small MLP on the code, not on images)."""
    z = keras.Input((code_size,), name="z")
    h = z
    for i, width in enumerate(hidden):
        h = layers.Dense(width, activation="relu", name=f"dense_{i}")(h)
    return keras.Model(z, layers.Dense(1, name="logit")(h), name="code_discriminator")


class AdversarialAutoencoder(keras.Model):
    """Makhzani et al. (2016): an autoencoder whose aggregate code distribution q(z) is pushed to a prior p(z)
    by a discriminator on the codes. Each train_step runs the paper's two phases on one batch:
    1. reconstruction: encoder and decoder minimise the reconstruction term (summed binary cross-entropy);
    2. regularisation: (a) D learns to tell prior samples (label 1) from codes (label 0); (b) the encoder, as
       the generator, learns to make D call its codes prior samples (non-saturating loss -log D(E(x))).
    Three optimisers, one per update, each with its own moment estimates."""

    def __init__(self, encoder, decoder, discriminator, prior, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.encoder, self.decoder, self.discriminator = encoder, decoder, discriminator
        self.prior = prior  # prior(n, seed_generator) -> (n, code_size) samples of p(z)
        self.code_size = decoder.inputs[0].shape[-1]
        self.noise = keras.random.SeedGenerator(seed)
        self.bce = keras.losses.BinaryCrossentropy(from_logits=True)
        self.trackers = {name: keras.metrics.Mean(name=name)
                         for name in ("reconstruction", "d_loss", "g_loss", "d_prior", "d_code")}

    @property
    def metrics(self):
        return list(self.trackers.values())

    def compile(self, ae_optimizer, d_optimizer, g_optimizer):
        super().compile()
        self.ae_optimizer, self.d_optimizer, self.g_optimizer = ae_optimizer, d_optimizer, g_optimizer
        self.ae_weights = self.encoder.trainable_weights + self.decoder.trainable_weights
        for optimizer, weights in ((ae_optimizer, self.ae_weights), (d_optimizer, self.discriminator.trainable_weights),
                                   (g_optimizer, self.encoder.trainable_weights)):
            optimizer.build(weights)

    def encode(self, x):
        return self.encoder(x, training=False)

    def call(self, x, training=False):
        """Pixel probabilities of the reconstruction."""
        return ops.sigmoid(self.decoder(self.encoder(x, training=training), training=training))

    def train_step(self, data):
        x = data[0] if isinstance(data, tuple) else data
        n = ops.shape(x)[0]
        # Phase 1, reconstruction: encoder and decoder, -log p(x | z = E(x)) summed over the pixels.
        with tf.GradientTape() as tape:
            logits = self.decoder(self.encoder(x, training=True), training=True)
            per_pixel = ops.binary_crossentropy(x, logits, from_logits=True)
            reconstruction = ops.mean(ops.sum(ops.reshape(per_pixel, (n, -1)), axis=1))
        self.ae_optimizer.apply_gradients(zip(tape.gradient(reconstruction, self.ae_weights), self.ae_weights))
        # Phase 2, regularisation. The codes are computed once, under the generator's tape.
        z_prior = self.prior(n, self.noise)
        with tf.GradientTape() as g_tape:
            z_code = self.encoder(x, training=True)
            with g_tape.stop_recording():  # (a) the discriminator's step is no part of the encoder's gradient
                with tf.GradientTape() as d_tape:
                    prior_logits = self.discriminator(z_prior, training=True)
                    code_logits = self.discriminator(z_code, training=True)
                    d_loss = (self.bce(ops.ones_like(prior_logits), prior_logits)
                              + self.bce(ops.zeros_like(code_logits), code_logits))
                d_weights = self.discriminator.trainable_weights
                self.d_optimizer.apply_gradients(zip(d_tape.gradient(d_loss, d_weights), d_weights))
            # (b) the encoder as generator, scored by the updated discriminator
            fooled = self.discriminator(z_code, training=True)
            g_loss = self.bce(ops.ones_like(fooled), fooled)
        e_weights = self.encoder.trainable_weights
        self.g_optimizer.apply_gradients(zip(g_tape.gradient(g_loss, e_weights), e_weights))
        for name, value in (("reconstruction", reconstruction), ("d_loss", d_loss), ("g_loss", g_loss),
                            ("d_prior", ops.mean(ops.sigmoid(prior_logits))),
                            ("d_code", ops.mean(ops.sigmoid(code_logits)))):
            self.trackers[name].update_state(value)
        return {name: t.result() for name, t in self.trackers.items()}
'''

PRIOR_CELL = r'''
RING_CENTRES = (RING_RADIUS * np.stack([np.cos(2 * np.pi * np.arange(10) / 10),
                                        np.sin(2 * np.pi * np.arange(10) / 10)], axis=1)).astype("float32")


def gaussian_prior(code_size):
    """p(z) = N(0, I): prior(n, seed_generator) -> (n, code_size)."""
    def prior(n, seed):
        return keras.random.normal((n, code_size), seed=seed)
    return prior


def ring_prior(n, seed):
    """p(z): 10 isotropic 2-D Gaussians of std RING_STD on a circle of radius RING_RADIUS, equal weights."""
    k = keras.random.randint((n,), 0, 10, seed=seed)
    return ops.take(ops.convert_to_tensor(RING_CENTRES), k, axis=0) + RING_STD * keras.random.normal((n, 2), seed=seed)
'''
