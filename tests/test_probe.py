"""Bad input is refused clearly (issue 13): every public function of ``utils`` gets wrong types, shapes, ranges,
NaN and empty input, and must raise a ValueError or TypeError that names the argument, from ``utils``'s own code.

One row per (function, bad call, expected exception, word the message must contain). A row is

- clear:   the expected exception, raised by code in utils/, whose message contains the word;
- obscure: another exception, one raised inside TensorFlow/NumPy/Keras, or a message without the word;
- silent:  no exception at all.

``python tests/test_probe.py`` prints the counts (tried / clear / obscure / silent) and every row that is not
clear, whatever the xfail marks say.
"""

from __future__ import annotations

import inspect
import traceback
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest

import utils
from utils import data, evaluation, models, plotting, training, validation

UTILS_DIR = Path(utils.__file__).resolve().parent
NAN = float("nan")
rng = np.random.default_rng(0)
X = rng.random((8, 28, 28, 1)).astype("float32")  # images in [0, 1]
X_BIN = (X > 0.5).astype("float32")
X_NAN = X.copy()
X_NAN[0, 0, 0, 0] = NAN
FEATURES = rng.normal(size=(20, 4))
PROBS = np.full((20, 10), 0.1)


class Row(NamedTuple):
    name: str
    call: object  # a function of no argument that makes the bad call
    error: type
    word: str  # the message must contain it: the argument's name
    owner: str = ""  # who still has to fix the code ("lead", "H-GAN"): the row is an expected failure until then


# ---------------------------------------------------------------- small models, built once when first needed

_cache: dict = {}


def cached(key, make):
    if key not in _cache:
        _cache[key] = make()
    return _cache[key]


def vae():
    return cached("vae", lambda: utils.build_vae(2, conv=False, hidden=(8,)))


def _accepts(function, name):
    return name in inspect.signature(function).parameters


def gan(conditional=False, cls=None):
    import keras

    def make():
        kwargs = {"num_classes": 3} if conditional else {}
        g = utils.mlp_generator(4, hidden=(8,), **kwargs)
        d = utils.mlp_discriminator(hidden=(8,), **kwargs)
        model = (cls or utils.GAN)(g, d, 4, **({"num_classes": 3} if conditional and _accepts(cls or utils.GAN,
                                                                                                "num_classes")
                                               else {}))
        model.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.Adam(1e-3))
        return model

    return cached(("gan", conditional, cls), make)


def fit_gan(model, images, labels=None, batch_size=4):
    import tensorflow as tf

    ds = tf.data.Dataset.from_tensor_slices(images if labels is None else (images, labels)).batch(batch_size)
    model.fit(ds, epochs=1, verbose=0)


def snapshots_with_wrong_z():
    snaps = utils.SampleSnapshots(np.zeros((2, 7), "float32"))  # the GAN's z has 4 numbers
    snaps.set_model(gan())
    snaps.on_train_begin()
    snaps.on_epoch_end(0)


def figure():
    import matplotlib.pyplot as plt

    return cached("figure", lambda: plt.figure())


X11 = 2 * X - 1

# ---------------------------------------------------------------- the table

