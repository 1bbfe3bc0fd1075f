import json
import shutil

import numpy as np
import pytest

import utils
from utils import evaluation
from utils.data import file_sha256
from utils.evaluation import (
    frechet_distance,
    frechet_distance_from_stats,
    inception_score,
    precision_recall,
)


@pytest.fixture(scope="module")
def test_images():
    return utils.load_mnist("test", scale="[0,1]")


# ---------------------------------------------------------------- the shipped classifier


def test_shipped_weights_are_small_and_match_their_sidecar():
    sidecar = json.loads(evaluation.SIDECAR_PATH.read_text())
    size = evaluation.WEIGHTS_PATH.stat().st_size
    assert size < 2_000_000
    assert size == sidecar["bytes"]
    assert file_sha256(evaluation.WEIGHTS_PATH) == sidecar["sha256"]
    assert sidecar["test_accuracy"] >= 0.99


def test_shipped_classifier_reaches_99_percent_on_the_test_set(test_images):
    x, y = test_images
    accuracy = evaluation.label_accuracy(x, y, "[0,1]")  # all 10,000: the first half is harder than the second
    assert accuracy >= 0.99
    assert evaluation.classifier_test_accuracy() == pytest.approx(accuracy)  # the cached pass agrees
    probs = evaluation.classifier_probs(x[:10], "[0,1]")
    assert probs.shape == (10, 10) and np.allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    features = evaluation.classifier_features(x[:10].reshape(10, 784), "[0,1]")  # flat images work too
    assert features.shape == (10, evaluation.FEATURE_DIM) and features.min() >= 0  # ReLU features


def test_both_scales_give_the_same_features(test_images):
    x = test_images[0][:50]
    np.testing.assert_allclose(evaluation.classifier_features(2 * x - 1, "[-1,1]"),
                               evaluation.classifier_features(x, "[0,1]"), atol=1e-4)


def test_missing_weights_raise_with_regeneration_hint(tmp_path):
    with pytest.raises(FileNotFoundError, match="python tools/train_classifier.py"):
        evaluation.load_classifier(weights_path=tmp_path / "none.weights.h5")


def test_corrupted_weights_raise(tmp_path):
    weights = tmp_path / evaluation.WEIGHTS_PATH.name
    sidecar = tmp_path / evaluation.SIDECAR_PATH.name
    shutil.copy(evaluation.WEIGHTS_PATH, weights)
    shutil.copy(evaluation.SIDECAR_PATH, sidecar)
    with open(weights, "r+b") as f:
        f.seek(weights.stat().st_size // 2)
        f.write(b"\x00\x01\x02\x03")
    with pytest.raises(ValueError, match="corrupted.*python tools/train_classifier.py"):
        evaluation.load_classifier(weights_path=weights, sidecar_path=sidecar)


# ---------------------------------------------------------------- Fréchet distance


def test_fd_of_identical_sets_is_zero():
    features = np.random.default_rng(0).normal(size=(500, 8))
    assert frechet_distance(features, features) == pytest.approx(0.0, abs=1e-8)


@pytest.mark.parametrize(("a", "b", "d"), [(1.0, 1.0, 4), (1.0, 2.0, 4), (0.5, 3.0, 16)])
def test_fd_of_isotropic_gaussians_has_closed_form(a, b, d):
    rng = np.random.default_rng(1)
    mu1, mu2 = rng.normal(size=d), rng.normal(size=d)
    expected = np.sum((mu1 - mu2) ** 2) + d * (a - b) ** 2
    fd = frechet_distance_from_stats(mu1, a**2 * np.eye(d), mu2, b**2 * np.eye(d))
    assert fd == pytest.approx(expected, rel=1e-9)


def symmetric_fd(s1, s2):
    """FD of two zero-mean Gaussians by another route: Tr((S1 S2)^1/2) = sum of sqrt(eig(S1^1/2 S2 S1^1/2))."""
    w, v = np.linalg.eigh(s1)
    root1 = v @ np.diag(np.sqrt(np.clip(w, 0, None))) @ v.T
    eigenvalues = np.clip(np.linalg.eigvalsh(root1 @ s2 @ root1), 0, None)
    return np.trace(s1) + np.trace(s2) - 2 * np.sqrt(eigenvalues).sum()


def test_fd_of_general_gaussians_matches_eigenvalue_formula():
    rng = np.random.default_rng(2)
    m1, m2 = rng.normal(size=(6, 6)), rng.normal(size=(6, 6))
    s1, s2 = m1 @ m1.T + 0.1 * np.eye(6), m2 @ m2.T
    fd = frechet_distance_from_stats(np.zeros(6), s1, np.zeros(6), s2)
    assert fd == pytest.approx(symmetric_fd(s1, s2), rel=1e-6)


@pytest.mark.filterwarnings("ignore:features_:UserWarning")
def test_fd_of_singular_covariances_from_few_samples_matches_eigenvalue_formula():
    # With n < d, sqrtm's entries carry large imaginary round-off, but the trace the FD uses stays exact.
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(20, 64)), 3.0 * rng.normal(size=(30, 64))
    expected = symmetric_fd(np.cov(a, rowvar=False), np.cov(b, rowvar=False))
    expected += np.sum((a.mean(axis=0) - b.mean(axis=0)) ** 2)
    assert frechet_distance(a, b) == pytest.approx(expected, rel=1e-6)


