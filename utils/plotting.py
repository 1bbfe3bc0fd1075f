"""Figures in one style: image grids, side-by-side reconstructions, loss curves, 2-D latent scatters.

Every function returns a matplotlib Figure; ``save_figure`` writes it to ``figures/NAME.png``.
Images are never clipped: pixel values outside the stated ``value_range`` raise an error, because they
usually mean the data was scaled one way and plotted as if scaled the other.
"""

from __future__ import annotations

import re

import matplotlib
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np

from utils.paths import figures_dir
from utils.validation import check_array, check_param

STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "savefig.bbox": "tight",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "image.cmap": "gray",
}
_FIGURE_NAME = re.compile(r"^[0-9]{2}_[a-z0-9_]+$")


def use_course_style():
    """Apply the course's matplotlib style to every figure made afterwards."""
    matplotlib.rcParams.update(STYLE)


def _as_images(name, images, value_range):
    """Images as (n, height, width) for ``imshow``; accepts (n, 784)-style flat vectors and a channel axis."""
    if isinstance(value_range, str):
        raise TypeError(f"value_range must be a pair of numbers (low, high), got {value_range!r}")
    try:
        low, high = (float(v) for v in value_range)
    except (TypeError, ValueError):
        raise TypeError(f"value_range must be a pair of numbers (low, high), got {value_range!r}") from None
    if not low < high:
        raise ValueError(f"value_range must be (low, high) with low < high, got {value_range!r}")
    x = check_array(name, images, ndim=(2, 3, 4), dtype_kind="fiub", value_range=(low, high), min_len=1)
    if x.ndim == 2:
        side = int(round(np.sqrt(x.shape[1])))
        if side * side != x.shape[1]:
            raise ValueError(f"{name}: flat images must have a square number of pixels, got {x.shape[1]}")
        x = x.reshape(-1, side, side)
    if x.ndim == 4:
        if x.shape[-1] != 1:
            raise ValueError(f"{name}: only single-channel images are supported, got shape {x.shape}")
        x = x[..., 0]
    return x


