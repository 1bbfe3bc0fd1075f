import numpy as np
import pytest

import utils


def test_same_seed_same_weights_and_noise():
    import keras

    def draw():
        utils.set_seed(123)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
        legacy = np.random.rand(3)  # noqa: NPY002 (the legacy global RNG is seeded too)
        return model.get_weights()[0], legacy, keras.random.normal((2,)).numpy()

    first, second = draw(), draw()
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    utils.set_seed(124)
    assert not np.array_equal(first[1], np.random.rand(3))  # noqa: NPY002


@pytest.mark.parametrize(("seed", "error"), [(-1, ValueError), (2**32, ValueError), (1.0, TypeError)])
def test_bad_seed(seed, error):
    with pytest.raises(error, match="seed"):
        utils.set_seed(seed)


def test_device_report_lists_versions_and_devices():
    report = utils.device_report()
    assert report["keras_backend"] == "tensorflow"
    assert report["keras"].startswith("3.")
    assert isinstance(report["gpus"], list)


def test_startup_log_is_kept_not_printed():
    assert isinstance(utils.tensorflow_startup_log(), str)
