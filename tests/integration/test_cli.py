"""The operator's commands, against SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from policy_service.cli.main import cli
from policy_service.container import Services
from policy_service.services.access.credentials import authenticate_key, check_user_password
from tests.conftest import RULES_DIR


def _run(services: Services, tmp_path: Path, *args: str, stdin: str | None = None):
    env = {"DATABASE_URL": services.settings.database_url,
           "POLICY_INSTANCE_PATH": str(tmp_path / "instance")}
    return CliRunner().invoke(cli, list(args), env=env, input=stdin)


def test_api_keys_create_prints_a_working_key_alone_on_the_last_line(services, tmp_path) -> None:
    result = _run(services, tmp_path, "api-keys", "create", "erp", "--role", "order_system")
    assert result.exit_code == 0, result.output
    key = result.output.strip().splitlines()[-1]
    principal = authenticate_key(services.uow(), key)
    assert principal is not None and (principal.name, principal.role) == ("erp", "order_system")


def test_users_create_reads_the_password_from_stdin(services, tmp_path) -> None:
    result = _run(services, tmp_path, "users", "create", "alice", "--role", "risk_manager",
                  stdin="correct horse battery\n")
    assert result.exit_code == 0, result.output
    assert check_user_password(services.uow(), "alice", "correct horse battery") is not None
    assert check_user_password(services.uow(), "alice", "wrong") is None
    short = _run(services, tmp_path, "users", "create", "bob", "--role", "sales", stdin="x\n")
    assert short.exit_code != 0 and "at least 8" in short.output


def test_rules_export_writes_the_published_documents(services, tmp_path) -> None:
    result = _run(services, tmp_path, "rules", "export", "--dir", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    exported = json.loads((tmp_path / "out" / "credit_approval.json").read_text("utf-8"))
    shipped = json.loads((RULES_DIR / "credit_approval.json").read_text("utf-8"))
    assert exported == shipped


def test_rules_import_needs_a_second_person_and_publishes_the_next_version(services,
                                                                            tmp_path) -> None:
    path = RULES_DIR / "credit_approval.json"
    alone = _run(services, tmp_path, "rules", "import", str(path), "--author", "ann",
                 "--approved-by", "ann")
    assert alone.exit_code != 0 and "someone other" in alone.output
    result = _run(services, tmp_path, "rules", "import", str(path), "--author", "ann",
                  "--approved-by", "ben")
    assert result.exit_code == 0, result.output
    assert "credit_approval v2" in result.output


def test_rules_validate_locates_every_error(tmp_path) -> None:
    document = json.loads((RULES_DIR / "credit_approval.json").read_text("utf-8"))
    document["rules"][0]["when"] = "customer.tierr == \"D\""
    document["rules"][1]["when"] = "order.amount >"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = CliRunner().invoke(cli, ["rules", "validate", str(path)])
    assert result.exit_code == 1
    assert document["rules"][0]["name"] in result.output and "customer.tier" in result.output
    assert document["rules"][1]["name"] in result.output
