"""Measured numbers quoted in a notebook's Markdown must be numbers its cells produced.

    python tools/prose_numbers.py notebooks/03_gan_theory.ipynb ...   list the unsupported numbers

A number in prose that looks measured (it has decimals, or a unit: %, ×, s, min, nats, dB, bits, CPU-s) is
supported when it equals, at the precision written, a number in the notebook's cell outputs, in its code (an
input such as a parameter), or in the notebook's own section of the committed ``results/results.json`` or
``results/fast_times.json`` (not another notebook's: a number quoted from elsewhere is printed by a cell).
Literature numbers are exempt when their sentence cites the source (an author and a year, e.g. "Burda et
al. (2016)") or is marked "(paper)".
Math ($...$), code spans, links and the References section are not prose. The test suite runs this on every
notebook, so prose cannot drift from the outputs it describes.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "results" / "results.json"
FAST_TIMES = ROOT / "results" / "fast_times.json"

NUMBER = r"[-−]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-−]?\d+(?:\.\d+)?"
UNIT = r"±|%|×|x\b|CPU-s\b|CPU-seconds\b|s\b|min\b|nats?\b|dB\b|bits?\b|ms\b"
MEASURED = re.compile(rf"(?<![\w.])({NUMBER})(?:\s?({UNIT}))?(?![\w.]*\d)")
CITATION = re.compile(r"(?:et al\.?|[A-Z][a-z]+)[ ,]*\(?(?:19|20)\d\d[a-z]?\)?|\(paper\)")
SECTION_LIST = r"\d+(?:\.\d+)*(?:(?:,\s*|\s+and\s+|\s+or\s+|\s*[–-]\s*)\d+(?:\.\d+)*)*"  # "2.1, 2.3 and 2.6"
STRIP = [re.compile(r"^#+ .*$", re.M)] + [re.compile(p, re.S | re.M) for p in (  # headings: one line each
    r"```.*?```", r"\$\$.*?\$\$", r"\$[^$\n]+\$", r"`[^`\n]+`", r"\]\([^)]*\)", r"<!--.*?-->", r"<[^>]+>",
    r"https?://\S+",  # headings (above) carry section numbers
    r"§\s?[\d.–-]+", r"\b[Ss]ections?\s+" + SECTION_LIST,  # cross-references
    r"(?:Python|TensorFlow|Keras|NumPy|version)\s+\d+(?:\.\d+)+\+?",  # cross-references, versions
)]
ABBREVIATIONS = re.compile(r"\b(et al|e\.g|i\.e|vs|cf|Eq|Fig|Sec)\.")
SOURCE_NUMBER = re.compile(r"(?<![\w.])[-−]?(?:\d+(?:,\d{3})*)(?:\.\d+)?(?:[eE][-+]?\d+)?")


def _value(token: str) -> float:
    return float(token.replace(",", "").replace("−", "-"))


def prose_numbers(markdown: str):
    """(sentence, token, value, decimals, unit) of every measured-looking number in ``markdown``."""
    text = markdown
    for pattern in STRIP:
        text = pattern.sub(" ", text)
    text = ABBREVIATIONS.sub(r"\1", text)  # so "Burda et al. (2016)" stays one sentence
    found = []
    for sentence in re.split(r"(?<=[.!?;:])\s+|\n\s*[-*]\s|\n\n", text):
        if CITATION.search(sentence):
            continue
        for m in MEASURED.finditer(sentence):
            token, unit = m.group(1), m.group(2) or ""
            decimals = len(token.split(".")[1]) if "." in token else 0
            if not decimals and not unit:
                continue  # a plain integer: a count, a size, a section number
            if not decimals and unit in ("x",):
                continue  # "2x2", "28x28"
            found.append((sentence.strip(), token + (" " + unit if unit else ""), _value(token), decimals, unit))
    return found


def _numbers_in(text: str) -> list[float]:
    out = []
    for token in SOURCE_NUMBER.findall(text):
        try:
            out.append(_value(token))
        except ValueError:
            pass
    return out


def _json_numbers(obj):
    if isinstance(obj, bool):
        return
    if isinstance(obj, (int, float)):
        yield float(obj)
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _json_numbers(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _json_numbers(v)


def supported_numbers(nb, results: dict) -> set[float]:
    """Every number the notebook's cells printed or used, and every recorded result."""
    numbers = set(_json_numbers(results))
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        numbers.update(_numbers_in(cell.source))
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                numbers.update(_numbers_in(output.text))
            elif output.output_type in ("execute_result", "display_data"):
                for mime in ("text/plain", "text/markdown", "text/html"):
                    if mime in output.get("data", {}):
                        numbers.update(_numbers_in(output.data[mime]))
    return numbers


def _matches(value, decimals, unit, candidates) -> bool:
    tol = 0.5 * 10 ** -decimals + 1e-9
    scales = [1.0]
    if unit == "%":
        scales.append(100.0)  # a fraction printed as 0.61 quoted as 61 %
    if unit == "min":
        scales.append(1 / 60)  # seconds quoted in minutes
    return any(abs(abs(c) * s - abs(value)) <= tol for c in candidates for s in scales)


def unsupported(path) -> list[tuple[str, str]]:
    """(number, sentence) pairs of ``path``'s prose that no output, code or recorded result supports."""
    nb = nbformat.read(path, as_version=4)
    name = Path(path).stem
    results = {"results": json.loads(RESULTS.read_text()).get(name, {}) if RESULTS.exists() else {}}
    if FAST_TIMES.exists():  # FAST-mode times quoted in Run time sections
        results["fast_time"] = json.loads(FAST_TIMES.read_text()).get(name)
    candidates = supported_numbers(nb, results)
    problems = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        source = re.split(r"^##\s+References", cell.source, flags=re.M)[0]
        for sentence, token, value, decimals, unit in prose_numbers(source):
            if not _matches(value, decimals, unit, candidates):
                problems.append((token, sentence[:160]))
        if re.search(r"^##\s+References", cell.source, flags=re.M):
            break
    return problems


def main(paths) -> int:
    total = 0
    for path in paths:
        problems = unsupported(path)
        total += len(problems)
        for token, sentence in problems:
            print(f"{Path(path).name}: {token!r} in: {sentence}")
    print(f"{total} unsupported number(s) in {len(paths)} notebook(s)")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
