"""`daily` as a whole: shards give the result of one run; a killed run re-run ends the same."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from policy_service.container import Services
from policy_service.db.models_receivables import DailyRun
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


def _runs(app: Services, as_of: date) -> list[tuple[str, dict[str, int]]]:
    with app.uow() as uow:
        rows = uow.session.scalars(select(DailyRun).where(DailyRun.as_of == as_of)
                                   .order_by(DailyRun.id))
        return [(row.status, dict(row.counts)) for row in rows]


def test_a_failed_run_is_logged_failed_and_the_rerun_reports_the_day_in_all(
        services: Services) -> None:
    seed_book(services)
    clean = run_daily(services.uow(), services.rulesets, AS_OF - timedelta(days=30),
                      batch_size=4).counts
    _empty(services)
    seed_book(services)

    def fail(batch: int) -> None:
        if batch == 2:
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        run_daily(services.uow(), services.rulesets, AS_OF - timedelta(days=30), batch_size=4,
                  after_batch=fail)
    ((status, partial),) = _runs(services, AS_OF - timedelta(days=30))
    assert status == "failed" and partial["customers"] == 8
    report = run_daily(services.uow(), services.rulesets, AS_OF - timedelta(days=30),
                       batch_size=4)
    assert [s for s, _ in _runs(services, AS_OF - timedelta(days=30))] == ["superseded",
                                                                           "finished"]
    assert report.counts == clean


def test_a_run_killed_outright_is_superseded_by_the_next_which_counts_its_work(
        services: Services) -> None:
    seed_book(services)
    clean = run_daily(services.uow(), services.rulesets, AS_OF, batch_size=4).counts
    _empty(services)
    seed_book(services)
    with services.uow() as uow:  # what kill -9 after two batches leaves: a "running" row
        uow.session.add(DailyRun(as_of=AS_OF, shard="0/1", status="running", counts={}))
        uow.commit()

    def kill(batch: int) -> None:
        if batch == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_daily(services.uow(), services.rulesets, AS_OF, batch_size=4, after_batch=kill)
    with services.uow() as uow:  # and make it look killed, not failed
        row = uow.session.scalars(select(DailyRun).order_by(DailyRun.id.desc())).first()
        row.status = "running"
        uow.commit()
    report = run_daily(services.uow(), services.rulesets, AS_OF, batch_size=4)
    statuses = [s for s, _ in _runs(services, AS_OF)]
    assert statuses == ["superseded", "superseded", "finished"]
    assert report.counts == clean
    again = run_daily(services.uow(), services.rulesets, AS_OF, batch_size=4)
    assert again.counts == clean  # a rerun of a finished day still reports the day
