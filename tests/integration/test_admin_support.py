"""Helpers for the admin tests: users of every role, logging in, reading CSRF tokens."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from policy_service.container import Services
from policy_service.services.access.credentials import USER_ROLES, create_user

PASSWORD = "correct horse battery"
FIELD_TOKEN = re.compile(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"()')
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def make_users(services: Services) -> dict[str, str]:
    """One login per role (and a second risk manager); returns username by role."""
    names = {role: f"{role}-user" for role in USER_ROLES}
    for role, name in names.items():
        create_user(services.uow(), name, role, PASSWORD)
    create_user(services.uow(), "second-risk", "risk_manager", PASSWORD)
    return names


def csrf_token(html: str) -> str:
    """The page's form token (a WTForms field has id="csrf_token"), else the first one."""
    found = FIELD_TOKEN.search(html) or TOKEN.search(html)
    assert found, "no csrf_token on the page"
    return found.group(1) or found.group(2)


def login(app: Flask, username: str, password: str = PASSWORD) -> FlaskClient:
    """A test client logged in as `username`."""
    client = app.test_client()
    page = client.get("/admin/auth/login").get_data(as_text=True)
    response = client.post("/admin/auth/login", data={
        "username": username, "password": password, "csrf_token": csrf_token(page)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def post_form(client: FlaskClient, page_url: str, action_url: str, data: dict[str, str]
              ) -> object:
    """POST `data` to `action_url` with the CSRF token read from `page_url`."""
    page = client.get(page_url).get_data(as_text=True)
    return client.post(action_url, data={**data, "csrf_token": csrf_token(page)})
