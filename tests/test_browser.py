"""End to end in a real browser: the app served by `streamlit run`, driven by Debian's Chromium.

Skipped (with the reason) only when /usr/bin/chromium is absent; .ci/run installs it. Never run
`playwright install`: the browser comes from the system package.
"""

from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[1]
# The goal is 2 s on the development machine; the limit leaves room for a busy CI runner.
FIRST_RENDER_LIMIT_S = 5.0
# The goal itself, asserted too: the first page no longer waits for the planner package, and
# measured 0.9-1.4 s with both cores busy (load 4-5; docs/performance.md, "App first render").
FIRST_RENDER_GOAL_S = 2.0
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="/usr/bin/chromium is absent; install it with `apt-get install chromium` "
        "(.ci/run does) to run the browser test",
    ),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 60) -> float:
    """Seconds until /_stcore/health answers ok; fails early if the server died."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return time.monotonic() - start
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"streamlit did not answer {url}/_stcore/health within {timeout} s")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory) -> Iterator[str]:
    port = free_port()
    env = os.environ.copy()
    env.pop("FDC_API_KEY", None)  # the browser test must never reach the internet
    env["B12PLAN_DB_URL"] = f"sqlite:///{tmp_path_factory.mktemp('db') / 'plans.db'}"
    log = (tmp_path_factory.mktemp("log") / "streamlit.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "streamlit_app.py",
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        yield chromium
        chromium.close()


def wait_idle(page, timeout: float = 60_000) -> None:
    """Wait until Streamlit has finished running the script for the current interaction."""
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout
    )


def settle(page, timeout: float = 60_000) -> None:
    """Script finished, lazily loaded element code fetched, no placeholder skeletons left."""
    wait_idle(page, timeout)
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0",
        timeout=timeout,
    )
    page.wait_for_timeout(300)  # charts finish their layout


def full_screenshot(page, path: Path, width: int) -> None:
    """The whole page: Streamlit scrolls inside its app view, so grow the viewport to fit."""
    page.set_viewport_size({"width": width, "height": 900})
    settle(page)
    height = page.evaluate(
        '() => Math.max(...[...document.querySelectorAll(\'[data-testid="stMain"], '
        '[data-testid="stAppViewContainer"]\')].map(e => e.scrollHeight), 600)'
    )
    page.set_viewport_size({"width": width, "height": int(height) + 40})
    settle(page)
    page.screenshot(path=str(path), full_page=True)


def test_first_page_renders_quickly(app_url, browser, artifacts_dir):
    """The Plan page of a fresh server (library not yet imported, catalog not loaded) is quick."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    start = time.monotonic()
    page.goto(app_url)
    page.get_by_role("button", name="Generate plan").wait_for()
    wait_idle(page)
    elapsed = time.monotonic() - start
    page.close()
    (artifacts_dir / "first-render-seconds.txt").write_text(f"{elapsed:.2f}\n")
    assert elapsed < FIRST_RENDER_LIMIT_S, f"first page took {elapsed:.1f} s to render"
    assert elapsed < FIRST_RENDER_GOAL_S, (
        f"first page took {elapsed:.2f} s, over the {FIRST_RENDER_GOAL_S} s goal; "
        "benchmarks/app_first_render.py times it over several fresh servers"
    )


def test_vegan_plan_download_shopping_list_and_screenshots(app_url, browser, artifacts_dir):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.goto(app_url)
    wait_idle(page)

    page.get_by_test_id("stSelectbox").filter(has_text="Diet").click()
    page.get_by_role("option", name="vegan", exact=True).click()
    wait_idle(page)
    page.get_by_role("button", name="Generate plan").click()
    wait_idle(page, timeout=90_000)
    page.get_by_text("B12 target met every day").wait_for(timeout=90_000)
    settle(page)
    page.screenshot(path=str(artifacts_dir / "plan-laptop-top.png"))
    full_screenshot(page, artifacts_dir / "plan-laptop.png", 1280)
    full_screenshot(page, artifacts_dir / "plan-phone.png", 390)
    page.set_viewport_size({"width": 1280, "height": 900})
    settle(page)

    # The longer search: same profile and seed, a week at least as good, then said so.
    search = page.get_by_role("button", name="Search longer for a better week")
    search.scroll_into_view_if_needed()
    search.click()
    caption = page.get_by_text("This week comes from the longer search.")
    caption.wait_for(timeout=90_000)
    settle(page)
    caption.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "plan-searched-longer.png"))
    assert search.is_disabled()
    page.get_by_text("B12 target met every day").wait_for()

    # Save it for a client, so the Saved plans page has something to show.
    page.get_by_text("Save this plan").click()
    page.get_by_label("New client's name (when adding a client)").fill("Browser test client")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("as version 1").wait_for(timeout=90_000)
    settle(page)

    page.get_by_role("link", name="Shopping list").click()
    wait_idle(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="CSV").click()
    download = download_info.value
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    full_screenshot(page, artifacts_dir / "shopping-laptop.png", 1280)
    full_screenshot(page, artifacts_dir / "shopping-phone.png", 390)
    page.close()

    assert download.suggested_filename.endswith(".csv")
    assert rows, "the shopping list CSV has no rows"
    assert {"aisle", "food_id", "description", "quantity", "unit"} <= set(rows[0])
    plan_foods = {row["food_id"] for row in rows if not row["food_id"].startswith("supplement:")}
    assert plan_foods, "no foods in the shopping list"
    assert all(row["aisle"] for row in rows)


