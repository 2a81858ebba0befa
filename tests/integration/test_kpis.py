"""GET /v1/reports/kpis against hand arithmetic, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

from policy_service.container import Services
from tests.conftest import Api
from tests.integration.receivables_book import invoice, pay

AS_OF = date(2026, 6, 30)  # the period is (2026-04-01, 2026-06-30]


def _post(api: Api, path: str, body: dict, role: str = "order_system") -> None:
    response = api.call("POST", path, role, json=body)
    assert response.status_code in (200, 201), response.get_json()


def book(services: Services, api: Api) -> None:
    api.customer("C-1", owner="sales-key")
    invoice(services, "I-1", "1000.00", date(2026, 3, 31), "C-1")  # issued 03-01: opening
    pay(services, "P-1", "I-1", "400.00", date(2026, 4, 20))  # 20 days late
    invoice(services, "I-2", "2000.00", date(2026, 5, 31), "C-1")  # issued 05-01
    pay(services, "P-2", "I-2", "2000.00", date(2026, 5, 25))  # early: 0 days late
    invoice(services, "I-3", "600.00", date(2026, 7, 10), "C-1")  # issued 06-10, not yet due
    api.customer("C-2", owner="ana")
    invoice(services, "I-4", "1000.00", date(2026, 5, 10), "C-2")  # issued 04-10, unpaid
    api.customer("C-3", owner="sales-key", currency="JPY", credit_limit="1000000")
    _post(api, "/v1/invoices", {"invoice_id": "I-5", "customer_id": "C-3", "amount": "10000",
                                "currency": "JPY", "issue_date": "2026-05-02",
                                "due_date": "2026-06-01"})
    _post(api, "/v1/payments", {"payment_id": "P-5", "invoice_id": "I-5", "amount": "10000",
                                "currency": "JPY", "paid_at": "2026-06-11"})  # 10 days late


def _kpis(api: Api, query: str = f"?as_of={AS_OF}", role: str = "auditor") -> dict:
    response = api.call("GET", f"/v1/reports/kpis{query}", role)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_kpis_match_hand_arithmetic_per_owner_overall_and_per_currency(services: Services,
                                                                       api: Api) -> None:
    book(services, api)
    body = _kpis(api)
    assert (body["as_of"], body["period_days"]) == ("2026-06-30", 90)
    # C-1: opening 1000, sales 2000 + 600, closing 600 + 600, of which current 600
    assert body["by_owner"]["sales-key"]["CNY"] == {
        "dso": "41.54",  # 1200 / 2600 × 90
        "cei": "80.00",  # (1000 + 2600 − 1200) / (1000 + 2600 − 600) × 100
        "overdue_ratio": "0.5000",  # 600 / 1200
        "avg_days_late": "3.33",  # (400 × 20 + 2000 × 0) / 2400
        "collected": "2400.00", "written_off": "0.00", "receivables": "1200.00",
        "credit_sales": "2600.00"}
    ana = body["by_owner"]["ana"]["CNY"]
    assert (ana["dso"], ana["cei"], ana["overdue_ratio"], ana["avg_days_late"]) == (
        "90.00", "0.00", "1.0000", "0.00")
    overall = body["overall"]["CNY"]  # never added across currencies
    assert (overall["dso"], overall["cei"], overall["overdue_ratio"], overall["collected"]) == (
        "55.00",  # 2200 / 3600 × 90
        "60.00",  # (1000 + 3600 − 2200) / (1000 + 3600 − 600) × 100
        "0.7273",  # 1600 / 2200
        "2400.00")
    jpy = body["overall"]["JPY"]
    assert (jpy["dso"], jpy["cei"], jpy["overdue_ratio"], jpy["avg_days_late"],
            jpy["collected"]) == ("0.00", "100.00", "0.0000", "10.00", "10000.00")
    assert body["by_owner"]["sales-key"]["JPY"] == jpy


def test_the_kpis_are_what_was_known_on_the_date(services: Services, api: Api) -> None:
    book(services, api)
    early = _kpis(api, "?as_of=2026-04-15&period_days=30")  # before P-1 and I-2
    c1 = early["by_owner"]["sales-key"]["CNY"]
    assert (c1["receivables"], c1["collected"], c1["credit_sales"], c1["dso"]) == (
        "1000.00", "0.00", "0.00", None)
    assert "ana" in early["by_owner"] and "JPY" not in early["overall"]



def test_the_longest_period_counts_the_whole_book_as_it_was_and_owners_without_rows_are_absent(
        services: Services, api: Api) -> None:
    book(services, api)
    api.customer("C-4", owner="nobody")  # a customer, nothing invoiced
    body = _kpis(api, f"?as_of={AS_OF}&period_days=3660")  # opening: nothing yet
    assert body["by_owner"]["sales-key"]["CNY"] == {
        "dso": "1220.00",  # 1200 / 3600 × 3660
        "cei": "80.00",  # (0 + 3600 − 1200) / (0 + 3600 − 600) × 100
        "overdue_ratio": "0.5000", "avg_days_late": "3.33", "collected": "2400.00",
        "written_off": "0.00", "receivables": "1200.00", "credit_sales": "3600.00"}
    assert set(body["by_owner"]) == {"sales-key", "ana"}
    early = _kpis(api, "?as_of=2026-04-15&period_days=3660")  # I-1 and I-4, nothing paid
    ana = early["by_owner"]["ana"]["CNY"]  # I-4 not yet due: nothing to collect yet
    assert (ana["dso"], ana["cei"], ana["overdue_ratio"], ana["receivables"]) == (
        "3660.00", None, "0.0000", "1000.00")
    assert early["by_owner"]["sales-key"]["CNY"]["dso"] == "3660.00"  # 1000 / 1000 × 3660
    assert "JPY" not in early["overall"]
    assert api.call("GET", "/v1/reports/kpis?period_days=3661", "auditor").status_code == 422

def test_a_sales_key_sees_its_own_customers_and_csv_has_a_row_per_owner_and_currency(
        services: Services, api: Api) -> None:
    book(services, api)
    own = _kpis(api, role="sales")
    assert set(own["by_owner"]) == {"sales-key"}
    assert own["overall"]["CNY"]["receivables"] == "1200.00"
    response = api.client.get(f"/v1/reports/kpis?as_of={AS_OF}",
                              headers={**api.keys["risk_manager"], "Accept": "text/csv"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads it as UTF-8
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0][:4] == ["owner", "currency", "dso", "cei"]
    assert sorted((row[0], row[1]) for row in table[1:]) == [
        ("*", "CNY"), ("*", "JPY"), ("ana", "CNY"), ("sales-key", "CNY"), ("sales-key", "JPY")]
    yen = next(row for row in table[1:] if row[:2] == ["*", "JPY"])
    overall = _kpis(api)["overall"]["JPY"]
    for figure in ("collected", "receivables"):  # whole yen: a number Excel sums
        cell = yen[table[0].index(figure)]
        assert "." not in cell and Decimal(cell) == Decimal(overall[figure]), (figure, cell)


def test_a_write_off_counts_in_its_period_and_leaves_receivables(services: Services,
                                                                 api: Api) -> None:
    today = date.today()  # a write-off is dated the day it is made
    api.customer("C-9", owner="ana")
    invoice(services, "I-9", "500.00", today - timedelta(days=1), "C-9")
    _post(api, "/v1/invoices/I-9/write-off", {"note": "insolvent"}, "risk_manager")
    figures = _kpis(api, f"?as_of={today}")["by_owner"]["ana"]["CNY"]
    assert (figures["written_off"], figures["receivables"], figures["cei"]) == (
        "500.00", "0.00", "100.00")


def test_bad_kpi_queries_are_refused(services: Services, api: Api) -> None:
    assert api.call("GET", "/v1/reports/kpis?period_days=0", "auditor").status_code == 422
    assert api.call("GET", "/v1/reports/kpis?period_days=x", "auditor").status_code == 422
    assert api.call("GET", "/v1/reports/kpis?as_of=2026-02-30", "auditor").status_code == 422
    assert api.call("GET", "/v1/reports/kpis", "order_system").status_code == 403
