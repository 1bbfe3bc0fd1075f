"""The pip route and the conda route install the same pins, and the pins are exact."""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def requirement_lines(path):
    lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
    return [line for line in lines if line]


def test_every_requirement_is_pinned_exactly():
    for line in requirement_lines(ROOT / "requirements.txt"):
        assert re.fullmatch(r"[A-Za-z0-9_.\-]+(\[[a-z\-]+\])?==[0-9][0-9A-Za-z.]*", line), line


def test_gpu_requirements_extend_the_same_pins():
    cpu = dict(line.split("==") for line in requirement_lines(ROOT / "requirements.txt"))
    gpu = requirement_lines(ROOT / "requirements-gpu.txt")
    assert gpu[0] == "-r requirements.txt"
    for line in gpu[1:]:
        name, version = line.split("==")
        assert cpu[name.split("[")[0]] == version


def test_environment_yml_installs_requirements_txt():
    text = (ROOT / "environment.yml").read_text()
    pip_section = text[text.index("- pip:"):]
    assert re.search(r"-\s+-r\s+requirements\.txt", pip_section), "environment.yml must read requirements.txt"
    assert re.search(r"-\s+-e\s+\.", pip_section), "environment.yml must install utils like make venv does"
    deps = text[text.index("dependencies:"):text.index("- pip:")]
    conda_deps = re.findall(r"^\s{2}-\s+([A-Za-z0-9_.\-]+)", deps, re.M)
    assert set(conda_deps) <= {"python", "pip"}, f"conda installs only python and pip, got {conda_deps}"
    python = re.search(r"-\s+python\s*[=>]+\s*(3\.\d+)", text)
    assert python and python.group(1) in {"3.10", "3.11", "3.12"}


def test_python_version_supported():
    assert (3, 10) <= sys.version_info[:2] <= (3, 12)


def test_installed_versions_match_pins():
    from importlib.metadata import version

    for line in requirement_lines(ROOT / "requirements.txt"):
        name, pinned = line.split("==")
        assert version(name) == pinned, f"{name} {version(name)} installed, {pinned} pinned: run make venv"
