import matplotlib.pyplot as plt
import numpy as np
import pytest

import utils
from utils.paths import OUTPUT_DIR_ENV

rng = np.random.default_rng(0)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("shape", [(12, 784), (12, 28, 28), (12, 28, 28, 1)])
def test_image_grid_accepts_common_shapes(shape):
    fig = utils.image_grid(rng.random(shape), ncols=5, titles=list(range(12)))
    assert len([ax for ax in fig.axes if ax.images]) == 12


def test_image_grid_refuses_wrong_range_instead_of_clipping():
    with pytest.raises(ValueError, match=r"must lie in \[0.0, 1.0\].*scaling"):
        utils.image_grid(rng.random((4, 784)) * 2 - 1)
    utils.image_grid(rng.random((4, 784)) * 2 - 1, value_range=(-1, 1))
    with pytest.raises(TypeError, match="pair of numbers"):
        utils.image_grid(rng.random((4, 784)), value_range=(0, 1, 2))
    with pytest.raises(ValueError, match="low < high"):
        utils.image_grid(rng.random((4, 784)), value_range=(1, 0))


@pytest.mark.parametrize(
    ("images", "message"),
    [(np.zeros((3, 10)), "square number"), (np.zeros((2, 28, 28, 3)), "single-channel"),
     (np.zeros(5), "dimensions")],
)
def test_image_grid_bad_shapes(images, message):
    with pytest.raises(ValueError, match=message):
        utils.image_grid(images)


def test_compare_images_rows_must_match():
    fig = utils.compare_images({"original": rng.random((6, 784)), "reconstruction": rng.random((6, 784))})
    assert fig.axes[0].get_ylabel() == "original"
    with pytest.raises(ValueError, match="same number"):
        utils.compare_images({"a": rng.random((6, 784)), "b": rng.random((5, 784))})
    with pytest.raises(TypeError, match="dict"):
        utils.compare_images([rng.random((6, 784))])


def test_plot_history_from_dict_and_missing_key():
    fig = utils.plot_history({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]})
    assert len(fig.axes[0].lines) == 2
    with pytest.raises(KeyError, match="accuracy"):
        utils.plot_history({"loss": [1.0]}, keys=["accuracy"])


def test_latent_scatter_checks_shapes():
    fig = utils.latent_scatter(rng.normal(size=(100, 2)), rng.integers(0, 10, 100), max_points=50)
    assert fig.axes[0].collections[0].get_offsets().shape == (50, 2)
    with pytest.raises(ValueError, match="shape"):
        utils.latent_scatter(rng.normal(size=(100, 3)))
    with pytest.raises(ValueError, match="shape"):
        utils.latent_scatter(rng.normal(size=(100, 2)), np.zeros(99, int))


def test_save_figure_stable_name_and_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv(OUTPUT_DIR_ENV, str(tmp_path))
    fig = utils.image_grid(np.linspace(0, 1, 784 * 2).reshape(2, 784))
    assert utils.save_figure(fig, "99_test_grid") is None  # no stray path in a notebook's output
    path = tmp_path / "figures" / "99_test_grid.png"
    first = path.read_bytes()
    utils.save_figure(fig, "99_test_grid")
    assert path.read_bytes() == first
    with pytest.raises(ValueError, match="notebook number"):
        utils.save_figure(fig, "grid")
    with pytest.raises(TypeError, match="Figure"):
        utils.save_figure("not a figure", "99_x")


def test_plot_history_uses_integer_epoch_ticks():
    fig = utils.plot_history({"loss": [1.0, 0.8, 0.7]})
    fig.canvas.draw()
    ticks = fig.axes[0].get_xticks()
    assert len(ticks) and np.allclose(ticks, np.round(ticks))


def test_mosaic_tiles_images_with_gaps():
    from utils.plotting import mosaic

    images = np.stack([np.full((28, 28), v) for v in (-1.0, 0.0, 1.0)])
    out = mosaic(images, ncols=2, value_range=(-1, 1))
    assert out.shape == (2 * 28 + 1, 2 * 28 + 1)
    assert out[0, 0] == 0.0 and out[0, 29] == 0.5 and out[29, 0] == 1.0  # rescaled to [0, 1]
    assert out[28, 0] == 1.0 and out[0, 28] == 1.0 and out[40, 40] == 1.0  # gaps and the empty cell are white
    assert mosaic(np.zeros((9, 784))).shape == (3 * 29 - 1, 3 * 29 - 1)  # a square by default
    with pytest.raises(ValueError, match="must lie in"):
        mosaic(images)  # [-1, 1] images announced as [0, 1]
