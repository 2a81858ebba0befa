"""The per-process service container attached to the Flask app."""

from __future__ import annotations

from flask import current_app

from policy_service.container import Services


def services() -> Services:
    """The container of the running app."""
    return current_app.extensions["policy_service"]
