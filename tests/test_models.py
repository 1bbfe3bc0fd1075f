import numpy as np
import pytest

import utils
from utils import models
from utils.models import bernoulli_nll, gaussian_kl


@pytest.mark.parametrize("builder", [utils.dense_encoder, utils.conv_encoder])
def test_encoders_map_images_to_codes(builder):
    encoder = builder(8)
    assert encoder.output_shape == (None, 8)
    codes = encoder.predict(np.zeros((3, 28, 28, 1), "float32"), verbose=0)
    assert codes.shape == (3, 8)


@pytest.mark.parametrize("builder", [utils.dense_decoder, utils.conv_decoder])
@pytest.mark.parametrize(("activation", "low", "high"), [("sigmoid", 0, 1), ("tanh", -1, 1)])
def test_decoders_map_codes_to_images_in_range(builder, activation, low, high):
    decoder = builder(8, output_activation=activation)
    images = decoder.predict(np.random.default_rng(0).normal(size=(3, 8)) * 10, verbose=0)
    assert images.shape == (3, 28, 28, 1)
    assert images.min() >= low and images.max() <= high


def test_article_architecture_sizes():
    encoder, decoder = utils.dense_encoder(64), utils.dense_decoder(64)
    assert [layer.units for layer in encoder.layers if hasattr(layer, "units")] == [128, 64]
    assert [layer.units for layer in decoder.layers if hasattr(layer, "units")] == [128, 784]


@pytest.mark.parametrize(("enc", "dec"), [(utils.dense_encoder, utils.dense_decoder),
                                          (utils.conv_encoder, utils.conv_decoder)])
def test_a_few_training_steps_lower_the_loss(enc, dec):
    utils.set_seed(0)
    x, _ = utils.load_mnist("train", subset=256)
    model = utils.autoencoder(enc(16), dec(16))
    model.compile(optimizer="adam", loss="mse")
    before = model.evaluate(x, x, verbose=0)
    model.fit(x, x, epochs=3, batch_size=64, verbose=0)
    assert model.evaluate(x, x, verbose=0) < 0.9 * before


def test_invalid_arguments_raise():
    with pytest.raises(ValueError, match="code_size must be >= 1"):
        utils.dense_encoder(0)
    with pytest.raises(TypeError, match="code_size must be of type int"):
        utils.conv_encoder(8.0)
    with pytest.raises(TypeError, match="hidden must be a tuple"):
        utils.dense_encoder(8, hidden=128)
    with pytest.raises(ValueError, match="output_activation must be one of"):
        utils.dense_decoder(8, output_activation="softmax")
    with pytest.raises(ValueError, match="divisible by 2"):
        utils.conv_decoder(8, filters=(8, 8, 8))
    with pytest.raises(ValueError, match="code size 8 differs"):
        utils.autoencoder(utils.dense_encoder(8), utils.dense_decoder(4))
    with pytest.raises(ValueError, match="2 \\* latent_size = 8"):
        utils.VAE(utils.dense_encoder(4), utils.dense_decoder(4, output_activation=None))
    with pytest.raises(ValueError, match="beta must be >= 0"):
        utils.build_vae(2, beta=-1.0)


def test_kl_and_bernoulli_terms_have_closed_forms():
    mean, log_var = np.array([[0.0, 1.0]], "float32"), np.array([[0.0, np.log(4.0)]], "float32")
    expected = 0.5 * (4.0 + 1.0 - 1.0 - np.log(4.0))  # only the second dimension differs from N(0, 1)
    np.testing.assert_allclose(np.asarray(gaussian_kl(mean, log_var)), [expected], rtol=1e-6)
    x = np.array([[1.0, 0.0, 1.0]], "float32")
    logits = np.zeros((1, 3), "float32")  # p = 1/2 for every pixel
    np.testing.assert_allclose(np.asarray(bernoulli_nll(x, logits)), [3 * np.log(2.0)], rtol=1e-6)


