"""The KPI page's twelve months, on SQLite and PostgreSQL: each month is the KPI report."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from policy_service.container import Services
from policy_service.services.receivables.kpi_history import kpi_history, month_periods
from tests.conftest import Api
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
