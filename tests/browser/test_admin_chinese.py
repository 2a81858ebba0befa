"""A risk manager walks the admin in Chinese: no English UI word is left on any screen.

Codes, ids, currencies, amounts and what people typed are allowed; they are data, not UI.
Data the admin shows verbatim (rule expressions, JSON, names) sits in ``code``/``pre``
or carries ``translate="no"``, the HTML way of saying "not to be translated".
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import requests

from tests.browser.book import seed_book
from tests.browser.conftest import in_chinese, log_in, shot
from tests.e2e.conftest import Server

pytestmark = [pytest.mark.browser]
FLOW: dict[str, Any] = {}  # one story on one server, in file order
SCREENS = ("/admin/", "/admin/customers/", "/admin/customers/edit/?id=C-SH",
           "/admin/customers/details/?id=C-SH", "/admin/tiers/", "/admin/tiers/edit/?id=B",
           "/admin/changes/", "/admin/held/", "/admin/decisions/", "/admin/drafts/",
           "/admin/rulehistory/", "/admin/rulehistory/credit_approval/1",
           "/admin/rulehistory/credit_approval/diff", "/admin/reviews/", "/admin/stop-supply/",
           "/admin/legal-cases/", "/admin/blacklist/", "/admin/invoices/",
           "/admin/invoices/SH-1", "/admin/lookup/?customer_id=C-SH&order_id=SO-GZ-1",
           "/admin/customer/C-SH", "/admin/aging/", "/admin/aging/?as_of=2026-01-31",
           "/admin/aging/?as_of=not-a-date", "/admin/users/", "/admin/disputes/",
           "/admin/instalments/", "/admin/alerts/", "/admin/kpis/", "/admin/worklist/",
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
        if re.fullmatch(r"[a-z_]+(\.[a-z_]+)*\.(json|csv)", chunk):  # a file's name
            continue
        found.append(chunk)
    return sorted(set(found))


def test_every_main_screen_reads_in_chinese(browser: Any, server: Server) -> None:
    today = date.today() + timedelta(days=400)  # every customer's review date has come
    server.cli("clock", "set", today.isoformat())
    FLOW["held"] = seed_book(server, today)
    page = log_in(browser, server, "risk1")
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-aging-CNY')")
    shot(page, "dashboard", readme=True)  # the README's picture: a realistic book, in English
    in_chinese(page)
    leftovers = {}
    for path in SCREENS:
        page.goto(server.base_url + path)
        assert page.get_attribute("html", "lang") == "zh-Hans", path
        words = english_words(page.evaluate(VISIBLE_TEXT))
        if words:
            leftovers[path] = words
    page.goto(f"{server.base_url}/admin/")
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-aging-CNY')")
    shot(page, "dashboard-zh", readme=True)
    assert leftovers == {}, "\n".join(f"{path}: {' '.join(words)}"
                                       for path, words in leftovers.items())



def test_a_date_filter_offers_chinese_operators_and_a_chinese_calendar(
        browser: Any, server: Server) -> None:
    page = log_in(browser, server, "risk1")  # risk1 chose Chinese in the walk above
    page.goto(f"{server.base_url}/admin/decisions/")
    page.click("text=添加筛选器")
    page.click("a.filter:text-is('决策时间')")
    operations = page.wait_for_selector("select.filter-op", state="attached").text_content()
    assert operations and "大于" in operations and english_words(operations) == []
    page.click("input.filter-val[data-date-format='YYYY-MM-DD']")
    calendar = page.wait_for_selector(".daterangepicker", state="visible")
    text = calendar.inner_text()
    assert "一" in text and "月" in text and english_words(text) == [], text
    shot(page, "decisions-date-filter-zh")


def test_an_over_limit_release_warns_with_the_utilization_before_it_is_sent(
        browser: Any, server: Server) -> None:
    from tests.browser.conftest import DIALOGS

    page = log_in(browser, server, "risk1")
    page.goto(f"{server.base_url}/admin/held/")
    row = page.locator("tr", has_text="SO-GZ-1").first
    row.locator("input[name='note']").fill("已与客户经理确认")
    row.locator("button[value='release']").click()
    page.wait_for_selector(".alert-success")
    assert "超出额度" in DIALOGS[-1] and "%" in DIALOGS[-1], DIALOGS[-1]
    assert "订单 SO-GZ-1 已放行。" in page.inner_text(".alert-success")
    credit = requests.get(f"{server.base_url}/v1/credit-checks/{FLOW['held']['SO-GZ-1']}",
                          headers=server.key("auditor"), timeout=10).json()
    assert credit["status"] == "released"


def test_switching_language_after_validate_shows_the_editor_again(
        browser: Any, server: Server) -> None:
    page = log_in(browser, server, "risk2")
    page.goto(f"{server.base_url}/admin/drafts/")
    page.click("#new-draft-credit_approval")
    page.wait_for_selector("#rows-form")
    editor = page.url
    page.click("#validate-rows")
    page.wait_for_load_state()
    page.click("#switch-language")
    page.wait_for_selector("#rows-form")
    assert page.url == editor and page.get_attribute("html", "lang") == "zh-Hans"


def _refusal(page: Any, selector: str) -> str:
    """The refusal the page shows, checked for English left in it."""
    text = page.wait_for_selector(selector).inner_text()
    assert english_words(text) == [], text
    return str(text)


def test_refusals_of_a_save_a_rule_and_a_lifecycle_step_read_in_chinese(
        browser: Any, server: Server) -> None:
    page = in_chinese(log_in(browser, server, "risk1"))
    page.goto(f"{server.base_url}/admin/customers/edit/?id=C-JP")
    page.fill("#credit_limit", "20000000.5")  # yen have no decimals: the service refuses
    page.click("form.admin-form input[type='submit'].btn-primary")
    assert "JPY 金额不能有小数" in _refusal(page, ".alert-danger")
    credit = requests.get(f"{server.base_url}/v1/customers/C-JP/credit", timeout=10,
                          headers=server.key("auditor")).json()
    assert Decimal(credit["credit_limit"]) == Decimal("20000000")  # nothing was changed

    page.goto(f"{server.base_url}/admin/drafts/")
    page.click("#new-draft-credit_approval")
    page.wait_for_selector("#rows-form")
    over_limit = 'tr.rule-row[data-rule="over_limit"]'
    page.fill(f'{over_limit} textarea[name$="-when"]', "order.amount * order.amount > 1")
    page.click("#save-rows")
    error = _refusal(page, f'{over_limit} .field-error[data-field="when"]')
    assert "金额不能乘以金额" in error and "金额乘以数字" in error, error
    shot(page, "rule-editor-error-zh")

    page.fill(f'{over_limit} textarea[name$="-when"]', "order.amount > order.amount")
    page.click("#save-rows")  # valid, but the over-limit cases no longer hold their orders
    page.wait_for_selector(".alert-success")
    page.click("#submit-draft")
    refused = _refusal(page, ".alert-danger")
    assert "无法提交草稿" in refused and "个测试用例中有" in refused, refused


def test_a_number_past_the_lexers_limit_and_an_unclosed_placeholder_read_in_chinese(
        browser: Any, server: Server) -> None:
    page = in_chinese(log_in(browser, server, "risk2"))
    page.goto(f"{server.base_url}/admin/drafts/")
    page.click("#new-draft-credit_approval")
    page.wait_for_selector("#rows-form")
    draft_id = page.url.rstrip("/").split("/")[-1]
    over_limit = 'tr.rule-row[data-rule="over_limit"]'
    page.fill(f'{over_limit} textarea[name$="-when"]',
              "order.amount > 123456789012345678901234567890")
    page.fill(f'{over_limit} input[name$="-then.message.zh"]', "超出额度 {customer.balance")
    page.click("#save-rows")
    number = _refusal(page, f'{over_limit} .field-error[data-field="when"]')
    assert "数字最多只能有 20 位有效数字，这个数字有 30 位。" in number, number
    assert "不超过 20 位的数字" in number, number  # what was expected, translated too
    brace = _refusal(page, f'{over_limit} .field-error[data-field="then.message.zh"]')
    assert "“{”没有闭合。" in brace, brace
    shot(page, "rule-editor-limits-zh")
    draft = requests.get(f"{server.base_url}/v1/rulesets/credit_approval/drafts/{draft_id}",
                         headers=server.key("risk_manager"), timeout=10).json()
    saved = next(rule for rule in draft["document"]["rules"] if rule["name"] == "over_limit")
    assert "123456789012345678901234567890" not in saved["when"]  # nothing was saved
    assert "{customer.balance" not in saved["then"]["message"]["zh"]
