"""`policy-service collections ...` through click's runner, on SQLite and PostgreSQL.

Each command's output is checked against what the API answers for the same thing, and
every refused command against the API afterwards: nothing changed.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

from click.testing import CliRunner, Result
from pypdf import PdfReader

from policy_service.cli.main import cli
from policy_service.container import Services
from policy_service.db.models_receivables import OutboxMessage
from tests.conftest import Api
from tests.integration.receivables_book import invoice, rows

TODAY = date.today()  # the command runs on the real clock, as an operator's would


def run(services: Services, tmp_path: Path, *args: str) -> Result:
    env = {"DATABASE_URL": services.settings.database_url,
           "POLICY_INSTANCE_PATH": str(tmp_path / "instance")}
    return CliRunner().invoke(cli, ["collections", *args], env=env)


def book(services: Services, api: Api) -> None:
    """C-1 owes 1,000.00 (40 days late) and 300.00; C-2 (owner ana) 5,000.00, 10 days late."""
    api.customer("C-1", email="c-1@example.com", owner="sales-1")
    api.customer("C-2", email="c-2@example.com", owner="ana")
    invoice(services, "I-1", "1000.00", TODAY - timedelta(days=40))
    invoice(services, "I-2", "300.00", TODAY - timedelta(days=5))
    invoice(services, "I-3", "5000.00", TODAY - timedelta(days=10), "C-2")


def test_the_worklist_is_the_apis_in_its_order_filtered_and_limited(
        services: Services, api: Api, tmp_path: Path) -> None:
    book(services, api)
    shown = run(services, tmp_path, "worklist", "--json")
    assert shown.exit_code == 0, shown.output
    expected = api.call("GET", "/v1/worklist", "risk_manager").get_json()
    got = json.loads(shown.stdout)["items"]
    assert [i["customer_id"] for i in got] == [i["customer_id"] for i in expected["items"]]
    assert [i["priority"] for i in got] == [i["priority"] for i in expected["items"]]
    assert [i["customer_id"] for i in got] == ["C-2", "C-1"]  # 5000 × 10 > 1000 × 40 + 300 × 5
    text = run(services, tmp_path, "worklist", "--owner", "ana")
    assert text.exit_code == 0 and "C-2" in text.stdout and "C-1" not in text.stdout
    assert "5,000.00 CNY" in text.stdout
    one = run(services, tmp_path, "worklist", "--limit", "1")
    assert len(one.stdout.strip().splitlines()) == 2  # the heading and one customer
    assert run(services, tmp_path, "worklist", "--limit", "0").exit_code == 2


def test_disputes_open_and_resolve_as_the_api_records_and_refusals_change_nothing(
        services: Services, api: Api, tmp_path: Path) -> None:
    book(services, api)
    over = run(services, tmp_path, "disputes", "open", "I-1", "--reason", "damaged",
               "--amount", "1000.01", "--by", "ann")
    assert over.exit_code == 1 and "at most the open principal 1000.00" in over.output
    assert run(services, tmp_path, "disputes", "open", "I-1", "--reason", "x", "--amount",
               "-5", "--by", "ann").exit_code == 2
    assert run(services, tmp_path, "disputes", "open", "NOPE", "--reason", "x", "--by",
               "ann").exit_code == 1
    assert api.call("GET", "/v1/customers/C-1/disputes", "auditor").get_json() == {
        "disputes": []}
    opened = run(services, tmp_path, "disputes", "open", "I-1", "--reason", "damaged",
                 "--amount", "400.00", "--id", "D-1", "--by", "ann")
    assert opened.exit_code == 0, opened.output
    (dispute,) = api.call("GET", "/v1/customers/C-1/disputes", "auditor").get_json()["disputes"]
    assert (dispute["dispute_id"], dispute["amount"], dispute["status"]) == ("D-1", "400.00",
                                                                             "open")
    listed = run(services, tmp_path, "disputes", "list")
    assert "D-1" in listed.stdout and "400.00 CNY" in listed.stdout
    resolved = run(services, tmp_path, "disputes", "resolve", "D-1", "--in-favour-of",
                   "customer", "--credit-note", "150.00", "--note", "photos", "--by", "ben")
    assert resolved.exit_code == 0, resolved.output
    assert api.call("GET", "/v1/invoices/I-1", "auditor").get_json()["amount"] == "850.00"
    again = run(services, tmp_path, "disputes", "resolve", "D-1", "--in-favour-of", "company",
                "--note", "x", "--by", "ben")
    assert again.exit_code == 1 and "already resolved" in again.output
    assert api.call("GET", "/v1/invoices/I-1", "auditor").get_json()["amount"] == "850.00"
    mine = json.loads(run(services, tmp_path, "disputes", "list", "--customer", "C-1",
                          "--json").stdout)["disputes"]
    assert [(d["status"], d["in_favour_of"]) for d in mine] == [("resolved", "customer")]


def test_a_logged_promise_becomes_a_plan_due_this_week(services: Services, api: Api,
                                                       tmp_path: Path) -> None:
    book(services, api)
    due = (TODAY + timedelta(days=3)).isoformat()
    half = run(services, tmp_path, "contacts", "log", "C-1", "--channel", "phone", "--outcome",
               "will pay", "--promise-date", due, "--by", "ann")
    assert half.exit_code == 2 and "--promise-amount" in half.output
    wrong = run(services, tmp_path, "contacts", "log", "C-1", "--channel", "phone",
                "--outcome", "will pay", "--promise-date", due, "--promise-amount", "999.00",
                "--promise-invoice", "I-1", "--by", "ann")
    assert wrong.exit_code == 1  # a promise covers exactly the invoices' outstanding
    assert api.call("GET", "/v1/customers/C-1/contacts", "auditor").get_json() == {
        "contacts": []}
    logged = run(services, tmp_path, "contacts", "log", "C-1", "--channel", "phone",
                 "--outcome", "will pay", "--note", "CFO", "--promise-date", due,
                 "--promise-amount", "1000.00", "--promise-invoice", "I-1", "--by", "ann")
    assert logged.exit_code == 0, logged.output
    (contact,) = api.call("GET", "/v1/customers/C-1/contacts", "auditor").get_json()["contacts"]
    assert (contact["by"], contact["outcome"]) == ("ann", "will pay")
    assert contact["plan_id"] in logged.stdout
    plans = json.loads(run(services, tmp_path, "plans", "list", "--customer", "C-1",
                           "--json").stdout)["payment_plans"]
    assert plans == api.call("GET", "/v1/customers/C-1/payment-plans",
                             "auditor").get_json()["payment_plans"]
    week = run(services, tmp_path, "plans", "due-this-week")
    assert week.exit_code == 0 and contact["plan_id"] in week.stdout
    (row,) = week.stdout.splitlines()[1:]
    assert row.split() == [due, contact["plan_id"], "C-1", "1,000.00", "CNY", "0.00", "CNY",
                           "due"]
    listed = run(services, tmp_path, "contacts", "list", "C-1")
    assert "will pay" in listed.stdout and "CFO" in listed.stdout


def test_the_statement_in_each_format_is_the_apis(services: Services, api: Api,
                                                  tmp_path: Path) -> None:
    book(services, api)
    start, end = TODAY - timedelta(days=90), TODAY
    path = f"/v1/customers/C-1/statement?from={start}&to={end}"
    expected = api.call("GET", path, "auditor").get_json()
    period = ("--customer", "C-1", "--from", start.isoformat(), "--to", end.isoformat())
    shown = run(services, tmp_path, "statement", *period)
    assert shown.exit_code == 0 and json.loads(shown.stdout) == expected
    as_csv = run(services, tmp_path, "statement", *period, "--format", "csv")
    api_csv = api.client.get(path, headers={**api.keys["auditor"], "Accept": "text/csv"})
    assert list(csv.reader(io.StringIO(as_csv.stdout))) == list(
        csv.reader(io.StringIO(api_csv.get_data(as_text=True))))
    out = tmp_path / "c1.pdf"
    made = run(services, tmp_path, "statement", *period, "--format", "pdf", "--out", str(out))
    assert made.exit_code == 0, made.output
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "期末余额 / Closing balance: 1,300.00 CNY" in text and "I-1" in text
    late = tmp_path / "late.pdf"
    backwards = run(services, tmp_path, "statement", "--customer", "C-1", "--from",
                    end.isoformat(), "--to", start.isoformat(), "--out", str(late))
    assert backwards.exit_code == 1 and "statement period" in backwards.output
    assert not late.exists()
    assert run(services, tmp_path, "statement", "--customer", "NOPE", "--from",
               start.isoformat(), "--to", end.isoformat()).exit_code == 1
    missing = run(services, tmp_path, "statement", "--customer", "C-1")
    assert missing.exit_code == 2 and "--from, --to" in missing.output


def test_statement_send_queues_the_email_and_refuses_a_customer_without_one(
        services: Services, api: Api, tmp_path: Path) -> None:
    book(services, api)
    api.customer("C-9")  # no email address
    period = ("--from", (TODAY - timedelta(days=30)).isoformat(), "--to", TODAY.isoformat())
    refused = run(services, tmp_path, "statement", "send", "--customer", "C-9", *period,
                  "--by", "ann")
    assert refused.exit_code == 1 and "no email address" in refused.output
    assert rows(services, OutboxMessage) == []
    sent = run(services, tmp_path, "statement", "send", "--customer", "C-1", *period,
               "--by", "ann")
    assert sent.exit_code == 0, sent.output
    (message,) = rows(services, OutboxMessage)
    assert message.recipient == "c-1@example.com" and "Statement C-1" in message.subject


def test_kpis_csv_is_the_apis_and_a_bad_period_is_refused(services: Services, api: Api,
                                                         tmp_path: Path) -> None:
    book(services, api)
    shown = run(services, tmp_path, "kpis", "--as-of", TODAY.isoformat(), "--period", "30",
                "--csv")
    assert shown.exit_code == 0, shown.output
    response = api.client.get(f"/v1/reports/kpis?as_of={TODAY}&period_days=30",
                              headers={**api.keys["auditor"], "Accept": "text/csv"})
    assert list(csv.reader(io.StringIO(shown.stdout))) == list(
        csv.reader(io.StringIO(response.get_data(as_text=True))))
    table = run(services, tmp_path, "kpis", "--as-of", TODAY.isoformat())
    overall = api.call("GET", f"/v1/reports/kpis?as_of={TODAY}", "auditor").get_json()
    assert overall["overall"]["CNY"]["dso"] in table.stdout
    bad = run(services, tmp_path, "kpis", "--period", "0")
    assert bad.exit_code == 1 and "period_days must be from 1" in bad.output
    assert run(services, tmp_path, "kpis", "--as-of", "2026-02-30").exit_code == 2
