"""KPI figures: amounts rounded to the currency's minor unit, ratios and days at fixed places."""

from decimal import Decimal

from policy_service.domain.kpi import KpiSums, figures


def _sums() -> KpiSums:
    sums = KpiSums(opening=Decimal("1000"), closing=Decimal("600"),
                   closing_current=Decimal("400"), credit_sales=Decimal("900"),
                   collected=Decimal("1300.5"), written_off=Decimal("0"))
    sums.add_payment(Decimal("1300.5"), 3)
    return sums


def test_jpy_amounts_are_whole_yen_and_cny_amounts_whole_cents() -> None:
    jpy = figures(_sums(), 30, "JPY")
    cny = figures(_sums(), 30, "CNY")
    assert (jpy["collected"], jpy["receivables"], jpy["credit_sales"], jpy["written_off"]) == (
        "1301.00", "600.00", "900.00", "0.00")
    assert (cny["collected"], cny["receivables"], cny["credit_sales"], cny["written_off"]) == (
        "1300.50", "600.00", "900.00", "0.00")


def test_ratios_and_days_do_not_depend_on_the_currency() -> None:
    jpy = figures(_sums(), 30, "JPY")
    # DSO 600 / 900 × 30 = 20; CEI (1000 + 900 − 600) / (1000 + 900 − 400) × 100 = 86.67
    assert (jpy["dso"], jpy["cei"], jpy["overdue_ratio"], jpy["avg_days_late"]) == (
        "20.00", "86.67", "0.3333", "3.00")
