"""Checks of notebook 01's exercises (class means, PCA as the linear autoencoder)."""

from __future__ import annotations

import functools

import numpy as np

from utils.checks import (
    CheckFailed,
    exercise,
    expect_allclose,
    expect_array,
    expect_between,
    expect_close,
    expect_number,
)

REFERENCE_PCA_IMAGES = 5000  # training images of the reference PCA that exercise 01.2 is compared with
MAX_CODE_SIZE = 128  # up to here the test MSE hardly depends on how many training images the PCA saw


@functools.lru_cache(maxsize=1)
def _train_images():
    from utils.data import load_mnist

    return load_mnist("train", scale="[0,1]", flatten=True)


@functools.lru_cache(maxsize=1)
def _reference_pca():
    from utils.data import load_mnist

    x_train = _train_images()[0][:REFERENCE_PCA_IMAGES]
    mean = x_train.mean(axis=0)
    _, _, components = np.linalg.svd(x_train - mean, full_matrices=False)
    x_test = load_mnist("test", scale="[0,1]", flatten=True)[0]
    return mean, components, x_test


def _reference_test_mse(k: int) -> float:
    mean, components, x_test = _reference_pca()
    basis = components[:k]
    reconstruction = (x_test - mean) @ basis.T @ basis + mean
    return float(np.mean((reconstruction - x_test) ** 2))


def _digit_pair(name, value) -> tuple[int, int]:
    try:
        pair = tuple(int(v) for v in value)
    except (TypeError, ValueError):
        raise CheckFailed(f"{name} should be a pair of digits such as (3, 5), got {value!r:.60}") from None
    if len(pair) != 2 or pair[0] == pair[1] or not all(0 <= d <= 9 for d in pair):
        raise CheckFailed(f"{name} should be two different digits 0-9, got {value!r:.60}")
    return tuple(sorted(pair))


@exercise("01.1")
def class_mean_distances(mean_distances, closest_pair, farthest_pair):
    d = expect_array("mean_distances", mean_distances, shape=(10, 10))
    if not np.allclose(d, d.T, atol=1e-6) or np.abs(np.diag(d)).max() > 1e-6:
        raise CheckFailed("mean_distances should be symmetric with zeros on its diagonal: entry [i, j] is the "
                          "distance between the mean images of digits i and j")
    x, y = _train_images()
    means = np.stack([x[y == digit].mean(axis=0) for digit in range(10)]).astype(np.float64)
    reference = np.linalg.norm(means[:, None] - means[None], axis=-1)
    off = ~np.eye(10, dtype=bool)
    ratio = float(np.median(d[off] / reference[off]))
    hint = "Euclidean distance over all 784 pixels of the training-set class means, [0,1] scale"
    if abs(ratio - 2) < 0.1:
        hint = "your distances are twice the expected ones: use images in [0,1] scale, not [-1,1]"
    elif np.allclose(d[off], reference[off] ** 2, rtol=1e-3):
        hint = "these are squared distances: take the square root"
    elif abs(ratio - 1 / 28) < 0.005:
        hint = "you averaged over the pixels (a root mean square); the Euclidean distance sums them"
    expect_allclose("mean_distances", d, reference, atol=1e-3, hint=hint)
    masked = np.where(off, d, np.nan)
    for name, value, pick, word in (("closest_pair", closest_pair, np.nanargmin, "smallest"),
                                    ("farthest_pair", farthest_pair, np.nanargmax, "largest")):
        i, j = sorted(np.unravel_index(pick(masked), d.shape))
        if _digit_pair(name, value) != (i, j):
            raise CheckFailed(f"{name} is {tuple(value)}, but mean_distances is {word} for digits {i} and {j} "
                              f"({d[i, j]:.2f})")
    (a, b), (c, e) = _digit_pair("closest_pair", closest_pair), _digit_pair("farthest_pair", farthest_pair)
    return f"closest class means: {a} and {b} ({d[a, b]:.2f}); farthest: {c} and {e} ({d[c, e]:.2f})"


