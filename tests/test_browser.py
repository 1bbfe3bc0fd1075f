"""The learner's path in a real browser: JupyterLab started by the README's command, driven by Playwright.

Debian's Chromium is used (no browser download). Outside CI the test is skipped when Chromium is missing;
in CI (.ci/run installs it) a missing browser fails the run. The test checks that opening a notebook does not
mark it modified, that running 00 in the browser gives no error output and leaves the committed notebook,
figures and results untouched (autosave is off: the server gets its own settings folder), and that the
student edition opens at its first exercise, whose stub and check give their messages.
"""

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TOKEN = "course-browser-test"

if not CHROMIUM and not os.environ.get("CI"):
    pytest.skip("Chromium is not installed (apt-get install chromium); CI installs it", allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api")


def digest(folder: Path) -> dict:
    return {p.relative_to(ROOT).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def committed_state():
    state = digest(ROOT / "figures") | digest(ROOT / "results")
    state |= {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (ROOT / "notebooks").glob("*.ipynb")}
    return state


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab started with `make lab` (the README's command), autosave off, on a free local port."""
    assert CHROMIUM, "Chromium is missing: .ci/run installs it with apt-get install chromium"
    settings = tmp_path_factory.mktemp("lab-settings")
    plugin = settings / "@jupyterlab" / "docmanager-extension"
    plugin.mkdir(parents=True)
    (plugin / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))
    news = settings / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)
    (news / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    workspaces = tmp_path_factory.mktemp("lab-workspaces")  # no tabs restored from an earlier session
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(settings), JUPYTERLAB_WORKSPACES_DIR=str(workspaces),
               COURSE_OUTPUT_DIR="")
    env.pop("COURSE_OUTPUT_DIR")  # a learner's run: outputs go to build/scratch
    args = f"--no-browser --ip=127.0.0.1 --port={port} --IdentityProvider.token={TOKEN} --ServerApp.port_retries=0"
    server = subprocess.Popen(["make", "lab", f"ARGS={args}"], cwd=ROOT, env=env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            time.sleep(1)
    else:
        os.killpg(server.pid, signal.SIGTERM)
        pytest.fail("JupyterLab did not answer within 120 s")
    yield base
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def open_notebook(browser, base, path):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    workspace = Path(path).stem  # one workspace per notebook: only its own tab is open
    page.goto(f"{base}/lab/workspaces/{workspace}/tree/{path}?reset&token={TOKEN}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", state="attached", timeout=90_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle'] >> visible=true", timeout=90_000)
    return page


STDERR = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
PROMPTS = ".jp-CodeCell .jp-InputPrompt"
INDICATOR = ".jp-Notebook-ExecutionIndicator"


def busy(page):
    return page.locator(f"{INDICATOR}[data-status='busy']").count() > 0


def running(page):
    """True while the kernel runs or has cells queued (JupyterLab marks every queued cell [*])."""
    return busy(page) or any("[*]" in text for text in page.locator(PROMPTS).all_inner_texts())


def page_state(page, name):
    """What the page shows, for a failure message; a screenshot goes to build/."""
    page.screenshot(path=str(ROOT / "build" / f"browser_failure_{name}.png"))
    prompts = page.locator(PROMPTS).all_inner_texts()
    status = page.locator(INDICATOR).first.get_attribute("data-status") if page.locator(INDICATOR).count() else None
    dialogs = page.locator(".jp-Dialog").all_inner_texts()
    return (f"indicator {status!r}, {sum('[*]' in p for p in prompts)} of {len(prompts)} cells queued or running, "
            f"{page.locator(STDERR).count()} stderr outputs, dialogs {dialogs}; screenshot "
            f"build/browser_failure_{name}.png")


def run_all(page, done, name, timeout_s=300):
    """Run All Cells from the Run menu, then wait until `done(page)`. A click that starts nothing (no cell queued
    and the kernel never busy within 45 s, as can happen on a loaded machine) is repeated, at most twice."""
    clicks, started, last_click, deadline = 0, False, 0.0, time.monotonic() + timeout_s
    while True:
        if clicks == 0 or (not started and clicks < 3 and time.monotonic() > last_click + 45):
            page.get_by_role("menuitem", name="Run", exact=True).click()  # the menu bar's Run menu
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
            clicks, last_click = clicks + 1, time.monotonic()
        started = started or running(page)
        if started and done(page):
            return
        if time.monotonic() > deadline:
            pytest.fail(f"{name}: not done {timeout_s} s after Run All ({clicks} clicks, started: {started}): "
                        f"{page_state(page, name)}")
        page.wait_for_timeout(500)


def error_outputs(page):
    return page.locator(STDERR).all_inner_texts()


def test_00_runs_in_the_browser_without_errors_and_touches_no_committed_file(lab, browser):
    before = committed_state()
    page = open_notebook(browser, lab, "notebooks/00_start_here.ipynb")
    page.wait_for_timeout(3000)  # let the kernel's first reply arrive: a mismatch there would mark the file modified
    dirty = page.locator(".lm-TabBar-tab.jp-mod-dirty").all_inner_texts()
    assert not dirty, f"opening the notebook marked it modified: {dirty}"
    run_all(page, lambda page: not running(page), "00_start_here")
    errors = [e for e in error_outputs(page) if "Traceback" in e or "Error" in e]
    assert not errors, f"error output in 00: {errors[0][:500]}"
    counts = page.locator(PROMPTS).all_inner_texts()
    assert counts and all("[*]" not in c and "[ ]" not in c for c in counts), "not every cell ran"
    page.screenshot(path=str(ROOT / "build" / "browser_00_start_here.png"), full_page=False)
    page.close()
    assert committed_state() == before, "running a notebook in JupyterLab changed committed files"


def test_student_edition_opens_at_its_first_exercise(lab, browser):
    subprocess.run(["make", "student"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    student = sorted((ROOT / "build" / "student").glob("*.ipynb"))
    first = next(p for p in student if "YOUR CODE HERE" in p.read_text() and "utils.checks.check(" in p.read_text())
    page = open_notebook(browser, lab, f"build/student/{first.name}")
    # Run All stops at the first stub: it raises NotImplementedError with the exercise's hint.
    run_all(page, lambda page: page.locator(STDERR).count() > 0 and not busy(page), "student_edition")
    errors = error_outputs(page)
    assert errors and "NotImplementedError" in errors[0] and "Exercise" in errors[0], errors[:1]
    stub = page.locator(".jp-CodeCell", has_text="YOUR CODE HERE").first
    stub.scroll_into_view_if_needed()
    page.screenshot(path=str(ROOT / "build" / "browser_student_first_exercise.png"))
    check = page.locator(".jp-CodeCell", has_text="utils.checks.check(").first
    check.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    page.wait_for_timeout(1000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle'] >> visible=true", timeout=60_000)
    feedback = check.locator(".jp-OutputArea-output").all_inner_texts()
    assert any("not defined yet" in text for text in feedback), feedback
    page.close()
