"""Checks of notebook 31's exercises (autoencoders against GANs at one budget)."""

from __future__ import annotations

import numpy as np

from utils.checks import CheckFailed, exercise, expect_array, expect_number, require_context

_CONTEXT_HINT = "run it in notebook 31 after section 4, which trains the models and builds the table"


@exercise("31.1")
def rank_models(fd_over_floor, ranking, *, table=None, floor=None, MODELS=None):
    """Each model's mean FD over the floor, and the names sorted by mean FD."""
    require_context({"table": table, "floor": floor, "MODELS": MODELS}, _CONTEXT_HINT)
    if not isinstance(fd_over_floor, dict) or set(fd_over_floor) != set(MODELS):
        got = sorted(fd_over_floor) if isinstance(fd_over_floor, dict) else type(fd_over_floor).__name__
        raise CheckFailed(f"fd_over_floor must be a dict with one entry per name of MODELS {list(MODELS)}, got {got}")
    for name in MODELS:
        expected = float(np.mean(table[name]["FD"])) / floor
        value = expect_number(f"fd_over_floor[{name!r}]", fd_over_floor[name])
        if abs(value - expected) > 1e-6 * expected:
            if abs(value - float(np.mean(table[name]["FD"]))) < 1e-6 * expected * floor:
                raise CheckFailed(f"fd_over_floor[{name!r}] is {value:.2f}, the mean FD itself: divide it by floor "
                                  f"({floor:.2f})")
            if abs(value - float(np.median(table[name]["FD"])) / floor) < 1e-9 and len(table[name]["FD"]) > 2:
                raise CheckFailed(f"fd_over_floor[{name!r}] uses the median FD; the exercise asks for the mean")
            raise CheckFailed(f"fd_over_floor[{name!r}] is {value:.3f}; the mean of table[{name!r}]['FD'] over the "
                              f"seeds divided by floor is {expected:.3f}")
    if not isinstance(ranking, (list, tuple)) or sorted(ranking) != sorted(MODELS):
        raise CheckFailed(f"ranking must be a list holding each name of MODELS once, got {ranking!r}")
    expected_order = sorted(MODELS, key=lambda name: float(np.mean(table[name]["FD"])))
    if list(ranking) == expected_order[::-1]:
        raise CheckFailed("ranking runs from the highest FD to the lowest: a lower FD is better, so sort ascending")
    if list(ranking) != expected_order:
        raise CheckFailed(f"ranking is {list(ranking)}; sorted by mean FD (lowest first) it is {expected_order}")
    return f"{ranking[0]} has the lowest mean FD ({fd_over_floor[ranking[0]]:.1f}x the floor)"


@exercise("31.2")
def invert_generator(inverted_z, inversion_mse, vae_mse, *, runs=None, decode=None, prior_draw=None,
                     x_test_grey=None, x_test_binary=None, INVERSION_IMAGES=None, SEED=None, LATENT_DIM=None):
    """The DCGAN generator inverted on test digits by gradient descent on z, against the VAE's reconstructions."""
    require_context({"runs": runs, "decode": decode, "prior_draw": prior_draw, "x_test_grey": x_test_grey,
                     "x_test_binary": x_test_binary, "INVERSION_IMAGES": INVERSION_IMAGES, "SEED": SEED,
                     "LATENT_DIM": LATENT_DIM}, _CONTEXT_HINT)
    z = expect_array("inverted_z", inverted_z, shape=(INVERSION_IMAGES, LATENT_DIM))
    targets = np.asarray(x_test_grey[:INVERSION_IMAGES], dtype=np.float64)
    dcgan = runs["DCGAN", 0]["model"]
    measured = float(np.mean((decode(dcgan, z) - targets) ** 2))
    mse = expect_number("inversion_mse", inversion_mse)
    if abs(mse - measured) > 1e-4 * max(measured, 1e-3):
        if abs(mse - float(np.mean((2 * decode(dcgan, z) - 1 - (2 * targets - 1)) ** 2))) < 1e-4:
            raise CheckFailed("inversion_mse is measured on the [-1, 1] scale: measure it on grey levels in [0, 1] "
                              "(decode already returns them), as vae_mse is")
        raise CheckFailed(f"inversion_mse is {mse:.5f}, but decode(dcgan, inverted_z) is {measured:.5f} from the first "
                          f"{INVERSION_IMAGES} test images per pixel: report the MSE of the z you return")
    start = float(np.mean((decode(dcgan, prior_draw("DCGAN", INVERSION_IMAGES, SEED)) - targets) ** 2))
    if measured >= start:
        raise CheckFailed(f"the inverted z reconstruct no better than the starting draws (MSE {measured:.4f} vs "
                          f"{start:.4f}): check the sign of the update (minimise the error) and that z is what you "
                          "optimise, not the generator's weights")
    vae = runs["VAE", 0]["model"]
    codes = np.asarray(vae.encode(x_test_binary[:INVERSION_IMAGES])[0])
    expected_vae = float(np.mean((decode(vae, codes) - targets) ** 2))
    if abs(expect_number("vae_mse", vae_mse) - expected_vae) > 1e-4 * max(expected_vae, 1e-3):
        raise CheckFailed(f"vae_mse is {vae_mse:.5f}; decoding the seed-0 VAE's posterior means of "
                          f"x_test_binary[:{INVERSION_IMAGES}] gives {expected_vae:.5f} against the grey images")
    return (f"inversion cut the DCGAN's error from {start:.4f} to {measured:.4f} per pixel; the VAE's encoder "
            f"gives {expected_vae:.4f} in one pass")


