"""Collection KPIs (考核): DSO, CEI, overdue ratio, weighted days late, collected, written off.

For a period (as_of − days, as_of] and one currency, from sums the service gathers as they
were known on each date. Receivables are open principal (penalty excluded):

- DSO = closing receivables ÷ credit sales in the period × days in the period
- CEI = (opening + credit sales − closing) ÷ (opening + credit sales − closing current) × 100,
  where "current" is not yet past due at the end
- overdue ratio = receivables past due at the end ÷ closing receivables
- average days late = Σ principal paid × days late ÷ Σ principal paid, over the period's
  payments (paid early counts 0)

A figure whose divisor is zero (no credit sales, nothing to collect) is None; the overdue
ratio of nothing owed is 0. Ratios have 4 places, DSO, CEI and days 2, amounts rounded
to the currency's minor unit (whole yen for JPY) and written as the contract's money
strings (two decimals, like every amount on the wire); half-up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from policy_service.domain.money import quantize_to, to_wire

ZERO = Decimal("0.00")
FOUR = Decimal("0.0001")
TWO = Decimal("0.01")


@dataclass
class KpiSums:
    """The sums one row of KPIs is computed from (one owner or all, one currency)."""

    opening: Decimal = ZERO
    closing: Decimal = ZERO
    closing_current: Decimal = ZERO
    credit_sales: Decimal = ZERO
    collected: Decimal = ZERO
    written_off: Decimal = ZERO
    paid_principal: Decimal = ZERO
    paid_days_weighted: Decimal = ZERO  # Σ principal paid × days late

    def add(self, other: KpiSums) -> None:
        """Add another row's sums (same currency) into this one."""
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def add_payment(self, principal: Decimal, days_late: int) -> None:
        """One payment's principal, and how many days after its due date it came."""
        self.paid_principal += principal
        self.paid_days_weighted += principal * max(days_late, 0)


def total(rows: Iterable[KpiSums]) -> KpiSums:
    """The sums of several rows of one currency."""
    result = KpiSums()
    for row in rows:
        result.add(row)
    return result


def _q(value: Decimal, places: Decimal) -> str:
    return str(value.quantize(places, rounding=ROUND_HALF_UP))


def figures(sums: KpiSums, period_days: int, currency: str) -> dict[str, str | None]:
    """The contract's KPI figures of one row; amounts rounded to ``currency``'s minor unit."""
    dso = (_q(sums.closing / sums.credit_sales * period_days, TWO)
           if sums.credit_sales > 0 else None)
    collectible = sums.opening + sums.credit_sales - sums.closing_current
    cei = (_q((sums.opening + sums.credit_sales - sums.closing) / collectible * 100, TWO)
           if collectible > 0 else None)
    overdue = sums.closing - sums.closing_current
    ratio = _q(overdue / sums.closing, FOUR) if sums.closing > 0 else "0.0000"
    days = (_q(sums.paid_days_weighted / sums.paid_principal, TWO)
            if sums.paid_principal > 0 else "0.00")
    def amount(value: Decimal) -> str:
        return to_wire(quantize_to(value, currency))

    return {"dso": dso, "cei": cei, "overdue_ratio": ratio, "avg_days_late": days,
            "collected": amount(sums.collected), "written_off": amount(sums.written_off),
            "receivables": amount(sums.closing), "credit_sales": amount(sums.credit_sales)}
