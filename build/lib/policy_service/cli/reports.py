"""`policy-service collections statement ...` and `collections kpis`: reports from a terminal.

The statement is the API's (JSON, CSV or the bilingual PDF), written to standard output or
``--out FILE``; ``statement send`` queues it by email through the outbox as
``POST /v1/customers/{id}/statement/send`` does. ``kpis`` prints the KPI figures as a table,
as JSON or as the API's CSV.
"""

from __future__ import annotations

import logging
import sys
from datetime import date
from pathlib import Path

import click

from policy_service.cli.params import echo_json, iso_date, json_text, refused, services, table
from policy_service.services.receivables import kpis as kpi_service
from policy_service.services.receivables import statement as statements
from policy_service.services.receivables import statement_pdf
from policy_service.services.receivables.statement_send import send_statement

log = logging.getLogger("policy_service.cli.reports")
FORMATS = ("json", "csv", "pdf")


def _period(customer: str | None, start: date | None, end: date | None, timezone: str
            ) -> statements.Period:
    missing = [name for name, value in (("--customer", customer), ("--from", start),
                                        ("--to", end)) if value is None]
    if missing:
        raise click.UsageError(f"a statement needs {', '.join(missing)}")
    assert customer is not None and start is not None and end is not None
    return statements.Period(customer, start, end, timezone)


@click.group(invoke_without_command=True)
@click.option("--customer", default=None, help="The customer's id.")
@click.option("--from", "start", callback=iso_date, default=None, help="First day, YYYY-MM-DD.")
@click.option("--to", "end", callback=iso_date, default=None, help="Last day, YYYY-MM-DD.")
@click.option("--format", "kind", type=click.Choice(FORMATS), default="json",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to FILE [default: standard output].")
@click.pass_context
def statement(ctx: click.Context, customer: str | None, start: date | None, end: date | None,
              kind: str, out: Path | None) -> None:
    """A customer's statement of account (对账单) for a period; `statement send` emails it."""
    if ctx.invoked_subcommand is not None:
        return
    if kind == "pdf" and out is None and sys.stdout.isatty():
        raise click.UsageError("a PDF is not for the terminal: add --out FILE (or redirect)")
    app = services()
    period = _period(customer, start, end, app.settings.timezone)
    with refused():
        document = statements.statement(app.uow(), period)
    if kind == "pdf":
        data = statement_pdf.render(document)
    elif kind == "csv":
        data = statements.statement_csv(document).encode("utf-8")
    else:
        data = (json_text(document) + "\n").encode("utf-8")
    log.info("statement of %s %s..%s as %s: %d lines, to %s", period.customer_id,
             period.start, period.end, kind, len(document["lines"]), out or "stdout")
    if out is None:
        click.echo(data, nl=False)  # bytes go to the binary stream as they are
        return
    out.write_bytes(data)
    click.echo(f"statement of {period.customer_id} {period.start}..{period.end}: "
               f"{len(document['lines'])} lines, closing {document['closing_balance']} "
               f"{document['currency']} -> {out}", err=True)


@statement.command("send")
@click.option("--customer", required=True)
@click.option("--from", "start", callback=iso_date, required=True)
@click.option("--to", "end", callback=iso_date, required=True)
@click.option("--by", "actor", required=True, help="Who sends it (recorded and logged).")
def send(customer: str, start: date, end: date, actor: str) -> None:
    """Queue the statement PDF by email to the customer's address (delivered by outbox send)."""
    app = services()
    with refused():
        sent = send_statement(app.uow(), _period(customer, start, end, app.settings.timezone),
                              actor)
    log.info("statement of %s %s..%s queued as message %s to %s by %s", customer, start, end,
             sent["message_id"], sent["recipient"], actor)
    click.echo(f"statement of {customer} {start}..{end} queued as message {sent['message_id']} "
               f"to {sent['recipient']} ({sent['attachment']}); `policy-service outbox send` "
               "delivers it")


@click.command()
@click.option("--as-of", "as_of", callback=iso_date, default=None,
              help="YYYY-MM-DD  [default: the business date]")
@click.option("--period", "period_days", default=90, show_default=True, type=int,
              help="Days in the period (as_of - period, as_of].")
@click.option("--owner", default=None, help="Only this account owner's rows.")
@click.option("--csv", "as_csv", is_flag=True, help="The API's CSV: one row per owner and "
                                                    "currency (owner * = overall).")
@click.option("--json", "as_json", is_flag=True, help="The API's JSON body.")
def kpis(as_of: date | None, period_days: int, owner: str | None, as_csv: bool,
         as_json: bool) -> None:
    """Collection KPIs (考核): DSO, CEI, overdue ratio, days late, collected, written off."""
    app = services()
    with refused():
        document = kpi_service.kpis(app.uow(), as_of or app.today(), period_days,
                                    app.settings.timezone, owner)
    log.info("KPIs as of %s over %d days: %d owner(s), currencies %s", document["as_of"],
             period_days, len(document["by_owner"]), ", ".join(document["overall"]) or "none")
    if as_csv:
        click.echo(kpi_service.kpis_csv(document), nl=False)
        return
    if as_json:
        echo_json(document)
        return
    click.echo(f"KPIs as of {document['as_of']} over {period_days} days")
    rows = [("*", c, v) for c, v in document["overall"].items()]
    rows += [(o, c, v) for o, cs in document["by_owner"].items() for c, v in cs.items()]
    table(("owner", "currency", "DSO", "CEI %", "overdue ratio", "avg days late", "collected",
           "written off"),
          [(o, c, v["dso"], v["cei"], v["overdue_ratio"], v["avg_days_late"], v["collected"],
            v["written_off"]) for o, c, v in rows])
