"""Checks of notebook 33's exercises (outlook and FAQ: the results file, a diffusion schedule)."""

from __future__ import annotations

import numpy as np

from utils.checks import CheckFailed, exercise, expect_array, expect_callable, expect_number

_FD_KEYS = {"wgan_gp": "wgan_gp_fd_mean", "equal_cpu": "dcgan_fd_mean", "equal_steps": "dcgan_equal_steps_fd_mean"}


def _section_23(results):
    """Notebook 23's recorded values, from the notebook's RESULTS or, without it, from the committed file."""
    if results is None:
        from utils.results import load_results

        results = load_results()
    names = [name for name in results if name.startswith("23_")]
    if len(names) != 1:
        raise CheckFailed("the results file has no section for notebook 23: run make reproduce ARGS=\"--only 23\" "
                          "and then this notebook again")
    values = results[names[0]]["values"]
    missing = [key for key in _FD_KEYS.values() if key not in values]
    if missing:
        raise CheckFailed(f"notebook 23's results lack {missing}: re-run notebook 23 with make reproduce")
    return values


def _ratio_feedback(what, ratio, expected, values, denominator_key):
    """Name the likely mistake behind a wrong ratio of WGAN-GP's FD to a DCGAN's."""
    wgan = values[_FD_KEYS["wgan_gp"]]["value"]
    dcgan = values[denominator_key]["value"]
    if abs(ratio * expected - 1) < 1e-6:
        return (f"{what} is {ratio:.4f}, the inverse of the expected {expected:.4f}: divide WGAN-GP's FD by the "
                f"DCGAN's ({wgan:.2f} / {dcgan:.2f}), not the other way round")
    for key, other in _FD_KEYS.items():
        if key != "wgan_gp" and other != denominator_key and \
                abs(ratio - wgan / values[other]["value"]) < 1e-6 * max(1.0, expected):
            return (f"{what} is {ratio:.4f}, which divides by {other}; this ratio needs {denominator_key} "
                    f"({wgan:.2f} / {dcgan:.2f} = {expected:.4f})")
    for key in sorted(name for name in values if name.startswith("wgan_gp_fd_seed")):
        if abs(ratio - values[key]["value"] / dcgan) < 1e-6 * max(1.0, expected):
            return (f"{what} is {ratio:.4f}, from one seed's FD ({key}); use the mean over seeds, "
                    f"wgan_gp_fd_mean ({wgan:.2f} / {dcgan:.2f} = {expected:.4f})")
    return (f"{what} is {ratio:.4f}; notebook 23 recorded wgan_gp_fd_mean = {wgan:.4f} and {denominator_key} = "
            f"{dcgan:.4f}, whose ratio is {expected:.4f}. Read both with value(\"23\", ...)")


@exercise("33.1")
def fd_ratios(fd_ratio_equal_cpu, fd_ratio_equal_steps, *, RESULTS=None):
    """WGAN-GP's mean FD over DCGAN's at equal CPU time and at equal generator updates (notebook 23)."""
    values = _section_23(RESULTS)
    wgan = values[_FD_KEYS["wgan_gp"]]["value"]
    for what, ratio, key in (("fd_ratio_equal_cpu", fd_ratio_equal_cpu, _FD_KEYS["equal_cpu"]),
                             ("fd_ratio_equal_steps", fd_ratio_equal_steps, _FD_KEYS["equal_steps"])):
        ratio = expect_number(what, ratio)
        expected = wgan / values[key]["value"]
        if abs(ratio - expected) > 1e-6 * max(1.0, expected):
            raise CheckFailed(_ratio_feedback(what, ratio, expected, values, key))
    return (f"WGAN-GP's FD is {fd_ratio_equal_cpu:.2f} times DCGAN's at equal CPU time and "
            f"{fd_ratio_equal_steps:.2f} times at equal generator updates")


_F0 = float(np.cos(0.008 / 1.008 * np.pi / 2) ** 2)  # f(0) of the cosine schedule with s = 0.008
_OTHER_T = 50  # a second number of steps: the schedule must follow T, not one T written into it


def _reference_alpha_bar(T, s=0.008):
    t = np.arange(0, T + 1)
    f = np.cos((t / T + s) / (1 + s) * np.pi / 2) ** 2
    return f[1:] / f[0]