@pytest.mark.parametrize("conv", [False, True])
def test_vae_trains_and_reports_its_terms(conv):
    utils.set_seed(0)
    x, _ = utils.load_mnist("train", subset=512, binarize="threshold")
    vae = utils.build_vae(4, conv=conv, hidden=(64,), filters=(8, 16))
    vae.compile(optimizer="adam")
    before = vae.evaluate(x, batch_size=128, verbose=0, return_dict=True)
    assert before["loss"] == pytest.approx(before["reconstruction"] + before["kl"], rel=1e-4)
    assert before["reconstruction"] == pytest.approx(784 * np.log(2.0), rel=0.05)  # untrained: p close to 1/2
    history = vae.fit(x, epochs=5, batch_size=64, verbose=0)
    assert set(history.history) == {"loss", "reconstruction", "kl"}
    after = vae.evaluate(x, batch_size=128, verbose=0, return_dict=True)
    assert after["loss"] < 0.85 * before["loss"]
    assert vae.predict(x[:5], verbose=0).shape == (5, 28, 28, 1)
    samples = np.asarray(vae.sample(6, seed=1))
    assert samples.shape == (6, 28, 28, 1) and samples.min() >= 0 and samples.max() <= 1


def test_beta_scales_only_the_kl_term():
    utils.set_seed(0)
    x, _ = utils.load_mnist("train", subset=64, binarize="threshold")
    vae = utils.build_vae(2, conv=False, beta=4.0, hidden=(16,))
    vae.compile(optimizer="adam")
    result = vae.evaluate(x, batch_size=64, verbose=0, return_dict=True)
    assert result["loss"] == pytest.approx(result["reconstruction"] + 4.0 * result["kl"], rel=1e-4)


@pytest.fixture(scope="module")
def small_vae():
    utils.set_seed(0)
    x, _ = utils.load_mnist("train", subset=256, binarize="sample")
    vae = utils.build_vae(4, conv=False, hidden=(64,))
    vae.compile(optimizer="adam")
    vae.fit(x, epochs=3, batch_size=64, verbose=0)
    return vae, x


def test_vae_refuses_grey_levels_out_of_range_and_wrong_shapes(small_vae):
    vae, x = small_vae
    with pytest.raises(ValueError, match=r"x must lie in \[0.0, 1.0\]"):
        vae.terms(255 * x[:4])  # was 2e15 nats, silently
    with pytest.raises(ValueError, match="x must be images of shape"):
        vae.encode(np.zeros((2, 784), "float32"))
    with pytest.raises(ValueError, match="binary"):
        models.negative_elbo(vae, x[:4] * 0.5)


def test_encode_passes_training_through():
    import keras

    encoder = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dropout(0.9),
                                keras.layers.Dense(4)])
    vae = utils.VAE(encoder, utils.dense_decoder(2, hidden=(8,), output_activation=None))
    x = np.ones((3, 28, 28, 1), "float32")
    np.testing.assert_array_equal(vae.encode(x)[0], vae.encode(x)[0])  # inference: no dropout
    assert not np.array_equal(vae.encode(x, training=True)[0], vae.encode(x)[0])


