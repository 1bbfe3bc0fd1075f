"""Notebook 20's exercise checks: a right answer passes, wrong ones get specific feedback (no real training)."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import utils
from utils import checks
from utils.checks import CheckFailed


def test_20_1_softplus_loss(capsys):
    def right(real, fake):
        return tf.reduce_mean(tf.math.softplus(-real)) + tf.reduce_mean(tf.math.softplus(fake))

    checks.check("20.1", {"d_loss_softplus": right})
    assert "✓ Exercise 20.1: matches the binary cross-entropies" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="the signs are swapped"):
        checks.check("20.1", {"d_loss_softplus": lambda r, f: right(-r, -f)})
    with pytest.raises(CheckFailed, match="you summed over the batch"):
        checks.check("20.1", {"d_loss_softplus": lambda r, f: tf.reduce_sum(tf.math.softplus(-r))
                              + tf.reduce_sum(tf.math.softplus(f))})
    with pytest.raises(CheckFailed, match="not log\\(sigmoid\\(.\\)\\), which underflows|is inf"):
        checks.check("20.1", {"d_loss_softplus": lambda r, f: tf.reduce_mean(-tf.math.log(tf.sigmoid(r)))
                              + tf.reduce_mean(-tf.math.log(1 - tf.sigmoid(f)))})
    with pytest.raises(CheckFailed, match="should take 2 argument"):
        checks.check("20.1", {"d_loss_softplus": lambda r, f, extra: 0.0})


class _Base(keras.Model):
    """A minimal stand-in for the notebook's VanillaGAN (the check needs noise(), bce, trackers, two optimisers)."""

    def __init__(self, generator, discriminator, latent_dim, seed=0):
        super().__init__()
        self.generator, self.discriminator, self.latent_dim = generator, discriminator, latent_dim
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.bce = keras.losses.BinaryCrossentropy(from_logits=True)

    def compile(self, d_optimizer, g_optimizer):
        super().compile(optimizer=None)
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer
        d_optimizer.build(self.discriminator.trainable_variables)
        g_optimizer.build(self.generator.trainable_variables)

    def noise(self, n):
        return keras.random.normal((n, self.latent_dim), seed=self.seed_generator)

    def _two_losses(self, real, fake):
        real_logits, fake_logits = self.discriminator(real), self.discriminator(fake)
        return (self.bce(tf.ones_like(real_logits), real_logits) + self.bce(tf.zeros_like(fake_logits), fake_logits),
                self.bce(tf.ones_like(fake_logits), fake_logits))


class Simultaneous(_Base):
    def train_step(self, real):
        with tf.GradientTape() as d_tape, tf.GradientTape() as g_tape:
            d_loss, g_loss = self._two_losses(real, self.generator(self.noise(tf.shape(real)[0])))
        d_w, g_w = self.discriminator.trainable_weights, self.generator.trainable_weights
        d_grads, g_grads = d_tape.gradient(d_loss, d_w), g_tape.gradient(g_loss, g_w)
        self.d_optimizer.apply_gradients(zip(d_grads, d_w, strict=True))
        self.g_optimizer.apply_gradients(zip(g_grads, g_w, strict=True))


class Alternating(_Base):
    def train_step(self, real):
        fake_z = self.noise(tf.shape(real)[0])
        with tf.GradientTape() as tape:
            d_loss, _ = self._two_losses(real, self.generator(fake_z))
        self.d_optimizer.apply_gradients(zip(tape.gradient(d_loss, self.discriminator.trainable_weights),
                                             self.discriminator.trainable_weights, strict=True))
        with tf.GradientTape() as tape:
            _, g_loss = self._two_losses(real, self.generator(fake_z))
        self.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, self.generator.trainable_weights),
                                             self.generator.trainable_weights, strict=True))


class DOnly(_Base):
    def train_step(self, real):
        with tf.GradientTape() as tape:
            d_loss, _ = self._two_losses(real, self.generator(self.noise(tf.shape(real)[0])))
        self.d_optimizer.apply_gradients(zip(tape.gradient(d_loss, self.discriminator.trainable_weights),
                                             self.discriminator.trainable_weights, strict=True))


def test_20_2_simultaneous_update(capsys):
    checks.check("20.2", {"SimultaneousGAN": Simultaneous})
    assert "✓ Exercise 20.2: one step on toy networks matches the simultaneous update" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="used the UPDATED discriminator"):
        checks.check("20.2", {"SimultaneousGAN": Alternating})
    with pytest.raises(CheckFailed, match="the generator's weights did not change"):
        checks.check("20.2", {"SimultaneousGAN": DOnly})
    with pytest.raises(CheckFailed, match="should be a class"):
        checks.check("20.2", {"SimultaneousGAN": Simultaneous(*(keras.Sequential([keras.Input((3,)),
                                                                                 keras.layers.Dense(1)]),) * 2, 3)})


class _Pair:
    def __init__(self, generator, discriminator):
        self.generator, self.discriminator = generator, discriminator


def test_20_3_leaky_relu(capsys):
    leaky = _Pair(utils.mlp_generator(8), utils.mlp_discriminator())
    answer = {"leaky_gan": leaky, "relu_dead": 12, "leaky_dead": 0, "relu_fd": 180.5, "leaky_fd": 170.2}
    checks.check("20.3", answer)
    assert "✓ Exercise 20.3: ReLU: 12 dead discriminator units, FD 180.5; LeakyReLU: 0" in capsys.readouterr().out
    relu = _Pair(utils.mlp_generator(8, activation="relu"), utils.mlp_discriminator(activation="relu"))
    with pytest.raises(CheckFailed, match="has no LeakyReLU layer"):
        checks.check("20.3", answer | {"leaky_gan": relu})
    with pytest.raises(CheckFailed, match="relu_dead should be a whole number"):
        checks.check("20.3", answer | {"relu_dead": 0.5})
    with pytest.raises(CheckFailed, match="leaky_fd 0.01 is below 0.5"):
        checks.check("20.3", answer | {"leaky_fd": 0.01})
    assert np.isfinite(answer["relu_fd"])
