"""The services one process needs, wired once: database, engine, active rule sets, clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from policy_service.config import Settings
from policy_service.db.database import Database
from policy_service.engine import DurableRulesEngine, RuleEngine
from policy_service.services.clock import BusinessClock
from policy_service.services.credit.tiers import seed_tiers
from policy_service.services.rules.registry import RuleSetRegistry, seed_shipped
from policy_service.services.unit_of_work import UnitOfWork


@dataclass
class Services:
    """Everything a request or a command needs, built from Settings."""

    settings: Settings
    database: Database
    engine: RuleEngine
    rulesets: RuleSetRegistry
    today: Callable[[], date]  # the clock's today (tests may pin it)
    clock: BusinessClock

    @classmethod
    def build(cls, settings: Settings, engine: RuleEngine | None = None) -> Services:
        """Wire the services for one process."""
        settings.instance_path.mkdir(parents=True, exist_ok=True)
        engine = engine or DurableRulesEngine()
        database = Database(settings.database_url, statement_timeout=settings.statement_timeout)
        clock = BusinessClock(lambda: UnitOfWork(database), settings.timezone,
                              settings.test_clock)
        return cls(settings, database, engine, RuleSetRegistry(engine), clock.today, clock)

    def uow(self) -> UnitOfWork:
        """A new unit of work on this database."""
        return UnitOfWork(self.database)

    def bootstrap(self) -> list[str]:
        """Migrate, seed the tiers and, on first start, the shipped rule sets."""
        self.database.migrate()
        with self.uow() as uow:
            seed_tiers(uow.session)
            uow.commit()
        return seed_shipped(self.uow(), self.rulesets, self.settings.rules_dir)