def test_fd_from_samples_of_shifted_gaussians_and_symmetry():
    rng = np.random.default_rng(3)
    a = rng.normal(size=(20000, 4))
    b = 2.0 * rng.normal(size=(20000, 4)) + 1.0  # mean 1, std 2: FD = 4 * 1 + 4 * (2 - 1)^2 = 8
    assert frechet_distance(a, b) == pytest.approx(8.0, rel=0.05)
    assert frechet_distance(a, b) == pytest.approx(frechet_distance(b, a), rel=1e-9)


def test_fd_with_singular_covariances_is_finite():
    rng = np.random.default_rng(4)
    a = np.zeros((100, 5))
    a[:, :2] = rng.normal(size=(100, 2))  # three dead features, as dead ReLU units give
    fd = frechet_distance(a, a + 0.5)
    assert fd == pytest.approx(5 * 0.25, abs=1e-3)


def test_fd_warns_when_samples_are_fewer_than_dimensions_and_rejects_bad_input():
    rng = np.random.default_rng(5)
    with pytest.warns(UserWarning, match="singular covariance"):
        frechet_distance(rng.normal(size=(5, 10)), rng.normal(size=(5, 10)))
    with pytest.raises(ValueError, match="at least 2 items"):
        frechet_distance(np.zeros((1, 3)), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="same dimension"):
        frechet_distance(np.zeros((5, 3)), np.zeros((5, 4)))
    with pytest.raises(ValueError, match="symmetric"):
        frechet_distance_from_stats(np.zeros(2), np.array([[1.0, 0.5], [0.0, 1.0]]), np.zeros(2), np.eye(2))
    with pytest.raises(ValueError, match="positive semi-definite|negative"):
        frechet_distance_from_stats(np.zeros(2), -np.eye(2), np.zeros(2), np.eye(2))


def test_real_fd_floor_is_small_cached_and_shrinks_with_n():
    floor = evaluation.real_fd_floor(1000, seed=0)
    assert 0 < floor < 10
    assert evaluation.real_fd_floor(1000, seed=0) == floor
    assert evaluation.real_fd_floor(300, seed=0) > 1.5 * floor  # the estimation bias grows as n shrinks
    with pytest.raises(ValueError, match="n must be <= 10000"):
        evaluation.real_fd_floor(20000)


def test_validation_indices_are_the_classifier_split_and_disjoint_from_what_it_fitted():
    sidecar = json.loads(evaluation.SIDECAR_PATH.read_text())
    held = evaluation.validation_indices()
    assert len(held) == sidecar["validation_size"] == len(np.unique(held))
    # the same draw as train_classifier: the first validation_size entries of the seeded permutation
    order = np.random.default_rng(sidecar["seed"]).permutation(60000)
    np.testing.assert_array_equal(held, order[:sidecar["validation_size"]])


