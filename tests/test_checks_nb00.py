"""The checks of notebook 00's exercises: a right answer passes, wrong answers get specific feedback."""

import numpy as np
import pytest

from utils import checks
from utils.checks import CheckFailed


def draws(n=1000, seed=0):
    """Grey images and two independent sampled binarisations of them (no data file needed)."""
    rng = np.random.default_rng(seed)
    grey = np.where(rng.random((n, 784)) < 0.8, 0.0, rng.random((n, 784))).astype(np.float32)
    a = (rng.random(grey.shape) < grey).astype(np.float32)
    b = (rng.random(grey.shape) < grey).astype(np.float32)
    return grey, a, b


def answer_1(**changes):
    grey, a, b = draws()
    answer = {"binary_a": a, "binary_b": b, "flip_fraction": float(np.mean(a != b)),
              "predicted_flip_fraction": float(np.mean(2 * grey * (1 - grey)))}
    return answer | changes


def test_binarisation_noise_right_answer(capsys):
    checks.check("00.1", answer_1())
    assert "✓ Exercise 00.1:" in capsys.readouterr().out


def test_binarisation_noise_wrong_answers():
    _, a, b = draws()
    other_images = (np.random.default_rng(5).random(a.shape) < 0.3).astype(np.float32)  # different digits
    with pytest.raises(CheckFailed, match="far more than the .* binarisation alone predicts: did the two loads draw "
                                          "different images"):
        checks.check("00.1", answer_1(binary_b=other_images, flip_fraction=float(np.mean(a != other_images))))
    with pytest.raises(CheckFailed, match="identical: give the two loads different `binarize_seed`"):
        checks.check("00.1", answer_1(binary_b=a, flip_fraction=0.0))
    with pytest.raises(CheckFailed, match=r"half the measured .*P\(differ\) = 2p\(1-p\)"):
        right = answer_1()
        checks.check("00.1", right | {"predicted_flip_fraction": right["flip_fraction"] / 2})
    with pytest.raises(CheckFailed, match="flip_fraction is .* np.mean"):
        checks.check("00.1", answer_1(flip_fraction=0.5))
    with pytest.raises(CheckFailed, match=r'should hold only 0 and 1.*scale="\[0,1\]"'):
        checks.check("00.1", answer_1(binary_a=2 * a - 1))
    with pytest.raises(CheckFailed, match=r"binary_b has shape \(999, 784\); expected \(1000, 784\)"):
        checks.check("00.1", answer_1(binary_b=b[:999]))
    with pytest.raises(CheckFailed, match="`binary_b` is not defined yet"):
        checks.check("00.1", {"binary_a": a})


def right_converter(images):
    images = np.asarray(images, dtype=np.float32)
    if not np.all((images >= -1) & (images <= 1)):
        raise ValueError("images must lie in [-1, 1]")
    return (images + 1) / 2


def test_unit_range_right_answer(capsys):
    checks.check("00.2", {"to_unit_range": right_converter})
    assert "refuses out-of-range values and NaN" in capsys.readouterr().out


def test_unit_range_wrong_answers():
    def clipping(images):
        return (np.clip(images, -1, 1) + 1) / 2

    def misses_nan(images):
        images = np.asarray(images)
        if images.min() < -1 or images.max() > 1:
            raise ValueError("images out of range")
        return (images + 1) / 2

    def in_place(images):
        if not np.all((images >= -1) & (images <= 1)):
            raise ValueError("images out of range")
        images += 1
        images /= 2
        return images

    def silent_message(images):
        if not np.all((images >= -1) & (images <= 1)):
            raise ValueError("bad input")
        return (images + 1) / 2

    def type_error(images):
        if not np.all((images >= -1) & (images <= 1)):
            raise TypeError("images out of range")
        return (images + 1) / 2

    with pytest.raises(CheckFailed, match=r"to_unit_range\(x\) differs .* at x=-1 .*\(x \+ 1\) / 2"):
        checks.check("00.2", {"to_unit_range": lambda images: np.asarray(images) / 2})
    with pytest.raises(CheckFailed, match=r"returned \[0.0, 1.0\] for an input holding 2.0: refuse"):
        checks.check("00.2", {"to_unit_range": clipping})
    with pytest.raises(CheckFailed, match="for an input holding NaN: refuse .*a NaN fails every comparison"):
        checks.check("00.2", {"to_unit_range": misses_nan})
    with pytest.raises(CheckFailed, match="changed the array it was given"):
        checks.check("00.2", {"to_unit_range": in_place})
    with pytest.raises(CheckFailed, match="the ValueError for 2.0 says 'bad input': name the argument"):
        checks.check("00.2", {"to_unit_range": silent_message})
    with pytest.raises(CheckFailed, match="raised TypeError; raise a ValueError that names `images`"):
        checks.check("00.2", {"to_unit_range": type_error})
    with pytest.raises(CheckFailed, match="to_unit_range should be a function, got int"):
        checks.check("00.2", {"to_unit_range": 3})


def test_seed_spread():
    accuracies = [0.860, 0.8545, 0.8529]
    std = float(np.std(accuracies, ddof=1))
    checks.check("00.3", {"seed_accuracies": accuracies, "accuracy_std": std})
    with pytest.raises(CheckFailed, match="population standard deviation \\(ddof=0\\)"):
        checks.check("00.3", {"seed_accuracies": accuracies, "accuracy_std": float(np.std(accuracies))})
    with pytest.raises(CheckFailed, match="every seed gave the same accuracy"):
        checks.check("00.3", {"seed_accuracies": [0.86] * 3, "accuracy_std": 0.0})
    with pytest.raises(CheckFailed, match="fractions in \\[0, 1\\], not percentages"):
        checks.check("00.3", {"seed_accuracies": [86.0, 85.4, 85.3], "accuracy_std": 0.36})
    with pytest.raises(CheckFailed, match="at least 3 seeds"):
        checks.check("00.3", {"seed_accuracies": accuracies[:2], "accuracy_std": std})
    with pytest.raises(CheckFailed, match=r"barely above chance .*\(x_test \* 0.5 \+ 0.5\)"):
        checks.check("00.3", {"seed_accuracies": [0.86, 0.11, 0.85], "accuracy_std": 0.4})
    with pytest.raises(CheckFailed, match="accuracy_std is 0.1; expected .*ddof=1"):
        checks.check("00.3", {"seed_accuracies": accuracies, "accuracy_std": 0.1})
