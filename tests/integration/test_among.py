"""``among``: the same rows as ``IN`` on both databases (an array parameter on PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import select

from policy_service.container import Services
from policy_service.db.among import among
from policy_service.db.models import Customer
from tests.integration.receivables_book import customer


def test_among_finds_the_listed_ids_and_nothing_for_an_empty_list(services: Services) -> None:
    for customer_id in ("C-1", "C-2", "C-3"):
        customer(services, customer_id)
    with services.uow() as uow:
        def ids(values: list[str]) -> list[str]:
            return list(uow.session.scalars(select(Customer.id).where(
                among(uow.session, Customer.id, values)).order_by(Customer.id)))

        assert ids(["C-3", "C-1", "C-9"]) == ["C-1", "C-3"]
        assert ids([]) == []
        connection = uow.session.connection()  # a Connection works as well
        assert list(connection.scalars(select(Customer.id).where(
            among(connection, Customer.id, ["C-2"])))) == ["C-2"]
