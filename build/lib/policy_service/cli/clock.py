"""`policy-service clock show` and `clock set YYYY-MM-DD` (with POLICY_TEST_CLOCK=1)."""

from __future__ import annotations

import logging
from datetime import date

import click

from policy_service.cli.params import iso_date
from policy_service.config import Settings
from policy_service.container import Services
from policy_service.services.errors import ServiceError

log = logging.getLogger("policy_service.cli")


@click.group()
def clock() -> None:
    """The business date (the test clock moves it for training and simulations)."""


@clock.command("show")
def show() -> None:
    """Print the business date and whether the test clock is on."""
    app = Services.build(Settings.from_env())
    app.bootstrap()
    state = "on" if app.clock.test_clock else "off"
    click.echo(f"today: {app.today().isoformat()} (time zone {app.clock.timezone}, "
               f"test clock {state})")


@clock.command("set")
@click.argument("day", callback=iso_date, metavar="YYYY-MM-DD")
@click.option("--by", "actor", default="cli", show_default=True, help="Who sets it (logged).")
def set_day(day: date, actor: str) -> None:
    """Move the business date for every process on this database (test clock only)."""
    app = Services.build(Settings.from_env())
    app.bootstrap()
    try:
        app.clock.set(day, actor)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc
    log.info("test clock set to %s by %s", day.isoformat(), actor)
    click.echo(f"today: {day.isoformat()} (test clock)")
