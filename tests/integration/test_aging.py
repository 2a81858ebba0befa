"""One aging: the credit view, the report, the dashboard and the snapshot agree on write-offs."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from policy_service.admin.metrics import dashboard
from policy_service.container import Services
from policy_service.db.models_receivables import AgingSnapshot
from policy_service.domain.outstanding import outstanding
from policy_service.services.day.run import run_daily
from tests.conftest import Api
from tests.integration.receivables_book import (
    customer,
    get_invoice,
    invoice,
    pay,
    rows,
    shipped_terms,
)

DUE = date(2026, 3, 1)


def test_a_written_off_invoice_is_bad_debt_in_every_aging_and_in_no_bucket(
        services: Services, api: Api) -> None:
    customer(services)
    invoice(services, "I-1", "1000.00", DUE)
    invoice(services, "I-2", "500.00", DUE)
    today = DUE + timedelta(days=45)
    services.today = lambda: today
    assert api.call("POST", "/v1/invoices/I-2/write-off", "risk_manager",
                    json={"note": "gone"}).status_code == 200
    run_daily(services.uow(), services.rulesets, today)
    open_amount = get_invoice(services, "I-1").outstanding
    bad_debt = get_invoice(services, "I-2").outstanding
    assert bad_debt == Decimal("500.00")
    credit = api.call("GET", "/v1/customers/C-1/credit", "risk_manager").get_json()
    (report,) = api.call("GET", f"/v1/reports/aging?as_of={today}", "auditor"
                         ).get_json()["totals"]
    (book,) = dashboard(services, today)  # the dashboard's CNY book
    (snapshot,) = rows(services, AgingSnapshot)
    for buckets in (credit["aging"], report["buckets"],
                    {k: str(v) for k, v in book.buckets.items()}, snapshot.buckets):
        assert buckets["31-60"] == str(open_amount)
        assert sum(Decimal(v) for v in buckets.values()) == open_amount
    assert report["classes"]["write_off"] == {"amount": "500.00", "provision": "500.00"}
    assert Decimal(report["provision"]) == snapshot.provision > Decimal("500.00")


def test_the_outstanding_amount_has_one_definition_for_rows_and_queries(
        services: Services) -> None:
    customer(services)
    invoice(services, "I-1", "1000.00", DUE)
    row = get_invoice(services, "I-1")
    assert row.outstanding == outstanding(row) == Decimal("1000.00")


def test_the_aging_of_a_past_month_end_shows_what_was_true_then(
        services: Services, api: Api) -> None:
    customer(services, tier="B")  # 3 grace days, then 0.05% a day of the unpaid principal
    terms = shipped_terms("B", "1000.00")
    assert terms.grace_days == 3 and terms.daily(Decimal("1000.00"), "CNY") == Decimal("0.50")
    month_end = DUE + timedelta(days=30)
    invoice(services, "I-1", "1000.00", DUE)
    pay(services, "P-1", "I-1", "400.00", DUE + timedelta(days=10))
    pay(services, "P-2", "I-1", "200.00", DUE + timedelta(days=45))  # after the month end
    invoice(services, "I-2", "500.00", DUE)  # written off after the month end
    invoice(services, "I-5", "200.00", DUE)  # written off before it
    day = DUE + timedelta(days=25)
    services.today = lambda: day
    run_daily(services.uow(), services.rulesets, day)
    assert api.call("POST", "/v1/invoices/I-5/write-off", "risk_manager",
                    json={"note": "insolvent"}).status_code == 200
    invoice(services, "I-3", "300.00", DUE + timedelta(days=65))  # issued after the month end
    today = DUE + timedelta(days=60)
    services.today = lambda: today
    run_daily(services.uow(), services.rulesets, today)
    assert api.call("POST", "/v1/invoices/I-2/write-off", "risk_manager",
                    json={"note": "gone"}).status_code == 200
    assert api.call("POST", "/v1/invoices/I-1/waive-penalty", "risk_manager",
                    json={"note": "goodwill"}).status_code == 200
    # by hand, at the end of the month (30 days past due):
    #   I-1: 1,000.00 - 400.00 paid + penalty 6 days x 0.50 (days 4-9) + 21 x 0.30 = 609.30
    #   I-2: 500.00 + 27 days x 0.25 = 506.75 (written off only later: still open then)
    #   I-5: 200.00 + 22 days x 0.10 (days 4-25, until its write-off) = 202.20, bad debt
    #   I-3: not issued yet
    (report,) = api.call("GET", f"/v1/reports/aging?as_of={month_end}", "auditor"
                         ).get_json()["totals"]
    credit = api.call("GET", f"/v1/customers/C-1/credit?as_of={month_end}", "risk_manager"
                      ).get_json()
    for buckets in (report["buckets"], credit["aging"]):
        assert buckets == {"not_due": "0.00", "1-30": "1116.05", "31-60": "0.00",
                           "61-90": "0.00", "91+": "0.00"}
    assert credit["aging_as_of"] == month_end.isoformat()
    assert report["classes"]["write_off"]["amount"] == "202.20"
    assert report["classes"]["in_collection"]["amount"] == "1116.05"
    csv_rows = api.client.get(f"/v1/reports/aging?as_of={month_end}",
                              headers={**api.keys["auditor"], "Accept": "text/csv"}
                              ).get_data(as_text=True).splitlines()
    assert csv_rows[1].split(",")[3:5] == ["0.00", "1116.05"]
    # today the same customer looks different: I-1 and I-2's penalty went on, I-2 and
    # I-1's penalty were written off / waived, I-3 is issued and not due
    now = api.call("GET", "/v1/customers/C-1/credit", "risk_manager").get_json()
    assert now["aging_as_of"] == today.isoformat()
    assert now["aging"]["not_due"] == "300.00"
    assert now["aging"]["31-60"] == str(get_invoice(services, "I-1").outstanding) == "400.00"
