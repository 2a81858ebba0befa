"""A realistic small book for browser tests and the README's pictures: four customers with
Chinese names in CNY and JPY, overdue and not-yet-due invoices, late payers, holds, and a
receivables day run, so every queue has rows.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import requests

from tests.e2e.conftest import Server

CUSTOMERS = (
    ("C-SH", "上海华东贸易有限公司", "B", "200000.00", "CNY"),
    ("C-BJ", "北京远航科技有限公司", "A", "500000.00", "CNY"),
    ("C-GZ", "广州南方物流有限公司", "C", "100000.00", "CNY"),
    ("C-JP", "东京精密机械株式会社", "B", "20000000", "JPY"),
)


KEYS: dict[str, dict[str, str]] = {}  # one order-system key per server (a CLI call each)


def _send(server: Server, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    if server.base_url not in KEYS:
        KEYS[server.base_url] = server.key("order_system")
    response = requests.request(method, f"{server.base_url}{path}", json=body, timeout=10,
                                headers=KEYS[server.base_url])
    assert response.status_code in (200, 201), (path, response.text)
    return dict(response.json())


def seed_book(server: Server, today: date) -> dict[str, str]:
    """The book as of ``today`` (the server's business date); returns the held order ids."""
    for customer_id, name, tier, limit, currency in CUSTOMERS:
        _send(server, "PUT", f"/v1/customers/{customer_id}", {
            "name": name, "tier": tier, "credit_limit": limit, "currency": currency})

    def invoice(invoice_id: str, customer_id: str, amount: str, due: int,
                currency: str = "CNY") -> None:
        _send(server, "POST", "/v1/invoices", {
            "invoice_id": invoice_id, "customer_id": customer_id, "amount": amount,
            "currency": currency, "issue_date": (today + timedelta(days=due - 30)).isoformat(),
            "due_date": (today + timedelta(days=due)).isoformat()})

    invoice("SH-1", "C-SH", "80000.00", -100)
    invoice("SH-2", "C-SH", "30000.00", -40)
    invoice("BJ-1", "C-BJ", "120000.00", 20)
    invoice("JP-1", "C-JP", "3000000", -10, "JPY")
    for n in range(3):  # paid 40 days late three times: a blacklist candidate
        invoice(f"GZ-{n}", "C-GZ", "10000.00", -200 + 20 * n)
        _send(server, "POST", "/v1/payments", {
            "payment_id": f"PGZ-{n}", "invoice_id": f"GZ-{n}", "amount": "10000.00",
            "currency": "CNY", "paid_at": (today + timedelta(days=-160 + 20 * n)).isoformat()})
    server.cli("daily", "--as-of", today.isoformat())
    held = {}
    for order, customer_id, amount, currency in (
            ("SO-BJ-1", "C-BJ", "50000.00", "CNY"), ("SO-GZ-1", "C-GZ", "150000.00", "CNY"),
            ("SO-GZ-2", "C-GZ", "60000.00", "CNY"), ("SO-JP-1", "C-JP", "1000000", "JPY")):
        decision = _send(server, "POST", "/v1/credit-checks", {
            "order_id": order, "customer_id": customer_id, "amount": amount,
            "currency": currency})
        if decision["outcome"] == "hold":
            held[order] = decision["decision_id"]
    return held
