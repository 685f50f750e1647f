"""Browser journeys in headless Chromium (Debian's package; Playwright's own download is not used)."""

import contextlib
import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

# Playwright's sync API runs an event loop in the test thread; the live server's ORM calls are
# still synchronous, so Django's async-safety guard is relaxed for these tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]  # fmt: skip


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason="needs Debian's chromium: run `make system-deps` (CI does)")
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1280, "height": 900}}


PHONE_WIDTH = 375
# The visible elements sticking out past the phone's width: those scrolling inside a card and
# what a chart draws inside its box (its tooltips, placed for the wider screen the chart was
# drawn on) aside; the chart's box itself counts.
WIDER_THAN_THE_PHONE = f"""() => [...document.querySelectorAll("body *")]
  .filter(e => e.getBoundingClientRect().right > {PHONE_WIDTH} + 1
               && !e.closest(".table-responsive")
               && getComputedStyle(e).visibility !== "hidden"
               && !e.parentElement.closest("[_echarts_instance_]"))
  .slice(0, 5)
  .map(e => e.tagName + "." + e.className + " in " + e.parentElement.tagName + "." +
       e.parentElement.className + "#" + e.parentElement.id)"""


FITS_THE_PHONE = f"() => document.documentElement.scrollWidth <= {PHONE_WIDTH}"


@pytest.fixture
def snap():
    """Save a full-page screenshot under test-artifacts/screenshots/<language>/<name>.png, and
    one at a phone's 375 px under <language>/375/<name>.png, where the page must not scroll
    sideways (wide tables scroll inside their card)."""

    def take(page, name: str) -> Path:
        language = page.evaluate("document.documentElement.lang") or "unknown"
        path = ARTIFACTS / language / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
        viewport = page.viewport_size
        page.set_viewport_size({"width": PHONE_WIDTH, "height": viewport["height"]})
        # The page's resize handlers redraw its charts to the new width: wait for them, a while
        # at most (the region map is known to keep its wider canvas; the check below leaves
        # what a chart draws aside).
        with contextlib.suppress(PlaywrightTimeoutError):
            page.wait_for_function(FITS_THE_PHONE, timeout=3000)
        try:
            phone = ARTIFACTS / language / str(PHONE_WIDTH) / f"{name}.png"
            phone.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(phone), full_page=True)
            assert page.evaluate(WIDER_THAN_THE_PHONE) == [], f"{name} is wider than a phone"
        finally:
            page.set_viewport_size(viewport)
        return path

    return take


@pytest.fixture
def log_in(live_server):
    def submit(page, username: str, password: str):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").last.click()
        page.wait_for_load_state()

    return submit


def switch_language(page, language_code: str) -> None:
    page.select_option("#language-switch", language_code)
    page.wait_for_load_state()
