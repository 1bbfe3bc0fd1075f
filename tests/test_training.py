import time

import keras
import numpy as np
import pytest

from utils.training import CpuTimer, EpochTimer, EvaluateEvery


def test_cpu_timer_measures_cpu_not_sleep():
    with CpuTimer() as timer:
        sum(i * i for i in range(300_000))
        time.sleep(0.2)
    assert timer.wall >= 0.2
    assert 0 < timer.cpu < timer.wall - 0.15  # sleeping costs wall time, not CPU time
    frozen = timer.cpu
    assert timer.cpu == frozen  # fixed once the block ends
    with pytest.raises(RuntimeError, match="with"):
        _ = CpuTimer().cpu


def _model():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_epoch_timer_leaves_out_the_evaluation():
    x, y = np.zeros((64, 4), "float32"), np.zeros((64, 1), "float32")

    def slow_metric(model):
        start = time.process_time()
        while time.process_time() - start < 0.3:  # 0.3 CPU-s of work at every evaluation
            pass
        return 1.0

    evaluate, timer = EvaluateEvery(slow_metric, every=2), EpochTimer()
    _model().fit(x, y, epochs=3, batch_size=16, verbose=0, callbacks=[evaluate, timer])  # evaluation first
    assert len(timer.cpu_seconds) == len(timer.wall_seconds) == 3
    assert max(timer.cpu_seconds) < 0.25  # 4 tiny steps; the 0.3 CPU-s evaluations are not counted
    assert [epoch for epoch, _ in evaluate.records] == [2, 3]  # every 2nd epoch, and the last
    assert evaluate.cpu_seconds >= 0.6
    assert timer.total_cpu == pytest.approx(sum(timer.cpu_seconds))


def test_evaluate_every_checks_its_arguments():
    with pytest.raises(TypeError, match="fn"):
        EvaluateEvery("fd")
    with pytest.raises(ValueError, match="every"):
        EvaluateEvery(len, every=0)
