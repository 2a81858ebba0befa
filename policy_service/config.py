"""Every setting the service reads from the environment, in one place: `Settings.from_env`.

No other module reads ``os.environ``: commands and the app factory build a `Settings`
and pass its values in (the secret key to the admin, SMTP settings to the outbox, the
metrics folder to the metrics endpoint, the log level to logging).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHIPPED_RULES = Path(__file__).resolve().parent / "rules"
"""The shipped rule sets and their cases (package data: an installed wheel has them)."""
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@dataclass(frozen=True)
class SmtpSettings:
    """POLICY_SMTP_HOST, _PORT, _USER, _PASSWORD, _FROM, _STARTTLS (1/0), _TIMEOUT."""

    host: str
    port: int = 25
    user: str | None = None
    password: str | None = None
    sender: str = "policy-service@localhost"
    starttls: bool = False
    timeout: float = 10.0

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SmtpSettings | None:
        """Settings when POLICY_SMTP_HOST is set in ``env``, else None (email is only logged)."""
        host = env.get("POLICY_SMTP_HOST")
        if not host:
            return None
        return cls(host=host, port=int(env.get("POLICY_SMTP_PORT", "25")),
                   user=env.get("POLICY_SMTP_USER") or None,
                   password=env.get("POLICY_SMTP_PASSWORD") or None,
                   sender=env.get("POLICY_SMTP_FROM", cls.sender),
                   starttls=env.get("POLICY_SMTP_STARTTLS", "0") == "1",
                   timeout=float(env.get("POLICY_SMTP_TIMEOUT", "10")))


@dataclass(frozen=True)
class Settings:
    """Where the data lives, the shipped rule sets, and the process's adapters and logging."""

    database_url: str
    instance_path: Path
    rules_dir: Path
    secret_key: str | None = None  # None: generated once into the instance folder
    smtp: SmtpSettings | None = None  # None: email is written to the log
    prometheus_multiproc_dir: str | None = None  # set for gunicorn workers by `serve`
    log_level: str = "INFO"
    cookie_secure: bool = False  # POLICY_COOKIE_SECURE=1 behind HTTPS: cookies only over TLS
    statement_timeout: float = 5.0  # seconds a PostgreSQL statement may run (0: no limit)
    batch_statement_timeout: float = 600.0  # the same for the daily run's bulk statements
    timezone: str = "UTC"  # POLICY_TIMEZONE: the business date is "today" there
    test_clock: bool = False  # POLICY_TEST_CLOCK=1: `clock set` may move the business date

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: str) -> Settings:
        """Read the environment (or ``env``), with defaults; ``overrides`` win.

        DATABASE_URL, POLICY_INSTANCE_PATH, POLICY_RULES_DIR, POLICY_SECRET_KEY,
        POLICY_SMTP_* (see SmtpSettings), PROMETHEUS_MULTIPROC_DIR, POLICY_LOG_LEVEL,
        POLICY_COOKIE_SECURE, POLICY_STATEMENT_TIMEOUT, POLICY_BATCH_STATEMENT_TIMEOUT,
        POLICY_TIMEZONE, POLICY_TEST_CLOCK.
        """
        values = {**(os.environ if env is None else env), **overrides}
        instance = Path(values.get("POLICY_INSTANCE_PATH", PROJECT_ROOT / "instance")).resolve()
        default_db = f"sqlite:///{instance / 'policy.db'}"
        level = values.get("POLICY_LOG_LEVEL", "INFO").upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"POLICY_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, "
                             f"got {level!r}")
        return cls(
            database_url=values.get("DATABASE_URL") or default_db,
            instance_path=instance,
            rules_dir=Path(values.get("POLICY_RULES_DIR", SHIPPED_RULES)).resolve(),
            secret_key=values.get("POLICY_SECRET_KEY") or None,
            smtp=SmtpSettings.from_env(values),
            prometheus_multiproc_dir=values.get("PROMETHEUS_MULTIPROC_DIR") or None,
            log_level=level,
            cookie_secure=values.get("POLICY_COOKIE_SECURE", "0") == "1",
            statement_timeout=_seconds(values, "POLICY_STATEMENT_TIMEOUT", cls.statement_timeout),
            batch_statement_timeout=_seconds(values, "POLICY_BATCH_STATEMENT_TIMEOUT",
                                             cls.batch_statement_timeout),
            timezone=_timezone(values.get("POLICY_TIMEZONE") or "UTC"),
            test_clock=values.get("POLICY_TEST_CLOCK", "0") == "1",
        )


def _seconds(values: Mapping[str, str], name: str, default: float) -> float:
    text = values.get(name)
    if not text:
        return default
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 86400:
        raise ValueError(f"{name} must be a number of seconds from 0 to 86400, got {text!r}")
    return seconds


def _timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"POLICY_TIMEZONE must be an IANA time zone such as Asia/Shanghai, "
                         f"got {name!r}") from exc
    return name