def test_validation_indices_bad_sidecar_raises(tmp_path):
    bad = tmp_path / "sidecar.json"
    bad.write_text("{}")
    with pytest.raises(ValueError, match="validation_size"):
        evaluation.validation_indices(sidecar_path=bad)


def test_held_out_floor_uses_the_validation_images_and_extrapolates_beyond_them():
    x_train, _ = utils.load_mnist("train", scale="[0,1]")
    test_features = evaluation._test_set_outputs()[0]
    reference = test_features[evaluation._test_reference(5000, 0)]
    held = evaluation.classifier_features(x_train[evaluation.validation_indices()], "[0,1]")
    assert evaluation.real_fd_floor(5000, 0) == pytest.approx(evaluation.frechet_distance(held, reference))
    assert evaluation.real_fd_floor(5000, 0, source="train") != evaluation.real_fd_floor(5000, 0)
    # n = 10,000 is more than the 5,000 held-out images: extrapolated along 1/size, below the FD of all 5,000
    sizes, fds = evaluation.held_out_fd_curve(test_features)
    assert sorted(sizes.tolist()) == [1250] * 4 + [2500] * 2 + [5000]
    floor = evaluation.real_fd_floor(10000)
    assert 0 < floor < fds[0]
    assert fds[sizes == 1250].mean() > fds[sizes == 2500].mean() > fds[0]  # the bias falls with the size
    with pytest.raises(ValueError, match="source"):
        evaluation.real_fd_floor(1000, source="test")


# ---------------------------------------------------------------- Inception-style score


def test_inception_score_bounds():
    confident = np.eye(10)[np.tile(np.arange(10), 100)]  # every class equally often, each prediction certain
    mean, std = inception_score(confident, splits=1)
    assert mean == pytest.approx(10.0) and std == 0.0
    # Parts are random, not consecutive rows: class-sorted samples still score near 10, not 1.
    by_class = np.eye(10)[np.repeat(np.arange(10), 100)]
    mean, std = inception_score(by_class, splits=10)
    assert 9.5 < mean <= 10.0 and std < 0.3
    assert inception_score(by_class, seed=1) != inception_score(by_class, seed=0)
    collapsed = np.tile(np.eye(10)[3], (1000, 1))  # a generator that only draws threes
    assert inception_score(collapsed)[0] == pytest.approx(1.0)
    uncertain = np.full((1000, 10), 0.1)  # diverse classes cannot help if each prediction is uniform
    assert inception_score(uncertain)[0] == pytest.approx(1.0)
    two_classes = np.eye(10)[np.tile([0, 1], 500)]
    assert inception_score(two_classes, splits=1)[0] == pytest.approx(2.0)


def test_inception_score_split_size():
    probs = np.random.default_rng(0).dirichlet(np.full(10, 0.1), size=1000)
    assert inception_score(probs, split_size=100) == inception_score(probs, splits=10)
    assert inception_score(probs, split_size=300) == inception_score(probs, splits=3)  # 1000 // 300 parts
    # small parts score lower
    assert inception_score(probs, split_size=10)[0] < inception_score(probs, split_size=500)[0]
    with pytest.raises(ValueError, match="not both"):
        inception_score(probs, splits=10, split_size=100)
    with pytest.raises(ValueError, match="split_size"):
        inception_score(probs, split_size=2000)
    images = utils.load_mnist("test", scale="[0,1]")[0][:400]
    by_size = evaluation.evaluate_images(images, "[0,1]", split_size=200)
    by_count = evaluation.evaluate_images(images, "[0,1]", splits=2)
    assert by_size["inception_score"] == pytest.approx(by_count["inception_score"])
    with pytest.raises(ValueError, match="not both"):
        evaluation.evaluate_images(images, "[0,1]", splits=2, split_size=200)


def test_inception_score_rejects_non_probabilities():
    with pytest.raises(ValueError, match="probabilities"):
        inception_score(np.full((100, 10), 0.2))
    with pytest.raises(ValueError, match="splits must be <= 5"):
        inception_score(np.full((5, 10), 0.1), splits=10)


