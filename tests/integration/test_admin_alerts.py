"""The early-warning screen, the dashboard's alert count and the KPI page, as staff see them."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import Flask
from sqlalchemy import update

from policy_service.container import Services
from policy_service.db.models import User
from policy_service.services.day.run import run_daily
from tests.conftest import Api
from tests.integration.receivables_book import customer, invoice
from tests.integration.test_admin_support import login, make_users
from tests.integration.test_kpis import book as kpi_book

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


def test_the_kpi_page_shows_the_reports_figures_and_refuses_a_bad_period_in_words(
        services: Services, app: Flask, api: Api) -> None:
    kpi_book(services, api)
    users = make_users(services)
    client = login(app, users["auditor"])
    html = client.get("/admin/kpis/?as_of=2026-06-30&period_days=90").get_data(as_text=True)
    row = re.search(r'data-owner="sales-key" data-currency="CNY">(.*?)</tr>', html, re.S)
    assert row is not None
    cells = re.sub(r"<[^>]+>", "|", row.group(1))
    for figure in ("41.54", "80.00", "0.5000", "3.33", "2,400.00 CNY", "1,200.00 CNY"):
        assert figure in cells
    assert 'data-owner="*" data-currency="JPY"' in html and "10,000 JPY" in html
    bad = client.get("/admin/kpis/?period_days=0")
    assert bad.status_code == 200 and 'id="kpi-error"' in bad.get_data(as_text=True)
