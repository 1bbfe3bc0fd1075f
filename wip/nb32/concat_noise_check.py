"""Scratch check for notebook 32, section 7 (session 26): is the two-replica run's FD gap a matter of its noise?

One device, fit as in section 7, but drawing for every batch exactly the noise the two replicas draw (replica 0's
half, then replica 1's). Also one train_step compared weight for weight with the two-replica step.
Run: .venv/bin/python wip/nb32/concat_noise_check.py   (about 60 CPU-s)
Now in notebook 32 as cells (ReplicasNoiseGAN, section 7); kept as the record of the first check.
"""
import utils  # isort: skip  (first: it starts TensorFlow quietly)

import keras
import numpy as np
import tensorflow as tf

from utils import distributed, evaluation

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
mirrored = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
one = tf.distribute.OneDeviceStrategy("/cpu:0")
images, _ = utils.load_mnist("train", scale="[-1,1]", subset=6016, seed=0)


class ConcatNoise(distributed.ReplicaGAN):
    """One device drawing what replicas 0 and 1 draw, concatenated."""

    def _noise(self, n):
        seed = self.seed_generator.next()
        halves = []
        for replica in (0, 1):
            halves.append(tf.random.stateless_normal((n // 2, self.latent_dim), seed=self.replica_seed(seed, replica)))
        return tf.concat(halves, 0)


def make(strategy, cls, seed):
    utils.set_seed(seed)
    with strategy.scope():
        gan = cls(utils.mlp_generator(64, (128, 256)), utils.mlp_discriminator((256, 128)), 64, seed=seed)
        gan.build((None, 64))
        gan.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(1e-3, beta_1=0.5))
    return gan


def dataset(seed):
    return (tf.data.Dataset.from_tensor_slices(images).shuffle(len(images), seed=seed)
            .batch(64, drop_remainder=True).prefetch(tf.data.AUTOTUNE))


# one step, weight for weight
a, b = make(one, ConcatNoise, 0), make(mirrored, distributed.ReplicaGAN, 0)
batch = next(iter(tf.data.Dataset.from_tensor_slices(images[:64]).batch(64)))
tf.function(a.train_step)(batch)
mirrored.run(tf.function(b.train_step), args=(next(iter(mirrored.experimental_distribute_dataset(
    tf.data.Dataset.from_tensor_slices(images[:64]).batch(64)))),))
for name, na, nb in (("generator", a.generator, b.generator), ("discriminator", a.discriminator, b.discriminator)):
    rel = max(float(np.max(np.abs(wa - wb)) / np.max(np.abs(wa)))
              for wa, wb in zip(na.get_weights(), nb.get_weights(), strict=True))
    print(f"one step, {name}: max |w_one - w_two| / max |w| = {rel:.1e}")

# whole runs: one device with the replicas' noise
for seed in range(8):
    gan = make(one, ConcatNoise, seed)
    gan.fit(dataset(seed), epochs=5, verbose=0)
    fd = evaluation.evaluate_images(gan.generate(2000, seed=7), "[-1,1]", seed=0)["fd"]
    print(f"seed {seed}: one device drawing the two replicas' noise, FD {fd:.2f}")
