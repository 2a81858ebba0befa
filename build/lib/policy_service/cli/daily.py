"""`policy-service daily --as-of DATE [--shard I/N]` and `policy-service outbox send`."""

from __future__ import annotations

import logging
import sys
from dataclasses import replace
from datetime import date

import click

from policy_service.cli.params import iso_date
from policy_service.cli.progress import observer_for, summary_lines
from policy_service.config import Settings
from policy_service.container import Services
from policy_service.services.day.progress import shard_counts, summary_rows, total_counts
from policy_service.services.day.run import DEFAULT_BATCH, Shard, run_daily
from policy_service.services.errors import ServiceError
from policy_service.services.outbox.adapters import delivery_adapters
from policy_service.services.outbox.messages import MAX_ATTEMPTS, send_pending

log = logging.getLogger("policy_service.cli.daily")


def _shard(_ctx: click.Context, _param: click.Parameter, value: str) -> Shard:
    try:
        return Shard.parse(value)
    except ServiceError as exc:
        raise click.BadParameter(exc.message) from exc


@click.command()
@click.option("--as-of", "as_of", callback=iso_date,
              help="YYYY-MM-DD, not after the business date  [default: the business date]")
@click.option("--shard", default="0/1", show_default=True, callback=_shard,
              help="Process only customers of shard I of N (crc32 of the id mod N).")
@click.option("--batch-size", default=DEFAULT_BATCH, show_default=True, type=int)
def daily(as_of: date | None, shard: Shard, batch_size: int) -> None:
    """Run the day: penalties, dunning, stop-supply, legal cases, candidates, reviews, aging."""
    settings = Settings.from_env()
    app = Services.build(replace(settings, statement_timeout=settings.batch_statement_timeout))
    app.bootstrap()
    today = app.today()
    as_of = as_of or today
    try:
        report = run_daily(app.uow(), app.rulesets, as_of, shard, batch_size=batch_size,
                           observer=observer_for(sys.stderr), today=today)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc
    note = " (back-dated: only what was missing; nothing undone)" if report.backdated else ""
    click.echo(f"daily {report.as_of.isoformat()} shard {report.shard}{note}")
    for name, value in report.counts.items():
        click.echo(f"  {name}: {value}")
    with app.uow() as uow:
        by_shard = shard_counts(uow.session, as_of)
    log.info("daily %s shard %s done: %s", as_of.isoformat(), report.shard,
             ", ".join(f"{n} {label}" for label, n in summary_rows(report.counts)))
    click.echo(f"what the day {as_of.isoformat()} did (latest finished run of each shard):")
    for line in summary_lines(by_shard, total_counts(by_shard)):
        click.echo(line)


@click.group()
def outbox() -> None:
    """Messages queued by the day's run."""


@outbox.command("send")
@click.option("--limit", default=1000, show_default=True, type=int)
@click.option("--retries", default=2, show_default=True, type=int,
              help="Immediate retries per message (pauses double from --pause).")
@click.option("--pause", default=1.0, show_default=True, type=float)
@click.option("--max-attempts", default=MAX_ATTEMPTS, show_default=True, type=int,
              help="Runs after which a message that keeps failing is marked failed.")
def send(limit: int, retries: int, pause: float, max_attempts: int) -> None:
    """Deliver pending messages (email over SMTP when POLICY_SMTP_HOST is set, else logged)."""
    app = Services.build(Settings.from_env())
    app.bootstrap()
    report = send_pending(app.uow(), delivery_adapters(app.settings.smtp), limit=limit,
                          retries=retries, pause=pause, max_attempts=max_attempts)
    click.echo(f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}")


def register(cli: click.Group) -> None:
    """Add these commands to the main group."""
    cli.add_command(daily)
    cli.add_command(outbox)
