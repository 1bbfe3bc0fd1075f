import warnings

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


# ---------------------------------------------------------------- issue 14 / 13: shared-code fixes


def _fixed_gan(discriminator, latent_dim=8, **kwargs):
    """A GAN whose optimisers do not move the weights (learning rate 0), so logged values can be recomputed."""
    utils.set_seed(0)
    gan = utils.GAN(utils.mlp_generator(latent_dim, (16,)), discriminator, latent_dim, **kwargs)
    gan.compile(keras.optimizers.SGD(0.0), keras.optimizers.SGD(0.0))
    return gan


def _linear_discriminator(dropout=0.0):
    utils.set_seed(0)
    image = keras.Input((28, 28, 1))
    h = keras.layers.Flatten()(image)
    if dropout:
        h = keras.layers.Dropout(dropout)(h)
    return keras.Model(image, keras.layers.Dense(1, use_bias=False, name="logit")(h))


def test_discriminator_metrics_are_read_in_inference_mode():
    x, _ = utils.load_mnist("train", scale="[-1,1]", subset=64)
    d = _linear_discriminator(dropout=0.8)  # in training mode the logits would be far from these
    gan = _fixed_gan(d)
    history = gan.fit(x, batch_size=64, epochs=1, shuffle=False, verbose=0).history
    expected = float(np.mean(1 / (1 + np.exp(-d.predict(x, verbose=0)))))
    assert history["d_real"][0] == pytest.approx(expected, rel=1e-5)


class _CountCalls(keras.layers.Layer):
    """Identity that counts its calls in a variable (works inside the compiled train_step)."""

    def build(self, input_shape):
        self.calls = self.add_weight(shape=(), initializer="zeros", trainable=False, name="calls")

    def call(self, x):
        self.calls.assign_add(1.0)
        return x


@pytest.mark.parametrize("d_dropout", [0.0, 0.5])
def test_generator_runs_once_per_step(d_dropout):
    x, _ = utils.load_mnist("train", scale="[-1,1]", subset=192)
    counter = _CountCalls()
    z = keras.Input((8,))
    image = keras.layers.Reshape((28, 28, 1))(keras.layers.Dense(784, activation="tanh")(counter(z)))
    generator = keras.Model(z, image)
    gan = utils.GAN(generator, _linear_discriminator(d_dropout), 8)
    gan.compile(keras.optimizers.Adam(), keras.optimizers.Adam())
    gan.fit(x, batch_size=64, epochs=1, verbose=0)
    assert float(counter.calls.numpy()) == 3  # three batches, one generator pass each


def test_compile_fit_resume_and_generate_emit_no_user_warnings(tmp_path):
    x, _ = utils.load_mnist("train", scale="[-1,1]", subset=128)

    class Crash(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            raise RuntimeError("power cut")

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for crash in (True, False):
            gan = utils.GAN(utils.dcgan_generator(8, 4), utils.dcgan_discriminator(4), 8)
            gan.compile(keras.optimizers.Adam(), keras.optimizers.Adam())
            gan(np.zeros((1, 8), "float32"))
            callbacks = [keras.callbacks.BackupAndRestore(str(tmp_path))] + ([Crash()] if crash else [])
            try:
                gan.fit(x, batch_size=64, epochs=2, verbose=0, callbacks=callbacks)
            except RuntimeError:
                pass
        gan.generate(5)
    assert [str(w.message) for w in caught if issubclass(w.category, UserWarning)] == []


def test_bad_training_batches_are_refused_with_a_clear_error():
    x, y = utils.load_mnist("train", scale="[-1,1]", subset=128)
    gan = _small_gan()
    before = [w.copy() for w in gan.get_weights()]
    with pytest.raises(ValueError, match=r"images must lie in \[-1, 1\].*got values in \[0, 255\]"):
        gan.fit(np.round((x + 1) * 127.5), batch_size=64, epochs=1, verbose=0)
    for old, new in zip(before, gan.get_weights(), strict=True):  # refused before any layer saw the batch
        np.testing.assert_array_equal(old, new)

    cgan = utils.GAN(utils.dcgan_generator(8, 4, num_classes=10),
                     utils.dcgan_discriminator(4, num_classes=10, conditioning="projection"), 8)
    cgan.compile(keras.optimizers.Adam(), keras.optimizers.Adam())
    assert cgan.num_classes == 10  # read from the label layers
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 10\), got labels in \[5, 14\]"):
        cgan.fit(x, y + 5, batch_size=64, epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 9\]"):
        cgan.generate(2, labels=np.array([3, 10]))

    wgan = utils.WGANGP(utils.mlp_generator(8, (16,)), utils.mlp_discriminator((16,)), 8, critic_steps=5)
    wgan.compile(keras.optimizers.Adam(), keras.optimizers.Adam())
    for batch in (64, 3):  # not a multiple of 5 (would drop 4 images), smaller than 5 (empty slices)
        with pytest.raises(ValueError, match=f"multiple of critic_steps=5 .*got a batch of {batch}"):
            wgan.fit(utils.make_dataset(x, batch_size=batch, drop_remainder=True), epochs=1, verbose=0)


