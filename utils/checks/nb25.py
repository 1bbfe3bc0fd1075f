"""Checks of notebook 25's exercises (evaluating generative models)."""

from __future__ import annotations

import numpy as np

from utils.checks import CheckFailed, exercise, expect_array, expect_between, expect_callable, expect_number

METRIC_KEYS = ("fd", "fd_floor", "n")


def _reference_density_coverage(real, fake, radii_real, k):
    d = np.sqrt(((fake[:, None, :] - real[None, :, :]) ** 2).sum(axis=2))
    hits = d <= radii_real[None, :]
    return hits.sum(axis=1).mean() / k, hits.any(axis=0).mean()


def _toy_sets():
    """Ten real points on a line, with the radius of each one's 3rd neighbour, and six samples: four near real
    points (two of them inside several balls) and two far away."""
    real = np.stack([np.arange(10.0), np.zeros(10)], axis=1)
    d = np.abs(real[:, None, 0] - real[None, :, 0])
    radii = np.sort(d, axis=1)[:, 3]
    fake = np.array([[0.1, 0.0], [4.2, 0.0], [4.8, 0.5], [9.0, 0.1], [30.0, 0.0], [0.0, 40.0]])
    return real, fake, radii


@exercise("25.1")
def density_coverage_check(density_coverage, noise_coverage, real_coverage):
    """density_coverage agrees with the definition on a toy set; coverage separates noise from real digits."""
    expect_callable("density_coverage", density_coverage, 4)
    real, fake, radii = _toy_sets()
    got = density_coverage(real, fake, radii, 3)
    if not isinstance(got, tuple | list) or len(got) != 2:
        raise CheckFailed(f"density_coverage should return a pair (density, coverage), got {type(got).__name__}")
    density, coverage = (expect_number(name, value) for name, value in zip(("density", "coverage"), got, strict=True))
    want_density, want_coverage = _reference_density_coverage(real, fake, radii, 3)
    if abs(coverage - want_coverage) > 1e-9:
        hint = (" (you took the share of samples inside some ball: that is precision; coverage counts real points)"
                if abs(coverage - np.mean((np.sqrt(((fake[:, None] - real[None]) ** 2).sum(2)) <= radii).any(1)))
                < 1e-9 else "")
        raise CheckFailed(f"on a toy set of 10 real points and 6 samples your coverage is {coverage:.4g}; expected "
                          f"{want_coverage:.4g}, the share of real points whose ball holds at least one sample{hint}")
    if abs(density - want_density) > 1e-9:
        hint = ("; divide by k" if abs(density - want_density * 3) < 1e-9 else
                "; count, for each sample, the real balls that contain it, average over samples, divide by k")
        raise CheckFailed(f"on a toy set your density is {density:.4g}; expected {want_density:.4g}{hint}")
    noise = expect_between("noise_coverage", noise_coverage, 0.0, 1.0)
    real_value = expect_between("real_coverage", real_coverage, 0.0, 1.0)
    if real_value < 0.5:
        raise CheckFailed(f"real_coverage is {real_value:.3f}; held-out real digits should cover most real balls "
                          "(above 0.5): did you pass the features in the order (real, fake, radii_real, k)?")
    if noise >= real_value / 4:
        raise CheckFailed(f"noise_coverage {noise:.3f} is not far below real_coverage {real_value:.3f}: use "
                          "noise_features as the fake set and ref_features as the real one")
    return (f"density_coverage matches the definition; coverage {noise:.3f} (noise) vs {real_value:.3f} (real "
            "digits): coverage exposes the noise")


