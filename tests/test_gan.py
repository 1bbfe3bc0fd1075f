import keras
import numpy as np
import pytest

import utils


@pytest.mark.parametrize(("make_g", "make_d"), [(utils.mlp_generator, utils.mlp_discriminator),
                                                (utils.dcgan_generator, utils.dcgan_discriminator)])
@pytest.mark.parametrize("num_classes", [None, 10])
def test_builders_shapes_and_ranges(make_g, make_d, num_classes):
    kwargs = {"width": 8} if make_g is utils.dcgan_generator else {}
    g = make_g(16, num_classes=num_classes, **kwargs)
    d = make_d(num_classes=num_classes, **kwargs)
    z = np.random.default_rng(0).normal(size=(5, 16)).astype("float32") * 10
    labels = np.arange(5, dtype="int32")
    images = g.predict([z, labels] if num_classes else z, verbose=0)
    assert images.shape == (5, 28, 28, 1) and images.min() >= -1 and images.max() <= 1
    logits = d.predict([images, labels] if num_classes else images, verbose=0)
    assert logits.shape == (5, 1)


def test_article_sizes():
    g, d = utils.mlp_generator(), utils.mlp_discriminator()
    assert [layer.units for layer in g.layers if hasattr(layer, "units")] == [128, 64, 784]
    assert [layer.units for layer in d.layers if hasattr(layer, "units")] == [128, 64, 1]


def _small_gan(**kwargs):
    utils.set_seed(0)
    gan = utils.GAN(utils.mlp_generator(8, (32,)), utils.mlp_discriminator((32,)), 8, **kwargs)
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    return gan


def test_gan_trains_with_fit_and_reports_metrics():
    x, _ = utils.load_mnist("train", scale="[-1,1]", subset=512)
    gan = _small_gan()
    history = gan.fit(x, batch_size=64, epochs=2, verbose=0)
    assert set(history.history) == {"d_loss", "g_loss", "d_real", "d_fake"}
    assert all(np.isfinite(v).all() for v in history.history.values())
    assert history.history["d_real"][-1] > history.history["d_fake"][-1]  # D learns to tell them apart
    images = gan.generate(7, seed=3)
    np.testing.assert_array_equal(images, gan.generate(7, seed=3))
    assert images.shape == (7, 28, 28, 1)
    assert gan.optimizer is None  # only the two optimisers passed to compile hold state
    assert gan.d_optimizer.iterations.numpy() == gan.g_optimizer.iterations.numpy() == 2 * 8


def test_generator_loss_signs():
    x, _ = utils.load_mnist("train", scale="[-1,1]", subset=128)
    ns = _small_gan().fit(x, batch_size=64, epochs=1, verbose=0).history["g_loss"][-1]
    sat = _small_gan(generator_loss="saturating").fit(x, batch_size=64, epochs=1, verbose=0).history["g_loss"][-1]
    assert ns > 0 > sat  # -log D(G(z)) >= 0 and log(1 - D(G(z))) <= 0


def test_conditional_gan_needs_labels_and_generates_per_label():
    x, y = utils.load_mnist("train", scale="[-1,1]", subset=128)
    gan = utils.GAN(utils.mlp_generator(8, (16,), num_classes=10), utils.mlp_discriminator((16,), num_classes=10), 8)
    gan.compile(keras.optimizers.Adam(), keras.optimizers.Adam())
    gan.fit(x, y, batch_size=64, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="needs \\(images, labels\\)"):
        gan.fit(x, batch_size=64, epochs=1, verbose=0)
    assert gan.generate(4, labels=np.array([0, 1, 2, 3])).shape == (4, 28, 28, 1)
    with pytest.raises(ValueError, match="needs one label per image"):
        gan.generate(4)


def _penalty_model():
    """A critic 0.5 * ||x||^2 on 1-D 'images': its gradient at x is x, so the penalty is known in closed form."""
    critic = keras.Sequential([keras.Input((1,)), keras.layers.Lambda(lambda x: 0.5 * keras.ops.sum(x**2, axis=1))])
    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    return utils.WGANGP(generator, critic, 2, seed=0)


