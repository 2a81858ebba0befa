"""The `policy-service` command: serve, api-keys, users, rules, daily, clock, collections."""

from __future__ import annotations

import json
import logging
import secrets
import sys
from decimal import Decimal
from pathlib import Path

import click

from policy_service.cli import docs
from policy_service.cli.clock import clock
from policy_service.cli.collections import collections
from policy_service.cli.daily import register as register_daily
from policy_service.cli.server import prepare_metrics_dir
from policy_service.cli.server import serve as run_server
from policy_service.config import LOG_LEVELS, PROJECT_ROOT, Settings
from policy_service.container import Services
from policy_service.language.document import RuleSetInvalid, load_ruleset
from policy_service.logs import configure_logging
from policy_service.services.access import credentials
from policy_service.services.credit.customers import CustomerInput, upsert_customer
from policy_service.services.errors import ServiceError
from policy_service.services.rules import registry

log = logging.getLogger("policy_service.cli")
DEMO_USERS = {"demo-admin": "admin", "demo-risk": "risk_manager", "demo-risk2": "risk_manager",
              "demo-auditor": "auditor", "demo-sales": "sales"}


def _services() -> Services:
    return Services.build(Settings.from_env())


def _safe_url(app_services: Services) -> str:
    """The database URL without its password, for the log."""
    return app_services.database.engine.url.render_as_string(hide_password=True)


@click.group()
@click.option("--log-level", type=click.Choice(LOG_LEVELS, case_sensitive=False), default=None,
              help="Log to stderr from this level on [default: POLICY_LOG_LEVEL, else INFO].")
def cli(log_level: str | None) -> None:
    """Credit policy service: may we ship this order on credit?"""
    try:
        configured = Settings.from_env().log_level
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    configure_logging(log_level or configured)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=4, show_default=True, type=int)
@click.option("--threads", default=1, show_default=True, type=int)
@click.option("--demo", is_flag=True, help="Create demo API keys and logins and print them.")
@click.option("--access-log", default=None, metavar="FILE",
              help="Log every request to FILE ('-' for stderr); off by default.")
def serve(host: str, port: int, workers: int, threads: int, demo: bool,
          access_log: str | None) -> None:
    """Migrate, seed the shipped rules on first start, and serve the API."""
    settings = Settings.from_env()
    app_services = Services.build(settings)
    seeded = app_services.bootstrap()
    log.info("migrated %s; seeded %s", _safe_url(app_services), ", ".join(seeded) or "nothing")
    click.echo(f"database: {settings.database_url}")
    if seeded:
        click.echo(f"seeded shipped rule sets as version 1: {', '.join(seeded)}")
    if demo:
        _print_demo_access(app_services, host, port)
    app_services.database.dispose()
    prepare_metrics_dir(str(settings.instance_path))
    click.echo(f"serving on http://{host}:{port}  (admin UI: /admin, OpenAPI: /openapi.json)")
    log.info("starting %d worker(s) x %d thread(s) on %s:%d; access log: %s", workers, threads,
             host, port, access_log or "off")
    level = logging.getLevelName(logging.getLogger().getEffectiveLevel())
    run_server(host, port, workers, threads, log_level=level, access_log=access_log)


def _print_demo_access(app_services: Services, host: str, port: int) -> None:
    credentials.revoke_keys(app_services.uow(), name_prefix="demo-")
    keys = {}
    click.echo("demo API keys (Authorization: Bearer <key>; replaced at each --demo start):")
    for role in credentials.API_ROLES:
        keys[role] = credentials.create_api_key(app_services.uow(), f"demo-{role}", role)
        click.echo(f"  {role:<13} {keys[role]}")
    click.echo("demo logins for /admin (new passwords each start):")
    for username, role in DEMO_USERS.items():
        password = secrets.token_urlsafe(9)
        credentials.set_password(app_services.uow(), username, role, password)
        click.echo(f"  {role:<13} {username} / {password}")
    upsert_customer(app_services.uow(), "C-DEMO", CustomerInput(
        name="Demo Trading Co. 演示贸易", tier="B", credit_limit=Decimal("100000.00"),
        currency="CNY"), app_services.today())
    click.echo("try a credit check for the demo customer C-DEMO (limit 100,000.00 CNY):")
    click.echo(f"  curl -s -X POST http://{host}:{port}/v1/credit-checks "
               f"-H 'Authorization: Bearer {keys['order_system']}' "
               "-H 'Content-Type: application/json' -d '{\"order_id\": \"SO-1\", "
               "\"customer_id\": \"C-DEMO\", \"amount\": \"120000.00\", "
               "\"currency\": \"CNY\"}'")


