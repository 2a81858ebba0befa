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
from tests.integration.receivables_book import customer, get_invoice, invoice, rows

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
    with services.database.sessions() as session:
        figures = dashboard(session, today)
    (snapshot,) = rows(services, AgingSnapshot)
    for buckets in (credit["aging"], report["buckets"],
                    {k: str(v) for k, v in figures.aging.items()}, snapshot.buckets):
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
