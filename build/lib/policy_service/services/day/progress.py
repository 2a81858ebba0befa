"""How a day's run reports its progress: an observer protocol, and the per-shard summary.

`run_daily` tells its observer when it starts (with the number of customers in the
shard), after each committed batch and when it finishes. The service itself never
prints; the CLI passes an observer that draws a progress bar or logs one line a batch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from policy_service.db.models_receivables import DailyRun

# What the summary shows, in this order, with a plain name; other counts follow.
SUMMARY_ITEMS = (
    ("customers", "customers"), ("penalty_days", "penalty days"),
    ("dunning_steps", "dunning steps"), ("messages", "messages queued"),
    ("stop_supply_set", "stops"), ("stop_supply_lifted", "lifts"),
    ("legal_cases", "legal cases"), ("blacklist_candidates", "blacklist candidates"),
    ("reviews", "reviews"),
)


@dataclass(frozen=True)
class BatchDone:
    """One committed batch: its number, its customers, and the run's totals so far."""

    number: int
    customers: int
    done: int
    total: int
    counts: Mapping[str, int]


class DayObserver(Protocol):
    """Receives a run's progress; every method must return quickly and never raise."""

    def started(self, as_of: date, shard: str, total: int) -> None:
        """The run began; ``total`` customers belong to the shard."""
        ...

    def batch_done(self, batch: BatchDone) -> None:
        """A batch of customers was processed and committed."""
        ...

    def finished(self, counts: Mapping[str, int]) -> None:
        """The run finished with these counts."""
        ...


def summary_rows(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """(plain name, number) for the summary: the known items first, then any others."""
    known = [(label, int(counts.get(key, 0))) for key, label in SUMMARY_ITEMS]
    named = {key for key, _ in SUMMARY_ITEMS}
    return known + [(key.replace("_", " "), int(v)) for key, v in sorted(counts.items())
                    if key not in named]


def shard_counts(session: Session, as_of: date) -> dict[str, dict[str, int]]:
    """The counts of the latest finished run of each shard for ``as_of``, by shard."""
    rows = session.scalars(select(DailyRun).where(DailyRun.as_of == as_of,
                                                  DailyRun.status == "finished")
                           .order_by(DailyRun.id))
    latest = {row.shard: {k: int(v) for k, v in row.counts.items()} for row in rows}
    return dict(sorted(latest.items()))


def total_counts(by_shard: Mapping[str, Mapping[str, int]]) -> dict[str, int]:
    """The counts of all shards added up."""
    total: dict[str, int] = {}
    for counts in by_shard.values():
        for key, value in counts.items():
            total[key] = total.get(key, 0) + int(value)
    return total
