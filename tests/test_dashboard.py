"""The live dashboard, driven in headless Chromium: moving a control changes the numbers.

Needs Debian's chromium and chromium-driver (.ci/run installs them); skipped elsewhere.
Set REGIESIM_SCREENSHOT=path to keep a screenshot of the page.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
if os.environ.get("CI") == "true" and not (CHROMIUM and DRIVER):
    raise RuntimeError("CI must have chromium and chromium-driver (.ci/run installs them)")
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER),
                                reason="needs chromium and chromium-driver")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server():
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", "dashboard", "--port", str(port), "--reps", "6",
         "--workers", "2", "--set", "run.horizon_weeks=52", "--set", "run.warmup_weeks=8"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url, timeout=1)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode() if proc.stdout else ""
                proc.kill()
                pytest.fail(f"dashboard did not start:\n{out}")
            time.sleep(0.3)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    # the server's worker processes go with it
    deadline = time.monotonic() + 10
    while _serving(port) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = _serving(port)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"worker processes outlived the dashboard: {left}"


def _serving(port: int) -> list[int]:
    """Processes started for the dashboard on ``port`` (workers carry its command line)."""
    mark = f"--port\x00{port}\x00".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if mark in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 "--window-size=1400,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


def _text(driver, ident: str) -> str:
    return driver.find_element("id", ident).text


def _wait(predicate, timeout: float = 90.0) -> None:
    """Wait until ``predicate`` holds; elements still being rendered count as not yet."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException

    deadline = time.monotonic() + timeout
    while True:
        try:
            if predicate():
                return
        except (NoSuchElementException, StaleElementReferenceException):
            pass
        assert time.monotonic() < deadline, "timed out waiting for the dashboard"
        time.sleep(0.25)


def test_moving_a_control_changes_the_numbers(server, browser) -> None:
    browser.get(server)
    _wait(lambda: "6 van 6" in _text(browser, "progress"))
    _wait(lambda: "%" in _text(browser, "value-success_rate"))
    before = _text(browser, "value-success_rate"), _text(browser, "value-weeks_to_decision")
    assert "%" in before[0]
    # choose the directive style: sliders jump to its values and replications rerun
    browser.find_element("css selector", "#style input[value='directive']").click()
    _wait(lambda: "6 van 6" in _text(browser, "progress")
          and (_text(browser, "value-success_rate"), _text(browser, "value-weeks_to_decision"))
          != before)
    after = _text(browser, "value-success_rate"), _text(browser, "value-weeks_to_decision")
    assert after != before
    # the page speaks English on request
    browser.find_element("css selector", "#lang input[value='en']").click()
    _wait(lambda: _text(browser, "label-style") == "Leadership style")
    _wait(lambda: "of 6 replications" in _text(browser, "progress"))
    shot = os.environ.get("REGIESIM_SCREENSHOT")
    png = Path(shot) if shot else None
    data = browser.get_screenshot_as_png()
    assert len(data) > 10_000
    if png is not None:
        png.write_bytes(data)
