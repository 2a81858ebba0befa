"""Commands say what they did: INFO to stderr, a line per batch of `daily`, and its summary."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

from click.testing import CliRunner, Result
from sqlalchemy import func, select

from policy_service.cli.main import cli
from policy_service.cli.progress import ProgressBar
from policy_service.container import Services
from policy_service.db.models import Customer
from policy_service.db.models_receivables import (
    BlacklistCandidate,
    CreditReview,
    DunningStep,
    LegalCase,
    OutboxMessage,
    PenaltyAccrual,
)
from policy_service.services.day.progress import BatchDone
from tests.integration.test_daily_runs import AS_OF, seed_book

BATCH_LINE = re.compile(r"INFO policy_service\.cli\.daily: daily \S+ shard \S+: batch \d+: ")


def _run(services: Services, tmp_path: Path, *args: str) -> Result:
    env = {"DATABASE_URL": services.settings.database_url,
           "POLICY_INSTANCE_PATH": str(tmp_path / "instance")}
    return CliRunner().invoke(cli, list(args), env=env)


def _summary(output: str) -> dict[str, list[int]]:
    """The summary table: label -> [shard columns..., all]."""
    table = output.split(" did (latest finished run of each shard):\n", 1)[1]
    rows = {}
    for line in table.splitlines()[1:]:
        label, numbers = re.match(r"\s*(\D+?)\s+([\d\s]+)$", line).groups()  # type: ignore[union-attr]
        rows[label] = [int(n) for n in numbers.split()]
    return rows


def _written(services: Services) -> dict[str, int]:
    with services.uow() as uow:
        def count(model: type, *where: object) -> int:
            return int(uow.session.scalar(select(func.count()).select_from(model).where(*where)))
        return {"penalty days": count(PenaltyAccrual), "dunning steps": count(DunningStep),
                "messages queued": count(OutboxMessage), "legal cases": count(LegalCase),
                "stops": count(Customer, Customer.status == "stop_supply"),
                "blacklist candidates": count(BlacklistCandidate),
                "reviews": count(CreditReview), "customers": count(Customer)}


def test_daily_logs_one_line_per_batch_and_sums_up_what_it_wrote(services, tmp_path) -> None:
    seed_book(services)  # twelve customers
    result = _run(services, tmp_path, "daily", "--as-of", AS_OF.isoformat(),
                  "--batch-size", "4")
    assert result.exit_code == 0, result.output
    batches = [line for line in result.stderr.splitlines() if BATCH_LINE.search(line)]
    assert len(batches) == 3
    assert "12 of 12 done" in batches[-1] and "12 customer(s) to process" in result.stderr
    summary = _summary(result.stdout)
    written = _written(services)
    assert {label: summary[label][-1] for label in written} == written
    assert summary["lifts"] == [0, 0] and written["penalty days"] > 0


def test_the_summary_has_a_column_per_shard_and_their_sum(services, tmp_path) -> None:
    seed_book(services)
    for shard in ("0/2", "1/2"):
        result = _run(services, tmp_path, "daily", "--as-of", AS_OF.isoformat(), "--shard",
                      shard, "--batch-size", "4")
        assert result.exit_code == 0, result.output
    assert "shard 0/2" in result.stdout and "shard 1/2" in result.stdout
    summary = _summary(result.stdout)
    assert all(first + second == total for first, second, total in summary.values())
    assert summary["customers"][-1] == 12
    written = _written(services)
    assert {label: summary[label][-1] for label in written} == written


def test_outbox_send_logs_how_many_it_sent(services, tmp_path) -> None:
    seed_book(services)
    assert _run(services, tmp_path, "daily", "--as-of", AS_OF.isoformat()).exit_code == 0
    queued = _written(services)["messages queued"]
    result = _run(services, tmp_path, "outbox", "send", "--retries", "0")
    assert result.exit_code == 0, result.output
    assert f"outbox: {queued} due message(s): {queued} sent, 0 to retry" in result.stderr
    assert "INFO policy_service.services.outbox.adapters: email to" in result.stderr


def test_migrate_logs_at_info_and_log_level_warning_silences_it(services, tmp_path) -> None:
    result = _run(services, tmp_path, "migrate")
    assert result.exit_code == 0 and "INFO policy_service.cli: migrated " in result.stderr
    assert "migrated" in result.stdout
    quiet = _run(services, tmp_path, "--log-level", "warning", "migrate")
    assert quiet.exit_code == 0 and quiet.stderr == "" and "migrated" in quiet.stdout


def test_the_terminal_bar_shows_customers_done_of_total() -> None:
    stream = io.StringIO()
    bar = ProgressBar(stream)
    bar.started(date(2026, 6, 1), "0/1", 12)
    for number in (1, 2, 3):
        bar.batch_done(BatchDone(number, 4, 4 * number, 12, {}))
    bar.finished({})
    assert "daily 2026-06-01 shard 0/1" in stream.getvalue()
    assert "12/12" in stream.getvalue() and "customer/s" in stream.getvalue()


def test_serve_passes_the_log_level_and_access_log_to_gunicorn(services, tmp_path,
                                                               monkeypatch) -> None:
    import policy_service.cli.main as main

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(main, "prepare_metrics_dir", lambda _path: None)
    monkeypatch.setattr(main, "run_server", lambda *args, **options: calls.append(options))
    result = _run(services, tmp_path, "--log-level", "debug", "serve", "--access-log", "-")
    assert result.exit_code == 0, result.output
    assert calls == [{"log_level": "DEBUG", "access_log": "-"}]
    assert "access log: -" in result.stderr
    _run(services, tmp_path, "serve")
    assert calls[-1] == {"log_level": "INFO", "access_log": None}
