"""What releasing several held orders at once does to each customer's available credit.

The held-orders screen asks this before a bulk release: the selected holds grouped by
customer, each customer's available credit now and after all its selected holds are
released (reservations added up, in the customer's own currency), and whether that takes
the customer over its limit. A read model: no commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from policy_service.db.models import CreditCheck
from policy_service.domain.decision import recorded_prepayment
from policy_service.services.credit.checks import reservation
from policy_service.services.credit.queries import CustomerExposure, customer_exposures


@dataclass(frozen=True)
class SelectedHold:
    """One selected order: its reference, amount and what releasing it would reserve."""

    decision_id: str
    order_id: str
    customer_id: str
    amount: Decimal
    currency: str
    reserves: Decimal
    on_hold: bool  # False when it was decided meanwhile


@dataclass(frozen=True)
class CustomerEffect:
    """A customer's available credit before and after releasing its selected holds."""

    customer: CustomerExposure
    orders: tuple[SelectedHold, ...]

    @property
    def reserves(self) -> Decimal:
        """What the selected holds would reserve together (all in the customer's currency)."""
        return sum((o.reserves for o in self.orders if o.on_hold), Decimal("0.00"))

    @property
    def available_after(self) -> Decimal:
        """Available credit once the selected holds are released."""
        return self.customer.available - self.reserves

    @property
    def utilization_after(self) -> Decimal | None:
        """Exposure after release over limit + collateral, in percent (None at 0 limit)."""
        return self.customer.utilization(self.reserves)

    @property
    def over_limit_after(self) -> bool:
        """True when releasing takes the customer's exposure over its limit."""
        return self.customer.exposure + self.reserves > self.customer.limit


def selected_holds(session: Session, decision_ids: Sequence[str]) -> list[SelectedHold]:
    """The selected credit checks, by order reference; unknown ids are left out."""
    checks = session.scalars(select(CreditCheck).where(
        CreditCheck.decision_id.in_(list(decision_ids))).order_by(CreditCheck.order_id)).all()
    return [SelectedHold(
        c.decision_id, c.order_id, c.customer_id, c.amount, c.currency,
        reservation(c.amount, "approved",
                    recorded_prepayment(c.conditions or [], c.amount, c.currency)),
        c.outcome == "hold" and c.status == "open") for c in checks]


def release_preview(session: Session, decision_ids: Sequence[str]) -> list[CustomerEffect]:
    """Per customer (by name): the selected holds and what releasing them all would do."""
    holds = selected_holds(session, decision_ids)
    exposures = {e.customer_id: e for e in customer_exposures(
        session, sorted({h.customer_id for h in holds}))}
    effects = [CustomerEffect(exposure, tuple(h for h in holds if h.customer_id == cid))
               for cid, exposure in exposures.items()]
    return sorted(effects, key=lambda e: (e.customer.name, e.customer.customer_id))
