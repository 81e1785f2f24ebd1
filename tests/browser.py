"""Headless Chromium for the tests: start it, and measure a page's text for overlaps.

Needs Debian's chromium and chromium-driver (.ci/run installs them): a test that asks
for the browser is skipped without them, except on CI (``CI=true``), where it fails.

:func:`text_clashes` measures in the browser: every text element of every plotly figure
as the rotated rectangle it occupies on screen (``getBBox`` through ``getScreenCTM``, so
that tick labels at an angle are not taken for their axis-aligned boxes), and every
heading, paragraph and table cell of the page as the box of its text (a DOM range, so
that text running out of its cell counts where it is drawn).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars")


def require_browser() -> None:
    """Skip without chromium and chromium-driver; on CI (CI=true) fail instead."""
    if CHROMIUM and DRIVER:
        return
    message = "needs chromium and chromium-driver (.ci/run installs them)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the browser test: {message}")
    pytest.skip(message)


@contextmanager
def chromium(width: int = 1400, height: int = 1000) -> Iterator[Any]:
    """A headless Chromium driven by selenium, its window ``width`` x ``height``."""
    require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--window-size={width},{height}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


_RENDERED = """
const divs = [...document.querySelectorAll('.plotly-graph-div')];
return divs.every(d => d._fullLayout && d.querySelector('.main-svg'));
"""

_MEASURE = r"""
const tol = arguments[0];
function visible(el) {
  for (let e = el; e && e.nodeType === 1; e = e.parentNode) {
    const s = getComputedStyle(e);
    if (s.display === 'none' || s.visibility === 'hidden' || s.opacity === '0') return false;
  }
  return true;
}
function svgQuad(el) {
  const b = el.getBBox(), m = el.getScreenCTM();
  if (!m || b.width < 0.5 || b.height < 0.5) return null;
  return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height],
          [b.x, b.y + b.height]].map(([x, y]) => [m.a * x + m.c * y + m.e,
                                                 m.b * x + m.d * y + m.f]);
}
function boxQuad(r) {
  if (r.width < 0.5 || r.height < 0.5) return null;
  return [[r.left, r.top], [r.right, r.top], [r.right, r.bottom], [r.left, r.bottom]];
}
function textBox(el) {
  const range = document.createRange();
  range.selectNodeContents(el);
  return boxQuad(range.getBoundingClientRect());
}
function project(q, ax) {
  let lo = Infinity, hi = -Infinity;
  for (const [x, y] of q) { const v = x * ax[0] + y * ax[1]; lo = Math.min(lo, v);
                            hi = Math.max(hi, v); }
  return [lo, hi];
}
function clash(p, q) {  // separating axes of two convex quadrilaterals
  for (const poly of [p, q]) {
    for (let i = 0; i < 4; i++) {
      const [x1, y1] = poly[i], [x2, y2] = poly[(i + 1) % 4];
      const len = Math.hypot(x2 - x1, y2 - y1);
      if (len === 0) continue;
      const ax = [(y1 - y2) / len, (x2 - x1) / len];
      const [a0, a1] = project(p, ax), [b0, b1] = project(q, ax);
      if (Math.min(a1, b1) - Math.max(a0, b0) <= tol) return false;
    }
  }
  return true;
}
function name(el) {
  const t = (el.textContent || '').trim().replace(/\s+/g, ' ');
  const kind = el.getAttribute('class') ||
    (el.parentNode.getAttribute && el.parentNode.getAttribute('class')) ||
    el.tagName.toLowerCase();
  return kind + ' "' + t.slice(0, 60) + '"';
}
function pairs(items, where, found) {
  for (let i = 0; i < items.length; i++)
    for (let j = i + 1; j < items.length; j++)
      if (clash(items[i].q, items[j].q))
        found.push(where + ': ' + items[i].name + ' overlaps ' + items[j].name);
}
const found = [];
const width = document.documentElement.clientWidth;
const divs = [...document.querySelectorAll('.plotly-graph-div')];
const page = [];
divs.forEach((div, k) => {
  const frame = div.getBoundingClientRect();
  const title = 'figure ' + (k + 1) + ' (after "' + (function () {
    let e = div; while (e && !/^H[12]$/.test(e.tagName)) e = e.previousElementSibling ||
      e.parentNode; return e ? e.textContent.trim().slice(0, 50) : '';})() + '")';
  const items = [];
  for (const el of div.querySelectorAll('svg text')) {
    if (!(el.textContent || '').trim() || !visible(el)) continue;
    const q = svgQuad(el);
    if (!q) continue;
    items.push({q: q, name: name(el)});
    const xs = q.map(p => p[0]), ys = q.map(p => p[1]);
    if (Math.min(...xs) < frame.left - tol || Math.max(...xs) > frame.right + tol ||
        Math.min(...ys) < frame.top - tol || Math.max(...ys) > frame.bottom + tol)
      found.push(title + ': ' + name(el) + ' is cut off at the edge of the figure');
  }
  pairs(items, title, found);
  page.push({q: boxQuad(frame), name: title});
});
for (const el of document.querySelectorAll('h1, h2, p, th, td, summary')) {
  if (!visible(el) || el.closest('.plotly-graph-div')) continue;
  const q = textBox(el);
  if (q) page.push({q: q, name: name(el)});
}
pairs(page.filter(x => x.q), 'page', found);
for (const item of page) {
  if (item.q && Math.max(...item.q.map(p => p[0])) > width + tol)
    found.push('page: ' + item.name + ' runs past the right edge (' + width + ' px)');
}
return {found: found, figures: divs.length, height: document.documentElement.scrollHeight};
"""


def text_clashes(driver: Any, path: Path, screenshot: Path, width: int = 1400,
                 tolerance: float = 1.0) -> tuple[list[str], int]:
    """Open ``path`` at ``width`` px, wait for its figures, save a full-page screenshot
    to ``screenshot`` and return the overlapping or cut-off texts (each named with its
    figure) and the number of figures measured."""
    from selenium.webdriver.support.ui import WebDriverWait

    metrics = {"width": width, "height": 1000, "deviceScaleFactor": 1, "mobile": False}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    driver.get(path.resolve().as_uri())
    WebDriverWait(driver, 60).until(lambda d: d.execute_script(_RENDERED))
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**metrics, "height": height})
    driver.execute_async_script(
        "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(done));")
    result = driver.execute_script(_MEASURE, tolerance)
    driver.save_screenshot(str(screenshot))
    return result["found"], result["figures"]
