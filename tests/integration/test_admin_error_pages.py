"""People get error pages in their language; order systems keep the JSON body."""

from __future__ import annotations

import pytest
from flask import Flask

from policy_service.container import Services
from tests.integration.test_admin_support import login, make_users, post_form


@pytest.fixture
def users(services: Services) -> dict[str, str]:
    return make_users(services)


def test_a_salesperson_on_a_staff_screen_gets_an_html_403(app: Flask,
                                                          users: dict[str, str]) -> None:
    response = login(app, users["sales"]).get("/admin/decisions/")
    assert response.status_code == 403 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "You may not open this page with your role." in page and '<html lang="en">' in page
    assert '"error"' not in page


def test_an_unknown_admin_page_is_an_html_404_in_chinese(app: Flask,
                                                         users: dict[str, str]) -> None:
    client = login(app, users["risk_manager"])
    post_form(client, "/admin/", "/admin/auth/locale/zh", {"next": "/admin/"})
    response = client.get("/admin/no-such-screen/")
    assert response.status_code == 404 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "此页面不存在。" in page and "返回仪表板" in page and '<html lang="zh-Hans">' in page
    assert "does not exist" not in page


def test_a_get_on_a_post_only_admin_action_is_an_html_405(app: Flask,
                                                          users: dict[str, str]) -> None:
    response = login(app, users["risk_manager"]).get("/admin/auth/logout")
    assert response.status_code == 405 and response.mimetype == "text/html"
    assert "go back and use the page" in response.get_data(as_text=True)


def test_the_api_keeps_its_json_errors(app: Flask) -> None:
    response = app.test_client().get("/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