def test_beta_is_a_variable_a_callback_can_change_during_fit():
    import keras

    utils.set_seed(0)
    x, _ = utils.load_mnist("train", subset=128, binarize="threshold")
    vae = utils.build_vae(2, conv=False, beta=0.0, hidden=(16,))
    vae.compile(optimizer="adam")
    seen = []

    class Warmup(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.model.beta.assign(float(epoch))  # 0 then 1

        def on_epoch_end(self, epoch, logs=None):
            seen.append(logs)

    vae.fit(x, epochs=2, batch_size=128, verbose=0, callbacks=[Warmup()])  # one step per epoch: exact relation
    assert seen[0]["loss"] == pytest.approx(seen[0]["reconstruction"], rel=1e-5)  # beta 0: KL not in the loss
    assert seen[1]["loss"] == pytest.approx(seen[1]["reconstruction"] + seen[1]["kl"], rel=1e-5)
    assert vae.beta.trainable is False and all(w is not vae.beta for w in vae.trainable_weights)


def test_vae_saves_and_loads(small_vae, tmp_path):
    import keras

    vae, x = small_vae
    vae.beta.assign(2.0)
    try:
        vae.save(tmp_path / "vae.keras")
        loaded = keras.saving.load_model(tmp_path / "vae.keras")
    finally:
        vae.beta.assign(1.0)
    assert isinstance(loaded, utils.VAE) and float(loaded.beta.numpy()) == 2.0
    np.testing.assert_allclose(np.asarray(loaded(x[:8])), np.asarray(vae(x[:8])), atol=1e-6)


def test_sample_without_seed_leaves_the_training_noise_alone(small_vae):
    vae, _ = small_vae
    state = np.array(vae.seed_generator.state.numpy())
    first, second = np.asarray(vae.sample(3)), np.asarray(vae.sample(3))
    np.testing.assert_array_equal(vae.seed_generator.state.numpy(), state)
    assert not np.array_equal(first, second)  # the sampling stream does advance
    np.testing.assert_array_equal(np.asarray(vae.sample(3, seed=5)), np.asarray(vae.sample(3, seed=5)))


def test_bounds_are_ordered_and_reproducible(small_vae):
    vae, x = small_vae
    x = x[:64]
    elbo = models.negative_elbo(vae, x, seed=1)
    np.testing.assert_array_equal(elbo, models.negative_elbo(vae, x, seed=1))
    reconstruction, kl = vae.terms(x)  # same quantity, another noise draw: the means agree
    assert elbo.mean() == pytest.approx(float(np.mean(reconstruction + kl)), rel=0.05)
    k1 = models.importance_weighted_bound(vae, x, 1, seed=3)
    k50 = models.importance_weighted_bound(vae, x, 50, seed=3)
    k50_chunked = models.importance_weighted_bound(vae, x, 50, seed=3, max_decodes=7)  # 1 image, 7 samples a call
    assert k1.shape == k50.shape == (64,)
    assert k1.mean() == pytest.approx(elbo.mean(), rel=0.03)  # k = 1 is the ELBO (KL by sampling)
    assert k50.mean() < k1.mean() - 0.5  # more samples: a tighter bound, on average
    assert abs(k50.mean() - k50_chunked.mean()) < 1.0  # other noise, same estimate


def test_layer_table_lists_layers_and_total():
    table = utils.models.layer_table(utils.dense_encoder(8, hidden=(16,)))
    lines = table.splitlines()
    assert "dense_0" in table and "code" in table and "flatten" not in table
    assert lines[-1].split()[-1] == f"{784 * 16 + 16 + 16 * 8 + 8:,}"
    assert "flatten" in utils.models.layer_table(utils.dense_encoder(8), all_layers=True)
    with pytest.raises(TypeError, match="model"):
        utils.models.layer_table("encoder")


def test_adversarial_autoencoder_trains_both_phases_and_the_control_only_one():
    import keras

    from utils import data

    x = (np.random.default_rng(0).random((256, 28, 28, 1)) > 0.5).astype("float32")
    for adversarial, names in ((True, {"reconstruction", "d_loss", "g_loss", "d_prior", "d_code"}),
                               (False, {"reconstruction"})):
        utils.set_seed(0)
        aae = models.build_aae(2, hidden=(32,), d_hidden=(16,), seed=0, adversarial=adversarial)
        aae.compile(*(keras.optimizers.Adam(1e-3) for _ in range(3)))
        d_before = [w.copy() for w in aae.discriminator.get_weights()]
        history = aae.fit(data.make_dataset(x, batch_size=64, seed=0), epochs=3, verbose=0).history
        assert set(history) == names
        assert history["reconstruction"][-1] < history["reconstruction"][0]
        moved = any(not np.array_equal(a, b) for a, b in zip(d_before, aae.discriminator.get_weights(), strict=True))
        assert moved == adversarial  # the control never touches its discriminator
        if adversarial:
            assert 0.0 < history["d_prior"][-1] < 1.0 and 0.0 < history["d_code"][-1] < 1.0
        assert aae.encode(x[:5]).shape == (5, 2) and aae(x[:5]).shape == (5, 28, 28, 1)