@exercise("01.2")
def pca_error_curve(code_sizes, pca_test_mse):
    sizes = expect_array("code_sizes", code_sizes)
    if sizes.ndim != 1 or len(sizes) < 4:
        raise CheckFailed(f"code_sizes has shape {sizes.shape}; give at least 4 code sizes, e.g. 1, 2, 4, ..., 128")
    if np.any(sizes != np.round(sizes)) or sizes.min() < 1 or sizes.max() > MAX_CODE_SIZE:
        raise CheckFailed(f"code_sizes should be whole numbers from 1 to {MAX_CODE_SIZE}, got {sizes.tolist()}")
    if np.any(np.diff(sizes) <= 0):
        raise CheckFailed(f"code_sizes should increase, got {sizes.tolist()}")
    errors = expect_array("pca_test_mse", pca_test_mse, shape=sizes.shape)
    rising = np.flatnonzero(np.diff(errors) >= 0)
    if rising.size:
        k0, k1 = int(sizes[rising[0]]), int(sizes[rising[0] + 1])
        raise CheckFailed(f"pca_test_mse rises from k={k0} to k={k1}: PCA with more components projects onto a larger "
                          "subspace that contains the smaller one, so the error can only fall; check that each entry "
                          "belongs to its code size")
    reference = np.array([_reference_test_mse(int(k)) for k in sizes])
    ratio = float(np.median(errors / reference))
    hint = "fit PCA on training images and measure the mean squared error on the test images, [0,1] scale"
    if abs(ratio - 4) < 0.4:
        hint = "your errors are 4 times the expected ones: use images in [0,1] scale, not [-1,1]"
    elif abs(ratio - 784) < 80:
        hint = "you summed the squared error over the 784 pixels; average it instead"
    for k, mine, expected in zip(sizes, errors, reference, strict=True):
        expect_close(f"the test MSE at k={int(k)}", mine, expected, rtol=0.1, hint=hint)
    return (f"test MSE falls from {errors[0]:.4f} (k={int(sizes[0])}) to {errors[-1]:.4f} (k={int(sizes[-1])}), "
            "within 10% of a reference PCA at every k")


@functools.lru_cache(maxsize=2)
def _training_eigenvalues(n_images: int) -> np.ndarray:
    """Eigenvalues (largest first, 1/n normalisation) of the covariance of the first ``n_images`` training images."""
    flat = _train_images()[0][:n_images].astype(np.float64)
    centred = flat - flat.mean(axis=0)
    return np.linalg.eigvalsh(centred.T @ centred / len(centred))[::-1]


@exercise("01.3")
def discarded_variance(mse_direct, mse_from_eigenvalues, *, CODE_SIZE=16, PCA_IMAGES=20000):
    direct = expect_between("mse_direct", mse_direct, 1e-4, 0.07,
                            hint="the mean, over the PCA's training images and their pixels, of the squared "
                                 "reconstruction error, [0,1] scale")
    from_eigenvalues = expect_number("mse_from_eigenvalues", mse_from_eigenvalues)
    if abs(from_eigenvalues / direct - 784) < 8:
        raise CheckFailed("mse_from_eigenvalues is 784 times mse_direct: divide the sum of the discarded "
                          "eigenvalues by the number of pixels, 784")
    total = float(np.mean(np.var(_train_images()[0], axis=0)))  # mean pixel variance = sum of all eigenvalues / 784
    if abs(direct + from_eigenvalues - total) < 0.1 * total and abs(from_eigenvalues - direct) > 0.01 * direct:
        raise CheckFailed(f"mse_direct + mse_from_eigenvalues is about the total variance per pixel ({total:.4f}): "
                          "you summed the eigenvalues PCA keeps; the error is the sum of the ones it discards")
    expect_close("mse_from_eigenvalues", from_eigenvalues, direct, rtol=2e-3,
                 hint="sum the covariance eigenvalues beyond the first k and divide by 784 (the factor (n-1)/n "
                      "between sklearn's explained_variance_ and the mean over images is negligible here)")
    # Both numbers must also be the right ones: the training error of PCA with CODE_SIZE components on the first
    # PCA_IMAGES training images, recomputed here from the data.
    k, n_images = int(CODE_SIZE), int(PCA_IMAGES)
    tails = np.cumsum(_training_eigenvalues(n_images)[::-1])[::-1] / 784  # tails[j] = error of PCA with j components
    expected = float(tails[k])
    if abs(direct - expected) > 1e-3 * expected:
        other = int(np.argmin(np.abs(tails[1:] - direct))) + 1
        hint = (f"your value is the error of PCA with {other} components; use k = CODE_SIZE = {k}"
                if abs(tails[other] - direct) < 1e-3 * direct else
                f"fit the PCA on the first PCA_IMAGES = {n_images:,} training images (centred, [0,1] scale) and "
                "measure the reconstruction error on those same images")
        raise CheckFailed(f"mse_direct is {direct:.5f}, but PCA with k = {k} components reconstructs its "
                          f"{n_images:,} training images with an MSE of {expected:.5f}: {hint}")
    return f"reconstruction MSE {direct:.5f} = sum of the discarded eigenvalues / 784 = {from_eigenvalues:.5f}"
