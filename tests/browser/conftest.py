"""A real `policy-service serve` (SQLite) and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Server, running_server

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"
README_IMAGES = ROOT / "docs" / "img"
PASSWORD = "browser-test-pass"
USERS = {"risk1": "risk_manager", "risk2": "risk_manager", "auditor1": "auditor",
         "sales1": "sales", "admin1": "admin"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests skip (with the reason) only when Chromium is missing and CI is not true."""
    if CHROMIUM.exists() or os.environ.get("CI", "").lower() == "true":
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: apt-get install -y chromium "
                                   "(make test does this)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The server on a fresh SQLite database, with one login per test user."""
    tmp = tmp_path_factory.mktemp("browser")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp / 'policy.db'}",
           "POLICY_INSTANCE_PATH": str(tmp / "instance"), "POLICY_TEST_CLOCK": "1"}
    env.pop("POLICY_SECRET_KEY", None)
    with running_server(env, tmp, workers=2) as running:
        for name, role in USERS.items():
            running.cli("users", "create", name, "--role", role, stdin=PASSWORD + "\n")
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium (no Playwright browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def shot(page: Any, name: str, *, readme: bool = False, only: str | None = None) -> None:
    """Keep a screenshot as a test artifact (the whole page, or the element ``only`` selects);
    with POLICY_README_IMAGES=1 also in docs/img.

    The README's pictures are refreshed on purpose, not by every test run (a test run
    must not leave the working tree changed).
    """
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    if only is None:
        page.screenshot(path=str(path), full_page=True)
    else:
        page.locator(only).screenshot(path=str(path))
    if readme and os.environ.get("POLICY_README_IMAGES") == "1":
        README_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, README_IMAGES / f"admin-{name}.png")


DIALOGS: list[str] = []  # every confirm() the admin asked, newest last


def _answer(dialog: Any) -> None:
    """A person reads the question and says yes (tests read DIALOGS to see what was asked)."""
    DIALOGS.append(dialog.message)
    with contextlib.suppress(Exception):  # a test's own page.once(...) may answer first
        dialog.accept()


def log_in(browser: Any, server: Server, username: str) -> Any:
    """A new page logged in as `username`; confirm dialogs are answered yes and recorded."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.set_default_timeout(10_000)
    page.on("dialog", _answer)
    page.goto(f"{server.base_url}/admin/")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#who")
    return page


def in_chinese(page: Any) -> Any:
    """The page switched to Chinese unless the login already remembered that choice (the
    switch is a toggle)."""
    if page.get_attribute("html", "lang") != "zh-Hans":
        page.click("#switch-language")
        page.wait_for_selector("html[lang='zh-Hans']")
    return page
