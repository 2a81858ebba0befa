"""`policy-service collections ...`: the collector's desk from a terminal.

worklist, disputes (list, open, resolve), plans (list, due-this-week), contacts (log, list);
the statement and KPI commands are in cli/reports.py. Each command calls the same service
as the API; a refusal (unknown id, bad amount, conflict) is printed and exits 1 with
nothing changed, a malformed option exits 2. Writes name who did them (``--by``) and are
logged.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date
from decimal import Decimal

import click

from policy_service.cli import reports
from policy_service.cli.params import amount, echo_json, iso_date, refused, services, table
from policy_service.domain.money import money_text
from policy_service.services.collections import contacts, disputes, plans, queries

log = logging.getLogger("policy_service.cli.collections")
BY = click.option("--by", "actor", required=True, help="Who does it (recorded and logged).")
AS_JSON = click.option("--json", "as_json", is_flag=True, help="Print the API's JSON body.")


@click.group()
def collections() -> None:
    """Collections: worklist, disputes, payment plans, contacts, statements, KPIs."""


collections.add_command(reports.statement)
collections.add_command(reports.kpis)


@collections.command()
@click.option("--owner", default=None, help="Only this account owner's customers.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1))
@AS_JSON
def worklist(owner: str | None, limit: int, as_json: bool) -> None:
    """Customers with something overdue: broken plans first, then by priority."""
    app = services()
    items, _total = queries.worklist_window(app.uow(), app.rulesets, app.today(), owner, 0,
                                            limit)
    log.info("worklist %s%s: %d customer(s) shown", app.today(),
             f" of {owner}" if owner else "", len(items))
    if as_json:
        echo_json({"items": items})
        return
    table(("customer", "name", "owner", "overdue", "oldest days", "priority", "next step",
           "disputes", "plan", "broken plans", "last contact"),
          [(i["customer_id"], i["name"], i["owner"],
            money_text(i["overdue_amount"], i["currency"]), i["oldest_days"],
            f"{i['priority']:,.2f}",
            i["next_step"] and f"{i['next_step']['step']} on {i['next_step']['on']}",
            i["open_disputes"], i["active_plan"], i["broken_plans_365d"],
            i["last_contact"] and f"{i['last_contact']['on']} {i['last_contact']['channel']}: "
                                  f"{i['last_contact']['outcome']}") for i in items])


@collections.group("disputes")
def disputes_group() -> None:
    """Disputed invoices (争议)."""


@disputes_group.command("list")
@click.option("--customer", default=None, help="All of this customer's disputes "
                                               "[default: every open dispute, oldest first].")
@AS_JSON
def list_disputes(customer: str | None, as_json: bool) -> None:
    """Open disputes, oldest first, or every dispute of one customer."""
    app = services()
    if customer is None:
        with app.uow() as uow:
            found = queries.open_disputes(uow.session, app.today())
        log.info("%d open dispute(s)", len(found))
        if as_json:
            echo_json({"disputes": found})
            return
        table(("dispute", "invoice", "customer", "amount", "opened", "age days", "reason"),
              [(d["dispute_id"], d["invoice_id"], d["customer_id"],
                money_text(d["amount"], d["currency"]), d["opened_on"], d["age_days"],
                d["reason"]) for d in found])
        return
    with refused():
        found = disputes.list_disputes(app.uow(), customer)["disputes"]
    log.info("%d dispute(s) of %s", len(found), customer)
    if as_json:
        echo_json({"disputes": found})
        return
    table(("dispute", "invoice", "amount", "status", "opened", "resolved", "in favour of",
           "reason"),
          [(d["dispute_id"], d["invoice_id"], f"{d['amount']:,}", d["status"], d["opened_on"],
            d["resolved_on"], d["in_favour_of"], d["reason"]) for d in found])


@disputes_group.command("open")
@click.argument("invoice_id")
@click.option("--reason", required=True)
@click.option("--amount", "disputed", callback=amount, default=None,
              help="Disputed amount [default: the invoice's open principal].")
@click.option("--id", "dispute_id", default=None, help="[default: a new D-… id]")
@click.option("--note", default=None)
@BY
def open_dispute(invoice_id: str, reason: str, disputed: Decimal | None,
                 dispute_id: str | None, note: str | None, actor: str) -> None:
    """Open a dispute on an invoice (its disputed amount stops dunning and penalty)."""
    app = services()
    data = disputes.DisputeInput(dispute_id or f"D-{uuid.uuid4().hex[:12]}", invoice_id,
                                 reason, disputed, note)
    with refused():
        view, created = disputes.open_dispute(app.uow(), data, actor, app.today())
    log.info("dispute %s on invoice %s %s by %s (%s)", view["dispute_id"], invoice_id,
             "opened" if created else "already open", actor, view["amount"])
    click.echo(f"dispute {view['dispute_id']} on invoice {invoice_id}: {view['status']}, "
               f"amount {view['amount']:,}" + ("" if created else " (already recorded)"))


@disputes_group.command("resolve")
@click.argument("dispute_id")
@click.option("--in-favour-of", "favour", required=True, type=click.Choice(disputes.FAVOUR))
@click.option("--credit-note", "credit", callback=amount, default=None,
              help="In the customer's favour: the credit note [default: the disputed amount].")
@click.option("--note", required=True)
@BY
def resolve_dispute(dispute_id: str, favour: str, credit: Decimal | None, note: str,
                    actor: str) -> None:
    """Resolve a dispute; in the customer's favour a credit note reduces the invoice."""
    app = services()
    with refused():
        view = disputes.resolve_dispute(app.uow(), app.rulesets, dispute_id,
                                        disputes.Resolution(favour, note, credit), actor,
                                        app.today())
    log.info("dispute %s resolved in favour of the %s by %s (credit note %s)", dispute_id,
             favour, actor, view["credit_note_amount"])
    credited = view["credit_note_amount"]
    click.echo(f"dispute {dispute_id}: resolved in favour of the {favour}"
               + (f", credit note {credited:,}" if credited is not None else ""))