@exercise("25.2")
def ratio_with_n(fd_by_n, ratio_grows):
    """Three evaluate_images dicts at growing n; the ratio FD / floor read off correctly."""
    if not isinstance(fd_by_n, dict) or len(fd_by_n) < 3:
        raise CheckFailed("fd_by_n should be a dict with at least three sample sizes as keys, got "
                          f"{type(fd_by_n).__name__} of length {len(fd_by_n) if hasattr(fd_by_n, '__len__') else '?'}")
    sizes = sorted(fd_by_n)
    for n in sizes:
        m = fd_by_n[n]
        if not isinstance(m, dict) or any(key not in m for key in METRIC_KEYS):
            raise CheckFailed(f"fd_by_n[{n}] should be the dict evaluate_images returns (with 'fd', 'fd_floor', 'n')")
        if m["n"] != n:
            raise CheckFailed(f"fd_by_n[{n}] was evaluated at n = {m['n']}: pass n={n} to evaluate_images")
    floors = [expect_number(f"fd_by_n[{n}]['fd_floor']", fd_by_n[n]["fd_floor"]) for n in sizes]
    fds = [expect_number(f"fd_by_n[{n}]['fd']", fd_by_n[n]["fd"]) for n in sizes]
    if np.any(np.diff(floors) >= 0):
        raise CheckFailed(f"the floors {np.round(floors, 3).tolist()} do not fall with n = {sizes}: use the fd_floor "
                          "that evaluate_images returns at each n")
    ratios = np.array(fds) / np.array(floors)
    if not isinstance(ratio_grows, bool | np.bool_):
        raise CheckFailed(f"ratio_grows should be True or False, got {type(ratio_grows).__name__}")
    grows = bool(np.all(np.diff(ratios) > 0))
    if bool(ratio_grows) != grows:
        raise CheckFailed(f"ratio_grows is {bool(ratio_grows)}, but FD / floor is {np.round(ratios, 1).tolist()} at "
                          f"n = {sizes}")
    return (f"FD / floor {' -> '.join(f'{r:.1f}' for r in ratios)} at n = {', '.join(f'{n:,}' for n in sizes)}: "
            f"{'it grows with n' if grows else 'it does not grow with n'}")


@exercise("25.3")
def shifted_copies(shifted_images, shifted_fd, shifted_floor, plain_distances, shift_invariant_distances):
    """Shifted training images: far in pixels, at distance 0 up to a one-pixel shift."""
    images = expect_array("shifted_images", shifted_images, shape=(None, 28, 28, 1))
    if len(images) < 100:
        raise CheckFailed(f"shifted_images holds {len(images)} images; use N_EVAL of them for a meaningful FD")
    expect_between("shifted_fd", shifted_fd, 0.0, None)
    floor = expect_between("shifted_floor", shifted_floor, 0.0, None)
    if floor == 0:
        raise CheckFailed("shifted_floor is 0: take fd_floor from the dict evaluate_images returns")
    plain = expect_array("plain_distances", plain_distances, shape=(None,))
    invariant = expect_array("shift_invariant_distances", shift_invariant_distances, shape=plain.shape)
    if len(plain) < 10:
        raise CheckFailed(f"plain_distances holds {len(plain)} distances; compute them for the first 40 images")
    if np.any(invariant > plain + 1e-6):
        raise CheckFailed("some shift-invariant distance is larger than the plain one: the nine shifts include "
                          "the unshifted image, so the minimum can only be smaller or equal")
    if np.median(plain) < 0.5:
        raise CheckFailed(f"the plain distances have median {np.median(plain):.2f}: shifted images should be far "
                          "from every training image in pixels; did you shift them (np.roll along axis 2)?")
    if invariant.max() > 1e-3:
        worst = int(np.argmax(invariant))
        raise CheckFailed(f"shift_invariant_distances[{worst}] is {invariant[worst]:.3g}, not 0: undo every shift of "
                          "up to one pixel (dy, dx in -1, 0, 1, both axes) and keep the smallest distance")
    return (f"FD {float(shifted_fd):.2f} (floor {floor:.2f}); nearest training image at median "
            f"{np.median(plain):.2f} in pixels but 0 up to a one-pixel shift: only that distance finds the copies")
