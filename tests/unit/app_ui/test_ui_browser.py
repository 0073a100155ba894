"""The Generate flow in a real browser: `streamlit run app_ui/app.py` driven by Playwright.

Debian's Chromium (/usr/bin/chromium) runs headless. Each step is saved as a screenshot
under the test's tmp folder; with SYNDATA_SAVE_SCREENSHOTS=1 the final ones are copied to
docs/screenshots/ (generate-profile.png, generate-scores.png, generate-charts.png,
dashboard.png).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest
from ui_server import APP, ISOLATED, PENGUINS, ROOT, ApiServer, free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DOCS = ROOT / "docs" / "screenshots"
WIDTH = 1400
CHART = '[data-testid="stVegaLiteChart"]'


@pytest.fixture(scope="module")
def ui_url(api_server: ApiServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run app_ui/app.py` on a free port, talking to the test API server."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ISOLATED}
    env.update(SYNDATA_API_URL=api_server.url, SYNDATA_API_KEY=api_server.key)
    log = tmp_path_factory.mktemp("ui-streamlit") / "streamlit.log"
    with open(log, "wb") as out:  # a file, never an unread pipe
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(APP),
                "--server.headless",
                "true",
                "--server.address",
                "127.0.0.1",
                "--server.port",
                str(port),
                "--browser.gatherUsageStats",
                "false",
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"streamlit exited: {log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{url}/_stcore/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"streamlit did not start: {log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


@pytest.fixture
def page(ui_url: str) -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(
            "Debian's Chromium is not installed: `apt-get install -y chromium` "
            "(never `playwright install`)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": WIDTH, "height": 1000}, accept_downloads=True
        )
        tab = context.new_page()
        tab.set_default_timeout(60_000)
        try:
            yield tab
        finally:
            context.close()
            browser.close()


def settle(page: Any) -> None:
    """Wait until the script run is over: no stale element, no running indicator."""
    page.wait_for_function(
        "() => !document.querySelector('[data-stale=\"true\"]')"
        ' && !document.querySelector(\'[data-testid="stStatusWidget"] [data-testid='
        '"stStatusWidgetRunningIcon"]\')',
        timeout=120_000,
    )
    page.mouse.move(0, 0)  # no tooltip in the pictures
    time.sleep(0.8)


def full_height(page: Any) -> int:
    """Grow the viewport to the whole app (Streamlit scrolls inside its main block)."""
    height = int(
        page.evaluate(
            "() => document.querySelector('[data-testid=\"stMainBlockContainer\"]').scrollHeight"
        )
    )
    page.set_viewport_size({"width": WIDTH, "height": height + 120})
    time.sleep(1.5)  # charts re-render at the new size
    return height + 120


def shot(
    page: Any, folder: Path, name: str, *, start: str | None = None, end: str | None = None
) -> Path:
    """A screenshot of the whole app, or of the part from heading ``start`` to ``end``."""
    height = full_height(page)
    path = folder / name
    clip = None
    if start is not None:
        top = page.locator("h3", has_text=start).bounding_box()
        main = page.locator('[data-testid="stMainBlockContainer"]').bounding_box()
        if end is not None:
            bottom = page.locator("h3", has_text=end).bounding_box()["y"] - 10
        else:  # the last element shown
            last = page.locator(
                '[data-testid="stMainBlockContainer"] [data-testid="stElementContainer"]'
            ).last.bounding_box()
            bottom = min(height, last["y"] + last["height"] + 30)
        clip = {
            "x": main["x"],
            "y": top["y"] - 20,
            "width": main["width"],
            "height": bottom - top["y"] + 20,
        }
    page.screenshot(path=str(path), clip=clip)
    page.set_viewport_size({"width": WIDTH, "height": 1000})
    assert path.stat().st_size > 10_000, f"{path} looks empty"
    return path


def button(page: Any, key: str) -> Any:
    """The visible button of the widget with ``key`` (a button with help has a hidden twin)."""
    return page.locator(f".st-key-{key}").get_by_role("button")


def test_generate_in_a_browser(
    page: Any, ui_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("screenshots")
    page.goto(f"{ui_url}/?page=generate")
    page.wait_for_selector(".st-key-gen_files input[type=file]", state="attached")
    page.locator("h1", has_text="Generate synthetic data").wait_for()
    settle(page)
    shot(page, folder, "01-upload.png")

    # upload → profile (and the PII review)
    page.set_input_files(".st-key-gen_files input[type=file]", str(PENGUINS))
    button(page, "gen_profile").wait_for()
    settle(page)
    button(page, "gen_profile").click()
    button(page, "gen_fit").wait_for()
    page.get_by_text("No personal data detected", exact=False).wait_for()
    settle(page)
    assert page.locator('[data-testid="stMetricValue"]').first.inner_text() == "344"
    profile = shot(page, folder, "02-profile.png")

    # fit, with its scores and verdicts
    button(page, "gen_fit").click()
    button(page, "gen_sample").wait_for(timeout=180_000)
    page.locator('[data-testid="stMetric"]', has_text="Quality score").wait_for()
    settle(page)
    quality = page.locator('[data-testid="stMetric"]', has_text="Quality score")
    assert quality.locator('[data-testid="stMetricValue"]').inner_text().endswith("%")
    scores = shot(page, folder, "03-fit.png")
    scores_clip = shot(
        page, folder, "generate-scores.png", start="4 · Fit a model", end="5 · Generate"
    )

    # generate → preview, real-vs-synthetic charts, downloads
    button(page, "gen_sample").click()
    button(page, "gen_dl_csv_penguins").wait_for(timeout=180_000)
    page.get_by_text("Real vs synthetic: correlations").wait_for()
    settle(page)
    drawn = page.locator(f"{CHART} canvas, {CHART} svg.marks")
    page.wait_for_function(
        f"() => document.querySelectorAll('{CHART} canvas, {CHART} svg.marks').length >= 11"
    )
    assert page.locator(CHART).count() >= 11 and drawn.count() >= 11
    assert page.locator('[data-testid="stDataFrame"]').count() >= 2  # profile, preview
    shot(page, folder, "04-generate.png")
    charts = shot(page, folder, "generate-charts.png", start="6 · Compare and download")

    downloads = {}
    for fmt in ("csv", "parquet", "sql"):
        with page.expect_download() as info:
            button(page, f"gen_dl_{fmt}_penguins").click()
        target = folder / f"penguins.{fmt}"
        info.value.save_as(str(target))
        assert info.value.suggested_filename == f"penguins.{fmt}"
        downloads[fmt] = target
    real = pd.read_csv(PENGUINS)
    synthetic = pd.read_csv(downloads["csv"])
    assert len(synthetic) == len(real) and list(synthetic.columns) == list(real.columns)
    assert len(pd.read_parquet(io.BytesIO(downloads["parquet"].read_bytes()))) == len(real)
    assert "CREATE TABLE" in downloads["sql"].read_text()
    settle(page)
    shot(page, folder, "05-downloaded.png")

    page.goto(f"{ui_url}/?page=dashboard")
    page.locator('[data-testid="stMetric"]', has_text="Rows generated").wait_for()
    page.wait_for_selector(f"{CHART} canvas, {CHART} svg.marks")
    settle(page)
    dashboard = shot(page, folder, "06-dashboard.png")

    if os.environ.get("SYNDATA_SAVE_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(profile, DOCS / "generate-profile.png")
        shutil.copyfile(scores_clip, DOCS / "generate-scores.png")
        shutil.copyfile(charts, DOCS / "generate-charts.png")
        shutil.copyfile(dashboard, DOCS / "dashboard.png")
    assert scores.exists()