ROWS = [
    # utils.validation
    Row("check_param value of wrong type", lambda: validation.check_param("n", "3", kind=int), TypeError, "n"),
    Row("check_param NaN float", lambda: validation.check_param("lr", NAN, kind=float), ValueError, "lr"),
    Row("check_param kind not a type", lambda: validation.check_param("n", 1, kind="int"), TypeError, "kind"),
    Row("check_param low of wrong type", lambda: validation.check_param("n", 5, low="1"), TypeError, "low"),
    Row("check_param name not a string", lambda: validation.check_param(3, 5), TypeError, "name"),
    Row("check_array None", lambda: validation.check_array("x", None), TypeError, "x"),
    Row("check_array ragged list", lambda: validation.check_array("x", [[1.0], [1.0, 2.0]]), ValueError, "x"),
    Row("check_array ndim of wrong type", lambda: validation.check_array("x", np.zeros(3), ndim="2"), TypeError,
        "ndim"),
    Row("check_array value_range not a pair", lambda: validation.check_array("x", np.zeros(3), value_range=(1,)),
        TypeError, "value_range"),
    Row("check_array string dtype", lambda: validation.check_array("x", np.array(["a"]), dtype_kind="f"),
        TypeError, "x"),
    # utils.data
    Row("load_mnist split not a string", lambda: utils.load_mnist(1), TypeError, "split"),
    Row("load_mnist subset 0", lambda: utils.load_mnist(subset=0), ValueError, "subset"),
    Row("load_mnist negative seed", lambda: utils.load_mnist(seed=-1), ValueError, "seed"),
    Row("load_mnist binarize=True", lambda: utils.load_mnist(binarize=True), ValueError, "binarize"),
    Row("load_mnist path an int", lambda: utils.load_mnist(path=3), TypeError, "path"),
    Row("file_sha256 path None", lambda: data.file_sha256(None), TypeError, "path"),
    Row("make_dataset drop_remainder='no'", lambda: utils.make_dataset(X, batch_size=2, drop_remainder="no"),
        TypeError, "drop_remainder"),
    Row("make_dataset batch larger than the data, drop_remainder",
        lambda: utils.make_dataset(X, batch_size=16, drop_remainder=True), ValueError, "batch_size"),
    Row("make_dataset batch_size 0", lambda: utils.make_dataset(X, batch_size=0), ValueError, "batch_size"),
    Row("make_dataset batch_size float", lambda: utils.make_dataset(X, batch_size=2.0), TypeError, "batch_size"),
    Row("make_dataset NaN images", lambda: utils.make_dataset(X_NAN, batch_size=2), ValueError, "x"),
    Row("make_dataset empty", lambda: utils.make_dataset(np.zeros((0, 2), "float32"), batch_size=2), ValueError,
        "x"),
    Row("make_dataset y of wrong length", lambda: utils.make_dataset(X, np.zeros(7, "int64"), batch_size=2),
        ValueError, "y"),
    Row("make_dataset y 2-D", lambda: utils.make_dataset(X, np.zeros((8, 2)), batch_size=2), ValueError, "y"),
    Row("make_dataset x a string", lambda: utils.make_dataset("abc", batch_size=2), TypeError, "x"),
    Row("make_dataset shuffle='yes'", lambda: utils.make_dataset(X, batch_size=2, shuffle="yes"), TypeError,
        "shuffle"),
    Row("mnist_dataset labels='yes'", lambda: utils.mnist_dataset(batch_size=2, labels="yes"), TypeError, "labels"),
    Row("mnist_dataset split unknown", lambda: utils.mnist_dataset("val", batch_size=2), ValueError, "split"),
    # utils.models
    Row("dense_encoder code_size str", lambda: utils.dense_encoder("8"), TypeError, "code_size"),
    Row("dense_encoder hidden entry 0", lambda: utils.dense_encoder(8, hidden=(0,)), ValueError, "hidden"),
    Row("dense_encoder activation unknown", lambda: utils.dense_encoder(8, activation="swish"), ValueError,
        "activation"),
    Row("dense_decoder output_shape empty", lambda: utils.dense_decoder(8, output_shape=()), TypeError,
        "output_shape"),
    Row("conv_encoder filters empty", lambda: utils.conv_encoder(8, filters=()), ValueError, "filters"),
    Row("conv_encoder flat input_shape", lambda: utils.conv_encoder(8, input_shape=(784,)), ValueError,
        "input_shape"),
    Row("conv_decoder output_shape not divisible", lambda: utils.conv_decoder(8, output_shape=(30, 30, 1)),
        ValueError, "output_shape"),
    Row("autoencoder encoder a string", lambda: utils.autoencoder("enc", utils.dense_decoder(2)), TypeError,
        "encoder"),
    Row("gaussian_kl shapes differ", lambda: models.gaussian_kl(np.zeros((2, 3), "float32"),
                                                                np.zeros((2, 4), "float32")), ValueError, "log_var"),
    Row("gaussian_kl NaN", lambda: models.gaussian_kl(np.full((2, 3), NAN, "float32"), np.zeros((2, 3), "float32")),
        ValueError, "mean"),
    Row("bernoulli_nll pixels in [0, 255]", lambda: models.bernoulli_nll(255 * X_BIN, np.zeros_like(X)),
        ValueError, "x"),
    Row("bernoulli_nll shapes differ", lambda: models.bernoulli_nll(X_BIN, np.zeros((8, 784), "float32")),
        ValueError, "logits"),
    Row("VAE encoder a string", lambda: utils.VAE("enc", "dec"), TypeError, "encoder"),
    Row("VAE beta NaN", lambda: utils.VAE(utils.dense_encoder(4), utils.dense_decoder(2, output_activation=None),
                                          beta=NAN), ValueError, "beta"),
    Row("build_vae latent_size 0", lambda: utils.build_vae(0), ValueError, "latent_size"),
    Row("code_discriminator code_size 0", lambda: models.code_discriminator(0), ValueError, "code_size"),
    Row("code_discriminator hidden an int", lambda: models.code_discriminator(2, 5), TypeError, "hidden"),
    Row("gaussian_prior code_size 2.5", lambda: models.gaussian_prior(2.5), TypeError, "code_size"),
    Row("AdversarialAutoencoder prior not callable",
        lambda: models.AdversarialAutoencoder(utils.dense_encoder(2), utils.dense_decoder(2),
                                              models.code_discriminator(2), "normal"), TypeError, "prior"),
    Row("AdversarialAutoencoder code sizes differ",
        lambda: models.AdversarialAutoencoder(utils.dense_encoder(2), utils.dense_decoder(3),
                                              models.code_discriminator(2), models.gaussian_prior(2)),
        ValueError, "code size"),
    Row("build_aae code_size 0", lambda: models.build_aae(0), ValueError, "code_size"),
    Row("build_aae hidden empty", lambda: models.build_aae(2, hidden=()), ValueError, "hidden"),
    Row("AdversarialAutoencoder.encode pixels in [0, 255]",
        lambda: models.build_aae(2, hidden=(8,), d_hidden=(8,)).encode(255 * X), ValueError, "x"),
    Row("build_vae conv='yes'", lambda: utils.build_vae(2, conv="yes"), TypeError, "conv"),
    Row("build_vae hidden an int", lambda: utils.build_vae(2, conv=False, hidden=5), TypeError, "hidden"),
    Row("VAE.terms pixels in [0, 255]", lambda: vae().terms(255 * X_BIN), ValueError, "x"),
    Row("VAE.terms flat images", lambda: vae().terms(np.zeros((2, 10), "float32")), ValueError, "x"),
    Row("VAE.terms NaN", lambda: vae().terms(X_NAN), ValueError, "x"),
    Row("VAE.encode wrong shape", lambda: vae().encode(np.zeros((2, 5), "float32")), ValueError, "x"),
    Row("VAE.sample n=0", lambda: vae().sample(0), ValueError, "n"),
    Row("VAE.sample seed a string", lambda: vae().sample(2, seed="a"), TypeError, "seed"),
    # utils.plotting
    Row("image_grid empty", lambda: utils.image_grid(np.zeros((0, 784))), ValueError, "images"),
    Row("image_grid NaN", lambda: utils.image_grid(X_NAN), ValueError, "images"),
    Row("image_grid ncols 0", lambda: utils.image_grid(X, ncols=0), ValueError, "ncols"),
    Row("image_grid titles an int", lambda: utils.image_grid(X, titles=5), TypeError, "titles"),
    Row("image_grid cell_size negative", lambda: utils.image_grid(X, cell_size=-1.0), ValueError, "cell_size"),
    Row("image_grid value_range with NaN", lambda: utils.image_grid(X, value_range=(0.0, NAN)), ValueError,
        "value_range"),
    Row("compare_images empty dict", lambda: utils.compare_images({}), TypeError, "rows"),
    Row("compare_images value_range a string", lambda: utils.compare_images({"a": X}, value_range="ab"), TypeError,
        "value_range"),
    Row("plot_history empty curve", lambda: utils.plot_history({"loss": []}), ValueError, "history"),
    Row("plot_history NaN", lambda: utils.plot_history({"loss": [1.0, NAN]}), ValueError, "history"),
    Row("plot_history keys a string", lambda: utils.plot_history({"loss": [1.0]}, keys="loss"), TypeError, "keys"),
    Row("plot_history logy='yes'", lambda: utils.plot_history({"loss": [1.0]}, logy="yes"), TypeError, "logy"),
    Row("plot_history a list", lambda: utils.plot_history([1.0, 2.0]), TypeError, "history"),
    Row("latent_scatter 3-D codes", lambda: utils.latent_scatter(FEATURES[:, :3]), ValueError, "codes"),
    Row("latent_scatter max_points 0", lambda: utils.latent_scatter(FEATURES[:, :2], max_points=0), ValueError,
        "max_points"),
    Row("latent_scatter seed negative", lambda: utils.latent_scatter(FEATURES[:, :2], max_points=5, seed=-1),
        ValueError, "seed"),
    Row("save_figure bad name", lambda: utils.save_figure(figure(), "bad"), ValueError, "name"),
    Row("save_figure name an int", lambda: utils.save_figure(figure(), 5), TypeError, "name"),
    Row("save_figure fig a string", lambda: utils.save_figure("fig", "99_x"), TypeError, "fig"),
    # utils.evaluation
    Row("check_images unknown scale", lambda: evaluation.check_images(X, "0-1"), ValueError, "scale"),
    Row("check_images [0, 255] pixels", lambda: evaluation.check_images(255 * X, "[0,1]"), ValueError, "images"),
    Row("check_images no channel axis", lambda: evaluation.check_images(X[..., 0], "[0,1]"), ValueError, "images"),
    Row("check_images [0,1] announced as [-1,1]", lambda: evaluation.check_images(X, "[-1,1]"), ValueError,
        "images"),
    Row("classifier_features scale None", lambda: evaluation.classifier_features(X, None), TypeError, "scale"),
    Row("classifier_probs NaN", lambda: evaluation.classifier_probs(X_NAN, "[0,1]"), ValueError, "images"),
    Row("classifier_fd bad reference_scale", lambda: evaluation.classifier_fd(X, X, "[0,1]", reference_scale="x"),
        ValueError, "scale"),
    Row("evaluate_images k='3'", lambda: evaluation.evaluate_images(X, "[0,1]", k="3"), TypeError, "k"),
    Row("evaluate_images splits '2'", lambda: evaluation.evaluate_images(X, "[0,1]", splits="2"), TypeError,
        "splits"),
    Row("evaluate_images n larger than the images", lambda: evaluation.evaluate_images(X, "[0,1]", n=1000),
        ValueError, "n"),
    Row("evaluate_images labels out of range",
        lambda: evaluation.evaluate_images(X, "[0,1]", labels=np.full(8, 10), splits=2), ValueError, "labels"),
    Row("evaluate_images labels a string", lambda: evaluation.evaluate_images(X, "[0,1]", labels="abc", splits=2),
        TypeError, "labels"),
    Row("evaluate_images negative seed", lambda: evaluation.evaluate_images(X, "[0,1]", seed=-1, splits=2),
        ValueError, "seed"),
    Row("frechet_distance dimensions differ", lambda: evaluation.frechet_distance(FEATURES, FEATURES[:, :3]),
        ValueError, "features"),
    Row("frechet_distance 1-D", lambda: evaluation.frechet_distance(FEATURES[:, 0], FEATURES[:, 0]), ValueError,
        "features_a"),
    Row("frechet_distance NaN", lambda: evaluation.frechet_distance(np.full((5, 2), NAN), FEATURES[:, :2]),
        ValueError, "features_a"),
    Row("frechet_distance_from_stats non-symmetric sigma",
        lambda: evaluation.frechet_distance_from_stats(np.zeros(2), np.array([[1.0, 1.0], [0.0, 1.0]]),
                                                       np.zeros(2), np.eye(2)), ValueError, "sigma1"),
    Row("frechet_distance_from_stats sigma of wrong shape",
        lambda: evaluation.frechet_distance_from_stats(np.zeros(2), np.eye(3), np.zeros(2), np.eye(2)), ValueError,
        "sigma1"),
    Row("feature_stats one sample", lambda: evaluation.feature_stats(np.zeros((1, 3))), ValueError, "features"),
    Row("inception_score rows not summing to 1", lambda: evaluation.inception_score(PROBS * 2), ValueError, "probs"),
    Row("inception_score splits 0", lambda: evaluation.inception_score(PROBS, splits=0), ValueError, "splits"),
    Row("inception_score splits float", lambda: evaluation.inception_score(PROBS, splits=2.0), TypeError, "splits"),
    Row("precision_recall k 0", lambda: evaluation.precision_recall(FEATURES, FEATURES, k=0), ValueError, "k"),
    Row("precision_recall k '3'", lambda: evaluation.precision_recall(FEATURES, FEATURES, k="3"), TypeError, "k"),
    Row("real_fd_floor n 1", lambda: evaluation.real_fd_floor(1), ValueError, "n"),
    Row("real_fd_floor unknown source", lambda: evaluation.real_fd_floor(100, source="test"), ValueError, "source"),
    Row("validation_indices sidecar_path a number", lambda: evaluation.validation_indices(sidecar_path=3), TypeError,
        "sidecar_path"),
    Row("held_out_fd_curve pixels instead of features",
        lambda: evaluation.held_out_fd_curve(np.zeros((10, 784))), ValueError, "reference_features"),
    Row("held_out_fd_curve parts 0", lambda: evaluation.held_out_fd_curve(np.zeros((10, 128)), parts=(0,)),
        ValueError, "parts"),
    Row("inception_score splits and split_size", lambda: evaluation.inception_score(PROBS, splits=2, split_size=2),
        ValueError, "split_size"),
    Row("label_accuracy labels of wrong length", lambda: evaluation.label_accuracy(X, np.zeros(3, int), "[0,1]"),
        ValueError, "labels"),
    Row("format_metrics empty dict", lambda: evaluation.format_metrics({}), ValueError, "metrics"),
    Row("format_metrics name an int",
        lambda: evaluation.format_metrics({"fd": 1.0, "fd_floor": 0.5, "n": 10, "inception_score": 2.0,
                                           "inception_score_std": 0.1, "inception_score_real": 9.0,
                                           "precision": 0.5, "recall": 0.5}, name=3), TypeError, "name"),
    Row("build_classifier feature_dim 1", lambda: evaluation.build_classifier(feature_dim=1), ValueError,
        "feature_dim"),
    Row("load_classifier weights_path an int", lambda: evaluation.load_classifier(weights_path=3), TypeError,
        "weights_path"),
    Row("save_classifier model a string", lambda: evaluation.save_classifier("model", {}, weights_path="/nonexistent"
                                                                             "/x.weights.h5"), TypeError, "model"),
    Row("train_classifier epochs 0", lambda: evaluation.train_classifier(epochs=0), ValueError, "epochs"),
    # added for issues 11 and 14
    Row("make_dataset repeat='yes'", lambda: utils.make_dataset(X, batch_size=2, repeat="yes"), TypeError, "repeat"),
    Row("make_dataset target unknown", lambda: utils.make_dataset(X, batch_size=2, target="y"), ValueError,
        "target"),
    Row("make_dataset target='x' with labels", lambda: utils.make_dataset(X, np.zeros(8, int), batch_size=2,
                                                                          target="x"), ValueError, "target"),
    Row("map_per_step dataset an array", lambda: data.map_per_step(X, data.binarize_sample, seed=0), TypeError,
        "dataset"),
    Row("map_per_step negative seed",
        lambda: data.map_per_step(utils.make_dataset(X, batch_size=2), data.binarize_sample, seed=-1), ValueError,
        "seed"),
    Row("binarized_batches [0, 255] pixels", lambda: utils.binarized_batches(255 * X, batch_size=2, seed=0),
        ValueError, "x_grey"),
    Row("binarized_batches seed -1", lambda: utils.binarized_batches(X, batch_size=2, seed=-1), ValueError, "seed"),
    Row("negative_elbo grey-level pixels", lambda: models.negative_elbo(vae(), X), ValueError, "x"),
    Row("negative_elbo vae a string", lambda: models.negative_elbo("vae", X_BIN), TypeError, "vae"),
    Row("importance_weighted_bound k 0", lambda: models.importance_weighted_bound(vae(), X_BIN, 0), ValueError, "k"),
    Row("importance_weighted_bound k float", lambda: models.importance_weighted_bound(vae(), X_BIN, 5.0), TypeError,
        "k"),
    Row("importance_weighted_bound [0, 255] pixels", lambda: models.importance_weighted_bound(vae(), 255 * X_BIN, 5),
        ValueError, "x"),
    Row("layer_table model a string", lambda: models.layer_table("model"), TypeError, "model"),
    Row("mosaic ncols 0", lambda: plotting.mosaic(X, ncols=0), ValueError, "ncols"),
    Row("mosaic [-1, 1] images as [0, 1]", lambda: plotting.mosaic(X11), ValueError, "images"),
    Row("js_divergence negative counts", lambda: evaluation.js_divergence([1, -1], [1, 1]), ValueError, "p"),
    Row("js_divergence shapes differ", lambda: evaluation.js_divergence([1, 1], [1, 1, 1]), ValueError, "q"),
    Row("js_divergence NaN", lambda: evaluation.js_divergence([1, NAN], [1, 1]), ValueError, "p"),
    Row("nearest_neighbour_distances sizes differ",
        lambda: evaluation.nearest_neighbour_distances(X, X[:, :10]), ValueError, "references"),
    Row("nearest_neighbour_distances empty", lambda: evaluation.nearest_neighbour_distances(X[:0], X), ValueError,
        "queries"),
    Row("mmd2 dimensions differ", lambda: evaluation.mmd2(np.ones((5, 2)), np.ones((5, 3)), 1.0), ValueError,
        "a and b"),
    Row("mmd2 bandwidth 0", lambda: evaluation.mmd2(np.ones((5, 2)), np.ones((5, 2)), 0.0), ValueError, "bandwidth"),
    Row("mmd2 NaN codes", lambda: evaluation.mmd2(np.full((5, 2), NAN), np.ones((5, 2)), 1.0), ValueError, "a"),
    Row("median_bandwidth one point", lambda: evaluation.median_bandwidth(np.ones((1, 2))), ValueError, "points"),
    Row("median_bandwidth a vector", lambda: evaluation.median_bandwidth(np.ones(5)), ValueError, "points"),
    Row("EvaluateEvery fn a string", lambda: training.EvaluateEvery("fd"), TypeError, "fn"),
    Row("EvaluateEvery every 0", lambda: training.EvaluateEvery(len, every=0), ValueError, "every"),
    Row("features_and_probs [0, 255] pixels", lambda: evaluation.features_and_probs(255 * X, "[0,1]"), ValueError,
        "images"),
    Row("check_parameters namespace a list", lambda: utils.check_parameters([], {"FAST": bool}), TypeError,
        "namespace"),
    Row("check_parameters empty spec", lambda: utils.check_parameters({}, {}), TypeError, "spec"),
    # utils.runtime
    Row("set_seed a string", lambda: utils.set_seed("1"), TypeError, "seed"),
    Row("set_seed deterministic='yes'", lambda: utils.set_seed(1, deterministic="yes"), TypeError, "deterministic"),
    # utils.results and utils.paths (the lead's)
    Row("Results params with NaN", lambda: utils.Results("99_probe", params={"lr": NAN}), ValueError, "lr"),
    Row("Results notebook an int", lambda: utils.Results(3), TypeError, "notebook"),
    Row("load_results path an int", lambda: utils.load_results(3), TypeError, "path"),
    Row("results_table a string", lambda: utils.results_table("x"), TypeError, "results"),
    Row("display_path an int", lambda: utils.display_path(3), TypeError, "path"),
    Row("steps_per_pass batch_size 0", lambda: data.steps_per_pass(10, 0), ValueError, "batch_size"),
    Row("steps_per_pass n a float", lambda: data.steps_per_pass(10.0, 2), TypeError, "n"),
    Row("write_atomically path an int", lambda: training.write_atomically(3, lambda f: None), TypeError, "path"),
    Row("write_atomically write not callable", lambda: training.write_atomically("x.json", "text"), TypeError,
        "write"),
    Row("conditional_gan learning_rate 0", lambda: utils.conditional_gan(learning_rate=0.0), ValueError,
        "learning_rate"),
]
# utils.gan: its fixes change training, so they land with the re-runs of notebooks 20-26 (issue 14)
ROWS += [
    Row("mlp_generator latent_dim 0", lambda: utils.mlp_generator(0), ValueError, "latent_dim"),
    Row("mlp_generator hidden an int", lambda: utils.mlp_generator(4, hidden=5), TypeError, "hidden"),
    Row("mlp_generator activation unknown", lambda: utils.mlp_generator(4, activation="tanh"), ValueError,
        "activation"),
    Row("mlp_discriminator num_classes 1", lambda: utils.mlp_discriminator(num_classes=1), ValueError,
        "num_classes"),
    Row("dcgan_generator width 0", lambda: utils.dcgan_generator(4, width=0), ValueError, "width"),
    Row("dcgan_discriminator conditioning unknown", lambda: utils.dcgan_discriminator(8, conditioning="x"),
        ValueError, "conditioning"),
    Row("GAN latent_dim not the generator's",
        lambda: utils.GAN(utils.mlp_generator(4, hidden=(8,)), utils.mlp_discriminator(hidden=(8,)), 5), ValueError,
        "latent_dim"),
    Row("GAN generator_loss unknown",
        lambda: utils.GAN(utils.mlp_generator(4, hidden=(8,)), utils.mlp_discriminator(hidden=(8,)), 4,
                          generator_loss="x"), ValueError, "generator_loss"),
    Row("GAN.compile optimiser a string", lambda: gan().compile(d_optimizer="adam", g_optimizer="adam"), TypeError,
        "d_optimizer"),
    Row("GAN.generate n 0", lambda: gan().generate(0), ValueError, "n"),
    Row("GAN.generate batch_size 0", lambda: gan().generate(4, batch_size=0), ValueError, "batch_size"),
    Row("GAN.generate negative seed", lambda: gan().generate(4, seed=-1), ValueError, "seed"),
    Row("conditional GAN.generate label >= num_classes", lambda: gan(True).generate(3, labels=[0, 1, 3]),
        ValueError, "labels"),
    Row("GAN.fit on [0, 255] images", lambda: fit_gan(gan(), 255 * X), ValueError, "images"),
    Row("conditional GAN.fit label >= num_classes", lambda: fit_gan(gan(True), X11, np.full(8, 5)), ValueError,
        "label"),
    Row("WGANGP critic_steps 0",
        lambda: utils.WGANGP(utils.mlp_generator(4, hidden=(8,)), utils.mlp_discriminator(hidden=(8,)), 4,
                             critic_steps=0), ValueError, "critic_steps"),
    Row("WGANGP.fit batch not a multiple of critic_steps", lambda: fit_gan(gan(cls=utils.WGANGP), X11, batch_size=7),
        ValueError, "batch"),
    Row("SampleSnapshots every 0", lambda: utils.SampleSnapshots(np.zeros((2, 4), "float32"), every=0), ValueError,
        "every"),
    Row("SampleSnapshots NaN z", lambda: utils.SampleSnapshots(np.full((2, 4), NAN, "float32")), ValueError, "z"),
    Row("SampleSnapshots z of the wrong size", snapshots_with_wrong_z, ValueError, "z"),
]


