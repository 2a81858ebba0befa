"""`policy-service daily --as-of DATE [--shard I/N]`: the receivables day, in customer batches.

Every effect is keyed by a unique constraint (accrual per invoice and day, step per
invoice and rule, outbox message per key, review per customer and review date, legal
case per invoice, candidate per customer, aging snapshot per customer and date) and each
batch of customers commits on its own. So running a day twice changes nothing, and a
run killed half-way and started again ends where one clean run would.

Each batch commits the run's counts with its effects. A run that fails is logged
``failed``; one killed outright stays ``running`` until the next run of its day and
shard marks it ``superseded`` and carries its counts on, so the finished rerun reports
the totals of the day, not only its own share.

An as-of date before the latest finished run's ("back-dated") is allowed: it adds only
what is missing up to that date — no accrual day is recomputed or removed, no step is
repeated — and it never lifts a stop-supply (a later run's state is not undone).
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from policy_service.db.models import Customer, Tier
from policy_service.db.models_receivables import DailyRun
from policy_service.db.types import utcnow
from policy_service.services.day.batch import process
from policy_service.services.day.books import load_books
from policy_service.services.day.context import RunContext
from policy_service.services.day.progress import BatchDone, DayObserver
from policy_service.services.day.reviews import review_context
from policy_service.services.errors import Invalid
from policy_service.services.rules.registry import RuleSetRegistry
from policy_service.services.unit_of_work import UnitOfWork

DEFAULT_BATCH = 500
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Shard:
    """Customers whose crc32(id) % count == index belong to this shard."""

    index: int = 0
    count: int = 1

    @classmethod
    def parse(cls, text: str) -> Shard:
        """'I/N' with 0 <= I < N."""
        try:
            index, count = (int(part) for part in text.split("/"))
        except ValueError as exc:
            raise Invalid(f"shard must look like I/N (e.g. 0/4), got {text!r}") from exc
        if count < 1 or not 0 <= index < count:
            raise Invalid(f"shard {text!r}: need 0 <= I < N")
        return cls(index, count)

    def owns(self, customer_id: str) -> bool:
        """Whether this shard processes the customer."""
        return zlib.crc32(customer_id.encode("utf-8")) % self.count == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


@dataclass(frozen=True)
class RunReport:
    """What a run did."""

    as_of: date
    shard: str
    backdated: bool
    counts: dict[str, int]


def latest_as_of(session: Session) -> date | None:
    """The as-of date of the latest finished run (any shard)."""
    return session.scalar(select(func.max(DailyRun.as_of)).where(DailyRun.status == "finished"))


def _id_pages(uow: UnitOfWork, size: int) -> Iterator[list[str]]:
    """Customer ids in pages, by keyset (memory stays flat as the book grows)."""
    after = ""
    while True:
        with uow:
            ids = list(uow.session.scalars(select(Customer.id).where(Customer.id > after)
                                           .order_by(Customer.id).limit(size)))
        if not ids:
            return
        yield ids
        after = ids[-1]


def _shard_size(uow: UnitOfWork, shard: Shard, page: int) -> int:
    """How many customers belong to the shard (for the observer's "done of total")."""
    if shard.count == 1:
        with uow:
            return int(uow.session.scalar(select(func.count()).select_from(Customer)) or 0)
    return sum(sum(1 for i in ids if shard.owns(i)) for ids in _id_pages(uow, page * 10))


def _context(rulesets: RuleSetRegistry, session: Session, as_of: date) -> RunContext:
    latest = latest_as_of(session)
    return RunContext(
        as_of=as_of, backdated=latest is not None and as_of < latest, engine=rulesets.engine,
        penalty=rulesets.current(session, "overdue_penalty"),
        escalation=rulesets.current(session, "escalation"),
        review=review_context(session, rulesets.current(session, "limit_review")),
        classes=rulesets.current(session, "receivable_classes"),
        watch=rulesets.current(session, "blacklist_watch"),
        warning=rulesets.current(session, "early_warning"),
        grace_days={t.code: t.grace_days for t in session.scalars(select(Tier))})


def _begin(uow: UnitOfWork, ctx: RunContext, shard: str) -> int:
    """Open this run's log row, carrying the day's counts so far for the shard.

    The latest earlier run of the same day and shard already holds everything done
    before it (its counts are committed with each batch), so this run starts from its
    counts and ends with the totals of the day. One left ``running`` (killed) or
    ``failed`` is marked ``superseded``. Customers are not carried: every run goes
    through all of the shard's customers.
    """
    with uow:
        previous = uow.session.scalars(
            select(DailyRun).where(DailyRun.as_of == ctx.as_of, DailyRun.shard == shard)
            .order_by(DailyRun.id.desc()).limit(1)).first()
        if previous is not None:
            ctx.counts.update({k: int(v) for k, v in previous.counts.items() if k != "customers"})
            if previous.status in ("running", "failed"):
                previous.status = "superseded"
        run = DailyRun(as_of=ctx.as_of, shard=shard, status="running", counts=dict(ctx.counts))
        uow.session.add(run)
        uow.commit()
        return run.id


def _record(session: Session, run_id: int, status: str, counts: Mapping[str, int]) -> None:
    row = session.get(DailyRun, run_id)
    assert row is not None
    row.status, row.counts = status, {k: int(v) for k, v in sorted(counts.items())}
    if status != "running":
        row.finished_at = utcnow()


def _mark_failed(uow: UnitOfWork, run_id: int, committed: Mapping[str, int]) -> None:
    """Log the run as failed with what its committed batches did; never mask the failure."""
    try:
        with uow:
            _record(uow.session, run_id, "failed", committed)
            uow.commit()
    except Exception:  # the database itself may be what failed; the next run supersedes
        log.exception("could not mark daily run %s failed", run_id)


def run_daily(uow: UnitOfWork, rulesets: RuleSetRegistry, as_of: date, shard: Shard = Shard(), *,
              batch_size: int = DEFAULT_BATCH,
              after_batch: Callable[[int], None] | None = None,
              observer: DayObserver | None = None, today: date | None = None) -> RunReport:
    """Run the day for one shard; ``after_batch(n)`` is called after each committed batch.

    ``observer`` (see services.day.progress) hears of the start, each batch and the end.
    Given the business date ``today``, an ``as_of`` after it is refused before anything
    is written: it would accrue penalty days no one owes yet.
    """
    if today is not None and as_of > today:
        raise Invalid(f"as-of {as_of.isoformat()} is after today ({today.isoformat()}): "
                      "a day cannot be run before it comes", fields={"as_of": ["future"]})
    total = _shard_size(uow, shard, batch_size) if observer is not None else 0
    if observer is not None:
        observer.started(as_of, str(shard), total)
    with uow:
        ctx = _context(rulesets, uow.session, as_of)
    run_id = _begin(uow, ctx, str(shard))
    batches = done = 0
    committed = dict(ctx.counts)
    try:
        for page in _id_pages(uow, batch_size):
            ids = [i for i in page if shard.owns(i)]
            if not ids:
                continue
            with uow:
                process(uow.session, ctx, load_books(uow.session, ids, as_of, ctx.history_days))
                _record(uow.session, run_id, "running", ctx.counts)
                uow.commit()
            committed = dict(ctx.counts)
            batches += 1
            done += len(ids)
            if observer is not None:
                observer.batch_done(BatchDone(batches, len(ids), done, total, committed))
            if after_batch is not None:
                after_batch(batches)
    except BaseException:
        _mark_failed(uow, run_id, committed)
        raise
    counts: dict[str, Any] = {k: int(v) for k, v in sorted(ctx.counts.items())}
    with uow:
        _record(uow.session, run_id, "finished", counts)
        uow.commit()
    if observer is not None:
        observer.finished(counts)
    return RunReport(as_of, str(shard), ctx.backdated, counts)
