"""Every admin screen, as every role, is usable without a mouse, by low vision and on a phone.

Over the seeded book each role walks the Chinese walk's screens (plus a draft's editor)
and the page is checked the way a person meets it:
every input has a name in the page's language, text is readable (WCAG contrast), the
keyboard focus is visible, and at 390 px nothing sticks out of the screen except inside a
container that scrolls sideways, with every action button reachable and clickable.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import requests

from tests.browser.a11y_checks import (
    FOCUS_RING,
    LOW_CONTRAST,
    MARK_ACTIONS,
    OVERFLOWING,
    UNNAMED_INPUTS,
)
from tests.browser.book import seed_book
from tests.browser.conftest import SHOTS, in_chinese, log_in, shot
from tests.browser.test_admin_chinese import SCREENS, english_words
from tests.e2e.conftest import Server

pytestmark = [pytest.mark.browser]
FLOW: dict[str, Any] = {}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 900}
NAMES = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden' && el.getClientRects().length)
  .map(el => el.getAttribute('aria-label') || [...(el.labels || [])]
       .map(label => label.innerText).join(' ')).join(' \\n ')"""


def _book(browser: Any, server: Server) -> list[str]:
    """Seed the book once and open one draft, so the editor is among the screens."""
    if "screens" not in FLOW:
        today = date.today() + timedelta(days=400)
        server.cli("clock", "set", today.isoformat())
        FLOW["held"] = seed_book(server, today)
        page = log_in(browser, server, "risk2")
        page.goto(f"{server.base_url}/admin/drafts/")
        page.click("#new-draft-credit_approval")
        page.wait_for_selector("#rows-form")
        FLOW["screens"] = [*SCREENS, page.url.removeprefix(server.base_url)]
        page.close()
    return list(FLOW["screens"])


def _problems(page: Any, path: str, chinese: bool) -> list[str]:
    """What is wrong with the screen at desktop width, then at 390 px."""
    from playwright.sync_api import Error as PlaywrightError

    page.set_viewport_size(DESKTOP)
    page.goto(page.url.split("/admin")[0] + path)
    found = [f"no name: {name}" for name in page.evaluate(UNNAMED_INPUTS)]
    found += [f"contrast: {text}" for text in page.evaluate(LOW_CONTRAST)]
    if chinese:
        found += [f"English name: {word}" for word in english_words(page.evaluate(NAMES))]
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(50)  # let the layout settle after the resize
    found += [f"390px overflow: {text}" for text in page.evaluate(OVERFLOWING)]
    for index in range(page.evaluate(MARK_ACTIONS)):
        button = page.locator(f'[data-a11y-action="{index}"]')
        try:  # scrolls it into view and checks that a click would land on it
            button.click(trial=True, timeout=2000)
        except PlaywrightError:  # the report says which button, not why Playwright gave up
            found.append(f"390px unreachable: {button.evaluate('el => el.outerHTML')[:80]}")
    return found


@pytest.mark.parametrize(("user", "chinese"), [
    ("risk1", False), ("auditor1", False), ("sales1", True), ("admin1", False), ("risk2", True)])
def test_every_screen_names_its_inputs_reads_clearly_and_fits_a_phone(
        browser: Any, server: Server, user: str, chinese: bool) -> None:
    screens = _book(browser, server)
    page = log_in(browser, server, user)
    if chinese:
        in_chinese(page)
    report = {path: problems for path in screens if (problems := _problems(page, path, chinese))}
    page.close()
    text = "\n".join(f"{path}:\n  " + "\n  ".join(problems) for path, problems in report.items())
    SHOTS.mkdir(parents=True, exist_ok=True)  # the whole list, beside the screenshots
    (SHOTS / f"accessibility-{user}.txt").write_text(text, encoding="utf-8")
    assert report == {}, text


def test_the_keyboard_focus_is_visible(browser: Any, server: Server) -> None:
    _book(browser, server)
    page = log_in(browser, server, "risk1")
    page.goto(f"{server.base_url}/admin/held/")
    rings = []
    for _ in range(12):  # the menu bar's links and buttons, then the page's
        page.keyboard.press("Tab")
        rings.append(page.evaluate(FOCUS_RING))
    assert [ring for ring in rings if ring] == []


def test_a_risk_manager_on_a_phone_rejects_a_held_order_with_a_note(
        browser: Any, server: Server) -> None:
    _book(browser, server)
    order, decision = next(iter(FLOW["held"].items()))
    page = log_in(browser, server, "risk1")
    page.set_viewport_size(PHONE)
    page.goto(f"{server.base_url}/admin/held/")
    row = page.locator("tr", has_text=order).first
    row.locator("input[name='note']").fill("customer cancelled by phone")
    row.locator("button[value='reject']").click()  # scrolled to inside the table's scroller
    page.wait_for_selector(".alert-success")
    shot(page, "held-phone")
    credit = requests.get(f"{server.base_url}/v1/credit-checks/{decision}",
                          headers=server.key("auditor"), timeout=10).json()
    assert credit["status"] == "rejected", credit
