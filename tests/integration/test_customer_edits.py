"""A risk manager's customer and tier edits, through the services the admin screens call."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from policy_service.container import Services
from policy_service.db.models import Tier
from policy_service.db.models_admin import ChangeRecord
from policy_service.services.credit.customers import set_status
from policy_service.services.credit.edits import CustomerEdit, TierEdit, edit_customer, edit_tier
from policy_service.services.errors import Invalid, NotFound
from tests.integration.receivables_book import customer, get_customer

EDIT = CustomerEdit(tier="B", credit_limit=Decimal("2500.00"), collateral_amount=Decimal("0"),
                    payment_term_days=None, status="active", status_reason=None,
                    next_review_date=date(2027, 5, 23), owner="sales-1")


def _history(services: Services) -> dict[str, ChangeRecord]:
    with services.database.sessions() as session:
        return {r.field: r for r in session.scalars(select(ChangeRecord))}


def test_an_edit_changes_the_terms_and_records_each_changed_field(services: Services) -> None:
    customer(services)
    edit_customer(services.uow(), "C-1", replace(EDIT, tier="A"), "rm")
    after = get_customer(services)
    assert (after.tier_code, after.credit_limit) == ("A", Decimal("2500.00"))
    history = _history(services)
    assert history["credit_limit"].new_value == "2500.00"
    assert (history["tier"].old_value, history["tier"].new_value) == ("B", "A")
    assert history["tier"].changed_by == "rm"


def test_a_status_change_stores_its_reason_as_the_status_endpoint_does(
        services: Services) -> None:
    customer(services)
    customer(services, "C-2")
    edit_customer(services.uow(), "C-1",
                  replace(EDIT, status="blacklisted", status_reason=" fraud "), "rm")
    set_status(services.uow(), "C-2", "blacklisted", " fraud ", "rm")
    assert get_customer(services).status_reason == get_customer(services, "C-2").status_reason
    assert get_customer(services).status_reason == "fraud (rm)"


@pytest.mark.parametrize("reason", [None, "  "])
def test_a_status_change_without_a_reason_is_refused_and_changes_nothing(
        services: Services, reason: str | None) -> None:
    customer(services)
    with pytest.raises(Invalid) as refused:
        edit_customer(services.uow(), "C-1",
                      replace(EDIT, status="stop_supply", status_reason=reason), "rm")
    assert refused.value.fields == {"status_reason": ["required"]}
    assert get_customer(services).status == "active"
    assert _history(services) == {}


def test_a_status_change_needs_a_new_reason_not_the_stored_one(services: Services) -> None:
    customer(services)
    set_status(services.uow(), "C-1", "blacklisted", "fraud", "rm")
    with pytest.raises(Invalid) as refused:
        edit_customer(services.uow(), "C-1",
                      replace(EDIT, status="active", status_reason="fraud (rm)"), "rm")
    assert refused.value.fields == {"status_reason": ["unchanged"]}
    edit_customer(services.uow(), "C-1",
                  replace(EDIT, status="active", status_reason="paid up"), "rm2")
    assert get_customer(services).status_reason == "paid up (rm2)"


def test_an_unknown_customer_tier_or_status_is_refused(services: Services) -> None:
    customer(services)
    with pytest.raises(NotFound):
        edit_customer(services.uow(), "NOPE", EDIT, "rm")
    with pytest.raises(Invalid):
        edit_customer(services.uow(), "C-1", replace(EDIT, tier="Z"), "rm")
    with pytest.raises(Invalid):
        edit_customer(services.uow(), "C-1", replace(EDIT, status="gone", status_reason="x"),
                      "rm")
    with pytest.raises(Invalid):
        edit_customer(services.uow(), "C-1", replace(EDIT, credit_limit=Decimal("-1")), "rm")


def test_a_tier_edit_changes_its_defaults_and_records_them(services: Services) -> None:
    edit = TierEdit(name_en="good", name_zh="良好", payment_term_days=75,
                    review_interval_months=12, grace_days=5)
    edit_tier(services.uow(), "A", edit, "rm")
    with services.database.sessions() as session:
        tier = session.get(Tier, "A")
        assert (tier.name_en, tier.payment_term_days) == ("good", 75)
    history = _history(services)
    assert (history["payment_term_days"].old_value, history["payment_term_days"].new_value) == (
        "90", "75")
    with pytest.raises(NotFound):
        edit_tier(services.uow(), "Z", edit, "rm")
    with pytest.raises(Invalid):
        edit_tier(services.uow(), "A", replace(edit, grace_days=-1), "rm")
