"""Review utilization read for a whole batch: each customer's exposure stays its own."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from policy_service.container import Services
from policy_service.db.models_receivables import CreditReview
from policy_service.services.day.exposure import exposure_changes
from policy_service.services.day.run import run_daily
from tests.conftest import Api
from tests.integration.receivables_book import customer, get_customer, invoice, pay, rows


def _book(services: Services, api: Api) -> None:
    """C-1: a written-off invoice with a later recovery, and an open one; C-2: one open
    invoice; C-3: nothing. All three are due for review on the same day."""
    for customer_id in ("C-1", "C-2", "C-3"):
        customer(services, customer_id, tier="B", limit="10000.00")
    review_date = get_customer(services).next_review_date
    day = lambda n: review_date - timedelta(days=n)  # noqa: E731 - n days before the review
    invoice(services, "I-1", "1000.00", day(70))  # issued day -100
    services.today = lambda: day(50)
    assert api.call("POST", "/v1/invoices/I-1/write-off", "risk_manager",
                    json={"note": "insolvent"}).status_code == 200
    pay(services, "P-1", "I-1", "400.00", day(20))  # a recovery, after the write-off
    invoice(services, "I-2", "2000.00", day(-20))  # issued day -10, not yet due
    invoice(services, "I-3", "7300.00", day(0), customer_id="C-2")  # issued day -30, due today
    services.today = lambda: review_date


def test_reviews_of_one_batch_each_average_their_own_daily_exposure(
        services: Services, api: Api) -> None:
    _book(services, api)
    review_date = get_customer(services).next_review_date
    run_daily(services.uow(), services.rulesets, review_date)  # one batch of three
    found = {r.customer_id: r.indicators["utilization"] for r in rows(services, CreditReview)}
    # C-1: I-1 1,000.00 x 50 days (-100 .. -51), then written off; the recovery of 400.00
    #      on day -20 was already out, so I-2 counts in full: 2,000.00 x 11 days (-10 .. 0)
    #      72,000.00 / 365 / 10,000.00 = 0.01972...
    # C-2: I-3 7,300.00 x 31 days (-30 .. 0): 226,300.00 / 365 / 10,000.00 = 0.0620
    assert found == {"C-1": "0.0197", "C-2": "0.0620", "C-3": "0.0000"}


def test_a_batch_reads_the_same_exposure_as_one_customer_at_a_time(
        services: Services, api: Api) -> None:
    _book(services, api)
    review_date = get_customer(services).next_review_date
    ids = ["C-1", "C-2", "C-3"]
    with services.uow() as uow:
        together = exposure_changes(uow.session, ids, review_date)
        alone = {c: exposure_changes(uow.session, [c], review_date)[c] for c in ids}
    assert together == alone
    written_off = review_date - timedelta(days=50)
    recovered = review_date - timedelta(days=20)
    # the write-off takes out what was owed; the recovery paid after it is put back
    assert sorted(together["C-1"]) == [(written_off, Decimal("-1000.00")),
                                       (recovered, Decimal("400.00"))]
    assert together["C-2"] == [] and together["C-3"] == []
