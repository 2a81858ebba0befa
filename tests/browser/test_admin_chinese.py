"""A risk manager walks the admin in Chinese: no English UI word is left on any screen.

Codes, ids, currencies, amounts and what people typed are allowed; they are data, not UI.
Data the admin shows verbatim (rule expressions, JSON, names) sits in ``code``/``pre``
or carries ``translate="no"``, the HTML way of saying "not to be translated".
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest

from tests.browser.book import seed_book
from tests.browser.conftest import log_in, shot
from tests.e2e.conftest import Server

pytestmark = [pytest.mark.browser]
SCREENS = ("/admin/", "/admin/customers/", "/admin/customers/edit/?id=C-SH",
           "/admin/customers/details/?id=C-SH", "/admin/tiers/", "/admin/tiers/edit/?id=B",
           "/admin/changes/", "/admin/held/", "/admin/decisions/", "/admin/drafts/",
           "/admin/rulehistory/", "/admin/rulehistory/credit_approval/1",
           "/admin/rulehistory/credit_approval/diff", "/admin/reviews/", "/admin/stop-supply/",
           "/admin/legal-cases/", "/admin/blacklist/", "/admin/invoices/",
           "/admin/invoices/SH-1", "/admin/lookup/?customer_id=C-SH&order_id=SO-GZ-1",
           "/admin/no-such-page")
ALLOWED = {"English", "CSV", "JSON", "UTC"}
VISIBLE_TEXT = """() => {
  const skip = 'script, style, code, pre, textarea, [translate="no"], .select2-offscreen';
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(skip) || !parent.getClientRects().length) continue;
    if (getComputedStyle(parent).visibility === 'hidden') continue;
    out.push(node.textContent);
  }
  document.querySelectorAll('input[placeholder], [title], [aria-label], input[type=submit]')
    .forEach(el => { if (!el.closest(skip)) out.push(el.getAttribute('placeholder') || '',
      el.getAttribute('title') || '', el.getAttribute('aria-label') || '',
      el.type === 'submit' ? el.value : ''); });
  return out.join(' \\n ');
}"""


def english_words(text: str) -> list[str]:
    """Words of the UI left in English: ids, codes, currencies and numbers are allowed."""
    found = []
    for chunk in re.findall(r"[A-Za-z0-9_./-]+", text):
        if not re.search(r"[A-Za-z]{2}", chunk) or re.search(r"[0-9]", chunk):
            continue  # a number, an amount, a version, an id with digits
        if chunk in ALLOWED or re.fullmatch(r"[A-Z]{3}", chunk):  # currencies
            continue
        if re.fullmatch(r"[A-Z][A-Z0-9_]*(-[A-Z0-9]+)*", chunk):  # ids and reason codes
            continue
        found.append(chunk)
    return sorted(set(found))


def test_every_main_screen_reads_in_chinese(browser: Any, server: Server) -> None:
    today = date.today() + timedelta(days=400)  # every customer's review date has come
    server.cli("clock", "set", today.isoformat())
    seed_book(server, today)
    page = log_in(browser, server, "risk1")
    page.click("#switch-language")
    page.wait_for_selector("html[lang='zh-Hans']")
    leftovers = {}
    for path in SCREENS:
        page.goto(server.base_url + path)
        assert page.get_attribute("html", "lang") == "zh-Hans", path
        words = english_words(page.evaluate(VISIBLE_TEXT))
        if words:
            leftovers[path] = words
    page.goto(f"{server.base_url}/admin/")
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-aging-CNY')")
    shot(page, "dashboard-zh")
    assert leftovers == {}, "\n".join(f"{path}: {' '.join(words)}"
                                       for path, words in leftovers.items())