@exercise("31.3")
def copies(copy_ratio, *, runs=None, decode=None, prior_draw=None, x_train_grey=None, x_test_grey=None,
           MODELS=None, NEIGHBOUR_SAMPLES=None, SEED=None):
    """Median nearest-training-image distance of each model's samples over that of test digits."""
    from utils.evaluation import nearest_neighbour_distances

    require_context({"runs": runs, "decode": decode, "prior_draw": prior_draw, "x_train_grey": x_train_grey,
                     "x_test_grey": x_test_grey, "MODELS": MODELS, "NEIGHBOUR_SAMPLES": NEIGHBOUR_SAMPLES,
                     "SEED": SEED}, _CONTEXT_HINT)
    if not isinstance(copy_ratio, dict) or set(copy_ratio) != set(MODELS):
        got = sorted(copy_ratio) if isinstance(copy_ratio, dict) else type(copy_ratio).__name__
        raise CheckFailed(f"copy_ratio must be a dict with one entry per name of MODELS {list(MODELS)}, got {got}")
    test = nearest_neighbour_distances(x_test_grey[:NEIGHBOUR_SAMPLES], x_train_grey)
    test_median = float(np.median(test))
    for name in MODELS:  # every model recomputed in full: 300 samples each take about a second
        images = decode(runs[name, 0]["model"], prior_draw(name, NEIGHBOUR_SAMPLES, SEED + 7000))
        distances = nearest_neighbour_distances(images, x_train_grey)
        expected = float(np.median(distances)) / test_median
        value = expect_number(f"copy_ratio[{name!r}]", copy_ratio[name])
        if not 0.0 < value < 10.0:
            raise CheckFailed(f"copy_ratio[{name!r}] is {value:.3g}: a ratio of two median distances of digits to "
                              "their nearest training digit lies far inside (0, 10); check that images and training "
                              "images are on the same scale (grey levels in [0, 1])")
        if abs(value - expected) > 1e-3 * expected:
            if abs(value - float(np.mean(distances)) / float(np.mean(test))) < 1e-3 * expected:
                raise CheckFailed(f"copy_ratio[{name!r}] divides mean distances; the exercise asks for medians")
            if abs(value - float(np.median(distances))) < 1e-3 * expected:
                raise CheckFailed(f"copy_ratio[{name!r}] is the samples' median distance itself: divide it by the "
                                  f"test digits' median distance ({test_median:.2f})")
            raise CheckFailed(f"copy_ratio[{name!r}] is {value:.3f}; the median distance of the samples of "
                              f"prior_draw({name!r}, NEIGHBOUR_SAMPLES, SEED + 7000) to their nearest training "
                              f"images over that of the first NEIGHBOUR_SAMPLES test images is {expected:.3f}")
    lowest = min(copy_ratio, key=copy_ratio.get)
    return (f"every ratio matches; the {lowest}'s samples lie closest to the training set, "
            f"{copy_ratio[lowest]:.2f}x as far as test digits do")