@collections.group("plans")
def plans_group() -> None:
    """Payment plans and promises to pay (分期付款, 付款承诺)."""


@plans_group.command("list")
@click.option("--customer", required=True)
@AS_JSON
def list_plans(customer: str, as_json: bool) -> None:
    """A customer's plans, newest first, with each instalment's state."""
    app = services()
    with refused():
        found = plans.list_plans(app.uow(), customer, app.today())["payment_plans"]
    log.info("%d payment plan(s) of %s", len(found), customer)
    if as_json:
        echo_json({"payment_plans": found})
        return
    table(("plan", "status", "invoices", "instalment", "amount", "paid", "state"),
          [(p["plan_id"], p["status"], ",".join(p["invoice_ids"]), i["due_date"],
            f"{i['amount']:,}", f"{i['paid']:,}", i["status"])
           for p in found for i in p["instalments"]])


@plans_group.command("due-this-week")
@AS_JSON
def due_this_week(as_json: bool) -> None:
    """Instalments of active plans due from today through seven days ahead."""
    app = services()
    with app.uow() as uow:
        rows = queries.instalments_due(uow.session, app.today())
    log.info("%d instalment(s) due %s..+7 days", len(rows), app.today())
    if as_json:
        echo_json({"instalments": rows})
        return
    table(("due", "plan", "customer", "amount", "paid", "state"),
          [(r["due_date"], r["plan_id"], r["customer_id"], money_text(r["amount"], r["currency"]),
            money_text(r["paid"], r["currency"]), r["status"]) for r in rows])


@collections.group("contacts")
def contacts_group() -> None:
    """Calls, visits, emails and notes with customers (催收记录)."""


@contacts_group.command("log")
@click.argument("customer_id")
@click.option("--channel", required=True, type=click.Choice(contacts.CHANNELS))
@click.option("--outcome", required=True)
@click.option("--note", default="", show_default=False)
@click.option("--promise-date", callback=iso_date, default=None,
              help="A promise to pay: the date (with --promise-amount and --promise-invoice).")
@click.option("--promise-amount", callback=amount, default=None)
@click.option("--promise-invoice", "promise_invoices", multiple=True,
              help="An invoice the promise covers (repeat for several).")
@BY
def log_contact(customer_id: str, channel: str, outcome: str, note: str,
                promise_date: date | None, promise_amount: Decimal | None,
                promise_invoices: tuple[str, ...], actor: str) -> None:
    """Log a contact; a promise to pay becomes a one-instalment plan."""
    parts = (promise_date, promise_amount, promise_invoices or None)
    if any(p is not None for p in parts) and not all(p is not None for p in parts):
        raise click.UsageError("a promise needs --promise-date, --promise-amount and at least "
                               "one --promise-invoice")
    promise = None
    if promise_date is not None and promise_amount is not None:
        promise = contacts.Promise(promise_date, promise_amount, promise_invoices)
    app = services()
    with refused():
        view = contacts.log_contact(app.uow(), app.rulesets, customer_id,
                                    contacts.ContactInput(channel, outcome, note, promise),
                                    actor, app.today())
    log.info("contact %s with %s logged by %s (%s)%s", view["contact_id"], customer_id, actor,
             channel, f"; promise plan {view['plan_id']}" if view["plan_id"] else "")
    click.echo(f"contact {view['contact_id']} with {customer_id} logged ({channel}: {outcome})"
               + (f"; promise to pay recorded as plan {view['plan_id']}"
                  if view["plan_id"] else ""))


@contacts_group.command("list")
@click.argument("customer_id")
@AS_JSON
def list_contacts(customer_id: str, as_json: bool) -> None:
    """A customer's contacts, newest first."""
    app = services()
    with refused():
        found = contacts.list_contacts(app.uow(), customer_id)["contacts"]
    log.info("%d contact(s) with %s", len(found), customer_id)
    if as_json:
        echo_json({"contacts": found})
        return
    table(("on", "channel", "by", "outcome", "note", "plan"),
          [(c["on"], c["channel"], c["by"], c["outcome"], c["note"], c["plan_id"])
           for c in found])
