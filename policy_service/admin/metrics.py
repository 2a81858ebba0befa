"""The dashboard's figures: exposure against limits, aging buckets, held orders, overdue trend.

Composed from the capabilities' read models; no query is written here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from policy_service.services.credit.queries import exposure_against_limits, held_orders
from policy_service.services.receivables.aging import total_buckets
from policy_service.services.receivables.queries import overdue_trend


@dataclass(frozen=True)
class Dashboard:
    """Everything the dashboard draws."""

    top_exposure: list[tuple[str, Decimal, Decimal]]  # (customer, exposure, limit+collateral)
    aging: dict[str, Decimal]
    held_orders: int
    customers_over_limit: int
    trend: list[tuple[date, Decimal]]


def dashboard(session: Any, today: date) -> Dashboard:
    """All the dashboard's figures as of `today`."""
    top, over = exposure_against_limits(session)
    return Dashboard(top, total_buckets(session, today), held_orders(session), over,
                     overdue_trend(session, today))
