"""The KPI page's twelve months, on SQLite and PostgreSQL: each month is the KPI report."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from policy_service.container import Services
from policy_service.db.models_receivables import InvoiceAdjustment
from policy_service.services.receivables.kpi_history import kpi_history, month_periods
from policy_service.services.receivables.kpis import kpis
from tests.conftest import Api
from tests.integration.receivables_book import invoice, pay
from tests.integration.test_kpis import book


def test_month_periods_end_each_month_and_the_last_at_the_date() -> None:
    periods = month_periods(date(2026, 3, 10))
    assert periods[0] == (date(2025, 4, 30), 30) and periods[-1] == (date(2026, 3, 10), 10)
    assert periods[-2] == (date(2026, 2, 28), 28) and len(periods) == 12
    assert [end.month for end, _days in periods] == [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]


def _same_as_the_report(api: Api, months: list[dict]) -> None:
    for month in months:
        response = api.call("GET", f"/v1/reports/kpis?as_of={month['as_of']}"
                            f"&period_days={month['period_days']}", "auditor")
        assert month["overall"] == response.get_json()["overall"], month["month"]


def test_each_month_is_what_the_report_says_for_it(services: Services, api: Api) -> None:
    book(services, api)
    months = kpi_history(services.uow(), date(2026, 7, 15), "UTC")
    assert [m["month"] for m in months][-4:] == ["2026-04", "2026-05", "2026-06", "2026-07"]
    _same_as_the_report(api, months)
    june = months[-2]["overall"]
    assert set(june) == {"CNY", "JPY"} and Decimal(june["JPY"]["collected"]) == 10000
    assert months[0]["overall"] == {}  # 2025-08: nothing issued yet


def test_a_write_off_counts_in_the_month_it_was_made(services: Services, api: Api) -> None:
    book(services, api)
    response = api.call("POST", "/v1/invoices/I-4/write-off", "risk_manager",
                        json={"note": "insolvent"})
    assert response.status_code == 200, response.get_json()
    today = date.today()  # a write-off is dated when it is made
    months = kpi_history(services.uow(), today, "UTC")
    _same_as_the_report(api, months)
    assert Decimal(months[-1]["overall"]["CNY"]["written_off"]) == 1000
    assert all(Decimal(m["overall"].get("CNY", {}).get("written_off", 0)) == 0
               for m in months[:-1])


def test_a_credit_note_counts_from_its_date_as_in_the_report(services: Services, api: Api
                                                             ) -> None:
    book(services, api)
    services.today = lambda: date(2026, 6, 20)  # I-3 (600.00, due 07-10) credited 250.00
    for path, role, body in (
            ("/v1/invoices/I-3/disputes", "order_system",
             {"dispute_id": "D-1", "amount": "250.00", "reason": "short shipped"}),
            ("/v1/disputes/D-1/resolve", "risk_manager",
             {"in_favour_of": "customer", "note": "credited"})):
        response = api.call("POST", path, role, json=body)
        assert response.status_code in (200, 201), response.get_json()
    months = kpi_history(services.uow(), date(2026, 7, 15), "UTC")
    _same_as_the_report(api, months)
    may, june = months[-3]["overall"]["CNY"], months[-2]["overall"]["CNY"]
    assert (may["credit_sales"], may["receivables"]) == ("2000.00", "1600.00")
    # June: I-3's 600.00 less the note is sold; open: I-1 600, I-3 350, I-4 1000
    assert (june["credit_sales"], june["receivables"]) == ("350.00", "1950.00")


def test_month_ends_and_a_past_write_off_count_as_in_the_report_in_any_time_zone(
        services: Services, api: Api) -> None:
    book(services, api)
    invoice(services, "I-6", "900.00", date(2026, 5, 31), "C-2")  # issued 05-01, due 05-31
    pay(services, "P-6", "I-6", "300.00", date(2026, 5, 31))  # on its due date, a month end
    invoice(services, "I-7", "800.00", date(2026, 4, 30), "C-1")  # issued 03-31, a month end
    pay(services, "P-7", "I-7", "500.00", date(2026, 6, 30))  # 61 days late, on a month end
    services.today = lambda: date(2026, 4, 30)  # I-7 credited 100.00 on its due date
    for path, role, body in (
            ("/v1/invoices/I-7/disputes", "order_system",
             {"dispute_id": "D-7", "amount": "100.00", "reason": "damaged"}),
            ("/v1/disputes/D-7/resolve", "risk_manager",
             {"in_favour_of": "customer", "note": "credited"}),
            ("/v1/invoices/I-4/write-off", "risk_manager", {"note": "insolvent"})):
        response = api.call("POST", path, role, json=body)
        assert response.status_code in (200, 201), response.get_json()
    with services.uow() as uow:  # written off at midnight of 06-01 in Shanghai, 05-31 in UTC
        adjustment = uow.session.scalars(select(InvoiceAdjustment).where(
            InvoiceAdjustment.kind == "write_off")).one()
        adjustment.at = datetime(2026, 5, 31, 16, tzinfo=UTC)
        uow.commit()
    written = {}
    for timezone in ("UTC", "Asia/Shanghai"):
        months = kpi_history(services.uow(), date(2026, 7, 15), timezone)
        for month in months:
            report = kpis(services.uow(), date.fromisoformat(month["as_of"]),
                          month["period_days"], timezone)
            assert month["overall"] == report["overall"], (timezone, month["month"])
        written[timezone] = [m["overall"].get("CNY", {}).get("written_off") for m in months]
    assert written["UTC"][-3:] == ["1000.00", "0.00", "0.00"]  # May, June, July
    assert written["Asia/Shanghai"][-3:] == ["0.00", "1000.00", "0.00"]
