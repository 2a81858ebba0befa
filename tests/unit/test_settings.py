"""Settings: the one place that reads the environment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from policy_service.config import Settings, SmtpSettings

PACKAGE = Path(__file__).resolve().parents[2] / "policy_service"
READS_ENVIRONMENT = re.compile(
    r"os\.getenv|environ\.get\(|environ\[[^\]]+\](?!\s*=[^=])|\*\*os\.environ|in os\.environ")


def test_only_config_reads_the_environment() -> None:
    readers = sorted(str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                     if path.name != "config.py"
                     and READS_ENVIRONMENT.search(path.read_text(encoding="utf-8")))
    assert readers == []
    for read in ('os.environ.get("X")', "os.getenv('X')", 'os.environ["X"]', "{**os.environ}"):
        assert READS_ENVIRONMENT.search(read), read
    assert not READS_ENVIRONMENT.search('os.environ["X"] = directory')


def test_defaults_when_nothing_is_set(tmp_path: Path) -> None:
    settings = Settings.from_env({"POLICY_INSTANCE_PATH": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'policy.db'}"
    assert settings.secret_key is None and settings.smtp is None
    assert settings.prometheus_multiproc_dir is None and settings.log_level == "INFO"


def test_every_setting_is_read_from_the_given_mapping(tmp_path: Path) -> None:
    settings = Settings.from_env({
        "DATABASE_URL": "postgresql+psycopg://x@h/db", "POLICY_INSTANCE_PATH": str(tmp_path),
        "POLICY_RULES_DIR": str(tmp_path / "rules"), "POLICY_SECRET_KEY": "k",
        "POLICY_SMTP_HOST": "mail", "POLICY_SMTP_PORT": "2525", "POLICY_SMTP_STARTTLS": "1",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prom"), "POLICY_LOG_LEVEL": "debug"})
    assert settings.database_url == "postgresql+psycopg://x@h/db"
    assert settings.rules_dir == tmp_path / "rules" and settings.secret_key == "k"
    assert settings.smtp == SmtpSettings(host="mail", port=2525, starttls=True)
    assert settings.prometheus_multiproc_dir == str(tmp_path / "prom")
    assert settings.log_level == "DEBUG"


def test_an_unknown_log_level_is_refused() -> None:
    with pytest.raises(ValueError, match="POLICY_LOG_LEVEL"):
        Settings.from_env({"POLICY_LOG_LEVEL": "loud"})