# ---------------------------------------------------------------- precision and recall


def test_precision_recall_of_identical_sets_is_one():
    features = np.random.default_rng(6).normal(size=(1000, 16))
    assert precision_recall(features, features, k=3) == (1.0, 1.0)


def test_collapsed_generator_has_high_precision_low_recall():
    rng = np.random.default_rng(7)
    real = rng.normal(size=(1000, 8))
    fake = real[0] + 1e-3 * rng.normal(size=(1000, 8))  # one real point, jittered
    precision, recall = precision_recall(real, fake, k=3)
    assert precision == 1.0
    assert recall < 0.01


def test_far_away_generator_has_zero_precision_and_recall():
    rng = np.random.default_rng(8)
    real = rng.normal(size=(500, 8))
    precision, recall = precision_recall(real, rng.normal(size=(500, 8)) + 100.0, k=3)
    assert precision == 0.0 and recall == 0.0


def test_precision_recall_chunks_do_not_change_the_answer():
    rng = np.random.default_rng(9)
    real, fake = rng.normal(size=(300, 4)), 0.7 * rng.normal(size=(300, 4)) + 0.5
    assert precision_recall(real, fake, chunk=64) == precision_recall(real, fake, chunk=1000)


# ---------------------------------------------------------------- images in, metrics out


def test_evaluate_real_images_scores_near_the_real_references(test_images):
    x, y = utils.load_mnist("train", scale="[-1,1]", subset=1000, seed=1)
    metrics = evaluation.evaluate_images(x, "[-1,1]", labels=y)
    assert metrics["n"] == 1000
    assert metrics["fd"] < 3 * metrics["fd_floor"] + 1
    assert metrics["inception_score"] > 9 and metrics["inception_score_real"] > 9
    assert metrics["precision"] > 0.6 and metrics["recall"] > 0.6
    assert metrics["label_accuracy"] > 0.98
    line = evaluation.format_metrics(metrics, "real")
    assert "floor" in line and "n=1,000" in line


def test_evaluate_collapsed_images_scores_badly(test_images):
    x, y = test_images
    sevens = np.repeat(x[y == 7][:1], 500, axis=0)
    metrics = evaluation.evaluate_images(sevens, "[0,1]", n=500, labels=np.full(500, 7))
    assert metrics["fd"] > 10 * metrics["fd_floor"]
    assert metrics["inception_score"] == pytest.approx(1.0, abs=1e-3)
    assert metrics["recall"] < 0.01
    assert metrics["label_accuracy"] == 1.0


@pytest.mark.parametrize(
    ("images", "scale", "error", "message"),
    [
        (np.zeros((4, 28, 28, 1), np.float32), "0-1", ValueError, "scale must be one of"),
        (np.zeros((4, 28, 28), np.float32), "[0,1]", ValueError, "dimensions"),
        (np.zeros((4, 32, 32, 1), np.float32), "[0,1]", ValueError, r"shape \(n, 28, 28, 1\) or \(n, 784\)"),
        (np.zeros((4, 784), np.uint8), "[0,1]", TypeError, "dtype of kind"),
        (np.full((4, 784), 1.5, np.float32), "[0,1]", ValueError, "must lie in"),
        (np.full((4, 784), -0.5, np.float32), "[0,1]", ValueError, "must lie in"),
        (np.full((4, 784), 0.5, np.float32), "[-1,1]", ValueError, "look like \\[0,1\\] images"),
        (np.full((4, 784), np.nan, np.float32), "[0,1]", ValueError, "NaN"),
    ],
)
def test_bad_images_raise(images, scale, error, message):
    with pytest.raises(error, match=message):
        evaluation.classifier_features(images, scale)


def test_bad_labels_and_sizes_raise(test_images):
    x, y = test_images
    with pytest.raises(ValueError, match="one label per image"):
        evaluation.label_accuracy(x[:10], y[:9], "[0,1]")
    with pytest.raises(ValueError, match="labels must lie in"):
        evaluation.label_accuracy(x[:2], np.array([0, 10]), "[0,1]")
    with pytest.raises(ValueError, match="n must be <= 100"):
        evaluation.evaluate_images(x[:100], "[0,1]", n=200)