def test_bad_arguments_are_refused():
    gan = _small_gan()
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        gan.generate(4, batch_size=0)
    with pytest.raises(ValueError, match="seed must be >= 0"):
        gan.generate(4, seed=-1)
    with pytest.raises(ValueError, match="num_classes given for unconditional"):
        utils.GAN(utils.mlp_generator(8), utils.mlp_discriminator(), 8, num_classes=10)
    with pytest.raises(ValueError, match="label_smoothing applies to the cross-entropy"):
        utils.GAN(utils.mlp_generator(8), utils.mlp_discriminator(), 8, generator_loss="hinge", label_smoothing=0.1)
    with pytest.raises(ValueError, match="r1_every must be >= 1"):
        utils.GAN(utils.mlp_generator(8), utils.mlp_discriminator(), 8, r1_every=0)
    x, _ = utils.load_mnist("train", scale="[-1,1]", subset=64)
    for z, labels, message in ((np.zeros((4, 5), "float32"), None, "z must have 8 columns"),
                               (np.zeros((4, 8), "float32"), np.arange(4), "labels must be given for a conditional")):
        with pytest.raises(ValueError, match=message):
            gan.fit(x, batch_size=64, epochs=1, verbose=0, callbacks=[utils.SampleSnapshots(z, labels)])
    assert int(gan.g_optimizer.iterations.numpy()) == 0  # refused when training begins, not at epoch end


def test_generate_is_batched_and_in_inference_mode():
    gan = _small_gan()
    z = np.random.default_rng(3).standard_normal((10, 8)).astype("float32")
    np.testing.assert_allclose(gan.generate(10, seed=3, batch_size=3), gan.generator(z, training=False), atol=1e-6)


def test_builder_options():
    d = utils.dcgan_discriminator(8, dropout=0.0)
    assert not any(isinstance(layer, keras.layers.Dropout) for layer in d.layers)
    sn = utils.dcgan_discriminator(8, dropout=0.0, spectral_norm=True)
    assert sum(isinstance(layer, keras.layers.SpectralNormalization) for layer in sn.layers) == 3
    assert sn.count_params() > d.count_params()  # each wrapper adds its power-iteration vector
    g = utils.dcgan_generator(8, 8, channels_28=4)
    assert g.get_layer("deconv_1").output.shape[1:] == (28, 28, 4)
    assert g.get_layer("image").kernel_size == (3, 3) and g.get_layer("image").strides == (1, 1)
    images = g.predict(np.zeros((2, 8), "float32"), verbose=0)
    assert images.shape == (2, 28, 28, 1)
    with pytest.raises(TypeError, match="spectral_norm must be of type bool"):
        utils.dcgan_discriminator(8, spectral_norm=1)
    with pytest.raises(ValueError, match="channels_28 must be >= 0"):
        utils.dcgan_generator(8, 8, channels_28=-1)


def test_hinge_losses():
    gan = utils.GAN(utils.mlp_generator(8), utils.mlp_discriminator(), 8, generator_loss="hinge")
    real, fake = np.array([[2.0], [0.5], [-1.0]], "float32"), np.array([[-2.0], [0.0], [1.5]], "float32")
    # E[max(0, 1 - D(x))] + E[max(0, 1 + D(G(z)))] and -E[D(G(z))]
    assert float(gan._d_losses(real, fake)) == pytest.approx((0 + 0.5 + 2) / 3 + (0 + 1 + 2.5) / 3)
    assert float(gan._g_loss(fake)) == pytest.approx(-(-2.0 + 0.0 + 1.5) / 3)


@pytest.mark.parametrize("every", [1, 2])
def test_r1_penalty_is_the_squared_input_gradient_and_can_be_lazy(every):
    # D(x) = <w, x>: grad_x D = w for every x, so the penalty is ||w||^2 on the steps that compute it.
    x, _ = utils.load_mnist("train", scale="[-1,1]", subset=128)
    d = _linear_discriminator()
    gan = _fixed_gan(d, r1_weight=1.0, r1_every=every)
    w = d.get_layer("logit").get_weights()[0]
    penalty = float(gan._r1_penalty(keras.ops.convert_to_tensor(x[:4]), None))
    assert penalty == pytest.approx(float(np.sum(w**2)), rel=1e-5)
    history = gan.fit(x, batch_size=64, epochs=1, verbose=0).history  # 2 steps: penalty on steps 0 and (every=1) 1
    assert history["r1_penalty"][0] == pytest.approx(float(np.sum(w**2)) / every, rel=1e-5)


def test_generator_ema_is_swapped_in_when_fit_ends():
    x, _ = utils.load_mnist("train", scale="[-1,1]", subset=256)
    gan = _small_gan()
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-2, use_ema=True, ema_momentum=0.9))
    gan.fit(x, batch_size=64, epochs=1, verbose=0)
    averages = [v.numpy() for v in gan.g_optimizer._model_variables_moving_average]
    for variable, average in zip(gan.generator.trainable_variables, averages, strict=True):
        np.testing.assert_array_equal(variable.numpy(), average)


def test_mlp_activation_is_the_articles_relu_or_leaky_relu():
    relu = utils.mlp_generator(4, hidden=(8,), activation="relu")
    leaky = utils.mlp_discriminator(hidden=(8,))
    assert any(isinstance(layer, keras.layers.ReLU) for layer in relu.layers)
    assert any(isinstance(layer, keras.layers.LeakyReLU) for layer in leaky.layers)
