"""What /openapi.json promises, checked on the document itself (no database needed)."""

from __future__ import annotations

import re
import warnings
from typing import Any

import pytest
from flask import Flask

from policy_service.api.wiring import API_CONFIG, init_api
from policy_service.domain.money import parse_amount

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    app = Flask(__name__)
    app.config.update(API_CONFIG)
    with warnings.catch_warnings():
        # apispec warns and renames (ResolveIn1) when two schema classes share a name
        warnings.filterwarnings("error", message="Multiple schemas resolved")
        init_api(app)
        with app.test_request_context():
            return app.test_client().get("/openapi.json").get_json()


def test_each_body_schema_has_its_own_name(document: dict[str, Any]) -> None:
    renamed = [name for name in document["components"]["schemas"] if name[-1].isdigit()]
    assert renamed == []


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, operation) for path, item in document["paths"].items()
            for method, operation in item.items() if method in METHODS]


def _schema_of(response: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in response:
        response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response["content"]["application/json"]["schema"]


def test_every_error_status_carries_the_contracts_error_body(document: dict[str, Any]) -> None:
    for path, method, operation in _operations(document):
        assert "default" not in operation["responses"], (method, path)
        for status, response in operation["responses"].items():
            if int(status) >= 400 and path.startswith("/v1/"):
                assert _schema_of(response, document) == {
                    "$ref": "#/components/schemas/Error"}, (method, path, status)
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    detail = document["components"]["schemas"]["ErrorDetail"]
    assert sorted(detail["required"]) == ["code", "fields", "message"]


def test_the_statuses_that_can_occur_are_documented(document: dict[str, Any]) -> None:
    for path, method, operation in _operations(document):
        if not path.startswith("/v1/"):
            continue
        statuses = set(operation["responses"])
        assert {"400", "401", "403", "422", "503"} <= statuses, (method, path)
        if "{" in path:
            assert "404" in statuses, (method, path)
        if "requestBody" in operation:
            assert {"404", "409", "413", "415"} <= statuses, (method, path)


def test_the_operations_endpoints_are_documented(document: dict[str, Any]) -> None:
    assert set(document["paths"]["/healthz"]["get"]["responses"]) == {"200"}
    assert set(document["paths"]["/readyz"]["get"]["responses"]) == {"200", "503"}
    assert "text/plain" in document["paths"]["/metrics"]["get"]["responses"]["200"]["content"]
    for path in ("/healthz", "/readyz", "/metrics"):
        assert document["paths"][path]["get"]["security"] == []


@pytest.mark.parametrize("text, accepted", [
    ("12000.00", True), ("0.5", True), ("1e3", False), (" 1 ", False), ("+5", False),
    ("1_000", False), ("-1", False), ("١٢", False), ("12000.", False),
])
def test_a_money_input_matches_the_pattern_exactly_when_it_parses(
        document: dict[str, Any], text: str, accepted: bool) -> None:
    pattern = document["components"]["schemas"]["CreditCheckIn"]["properties"]["amount"][
        "pattern"]
    assert bool(re.fullmatch(pattern, text)) is accepted
    if accepted:
        parse_amount(text)


def test_ids_dates_and_currencies_carry_their_bounds(document: dict[str, Any]) -> None:
    invoice = document["components"]["schemas"]["InvoiceIn"]["properties"]
    assert invoice["invoice_id"]["maxLength"] == 64 and "pattern" in invoice["invoice_id"]
    assert re.fullmatch(invoice["issue_date"]["pattern"], "2199-12-31")
    assert not re.fullmatch(invoice["issue_date"]["pattern"], "1969-12-31")
    assert not re.fullmatch(invoice["issue_date"]["pattern"], "2200-01-01")
    assert "CNY" in invoice["currency"]["enum"]
    money_out = document["components"]["schemas"]["CreditOut"]["properties"]["available"]
    assert re.fullmatch(money_out["pattern"], "-12.50")
