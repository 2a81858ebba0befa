"""A review's utilization: the average of each day's exposure over the window ÷ the limit."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from policy_service.container import Services
from policy_service.db.models_receivables import CreditReview, PenaltyAccrual
from policy_service.services.credit.checks import CreditCheckInput, check_credit
from policy_service.services.day.run import run_daily
from policy_service.services.receivables.ledger import InvoiceInput, create_invoice
from tests.conftest import Api
from tests.integration.receivables_book import customer, get_customer, invoice, pay, rows


def test_review_utilization_averages_daily_exposure_with_penalty_and_reservations(
        services: Services) -> None:
    customer(services, tier="B", limit="10000.00")
    review_date = get_customer(services).next_review_date
    day = lambda n: review_date - timedelta(days=n)  # noqa: E731 - n days before the review
    # an order reserves 5,000.00 from day -30 until its invoice (issued day -10) consumes it
    decision = check_credit(services.uow(), services.rulesets, day(30),
                            CreditCheckInput("SO-1", "C-1", Decimal("5000.00"), "CNY"), "erp")
    assert decision["outcome"] == "approved"
    create_invoice(services.uow(), InvoiceInput("I-3", "C-1", Decimal("5000.00"), "CNY",
                                                day(10), day(10) + timedelta(days=30),
                                                order_id="SO-1"), "erp")
    invoice(services, "I-1", "10000.00", day(70))  # issued day -100, paid on day -80
    pay(services, "P-1", "I-1", "10000.00", day(80))
    invoice(services, "I-2", "20000.00", day(20))  # issued day -50, unpaid, accrues penalty
    run_daily(services.uow(), services.rulesets, review_date)
    accruals = rows(services, PenaltyAccrual, invoice_id="I-2")
    assert [a.amount for a in accruals] == [Decimal("10.00")] * 17  # days -16 .. 0
    (review,) = rows(services, CreditReview)
    # by hand, exposure-days over the 365-day window:
    #   I-1 10,000.00 x 20 days (-100 .. -81)            200,000.00
    #   I-2 20,000.00 x 51 days (-50 .. 0)             1,020,000.00
    #   I-2 penalty 10.00 x (1 + 2 + ... + 17)             1,530.00
    #   SO-1 reserved 5,000.00 x 20 days (-30 .. -11)    100,000.00
    #   I-3 5,000.00 x 11 days (-10 .. 0)                 55,000.00
    # 1,376,530.00 / 365 / 10,000.00 = 0.37713...
    assert review.indicators["utilization"] == "0.3771"


def test_a_released_hold_counts_in_utilization_from_its_release_to_its_cancellation(
        services: Services, api: Api) -> None:
    customer(services, tier="B", limit="10000.00")
    review_date = get_customer(services).next_review_date
    services.today = lambda: review_date - timedelta(days=60)
    held = api.call("POST", "/v1/credit-checks", json={
        "order_id": "SO-1", "customer_id": "C-1", "amount": "13000.00", "currency": "CNY"}
                    ).get_json()
    assert held["outcome"] == "hold"  # 30% over the limit (up to 20%: prepay): reserves nothing
    services.today = lambda: review_date - timedelta(days=50)
    assert api.call("POST", f"/v1/credit-checks/{held['decision_id']}/release", "risk_manager",
                    json={"note": "known customer"}).status_code == 200
    services.today = lambda: review_date - timedelta(days=40)
    assert api.call("POST", "/v1/orders/SO-1/cancel", json={"note": "lost"}).status_code == 200
    run_daily(services.uow(), services.rulesets, review_date)
    (review,) = rows(services, CreditReview)
    # 13,000.00 reserved for the 10 days from the release to the cancellation:
    # 130,000.00 / 365 / 10,000.00 = 0.03561...
    assert review.indicators["utilization"] == "0.0356"


def test_a_written_off_invoice_leaves_utilization_on_the_day_it_is_written_off(
        services: Services, api: Api) -> None:
    customer(services, tier="B", limit="10000.00")
    review_date = get_customer(services).next_review_date
    invoice(services, "I-1", "1000.00", review_date - timedelta(days=70))  # issued day -100
    services.today = lambda: review_date - timedelta(days=50)
    assert api.call("POST", "/v1/invoices/I-1/write-off", "risk_manager",
                    json={"note": "insolvent"}).status_code == 200
    run_daily(services.uow(), services.rulesets, review_date)
    (review,) = rows(services, CreditReview)
    # 1,000.00 owed for the 50 days -100 .. -51: 50,000.00 / 365 / 10,000.00 = 0.01369...
    assert review.indicators["utilization"] == "0.0137"
