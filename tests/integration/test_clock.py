"""One business date: the time zone's today, or the test clock shared through the database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from policy_service.cli.main import cli
from policy_service.container import Services
from policy_service.db.models_receivables import DailyRun
from policy_service.services.clock import BusinessClock
from policy_service.services.day.run import run_daily
from policy_service.services.errors import Conflict, Invalid
from tests.conftest import Api


def _cli(services: Services, tmp_path: Path, *args: str, test_clock: bool = True) -> Result:
    env = {"DATABASE_URL": services.settings.database_url,
           "POLICY_INSTANCE_PATH": str(tmp_path / "instance"),
           "POLICY_TEST_CLOCK": "1" if test_clock else "0"}
    return CliRunner().invoke(cli, list(args), env=env)


def test_today_is_the_date_in_the_business_time_zone(services: Services) -> None:
    late_evening = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)
    utc = BusinessClock(services.uow, "UTC", now=lambda: late_evening)
    shanghai = BusinessClock(services.uow, "Asia/Shanghai", now=lambda: late_evening)
    assert (utc.today(), shanghai.today()) == (date(2026, 12, 6), date(2026, 12, 7))


def test_the_test_clock_set_in_one_process_is_today_in_another(services: Services) -> None:
    one = BusinessClock(services.uow, test_clock=True)
    other = Services.build(replace(services.settings, test_clock=True))
    try:
        one.set(date(2027, 3, 1), "trainer")
        assert other.today() == date(2027, 3, 1)
        one.set(date(2027, 3, 2), "trainer")
        assert other.today() == date(2027, 3, 2)
    finally:
        other.database.dispose()


def test_setting_the_clock_without_the_test_clock_is_refused(services: Services) -> None:
    with pytest.raises(Conflict, match="POLICY_TEST_CLOCK=1"):
        BusinessClock(services.uow).set(date(2027, 3, 1), "someone")
    assert BusinessClock(services.uow, test_clock=True).today() == services.clock.real_today()


def test_clock_set_and_show_on_the_command_line(services: Services, tmp_path: Path) -> None:
    refused = _cli(services, tmp_path, "clock", "set", "2027-03-01", test_clock=False)
    assert refused.exit_code != 0 and "POLICY_TEST_CLOCK=1" in refused.output
    assert _cli(services, tmp_path, "clock", "set", "2027-03-01").exit_code == 0
    shown = _cli(services, tmp_path, "clock", "show")
    assert "today: 2027-03-01" in shown.output and "test clock on" in shown.output
    assert _cli(services, tmp_path, "clock", "set", "2027-02-30").exit_code == 2


def test_get_clock_answers_every_role(services: Services, api: Api) -> None:
    for role in ("order_system", "sales", "risk_manager", "auditor"):
        body = api.call("GET", "/v1/clock", role).get_json()
        assert body == {"today": services.today().isoformat(), "test_clock": False}
    assert api.client.get("/v1/clock").status_code == 401


def test_daily_after_today_is_refused_and_writes_nothing(services: Services,
                                                         tmp_path: Path) -> None:
    with pytest.raises(Invalid, match="after today"):
        run_daily(services.uow(), services.rulesets, date(2027, 1, 2), today=date(2027, 1, 1))
    assert _cli(services, tmp_path, "clock", "set", "2027-01-01").exit_code == 0
    refused = _cli(services, tmp_path, "daily", "--as-of", "2027-01-02")
    assert refused.exit_code != 0 and "after today" in refused.output
    with services.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(DailyRun)) == 0
    ran = _cli(services, tmp_path, "daily")
    assert ran.exit_code == 0 and "daily 2027-01-01" in ran.output