def test_a_price_typed_into_the_price_table_is_kept_and_said_back(app_url, browser, artifacts_dir):
    """The price table is a canvas grid AppTest cannot type into: pick a food by name, type a
    package price and its weight, and a faulty price, as a person would."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(app_url)
    wait_idle(page)
    page.get_by_text("Prices (optional)").click()
    settle(page)
    for name in ("Soy milk, unsweetened", "Banana, raw"):
        page.get_by_test_id("stSelectbox").filter(has_text="Add a food").click()
        page.keyboard.type(name, delay=30)
        page.get_by_role("option", name=name, exact=True).click(timeout=60_000)
        settle(page)

    def type_into(row: int, column: int, value: str, then_shown: str) -> None:
        """Select the row's Food cell, move right to `column`, open the cell's editor with Enter,
        fill it, Enter (commits and reruns); wait until `then_shown` is on the page (grid cells
        sit in a hidden table too). Typing straight into a selected cell loses keys on a busy
        machine (the first key opens the editor, the next ones can arrive before it has focus),
        so the editor's input is waited for and filled, and an entry is tried again when it was
        not taken."""
        shown = page.get_by_text(then_shown).first
        for attempt in range(3):
            # a change reruns the page twice (the table is rebuilt); between runs the old grid
            # can still be there beside the new one
            page.wait_for_function(
                "() => document.querySelectorAll('[data-testid=\"stDataFrame\"]').length === 1",
                timeout=60_000,
            )
            settle(page)
            table = page.get_by_test_id("stDataFrame")
            table.scroll_into_view_if_needed()  # the mouse cannot click below the viewport
            page.wait_for_timeout(300)
            grid = table.bounding_box()
            page.mouse.click(grid["x"] + 40, grid["y"] + 35 * row + 17)  # header row is 35 px
            page.wait_for_timeout(300)
            for _ in range(column):
                page.keyboard.press("ArrowRight")
            page.wait_for_timeout(300)
            page.keyboard.press("Enter")  # opens the selected cell's editor
            editor = page.locator("#portal input, #portal textarea").first
            try:
                editor.wait_for(state="visible", timeout=10_000)
            except PlaywrightTimeoutError:
                continue  # the click missed the grid while it was being rebuilt
            editor.fill(value)
            page.wait_for_timeout(300)
            page.keyboard.press("Enter")
            try:
                shown.wait_for(state="attached", timeout=30_000 if attempt < 2 else 60_000)
            except PlaywrightTimeoutError:
                continue
            settle(page)
            page.wait_for_timeout(300)
            return
        page.screenshot(path=str(artifacts_dir / "plan-prices-failed.png"))
        raise AssertionError(
            f"typing {value!r} into row {row}, column {column} never showed "
            f"{then_shown!r}; see test-artifacts/plan-prices-failed.png"
        )

    type_into(1, 1, "2.49", "2.49 currency units per 100 g")
    type_into(1, 2, "946", "2.49 currency units per package of 946 g (0.26 per 100 g)")
    type_into(2, 1, "-1", "Banana, raw: Price: -1 is out of range")
    page.get_by_text("1 food price set under").wait_for()
    page.screenshot(path=str(artifacts_dir / "plan-prices-laptop.png"))
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()


def test_every_page_renders_without_an_error_at_laptop_and_phone_width(
    app_url, browser, artifacts_dir
):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(app_url)
    settle(page)
    for name, heading in (
        ("Foods", "Foods"),
        ("Saved plans", "Saved plans"),
        ("About B12", "About vitamin B12"),
        ("Shopping list", "Shopping list"),
        ("Plan", "Plan a week"),
    ):
        page.set_viewport_size({"width": 1280, "height": 900})
        page.get_by_role("link", name=name, exact=True).click()
        settle(page)
        page.get_by_role("heading", name=heading).first.wait_for()
        assert page.locator("[data-testid='stException']").count() == 0, name
        slug = name.lower().replace(" ", "-")
        full_screenshot(page, artifacts_dir / f"page-{slug}-laptop.png", 1280)
        full_screenshot(page, artifacts_dir / f"page-{slug}-phone.png", 390)
        assert page.locator("[data-testid='stException']").count() == 0, name
    page.close()
