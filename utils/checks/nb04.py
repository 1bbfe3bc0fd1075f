"""Checks of notebook 04's exercises (autoencoders and GANs side by side)."""

from __future__ import annotations

import numpy as np

from utils.checks import CheckFailed, exercise, expect_array, expect_between, expect_number

METRIC_KEYS = ("fd", "fd_floor", "n", "inception_score")


@exercise("04.1")
def mixture_of_codes(mixture, mixture_metrics):
    """A 10-component, full-covariance Gaussian mixture over the codes, and the classifier's verdict on its draws."""
    for attribute in ("n_components", "covariance_type", "means_"):
        if not hasattr(mixture, attribute):
            raise CheckFailed("mixture should be a fitted sklearn.mixture.GaussianMixture"
                              + ("" if attribute != "means_" else ": call mixture.fit(codes_train) first"))
    if mixture.n_components != 10:
        raise CheckFailed(f"mixture has {mixture.n_components} components; the exercise asks for 10, one per digit")
    if mixture.covariance_type != "full":
        raise CheckFailed(f"mixture uses covariance_type={mixture.covariance_type!r}; use 'full' so each component "
                          "can follow its cluster's shape")
    if not getattr(mixture, "converged_", True):
        raise CheckFailed("the mixture's EM did not converge: raise max_iter")
    if not isinstance(mixture_metrics, dict) or any(key not in mixture_metrics for key in METRIC_KEYS):
        raise CheckFailed("mixture_metrics should be the dict of metrics that judge(...) or "
                          "evaluation.evaluate_images(...) returns (with 'fd', 'fd_floor' and 'n')")
    n = int(mixture_metrics["n"])
    if n < 200:
        raise CheckFailed(f"mixture_metrics was computed on {n} images; judge at least 200 (N_SAMPLES), or the FD "
                          "is mostly estimation noise")
    fd = expect_number("the mixture's FD", mixture_metrics["fd"])
    floor = expect_number("the floor", mixture_metrics["fd_floor"])
    expect_between("the mixture's FD", fd, 0.0, None)
    return f"10 full-covariance components; FD {fd:.2f} beside the floor {floor:.2f} at n = {n}"


@exercise("04.2")
def straight_line(path, path_images):
    """Nine evenly spaced codes on one straight line, decoded into nine 784-pixel images in [0, 1]."""
    points = expect_array("path", path, shape=(9, None))
    step = points[1:] - points[:-1]
    length = np.linalg.norm(points[-1] - points[0])
    if length == 0:
        raise CheckFailed("path starts and ends at the same code: take the codes of two different test images")
    if np.max(np.abs(step - step.mean(axis=0))) > 1e-4 * max(1.0, length):
        raise CheckFailed("the points of path are not evenly spaced on one straight line: use "
                          "(1 - w) * z_start + w * z_end with w = np.linspace(0, 1, 9)")
    images = expect_array("path_images", path_images, shape=(9, None))
    if images.shape[1] != 784:
        raise CheckFailed(f"path_images has {images.shape[1]} values per image; expected 784 (decode the codes)")
    if images.min() < 0 or images.max() > 1:
        raise CheckFailed(f"path_images lie in [{images.min():.3g}, {images.max():.3g}], outside [0, 1]: decode with "
                          "the sigmoid decoder (decode(path))")
    return f"9 evenly spaced codes of size {points.shape[1]} on a line of length {length:.1f}, decoded"


@exercise("04.3")
def not_zero_sum(ns_sums):
    """L_D plus the non-saturating L_G, before, between and after one D and one G step: positive, not constant."""
    sums = expect_array("ns_sums", ns_sums, shape=(3,))
    if np.any(sums <= 0):
        raise CheckFailed(f"ns_sums holds {np.round(sums, 4).tolist()}: both losses are sums of -log of a "
                          "probability, so every sum is positive; did you add V instead of -V for L_D?")
    if np.ptp(sums) < 1e-3:
        raise CheckFailed(f"ns_sums is constant ({np.round(sums, 4).tolist()}): that is the minimax game; use the "
                          "non-saturating generator loss -log D(G(z)) for L_G")
    return f"L_D + L_G^NS moves from {sums[0]:.4f} to {sums[1]:.4f} to {sums[2]:.4f}: not a zero-sum game"
