import numpy as np
import pytest

import utils
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
