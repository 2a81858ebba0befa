"""Plain next steps for sales, read off a customer's credit status (translated)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from policy_service.admin.i18n import _
from policy_service.domain.money import money_text


def next_steps(credit: dict[str, Any], today: date) -> list[str]:
    """What a salesperson can do next for this customer, most pressing first."""
    currency = credit["currency"]
    overdue = Decimal(credit["overdue"]["amount"])
    available = Decimal(credit["available"])
    steps: list[str] = []
    if credit["status"] == "blacklisted":
        steps.append(_("The customer is blacklisted: no sale on credit. Only a risk manager "
                       "can change that."))
    elif credit["status"] == "stop_supply":
        steps.append(_("Supply is stopped. Collect %(amount)s overdue to lift the stop "
                       "(after a write-off a risk manager lifts it).",
                       amount=money_text(overdue, currency)))
    if overdue > 0 and credit["status"] != "stop_supply":
        steps.append(_("Collect %(amount)s overdue (oldest %(days)s days past due) before "
                       "new orders are held.", amount=money_text(overdue, currency),
                       days=credit["overdue"]["oldest_days_past_due"]))
    review = credit.get("next_review_date")
    if review is not None and review < today:
        steps.append(_("The credit review was due on %(day)s: ask a risk manager to complete "
                       "it; orders are held until then.", day=review.isoformat()))
    if available <= 0:
        steps.append(_("No credit is available: ask for prepayment, or collect payments to "
                       "free the limit."))
    elif not steps:
        steps.append(_("Orders up to %(amount)s are within the credit limit.",
                       amount=money_text(available, currency)))
    return steps
