"""WSGI entry point for gunicorn workers (the master has already migrated and seeded)."""

from policy_service.api.app import create_app

app = create_app(bootstrap=False)
