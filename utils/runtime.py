"""Reproducibility and the machine: seeding, op determinism, versions and devices."""

from __future__ import annotations

import contextlib
import os
import platform
import sys
import tempfile

from utils.validation import check_param

_startup_log = ""


@contextlib.contextmanager
def _capture_fd2():
    """Send what is written to file descriptor 2 to a temporary file while the block runs.

    TensorFlow's C++ start-up messages ("could not find CUDA drivers", oneDNN notes) go straight to fd 2
    before any log level applies, and Jupyter copies fd 2 into cell outputs. We keep them for
    ``tensorflow_startup_log()`` instead of printing them into every notebook.
    """
    global _startup_log
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            _startup_log += sink.read().decode(errors="replace")


def import_tensorflow():
    """Import TensorFlow once, with its start-up chatter captured; return the module."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # C++ logs: errors surface as Python exceptions anyway
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    try:
        with _capture_fd2():
            import tensorflow as tf

            tf.config.list_physical_devices()  # the device scan writes its own messages
    except Exception:
        print(_startup_log, file=sys.stderr)  # a failed import must show everything it said
        raise
    return tf


def tensorflow_startup_log() -> str:
    """What TensorFlow wrote to stderr while it started (useful when a GPU is not found)."""
    return _startup_log


def set_seed(seed, deterministic=True):
    """Seed Python, NumPy and TensorFlow/Keras with one number, and turn on TensorFlow op determinism.

    Determinism makes re-runs on the same machine give the same numbers; it can cost speed on a GPU and
    makes the few ops that have no deterministic kernel raise an error instead of varying silently.
    """
    check_param("seed", seed, kind=int, low=0, high=2**32 - 1)
    check_param("deterministic", deterministic, kind=bool)
    tf = import_tensorflow()
    import keras

    keras.utils.set_random_seed(seed)
    # Keras 3.12 keeps one global generator for unseeded `keras.random` calls and set_random_seed does not
    # reset it; dropping it makes the next unseeded call start a new stream from the seed just set.
    from keras.src.backend.common import global_state

    global_state.set_global_attribute("global_seed_generator", None)
    if deterministic:
        tf.config.experimental.enable_op_determinism()
    return seed


def device_report() -> dict:
    """Versions of the course's main packages and the devices TensorFlow can use."""
    tf = import_tensorflow()
    import keras
    import matplotlib
    import numpy

    gpus = tf.config.list_physical_devices("GPU")
    return {
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "cpu_cores": os.cpu_count(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "keras_backend": keras.backend.backend(),
        "numpy": numpy.__version__,
        "matplotlib": matplotlib.__version__,
        "built_with_cuda": tf.test.is_built_with_cuda(),
        "gpus": [gpu.name for gpu in gpus],
    }
