"""The pure aging rule: buckets by days past due; written-off invoices are bad debt."""

from __future__ import annotations

from decimal import Decimal

from policy_service.domain.aging import AgingTotals, ReceivableClass


def _classify(days: int, written_off: bool) -> ReceivableClass:
    if written_off or days > 180:
        return ReceivableClass("w", "write_off", Decimal("100"), {})
    return ReceivableClass("d", "doubtful", Decimal("20"), {})


def test_a_written_off_amount_is_in_its_class_and_the_provision_but_in_no_bucket() -> None:
    totals = AgingTotals(_classify)
    totals.add(Decimal("100.00"), 45)
    totals.add(Decimal("50.00"), 45, written_off=True)
    assert totals.buckets["31-60"] == Decimal("100.00")
    assert sum(totals.buckets.values()) == Decimal("100.00")
    assert totals.classes["write_off"] == Decimal("50.00")
    assert totals.provision_total == Decimal("70.00")


def test_without_a_classifier_only_the_buckets_are_kept_and_nothing_owed_counts_nowhere() -> None:
    totals = AgingTotals()
    totals.add(Decimal("10.00"), 0)
    totals.add(Decimal("0.00"), 95)
    totals.add(Decimal("30.00"), 95, written_off=True)
    assert totals.buckets == {"not_due": Decimal("10.00"), "1-30": Decimal("0.00"),
                              "31-60": Decimal("0.00"), "61-90": Decimal("0.00"),
                              "91+": Decimal("0.00")}
    assert totals.provision_total == Decimal("0.00")