def image_grid(images, *, ncols=10, value_range=(0.0, 1.0), titles=None, title=None, cell_size=0.9):
    """Show images in a grid, ``ncols`` per row, with optional per-image titles."""
    x = _as_images("images", images, value_range)
    check_param("ncols", ncols, kind=int, low=1)
    check_param("cell_size", cell_size, kind=float, low=0.1)
    if titles is not None and (isinstance(titles, str) or not hasattr(titles, "__len__")):
        raise TypeError(f"titles must be a list with one title per image, got {type(titles).__name__}")
    if titles is not None and len(titles) != len(x):
        raise ValueError(f"titles must have one entry per image ({len(x)}), got {len(titles)}")
    ncols = min(ncols, len(x))
    nrows = -(-len(x) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(cell_size * ncols, cell_size * nrows + 0.3 * bool(title)),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < len(x):
            ax.imshow(x[i], vmin=value_range[0], vmax=value_range[1], cmap="gray")
            if titles is not None:
                ax.set_title(str(titles[i]), fontsize=8)
    if title:
        fig.suptitle(title)
    return fig


def mosaic(images, *, ncols=None, value_range=(0.0, 1.0), gap=1):
    """Images tiled into one 2-D array in [0, 1], ``ncols`` per row (default: a square), separated by ``gap``
    white pixels, for ``ax.imshow(..., vmin=0, vmax=1)`` in an axes of your own (a strip of progress
    snapshots, one mosaic per panel). Sort the images first for one row per class. Missing cells stay white."""
    x = _as_images("images", images, value_range)
    if ncols is None:
        ncols = int(np.ceil(np.sqrt(len(x))))
    check_param("ncols", ncols, kind=int, low=1)
    check_param("gap", gap, kind=int, low=0)
    low, high = (float(v) for v in value_range)
    x = (x - low) / (high - low)
    nrows, (h, w) = -(-len(x) // ncols), x.shape[1:]
    out = np.ones((nrows * (h + gap) - gap, ncols * (w + gap) - gap))
    for i, image in enumerate(x):
        r, c = divmod(i, ncols)
        out[r * (h + gap):r * (h + gap) + h, c * (w + gap):c * (w + gap) + w] = image
    return out


def compare_images(rows, *, value_range=(0.0, 1.0), title=None, cell_size=0.9):
    """One labelled row per entry of ``rows`` (e.g. {"original": x, "reconstruction": x_hat}).

    All rows must hold the same number of images, so column j compares the same example.
    """
    if not isinstance(rows, dict) or not rows:
        raise TypeError("rows must be a non-empty dict mapping a row label to its images")
    check_param("cell_size", cell_size, kind=float, low=0.1)
    images = {label: _as_images(f"rows[{label!r}]", x, value_range) for label, x in rows.items()}
    counts = {label: len(x) for label, x in images.items()}
    if len(set(counts.values())) != 1:
        raise ValueError(f"every row must hold the same number of images, got {counts}")
    n = next(iter(counts.values()))
    fig, axes = plt.subplots(len(images), n, figsize=(cell_size * n + 1.2, cell_size * len(images)),
                             squeeze=False)
    for r, (label, x) in enumerate(images.items()):
        for c in range(n):
            ax = axes[r, c]
            ax.imshow(x[c], vmin=value_range[0], vmax=value_range[1], cmap="gray")
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            for spine in ax.spines.values():
                spine.set_visible(False)
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center")
    if title:
        fig.suptitle(title)
    return fig


def plot_history(history, *, keys=None, title=None, logy=False, xlabel="epoch"):
    """Curves of a Keras ``History`` (or a dict of name -> list of values), one line per key, against the
    epoch number 1, 2, ... (integer ticks)."""
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict) or not logs:
        raise TypeError("history must be a keras History or a non-empty dict of metric name -> values")
    if keys is not None and (isinstance(keys, str) or not isinstance(keys, (list, tuple))):
        raise TypeError(f"keys must be a list of metric names, got {keys!r}")
    check_param("logy", logy, kind=bool)
    keys = list(logs) if keys is None else list(keys)
    missing = [k for k in keys if k not in logs]
    if missing:
        raise KeyError(f"history has no {missing}; it has {sorted(logs)}")
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for key in keys:
        values = check_array(f"history[{key!r}]", logs[key], ndim=1, dtype_kind="fiu", min_len=1)
        ax.plot(np.arange(1, len(values) + 1), values, label=key, marker="o" if len(values) < 30 else None)
    if logy:
        ax.set_yscale("log")
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))  # no epoch 2.5
    ax.set_xlabel(xlabel)
    ax.legend()
    if title:
        ax.set_title(title)
    return fig


def latent_scatter(codes, labels=None, *, title=None, max_points=5000, seed=0):
    """Scatter of 2-D codes, coloured by digit label when labels are given.

    At most ``max_points`` points (a seeded random subset) are drawn so the figure stays readable.
    """
    z = check_array("codes", codes, shape=(None, 2), dtype_kind="fiu", min_len=1)
    if labels is not None:
        labels = check_array("labels", labels, shape=(len(z),), dtype_kind="iu")
    check_param("max_points", max_points, kind=int, low=1)
    check_param("seed", seed, kind=int, low=0)
    if len(z) > max_points:
        keep = np.random.default_rng(seed).choice(len(z), size=max_points, replace=False)
        z = z[keep]
        labels = None if labels is None else labels[keep]
    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    if labels is None:
        ax.scatter(z[:, 0], z[:, 1], s=3, alpha=0.6)
    else:
        points = ax.scatter(z[:, 0], z[:, 1], c=labels, s=3, alpha=0.7, cmap="tab10", vmin=-0.5, vmax=9.5)
        fig.colorbar(points, ax=ax, ticks=range(10), label="digit")
    ax.set_xlabel("$z_1$")
    ax.set_ylabel("$z_2$")
    if title:
        ax.set_title(title)
    return fig


def save_figure(fig, name):
    """Save ``fig`` as ``NAME.png`` in this run's figures folder (``utils.paths.figures_dir``); NAME starts with
    the notebook number, e.g. "01_mnist_samples". Returns nothing, so a cell ending with it shows no stray path."""
    if not isinstance(fig, matplotlib.figure.Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    check_param("name", name, kind=str)
    if not _FIGURE_NAME.match(name):
        raise ValueError(f"name must look like '01_mnist_samples' (notebook number, then lower_snake_case), "
                         f"got {name!r}")
    path = figures_dir() / f"{name}.png"
    fig.savefig(path, metadata={"Software": None})  # no version stamp: same figure, same bytes
