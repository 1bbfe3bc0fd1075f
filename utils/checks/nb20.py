"""Checks of notebook 20's exercises (the vanilla GAN and its train_step)."""

from __future__ import annotations

import numbers

import numpy as np

from utils.checks import CheckFailed, exercise, expect_between, expect_callable, expect_number


def _reference_d_loss(real_logits, fake_logits):
    """-mean log sigmoid(real) - mean log(1 - sigmoid(fake)), computed stably."""
    return float(np.mean(np.logaddexp(0.0, -real_logits)) + np.mean(np.logaddexp(0.0, fake_logits)))


@exercise("20.1")
def softplus_loss(d_loss_softplus):
    """The discriminator's loss from softplus: equal to the binary cross-entropies, finite for extreme logits."""
    expect_callable("d_loss_softplus", d_loss_softplus, 2)
    rng = np.random.default_rng(0)
    real, fake = rng.normal(1.0, 2.0, (64, 1)).astype("float32"), rng.normal(-1.0, 2.0, (48, 1)).astype("float32")
    got = expect_number("d_loss_softplus(real_logits, fake_logits)", d_loss_softplus(real, fake))
    want = _reference_d_loss(real, fake)
    if abs(got - want) > 1e-4 * max(1.0, abs(want)):
        wrong = {_reference_d_loss(-real, -fake): "the signs are swapped: real images take softplus(-a), generated "
                 "ones softplus(a)",
                 float(np.sum(np.logaddexp(0.0, -real)) + np.sum(np.logaddexp(0.0, fake))): "you summed over the "
                 "batch; BinaryCrossentropy averages, so take the mean of each term",
                 float(np.mean(np.logaddexp(0.0, -np.concatenate([real, -fake])))): "you averaged over both batches "
                 "together; L_D is the mean over the real batch PLUS the mean over the generated batch"}
        hint = next((h for v, h in wrong.items() if abs(got - v) <= 1e-4 * max(1.0, abs(v))),
                    "L_D = mean(softplus(-real_logits)) + mean(softplus(fake_logits))")
        raise CheckFailed(f"d_loss_softplus gives {got:.5f} on random logits; expected {want:.5f}: {hint}")
    extreme = np.array([[-200.0], [150.0]], dtype="float32")
    got = expect_number("d_loss_softplus on logits of -200 and +150", d_loss_softplus(extreme, -extreme))
    want = _reference_d_loss(extreme, -extreme)
    if abs(got - want) > 1e-3 * want:
        raise CheckFailed(f"with logits of -200 and +150 d_loss_softplus gives {got:.4g}, expected {want:.4g}: write "
                          "the terms with tf.math.softplus, not log(sigmoid(.)), which underflows")
    return f"matches the binary cross-entropies ({want:.1f} nats even for logits of ±200, where log(sigmoid) fails)"


def _toy_networks():
    import keras

    keras.utils.set_random_seed(1)
    generator = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh")])
    discriminator = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5, activation="tanh"),
                                      keras.layers.Dense(1)])
    return generator, discriminator


def _reference_step(z, real, lr, alternate):
    """Weights after one SGD step of the non-saturating GAN on fixed noise: simultaneous or alternating."""
    import keras
    import tensorflow as tf

    generator, discriminator = _toy_networks()
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    with tf.GradientTape(persistent=True) as tape:
        fake = generator(z, training=True)
        real_logits, fake_logits = discriminator(real, training=True), discriminator(fake, training=True)
        d_loss = bce(tf.ones_like(real_logits), real_logits) + bce(tf.zeros_like(fake_logits), fake_logits)
        g_loss = bce(tf.ones_like(fake_logits), fake_logits)
    d_grads = tape.gradient(d_loss, discriminator.trainable_weights)
    g_grads = tape.gradient(g_loss, generator.trainable_weights)
    for variable, grad in zip(discriminator.trainable_weights, d_grads, strict=True):
        variable.assign(variable - lr * grad)
    if alternate:
        with tf.GradientTape() as tape:
            logits = discriminator(generator(z, training=True), training=True)
            g_loss = bce(tf.ones_like(logits), logits)
        g_grads = tape.gradient(g_loss, generator.trainable_weights)
    for variable, grad in zip(generator.trainable_weights, g_grads, strict=True):
        variable.assign(variable - lr * grad)
    return [np.array(w) for w in generator.get_weights()], [np.array(w) for w in discriminator.get_weights()]


def _gap(a, b):
    return max(float(np.max(np.abs(x - y))) for x, y in zip(a, b, strict=True))