def test_gradient_penalty_interpolates_with_uniform_weights():
    # real = 1, fake = 0: x_hat = eps, the gradient norm is eps, the penalty E[(eps - 1)^2] = 1/3 for U[0, 1]
    # (it would be 2 for a standard normal eps, the bug the course warns about).
    real, fake = np.ones((20000, 1), "float32"), np.zeros((20000, 1), "float32")
    penalty = float(_penalty_model().gradient_penalty(real, fake, None))
    assert penalty == pytest.approx(1 / 3, abs=0.01)


def test_wgan_gp_trains_and_reports_the_wasserstein_estimate():
    utils.set_seed(0)
    x, _ = utils.load_mnist("train", scale="[-1,1]", subset=320)
    wgan = utils.WGANGP(utils.mlp_generator(8, (32,)), utils.mlp_discriminator((32,)), 8, critic_steps=5)
    wgan.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(1e-3, beta_1=0.5))
    history = wgan.fit(utils.make_dataset(x, batch_size=80, seed=0, drop_remainder=True), epochs=2, verbose=0)
    assert set(history.history) == {"critic_loss", "g_loss", "gradient_penalty", "wasserstein"}
    assert all(np.isfinite(v).all() for v in history.history.values())
    assert history.history["wasserstein"][-1] > 0  # the critic scores real above fake


def test_sample_snapshots_keep_fixed_noise_images():
    x, _ = utils.load_mnist("train", scale="[-1,1]", subset=64)
    gan = _small_gan()
    snapshots = utils.SampleSnapshots(np.zeros((4, 8), "float32"), every=2)
    gan.fit(x, batch_size=32, epochs=4, verbose=0, callbacks=[snapshots])
    assert [epoch for epoch, _ in snapshots.snapshots] == [2, 4]
    assert snapshots.snapshots[0][1].shape == (4, 28, 28, 1)


def test_projection_discriminator_adds_the_class_embedding_dot_features():
    d = utils.dcgan_discriminator(8, num_classes=10, conditioning="projection", dropout=0.0)
    x = np.random.default_rng(0).uniform(-1, 1, (4, 28, 28, 1)).astype("float32")
    y = np.array([0, 3, 3, 9], "int32")
    features = keras.Model(d.inputs, d.get_layer("logit").input).predict([x, y], verbose=0)
    kernel, bias = d.get_layer("logit").get_weights()
    embedding = d.get_layer("class_embedding").get_weights()[0]
    expected = features @ kernel + bias + np.sum(embedding[y] * features, axis=1, keepdims=True)
    np.testing.assert_allclose(d.predict([x, y], verbose=0), expected, rtol=1e-4, atol=1e-5)
    assert d.count_params() == utils.dcgan_discriminator(8, dropout=0.0).count_params() + 10 * 7 * 7 * 16
    with pytest.raises(ValueError, match="conditioning must be one of"):
        utils.dcgan_discriminator(8, num_classes=10, conditioning="concat")


def test_invalid_arguments_raise():
    g, d = utils.mlp_generator(8), utils.mlp_discriminator()
    with pytest.raises(ValueError, match="generator_loss must be one of"):
        utils.GAN(g, d, 8, generator_loss="minimax")
    with pytest.raises(ValueError, match="label_smoothing must be <= 0.5"):
        utils.GAN(g, d, 8, label_smoothing=0.9)
    with pytest.raises(ValueError, match="not latent_dim=16"):
        utils.GAN(g, d, 16)
    with pytest.raises(ValueError, match="both be conditional"):
        utils.GAN(utils.mlp_generator(8, num_classes=10), d, 8)
    with pytest.raises(ValueError, match="critic_steps must be >= 1"):
        utils.WGANGP(g, d, 8, critic_steps=0)
    with pytest.raises(ValueError, match="num_classes must be >= 2"):
        utils.dcgan_generator(8, num_classes=1)
    with pytest.raises(TypeError, match="keras.Model"):
        utils.GAN(g, "d", 8)
    gan = utils.GAN(g, d, 8)
    with pytest.raises(TypeError, match="g_optimizer must be a keras.optimizers.Optimizer"):
        gan.compile(keras.optimizers.Adam(), "adam")
    adam = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="two optimiser objects"):
        gan.compile(adam, adam)