def _check_schedule(cosine_alpha_bar, T):
    """Compare the learner's schedule for T steps with Nichol and Dhariwal's; name the likely mistake."""
    expected = _reference_alpha_bar(T)
    got = np.asarray(cosine_alpha_bar(T), dtype=float).ravel()
    if got.shape == (T + 1,):
        raise CheckFailed(f"cosine_alpha_bar({T}) returns {T + 1} values: it includes t = 0 (alpha_bar_0 = 1). "
                          f"Return the {T} values alpha_bar_1 ... alpha_bar_T, e.g. f[1:] / f[0]")
    got = expect_array(f"cosine_alpha_bar({T})", got, shape=(T,))
    inner = slice(0, T - 1)  # the last step is 0, or set by the clipped beta; compare the others
    if np.allclose(got[inner], expected[inner], atol=1e-6):
        return
    shifted = np.concatenate([[1.0], expected[:-1]])  # alpha_bar_0 ... alpha_bar_{T-1}
    if np.allclose(got[inner], shifted[inner], atol=1e-6):
        raise CheckFailed(f"cosine_alpha_bar({T}) is shifted by one step: it starts with alpha_bar_0 = 1 and ends "
                          f"with alpha_bar_{T - 1}. Index t - 1 must hold alpha_bar_t, for t = 1 ... T: evaluate f "
                          "at t = 0 ... T and drop t = 0 (f[1:] / f[0])")
    if np.all(np.diff(got) >= 0):
        raise CheckFailed(f"cosine_alpha_bar({T}) increases with t: alpha_bar_t is the share of signal left after t "
                          "steps, so it must fall from about 1 to 0. Did you return 1 - alpha_bar, or the betas?")
    if np.allclose(got[inner], (expected * _F0)[inner], atol=1e-8):
        raise CheckFailed(f"cosine_alpha_bar({T}) is f(t) itself; divide by f(0) so that alpha_bar_0 would be 1 "
                          f"(f(0) = {_F0:.6f})")
    if np.allclose(got[inner], np.sqrt(expected[inner]), atol=1e-4):
        raise CheckFailed(f"cosine_alpha_bar({T}) looks like the square root of alpha_bar: f(t) is the cosine "
                          "SQUARED")
    worst = int(np.argmax(np.abs(got[inner] - expected[inner])))
    raise CheckFailed(f"cosine_alpha_bar({T}) at step t = {worst + 1} is {got[worst]:.6f}; expected "
                      f"{expected[worst]:.6f}. Use f(t) = cos^2(((t/T + s) / (1 + s)) * pi/2) with s = 0.008, "
                      "t = 1..T, divided by f(0)")


@exercise("33.2")
def cosine_schedule(cosine_alpha_bar, t_snr1_cosine, *, T_STEPS=1000, BETA_START=0.0001, BETA_END=0.02):
    """The cosine schedule of Nichol and Dhariwal (2021) and the step at which its SNR falls below 1."""
    expect_callable("cosine_alpha_bar", cosine_alpha_bar, 1)
    T = int(T_STEPS)
    tried = [T] if T == _OTHER_T else [T, _OTHER_T]  # the notebook's T first: its feedback names the T in use
    for steps in tried:
        _check_schedule(cosine_alpha_bar, steps)
    step = expect_number("t_snr1_cosine", t_snr1_cosine)
    below = _reference_alpha_bar(T) < 0.5  # SNR = a / (1 - a) < 1  <=>  a < 1/2
    first = int(np.argmax(below)) + 1
    if step != first:
        if step == first - 1:
            raise CheckFailed(f"t_snr1_cosine is {step:g}, a 0-based index: steps are counted from 1, so add 1 "
                              f"(expected {first})")
        if step == first + 1:
            raise CheckFailed(f"t_snr1_cosine is {step:g}, one step late: step t is at index t - 1, so the first step "
                              f"with alpha_bar < 1/2 is int(np.argmax(alpha_bar < 0.5)) + 1 = {first}")
        linear = int(np.argmax(np.cumprod(1 - np.linspace(BETA_START, BETA_END, T)) < 0.5)) + 1
        if step == linear:
            raise CheckFailed(f"t_snr1_cosine is {step:g}, the LINEAR schedule's step; use your cosine_alpha_bar "
                              f"(expected {first})")
        raise CheckFailed(f"t_snr1_cosine is {step:g}; the cosine schedule's SNR alpha_bar / (1 - alpha_bar) first "
                          f"falls below 1 (alpha_bar < 1/2) at step {first} of {T}")
    return (f"cosine schedule matches Nichol and Dhariwal (2021) for T = {' and '.join(map(str, tried))}; its SNR "
            f"falls below 1 at step {first} of {T}")
