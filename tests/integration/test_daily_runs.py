"""`daily` as a whole: shards give the result of one run; a killed run re-run ends the same."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from policy_service.container import Services
from policy_service.services.day.run import Shard, run_daily
from policy_service.services.errors import Invalid
from tests.conftest import _empty
from tests.integration.receivables_book import customer, invoice, pay, snapshot

AS_OF = date(2026, 6, 1)


def seed_book(app: Services) -> None:
    """Twelve customers of every tier with invoices from long overdue to not yet due."""
    app.bootstrap()
    for n in range(12):
        cid = f"C-{n:02d}"
        customer(app, cid, tier="ABCD"[n % 4], today=AS_OF - timedelta(days=120 + n))
        for k in range(4):
            due = AS_OF - timedelta(days=100 - 27 * k + n)
            invoice(app, f"I-{n:02d}-{k}", f"{1000 + 37 * n + k}.00", due, cid)
            if (n + k) % 3 == 0:
                pay(app, f"P-{n:02d}-{k}", f"I-{n:02d}-{k}", "500.00", due + timedelta(days=2))


def clean_run(app: Services) -> dict[str, object]:
    """The state after one clean run over the seeded book."""
    seed_book(app)
    run_daily(app.uow(), app.rulesets, AS_OF - timedelta(days=30), batch_size=4)
    run_daily(app.uow(), app.rulesets, AS_OF, batch_size=4)
    return snapshot(app)


def test_three_shards_end_in_the_state_of_one_run(services: Services) -> None:
    expected = clean_run(services)
    _empty(services)
    seed_book(services)
    for day in (AS_OF - timedelta(days=30), AS_OF):
        for index in (2, 0, 1):
            run_daily(services.uow(), services.rulesets, day, Shard(index, 3), batch_size=4)
    assert snapshot(services) == expected


def test_a_run_killed_half_way_and_run_again_ends_in_the_state_of_one_clean_run(
        services: Services) -> None:
    expected = clean_run(services)
    _empty(services)
    seed_book(services)
    run_daily(services.uow(), services.rulesets, AS_OF - timedelta(days=30), batch_size=4)

    def kill(batch: int) -> None:
        if batch == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_daily(services.uow(), services.rulesets, AS_OF, batch_size=4, after_batch=kill)
    assert snapshot(services) != expected
    run_daily(services.uow(), services.rulesets, AS_OF, batch_size=4)
    assert snapshot(services) == expected


@pytest.mark.parametrize("text", ["3/3", "1", "a/b", "0/0", "-1/2"])
def test_a_malformed_shard_is_refused(text: str) -> None:
    with pytest.raises(Invalid):
        Shard.parse(text)


def test_every_customer_belongs_to_exactly_one_shard() -> None:
    shards = [Shard(i, 4) for i in range(4)]
    assert all(sum(s.owns(f"C-{n}") for s in shards) == 1 for n in range(200))
