"""The early-warning screen and the dashboard's alert count, as staff see them."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import Flask
from sqlalchemy import update

from policy_service.container import Services
from policy_service.db.models import User
from policy_service.services.day.run import run_daily
from tests.integration.receivables_book import customer, invoice
from tests.integration.test_admin_support import login, make_users

DUE = date(2026, 3, 1)


def _book(services: Services) -> None:
    """C-1 all overdue (two alerts), C-2 close to its limit (one warning)."""
    customer(services, "C-1")
    invoice(services, "I-1", "1000.00", DUE, "C-1")
    customer(services, "C-2", limit="10000.00")
    invoice(services, "I-2", "9000.00", DUE + timedelta(days=60), "C-2")
    run_daily(services.uow(), services.rulesets, DUE + timedelta(days=40))


def _rows(html: str) -> list[tuple[str, str]]:
    return re.findall(r'data-customer="([^"]+)" data-rule="([^"]+)"', html)


def test_staff_see_the_open_alerts_filter_them_by_level_and_count_them_on_the_dashboard(
        services: Services, app: Flask) -> None:
    _book(services)
    users = make_users(services)
    client = login(app, users["auditor"])
    html = client.get("/admin/alerts/").get_data(as_text=True)
    assert sorted(_rows(html)) == [("C-1", "no_payment_60d"), ("C-1", "overdue_share_high"),
                                   ("C-2", "utilization_high")]
    assert "OVERDUE_SHARE_HIGH" in html and "9,000.00 CNY" in html
    critical = client.get("/admin/alerts/?level=critical").get_data(as_text=True)
    assert _rows(critical) == [("C-1", "overdue_share_high")]
    assert _rows(client.get("/admin/alerts/?status=closed").get_data(as_text=True)) == []
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert re.search(r'id="alert-count">\s*3\s*<', dashboard)


def test_the_alert_screen_speaks_chinese(services: Services, app: Flask) -> None:
    _book(services)
    users = make_users(services)
    with services.uow() as uow:
        uow.session.execute(update(User).where(User.username == users["risk_manager"])
                            .values(locale="zh"))
        uow.commit()
    html = login(app, users["risk_manager"]).get("/admin/alerts/").get_data(as_text=True)
    assert "预警" in html and "严重" in html and "已逾期" in html


def test_sales_logins_do_not_see_the_alert_screen(services: Services, app: Flask) -> None:
    users = make_users(services)
    assert login(app, users["sales"]).get("/admin/alerts/").status_code == 403
