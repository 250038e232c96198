"""The report page in a real headless browser (Debian's chromium), driven over the
DevTools protocol on a pipe (``--remote-debugging-pipe``: fd 3 in, fd 4 out; no websocket,
no new dependency).

The page must load with no console error and no uncaught exception, its sections and
drawn charts must be in the DOM after the scripts ran, hovering a coordinate's curve must
name that coordinate with its exact value (the worked example's rational saddles), and
dragging over the loss staircase must zoom to the dragged τ range. A full-page screenshot
of each page is saved in ``tests/artifacts/`` (ignored by git: the folder ignores itself).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from helpers import WORKED_SADDLES, WORKED_TIMES
from saddlepath.report.html import write_page
from test_report_html_folders import experiment_folder, run_folder, sweep_store

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BASH = shutil.which("bash")
if CHROMIUM is None:
    pytest.skip(
        "chromium is not installed (Debian: apt-get install chromium); the report's browser "
        "test needs it",
        allow_module_level=True,
    )
if BASH is None:
    pytest.skip("bash is not installed (it hands chromium its DevTools pipe)",
                allow_module_level=True)  # fmt: skip

pytestmark = pytest.mark.slow
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--remote-debugging-pipe",
)  # fmt: skip


class Browser:
    """Headless chromium on a DevTools pipe: one page, its console errors, its DOM."""

    def __init__(self, profile: Path) -> None:
        r, self._in = os.pipe()
        self._out, w = os.pipe()
        # the browser reads commands on fd 3 and writes replies on fd 4; bash moves the
        # pipe ends there (no Python runs between fork and exec, so no fork-with-threads
        # hazard); they are first moved above 9 so that placing them clobbers neither
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (r, w)]
        for fd in (r, w):
            os.close(fd)
        r, w = high
        self.proc = subprocess.Popen(
            [BASH, "-c", f'exec "$0" "$@" 3<&{r} 4>&{w} {r}<&- {w}>&-', CHROMIUM, *FLAGS,
             f"--user-data-dir={profile}", "about:blank"],
            pass_fds=high, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for fd in high:
            os.close(fd)
        self._buffer, self._id, self.events, self.session = b"", 0, [], None
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Runtime.enable", "Log.enable", "Page.enable"):
            self.send(domain)
        size = {"width": 1200, "height": 900, "deviceScaleFactor": 1, "mobile": False}
        self.send("Emulation.setDeviceMetricsOverride", size)

    def send(self, method: str, params: dict | None = None, timeout: float = 30.0) -> dict:
        self._id += 1
        message = {"id": self._id, "method": method, "params": params or {}}
        if self.session and not method.startswith(("Target.", "Browser.")):
            message["sessionId"] = self.session
        os.write(self._in, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            for reply in self._messages(deadline):
                if reply.get("id") == self._id:
                    if "error" in reply:
                        raise RuntimeError(f"{method}: {reply['error']}")
                    return reply["result"]
                self.events.append(reply)

    def _messages(self, deadline: float) -> list[dict]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._out], [], [], left)[0]:
                raise TimeoutError("chromium did not answer in time")
            chunk = os.read(self._out, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed its DevTools pipe")
            self._buffer += chunk
        *messages, self._buffer = self._buffer.split(b"\0")
        return [json.loads(m) for m in messages]

    def open(self, page: Path) -> None:
        """Load ``page`` and wait for its load event (its scripts have run by then)."""
        self.events.clear()
        self.send("Page.navigate", {"url": page.resolve().as_uri()})
        deadline = time.monotonic() + 30
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            try:
                self.events.extend(self._messages(deadline))
            except TimeoutError:
                seen = [e.get("method") for e in self.events]
                raise TimeoutError(f"{page} did not finish loading: {seen}") from None

    def js(self, expression: str):
        reply = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        assert "exceptionDetails" not in reply, reply["exceptionDetails"]
        return reply["result"].get("value")

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and error log entries since :meth:`open`."""
        found = []
        for e in self.events:
            method, params = e.get("method"), e.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(json.dumps(params["exceptionDetails"])[:500])
            elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
                found.append(json.dumps(params["args"])[:500])
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                found.append(params["entry"]["text"])
        return found

    def mouse(self, kind: str, x: float, y: float, **extra) -> None:
        self.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, **extra})

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / ".gitignore").write_text("*\n", encoding="utf-8")
        metrics = self.send("Page.getLayoutMetrics")["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": 1200, "height": min(metrics["height"], 12000), "scale": 1}
        shot = self.send("Page.captureScreenshot", {"clip": clip, "captureBeyondViewport": True})
        path = ARTIFACTS / name
        path.write_bytes(base64.b64decode(shot["data"]))
        print(f"screenshot: {path}")
        return path

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=5)
            self.proc.wait(10)
        except (OSError, RuntimeError, TimeoutError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        for fd in (self._in, self._out):
            os.close(fd)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    b = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield b
    b.close()


@pytest.fixture(scope="module")
def run_page(tmp_path_factory):
    folder = run_folder(tmp_path_factory.mktemp("report-run"))
    return write_page(folder)


def test_the_checker_sees_console_errors_and_exceptions(browser, tmp_path):
    page = tmp_path / "bad.html"
    page.write_text("<script>console.error('seen'); throw new Error('boom');</script>")
    browser.open(page)
    found = " ".join(browser.errors())
    assert "seen" in found and "boom" in found


def test_run_page_loads_clean_with_its_sections_and_charts_drawn(browser, run_page):
    page, written = run_page
    browser.open(written)
    assert browser.errors() == []
    dom = browser.js("document.documentElement.outerHTML")  # the DOM after the scripts ran
    for anchor in page.sections:
        assert f'<section id="{anchor}">' in dom
    drawn = browser.js(
        "[...document.querySelectorAll('figure.chart')].map(f => [f.id, f.dataset.drawn, "
        "f.querySelectorAll('path.series').length])"
    )
    specs = json.loads(browser.js("document.getElementById('saddlepath-charts').textContent"))
    assert len(drawn) == page.n_charts == 4
    for key, flag, n_paths in drawn:
        assert flag == "yes" and n_paths == len(specs[key]["series"]), key
    browser.screenshot("report_html_run.png")


def _point(browser, key: str, x: float, y: float) -> tuple[float, float]:
    """Viewport coordinates of the data point (x, y) of chart ``key`` (scrolled into view)."""
    return tuple(browser.js(
        f"(() => {{ const f = document.getElementById('{key}'); f.scrollIntoView(); "
        f"const r = f.querySelector('svg').getBoundingClientRect(), c = f.chart; "
        f"return [r.left + c.px(c.tx({x})), r.top + c.py(c.ty({y}))]; }})()"
    ))  # fmt: skip


def test_hovering_a_curve_names_the_coordinate_and_its_value(browser, run_page):
    browser.open(run_page[1])
    tau = float((WORKED_TIMES[2] + WORKED_TIMES[3]) / 2)  # mid-plateau of saddle 2
    for i in (0, 2):  # β_0 = 0 there (it left), β_2 = 7/5
        value = float(WORKED_SADDLES[2][i])
        browser.mouse("mouseMoved", *_point(browser, "path-beta", tau, value))
        tip = browser.js("document.querySelector('#path-beta .tip').textContent")
        shown = float(tip.split(f"β_{i} = ")[1].split(" ")[0])
        assert tip.startswith(f"β_{i}: τ = ") and tip.endswith("(saddle 2)"), tip
        assert shown == pytest.approx(value, abs=1e-6), tip
    assert browser.errors() == []


def test_dragging_over_the_staircase_zooms_and_double_click_resets(browser, run_page):
    browser.open(run_page[1])
    before = browser.js("document.getElementById('path-loss').dataset.xDomain")
    height = _loss(1)  # inside the plot; a horizontal drag zooms τ only
    start = _point(browser, "path-loss", 1.0, height)
    end = _point(browser, "path-loss", 9.0, height)
    browser.mouse("mousePressed", *start, button="left", clickCount=1)
    browser.mouse("mouseMoved", *end, button="left")
    browser.mouse("mouseReleased", *end, button="left", clickCount=1)
    x_domain = [float(v) for v in browser.js(
        "document.getElementById('path-loss').dataset.xDomain").split()]  # fmt: skip
    assert x_domain == pytest.approx([1.0, 9.0], abs=0.03), x_domain  # 1 px ≈ 0.011 τ
    # on τ ∈ [1, 9] the staircase holds L(β_0), L(β_1), L(β_2): the y range spans them
    lo, hi = (float(v) for v in browser.js(
        "document.getElementById('path-loss').dataset.yDomain").split())  # fmt: skip
    assert lo <= _loss(2) < _loss(0) <= hi <= _loss(0) + 0.1 * (_loss(0) - _loss(2))
    browser.mouse("mousePressed", *end, button="left", clickCount=2)
    browser.mouse("mouseReleased", *end, button="left", clickCount=2)
    assert browser.js("document.getElementById('path-loss').dataset.xDomain") == before
    assert browser.errors() == []


def _loss(k: int) -> float:
    from test_report_html import exact_loss

    return float(exact_loss(WORKED_SADDLES[k]))


def test_experiment_and_sweep_pages_load_clean(browser, tmp_path):
    for name, folder in (("experiment", experiment_folder(tmp_path)),
                         ("sweep", sweep_store(tmp_path))):  # fmt: skip
        page, written = write_page(folder)
        browser.open(written)
        assert browser.errors() == [], name
        drawn = browser.js("document.querySelectorAll('figure.chart[data-drawn=yes]').length")
        assert drawn == page.n_charts > 0, name
        for anchor in page.sections:
            assert browser.js(f"!!document.getElementById('{anchor}')"), (name, anchor)
        browser.screenshot(f"report_html_{name}.png")
