"""What `policy-service daily` shows while it runs: a tqdm bar on a terminal, else log lines.

Both are observers of `run_daily` (services.day.progress.DayObserver); the summary
printed at the end is `summary_lines`.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Mapping
from datetime import date
from typing import Never, TextIO

from tqdm import tqdm

from policy_service.services.day.progress import BatchDone, summary_rows

log = logging.getLogger("policy_service.cli.daily")


class ProgressBar:
    """A bar on the terminal: customers done of total, rate and time left."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream
        self.bar: tqdm[Never] | None = None  # a bar over no iterable: it yields nothing

    def started(self, as_of: date, shard: str, total: int) -> None:
        """Draw an empty bar."""
        self.bar = tqdm(total=total, unit="customer", unit_scale=False, dynamic_ncols=True,
                        desc=f"daily {as_of.isoformat()} shard {shard}",
                        file=self.stream or sys.stderr)

    def batch_done(self, batch: BatchDone) -> None:
        """Advance by the batch's customers."""
        if self.bar is not None:
            self.bar.update(batch.customers)

    def finished(self, counts: Mapping[str, int]) -> None:
        """Close the bar."""
        if self.bar is not None:
            self.bar.close()


class BatchLog:
    """One log line per batch, for logs and pipes (no terminal to draw on)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.start = clock()
        self.label = ""

    def started(self, as_of: date, shard: str, total: int) -> None:
        """Log the start and the shard's size."""
        self.start = self.clock()
        self.label = f"daily {as_of.isoformat()} shard {shard}"
        log.info("%s: %d customer(s) to process", self.label, total)

    def batch_done(self, batch: BatchDone) -> None:
        """Log the batch, how far the run is, its rate and the time left."""
        elapsed = max(self.clock() - self.start, 1e-9)
        rate = batch.done / elapsed
        left = (batch.total - batch.done) / rate if rate else 0.0
        log.info("%s: batch %d: %d customer(s); %d of %d done, %.1f/s, about %ds left",
                 self.label, batch.number, batch.customers, batch.done, batch.total, rate,
                 round(left))

    def finished(self, counts: Mapping[str, int]) -> None:
        """Log the end and how long it took."""
        log.info("%s: finished in %.1fs", self.label, self.clock() - self.start)


def observer_for(stream: TextIO) -> ProgressBar | BatchLog:
    """A bar when ``stream`` is a terminal, else a log line per batch."""
    return ProgressBar(stream) if stream.isatty() else BatchLog()


def summary_lines(by_shard: Mapping[str, Mapping[str, int]],
                  total: Mapping[str, int]) -> list[str]:
    """A table of what the day did: one column per shard that ran, and the total."""
    shards = list(by_shard)
    per_shard = [dict(summary_rows(by_shard[s])) for s in shards]
    header = ["", *(f"shard {s}" for s in shards), "all"]
    body = [[label, *(str(counts.get(label, 0)) for counts in per_shard), str(number)]
            for label, number in summary_rows(total)]
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    lines = []
    for row in [header, *body]:
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:],
                                                                        strict=True)]
        lines.append("  " + "  ".join(cells).rstrip())
    return lines
