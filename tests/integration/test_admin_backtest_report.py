"""The editor's backtest report names the customers and links each example to its decision
and to the customer page; decisions that stay the same are not listed."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from policy_service.container import Services
from tests.integration.test_admin_support import csrf_token, login, make_users
from tests.integration.test_rule_lifecycle import make_draft, published_document, with_new_rule


def test_the_backtest_report_lists_customer_names_and_links_examples(
        app: Flask, services: Services, api: Any) -> None:
    api.customer("C-HZ", name="杭州西湖茶业", credit_limit="200000.00")
    api.customer("C-SZ", name="Shenzhen Parts", credit_limit="200000.00")
    hz = api.check("SO-HZ", "60000.00", "C-HZ").get_json()
    assert hz["outcome"] == "approved"
    assert api.check("SO-SZ", "30000.00", "C-SZ").get_json()["outcome"] == "approved"
    users = make_users(services)
    draft = make_draft(api, with_new_rule(published_document(api)))
    client = login(app, users["risk_manager"])
    editor = f"/admin/drafts/credit_approval/{draft['draft_id']}"
    page = client.post(f"{editor}/backtest", data={
        "csrf_token": csrf_token(client.get(editor).get_data(as_text=True))}).get_data(
        as_text=True)
    report = page[page.index('id="backtest-result"'):]
    assert "1 of 2 recent decisions would be decided differently" in report
    assert re.search(r'data-from="approved" data-to="hold">.*?<td>1</td>', report, re.S)
    customers = report[report.index('id="backtest-customers"'):].split("</p>")[0]
    assert '<a href="/admin/customer/C-HZ"' in customers and "杭州西湖茶业" in customers
    assert "C-SZ" not in report and "Shenzhen Parts" not in report  # unchanged: not listed
    example = report[report.index('data-order="SO-HZ"'):].split("</tr>")[0]
    assert f'href="/admin/decisions/details/?id={hz["decision_id"]}"' in example
    assert 'href="/admin/customer/C-HZ"' in example and "杭州西湖茶业" in example
