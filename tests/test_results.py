import json

import pytest

import utils
from utils.paths import OUTPUT_DIR_ENV


@pytest.fixture
def out(tmp_path, monkeypatch):
    monkeypatch.setenv(OUTPUT_DIR_ENV, str(tmp_path))
    return tmp_path


def test_record_writes_and_reopening_clears_the_section(out):
    results = utils.Results("10_dense_autoencoder", {"FAST": False, "SEED": 0})
    assert results.record("test_mse", 0.0123, unit="", description="test MSE") is None  # no stray cell output
    results.record("epochs", 3)
    other = utils.Results("11_convolutional_autoencoder")
    other.record("test_mse", 0.01)
    stored = json.loads((out / "results" / "results.json").read_text())
    assert stored["10_dense_autoencoder"]["values"]["test_mse"]["value"] == 0.0123
    assert stored["10_dense_autoencoder"]["params"] == {"FAST": False, "SEED": 0}
    assert isinstance(stored["10_dense_autoencoder"]["values"]["epochs"]["value"], int)
    utils.Results("10_dense_autoencoder")  # a re-run starts its section afresh
    stored = utils.load_results(out / "results" / "results.json")
    assert stored["10_dense_autoencoder"]["values"] == {}
    assert "test_mse" in stored["11_convolutional_autoencoder"]["values"]


def test_table_lists_every_value(out):
    results = utils.Results("00_start_here")
    results.record("mnist_train_images", 60000, description="images")
    results.record("load_time", 0.25, unit="s")
    table = utils.results_table(utils.load_results(str(out / "results" / "results.json")))
    assert "| 00_start_here | mnist_train_images | 60,000 |  | images |" in table
    assert "| 00_start_here | load_time | 0.25 | s |" in table


@pytest.mark.parametrize(
    ("name", "value", "error", "message"),
    [
        ("Test MSE", 1.0, ValueError, "lower_snake_case"),
        ("mse", float("inf"), ValueError, "finite"),
        ("mse", "0.1", TypeError, "real number"),
        ("mse", True, TypeError, "real number"),
    ],
)
def test_record_rejects_bad_values(out, name, value, error, message):
    with pytest.raises(error, match=message):
        utils.Results("00_start_here").record(name, value)


def test_bad_notebook_name_and_params(out):
    with pytest.raises(ValueError, match="01_background"):
        utils.Results("Background")
    with pytest.raises(TypeError, match="parameter X"):
        utils.Results("01_background", {"X": [1, 2]})


def test_corrupted_results_file_is_reported(out):
    (out / "results").mkdir()
    (out / "results" / "results.json").write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        utils.load_results(out / "results" / "results.json")


def test_load_results_names_a_missing_or_mistyped_path(out):
    with pytest.raises(FileNotFoundError, match="path"):
        utils.load_results(out / "nothing.json")
    with pytest.raises(TypeError, match="path"):
        utils.load_results(42)


def test_nan_parameter_is_refused_not_written_as_invalid_json(out):
    with pytest.raises(ValueError, match="parameter lr must be finite"):
        utils.Results("01_background", {"lr": float("nan")})


def test_runs_write_to_scratch_never_to_the_committed_results(monkeypatch):
    from utils import paths

    monkeypatch.delenv(OUTPUT_DIR_ENV, raising=False)
    assert paths.results_path().parent.parent == paths.SCRATCH_DIR
    assert paths.figures_dir() == paths.SCRATCH_DIR / "figures"
    monkeypatch.setenv(OUTPUT_DIR_ENV, str(paths.REPO_ROOT))
    with pytest.raises(ValueError, match="only make reproduce"):
        paths.output_dir()


def test_record_value_needs_an_open_section(out):
    from utils.results import record_value

    with pytest.raises(KeyError, match="Results"):
        record_value("05_article_code_review", "x", 1.0)
    utils.Results("05_article_code_review")
    record_value("05_article_code_review", "wall_time", 12.5, unit="s")
    assert utils.load_results(out / "results" / "results.json")["05_article_code_review"]["values"]["wall_time"][
        "value"] == 12.5
