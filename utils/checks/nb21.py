"""Checks of notebook 21's exercises (DCGAN: convolution arithmetic, the search's dropout gain, atomic side files)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from unittest import mock

import numpy as np

from utils.checks import CheckFailed, exercise, expect_callable, expect_number
from utils.paths import REPO_ROOT

SEARCH_RESULTS = REPO_ROOT / "results" / "dcgan_search.json"


@exercise("21.1")
def transposed_arithmetic(transposed_side, seven_to_28):
    """The output side of a 'valid' transposed convolution, and one layer that takes 7x7 to 28x28."""
    expect_callable("transposed_side", transposed_side, 3)
    for n in (1, 7, 14):
        for k in (1, 3, 4, 5):
            for s in (1, 2, 3, 4):
                got = expect_number(f"transposed_side({n}, {k}, {s})", transposed_side(n, k, s))
                want = (n - 1) * s + k
                if got != want:
                    if got == n * s:
                        hint = "n * s is the side with padding='same'; with 'valid' the kernel's overhang is kept"
                    elif got == (n - 1) * s + k - 2:
                        hint = "'valid' crops nothing: drop the padding term"
                    elif got == (n - k) // s + 1:
                        hint = "that is the side of an ordinary (not transposed) convolution"
                    else:
                        hint = "each of the n inputs moves s pixels on, and the last one's kernel adds k"
                    raise CheckFailed(f"transposed_side({n}, {k}, {s}) is {got:g}; expected {want}: {hint}")
    try:
        k, s = (int(v) for v in seven_to_28)
    except (TypeError, ValueError):
        raise CheckFailed(f"seven_to_28 should be a pair (k, s) of whole numbers, got {seven_to_28!r}") from None
    if k < 1 or s < 1 or (7 - 1) * s + k != 28:
        raise CheckFailed(f"(k, s) = ({k}, {s}) maps a side of 7 to {(7 - 1) * s + k}, not 28: solve "
                          "(7 - 1) s + k = 28")
    return f"(n - 1) s + k checked on 48 cases; ({k}, {s}) takes 7x7 to 28x28 in one layer"


def _seed_mean_curve(runs):
    """Mean over seeds of (G steps, FD/floor) at each checkpoint, on the floor each run stored (same for all)."""
    length = min(len(r["curve"]) for r in runs)
    steps = np.mean([[c["g_steps"] for c in r["curve"][:length]] for r in runs], axis=0)
    ratios = np.mean([[c["fd_ratio"] for c in r["curve"][:length]] for r in runs], axis=0)
    return steps, ratios


def dropout_gains(search=None):
    """(gain at equal CPU-s, gain at equal G steps) of removing D's dropout, from the search's final phase."""
    if search is None:
        search = json.loads(SEARCH_RESULTS.read_text(encoding="utf-8"))
    runs = {v: [r for r in search["runs"] if r["phase"] == "final" and r["variant"] == v]
            for v in ("baseline", "no_dropout")}
    if not all(runs.values()) or len({r["fd_floor"] for rs in runs.values() for r in rs}) != 1:
        raise CheckFailed("results/dcgan_search.json lacks final-phase runs of baseline and no_dropout on one floor")
    (base_steps, base_ratio), (nd_steps, nd_ratio) = (_seed_mean_curve(runs[v]) for v in ("baseline", "no_dropout"))
    return base_ratio[-1] / nd_ratio[-1], base_ratio[-1] / np.interp(base_steps[-1], nd_steps, nd_ratio)


@exercise("21.2")
def dropout_gain(gain_equal_cpu, gain_equal_steps):
    """Removing D's dropout: FD/floor of baseline over no_dropout, at equal CPU-s and at equal generator steps."""
    want_cpu, want_steps = dropout_gains()
    cpu = expect_number("gain_equal_cpu", gain_equal_cpu)
    steps = expect_number("gain_equal_steps", gain_equal_steps)
    for name, got, want in (("gain_equal_cpu", cpu, want_cpu), ("gain_equal_steps", steps, want_steps)):
        if abs(got - want) <= 0.02 * want:
            continue
        if abs(got * want - 1) <= 0.02:
            raise CheckFailed(f"{name} is {got:.3f}, the inverse of the expected {want:.3f}: divide the baseline's "
                              "FD/floor by no_dropout's (a gain above 1 means dropout made it worse)")
        if name == "gain_equal_steps" and abs(got - want_cpu) <= 0.02 * want_cpu:
            raise CheckFailed(f"gain_equal_steps equals the gain at equal CPU-s ({want_cpu:.3f}): read no_dropout's "
                              "curve at the baseline's final G steps (np.interp over G steps), not at its last point")
        raise CheckFailed(f"{name} is {got:.3f}; expected {want:.3f} (tolerance 2%): use the final phase's curves "
                          "(n = 2,000), the mean over seeds at each checkpoint, the last checkpoint of each variant")
    share = (np.log(want_cpu) - np.log(want_steps)) / np.log(want_cpu) if want_cpu > 1 else float("nan")
    return (f"dropout's removal divides FD/floor by {want_cpu:.2f} at equal CPU-s and by {want_steps:.2f} at equal G "
            f"steps: about {share:.0%} of the gain (in log terms) is the cheaper step")