@cli.command()
def migrate() -> None:
    """Create or upgrade the schema and seed tiers and shipped rule sets."""
    app_services = _services()
    seeded = app_services.bootstrap()
    log.info("migrated %s to the newest schema; seeded %s", _safe_url(app_services),
             ", ".join(seeded) or "nothing (the rule sets were there)")
    click.echo("migrated" + (f"; seeded {', '.join(seeded)}" if seeded else ""))


@cli.group("api-keys")
def api_keys() -> None:
    """API keys for order systems, ERPs and people's tools."""


@api_keys.command("create")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(credentials.API_ROLES))
def create_key(name: str, role: str) -> None:
    """Create a key; the key alone is printed on the last line (only its hash is stored)."""
    app_services = _services()
    app_services.bootstrap()
    key = credentials.create_api_key(app_services.uow(), name, role)
    log.info("created API key %r with role %s", name, role)
    click.echo(f"created API key {name!r} with role {role}; store it now, it is not shown again:")
    click.echo(key)


@cli.group()
def users() -> None:
    """Admin-UI logins."""


@users.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(credentials.USER_ROLES))
def create_user(username: str, role: str) -> None:
    """Create a login; the password is read from standard input."""
    password = sys.stdin.readline().rstrip("\n")
    app_services = _services()
    app_services.bootstrap()
    try:
        credentials.create_user(app_services.uow(), username, role, password)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc
    log.info("created user %r with role %s", username, role)
    click.echo(f"created user {username!r} with role {role}")


@cli.group()
def rules() -> None:
    """Rule sets between files (shipped: policy_service/rules/) and the database."""


@rules.command("export")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Defaults to the shipped policy_service/rules/ folder.")
def export_rules(directory: Path | None) -> None:
    """Write each published rule set to DIR/NAME.json."""
    app_services = _services()
    target = directory or app_services.settings.rules_dir
    target.mkdir(parents=True, exist_ok=True)
    with app_services.uow() as uow:
        rows = registry.newest_versions(uow.session)
        for row in rows:
            path = target / f"{row.name}.json"
            path.write_text(json.dumps(row.document, ensure_ascii=False, indent=2) + "\n",
                            encoding="utf-8")
            click.echo(f"{row.name} v{row.version} -> {path}")
    log.info("exported %d rule set(s) to %s", len(rows), target)


@rules.command("validate")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def validate_rules(files: tuple[Path, ...]) -> None:
    """Check rule set files and print every located error."""
    failed = 0
    for path in files:
        try:
            load_ruleset(json.loads(path.read_text(encoding="utf-8")))
            click.echo(f"{path}: ok")
        except RuleSetInvalid as exc:
            failed += 1
            for error in exc.errors:
                click.echo(f"{path}: {error.rule or '-'} {error.field} "
                           f"{error.line}:{error.column}: {error.message}")
    log.info("validated %d file(s): %d ok, %d with errors", len(files), len(files) - failed,
             failed)
    if failed:
        raise SystemExit(1)


@rules.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--author", required=True)
@click.option("--approved-by", required=True, help="A different person who approved it.")
@click.option("--note", default=None)
def import_rules(file: Path, author: str, approved_by: str, note: str | None) -> None:
    """Publish a rule set file as the next version (four eyes: approver != author)."""
    if author == approved_by:
        raise click.ClickException("the approver must be someone other than the author")
    app_services = _services()
    app_services.bootstrap()
    document = json.loads(file.read_text(encoding="utf-8"))
    try:
        with app_services.uow() as uow:
            row = registry.publish(uow.session, app_services.rulesets, document,
                                   author=author, approved_by=approved_by, note=note)
            uow.commit()
    except ServiceError as exc:
        for error in exc.fields.get("rules", []):
            click.echo(f"{error['rule'] or '-'} {error['field']} "
                       f"{error['line']}:{error['column']}: {error['message']}", err=True)
        raise click.ClickException(exc.message) from exc
    log.info("published %s v%s from %s (author %s, approved by %s)", row.name, row.version,
             file, author, approved_by)
    click.echo(f"published {row.name} v{row.version} ({row.checksum[:12]})")


@rules.command("vocabulary")
@click.option("--update-readme", is_flag=True, help="Rewrite the README's vocabulary section.")
def vocabulary(update_readme: bool) -> None:
    """Print the names each kind of rule set may use, as Markdown."""
    if update_readme:
        changed = docs.update_readme(PROJECT_ROOT / "README.md")
        log.info("README.md vocabulary section %s", "rewritten" if changed else "unchanged")
        click.echo("README.md updated" if changed else "README.md already up to date")
        return
    click.echo(docs.vocabulary_section())


register_daily(cli)
cli.add_command(clock)
cli.add_command(collections)
