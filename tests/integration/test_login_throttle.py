"""The admin login locks a username after five wrong passwords and an address after twenty."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from policy_service.app import create_app
from policy_service.config import Settings
from policy_service.container import Services
from policy_service.services.access import throttle
from policy_service.services.access.credentials import create_user
from tests.integration.test_admin_support import PASSWORD, csrf_token

T0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


@pytest.fixture
def risk(services: Services) -> str:
    create_user(services.uow(), "risk", "risk_manager", PASSWORD)
    return "risk"


def _try(services: Services, username: str, password: str, at: datetime,
         address: str = "10.0.0.1") -> object:
    return throttle.log_in(services.uow(), username, password, address, at)


def test_five_wrong_passwords_lock_the_username_even_for_the_right_one(
        services: Services, risk: str) -> None:
    for minute in range(5):
        assert _try(services, risk, "wrong", T0 + timedelta(minutes=minute)) is None
    with pytest.raises(throttle.LoginLocked) as locked:
        _try(services, risk, PASSWORD, T0 + timedelta(minutes=5), address="10.9.9.9")
    assert locked.value.minutes == 10  # the oldest of the five leaves the window at 09:15
    user = _try(services, risk, PASSWORD, T0 + timedelta(minutes=15, seconds=1))
    assert getattr(user, "username", None) == risk
    assert throttle.failures(services.uow(), risk) == 0


def test_failures_spread_over_more_than_the_window_never_lock(services: Services,
                                                              risk: str) -> None:
    for step in range(8):
        assert _try(services, risk, "wrong", T0 + timedelta(minutes=4 * step)) is None
    assert _try(services, risk, PASSWORD, T0 + timedelta(minutes=33)) is not None


def test_twenty_failures_from_one_address_lock_it_for_every_username(
        services: Services, risk: str) -> None:
    for n in range(20):
        assert _try(services, f"guess-{n}", "wrong", T0, address="203.0.113.7") is None
    with pytest.raises(throttle.LoginLocked):
        _try(services, risk, PASSWORD, T0 + timedelta(minutes=1), address="203.0.113.7")
    assert _try(services, risk, PASSWORD, T0 + timedelta(minutes=1)) is not None


def test_the_login_form_says_so_and_answers_429_after_five_wrong_passwords(
        app: Flask, risk: str) -> None:
    client = app.test_client()

    def post(password: str) -> object:
        page = client.get("/admin/auth/login").get_data(as_text=True)
        return client.post("/admin/auth/login", data={
            "username": risk, "password": password, "csrf_token": csrf_token(page)})

    for _ in range(5):
        wrong = post("wrong")
        assert "Unknown user or wrong password." in wrong.get_data(as_text=True)
    refused = post(PASSWORD)
    assert refused.status_code == 429
    assert "Too many failed logins. Try again in 15 minutes." in refused.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302  # still not logged in


def _login_cookie(app: Flask, risk: str) -> str:
    client = app.test_client()
    page = client.get("/admin/auth/login").get_data(as_text=True)
    response = client.post("/admin/auth/login", data={
        "username": risk, "password": PASSWORD, "csrf_token": csrf_token(page)})
    assert response.status_code == 302
    return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))


def test_the_session_cookie_is_httponly_and_samesite_lax(app: Flask, risk: str) -> None:
    cookie = _login_cookie(app, risk)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_policy_cookie_secure_makes_the_session_cookie_secure(services: Services,
                                                               risk: str) -> None:
    secure = Services.build(replace(services.settings, cookie_secure=True))
    try:
        cookie = _login_cookie(create_app(app_services=secure, bootstrap=False), risk)
    finally:
        secure.database.dispose()
    assert "Secure" in cookie and "SameSite=Lax" in cookie
    assert Settings.from_env({"POLICY_COOKIE_SECURE": "1"}).cookie_secure
    assert not Settings.from_env({}).cookie_secure
