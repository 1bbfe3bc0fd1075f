"""Timing and training callbacks that several notebooks share.

Speed is compared in CPU seconds (``time.process_time()``: every thread of this process, user and system), not
wall seconds: on a shared machine wall time depends on what else runs. Both are kept.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import keras

from utils.validation import check_param


class CpuTimer:
    """A context manager that measures the CPU and wall seconds of its block::

        with utils.CpuTimer() as timer:
            model.fit(...)
        print(f"{timer.cpu:.0f} CPU-s, {timer.wall:.0f} s wall")

    While the block runs, ``cpu``/``wall`` give the time so far.
    """

    def __init__(self):
        self._cpu0 = self._wall0 = None
        self._cpu = self._wall = None

    def __enter__(self):
        self._cpu0, self._wall0 = time.process_time(), time.perf_counter()
        self._cpu = self._wall = None
        return self

    def __exit__(self, *exc):
        self._cpu, self._wall = time.process_time() - self._cpu0, time.perf_counter() - self._wall0
        return False

    def _check_started(self):
        if self._cpu0 is None:
            raise RuntimeError("CpuTimer: use it in a `with` block first")

    @property
    def cpu(self):
        self._check_started()
        return self._cpu if self._cpu is not None else time.process_time() - self._cpu0

    @property
    def wall(self):
        self._check_started()
        return self._wall if self._wall is not None else time.perf_counter() - self._wall0


class EpochTimer(keras.callbacks.Callback):
    """CPU and wall seconds of each epoch's training steps, in ``cpu_seconds`` and ``wall_seconds`` (lists).

    An epoch is timed from its start to the end of its last training batch, so what runs after it (validation,
    ``on_epoch_end`` of every callback: evaluation, checkpoints, snapshots) is not counted, whatever the order
    of the callbacks. ``total_cpu`` and ``total_wall`` sum the epochs.
    """

    def __init__(self):
        super().__init__()
        self.cpu_seconds, self.wall_seconds = [], []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = self._last = (time.process_time(), time.perf_counter())

    def on_train_batch_end(self, batch, logs=None):
        self._last = (time.process_time(), time.perf_counter())

    def on_epoch_end(self, epoch, logs=None):
        self.cpu_seconds.append(self._last[0] - self._start[0])
        self.wall_seconds.append(self._last[1] - self._start[1])

    @property
    def total_cpu(self):
        return float(sum(self.cpu_seconds))

    @property
    def total_wall(self):
        return float(sum(self.wall_seconds))


class EvaluateEvery(keras.callbacks.Callback):
    """Call ``fn(model)`` at the end of every ``every``-th epoch (and of the last one, if ``last=True``) and keep
    what it returns in ``records``, a list of ``(epoch, value)`` with epochs counted from 1.

    Use it for metrics that cost too much for every step (FD of samples, a test-set bound). Its own CPU time is
    kept in ``cpu_seconds`` and, being spent in ``on_epoch_end``, is not counted by ``EpochTimer``.
    """

    def __init__(self, fn, every=1, *, last=True):
        super().__init__()
        if not callable(fn):
            raise TypeError(f"fn must be a function fn(model), got {type(fn).__name__}")
        self.fn = fn
        self.every = check_param("every", every, kind=int, low=1)
        self.last = check_param("last", last, kind=bool)
        self.records, self.cpu_seconds = [], 0.0

    def on_train_begin(self, logs=None):
        self._epochs = self.params.get("epochs") if self.params else None

    def on_epoch_end(self, epoch, logs=None):
        is_last = self.last and self._epochs is not None and epoch + 1 == self._epochs
        if (epoch + 1) % self.every and not is_last:
            return
        start = time.process_time()
        self.records.append((epoch + 1, self.fn(self.model)))
        self.cpu_seconds += time.process_time() - start


def write_atomically(path, write, *, binary=False):
    """Write a file so that a crash leaves the old version or the new one, never half a file: ``write(f)`` fills a
    temporary file in the same folder (opened in ``"wb"`` mode if ``binary``, else ``"w"``, UTF-8), which then
    replaces ``path`` (``os.replace`` is atomic within one file system). If ``write`` raises, the temporary file is
    removed and ``path`` is left as it was. Use it for the side files of a checkpointed run (records, snapshots)::

        utils.training.write_atomically(folder / "records.json", lambda f: json.dump(records, f))
        utils.training.write_atomically(folder / "snapshots.npz", lambda f: np.savez(f, images=images), binary=True)
    """
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a str or pathlib.Path, got {type(path).__name__}")
    if not callable(write):
        raise TypeError(f"write must be a function write(file), got {type(write).__name__}")
    check_param("binary", binary, kind=bool)
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8"})) as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