@exercise("21.3")
def atomic_records(save_records):
    """save_records(path, records) writes JSON that a crash cannot leave half-written."""
    expect_callable("save_records", save_records, 2)
    first, second = {"1": {"fd": 80.5}}, {"1": {"fd": 80.5}, "2": {"fd": 60.25}}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "records.json"
        save_records(path, first)
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise CheckFailed("after save_records(path, records), path does not hold the records as JSON") from None
        if saved != first:
            raise CheckFailed(f"path holds {saved!r}, expected the records {first!r}")
        save_records(path, second)  # a second write replaces the first
        if json.loads(path.read_text(encoding="utf-8")) != second:
            raise CheckFailed("a second save_records did not replace the file's content")
        _expect_old_file_after("save_records(path, {'3': object()}), on which json.dump fails half-way,",
                               lambda: save_records(path, {"3": object()}), TypeError, path, second)
        _expect_no_leftovers(folder)
        # A kill after the new content is written but before it is committed: the rename itself fails.
        renames = []

        def crash(source, target, *args, **kwargs):
            renames.append((Path(source), Path(target)))
            raise OSError("simulated crash before the rename")

        with mock.patch("os.replace", crash), mock.patch("os.rename", crash):
            _expect_old_file_after("a crash just before the rename (os.replace patched to fail)",
                                   lambda: save_records(path, {"3": {"fd": 40.0}}), OSError, path, second,
                                   direct_write=True)
        source, target = renames[0]
        if source.resolve().parent != path.resolve().parent:
            raise CheckFailed(f"the temporary file was written in {source.parent}, not in path's folder: os.replace "
                              "is atomic only within one file system, and another folder may be on another one "
                              "(then it fails, or falls back to a copy that a crash can cut); use "
                              "tempfile.mkstemp(dir=path.parent)")
        if target.resolve() != path.resolve():
            raise CheckFailed(f"os.replace moved the temporary file to {target}, expected path ({path})")
        _expect_no_leftovers(folder)
    return ("writes JSON, replaces it; a write that fails half-way or a crash before the rename leaves the old file "
            "intact, and the temporary file sits in path's folder and is removed on failure")


def _expect_old_file_after(what, write, error, path, old, direct_write=False):
    """Run a write that must fail with `error` and leave `old` in path."""
    try:
        write()
    except error:
        pass
    else:
        if direct_write:
            raise CheckFailed(f"{what}, save_records did not fail: it never called os.replace (or os.rename), so it "
                              "wrote path directly, and a kill in the middle of that write leaves it half-written. "
                              "Write a temporary file first and os.replace it over path (call it as os.replace, "
                              "not an imported name, so that this check can simulate the crash)")
        raise CheckFailed(f"{what} should raise the {error.__name__} it meets (do not swallow errors)")
    try:
        intact = json.loads(path.read_text(encoding="utf-8")) == old
    except (OSError, ValueError):
        intact = False
    if not intact:
        raise CheckFailed(f"after {what}, records.json no longer holds the previous records: write to a temporary "
                          "file in the same folder first (tempfile.mkstemp(dir=path.parent)) and os.replace it over "
                          "path only when the write succeeded")


def _expect_no_leftovers(folder):
    left = sorted(p.name for p in Path(folder).iterdir() if p.name != "records.json")
    if left:
        raise CheckFailed(f"a failed write left {left} in the folder: remove the temporary file when the write "
                          "fails (try/except, then Path(tmp).unlink())")
