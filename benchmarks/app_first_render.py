"""Time the app's first page in Chromium, the way tests/test_browser.py does, over N fresh servers.

Each run starts `streamlit run streamlit_app.py` on a free loopback port, waits for
/_stcore/health, launches a new Chromium, then times page.goto until the "Generate plan" button
is visible and the script is idle: the browser test's measure, in the same order. It also
records when Streamlit's page shell (stApp) appeared, and a second visitor on the same (now
warm) server.

    .venv/bin/python benchmarks/app_first_render.py [--runs 7] [--json out.json]
        [--app-dir DIR --app-dir DIR2 ...]

--app-dir serves another copy of streamlit_app.py, app_pages/ and .streamlit/, say an older
commit's: `git archive COMMIT streamlit_app.py app_pages .streamlit | tar -x -C DIR`. Given more
than once, the copies take turns run by run, so a busy machine's load falls on all of them alike.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db_dir: Path, app_dir: Path = ROOT) -> tuple[subprocess.Popen, str, float]:
    """A fresh `streamlit run` and its URL; the seconds until /_stcore/health said ok."""
    port = free_port()
    env = os.environ.copy()
    env.pop("FDC_API_KEY", None)  # never reach the internet
    env["B12PLAN_DB_URL"] = f"sqlite:///{db_dir / 'plans.db'}"
    started = time.monotonic()
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
        cwd=app_dir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    while time.monotonic() - started < 60:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return process, url, time.monotonic() - started
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("streamlit did not become healthy within 60 s")


def visit(browser, url: str) -> dict[str, float]:
    """Seconds from page.goto to the page shell, and to a usable Plan page (the test's measure)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    start = time.monotonic()
    page.goto(url)
    page.wait_for_selector("[data-testid='stApp']")
    shell = time.monotonic() - start
    page.get_by_role("button", name="Generate plan").wait_for()
    page.wait_for_selector(IDLE, timeout=60_000)
    usable = time.monotonic() - start
    page.close()
    return {"shell_s": shell, "usable_s": usable}


KEYS = ("health_s", "first_shell_s", "first_usable_s", "second_usable_s")


def summarise(runs: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    return {
        key: {
            "median": statistics.median(r[key] for r in runs),
            "min": min(r[key] for r in runs),
            "max": max(r[key] for r in runs),
        }
        for key in KEYS
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh servers per app (default 7)")
    parser.add_argument("--json", type=Path, help="write every run's numbers here")
    parser.add_argument(
        "--app-dir",
        type=Path,
        action="append",
        help="folder holding streamlit_app.py (default: the repo); give it twice or more to "
        "compare versions run by run",
    )
    args = parser.parse_args()
    app_dirs = [d.resolve() for d in args.app_dir or [ROOT]]
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is absent: `apt-get install chromium`", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    runs: dict[Path, list[dict[str, float]]] = {d: [] for d in app_dirs}
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            for n, app_dir in enumerate(app_dirs):
                db_dir = Path(tmp) / f"run{i}-{n}"
                db_dir.mkdir()
                # As in the test: the server is up, then a new Chromium opens the page.
                process, url, health = start_server(db_dir, app_dir)
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
                )
                try:
                    first = visit(browser, url)
                    second = visit(browser, url)
                finally:
                    browser.close()
                    process.terminate()
                    process.wait(timeout=10)
                run = {
                    "health_s": health,
                    "first_shell_s": first["shell_s"],
                    "first_usable_s": first["usable_s"],
                    "second_usable_s": second["usable_s"],
                    "load_avg_1min": os.getloadavg()[0],
                }
                runs[app_dir].append(run)
                print(
                    f"{app_dir} run {i + 1}: health {health:.2f} s, first page shell "
                    f"{first['shell_s']:.2f} s, usable {first['usable_s']:.2f} s; second visitor "
                    f"{second['usable_s']:.2f} s (load {run['load_avg_1min']:.1f})",
                    flush=True,
                )
    summaries = {str(d): summarise(r) for d, r in runs.items()}
    for app_dir, summary in summaries.items():
        print(app_dir)
        for key, stats in summary.items():
            print(
                f"  {key}: median {stats['median']:.2f} s "
                f"(min {stats['min']:.2f}, max {stats['max']:.2f}, {args.runs} runs)"
            )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": platform.platform(),
                    "runs": {str(d): r for d, r in runs.items()},
                    "summary": summaries,
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
