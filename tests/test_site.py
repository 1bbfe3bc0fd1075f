"""The course website: `make site` builds it from the committed notebooks (never executed) with warnings as
errors, and a browser opens it with every request outside the local server refused.

The build checks: every notebook is a page with its committed image outputs, every solution cell is folded,
a broken link fails the build, and the one repository setting (COURSE_REPOSITORY_URL) adds Colab, Binder and
source links only when it is set. The browser checks (Debian's Chromium driven by Playwright, as in
tests/test_browser.py): the landing page's images and the GAN chapter's GIF load, a notebook page's math is
typeset by the MathJax copy served with the site, and screenshots are saved under build/.
"""

import html
import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "build" / "site"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXAMPLE_URL = "https://github.com/example-owner/aegan-course"

spec = importlib.util.spec_from_file_location("site_build", ROOT / "site" / "build.py")
site_build = importlib.util.module_from_spec(spec)
spec.loader.exec_module(site_build)


def cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


@pytest.fixture(scope="module")
def built():
    """The site as the README builds it: `make site`, timed in CPU seconds of the build process."""
    start = os.times()
    result = subprocess.run(["make", "site"], cwd=ROOT, capture_output=True, text=True)
    end = os.times()
    assert result.returncode == 0, f"make site failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    cpu = (end.children_user - start.children_user) + (end.children_system - start.children_system)
    print(f"make site: {cpu:.1f} CPU s, {end.elapsed - start.elapsed:.1f} s wall")
    return SITE


def page(path):
    return (SITE / path).read_text(encoding="utf-8")


def test_every_notebook_is_a_page_with_its_committed_image_outputs(built):
    for notebook in NOTEBOOKS:
        text = page(f"notebooks/{notebook.stem}.html")
        images = sum(
            "image/png" in output.get("data", {})
            for cell in cells(notebook)
            if cell["cell_type"] == "code"
            for output in cell.get("outputs", [])
        )
        assert text.count('<img alt="../_images/') == images, f"{notebook.name}: {images} image outputs committed"
        assert (built / "_sources" / "notebooks" / notebook.name).is_file(), "the notebook download is missing"


def test_every_solution_is_folded(built):
    for notebook in NOTEBOOKS:
        solutions = [cell for cell in cells(notebook) if "solution" in cell.get("metadata", {}).get("tags", [])]
        text = page(f"notebooks/{notebook.stem}.html")
        folded = re.findall(
            r'<details class="admonition hide above-input">\s*<summary[^>]*>\s*'
            r'<p class="collapsed admonition-title">Show solution</p>',
            text,
        )
        assert len(folded) == len(solutions), f"{notebook.name}: {len(solutions)} solution cells, {len(folded)} folded"


def test_landing_page_is_the_course_map_with_every_chapter(built):
    text = page("index.html")
    for notebook in NOTEBOOKS:
        assert f'href="notebooks/{notebook.stem}.html' in text, f"the course map does not link {notebook.name}"
    for chapter in ["background", "autoencoders", "gans", "bridges", "README", "INSTRUCTORS", "results/RESULTS"]:
        assert f'href="{chapter}.html"' in text, f"no link to {chapter}"
    assert "colab" not in text.lower() and "binder" not in text.lower(), "launch links without a repository URL"


def test_a_broken_link_fails_the_build(tmp_path):
    src, out = tmp_path / "src", tmp_path / "site"
    site_build.stage(src)
    with open(src / "background.md", "a", encoding="utf-8") as f:
        f.write("\nSee [a notebook that does not exist](notebooks/99_missing.ipynb).\n")
    assert site_build.sphinx(src, out, quiet=True) != 0