def classify(row):
    """("clear" | "obscure" | "silent", what happened)."""
    try:
        row.call()
    except Exception as err:  # noqa: BLE001 (the probe looks at every exception)
        origin = Path(traceback.extract_tb(err.__traceback__)[-1].filename).resolve()
        what = f"{type(err).__name__} from {origin.name}: {str(err)[:160]}"
        from_utils = UTILS_DIR in origin.parents
        if isinstance(err, row.error) and from_utils and row.word in str(err):
            return "clear", what
        return "obscure", what
    return "silent", "no exception"


def _param(row):
    marks = [pytest.mark.xfail(strict=True, reason=row.owner)] if row.owner else []
    return pytest.param(row, id=row.name, marks=marks)


@pytest.mark.parametrize("row", [_param(row) for row in ROWS])
def test_bad_input_gets_a_clear_error(row):
    verdict, what = classify(row)
    assert verdict == "clear", f"{verdict}: {what}"


def test_the_table_covers_every_public_function():
    """A new public function must get a row: the probe names the functions it has no row for."""
    public = {name for name in utils.__all__ if callable(getattr(utils, name))}
    for module in (evaluation, models, data, plotting, training, validation):
        public |= {name for name, obj in vars(module).items() if not name.startswith("_")
                   and (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == module.__name__}
    without_arguments = {"classifier_test_accuracy", "device_report", "figures_dir", "import_tensorflow",
                         "is_scratch_run", "output_dir", "results_path", "tensorflow_startup_log", "use_course_style",
                         "CpuTimer", "EpochTimer",
                         "binarize_sample"}  # runs inside tf.data's graph, on tensors that cannot be inspected
    text = inspect.getsource(inspect.getmodule(test_bad_input_gets_a_clear_error))
    missing = sorted(name for name in public - without_arguments if f"{name}(" not in text)
    assert not missing, f"no probe row calls {missing}"


if __name__ == "__main__":
    import collections
    import warnings

    warnings.simplefilter("ignore")
    counts = collections.Counter()
    for row in ROWS:
        verdict, what = classify(row)
        counts[verdict] += 1
        if verdict != "clear":
            print(f"{verdict:8s} {row.owner or '-':6s} {row.name}: {what}")
    print(f"tried {len(ROWS)}, clear {counts['clear']}, obscure {counts['obscure']}, silent {counts['silent']}")