# ---------------------------------------------------------------- fixed-size prediction, JS, nearest neighbours


def test_prediction_is_traced_once_whatever_the_number_of_images(test_images):
    x = test_images[0]
    model = evaluation._two_headed()
    small = evaluation.classifier_features(x[:10], "[0,1]")
    evaluation.classifier_features(x[:1500], "[0,1]")
    evaluation.classifier_probs(x[:7], "[0,1]")
    assert evaluation._predictor(model).experimental_get_tracing_count() == 1
    # padding the last batch changes nothing: the first 10 images get the same features in a batch of 1000
    np.testing.assert_allclose(small, evaluation.classifier_features(x[:1000], "[0,1]")[:10], atol=1e-5)


def test_js_divergence():
    assert evaluation.js_divergence([1, 2, 3], [2, 4, 6]) == pytest.approx(0.0, abs=1e-12)  # counts are normalised
    assert evaluation.js_divergence([1, 0], [0, 1]) == pytest.approx(np.log(2))
    p, q = np.array([0.5, 0.5]), np.array([0.9, 0.1])
    m = (p + q) / 2
    expected = 0.5 * np.sum(p * np.log(p / m)) + 0.5 * np.sum(q * np.log(q / m))
    assert evaluation.js_divergence(p, q) == pytest.approx(expected)
    with pytest.raises(ValueError, match="histogram"):
        evaluation.js_divergence([1, -1], [1, 1])
    with pytest.raises(ValueError, match="q must have shape"):
        evaluation.js_divergence([1, 1], [1, 1, 1])


def test_nearest_neighbour_distances_find_copies():
    rng = np.random.default_rng(0)
    references = rng.random((50, 28, 28, 1))
    queries = np.concatenate([references[[3, 17]], rng.random((2, 28, 28, 1))])
    distances, index = evaluation.nearest_neighbour_distances(queries, references, chunk=7, return_index=True)
    assert distances[:2] == pytest.approx([0, 0], abs=1e-6) and index[:2].tolist() == [3, 17]
    brute = np.sqrt(((queries.reshape(4, 1, -1) - references.reshape(1, 50, -1)) ** 2).sum(-1))
    np.testing.assert_allclose(distances, brute.min(axis=1), atol=1e-6)
    np.testing.assert_array_equal(index[2:], brute.argmin(axis=1)[2:])
    with pytest.raises(ValueError, match="same size per item"):
        evaluation.nearest_neighbour_distances(queries, references[:, :10])


def test_mmd2_is_near_zero_for_one_distribution_and_positive_for_two():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((500, 2)), rng.standard_normal((500, 2))
    h = evaluation.median_bandwidth(b)
    assert abs(h - np.sqrt(2) * 1.1774) < 0.1  # median distance of two N(0, I) points in 2-D: 2 sqrt(ln 2)
    assert abs(evaluation.mmd2(a, b, h)) < 0.005
    assert evaluation.mmd2(a + 1.0, b, h) > 0.1
    # the kernel's width decides what it sees: a wide kernel is blind to a small shift that a narrow one finds
    assert evaluation.mmd2(a + 0.2, b, 100.0) < 1e-4 < evaluation.mmd2(a + 0.2, b, 0.5)


def test_mmd2_and_bandwidth_refuse_bad_input():
    points = np.zeros((10, 2))
    with pytest.raises(ValueError, match="same dimension"):
        evaluation.mmd2(np.ones((5, 2)), np.ones((5, 3)), 1.0)
    with pytest.raises(ValueError, match="bandwidth"):
        evaluation.mmd2(np.ones((5, 2)), np.ones((5, 2)), 0.0)
    with pytest.raises(ValueError, match="median distance"):
        evaluation.median_bandwidth(points)
    with pytest.raises((ValueError, TypeError), match="a"):
        evaluation.mmd2(np.ones(5), np.ones((5, 2)), 1.0)