def test_repository_url_adds_colab_binder_and_source_links(tmp_path):
    env = dict(os.environ, COURSE_REPOSITORY_URL=EXAMPLE_URL)
    result = subprocess.run(
        [sys.executable, "site/build.py", "--out", str(tmp_path / "site")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    name = NOTEBOOKS[0].stem
    text = html.unescape((tmp_path / "site" / "notebooks" / f"{name}.html").read_text(encoding="utf-8"))
    assert f"colab.research.google.com/github/example-owner/aegan-course/blob/main/notebooks/{name}.ipynb" in text
    assert "mybinder.org/v2/gh/example-owner/aegan-course/main?urlpath=lab/tree/notebooks/" in text
    assert f"{EXAMPLE_URL}/blob/main/notebooks/{name}.ipynb" in text
    chapter = html.unescape((tmp_path / "site" / "gans.html").read_text(encoding="utf-8"))
    assert f"{EXAMPLE_URL}/blob/main/site/gans.md" in chapter, "a chapter page's source link must point into site/"
    readme = (tmp_path / "site" / "README.html").read_text(encoding="utf-8")
    assert f'href="{EXAMPLE_URL}/tree/main/figures"' in readme, "repository-only paths link to the repository"


# The browser: the built site served on a local port, every other request refused and recorded.
if not CHROMIUM and not os.environ.get("CI"):
    pytest.skip("Chromium is not installed (apt-get install chromium); CI installs it", allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def served(built):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(built)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(50):
        try:
            urllib.request.urlopen(f"{base}/index.html", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    yield base
    server.terminate()
    server.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM, "Chromium is missing: .ci/run installs it with apt-get install chromium"
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def open_page(browser, base, path):
    """A page loaded with every request outside the local server refused; returns it and the refused URLs."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    outside = []

    def only_local(route):
        if route.request.url.startswith(base) or route.request.url.startswith(("data:", "about:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.goto(f"{base}/{path}", wait_until="load")
    return page, outside


def broken_images(page):
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # lazy images load
    page.wait_for_function("Array.from(document.images).every(i => i.complete)", timeout=30_000)
    return page.evaluate("Array.from(document.images).filter(i => !i.naturalWidth).map(i => i.src)")


def test_landing_page_and_gif_load_offline(served, browser):
    page, outside = open_page(browser, served, "index.html")
    assert page.locator("h1").first.inner_text().startswith("Autoencoders and GANs")
    assert page.locator("img").count() >= 2 and not broken_images(page)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ROOT / "build" / "site_index.png"))
    page.close()
    page, more = open_page(browser, served, "gans.html")
    assert page.locator("img[src$='.gif']").count() == 1 and not broken_images(page)
    page.close()
    assert not outside + more, f"the site asked for resources outside the local server: {outside + more}"


def test_notebook_page_math_is_typeset_offline_and_images_load(served, browser):
    # the notebook page with the most math, so the test keeps working while notebooks are rewritten
    name = max(NOTEBOOKS, key=lambda p: page(f"notebooks/{p.stem}.html").count('class="math')).stem
    tab, outside = open_page(browser, served, f"notebooks/{name}.html")
    tab.wait_for_function(
        "window.MathJax && MathJax.Hub && MathJax.Hub.queue && !MathJax.Hub.queue.pending"
        " && !MathJax.Hub.queue.running && document.querySelector('.MathJax')",
        timeout=60_000,
    )
    sources = tab.locator("script[type^='math/tex']").count()
    typeset = tab.locator(".MathJax, .MathJax_Display").count()
    assert sources > 10 and typeset >= sources, f"{sources} formulas, {typeset} typeset"
    assert tab.locator(".MathJax_Error, merror").count() == 0
    assert "\\(" not in tab.locator("article").inner_text(), "raw TeX left on the page"
    assert not broken_images(tab)
    formula = tab.locator(".MathJax_Display").first
    formula.scroll_into_view_if_needed()
    tab.screenshot(path=str(ROOT / "build" / f"site_{name}.png"))
    solution = tab.locator("details.hide:not([open])").first
    assert solution.count() == 1 and not solution.locator(".cell_input, p:not(.admonition-title)").first.is_visible()
    tab.close()
    assert not outside, f"the page asked for resources outside the local server: {outside}"