@exercise("20.2")
def simultaneous_update(SimultaneousGAN):
    """One train_step on toy networks equals the simultaneous update (both gradients at the old weights)."""
    import keras
    import tensorflow as tf

    if not (isinstance(SimultaneousGAN, type) and issubclass(SimultaneousGAN, keras.Model)):
        raise CheckFailed("SimultaneousGAN should be a class (a subclass of VanillaGAN)")
    rng = np.random.default_rng(0)
    z, real = rng.standard_normal((8, 3)).astype("float32"), rng.standard_normal((8, 4)).astype("float32")
    lr = 0.5
    generator, discriminator = _toy_networks()
    g_before = [np.array(w) for w in generator.get_weights()]
    d_before = [np.array(w) for w in discriminator.get_weights()]
    try:
        model = SimultaneousGAN(generator, discriminator, 3, seed=0)
        model.compile(d_optimizer=keras.optimizers.SGD(lr), g_optimizer=keras.optimizers.SGD(lr))
        model.noise = lambda n: tf.constant(z)  # fixed noise, so the update can be compared with a reference
        model.train_step(tf.constant(real))
    except Exception as err:
        raise CheckFailed(f"one train_step of SimultaneousGAN(generator, discriminator, 3, seed=0) on toy networks "
                          f"failed: {type(err).__name__}: {str(err).strip().splitlines()[0][:200]}") from None
    g_after = [np.array(w) for w in generator.get_weights()]
    d_after = [np.array(w) for w in discriminator.get_weights()]
    g_sim, d_sim = _reference_step(z, real, lr, alternate=False)
    g_alt, _ = _reference_step(z, real, lr, alternate=True)
    if _gap(d_after, d_before) == 0.0:
        raise CheckFailed("the discriminator's weights did not change: apply its gradients with self.d_optimizer")
    if _gap(g_after, g_before) == 0.0:
        raise CheckFailed("the generator's weights did not change: apply its gradients with self.g_optimizer")
    if _gap(d_after, d_sim) > 1e-5:
        raise CheckFailed(f"the discriminator's update differs from the reference by {_gap(d_after, d_sim):.2g}: its "
                          "loss is bce(1, real_logits) + bce(0, fake_logits) on the step's fakes, drawn with "
                          "self.noise(n)")
    if _gap(g_after, g_sim) > 1e-5:
        if _gap(g_after, g_alt) <= 1e-5:
            raise CheckFailed("your generator step used the UPDATED discriminator: that is Algorithm 1's "
                              "alternating update (VanillaGAN). Compute both gradients before applying either")
        raise CheckFailed(f"the generator's update differs from the simultaneous reference by "
                          f"{_gap(g_after, g_sim):.2g}: its loss is the non-saturating bce(1, fake_logits), on the "
                          "same fake_logits as the discriminator's loss, under the generator's tape")
    return "one step on toy networks matches the simultaneous update (both gradients at the old weights)"


@exercise("20.3")
def leaky_relu(leaky_gan, relu_dead, leaky_dead, relu_fd, leaky_fd):
    """A GAN with LeakyReLU networks, dead-unit counts and FDs of both runs."""
    import keras

    for name in ("generator", "discriminator"):
        network = getattr(leaky_gan, name, None)
        if not isinstance(network, keras.Model):
            raise CheckFailed(f"leaky_gan should be a trained VanillaGAN with a .{name}")
        if not any(isinstance(layer, keras.layers.LeakyReLU) for layer in network.layers):
            raise CheckFailed(f"leaky_gan.{name} has no LeakyReLU layer: build it with utils.mlp_{name}() (LeakyReLU "
                              "is its default activation), not with the ReLU builders of section 1")
    for name, value in (("relu_dead", relu_dead), ("leaky_dead", leaky_dead)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral | np.integer):
            raise CheckFailed(f"{name} should be a whole number of units, got {type(value).__name__}")
        expect_between(name, value, 0, 192, hint="the discriminator has 128 + 64 hidden units")
    for name, value in (("relu_fd", relu_fd), ("leaky_fd", leaky_fd)):
        expect_between(name, value, 0.5, 1000.0, hint="a classifier FD of a GAN after a few epochs lies between a few "
                       "units and a few hundred; pass the images with scale '[-1,1]'")
    return (f"ReLU: {int(relu_dead)} dead discriminator units, FD {float(relu_fd):.1f}; LeakyReLU: {int(leaky_dead)} "
            f"units never positive, FD {float(leaky_fd):.1f}")
