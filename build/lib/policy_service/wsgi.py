"""WSGI entry point for gunicorn workers (the master has already migrated and seeded)."""

from policy_service.app import create_app
from policy_service.config import Settings
from policy_service.logs import configure_logging

settings = Settings.from_env()
configure_logging(settings.log_level, only_if_unconfigured=True)
app = create_app(settings, bootstrap=False)
