"""Notebook files as the course commits them: in the form JupyterLab itself writes, and written atomically.

JupyterLab saves through ``nbformat.write`` (one-space indent, sorted keys, a final newline) and names the
kernel "Python 3 (ipykernel)"; a notebook committed in any other form is marked modified the moment a learner
opens it, and autosave rewrites it. Every tool that writes a course notebook goes through ``write_notebook``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import nbformat

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def jupyterlab_form(nb):
    """``nb`` with the kernelspec JupyterLab writes (changed in place and returned)."""
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    return nb


def notebook_text(nb) -> str:
    """The exact text JupyterLab would save for ``nb``."""
    text = nbformat.writes(jupyterlab_form(nb), version=nbformat.NO_CONVERT)
    return text if text.endswith("\n") else text + "\n"


def write_notebook(nb, path) -> None:
    """Write ``nb`` to ``path`` in JupyterLab's form; a crash never leaves half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(notebook_text(nb))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
