"""What the operator's commands share: parsing dates and amounts, printing, service errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

import click

from policy_service.config import Settings
from policy_service.container import Services
from policy_service.domain.money import MoneyError, parse_amount
from policy_service.services.errors import ServiceError


def iso_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    """A click callback: YYYY-MM-DD, or a usage error naming the bad value."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date like 2026-11-23") from exc


def amount(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Decimal | None:
    """A click callback: a decimal string such as 1200.00 (no floats, no negatives)."""
    if value is None:
        return None
    try:
        return parse_amount(value)
    except MoneyError as exc:
        raise click.BadParameter(str(exc)) from exc


def services() -> Services:
    """The service container from the environment's settings, schema migrated."""
    app = Services.build(Settings.from_env())
    app.bootstrap()
    return app


@contextmanager
def refused() -> Iterator[None]:
    """A service's refusal (unknown id, bad amount, conflict) as a clear message, exit 1."""
    try:
        yield
    except ServiceError as exc:
        details = "; ".join(f"{field}: {', '.join(map(str, problems))}"
                            for field, problems in exc.fields.items()
                            if field != "rules")
        raise click.ClickException(exc.message + (f" ({details})" if details else "")) from exc


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def json_text(document: Any) -> str:
    """The document as indented JSON (amounts as decimal strings, dates as ISO)."""
    return json.dumps(document, ensure_ascii=False, indent=2, default=_plain)


def echo_json(document: Any) -> None:
    """Print ``json_text(document)``."""
    click.echo(json_text(document))


def table(headings: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Rows under headings, each column as wide as its widest cell; "-" for nothing."""
    cells = [tuple("-" if c is None or c == "" else str(c) for c in row) for row in rows]
    widths = [max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(headings)]
    for row in [headings, *cells]:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths,
                                                                        strict=True)).rstrip())
