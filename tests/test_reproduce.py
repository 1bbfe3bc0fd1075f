"""Only a successful reproduce run replaces the committed notebook, figures and results, and only its own."""

import json
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import reproduce  # noqa: E402

import utils.results  # noqa: E402

GOOD = '''import utils
import matplotlib.pyplot as plt
results = utils.Results("97_demo")
results.record("answer", 42)
plt.plot([0, 1])
utils.save_figure(plt.gcf(), "97_demo_plot")
'''


@pytest.fixture
def committed(tmp_path, monkeypatch):
    """A fake repository: committed figures/results and a notebook folder, wired into reproduce."""
    figures, results = tmp_path / "figures", tmp_path / "results" / "results.json"
    figures.mkdir()
    results.parent.mkdir()
    (figures / "97_demo_old.png").write_bytes(b"old figure")
    (figures / "01_other.png").write_bytes(b"another notebook's figure")
    results.write_text(json.dumps({"97_demo": {"params": {}, "values": {"answer": {"value": 1}}},
                                   "01_other": {"params": {}, "values": {}}}))
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for module in (reproduce,):
        monkeypatch.setattr(module, "COMMITTED_FIGURES", figures)
        monkeypatch.setattr(module, "COMMITTED_RESULTS", results)
        monkeypatch.setattr(module, "NOTEBOOK_DIR", notebooks)
        monkeypatch.setattr(module, "ROOT", tmp_path)
    monkeypatch.setattr(utils.results, "COMMITTED_RESULTS", results)
    (tmp_path / "build").mkdir()
    monkeypatch.chdir(notebooks)
    return tmp_path


def make_notebook(folder, source):
    path = folder / "notebooks" / "97_demo.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path, path.read_bytes()


def test_a_failed_run_leaves_every_committed_file_as_it_was(committed):
    path, before = make_notebook(committed, GOOD + "raise RuntimeError('interrupted')\n")
    snapshot = {p: p.read_bytes() for p in committed.rglob("*") if p.is_file()}
    stage = committed / "build" / "reproduce" / "97_demo"
    with pytest.raises(reproduce.papermill.PapermillExecutionError):
        reproduce.execute(path, stage, {})
    for p, content in snapshot.items():
        assert p.read_bytes() == content, f"{p} changed"
    assert path.read_bytes() == before


def test_a_successful_run_replaces_only_its_own_outputs(committed):
    path, _ = make_notebook(committed, GOOD)
    stage = committed / "build" / "reproduce" / "97_demo"
    reproduce.execute(path, stage, {})
    reproduce.promote(path, stage)
    results = json.loads((committed / "results" / "results.json").read_text())
    assert results["97_demo"]["values"]["answer"]["value"] == 42 and "01_other" in results
    assert sorted(p.name for p in (committed / "figures").iterdir()) == ["01_other.png", "97_demo_plot.png"]
    text = path.read_text()
    assert '"display_name": "Python 3 (ipykernel)"' in text and text.endswith("}\n")
    assert str(committed) not in text, "no machine path in the committed notebook"


def test_the_run_time_section_states_the_run_it_sits_in(committed):
    path, _ = make_notebook(committed, GOOD)
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(
        "# Demo\n\n## Run time\nMeasured on the course's CPU: 373.4 CPU-seconds and 12 s of wall time; FAST: "
        "19.9 CPU-seconds.\n\n## 1. Next\n99.9 CPU-seconds elsewhere"))
    nbformat.write(nb, path)
    stage = committed / "build" / "reproduce" / "97_demo"
    reproduce.execute(path, stage, {})
    staged = stage / "results" / "results.json"
    utils.results.record_value("97_demo", "cpu_time", 8.26, unit="s", path=staged)
    utils.results.record_value("97_demo", "wall_time", 30.4, unit="s", path=staged)
    reproduce.promote(path, stage)
    text = nbformat.read(path, as_version=4).cells[0].source
    assert "8.3 CPU-seconds and 30 s of wall time; FAST: 19.9 CPU-seconds" in text, text
    assert "99.9 CPU-seconds elsewhere" in text, "only the Run time section is touched"
