"""The checks of notebook 01's exercises: a right answer passes, wrong answers get specific feedback."""

import numpy as np
import pytest

from utils import checks, load_mnist
from utils.checks import CheckFailed


@pytest.fixture(scope="module")
def class_means():
    x, y = load_mnist("train", scale="[0,1]", flatten=True)
    return np.stack([x[y == digit].mean(axis=0) for digit in range(10)])


def distances(means):
    return np.linalg.norm(means[:, None] - means[None], axis=-1)


def test_class_mean_distances(class_means, capsys):
    right = {"mean_distances": distances(class_means), "closest_pair": (9, 4), "farthest_pair": (0, 1)}
    checks.check("01.1", right)
    assert "closest class means: 4 and 9" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="twice the expected ones: use images in \\[0,1\\] scale"):
        checks.check("01.1", right | {"mean_distances": distances(2 * class_means - 1)})
    with pytest.raises(CheckFailed, match="squared distances: take the square root"):
        checks.check("01.1", right | {"mean_distances": distances(class_means) ** 2})
    with pytest.raises(CheckFailed, match="closest_pair is \\(3, 5\\), but mean_distances is smallest for digits 4 "
                                          "and 9"):
        checks.check("01.1", right | {"closest_pair": (3, 5)})
    with pytest.raises(CheckFailed, match="farthest_pair should be two different digits"):
        checks.check("01.1", right | {"farthest_pair": (1, 1)})
    with pytest.raises(CheckFailed, match="symmetric with zeros on its diagonal"):
        checks.check("01.1", right | {"mean_distances": np.ones((10, 10))})
    with pytest.raises(CheckFailed, match="has shape \\(9, 10\\); expected \\(10, 10\\)"):
        checks.check("01.1", right | {"mean_distances": distances(class_means)[:9]})


def reference_errors(sizes, n_train=3000, scale=1.0):
    x_train = load_mnist("train", flatten=True)[0][:n_train]
    x_test = load_mnist("test", flatten=True)[0]
    mean = x_train.mean(axis=0)
    components = np.linalg.svd(x_train - mean, full_matrices=False)[2]
    centred = scale * (x_test - mean)
    return [float(np.mean((centred @ components[:k].T @ components[:k] - centred) ** 2)) for k in sizes]


def test_pca_error_curve(capsys):
    sizes = [1, 4, 16, 64]
    errors = reference_errors(sizes)  # fitted on fewer images than the check's reference: still within 10%
    checks.check("01.2", {"code_sizes": sizes, "pca_test_mse": errors})
    assert "within 10% of a reference PCA at every k" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="4 times the expected ones: use images in \\[0,1\\] scale"):
        checks.check("01.2", {"code_sizes": sizes, "pca_test_mse": reference_errors(sizes, scale=2.0)})
    with pytest.raises(CheckFailed, match="summed the squared error over the 784 pixels"):
        checks.check("01.2", {"code_sizes": sizes, "pca_test_mse": [784 * e for e in errors]})
    with pytest.raises(CheckFailed, match="rises from k=4 to k=16: PCA with more components"):
        checks.check("01.2", {"code_sizes": sizes, "pca_test_mse": [errors[0], errors[1], errors[0], errors[3]]})
    with pytest.raises(CheckFailed, match="the test MSE at k=16 is .*; expected .*tolerance"):
        checks.check("01.2", {"code_sizes": sizes, "pca_test_mse": [errors[0], errors[1], 0.8 * errors[2], errors[3]]})
    with pytest.raises(CheckFailed, match="whole numbers from 1 to 128"):
        checks.check("01.2", {"code_sizes": [1, 2, 4, 256], "pca_test_mse": errors})
    with pytest.raises(CheckFailed, match="pca_test_mse has shape \\(3,\\); expected \\(4,\\)"):
        checks.check("01.2", {"code_sizes": sizes, "pca_test_mse": errors[:3]})


def test_discarded_variance(capsys):
    x = load_mnist("train", flatten=True)[0][:3000].astype(np.float64)
    centred = x - x.mean(axis=0)
    eigenvalues, eigenvectors = np.linalg.eigh(centred.T @ centred / len(centred))
    basis = eigenvectors[:, ::-1][:, :16]
    direct = float(np.mean((centred @ basis @ basis.T - centred) ** 2))
    discarded, kept = eigenvalues[::-1][16:].sum(), eigenvalues[::-1][:16].sum()
    context = {"CODE_SIZE": 16, "PCA_IMAGES": 3000}  # the notebook's names, read by the check
    checks.check("01.3", {"mse_direct": direct, "mse_from_eigenvalues": discarded / 784} | context)
    assert "sum of the discarded eigenvalues / 784" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="784 times mse_direct: divide"):
        checks.check("01.3", {"mse_direct": direct, "mse_from_eigenvalues": discarded} | context)
    with pytest.raises(CheckFailed, match="you summed the eigenvalues PCA keeps"):
        checks.check("01.3", {"mse_direct": direct, "mse_from_eigenvalues": kept / 784} | context)
    with pytest.raises(CheckFailed, match="mse_from_eigenvalues is .*; expected .*sum the covariance eigenvalues"):
        checks.check("01.3", {"mse_direct": direct, "mse_from_eigenvalues": 0.9 * discarded / 784} | context)
    with pytest.raises(CheckFailed, match="mse_direct 0.1 is above 0.07"):
        checks.check("01.3", {"mse_direct": 0.1, "mse_from_eigenvalues": discarded / 784} | context)
    with pytest.raises(CheckFailed, match="`mse_from_eigenvalues` is not defined yet"):
        checks.check("01.3", {"mse_direct": direct} | context)


def test_discarded_variance_recomputes_the_answer():
    """Two equal numbers are not enough: the check recomputes PCA's training error from the data."""
    context = {"CODE_SIZE": 16, "PCA_IMAGES": 3000}
    with pytest.raises(CheckFailed, match="mse_direct is 0.05000, but PCA with k = 16 components reconstructs its "
                                          "3,000 training images with an MSE of 0.02"):
        checks.check("01.3", {"mse_direct": 0.05, "mse_from_eigenvalues": 0.05} | context)
    x = load_mnist("train", flatten=True)[0][:3000].astype(np.float64)
    centred = x - x.mean(axis=0)
    eigenvalues = np.linalg.eigvalsh(centred.T @ centred / len(centred))[::-1]
    at_8 = float(eigenvalues[8:].sum() / 784)  # a right computation with the wrong number of components
    with pytest.raises(CheckFailed, match="the error of PCA with 8 components; use k = CODE_SIZE = 16"):
        checks.check("01.3", {"mse_direct": at_8, "mse_from_eigenvalues": at_8} | context)
